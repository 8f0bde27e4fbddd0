/* Signaling protocol: every error path of dc_message_parse, accessors, builders. */
#include "protocol.h"

#include <string.h>

static DcMessage *
parse (const char *text, DcSender sender, GError **error)
{
  return dc_message_parse (text, strlen (text), sender, error);
}

/* Asserts that text from sender is refused with code, and that the sentence names needle. */
static void
assert_refused (const char *text, DcSender sender, DcErrorCode code, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DcMessage) msg = parse (text, sender, &error);

  if (msg != NULL)
    g_error ("accepted %s", text);
  g_assert_error (error, DC_PROTOCOL_ERROR, (gint)code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("error \"%s\" for %s does not mention %s", error->message, text, needle);
  g_assert_true (g_str_has_suffix (error->message, "."));
}

static DcMessage *
parse_ok (const char *text, DcSender sender)
{
  g_autoptr (GError) error = NULL;
  DcMessage *msg = parse (text, sender, &error);

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  return msg;
}

static void
test_error_strings (void)
{
  static const char *const expected[] = {
    "bad-json",      "too-large",         "unknown-type",
    "missing-field", "bad-field",         "unsupported-protocol",
    "not-joined",    "already-joined",    "unknown-site",
    "bad-token",     "conference-locked", "not-permitted",
    "bad-sdp",       "internal",          "not-present",
    "nothing-to-do", "not-dialable",
  };
  G_STATIC_ASSERT (G_N_ELEMENTS (expected) == DC_ERR_N_CODES);

  for (guint i = 0; i < DC_ERR_N_CODES; i++)
    {
      DcErrorCode back = DC_ERR_N_CODES;
      g_assert_cmpstr (dc_error_code_to_string ((DcErrorCode)i), ==, expected[i]);
      g_assert_true (dc_error_code_from_string (expected[i], &back));
      g_assert_cmpint (back, ==, i);
    }
  g_assert_false (dc_error_code_from_string ("no-such-code", NULL));
}

static void
test_type_strings (void)
{
  static const char *const expected[] = {
    NULL,        "sites",       "join",      "answer",   "ice",    "leave",
    "raise-hand", "lower-hand", "give-floor", "take-floor", "mute", "mute-districts",
    "allow-video", "lock", "record", "remove", "admit", "set-layout", "end-meeting",
    "get-attendance",
    "call-site", "call-all",
    "welcome", "offer", "site-list", "site-joined", "site-left", "speaking", "layout", "error", "bye", "state",
    "floor-timer", "attendance", "send-limits",
  };
  G_STATIC_ASSERT (G_N_ELEMENTS (expected) == DC_MSG_N_TYPES);

  for (guint i = 1; i < DC_MSG_N_TYPES; i++)
    {
      g_assert_cmpstr (dc_message_type_to_string ((DcMsgType)i), ==, expected[i]);
      g_assert_cmpint (dc_message_type_from_string (expected[i]), ==, i);
    }
  g_assert_cmpint (dc_message_type_from_string ("JOIN"), ==, DC_MSG_INVALID);
  g_assert_cmpint (dc_message_type_from_string (""), ==, DC_MSG_INVALID);
}

static void
test_bad_json (void)
{
  assert_refused ("", DC_SENDER_SITE, DC_ERR_BAD_JSON, "empty");
  assert_refused ("{\"type\":\"sites\"", DC_SENDER_SITE, DC_ERR_BAD_JSON, "JSON");
  assert_refused ("{\"type\":\"sites\",}", DC_SENDER_SITE, DC_ERR_BAD_JSON, "JSON");
  assert_refused ("[{\"type\":\"sites\"}]", DC_SENDER_SITE, DC_ERR_BAD_JSON, "object");
  assert_refused ("\"sites\"", DC_SENDER_SITE, DC_ERR_BAD_JSON, "object");
  assert_refused ("42", DC_SENDER_SITE, DC_ERR_BAD_JSON, "object");
  assert_refused ("null", DC_SENDER_SITE, DC_ERR_BAD_JSON, "object");
  assert_refused ("   ", DC_SENDER_SITE, DC_ERR_BAD_JSON, "object");
  assert_refused ("{\"type\":\"s\\u0000ites\"}", DC_SENDER_SITE, DC_ERR_BAD_JSON, "\\u0000");

  /* Comments and single quotes are not JSON; json-glib alone would accept them. */
  assert_refused ("/* \" */ {\"type\":\"sites\"}", DC_SENDER_SITE, DC_ERR_BAD_JSON,
                  "unexpected character outside strings at byte 0");
  assert_refused ("{'type':'sites'}", DC_SENDER_SITE, DC_ERR_BAD_JSON, "unexpected character");

  /* Strings are strict JSON, although json-glib alone would accept these. */
  assert_refused ("{\"type\":\"sites\",\"x\":\"\\q\"}", DC_SENDER_SITE, DC_ERR_BAD_JSON,
                  "invalid escape at byte 21");
  assert_refused ("{\"type\":\"sites\",\"x\":\"\\ugggg\"}", DC_SENDER_SITE, DC_ERR_BAD_JSON,
                  "invalid escape");
  assert_refused ("{\"type\":\"sites\",\"x\":\"\\ud8\x7f\x7f\"}", DC_SENDER_SITE, DC_ERR_BAD_JSON,
                  "invalid escape");
  assert_refused ("{\"type\":\"sites\",\"x\":\"a\tb\"}", DC_SENDER_SITE, DC_ERR_BAD_JSON,
                  "control character");
  assert_refused ("{\"type\":\"answer\",\"sdp\":\"v=0\r\n\"}", DC_SENDER_SITE, DC_ERR_BAD_JSON,
                  "control character");

  /* json-glib would store unpaired surrogates as invalid UTF-8, which the gateway could then echo
   * to other sites inside names or error sentences. */
  static const char *const surrogates[] = {
    "{\"type\":\"join\",\"protocol\":1,\"site\":\"\\ud800\",\"token\":\"t\"}",
    "{\"type\":\"speakin\\ud800g\",\"site\":\"e\",\"level\":0}",
    "{\"type\":\"sites\",\"x\":\"\\udc00\\ud800\"}",
    "{\"type\":\"sites\",\"x\":\"\\uD83D\\u0041\"}",
    "{\"type\":\"sites\",\"x\":\"\\ud83d\"}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (surrogates); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_null (parse (surrogates[i], DC_SENDER_SITE, &error));
      g_assert_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON);
      g_assert_nonnull (strstr (error->message, "surrogate"));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  /* A proper pair, other escapes and an escaped backslash before "u0000" are fine. */
  g_autoptr (DcMessage) msg = parse_ok ("{\"type\":\"join\",\"protocol\":1,\"site\":"
                                        "\"\\ud83d\\ude00\\u00e9\\n\",\"token\":\"\\\\u0000\"}",
                                        DC_SENDER_SITE);
  g_assert_cmpstr (dc_message_get_string (msg, "site"), ==, "\xf0\x9f\x98\x80\xc3\xa9\n");
  g_assert_cmpstr (dc_message_get_string (msg, "token"), ==, "\\u0000");

  g_autoptr (DcMessage) escapes = parse_ok (
      "{\"type\":\"sites\",\"x\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\"}", DC_SENDER_SITE);
  g_assert_cmpstr (dc_message_get_string (escapes, "x"), ==, "\"\\/\b\f\n\r\tA\xc3\xa9");
}

