/* The gateway's signaling end to end: a real diemcau-gateway process driven over its WebSocket
 * and HTTP endpoints (docs/protocol.md), checking every reply, error code, fatal flag and close
 * code, session replacement, vanished peers, the media watchdog, TLS and the public-listen guard.
 *
 * Usage: test-signaling PATH-TO-diemcau-gateway (or DIEMCAU_GATEWAY in the environment). */
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "gateway-fixture.h"
#include "sdp-lines.h"
#include "ws-client.h"


typedef struct
{
  DcGatewayFixture *gateway; /* shared by every test but TLS and the listen guard */
  const char *gateway_exe;
} TestEnv;

/* Joins with the site's real token and checks welcome and layout. */
static WsClient *
client_join (TestEnv *env, const char *site)
{
  WsClient *client = ws_client_connect (env->gateway->ws_url);
  g_autofree char *token = dc_gateway_fixture_token (env->gateway, site);
  g_assert_nonnull (token);
  ws_client_send_join (client, site, token);
  g_autoptr (JsonObject) welcome = ws_client_expect (client, "welcome", REPLY_MS);
  g_assert_cmpstr (json_object_get_string_member (welcome, "site"), ==, site);
  g_assert_cmpint (json_object_get_int_member (welcome, "protocol"), ==, 1);
  g_autoptr (JsonObject) layout = ws_client_expect (client, "layout", REPLY_MS);
  g_assert_cmpint (json_object_get_int_member (layout, "width"), ==, 320);
  g_assert_cmpint (json_object_get_int_member (layout, "height"), ==, 180);
  return client;
}

/* ---- site lists ---- */

static void
assert_site_list (JsonArray *sites)
{
  g_assert_cmpuint (json_array_get_length (sites), ==, DC_FIXTURE_N_SITES);
  for (guint i = 0; i < DC_FIXTURE_N_SITES; i++)
    {
      JsonObject *site = json_array_get_object_element (sites, i);
      g_assert_cmpstr (json_object_get_string_member (site, "id"), ==, dc_fixture_sites[i].id);
      g_assert_cmpstr (json_object_get_string_member (site, "name"), ==, dc_fixture_sites[i].name);
      g_assert_cmpstr (json_object_get_string_member (site, "role"), ==, dc_fixture_sites[i].role);
      g_assert_true (json_object_has_member (site, "present"));
    }
}

/* Whether the site list says the site is present. */
static gboolean
listed_present (TestEnv *env, const char *site)
{
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  ws_client_send (client, "{\"type\":\"sites\"}");
  g_autoptr (JsonObject) list = ws_client_expect (client, "site-list", REPLY_MS);
  JsonArray *sites = json_object_get_array_member (list, "sites");
  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      JsonObject *entry = json_array_get_object_element (sites, i);
      if (g_strcmp0 (json_object_get_string_member (entry, "id"), site) == 0)
        return json_object_get_boolean_member (entry, "present");
    }
  g_assert_not_reached ();
}

/* ---- tests ---- */

static void
test_bad_json (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  ws_client_send (client, "{\"type\":\"sites\",");
  ws_client_expect_error (client, "bad-json", FALSE);
  ws_client_send (client, "[1,2,3]");
  ws_client_expect_error (client, "bad-json", FALSE);

  ws_client_send (client, "{\"type\":\"sites\"}");
  g_autoptr (JsonObject) list = ws_client_expect (client, "site-list", REPLY_MS);
  assert_site_list (json_object_get_array_member (list, "sites"));
  g_assert_false (client->closed);
}

