/* The window's settings file; see settings.h. */
#include "settings.h"

#include <glib/gstdio.h>

#define GROUP_JOIN "join"
#define GROUP_TRUST "trusted-certificates"

DcSettings *
dc_settings_new (void)
{
  DcSettings *s = g_new0 (DcSettings, 1);
  s->fingerprints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return s;
}

void
dc_settings_free (DcSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->server);
  g_free (settings->site);
  g_free (settings->token);
  g_hash_table_unref (settings->fingerprints);
  g_free (settings);
}

char *
dc_settings_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "diemcau", "client.ini", NULL);
}

DcSettings *
dc_settings_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (DcSettings) s = dc_settings_new ();
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&s);
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return NULL;
    }
  s->server = g_key_file_get_string (kf, GROUP_JOIN, "server", NULL);
  s->site = g_key_file_get_string (kf, GROUP_JOIN, "site", NULL);
  s->remember_token = g_key_file_get_boolean (kf, GROUP_JOIN, "remember-token", NULL);
  if (s->remember_token)
    s->token = g_key_file_get_string (kf, GROUP_JOIN, "token", NULL);
  /* Keys are server URLs, which GKeyFile keys cannot hold: each entry is "URL fingerprint". */
  g_auto (GStrv) entries = g_key_file_get_string_list (kf, GROUP_TRUST, "servers", NULL, NULL);
  for (guint i = 0; entries != NULL && entries[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (entries[i], " ", 2);
      if (parts[0] != NULL && parts[1] != NULL)
        dc_settings_set_fingerprint (s, parts[0], parts[1]);
    }
  return g_steal_pointer (&s);
}

static void
set_if (GKeyFile *kf, const char *key, const char *value)
{
  if (value != NULL && *value != '\0')
    g_key_file_set_string (kf, GROUP_JOIN, key, value);
}

gboolean
dc_settings_save (const DcSettings *settings, const char *path, GError **error)
{
  g_return_val_if_fail (settings != NULL && path != NULL, FALSE);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  set_if (kf, "server", settings->server);
  set_if (kf, "site", settings->site);
  g_key_file_set_boolean (kf, GROUP_JOIN, "remember-token", settings->remember_token);
  if (settings->remember_token)
    set_if (kf, "token", settings->token);

  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer server, fingerprint;
  g_hash_table_iter_init (&iter, settings->fingerprints);
  while (g_hash_table_iter_next (&iter, &server, &fingerprint))
    g_ptr_array_add (entries, g_strdup_printf ("%s %s", (char *)server, (char *)fingerprint));
  if (entries->len > 0)
    g_key_file_set_string_list (kf, GROUP_TRUST, "servers", (const char *const *)entries->pdata,
                                entries->len);

  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot create %s: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  gsize len = 0;
  g_autofree char *text = g_key_file_to_data (kf, &len, NULL);
  return g_file_set_contents_full (path, text, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

void
dc_settings_set_fingerprint (DcSettings *settings, const char *server, const char *fingerprint)
{
  g_return_if_fail (settings != NULL && server != NULL);
  if (fingerprint == NULL)
    g_hash_table_remove (settings->fingerprints, server);
  else
    g_hash_table_replace (settings->fingerprints, g_strdup (server), g_strdup (fingerprint));
}

const char *
dc_settings_get_fingerprint (const DcSettings *settings, const char *server)
{
  g_return_val_if_fail (settings != NULL, NULL);
  return server != NULL ? g_hash_table_lookup (settings->fingerprints, server) : NULL;
}
