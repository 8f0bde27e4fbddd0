/* Join tokens: generation, salted hashing, verification and the stored-hash shape. */
#include "token.h"

#include <string.h>

static void
test_generate_shape (void)
{
  g_autofree char *a = dc_token_generate ();
  g_autofree char *b = dc_token_generate ();

  g_assert_cmpuint (strlen (a), ==, 64);
  g_assert_cmpuint (strlen (b), ==, 64);
  for (const char *c = a; *c; c++)
    g_assert_true (g_ascii_isdigit (*c) || (*c >= 'a' && *c <= 'f'));
  g_assert_cmpstr (a, !=, b);
}

static void
test_round_trip (void)
{
  g_autofree char *token = dc_token_generate ();
  g_autofree char *hash = dc_token_hash (token);
  g_auto (GStrv) parts = g_strsplit (hash, ":", -1);

  g_assert_true (g_str_has_prefix (hash, "sha256:"));
  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  g_assert_cmpuint (strlen (parts[1]), ==, 32);
  g_assert_cmpuint (strlen (parts[2]), ==, 64);
  g_assert_true (dc_token_hash_is_wellformed (hash));
  g_assert_true (dc_token_verify (hash, token));
}

/* The digest is SHA-256 over the raw salt bytes followed by the token. */
static void
test_known_digest (void)
{
  const char *salt_hex = "000102030405060708090a0b0c0d0e0f";
  const char *token = "hoi-nghi";
  guint8 salt[16];
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *stored = NULL;

  for (int i = 0; i < 16; i++)
    salt[i] = (guint8) i;
  g_checksum_update (sum, salt, sizeof salt);
  g_checksum_update (sum, (const guchar *) token, (gssize) strlen (token));
  stored = g_strdup_printf ("sha256:%s:%s", salt_hex, g_checksum_get_string (sum));

  g_assert_true (dc_token_verify (stored, token));
  g_assert_false (dc_token_verify (stored, "hoi-nghj"));
}

static void
test_wrong_token_refused (void)
{
  g_autofree char *token = dc_token_generate ();
  g_autofree char *other = dc_token_generate ();
  g_autofree char *hash = dc_token_hash (token);
  g_autofree char *truncated = g_strndup (token, 63);
  g_autofree char *longer = g_strconcat (token, "0", NULL);

  g_assert_false (dc_token_verify (hash, other));
  g_assert_false (dc_token_verify (hash, truncated));
  g_assert_false (dc_token_verify (hash, longer));
  g_assert_false (dc_token_verify (hash, ""));
  g_assert_false (dc_token_verify (hash, NULL));
}

static void
test_malformed_refused (void)
{
  g_autofree char *token = dc_token_generate ();
  g_autofree char *hash = dc_token_hash (token);
  g_autofree char *no_prefix = g_strdup (hash + strlen ("sha256:"));
  g_autofree char *md5 = g_strconcat ("md5:", no_prefix, NULL);
  g_autofree char *short_digest = g_strndup (hash, strlen (hash) - 2);
  g_autofree char *non_hex = g_strdup (hash);
  g_autofree char *extra = g_strconcat (hash, ":00", NULL);
  const char *fixed[] = {
    "", "sha256:", "sha256::", "sha256:00:00",
    "sha256:000102030405060708090a0b0c0d0e0f",
    NULL,
  };

  non_hex[strlen (non_hex) - 1] = 'g';
  const char *built[] = { token, no_prefix, md5, short_digest, non_hex, extra };
  for (gsize i = 0; i < G_N_ELEMENTS (built); i++)
    {
      g_assert_false (dc_token_hash_is_wellformed (built[i]));
      g_assert_false (dc_token_verify (built[i], token));
    }
  for (gsize i = 0; fixed[i] != NULL; i++)
    {
      g_assert_false (dc_token_hash_is_wellformed (fixed[i]));
      g_assert_false (dc_token_verify (fixed[i], token));
    }
  g_assert_false (dc_token_hash_is_wellformed (NULL));
  g_assert_false (dc_token_verify (NULL, token));
}

static void
test_salted (void)
{
  const char *token = "one token, two halls";
  g_autofree char *a = dc_token_hash (token);
  g_autofree char *b = dc_token_hash (token);

  g_assert_cmpstr (a, !=, b);
  g_assert_true (dc_token_verify (a, token));
  g_assert_true (dc_token_verify (b, token));
}

static void
test_uppercase_hash_accepted (void)
{
  g_autofree char *token = dc_token_generate ();
  g_autofree char *hash = dc_token_hash (token);
  g_autofree char *upper = g_ascii_strup (hash + strlen ("sha256:"), -1);
  g_autofree char *stored = g_strconcat ("sha256:", upper, NULL);

  g_assert_true (dc_token_hash_is_wellformed (stored));
  g_assert_true (dc_token_verify (stored, token));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/token/generate-shape", test_generate_shape);
  g_test_add_func ("/token/round-trip", test_round_trip);
  g_test_add_func ("/token/known-digest", test_known_digest);
  g_test_add_func ("/token/wrong-token-refused", test_wrong_token_refused);
  g_test_add_func ("/token/malformed-refused", test_malformed_refused);
  g_test_add_func ("/token/salted", test_salted);
  g_test_add_func ("/token/uppercase-hash-accepted", test_uppercase_hash_accepted);
  return g_test_run ();
}