static void
test_bad_messages (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  ws_client_send (client, "{\"type\":\"dance\"}");
  ws_client_expect_error (client, "unknown-type", FALSE);
  /* A type only the gateway sends is unknown coming from a site. */
  ws_client_send (client, "{\"type\":\"welcome\"}");
  ws_client_expect_error (client, "unknown-type", FALSE);
  ws_client_send (client, "{\"type\":\"join\",\"protocol\":1,\"site\":\"dai-tu\"}");
  ws_client_expect_error (client, "missing-field", FALSE);
  ws_client_send (client,
               "{\"type\":\"join\",\"protocol\":\"1\",\"site\":\"dai-tu\",\"token\":\"x\"}");
  ws_client_expect_error (client, "bad-field", FALSE);
  ws_client_send (client, "{\"type\":\"join\",\"protocol\":1.0,\"site\":\"dai-tu\",\"token\":\"x\"}");
  ws_client_expect_error (client, "bad-field", FALSE);
  ws_client_assert_alive (client);

  /* docs/protocol.md §3 and §8: a version the gateway does not speak is fatal, closed 1008. */
  ws_client_send (client, "{\"type\":\"join\",\"protocol\":2,\"site\":\"dai-tu\",\"token\":\"x\"}");
  ws_client_expect_error (client, "unsupported-protocol", TRUE);
  g_assert_cmpuint (ws_client_wait_closed (client), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
}

/* A sites message padded with valid JSON to at least this many bytes. */
static char *
padded_sites (gsize bytes)
{
  GString *text = g_string_new ("{\"type\":\"sites\",\"padding\":\"");
  while (text->len < bytes)
    g_string_append (text, "diemcau ");
  g_string_append (text, "\"}");
  return g_string_free (text, FALSE);
}

static void
assert_closed_too_big (WsClient *client, gsize bytes, const char *how)
{
  g_test_message ("%" G_GSIZE_FORMAT " bytes %s", bytes, how);
  g_assert_cmpuint (ws_client_wait_closed (client), ==, SOUP_WEBSOCKET_CLOSE_TOO_BIG);
  g_assert_false (ws_client_has (client, "error"));
}

static void
test_sizes (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  /* Valid JSON over the 64 KiB message cap: refused, the connection stays; also in fragments. */
  g_autofree char *over_cap = padded_sites (100 * 1024);
  ws_client_send (client, over_cap);
  ws_client_expect_error (client, "too-large", FALSE);
  g_assert_true (ws_client_send_fragmented (client, over_cap, 16 * 1024));
  ws_client_expect_error (client, "too-large", FALSE);
  ws_client_assert_alive (client);

  /* Over 1 MiB (docs/protocol.md §1): closed at once with 1009, no error message, whether the
   * message comes in one frame, in fragments, or from a client offering compression (the gateway
   * does not take it up, so the size on the wire is the message's). */
  static const gsize over_frame_cap[] = { 1100 * 1000, 2 * 1000 * 1000, 4 * 1000 * 1000 };
  for (guint i = 0; i < G_N_ELEMENTS (over_frame_cap); i++)
    {
      g_autofree char *big = padded_sites (over_frame_cap[i]);
      g_autoptr (WsClient) plain = ws_client_connect (env->gateway->ws_url);
      ws_client_send (plain, big);
      assert_closed_too_big (plain, over_frame_cap[i], "in one frame");

      g_autoptr (WsClient) fragments = ws_client_connect (env->gateway->ws_url);
      ws_client_send_fragmented (fragments, big, 64 * 1024);
      assert_closed_too_big (fragments, over_frame_cap[i], "in fragments of 64 KiB");

      g_autoptr (WsClient) compressing = ws_client_connect_compressing (env->gateway->ws_url);
      g_assert_null (soup_websocket_connection_get_extensions (compressing->ws));
      ws_client_send (compressing, big);
      assert_closed_too_big (compressing, over_frame_cap[i], "from a client offering deflate");
    }
}

static void
test_binary (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  static const char bytes[] = "{\"type\":\"sites\"}";
  soup_websocket_connection_send_binary (client->ws, bytes, sizeof bytes - 1);
  ws_client_expect_error (client, "bad-json", FALSE);
  g_assert_false (ws_client_has (client, "site-list"));
  ws_client_assert_alive (client);
}

/* docs/protocol.md §2: a repeated member is refused like broken JSON, nothing of it is done. */
static void
test_repeated_member (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  ws_client_send (client, "{\"type\":\"sites\",\"type\":\"sites\"}");
  ws_client_expect_error (client, "bad-json", FALSE);
  g_autofree char *token = dc_gateway_fixture_token (env->gateway, "dai-tu");
  g_autofree char *join = g_strdup_printf ("{\"type\":\"join\",\"protocol\":1,\"site\":\"dai-tu\","
                                           "\"token\":\"%s\",\"site\":\"dai-tu\"}",
                                           token);
  ws_client_send (client, join);
  ws_client_expect_error (client, "bad-json", FALSE);
  g_assert_false (ws_client_has (client, "site-list"));
  g_assert_false (ws_client_has (client, "welcome"));
  ws_client_send (client, "{\"type\":\"leave\"}");
  ws_client_expect_error (client, "not-joined", FALSE);
  ws_client_assert_alive (client);
}

/* docs/protocol.md §8: a type that is not a string is bad-field, a missing one missing-field. */
static void
test_type_member (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  static const char *const not_strings[]
      = { "{\"type\":1}", "{\"type\":null}", "{\"type\":[\"sites\"]}", "{\"type\":true}" };
  for (guint i = 0; i < G_N_ELEMENTS (not_strings); i++)
    {
      ws_client_send (client, not_strings[i]);
      ws_client_expect_error (client, "bad-field", FALSE);
    }
  ws_client_send (client, "{\"site\":\"dai-tu\"}");
  ws_client_expect_error (client, "missing-field", FALSE);
  ws_client_assert_alive (client);
}

/* The limits of docs/protocol.md §2, each at the limit and one past it. */
static void
test_limits (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  /* Ids and tokens: 256 bytes. 257 is bad-field; 256 is read, and is the wrong token. */
  g_autofree char *bytes_257 = g_strnfill (257, 'a');
  ws_client_send_join (client, bytes_257, "t");
  ws_client_expect_error (client, "bad-field", FALSE);
  ws_client_send_join (client, "dai-tu", bytes_257);
  ws_client_expect_error (client, "bad-field", FALSE);

  /* Candidates: 4096 bytes. Read, the message needs a join; one byte more is bad-field. */
  for (gsize len = 4096; len <= 4097; len++)
    {
      g_autofree char *candidate = g_strnfill (len, 'c');
      g_autofree char *ice = g_strdup_printf (
          "{\"type\":\"ice\",\"candidate\":\"%s\",\"sdpMLineIndex\":0}", candidate);
      ws_client_send (client, ice);
      ws_client_expect_error (client, len == 4096 ? "not-joined" : "bad-field", FALSE);
    }

  /* Nesting: 32 levels, the message object the first. */
  for (int depth = 32; depth <= 33; depth++)
    {
      g_autoptr (GString) text = g_string_new ("{\"type\":\"sites\",\"x\":");
      for (int level = 2; level <= depth; level++)
        g_string_append_c (text, '[');
      for (int level = 2; level <= depth; level++)
        g_string_append_c (text, ']');
      g_string_append_c (text, '}');
      ws_client_send (client, text->str);
      if (depth == 32)
        json_object_unref (ws_client_expect (client, "site-list", REPLY_MS));
      else
        ws_client_expect_error (client, "bad-json", FALSE);
    }

  /* Strict integers: no fraction or exponent, within 64 bits, within the field's range. */
  static const struct
  {
    const char *text, *code;
  } ints[] = {
    { "{\"type\":\"join\",\"protocol\":1e0,\"site\":\"dai-tu\",\"token\":\"t\"}", "bad-field" },
    { "{\"type\":\"join\",\"protocol\":1.5,\"site\":\"dai-tu\",\"token\":\"t\"}", "bad-field" },
    { "{\"type\":\"join\",\"protocol\":18446744073709551617,\"site\":\"dai-tu\",\"token\":\"t\"}",
      "bad-json" },
    { "{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":64}", "bad-field" },
    { "{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":0.0}", "bad-field" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      ws_client_send (client, ints[i].text);
      ws_client_expect_error (client, ints[i].code, FALSE);
    }
  ws_client_assert_alive (client);

  /* A 256-byte site id is read: no such site, which is fatal. */
  g_autofree char *bytes_256 = g_strnfill (256, 'a');
  ws_client_send_join (client, bytes_256, "t");
  ws_client_expect_error (client, "unknown-site", TRUE);
  g_assert_cmpuint (ws_client_wait_closed (client), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
}

static void
test_not_joined (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  ws_client_send (client, "{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\"}");
  ws_client_expect_error (client, "not-joined", FALSE);
  ws_client_send (client, "{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":0}");
  ws_client_expect_error (client, "not-joined", FALSE);
  ws_client_send (client, "{\"type\":\"leave\"}");
  ws_client_expect_error (client, "not-joined", FALSE);
  ws_client_assert_alive (client);
}

static void
test_unknown_site (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  ws_client_send_join (client, "ha-noi", "0000");
  ws_client_expect_error (client, "unknown-site", TRUE);
  g_assert_cmpuint (ws_client_wait_closed (client), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
}

static void
test_bad_token (gconstpointer data)
{
  TestEnv *env = (TestEnv *)data;
  g_autoptr (WsClient) owner = client_join (env, "dai-tu");
  g_autoptr (WsClient) intruder = ws_client_connect (env->gateway->ws_url);
  /* The token of another site is a well-formed token, just the wrong one. */
  g_autofree char *other = dc_gateway_fixture_token (env->gateway, "vo-nhai");
  ws_client_send_join (intruder, "dai-tu", other);
  ws_client_expect_error (intruder, "bad-token", TRUE);
  g_assert_cmpuint (ws_client_wait_closed (intruder), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);

  /* The site already in the conference notices nothing. */
  dc_fixture_pump_for (500);
  g_assert_false (ws_client_has (owner, "bye"));
  g_assert_false (ws_client_has (owner, "error"));
  g_assert_false (ws_client_has (owner, "site-left"));
  ws_client_assert_alive (owner);
}

static void
test_already_joined (gconstpointer data)
{
  TestEnv *env = (TestEnv *)data;
  g_autoptr (WsClient) client = client_join (env, "phu-luong");
  g_autofree char *token = dc_gateway_fixture_token (env->gateway, "phu-luong");
  ws_client_send_join (client, "phu-luong", token);
  ws_client_expect_error (client, "already-joined", FALSE);
  ws_client_assert_alive (client);

  ws_client_send (client, "{\"type\":\"leave\"}");
  g_assert_cmpuint (ws_client_wait_closed (client), ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
}

static void
assert_offer (const char *sdp)
{
  g_assert_true (g_str_has_prefix (sdp, "v=0\r\n"));
  g_autoptr (GPtrArray) video = sdp_section (sdp, "video");
  g_autoptr (GPtrArray) audio = sdp_section (sdp, "audio");
  g_assert_cmpuint (video->len, >, 0);
  g_assert_cmpuint (audio->len, >, 0);
  g_assert_true (g_strstr_len (sdp, -1, "m=video") < g_strstr_len (sdp, -1, "m=audio"));

  int vp8 = section_payload (video, "VP8/90000");
  g_assert_cmpint (vp8, >=, 0);
  g_autofree char *nack = g_strdup_printf ("a=rtcp-fb:%d nack", vp8);
  g_autofree char *pli = g_strdup_printf ("a=rtcp-fb:%d nack pli", vp8);
  g_assert_true (section_has (video, nack));
  g_assert_true (section_has (video, pli));
  g_assert_true (section_has (video, "a=sendrecv"));
  /* Retransmissions (NACK) come on their own payload type, RTX naming VP8's (§5). */
  int rtx = section_payload (video, "rtx/90000");
  g_assert_cmpint (rtx, >=, 0);
  g_autofree char *apt = g_strdup_printf ("a=fmtp:%d apt=%d", rtx, vp8);
  g_assert_true (section_has (video, apt));
  g_assert_nonnull (strstr (sdp, "\r\na=ice-options:trickle\r\n"));
  g_assert_cmpint (section_payload (audio, "opus/48000/2"), >=, 0);
  g_assert_true (section_has (audio, "a=sendrecv"));
  g_assert_nonnull (strstr (sdp, "a=group:BUNDLE "));
}

static void
test_replacement (gconstpointer data)
{
  TestEnv *env = (TestEnv *)data;
  g_autoptr (WsClient) chair = client_join (env, "ubnd-tinh");
  g_autoptr (WsClient) first = client_join (env, "tp-song-cong");
  ws_client_expect_site_event (chair, "site-joined", "tp-song-cong", NULL);

  g_autoptr (WsClient) second = client_join (env, "tp-song-cong");
  g_autoptr (JsonObject) bye = ws_client_expect (first, "bye", REPLY_MS);
  g_assert_cmpstr (json_object_get_string_member (bye, "reason"), ==, "replaced");
  g_assert_cmpuint (ws_client_wait_closed (first), ==, SOUP_WEBSOCKET_CLOSE_NORMAL);

  g_autoptr (JsonObject) offer = ws_client_expect (second, "offer", REPLY_MS);
  assert_offer (json_object_get_string_member (offer, "sdp"));

  /* The others see the old session leave before the new one arrives. */
  ws_client_expect_site_event (chair, "site-left", "tp-song-cong", "replaced");
  ws_client_expect_site_event (chair, "site-joined", "tp-song-cong", NULL);
  g_assert_false (ws_client_has (chair, "site-left"));
  g_assert_false (second->closed);
}

static void
test_vanished_peer (gconstpointer data)
{
  TestEnv *env = (TestEnv *)data;
  g_autoptr (WsClient) chair = client_join (env, "ubnd-tinh");
  WsClient *hall = client_join (env, "tx-pho-yen");
  ws_client_expect_site_event (chair, "site-joined", "tx-pho-yen", NULL);
  g_autoptr (JsonObject) offer = ws_client_expect (hall, "offer", REPLY_MS);
  g_assert_nonnull (json_object_get_string_member (offer, "sdp"));

  /* Mid-handshake the hall's socket goes away: no answer, no leave, no close frame. */
  g_io_stream_close (soup_websocket_connection_get_io_stream (hall->ws), NULL, NULL);
  ws_client_free (hall);
  ws_client_expect_site_event (chair, "site-left", "tx-pho-yen", "lost");

  g_autoptr (WsClient) again = client_join (env, "tx-pho-yen");
  ws_client_expect (again, "offer", REPLY_MS);
  ws_client_expect_site_event (chair, "site-joined", "tx-pho-yen", NULL);
  g_assert_false (again->closed);

  /* Closing the socket properly (1000) is leaving, not losing the connection. */
  soup_websocket_connection_close (again->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  ws_client_expect_site_event (chair, "site-left", "tx-pho-yen", "left");
}

/* The helper mode of this program: joins, says "joined" on stdout, and waits to be killed. */
static int
join_and_wait (const char *url, const char *site, const char *token)
{
  WsClient *client = ws_client_connect (url);
  ws_client_send_join (client, site, token);
  json_object_unref (ws_client_expect (client, "welcome", REPLY_MS));
  printf ("joined\n");
  fflush (stdout);
  for (;;)
    dc_fixture_pump_for (1000);
  return 0;
}

/* docs/protocol.md §7 site-left: a client killed with SIGKILL sends no close frame (its kernel
 * just ends the TCP connection): lost. Closing with 1001, as a browser leaving the page does, is
 * leaving. */
static void
test_abrupt_close (gconstpointer data)
{
  TestEnv *env = (TestEnv *)data;
  g_autoptr (WsClient) chair = client_join (env, "ubnd-tinh");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *token = dc_gateway_fixture_token (env->gateway, "phu-luong");
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) hall
      = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self, "--join-and-wait",
                          env->gateway->ws_url, "phu-luong", token, NULL);
  g_assert_no_error (error);
  g_autoptr (GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hall));
  g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "joined");
  ws_client_expect_site_event (chair, "site-joined", "phu-luong", NULL);
  g_subprocess_force_exit (hall);
  g_assert_true (g_subprocess_wait (hall, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_term_sig (hall), ==, SIGKILL);
  ws_client_expect_site_event (chair, "site-left", "phu-luong", "lost");

  g_autoptr (WsClient) browser = client_join (env, "phu-luong");
  ws_client_expect_site_event (chair, "site-joined", "phu-luong", NULL);
  soup_websocket_connection_close (browser->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  ws_client_expect_site_event (chair, "site-left", "phu-luong", "left");
}

/* docs/protocol.md §4: welcome first, then layout, state and offer in any order; the layout has
 * a tile for every configured site, present or not. */
static void
test_join_replies (gconstpointer data)
{
  TestEnv *env = (TestEnv *)data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  g_autofree char *token = dc_gateway_fixture_token (env->gateway, "tp-song-cong");
  ws_client_send_join (client, "tp-song-cong", token);
  json_object_unref (ws_client_expect (client, "offer", REPLY_MS));
  JsonObject *first = g_queue_peek_head (&client->messages);
  g_assert_nonnull (first);
  g_assert_cmpstr (json_object_get_string_member (first, "type"), ==, "welcome");
  g_autoptr (JsonObject) state = ws_client_expect (client, "state", REPLY_MS);
  g_autoptr (JsonObject) layout = ws_client_expect (client, "layout", REPLY_MS);
  g_assert_false (ws_client_has (client, "error"));

  JsonArray *tiles = json_object_get_array_member (layout, "tiles");
  g_assert_cmpuint (json_array_get_length (tiles), ==, DC_FIXTURE_N_SITES);
  for (guint i = 0; i < DC_FIXTURE_N_SITES; i++)
    {
      gboolean found = FALSE;
      for (guint t = 0; t < json_array_get_length (tiles); t++)
        found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (tiles, t),
                                                           "site"),
                            dc_fixture_sites[i].id)
                 == 0;
      g_assert_true (found);
    }
  g_assert_false (listed_present (env, "vo-nhai"));
}

static void
test_http (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (env->gateway->http_url, "/api/sites", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  const char *content_type
      = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  g_assert_cmpstr (content_type, ==, "application/json");
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *text = g_bytes_get_data (body, &length);
  json_parser_load_from_data (parser, text, length, &error);
  g_assert_no_error (error);
  JsonNode *root = json_parser_get_root (parser);
  /* The same JSON object as the site-list message (docs/protocol.md §10). */
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  JsonObject *object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "site-list");
  assert_site_list (json_object_get_array_member (object, "sites"));

  g_autofree char *missing = g_strconcat (env->gateway->http_url, "/nonexistent", NULL);
  g_autoptr (SoupMessage) msg404 = soup_message_new (SOUP_METHOD_GET, missing);
  g_autoptr (GBytes) body404 = soup_session_send_and_read (session, msg404, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg404), ==, SOUP_STATUS_NOT_FOUND);
}

