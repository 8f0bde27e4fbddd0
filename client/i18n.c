/* Language choice and gettext binding; see i18n.h. */
#include "i18n.h"

#include <locale.h>
#include <string.h>

#include "dc-client-paths.h"

static const char *const supported[] = { "vi", "en" };

/* "en_US.UTF-8" -> "en"; NULL for C, POSIX and languages without a catalog. */
static const char *
supported_language (const char *value)
{
  if (value == NULL || *value == '\0')
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (supported); i++)
    if (g_str_has_prefix (value, supported[i])
        && (value[2] == '\0' || strchr ("_.@:", value[2]) != NULL))
      return supported[i];
  return NULL;
}

static const char *
language_from_environment (void)
{
  static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      const char *value = g_getenv (vars[i]);
      if (value == NULL || *value == '\0')
        continue;
      /* The first variable that is set decides, as in gettext; C means "no preference". */
      return supported_language (value);
    }
  return NULL;
}

static const char *
default_localedir (void)
{
  /* Running from the build tree: use the catalogs built beside the program. */
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL && g_str_has_prefix (exe, DC_BUILD_ROOT G_DIR_SEPARATOR_S))
    return DC_BUILD_LOCALEDIR;
  return DC_LOCALEDIR;
}

const char *
dc_i18n_init (const char *lang, const char *localedir)
{
  const char *chosen = supported_language (lang);
  if (chosen == NULL)
    chosen = language_from_environment ();
  if (chosen == NULL)
    chosen = "vi";

  setlocale (LC_ALL, "");
  g_setenv ("LANGUAGE", chosen, TRUE);
  /* gettext ignores LANGUAGE in the C locale; C.UTF-8 changes nothing else that matters. */
  const char *messages = setlocale (LC_MESSAGES, NULL);
  if (messages == NULL || strcmp (messages, "C") == 0 || strcmp (messages, "POSIX") == 0)
    setlocale (LC_MESSAGES, "C.UTF-8");
  if (setlocale (LC_CTYPE, NULL) != NULL && strcmp (setlocale (LC_CTYPE, NULL), "C") == 0)
    setlocale (LC_CTYPE, "C.UTF-8");

  bindtextdomain (DC_GETTEXT_PACKAGE, localedir != NULL ? localedir : default_localedir ());
  bind_textdomain_codeset (DC_GETTEXT_PACKAGE, "UTF-8");
  textdomain (DC_GETTEXT_PACKAGE);
  return chosen;
}
