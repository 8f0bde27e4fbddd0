/* SDES keys (RFC 4568) for AES_CM_128_HMAC_SHA1_80: 16 bytes of master key and 14 of salt,
 * base64 in a=crypto, a GstBuffer for srtpenc and srtpdec. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define DC_SRTP_KEY_BYTES 30

/* A fresh key from the kernel's random source, as base64; NULL if none could be had. */
char *dc_srtp_key_new (void);
/* The key's bytes, or NULL when base64 does not hold exactly 30 bytes. */
GstBuffer *dc_srtp_key_decode (const char *base64);
/* "(buffer)HEX" for caps text. */
char *dc_srtp_key_to_caps_value (const char *base64);

G_END_DECLS