/* The fatal internal error the watchdog sends, and the close; returns ms since start_us. */
static gint64
expect_dismissed (WsClient *client, const char *needle, gint64 start_us)
{
  g_autoptr (JsonObject) error = ws_client_expect (client, "error", 10000);
  gint64 waited_ms = (g_get_monotonic_time () - start_us) / 1000;
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "internal");
  g_assert_true (json_object_get_boolean_member (error, "fatal"));
  const char *message = json_object_get_string_member (error, "message");
  g_test_message ("after %" G_GINT64_FORMAT " ms: %s", waited_ms, message);
  g_assert_nonnull (strstr (message, needle));
  g_assert_cmpuint (ws_client_wait_closed (client), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  return waited_ms;
}

/* docs/protocol.md §8 internal: a site that never answers the offer is dismissed 5 s after it
 * (the watchdog looks once a second) as lost, and its place is free again. */
static void
test_watchdog (gconstpointer data)
{
  TestEnv *env = (TestEnv *)data;
  g_autoptr (WsClient) silent = client_join (env, "phu-binh");
  json_object_unref (ws_client_expect (silent, "offer", REPLY_MS));
  gint64 offered = g_get_monotonic_time ();
  /* The observer answers nothing either: joined 2 s later, it is still there to see phu-binh go. */
  dc_fixture_pump_for (2000);
  g_autoptr (WsClient) chair = client_join (env, "ubnd-tinh");

  gint64 waited_ms = expect_dismissed (silent, "not answered within 5 s", offered);
  g_assert_cmpint (waited_ms, >=, 4500);
  g_assert_cmpint (waited_ms, <=, 7000);
  ws_client_expect_site_event (chair, "site-left", "phu-binh", "lost");
  g_assert_false (listed_present (env, "phu-binh"));
  g_autoptr (WsClient) again = client_join (env, "phu-binh");
  g_assert_true (listed_present (env, "phu-binh"));
}