static void
test_not_utf8 (void)
{
  /* A lone continuation byte, an overlong '/', and a NUL byte inside the length. */
  static const char latin1[]
      = "{\"type\":\"join\",\"protocol\":1,\"site\":\"H\xe0 N\xf4i\",\"token\":\"t\"}";
  static const char overlong[] = "{\"type\":\"sites\",\"x\":\"\xc0\xaf\"}";
  static const char with_nul[] = "{\"type\":\"sites\"}\0garbage";
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autoptr (GError) e3 = NULL;

  g_assert_null (dc_message_parse (latin1, strlen (latin1), DC_SENDER_SITE, &e1));
  g_assert_error (e1, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON);
  g_assert_nonnull (strstr (e1->message, "UTF-8"));
  g_assert_null (dc_message_parse (overlong, strlen (overlong), DC_SENDER_SITE, &e2));
  g_assert_error (e2, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON);
  g_assert_null (dc_message_parse (with_nul, sizeof with_nul - 1, DC_SENDER_SITE, &e3));
  g_assert_error (e3, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON);

  /* Proper UTF-8 (Vietnamese names) is fine. */
  g_autoptr (DcMessage) msg = parse_ok (
      "{\"type\":\"join\",\"protocol\":1,\"site\":\"phu-luong\",\"token\":\"Hà Nội Phú Lương\"}",
      DC_SENDER_SITE);
  g_assert_cmpstr (dc_message_get_string (msg, "token"), ==, "Hà Nội Phú Lương");
}

static void
test_too_large (void)
{
  /* A valid answer whose SDP makes the message one byte over the limit. */
  const char *head = "{\"type\":\"answer\",\"sdp\":\"";
  const char *tail = "\"}";
  gsize fill = DC_PROTOCOL_MAX_MESSAGE - strlen (head) - strlen (tail);
  g_autoptr (GString) text = g_string_new (head);

  for (gsize i = 0; i < fill; i++)
    g_string_append_c (text, 'a');
  g_string_append (text, tail);
  g_assert_cmpuint (text->len, ==, DC_PROTOCOL_MAX_MESSAGE);

  g_autoptr (DcMessage) at_limit = parse_ok (text->str, DC_SENDER_SITE);
  g_assert_cmpuint (strlen (dc_message_get_string (at_limit, "sdp")), ==, fill);

  g_string_insert_c (text, strlen (head), 'a');
  assert_refused (text->str, DC_SENDER_SITE, DC_ERR_TOO_LARGE, "65536");
}

static void
test_deep_nesting (void)
{
  g_autoptr (GString) text = g_string_new ("{\"type\":\"sites\",\"x\":");

  for (int i = 0; i < 10000; i++)
    g_string_append_c (text, '[');
  assert_refused (text->str, DC_SENDER_SITE, DC_ERR_BAD_JSON, "deep");

  /* Brackets inside strings do not count. */
  g_autoptr (GString) quoted = g_string_new ("{\"type\":\"sites\",\"x\":\"");
  for (int i = 0; i < 1000; i++)
    g_string_append (quoted, "[{");
  g_string_append (quoted, "\\\"\"}");
  g_autoptr (DcMessage) msg = parse_ok (quoted->str, DC_SENDER_SITE);
  g_assert_cmpint (msg->type, ==, DC_MSG_SITES);
}

/* 32 levels of arrays and objects pass, the 33rd is refused (docs/protocol.md §2). The message
 * object is the first level; arrays and objects alternate below it, as {"k":[{"k":[...]}]}. */
