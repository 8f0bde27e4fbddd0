/* SIP digest authentication of room systems (RFC 2617 with qop=auth, MD5: what Poly, Cisco,
 * baresip and sofia-sip all answer). The config keeps only HA1 = MD5(user:realm:password);
 * nonces are stateless (time + HMAC), because a challenged INVITE comes back as a new
 * transaction. Pure: no sockets, no SIP stack. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DC_SIP_NONCE_KEY_BYTES 32
/* A nonce older than this is stale: the caller gets a new challenge. */
#define DC_SIP_NONCE_MAX_AGE_S 300

/* "md5:" + 32 lowercase hex characters. */
char *dc_sip_ha1_new (const char *user, const char *realm, const char *password);
gboolean dc_sip_ha1_is_wellformed (const char *stored);
/* A password for a room system's keypad: 20 lowercase hex characters (80 bits). */
char *dc_sip_password_generate (void);

char *dc_sip_nonce_new (const guint8 *key, gint64 now_s);
/* TRUE when the nonce was made with key within max_age_s of now_s. */
gboolean dc_sip_nonce_is_fresh (const guint8 *key, const char *nonce, gint64 now_s,
                                gint64 max_age_s);
/* The WWW-Authenticate value. */
char *dc_sip_challenge_new (const char *realm, const char *nonce);

/* The Authorization header's parameters, unquoted. */
typedef struct
{
  const char *username;
  const char *realm;
  const char *nonce;
  const char *uri;
  const char *response;
  const char *algorithm; /* NULL = MD5 */
  const char *qop;       /* NULL or "auth" */
  const char *nc;
  const char *cnonce;
} DcDigestResponse;

typedef enum
{
  DC_DIGEST_OK,
  DC_DIGEST_MALFORMED,   /* a parameter missing, an unknown algorithm or qop: 400 */
  DC_DIGEST_STALE,       /* our nonce, too old: challenge again with stale=true */
  DC_DIGEST_WRONG,       /* wrong password, wrong realm, a nonce we never made: 403 */
} DcDigestResult;

DcDigestResult dc_sip_digest_check (const char *stored_ha1, const char *realm,
                                    const guint8 *nonce_key, const char *method,
                                    const DcDigestResponse *response, gint64 now_s);

G_END_DECLS
