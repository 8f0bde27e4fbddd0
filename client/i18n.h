/* Translations of the window: gettext domain "diemcau", Vietnamese unless told otherwise. */
#pragma once

#include <glib.h>
#include <glib/gi18n.h>

G_BEGIN_DECLS

#define DC_GETTEXT_PACKAGE "diemcau"

/* Chooses the language: lang ("vi" or "en") if given, else LANGUAGE / LC_ALL / LC_MESSAGES /
 * LANG, else Vietnamese (also when those say C or POSIX, or name a language we do not have).
 * localedir NULL: the build tree's catalogs when running from it, else the installed ones.
 * Returns the chosen language code. Call before any _() and before gtk_init (with
 * gtk_disable_setlocale). */
const char *dc_i18n_init (const char *lang, const char *localedir);

G_END_DECLS