static void
test_nesting_limit (void)
{
  for (int depth = 32; depth <= 33; depth++)
    {
      g_autoptr (GString) text = g_string_new ("{\"type\":\"sites\",\"x\":");
      for (int level = 2; level <= depth; level++)
        g_string_append (text, level % 2 ? "{\"k\":" : "[");
      g_string_append_c (text, '0');
      for (int level = depth; level >= 2; level--)
        g_string_append_c (text, level % 2 ? '}' : ']');
      g_string_append_c (text, '}');
      if (depth == 32)
        {
          g_autoptr (DcMessage) msg = parse_ok (text->str, DC_SENDER_SITE);
          g_assert_cmpint (msg->type, ==, DC_MSG_SITES);
        }
      else
        assert_refused (text->str, DC_SENDER_SITE, DC_ERR_BAD_JSON, "32 levels");
    }
}

/* json-glib alone keeps the last of repeated members; §2 forbids repeating one. */
static void
test_repeated_members (void)
{
  assert_refused ("{\"type\":\"sites\",\"type\":\"sites\"}", DC_SENDER_SITE, DC_ERR_BAD_JSON,
                  "repeats the member \"type\"");
  assert_refused ("{\"type\":\"sites\",\"type\":\"offer\",\"sdp\":\"v=0\"}", DC_SENDER_GATEWAY,
                  DC_ERR_BAD_JSON, "\"type\"");
  assert_refused ("{\"type\":\"join\",\"protocol\":1,\"site\":\"a\",\"token\":\"t\","
                  "\"site\":\"b\"}",
                  DC_SENDER_SITE, DC_ERR_BAD_JSON, "\"site\"");
  /* Repeated inside a nested object, also one an unknown member holds. */
  assert_refused ("{\"type\":\"layout\",\"kind\":\"grid\",\"width\":1,\"height\":1,\"tiles\":"
                  "[{\"site\":\"a\",\"x\":0,\"x\":1,\"y\":0,\"width\":1,\"height\":1}]}",
                  DC_SENDER_GATEWAY, DC_ERR_BAD_JSON, "\"x\"");
  assert_refused ("{\"type\":\"sites\",\"extra\":{\"a\":{\"b\":1},\"a\":2}}", DC_SENDER_SITE,
                  DC_ERR_BAD_JSON, "\"a\"");

  /* The same name in different objects, or differing only in case, is no repetition. */
  g_autoptr (DcMessage) msg = parse_ok (
      "{\"type\":\"sites\",\"a\":{\"type\":1,\"a\":{\"a\":2}},\"b\":[{\"a\":1},{\"a\":2}],"
      "\"Type\":0}",
      DC_SENDER_SITE);
  g_assert_cmpint (msg->type, ==, DC_MSG_SITES);
}

static void
test_huge_integers (void)
{
  /* json-glib would wrap 2^64 + 1 to 1; it must not pass as protocol 1. */
  assert_refused (
      "{\"type\":\"join\",\"protocol\":18446744073709551617,\"site\":\"a\",\"token\":\"t\"}",
      DC_SENDER_SITE, DC_ERR_BAD_JSON, "64 bits");
  assert_refused ("{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":-9223372036854775809}",
                  DC_SENDER_SITE, DC_ERR_BAD_JSON, "64 bits");
  assert_refused ("{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":9223372036854775807}",
                  DC_SENDER_SITE, DC_ERR_BAD_FIELD, "sdpMLineIndex");
  assert_refused ("{\"type\":\"speaking\",\"site\":\"a\",\"level\":1e999}", DC_SENDER_GATEWAY,
                  DC_ERR_BAD_FIELD, "level");

  /* Large doubles are numbers, not integers. */
  g_autoptr (DcMessage) msg = parse_ok (
      "{\"type\":\"speaking\",\"site\":\"a\",\"level\":-1.5e3,\"x\":123456789012345678901.5}",
      DC_SENDER_GATEWAY);
  g_assert_cmpfloat (dc_message_get_double (msg, "level", 0), ==, -1500.0);
}

static void
test_type_field (void)
{
  assert_refused ("{}", DC_SENDER_SITE, DC_ERR_MISSING_FIELD, "\"type\"");
  assert_refused ("{\"site\":\"a\"}", DC_SENDER_SITE, DC_ERR_MISSING_FIELD, "\"type\"");
  assert_refused ("{\"type\":3}", DC_SENDER_SITE, DC_ERR_BAD_FIELD, "\"type\"");
  assert_refused ("{\"type\":null}", DC_SENDER_SITE, DC_ERR_BAD_FIELD, "\"type\"");
  assert_refused ("{\"type\":[\"join\"]}", DC_SENDER_SITE, DC_ERR_BAD_FIELD, "\"type\"");
  assert_refused ("{\"type\":\"dance\"}", DC_SENDER_SITE, DC_ERR_UNKNOWN_TYPE, "dance");
  assert_refused ("{\"type\":\"Join\"}", DC_SENDER_SITE, DC_ERR_UNKNOWN_TYPE, "Join");
}