/* An answer the gateway takes, but ICE and DTLS never done: dismissed 5 s after the answer. */
static void
test_watchdog_answered (gconstpointer data)
{
  TestEnv *env = (TestEnv *)data;
  g_autoptr (WsClient) stuck = client_join (env, "dinh-hoa");
  g_autoptr (JsonObject) offer = ws_client_expect (stuck, "offer", REPLY_MS);
  /* Answered 3 s into the 5 s the offer allows: the count starts again from the answer. */
  dc_fixture_pump_for (3000);
  g_autofree char *answer = answer_from_offer (json_object_get_string_member (offer, "sdp"));
  g_autoptr (JsonNode) sdp = json_node_init_string (json_node_alloc (), answer);
  g_autofree char *sdp_json = json_to_string (sdp, FALSE);
  g_autofree char *text = g_strdup_printf ("{\"type\":\"answer\",\"sdp\":%s}", sdp_json);
  ws_client_send (stuck, text);
  gint64 answered = g_get_monotonic_time ();

  /* The first error is the watchdog's: the answer itself was fine (no bad-sdp). */
  gint64 waited_ms = expect_dismissed (stuck, "ICE or DTLS did not complete", answered);
  g_assert_cmpint (waited_ms, >=, 4500);
  g_assert_cmpint (waited_ms, <=, 7000);
  g_assert_false (listed_present (env, "dinh-hoa"));
}

