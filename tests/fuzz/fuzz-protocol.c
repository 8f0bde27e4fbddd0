/* Fuzz target for the signaling parser: every byte string a peer could send.
 *
 * With a fuzzing engine (clang's libFuzzer), from the top of the source tree:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Icommon \
 *     tests/fuzz/fuzz-protocol.c common/protocol.c common/protocol-json.c \
 *     $(pkg-config --cflags --libs json-glib-1.0) -o fuzz-protocol
 *   ./fuzz-protocol -max_len=70000 tests/fuzz/corpus/protocol
 * Without one, meson builds replay-protocol (this file + replay-main.c), which runs the corpus. */
#include "protocol.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
parse_as (const uint8_t *data, size_t size, DcSender sender)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DcMessage) msg = dc_message_parse ((const char *)data, size, sender, &error);

  /* Exactly one of message and error, and accessors on whatever was accepted must hold up. */
  g_assert ((msg == NULL) != (error == NULL));
  if (msg == NULL)
    {
      g_assert (error->domain == DC_PROTOCOL_ERROR);
      g_assert (error->code >= 0 && error->code < DC_ERR_N_CODES);
      /* The sentence is sent back to the peer in an error message. */
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert (msg->type > DC_MSG_INVALID && msg->type < DC_MSG_N_TYPES);

  /* A message that parsed serialises back to one that parses the same way. */
  g_autofree char *again = dc_message_serialize (msg->type, msg->body);
  g_assert (g_utf8_validate (again, -1, NULL));
  g_autoptr (DcMessage) reparsed = dc_message_parse (again, strlen (again), sender, NULL);
  g_assert (reparsed != NULL && reparsed->type == msg->type);

  (void)dc_message_get_string (msg, "site");
  (void)dc_message_get_int (msg, "sdpMLineIndex", -1);
  (void)dc_message_get_double (msg, "level", 0.0);
  (void)dc_message_get_bool (msg, "fatal", FALSE);
  (void)dc_message_get_array (msg, "sites");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* dc_message_parse accepts NULL only with size 0; libFuzzer may pass NULL for empty input. */
  static const uint8_t empty[1] = { 0 };
  if (data == NULL)
    data = empty;

  parse_as (data, size, DC_SENDER_SITE);
  parse_as (data, size, DC_SENDER_GATEWAY);
  return 0;
}
