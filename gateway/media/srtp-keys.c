#include "srtp-keys.h"

#include <sys/random.h>

char *
dc_srtp_key_new (void)
{
  guint8 key[DC_SRTP_KEY_BYTES];
  gsize filled = 0;
  while (filled < sizeof key)
    {
      ssize_t n = getrandom (key + filled, sizeof key - filled, 0);
      if (n <= 0)
        return NULL;
      filled += n;
    }
  return g_base64_encode (key, sizeof key);
}

static guint8 *
decode (const char *base64, gsize *length)
{
  *length = 0;
  if (base64 == NULL)
    return NULL;
  guint8 *bytes = g_base64_decode (base64, length);
  if (*length != DC_SRTP_KEY_BYTES)
    {
      g_free (bytes);
      return NULL;
    }
  return bytes;
}

GstBuffer *
dc_srtp_key_decode (const char *base64)
{
  gsize length;
  guint8 *bytes = decode (base64, &length);
  return bytes ? gst_buffer_new_wrapped (bytes, length) : NULL;
}

char *
dc_srtp_key_to_caps_value (const char *base64)
{
  gsize length;
  g_autofree guint8 *bytes = decode (base64, &length);
  if (bytes == NULL)
    return NULL;
  GString *text = g_string_new ("(buffer)");
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (text, "%02x", bytes[i]);
  return g_string_free (text, FALSE);
}
