/* Command-line helpers behind diemcau-gateway --new-token, --new-sip-password and --check-config. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Generates a join token for [site:SITE_ID], stores its salted hash as token-hash in the config
 * file (comments kept, file replaced atomically) and hands the token out once: printed to stdout,
 * or, when token_out_path is not NULL, written to that file with mode 0600 (its path is printed).
 * Returns 0, or prints the reason to stderr and returns 1. */
int dc_config_tool_new_token (const char *config_path, const char *site_id,
                              const char *token_out_path);

/* The same for a room system's SIP digest password: stores sip-ha1 (HA1 for the [sip] realm, user
 * = the site id) and hands the password out once. */
int dc_config_tool_new_sip_password (const char *config_path, const char *site_id,
                                     const char *out_path);

/* Loads and validates the config file. Prints "PATH: OK (N sites, chair: NAME)" and returns 0, or
 * prints every problem on its own line to stderr and returns 1. */
int dc_config_tool_check (const char *path);

G_END_DECLS
