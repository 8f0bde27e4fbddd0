#include "sip-digest.h"

#include <string.h>

#include "token.h"

#define HA1_PREFIX "md5:"

static char *
md5_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

char *
dc_sip_ha1_new (const char *user, const char *realm, const char *password)
{
  g_return_val_if_fail (user != NULL && realm != NULL && password != NULL, NULL);
  g_autofree char *text = g_strdup_printf ("%s:%s:%s", user, realm, password);
  g_autofree char *hex = md5_hex (text);
  return g_strconcat (HA1_PREFIX, hex, NULL);
}

gboolean
dc_sip_ha1_is_wellformed (const char *stored)
{
  if (stored == NULL || !g_str_has_prefix (stored, HA1_PREFIX))
    return FALSE;
  const char *hex = stored + strlen (HA1_PREFIX);
  if (strlen (hex) != 32)
    return FALSE;
  for (const char *c = hex; *c; c++)
    if (!g_ascii_isxdigit (*c) || g_ascii_isupper (*c))
      return FALSE;
  return TRUE;
}

char *
dc_sip_password_generate (void)
{
  g_autofree char *token = dc_token_generate ();
  return g_strndup (token, 20);
}

static char *
nonce_mac (const guint8 *key, const char *time_hex)
{
  g_autofree char *mac = g_compute_hmac_for_string (G_CHECKSUM_SHA256, key,
                                                    DC_SIP_NONCE_KEY_BYTES, time_hex, -1);
  return g_strndup (mac, 32);
}

char *
dc_sip_nonce_new (const guint8 *key, gint64 now_s)
{
  g_autofree char *time_hex = g_strdup_printf ("%" G_GINT64_MODIFIER "x", now_s);
  g_autofree char *mac = nonce_mac (key, time_hex);
  return g_strdup_printf ("%s.%s", time_hex, mac);
}

/* Compares without an early exit, so timing tells nothing about how much matched. */
static gboolean
equal_in_constant_time (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint diff = la ^ lb;
  for (gsize i = 0; i < la && i < lb; i++)
    diff |= (guint) (a[i] ^ b[i]);
  return diff == 0;
}

gboolean
dc_sip_nonce_is_fresh (const guint8 *key, const char *nonce, gint64 now_s, gint64 max_age_s)
{
  const char *dot = nonce ? strchr (nonce, '.') : NULL;
  if (dot == NULL || dot == nonce || dot - nonce > 16)
    return FALSE;
  g_autofree char *time_hex = g_strndup (nonce, dot - nonce);
  guint64 made = 0;
  if (!g_ascii_string_to_unsigned (time_hex, 16, 0, G_MAXINT64, &made, NULL))
    return FALSE;
  g_autofree char *mac = nonce_mac (key, time_hex);
  if (!equal_in_constant_time (mac, dot + 1))
    return FALSE;
  return (gint64) made <= now_s && now_s - (gint64) made <= max_age_s;
}

char *
dc_sip_challenge_new (const char *realm, const char *nonce)
{
  return g_strdup_printf ("Digest realm=\"%s\", nonce=\"%s\", qop=\"auth\", algorithm=MD5", realm,
                          nonce);
}

/* A nonce with a valid MAC that is merely old is stale, not wrong. */
static gboolean
nonce_is_ours (const guint8 *key, const char *nonce)
{
  return dc_sip_nonce_is_fresh (key, nonce, G_MAXINT64 / 2, G_MAXINT64 / 2);
}

DcDigestResult
dc_sip_digest_check (const char *stored_ha1, const char *realm, const guint8 *nonce_key,
                     const char *method, const DcDigestResponse *r, gint64 now_s)
{
  g_return_val_if_fail (r != NULL && method != NULL, DC_DIGEST_MALFORMED);
  if (r->username == NULL || r->realm == NULL || r->nonce == NULL || r->uri == NULL
      || r->response == NULL)
    return DC_DIGEST_MALFORMED;
  if (r->algorithm && g_ascii_strcasecmp (r->algorithm, "MD5") != 0)
    return DC_DIGEST_MALFORMED;
  gboolean with_qop = r->qop != NULL;
  if (with_qop && (g_ascii_strcasecmp (r->qop, "auth") != 0 || r->nc == NULL || r->cnonce == NULL))
    return DC_DIGEST_MALFORMED;
  if (!dc_sip_ha1_is_wellformed (stored_ha1) || g_strcmp0 (r->realm, realm) != 0)
    return DC_DIGEST_WRONG;
  if (!nonce_is_ours (nonce_key, r->nonce))
    return DC_DIGEST_WRONG;

  const char *ha1 = stored_ha1 + strlen (HA1_PREFIX);
  g_autofree char *a2 = g_strdup_printf ("%s:%s", method, r->uri);
  g_autofree char *ha2 = md5_hex (a2);
  g_autofree char *text = with_qop ? g_strdup_printf ("%s:%s:%s:%s:%s:%s", ha1, r->nonce, r->nc,
                                                      r->cnonce, r->qop, ha2)
                                   : g_strdup_printf ("%s:%s:%s", ha1, r->nonce, ha2);
  g_autofree char *expected = md5_hex (text);
  g_autofree char *given = g_ascii_strdown (r->response, -1);
  if (!equal_in_constant_time (expected, given))
    return DC_DIGEST_WRONG;
  /* Right password on an old nonce: the caller retries with a fresh one, silently. */
  if (!dc_sip_nonce_is_fresh (nonce_key, r->nonce, now_s, DC_SIP_NONCE_MAX_AGE_S))
    return DC_DIGEST_STALE;
  return DC_DIGEST_OK;
}