static void
test_sender_direction (void)
{
  static const char *const gateway_only[] = {
    "{\"type\":\"welcome\",\"protocol\":1,\"site\":\"a\",\"name\":\"A\",\"role\":\"chair\","
    "\"sites\":[]}",
    "{\"type\":\"offer\",\"sdp\":\"v=0\"}",
    "{\"type\":\"site-list\",\"sites\":[]}",
    "{\"type\":\"site-joined\",\"site\":\"a\",\"name\":\"A\",\"role\":\"district\"}",
    "{\"type\":\"site-left\",\"site\":\"a\",\"reason\":\"left\"}",
    "{\"type\":\"speaking\",\"site\":\"\",\"level\":-60}",
    "{\"type\":\"layout\",\"kind\":\"grid\",\"width\":1280,\"height\":720,\"tiles\":[]}",
    "{\"type\":\"error\",\"code\":\"bad-json\",\"message\":\"m.\",\"fatal\":false}",
    "{\"type\":\"bye\",\"reason\":\"replaced\"}",
  };
  static const char *const site_only[] = {
    "{\"type\":\"sites\"}",
    "{\"type\":\"join\",\"protocol\":1,\"site\":\"a\",\"token\":\"t\"}",
    "{\"type\":\"answer\",\"sdp\":\"v=0\"}",
    "{\"type\":\"leave\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (gateway_only); i++)
    {
      g_autoptr (DcMessage) msg = parse_ok (gateway_only[i], DC_SENDER_GATEWAY);
      assert_refused (gateway_only[i], DC_SENDER_SITE, DC_ERR_UNKNOWN_TYPE, "gateway");
    }
  for (guint i = 0; i < G_N_ELEMENTS (site_only); i++)
    {
      g_autoptr (DcMessage) msg = parse_ok (site_only[i], DC_SENDER_SITE);
      assert_refused (site_only[i], DC_SENDER_GATEWAY, DC_ERR_UNKNOWN_TYPE, "site");
    }

  /* ice goes both ways. */
  const char *ice = "{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":0}";
  g_autoptr (DcMessage) from_site = parse_ok (ice, DC_SENDER_SITE);
  g_autoptr (DcMessage) from_gateway = parse_ok (ice, DC_SENDER_GATEWAY);
  g_assert_cmpint (from_site->type, ==, DC_MSG_ICE);
  g_assert_cmpint (from_gateway->type, ==, DC_MSG_ICE);
}

static void
test_missing_fields (void)
{
  assert_refused ("{\"type\":\"join\",\"site\":\"a\",\"token\":\"t\"}", DC_SENDER_SITE,
                  DC_ERR_MISSING_FIELD, "\"protocol\"");
  assert_refused ("{\"type\":\"join\",\"protocol\":1,\"token\":\"t\"}", DC_SENDER_SITE,
                  DC_ERR_MISSING_FIELD, "\"site\"");
  assert_refused ("{\"type\":\"join\",\"protocol\":1,\"site\":\"a\"}", DC_SENDER_SITE,
                  DC_ERR_MISSING_FIELD, "\"token\"");
  assert_refused ("{\"type\":\"answer\"}", DC_SENDER_SITE, DC_ERR_MISSING_FIELD, "\"sdp\"");
  assert_refused ("{\"type\":\"ice\",\"candidate\":\"\"}", DC_SENDER_SITE, DC_ERR_MISSING_FIELD,
                  "\"sdpMLineIndex\"");
  assert_refused ("{\"type\":\"ice\",\"sdpMLineIndex\":0}", DC_SENDER_SITE, DC_ERR_MISSING_FIELD,
                  "\"candidate\"");
  assert_refused ("{\"type\":\"error\",\"code\":\"bad-json\",\"message\":\"m\"}", DC_SENDER_GATEWAY,
                  DC_ERR_MISSING_FIELD, "\"fatal\"");
  /* Fields of array items are checked too. */
  assert_refused ("{\"type\":\"layout\",\"kind\":\"grid\",\"width\":1280,\"height\":720,"
                  "\"tiles\":[{\"site\":\"a\",\"x\":0,\"y\":0,\"width\":640}]}",
                  DC_SENDER_GATEWAY, DC_ERR_MISSING_FIELD, "\"height\" is missing in item 0");
}

