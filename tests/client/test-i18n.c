/* The window's translations: Vietnamese by default (even in the C locale), English on request,
 * from the catalogs built into the build tree (DC_TEST_LOCALEDIR). Each case runs in a
 * subprocess because the language is chosen once per process. */
#include <stdlib.h>

#include "i18n.h"

static const char *
localedir (void)
{
  const char *dir = g_getenv ("DC_TEST_LOCALEDIR");
  g_assert_nonnull (dir);
  return dir;
}

static void
check (const char *lang, const char *expected_lang, const char *msgid, const char *expected)
{
  const char *chosen = dc_i18n_init (lang, localedir ());
  g_assert_cmpstr (chosen, ==, expected_lang);
  g_assert_cmpstr (_(msgid), ==, expected);
}

static void
vi_default_in_c_locale (void)
{
  g_setenv ("LANG", "C", TRUE);
  g_unsetenv ("LANGUAGE");
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  check (NULL, "vi", "Join", "Tham gia");
  g_autofree char *countdown = g_strdup_printf (
      g_dngettext (DC_GETTEXT_PACKAGE, "Connection lost — retrying in %d second",
                   "Connection lost — retrying in %d seconds", 4),
      4);
  g_assert_cmpstr (countdown, ==, "Mất kết nối — thử lại sau 4 giây");
}

static void
en_from_option (void)
{
  g_setenv ("LANG", "vi_VN.UTF-8", TRUE);
  check ("en", "en", "Join", "Join");
  g_assert_cmpstr (_("Ask to speak (H)"), ==, "Ask to speak (H)");
}

static void
en_from_environment (void)
{
  g_unsetenv ("LANGUAGE");
  g_unsetenv ("LC_ALL");
  g_setenv ("LANG", "en_US.UTF-8", TRUE);
  check (NULL, "en", "In the meeting", "In the meeting");
}

static void
vi_from_option (void)
{
  g_setenv ("LANGUAGE", "en", TRUE);
  check ("vi", "vi", "Ask to speak (H)", "Đăng ký phát biểu (H)");
}

static void
run_case (gconstpointer data)
{
  const char *path = data;
  if (g_test_subprocess ())
    {
      const struct
      {
        const char *path;
        void (*fn) (void);
      } cases[] = {
        { "/i18n/vi-default-in-c-locale", vi_default_in_c_locale },
        { "/i18n/en-from-option", en_from_option },
        { "/i18n/en-from-environment", en_from_environment },
        { "/i18n/vi-from-option", vi_from_option },
      };
      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        if (g_str_equal (cases[i].path, path))
          cases[i].fn ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/i18n/vi-default-in-c-locale", "/i18n/vi-default-in-c-locale", run_case);
  g_test_add_data_func ("/i18n/en-from-option", "/i18n/en-from-option", run_case);
  g_test_add_data_func ("/i18n/en-from-environment", "/i18n/en-from-environment", run_case);
  g_test_add_data_func ("/i18n/vi-from-option", "/i18n/vi-from-option", run_case);
  return g_test_run ();
}