static void
test_shutdown (gconstpointer data)
{
  TestEnv *env = (TestEnv *)data;
  g_assert_true (dc_gateway_fixture_is_running (env->gateway));
  int status = dc_gateway_fixture_stop (env->gateway);
  if (status != 0)
    g_test_message ("gateway log:\n%s", dc_gateway_fixture_log (env->gateway));
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (dc_gateway_fixture_log (env->gateway), "stopping;"));
}

/* A second gateway with a throwaway self-signed certificate: wss:// works for a client that
 * trusts exactly that certificate, plain ws:// on the same port does not. */
static void
test_tls (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DcGatewayFixture) gateway
      = dc_gateway_fixture_new (env->gateway_exe, DC_FIXTURE_TLS, &error);
  g_assert_no_error (error);
  dc_gateway_fixture_start (gateway, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (gateway->ws_url, "wss://"));
  g_assert_nonnull (strstr (dc_gateway_fixture_log (gateway), "Halls connect to: wss://"));

  g_autoptr (GTlsDatabase) trust = g_tls_file_database_new (gateway->certificate_path, &error);
  g_assert_no_error (error);
  WsClient *secure = ws_client_try_connect (gateway->ws_url, trust, &error);
  g_assert_no_error (error);
  g_assert_nonnull (secure->peer_certificate);
  g_assert_true (g_tls_certificate_is_same (secure->peer_certificate, gateway->certificate));
  ws_client_send (secure, "{\"type\":\"sites\"}");
  g_autoptr (JsonObject) list = ws_client_expect (secure, "site-list", REPLY_MS);
  assert_site_list (json_object_get_array_member (list, "sites"));
  ws_client_free (secure);

  /* Without our trust the self-signed certificate is refused. */
  WsClient *untrusting = ws_client_try_connect (gateway->ws_url, NULL, &error);
  g_assert_null (untrusting);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);

  g_autofree char *plain_url = g_strdup_printf ("ws://127.0.0.1:%u/ws", gateway->port);
  WsClient *plain = ws_client_try_connect (plain_url, NULL, &error);
  g_assert_null (plain);
  g_assert_nonnull (error);
  g_test_message ("plain ws:// to the TLS port: %s", error->message);

  int status = dc_gateway_fixture_stop (gateway);
  if (status != 0)
    g_test_message ("gateway log:\n%s", dc_gateway_fixture_log (gateway));
  g_assert_cmpint (status, ==, 0);
}

