/* Join tokens: generation from the kernel's random source and salted SHA-256 storage. */
#include "token.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define TOKEN_BYTES 32
#define SALT_BYTES 16
#define DIGEST_BYTES 32
#define HASH_PREFIX "sha256:"

/* Fills buf from /dev/urandom; FALSE when the device cannot be read completely. */
static gboolean
read_urandom (guint8 *buf, gsize len)
{
  int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
  gsize done = 0;

  if (fd < 0)
    return FALSE;
  while (done < len)
    {
      ssize_t n = read (fd, buf + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize) n;
    }
  close (fd);
  return done == len;
}

static void
random_bytes (guint8 *buf, gsize len)
{
  if (read_urandom (buf, len))
    return;
  /* Only reached on systems without /dev/urandom (chroots); GLib seeds from the clock there. */
  g_warning ("cannot read /dev/urandom; falling back to a weaker random source");
  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) g_random_int_range (0, 256);
}

static char *
hex_encode (const guint8 *buf, gsize len)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[buf[i] >> 4];
      out[2 * i + 1] = digits[buf[i] & 0xf];
    }
  out[len * 2] = '\0';
  return out;
}

/* Decodes exactly len bytes from 2*len hex characters (either case); FALSE on anything else. */
static gboolean
hex_decode (const char *hex, gsize hex_len, guint8 *out, gsize len)
{
  if (hex_len != len * 2)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);
      if (hi < 0 || lo < 0)
        return FALSE;
      out[i] = (guint8) ((hi << 4) | lo);
    }
  return TRUE;
}

static void
salted_digest (const guint8 *salt, const char *token, guint8 digest[DIGEST_BYTES])
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_len = DIGEST_BYTES;

  g_checksum_update (sum, salt, SALT_BYTES);
  g_checksum_update (sum, (const guchar *) token, (gssize) strlen (token));
  g_checksum_get_digest (sum, digest, &digest_len);
  g_assert (digest_len == DIGEST_BYTES);
}

/* Splits "sha256:SALT:DIGEST" into raw salt and digest; FALSE when the shape is wrong. */
static gboolean
parse_hash (const char *stored, guint8 salt[SALT_BYTES], guint8 digest[DIGEST_BYTES])
{
  const char *salt_hex, *colon, *digest_hex;

  if (stored == NULL || !g_str_has_prefix (stored, HASH_PREFIX))
    return FALSE;
  salt_hex = stored + strlen (HASH_PREFIX);
  colon = strchr (salt_hex, ':');
  if (colon == NULL)
    return FALSE;
  digest_hex = colon + 1;
  return hex_decode (salt_hex, (gsize) (colon - salt_hex), salt, SALT_BYTES)
         && hex_decode (digest_hex, strlen (digest_hex), digest, DIGEST_BYTES);
}

char *
dc_token_generate (void)
{
  guint8 buf[TOKEN_BYTES];
  char *token;

  random_bytes (buf, sizeof buf);
  token = hex_encode (buf, sizeof buf);
  memset (buf, 0, sizeof buf);
  return token;
}

char *
dc_token_hash (const char *token)
{
  guint8 salt[SALT_BYTES], digest[DIGEST_BYTES];
  g_autofree char *salt_hex = NULL;
  g_autofree char *digest_hex = NULL;

  g_return_val_if_fail (token != NULL, NULL);

  random_bytes (salt, sizeof salt);
  salted_digest (salt, token, digest);
  salt_hex = hex_encode (salt, sizeof salt);
  digest_hex = hex_encode (digest, sizeof digest);
  return g_strconcat (HASH_PREFIX, salt_hex, ":", digest_hex, NULL);
}

gboolean
dc_token_verify (const char *stored_hash, const char *token)
{
  guint8 salt[SALT_BYTES], expected[DIGEST_BYTES], actual[DIGEST_BYTES];
  guint8 diff = 0;

  if (token == NULL || !parse_hash (stored_hash, salt, expected))
    return FALSE;
  salted_digest (salt, token, actual);
  /* Every byte is compared whatever the earlier ones were, so timing reveals nothing. */
  for (gsize i = 0; i < DIGEST_BYTES; i++)
    diff |= expected[i] ^ actual[i];
  return diff == 0;
}

gboolean
dc_token_hash_is_wellformed (const char *stored_hash)
{
  guint8 salt[SALT_BYTES], digest[DIGEST_BYTES];

  return parse_hash (stored_hash, salt, digest);
}
