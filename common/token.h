/* Join tokens: random secrets handed to a hall, stored in the config only as a salted hash. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new token: 32 random bytes as 64 lowercase hex characters (from /dev/urandom via GRand seeded
 * from it is not enough: read /dev/urandom, fall back to g_random only if it cannot be opened). */
char *dc_token_generate (void);
/* "sha256:SALT_HEX:DIGEST_HEX" with a fresh 16-byte salt; digest = SHA-256(salt || token). */
char *dc_token_hash (const char *token);
/* Constant-time comparison of the token against a stored hash. FALSE for a malformed hash. */
gboolean dc_token_verify (const char *stored_hash, const char *token);
/* TRUE when the string has the stored-hash shape (used to refuse tokens stored in clear). */
gboolean dc_token_hash_is_wellformed (const char *stored_hash);

G_END_DECLS