/* A public listen address without TLS would send tokens in clear: the gateway must not start. */
static void
test_public_listen (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DcGatewayFixture) gateway
      = dc_gateway_fixture_new (env->gateway_exe, DC_FIXTURE_LISTEN_ANY, &error);
  g_assert_no_error (error);
  g_assert_false (dc_gateway_fixture_start (gateway, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  int status = dc_gateway_fixture_stop (gateway);
  g_assert_cmpint (status, >, 0);
  const char *log = dc_gateway_fixture_log (gateway);
  g_assert_nonnull (strstr (log, "listen-address"));
  g_assert_nonnull (strstr (log, "0.0.0.0"));
  g_assert_null (strstr (log, "Halls connect to:"));
}

int
main (int argc, char **argv)
{
  if (argc == 5 && strcmp (argv[1], "--join-and-wait") == 0)
    return join_and_wait (argv[2], argv[3], argv[4]);
  g_test_init (&argc, &argv, NULL);
  TestEnv env = { NULL, dc_fixture_find_gateway (argc, argv) };
  if (env.gateway_exe == NULL)
    g_error ("usage: %s PATH-TO-diemcau-gateway (or set DIEMCAU_GATEWAY)", argv[0]);

  g_autoptr (GError) error = NULL;
  env.gateway = dc_gateway_fixture_new (env.gateway_exe, DC_FIXTURE_PLAIN, &error);
  g_assert_no_error (error);
  dc_gateway_fixture_start (env.gateway, &error);
  g_assert_no_error (error);

  g_test_add_data_func ("/signaling/http", &env, test_http);
  g_test_add_data_func ("/signaling/bad-json", &env, test_bad_json);
  g_test_add_data_func ("/signaling/bad-messages", &env, test_bad_messages);
  g_test_add_data_func ("/signaling/sizes", &env, test_sizes);
  g_test_add_data_func ("/signaling/binary", &env, test_binary);
  g_test_add_data_func ("/signaling/repeated-member", &env, test_repeated_member);
  g_test_add_data_func ("/signaling/type-member", &env, test_type_member);
  g_test_add_data_func ("/signaling/limits", &env, test_limits);
  g_test_add_data_func ("/signaling/not-joined", &env, test_not_joined);
  g_test_add_data_func ("/signaling/unknown-site", &env, test_unknown_site);
  g_test_add_data_func ("/signaling/bad-token", &env, test_bad_token);
  g_test_add_data_func ("/signaling/already-joined", &env, test_already_joined);
  g_test_add_data_func ("/signaling/replacement", &env, test_replacement);
  g_test_add_data_func ("/signaling/vanished-peer", &env, test_vanished_peer);
  g_test_add_data_func ("/signaling/abrupt-close", &env, test_abrupt_close);
  g_test_add_data_func ("/signaling/join-replies", &env, test_join_replies);
  g_test_add_data_func ("/signaling/watchdog", &env, test_watchdog);
  g_test_add_data_func ("/signaling/watchdog-answered", &env, test_watchdog_answered);
  g_test_add_data_func ("/signaling/shutdown", &env, test_shutdown);
  g_test_add_data_func ("/signaling/tls", &env, test_tls);
  g_test_add_data_func ("/signaling/public-listen-needs-tls", &env, test_public_listen);

  int result = g_test_run ();
  if (dc_gateway_fixture_is_running (env.gateway))
    dc_gateway_fixture_stop (env.gateway);
  dc_gateway_fixture_free (env.gateway);
  return result;
}
