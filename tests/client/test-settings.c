/* The window's settings file: round trip, the token kept only when asked, mode 0600. */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "settings.h"

static char *
temp_path (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dc-settings-XXXXXX", &error);
  g_assert_no_error (error);
  /* A folder that does not exist yet, as on a hall PC's first run. */
  return g_build_filename (dir, "diemcau", "client.ini", NULL);
}

static void
remove_all (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *top = g_path_get_dirname (dir);
  g_unlink (path);
  g_rmdir (dir);
  g_rmdir (top);
}

static DcSettings *
sample (gboolean remember)
{
  DcSettings *s = dc_settings_new ();
  s->server = g_strdup ("wss://gateway.example:8443/ws");
  s->site = g_strdup ("vo-nhai");
  s->token = g_strdup ("3b9f0c7e5a1d4c2b");
  s->remember_token = remember;
  dc_settings_set_fingerprint (s, "wss://gateway.example:8443/ws", "AB:CD:EF");
  return s;
}

static void
test_round_trip_with_token (void)
{
  g_autofree char *path = temp_path ();
  g_autoptr (DcSettings) s = sample (TRUE);
  g_autoptr (GError) error = NULL;
  g_assert_true (dc_settings_save (s, path, &error));
  g_assert_no_error (error);

  g_autoptr (DcSettings) back = dc_settings_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->server, ==, "wss://gateway.example:8443/ws");
  g_assert_cmpstr (back->site, ==, "vo-nhai");
  g_assert_true (back->remember_token);
  g_assert_cmpstr (back->token, ==, "3b9f0c7e5a1d4c2b");
  g_assert_cmpstr (dc_settings_get_fingerprint (back, "wss://gateway.example:8443/ws"), ==,
                   "AB:CD:EF");
  g_assert_null (dc_settings_get_fingerprint (back, "wss://other:8443/ws"));

  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  remove_all (path);
}

static void
test_token_not_kept_unless_asked (void)
{
  g_autofree char *path = temp_path ();
  g_autoptr (DcSettings) s = sample (FALSE);
  g_autoptr (GError) error = NULL;
  g_assert_true (dc_settings_save (s, path, &error));

  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_null (strstr (text, "3b9f0c7e5a1d4c2b"));
  g_autoptr (DcSettings) back = dc_settings_load (path, &error);
  g_assert_no_error (error);
  g_assert_false (back->remember_token);
  g_assert_null (back->token);
  g_assert_cmpstr (back->site, ==, "vo-nhai");

  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  remove_all (path);
}

static void
test_missing_and_broken_files (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DcSettings) empty = dc_settings_load ("/nonexistent/diemcau/client.ini", &error);
  g_assert_no_error (error);
  g_assert_nonnull (empty);
  g_assert_null (empty->server);

  g_autofree char *path = temp_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "not a key file [", -1, NULL));
  g_autoptr (DcSettings) broken = dc_settings_load (path, &error);
  g_assert_null (broken);
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  remove_all (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/settings/round-trip-with-token", test_round_trip_with_token);
  g_test_add_func ("/settings/token-not-kept-unless-asked", test_token_not_kept_unless_asked);
  g_test_add_func ("/settings/missing-and-broken-files", test_missing_and_broken_files);
  return g_test_run ();
}
