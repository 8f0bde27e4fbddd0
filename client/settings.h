/* The window's remembered choices: last server and site, the token only when the user asked,
 * and the TLS certificate fingerprints the user accepted, per server. One GKeyFile, mode 0600
 * because it may hold a token. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *server;
  char *site;
  char *token; /* NULL unless remember_token */
  gboolean remember_token;
  GHashTable *fingerprints; /* server URL -> "AB:CD:..." */
} DcSettings;

DcSettings *dc_settings_new (void);
void dc_settings_free (DcSettings *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcSettings, dc_settings_free)

/* g_get_user_config_dir()/diemcau/client.ini */
char *dc_settings_default_path (void);
/* A missing file gives empty settings; an unreadable one is an error. */
DcSettings *dc_settings_load (const char *path, GError **error);
/* Writes atomically with mode 0600, creating the folder (0700) if needed. */
gboolean dc_settings_save (const DcSettings *settings, const char *path, GError **error);

void dc_settings_set_fingerprint (DcSettings *settings, const char *server,
                                  const char *fingerprint);
const char *dc_settings_get_fingerprint (const DcSettings *settings, const char *server);

G_END_DECLS
