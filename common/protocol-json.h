/* The first step of dc_message_parse: a message's text to a JSON object, under the lexical rules
 * of docs/protocol.md §2. Internal to the protocol code. */
#pragma once

#include "protocol.h"

G_BEGIN_DECLS

/* The message's root object (a new reference), or NULL with error set in DC_PROTOCOL_ERROR:
 * DC_ERR_TOO_LARGE over DC_PROTOCOL_MAX_MESSAGE, else DC_ERR_BAD_JSON (not UTF-8, not strict
 * JSON, nested too deep, an integer beyond 64 bits, a member repeated, not an object). */
JsonObject *dc_protocol_read_object (const char *data, gsize length, GError **error);

G_END_DECLS
