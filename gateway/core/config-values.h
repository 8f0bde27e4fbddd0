/* Checks of single config values: NULL when fine, else what is wrong (a phrase for the
 * "[group] key: ..." sentence). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *dc_config_check_ip (const char *value);
char *dc_config_check_ip_or_localhost (const char *value);
char *dc_config_check_stun (const char *value);
char *dc_config_check_turn (const char *value);
char *dc_config_check_token_hash (const char *value);
char *dc_config_check_sip_ha1 (const char *value);
char *dc_config_check_sip_user (const char *value);
char *dc_config_check_sip_uri (const char *value);
/* A quality tier: "WIDTHxHEIGHT@KBPS", even sizes from 160x90, 50..20000 kbit/s. */
gboolean dc_config_parse_video_tier (const char *value, guint *width, guint *height,
                                     guint *kbps);
char *dc_config_check_video_tier (const char *value);

G_END_DECLS