static void
test_bad_fields (void)
{
  assert_refused ("{\"type\":\"join\",\"protocol\":\"1\",\"site\":\"a\",\"token\":\"t\"}",
                  DC_SENDER_SITE, DC_ERR_BAD_FIELD, "\"protocol\"");
  assert_refused ("{\"type\":\"join\",\"protocol\":1.0,\"site\":\"a\",\"token\":\"t\"}",
                  DC_SENDER_SITE, DC_ERR_BAD_FIELD, "integer");
  assert_refused ("{\"type\":\"join\",\"protocol\":1,\"site\":7,\"token\":\"t\"}", DC_SENDER_SITE,
                  DC_ERR_BAD_FIELD, "\"site\"");
  assert_refused ("{\"type\":\"join\",\"protocol\":1,\"site\":\"a\",\"token\":null}",
                  DC_SENDER_SITE, DC_ERR_BAD_FIELD, "\"token\"");
  assert_refused ("{\"type\":\"answer\",\"sdp\":{\"v\":0}}", DC_SENDER_SITE, DC_ERR_BAD_FIELD,
                  "\"sdp\"");
#define JOIN_WITH_CODECS(codecs) \
  "{\"type\":\"join\",\"protocol\":1,\"site\":\"a\",\"token\":\"t\",\"video-codecs\":" codecs "}"
  assert_refused (JOIN_WITH_CODECS ("\"h264\""), DC_SENDER_SITE, DC_ERR_BAD_FIELD,
                  "\"video-codecs\"");
  assert_refused (JOIN_WITH_CODECS ("[]"), DC_SENDER_SITE, DC_ERR_BAD_FIELD, "1 to 8 codec names");
  assert_refused (JOIN_WITH_CODECS ("[\"vp8\",7]"), DC_SENDER_SITE, DC_ERR_BAD_FIELD,
                  "1 to 8 codec names");
  assert_refused (JOIN_WITH_CODECS ("[\"\"]"), DC_SENDER_SITE, DC_ERR_BAD_FIELD, "of 1 to 16 bytes");
  assert_refused (JOIN_WITH_CODECS ("[\"h264-constrained-baseline\"]"), DC_SENDER_SITE,
                  DC_ERR_BAD_FIELD, "of 1 to 16 bytes");
  assert_refused (JOIN_WITH_CODECS ("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]"),
                  DC_SENDER_SITE, DC_ERR_BAD_FIELD, "1 to 8 codec names");
#undef JOIN_WITH_CODECS
  assert_refused ("{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":\"0\"}", DC_SENDER_SITE,
                  DC_ERR_BAD_FIELD, "\"sdpMLineIndex\"");
  assert_refused ("{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":64}", DC_SENDER_SITE,
                  DC_ERR_BAD_FIELD, "between 0 and 63");
  assert_refused ("{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":-1}", DC_SENDER_SITE,
                  DC_ERR_BAD_FIELD, "between 0 and 63");
  assert_refused ("{\"type\":\"error\",\"code\":\"x\",\"message\":\"m\",\"fatal\":1}",
                  DC_SENDER_GATEWAY, DC_ERR_BAD_FIELD, "\"fatal\"");
  assert_refused ("{\"type\":\"speaking\",\"site\":\"a\",\"level\":\"-20\"}", DC_SENDER_GATEWAY,
                  DC_ERR_BAD_FIELD, "\"level\"");
  assert_refused ("{\"type\":\"site-list\",\"sites\":{}}", DC_SENDER_GATEWAY, DC_ERR_BAD_FIELD,
                  "\"sites\"");
  assert_refused ("{\"type\":\"site-list\",\"sites\":[\"a\"]}", DC_SENDER_GATEWAY, DC_ERR_BAD_FIELD,
                  "Item 0");
  assert_refused (
      "{\"type\":\"site-list\",\"sites\":[{\"id\":\"a\",\"name\":\"A\",\"role\":\"chair\","
      "\"present\":\"yes\"}]}",
      DC_SENDER_GATEWAY, DC_ERR_BAD_FIELD, "\"present\"");
}

static void
test_string_caps (void)
{
  g_autofree char *long_id = g_strnfill (257, 'x');
  g_autofree char *ok_id = g_strnfill (256, 'x');
  g_autofree char *too_long = g_strdup_printf (
      "{\"type\":\"join\",\"protocol\":1,\"site\":\"%s\",\"token\":\"t\"}", long_id);
  g_autofree char *fits = g_strdup_printf (
      "{\"type\":\"join\",\"protocol\":1,\"site\":\"a\",\"token\":\"%s\"}", ok_id);
  g_autofree char *long_token = g_strdup_printf (
      "{\"type\":\"join\",\"protocol\":1,\"site\":\"a\",\"token\":\"%s\"}", long_id);

  assert_refused (too_long, DC_SENDER_SITE, DC_ERR_BAD_FIELD, "\"site\"");
  assert_refused (long_token, DC_SENDER_SITE, DC_ERR_BAD_FIELD, "257 bytes");
  g_autoptr (DcMessage) msg = parse_ok (fits, DC_SENDER_SITE);
  g_assert_cmpstr (dc_message_get_string (msg, "token"), ==, ok_id);

  /* A candidate may be 4096 bytes, not one more. */
  for (gsize len = 4096; len <= 4097; len++)
    {
      g_autofree char *candidate = g_strnfill (len, 'c');
      g_autofree char *ice = dc_message_new_ice (candidate, 0);
      if (len == 4096)
        {
          g_autoptr (DcMessage) fits_ice = parse_ok (ice, DC_SENDER_SITE);
          g_assert_cmpstr (dc_message_get_string (fits_ice, "candidate"), ==, candidate);
        }
      else
        assert_refused (ice, DC_SENDER_SITE, DC_ERR_BAD_FIELD, "4097 bytes");
    }

  /* SDP has no cap of its own: 20 KiB is a plausible offer with many candidates. */
  g_autofree char *sdp = g_strnfill (20 * 1024, 's');
  g_autofree char *answer = dc_message_new_sdp (DC_MSG_ANSWER, sdp);
  g_autoptr (DcMessage) big = parse_ok (answer, DC_SENDER_SITE);
  g_assert_cmpstr (dc_message_get_string (big, "sdp"), ==, sdp);
}

static void
test_unsupported_protocol (void)
{
  assert_refused ("{\"type\":\"join\",\"protocol\":2,\"site\":\"a\",\"token\":\"t\"}",
                  DC_SENDER_SITE, DC_ERR_UNSUPPORTED_PROTOCOL, "2");
  assert_refused ("{\"type\":\"join\",\"protocol\":0,\"site\":\"a\",\"token\":\"t\"}",
                  DC_SENDER_SITE, DC_ERR_UNSUPPORTED_PROTOCOL, "\"protocol\"");
  /* A missing field is reported before the version check. */
  assert_refused ("{\"type\":\"join\",\"protocol\":2,\"site\":\"a\"}", DC_SENDER_SITE,
                  DC_ERR_MISSING_FIELD, "\"token\"");
}

