#include "config-values.h"

#include <stdio.h>
#include <string.h>

#include "sip-digest.h"
#include "token.h"

char *
dc_config_check_ip (const char *value)
{
  if (!g_hostname_is_ip_address (value))
    return g_strdup_printf ("\"%s\" is not an IP address", value);
  return NULL;
}

char *
dc_config_check_ip_or_localhost (const char *value)
{
  if (g_ascii_strcasecmp (value, "localhost") == 0)
    return NULL;
  return dc_config_check_ip (value);
}

char *
dc_config_check_stun (const char *value)
{
  if (!g_str_has_prefix (value, "stun://") || value[strlen ("stun://")] == '\0')
    return g_strdup_printf ("\"%s\" is not a STUN address", value);
  return NULL;
}

char *
dc_config_check_turn (const char *value)
{
  if ((!g_str_has_prefix (value, "turn://") && !g_str_has_prefix (value, "turns://"))
      || strchr (value, '@') == NULL)
    return g_strdup_printf ("\"%s\" is not a TURN address with credentials", value);
  return NULL;
}

char *
dc_config_check_token_hash (const char *value)
{
  if (dc_token_hash_is_wellformed (value))
    return NULL;
  if (!g_str_has_prefix (value, "sha256:"))
    return g_strdup ("looks like a token stored in clear");
  return g_strdup ("is not a well-formed hash");
}

char *
dc_config_check_sip_ha1 (const char *value)
{
  if (dc_sip_ha1_is_wellformed (value))
    return NULL;
  if (!g_str_has_prefix (value, "md5:"))
    return g_strdup ("looks like a password stored in clear");
  return g_strdup ("is not a well-formed hash");
}

/* SIP user parts and realms the gateway accepts: letters, digits, '-', '.', '_'. */
char *
dc_config_check_sip_user (const char *value)
{
  if (*value == '\0')
    return g_strdup ("is empty");
  for (const char *c = value; *c; c++)
    if (!g_ascii_isalnum (*c) && !strchr ("-._", *c))
      return g_strdup_printf ("\"%s\" has a character other than letters, digits, '-', '.', '_'",
                              value);
  return NULL;
}

/* sip:[user@]host[:port][;params]: what a room system's address looks like. Hosts are names or
 * IP literals (IPv6 in brackets); no spaces, quotes or angle brackets. */
char *
dc_config_check_sip_uri (const char *value)
{
  if (!g_str_has_prefix (value, "sip:"))
    return g_strdup ("does not start with \"sip:\"");
  for (const char *c = value; *c; c++)
    if ((guchar) *c <= ' ' || strchr ("<>\"", *c))
      return g_strdup ("has a space, a quote or an angle bracket");
  const char *rest = value + 4;
  const char *at = strrchr (rest, '@');
  const char *host = at ? at + 1 : rest;
  gsize host_length = strcspn (host, host[0] == '[' ? "]" : ":;");
  if (host[0] == '[')
    host_length += host[host_length] == ']' ? 1 : 0;
  if (host_length == 0 || (host[0] == '[' && host[host_length - 1] != ']'))
    return g_strdup ("has no host");
  const char *after = host + host_length;
  if (*after == ':')
    {
      char *end = NULL;
      guint64 port = g_ascii_strtoull (after + 1, &end, 10);
      if (end == after + 1 || port == 0 || port > 65535 || (*end != '\0' && *end != ';'))
        return g_strdup ("has a port that is not 1..65535");
    }
  return NULL;
}

gboolean
dc_config_parse_video_tier (const char *value, guint *width, guint *height, guint *kbps)
{
  guint w = 0, h = 0, k = 0;
  char tail = 0;
  if (sscanf (value, "%ux%u@%u%c", &w, &h, &k, &tail) != 3)
    return FALSE;
  if (w < 160 || h < 90 || w > 3840 || h > 2160 || w % 2 || h % 2 || k < 50 || k > 20000)
    return FALSE;
  *width = w;
  *height = h;
  *kbps = k;
  return TRUE;
}

char *
dc_config_check_video_tier (const char *value)
{
  guint w, h, k;
  if (!dc_config_parse_video_tier (value, &w, &h, &k))
    return g_strdup_printf ("\"%s\" is not WIDTHxHEIGHT@KBPS (even sizes from 160x90, "
                            "50 to 20000 kbit/s)", value);
  return NULL;
}