static void
test_site_messages (void)
{
  g_autoptr (DcMessage) join
      = parse_ok ("{\"type\":\"join\",\"protocol\":1,\"site\":\"dai-tu\",\"token\":\"0123abcd\"}",
                  DC_SENDER_SITE);
  g_assert_cmpint (join->type, ==, DC_MSG_JOIN);
  g_assert_cmpint (dc_message_get_int (join, "protocol", -1), ==, 1);
  g_assert_cmpstr (dc_message_get_string (join, "site"), ==, "dai-tu");
  g_assert_cmpstr (dc_message_get_string (join, "token"), ==, "0123abcd");
  /* Accessors fall back on absent fields and on the wrong JSON type. */
  g_assert_null (dc_message_get_string (join, "name"));
  g_assert_null (dc_message_get_string (join, "protocol"));
  g_assert_cmpint (dc_message_get_int (join, "site", -7), ==, -7);
  g_assert_true (dc_message_get_bool (join, "protocol", TRUE));
  g_assert_null (dc_message_get_array (join, "site"));

  g_autoptr (DcMessage) answer = parse_ok (
      "{\"type\":\"answer\",\"sdp\":\"v=0\\r\\no=- 1 1 IN IP4 0.0.0.0\\r\\n\"}", DC_SENDER_SITE);
  g_assert_cmpstr (dc_message_get_string (answer, "sdp"), ==, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n");

  g_autoptr (DcMessage) ice = parse_ok (
      "{\"type\":\"ice\",\"candidate\":\"candidate:1 1 UDP 2122252543 127.0.0.1 40000 typ host\","
      "\"sdpMLineIndex\":1}",
      DC_SENDER_SITE);
  g_assert_cmpint (dc_message_get_int (ice, "sdpMLineIndex", -1), ==, 1);
  g_assert_true (g_str_has_prefix (dc_message_get_string (ice, "candidate"), "candidate:1 1 UDP"));

  g_autoptr (DcMessage) end
      = parse_ok ("{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":63}", DC_SENDER_SITE);
  g_assert_cmpstr (dc_message_get_string (end, "candidate"), ==, "");

  g_autoptr (DcMessage) sites = parse_ok ("{\"type\":\"sites\"}", DC_SENDER_SITE);
  g_autoptr (DcMessage) leave = parse_ok ("{\"type\":\"leave\"}", DC_SENDER_SITE);
  g_assert_cmpint (sites->type, ==, DC_MSG_SITES);
  g_assert_cmpint (leave->type, ==, DC_MSG_LEAVE);
}

static void
test_gateway_lists (void)
{
  g_autoptr (DcMessage) welcome = parse_ok (
      "{\"type\":\"welcome\",\"protocol\":1,\"site\":\"chair\",\"name\":\"UBND tỉnh Thái Nguyên\","
      "\"role\":\"chair\",\"sites\":[{\"id\":\"chair\",\"name\":\"UBND tỉnh Thái Nguyên\","
      "\"role\":\"chair\",\"present\":true},{\"id\":\"vo-nhai\",\"name\":\"Võ Nhai\","
      "\"role\":\"district\",\"present\":false}]}",
      DC_SENDER_GATEWAY);
  g_assert_cmpstr (dc_message_get_string (welcome, "name"), ==, "UBND tỉnh Thái Nguyên");
  g_assert_cmpstr (dc_message_get_string (welcome, "role"), ==, "chair");
  JsonArray *list = dc_message_get_array (welcome, "sites");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  JsonObject *second = json_array_get_object_element (list, 1);
  g_assert_cmpstr (json_object_get_string_member (second, "name"), ==, "Võ Nhai");
  g_assert_false (json_object_get_boolean_member (second, "present"));

  g_autoptr (DcMessage) layout = parse_ok (
      "{\"type\":\"layout\",\"kind\":\"chair-large\",\"width\":1280,\"height\":720,\"tiles\":["
      "{\"site\":\"chair\",\"x\":0,\"y\":0,\"width\":960,\"height\":540},"
      "{\"site\":\"vo-nhai\",\"x\":960,\"y\":0,\"width\":320,\"height\":180}]}",
      DC_SENDER_GATEWAY);
  g_assert_cmpstr (dc_message_get_string (layout, "kind"), ==, "chair-large");
  g_assert_cmpint (dc_message_get_int (layout, "width", 0), ==, 1280);
  g_assert_cmpint (dc_message_get_int (layout, "height", 0), ==, 720);
  JsonObject *tile = json_array_get_object_element (dc_message_get_array (layout, "tiles"), 1);
  g_assert_cmpint (json_object_get_int_member (tile, "x"), ==, 960);

  g_autoptr (DcMessage) site_list = parse_ok (
      "{\"type\":\"site-list\",\"sites\":[{\"id\":\"a\",\"name\":\"A\",\"role\":\"district\","
      "\"present\":true}]}",
      DC_SENDER_GATEWAY);
  g_assert_cmpuint (json_array_get_length (dc_message_get_array (site_list, "sites")), ==, 1);
}

static void
test_gateway_events (void)
{
  g_autoptr (DcMessage) offer
      = parse_ok ("{\"type\":\"offer\",\"sdp\":\"v=0\"}", DC_SENDER_GATEWAY);
  g_assert_cmpstr (dc_message_get_string (offer, "sdp"), ==, "v=0");

  g_autoptr (DcMessage) joined = parse_ok ("{\"type\":\"site-joined\",\"site\":\"dinh-hoa\","
                                           "\"name\":\"Định Hóa\",\"role\":\"district\"}",
                                           DC_SENDER_GATEWAY);
  g_assert_cmpstr (dc_message_get_string (joined, "name"), ==, "Định Hóa");

  g_autoptr (DcMessage) left = parse_ok (
      "{\"type\":\"site-left\",\"site\":\"dinh-hoa\",\"reason\":\"lost\"}", DC_SENDER_GATEWAY);
  g_assert_cmpstr (dc_message_get_string (left, "reason"), ==, "lost");

  /* level is a number: integers and decimals both read as doubles. */
  g_autoptr (DcMessage) speaking = parse_ok (
      "{\"type\":\"speaking\",\"site\":\"dinh-hoa\",\"level\":-23.5}", DC_SENDER_GATEWAY);
  g_assert_cmpfloat (dc_message_get_double (speaking, "level", 0), ==, -23.5);
  g_autoptr (DcMessage) quiet
      = parse_ok ("{\"type\":\"speaking\",\"site\":\"\",\"level\":-90}", DC_SENDER_GATEWAY);
  g_assert_cmpfloat (dc_message_get_double (quiet, "level", 0), ==, -90.0);
  g_assert_cmpfloat (dc_message_get_double (quiet, "site", 5.0), ==, 5.0);

  g_autoptr (DcMessage) error = parse_ok ("{\"type\":\"error\",\"code\":\"bad-token\",\"message\":"
                                          "\"The token is wrong.\",\"fatal\":true}",
                                          DC_SENDER_GATEWAY);
  g_assert_cmpstr (dc_message_get_string (error, "code"), ==, "bad-token");
  g_assert_true (dc_message_get_bool (error, "fatal", FALSE));

  g_autoptr (DcMessage) bye
      = parse_ok ("{\"type\":\"bye\",\"reason\":\"replaced\"}", DC_SENDER_GATEWAY);
  g_assert_cmpstr (dc_message_get_string (bye, "reason"), ==, "replaced");
}

static void
test_unknown_fields_ignored (void)
{
  g_autoptr (DcMessage) msg
      = parse_ok ("{\"future\":{\"nested\":[1,2,{\"x\":null}]},\"type\":\"join\",\"protocol\":1,"
                  "\"site\":\"a\",\"token\":\"t\",\"hint\":\"x\",\"n\":3.5}",
                  DC_SENDER_SITE);
  g_assert_cmpint (msg->type, ==, DC_MSG_JOIN);
  g_assert_cmpstr (dc_message_get_string (msg, "hint"), ==, "x");

  g_autoptr (DcMessage) tiles = parse_ok (
      "{\"type\":\"layout\",\"kind\":\"grid\",\"width\":640,\"height\":360,\"tiles\":["
      "{\"site\":\"a\",\"x\":0,\"y\":0,\"width\":640,\"height\":360,\"z\":1,\"label\":\"A\"}]}",
      DC_SENDER_GATEWAY);
  g_assert_cmpint (tiles->type, ==, DC_MSG_LAYOUT);
}

/* Parses a builder's output and checks that it is compact JSON of the expected type. */
static DcMessage *
reparse (char *text, DcSender sender, DcMsgType type)
{
  g_autofree char *owned = text;
  g_assert_nonnull (owned);
  g_assert_null (strchr (owned, '\n'));
  g_assert_null (strstr (owned, "\": "));
  DcMessage *msg = parse_ok (owned, sender);
  g_assert_cmpint (msg->type, ==, type);
  return msg;
}

static void
test_builders (void)
{
  g_autofree char *sites = dc_message_new_simple (DC_MSG_SITES);
  g_assert_cmpstr (sites, ==, "{\"type\":\"sites\"}");
  g_autoptr (DcMessage) leave
      = reparse (dc_message_new_simple (DC_MSG_LEAVE), DC_SENDER_SITE, DC_MSG_LEAVE);

  g_autoptr (DcMessage) join = reparse (dc_message_new_join ("song-cong", "c0ffee \"q\"", NULL),
                                        DC_SENDER_SITE, DC_MSG_JOIN);
  g_assert_cmpint (dc_message_get_int (join, "protocol", 0), ==, DC_PROTOCOL_VERSION);
  g_assert_cmpstr (dc_message_get_string (join, "site"), ==, "song-cong");
  g_assert_cmpstr (dc_message_get_string (join, "token"), ==, "c0ffee \"q\"");
  g_assert_null (dc_message_dup_strings (join, "video-codecs"));

  const char *const codecs[] = { "h264", "vp8", "av1", NULL };
  g_autoptr (DcMessage) join_codecs = reparse (dc_message_new_join ("song-cong", "t", codecs),
                                               DC_SENDER_SITE, DC_MSG_JOIN);
  g_auto (GStrv) listed = dc_message_dup_strings (join_codecs, "video-codecs");
  g_assert_true (g_strv_equal ((const char *const *) listed, codecs));

  const char *sdp = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:video0\r\n";
  g_autoptr (DcMessage) offer
      = reparse (dc_message_new_sdp (DC_MSG_OFFER, sdp), DC_SENDER_GATEWAY, DC_MSG_OFFER);
  g_assert_cmpstr (dc_message_get_string (offer, "sdp"), ==, sdp);
  g_autoptr (DcMessage) answer
      = reparse (dc_message_new_sdp (DC_MSG_ANSWER, sdp), DC_SENDER_SITE, DC_MSG_ANSWER);
  g_assert_cmpstr (dc_message_get_string (answer, "sdp"), ==, sdp);

  g_autoptr (DcMessage) ice
      = reparse (dc_message_new_ice ("candidate:2 1 UDP 1 127.0.0.1 5000 typ host", 1),
                 DC_SENDER_GATEWAY, DC_MSG_ICE);
  g_assert_cmpint (dc_message_get_int (ice, "sdpMLineIndex", -1), ==, 1);

  g_autoptr (DcMessage) error
      = reparse (dc_message_new_error (DC_ERR_UNKNOWN_SITE, TRUE, "No site is called \"x\"."),
                 DC_SENDER_GATEWAY, DC_MSG_ERROR);
  g_assert_cmpstr (dc_message_get_string (error, "code"), ==, "unknown-site");
  g_assert_cmpstr (dc_message_get_string (error, "message"), ==, "No site is called \"x\".");
  g_assert_true (dc_message_get_bool (error, "fatal", FALSE));

  g_autoptr (DcMessage) bye
      = reparse (dc_message_new_bye ("replaced"), DC_SENDER_GATEWAY, DC_MSG_BYE);
  g_assert_cmpstr (dc_message_get_string (bye, "reason"), ==, "replaced");
}

static void
test_serialize_body (void)
{
  g_autoptr (JsonObject) body = json_object_new ();
  g_autoptr (JsonArray) list = json_array_new ();
  g_autoptr (JsonObject) site = json_object_new ();

  json_object_set_string_member (site, "id", "phu-binh");
  json_object_set_string_member (site, "name", "Phú Bình");
  json_object_set_string_member (site, "role", "district");
  json_object_set_boolean_member (site, "present", TRUE);
  json_array_add_object_element (list, json_object_ref (site));
  json_object_set_array_member (body, "sites", json_array_ref (list));
  /* A "type" member in the body never overrides the type argument. */
  json_object_set_string_member (body, "type", "offer");

  g_autofree char *text = dc_message_serialize (DC_MSG_SITE_LIST, body);
  g_assert_true (g_str_has_prefix (text, "{\"type\":\"site-list\","));
  g_autoptr (DcMessage) msg = parse_ok (text, DC_SENDER_GATEWAY);
  g_assert_cmpint (msg->type, ==, DC_MSG_SITE_LIST);
  JsonObject *first = json_array_get_object_element (dc_message_get_array (msg, "sites"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "Phú Bình");
  /* The body is not consumed. */
  g_assert_cmpstr (json_object_get_string_member (body, "type"), ==, "offer");
}

static void
test_serialize_doubles (void)
{
  g_autoptr (JsonObject) body = json_object_new ();

  /* json-glib 1.6 alone would write 1e22 as "1e+22.0", which is not JSON. */
  json_object_set_string_member (body, "site", "a");
  json_object_set_double_member (body, "level", 1e22);
  json_object_set_double_member (body, "big", 1e262);
  json_object_set_double_member (body, "plain", -20.5);
  json_object_set_double_member (body, "inf", 1.0 / 0.0);

  g_autofree char *text = dc_message_serialize (DC_MSG_SPEAKING, body);
  g_autoptr (DcMessage) msg = parse_ok (text, DC_SENDER_GATEWAY);
  g_assert_cmpfloat_with_epsilon (dc_message_get_double (msg, "level", 0), 1e22, 1e7);
  g_assert_cmpfloat_with_epsilon (dc_message_get_double (msg, "big", 0), 1e262, 1e247);
  g_assert_cmpfloat (dc_message_get_double (msg, "plain", 0), ==, -20.5);
  g_assert_nonnull (strstr (text, "\"inf\":null"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/strings/errors", test_error_strings);
  g_test_add_func ("/protocol/strings/types", test_type_strings);
  g_test_add_func ("/protocol/refuse/bad-json", test_bad_json);
  g_test_add_func ("/protocol/refuse/not-utf8", test_not_utf8);
  g_test_add_func ("/protocol/refuse/too-large", test_too_large);
  g_test_add_func ("/protocol/refuse/deep-nesting", test_deep_nesting);
  g_test_add_func ("/protocol/refuse/nesting-limit", test_nesting_limit);
  g_test_add_func ("/protocol/refuse/repeated-members", test_repeated_members);
  g_test_add_func ("/protocol/refuse/huge-integers", test_huge_integers);
  g_test_add_func ("/protocol/refuse/type-field", test_type_field);
  g_test_add_func ("/protocol/refuse/sender-direction", test_sender_direction);
  g_test_add_func ("/protocol/refuse/missing-fields", test_missing_fields);
  g_test_add_func ("/protocol/refuse/bad-fields", test_bad_fields);
  g_test_add_func ("/protocol/refuse/string-caps", test_string_caps);
  g_test_add_func ("/protocol/refuse/unsupported-protocol", test_unsupported_protocol);
  g_test_add_func ("/protocol/parse/site-messages", test_site_messages);
  g_test_add_func ("/protocol/parse/gateway-lists", test_gateway_lists);
  g_test_add_func ("/protocol/parse/gateway-events", test_gateway_events);
  g_test_add_func ("/protocol/parse/unknown-fields", test_unknown_fields_ignored);
  g_test_add_func ("/protocol/build/round-trip", test_builders);
  g_test_add_func ("/protocol/build/serialize-body", test_serialize_body);
  g_test_add_func ("/protocol/build/serialize-doubles", test_serialize_doubles);

  return g_test_run ();
}
