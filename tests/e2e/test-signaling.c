/* The gateway's signaling end to end: a real diemcau-gateway process driven over its WebSocket
 * and HTTP endpoints (docs/protocol.md), checking every reply, error code, fatal flag and close
 * code, session replacement, vanished peers, the media watchdog, TLS and the public-listen guard.
 *
 * Usage: test-signaling PATH-TO-diemcau-gateway (or DIEMCAU_GATEWAY in the environment). */
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "gateway-fixture.h"
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

static void
test_sizes (gconstpointer data)
{
  const TestEnv *env = data;
  g_autoptr (WsClient) client = ws_client_connect (env->gateway->ws_url);
  /* Valid JSON over the 64 KiB message cap: refused, the connection stays. */
  GString *big = g_string_new ("{\"type\":\"sites\",\"padding\":\"");
  while (big->len < 100 * 1024)
    g_string_append (big, "diemcau ");
  g_string_append (big, "\"}");
  ws_client_send (client, big->str);
  ws_client_expect_error (client, "too-large", FALSE);
  ws_client_assert_alive (client);

  /* Over the 1 MiB frame cap: closed at once with 1009, no error message. */
  while (big->len < 2 * 1024 * 1024)
    g_string_append (big, big->str);
  ws_client_send (client, big->str);
  g_string_free (big, TRUE);
  g_assert_cmpuint (ws_client_wait_closed (client), ==, SOUP_WEBSOCKET_CLOSE_TOO_BIG);
  g_assert_false (ws_client_has (client, "error"));
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

/* The lines of the SDP section of the first m-line of this media kind. */
static GPtrArray *
sdp_section (const char *sdp, const char *kind)
{
  g_auto (GStrv) lines = g_strsplit (sdp, "\r\n", -1);
  g_autofree char *start = g_strconcat ("m=", kind, " ", NULL);
  GPtrArray *section = g_ptr_array_new_with_free_func (g_free);
  gboolean inside = FALSE;
  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "m="))
        {
          if (inside)
            break;
          inside = g_str_has_prefix (lines[i], start);
        }
      if (inside)
        g_ptr_array_add (section, g_strdup (lines[i]));
    }
  return section;
}

static gboolean
section_has (GPtrArray *section, const char *line)
{
  for (guint i = 0; i < section->len; i++)
    if (g_strcmp0 (section->pdata[i], line) == 0)
      return TRUE;
  return FALSE;
}

/* The payload type that section's rtpmap gives this encoding, -1 when absent. */
static int
section_payload (GPtrArray *section, const char *encoding)
{
  for (guint i = 0; i < section->len; i++)
    {
      const char *line = section->pdata[i];
      int pt = -1;
      char name[64] = "";
      /* Encoding names are case-insensitive (RFC 4566); webrtcbin writes OPUS. */
      if (sscanf (line, "a=rtpmap:%d %63s", &pt, name) == 2
          && g_ascii_strcasecmp (name, encoding) == 0)
        return pt;
    }
  return -1;
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

static void
test_watchdog (gconstpointer data)
{
  TestEnv *env = (TestEnv *)data;
  g_autoptr (WsClient) silent = client_join (env, "phu-binh");
  gint64 joined = g_get_monotonic_time ();
  /* The observer is as silent: it joins a watchdog tick later so that it is still there to see
   * phu-binh go. */
  dc_fixture_pump_for (1500);
  g_autoptr (WsClient) chair = client_join (env, "ubnd-tinh");

  /* No answer and no media: after the 20 s setup grace the gateway gives up on it. */
  g_autoptr (JsonObject) left = ws_client_expect (chair, "site-left", 25000);
  g_assert_cmpstr (json_object_get_string_member (left, "site"), ==, "phu-binh");
  g_assert_cmpstr (json_object_get_string_member (left, "reason"), ==, "lost");
  gint64 waited_ms = (g_get_monotonic_time () - joined) / 1000;
  g_assert_cmpint (waited_ms, >=, 19000);
  ws_client_expect_error (silent, "internal", TRUE);
  g_assert_cmpuint (ws_client_wait_closed (silent), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
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
  g_test_add_data_func ("/signaling/not-joined", &env, test_not_joined);
  g_test_add_data_func ("/signaling/unknown-site", &env, test_unknown_site);
  g_test_add_data_func ("/signaling/bad-token", &env, test_bad_token);
  g_test_add_data_func ("/signaling/already-joined", &env, test_already_joined);
  g_test_add_data_func ("/signaling/replacement", &env, test_replacement);
  g_test_add_data_func ("/signaling/vanished-peer", &env, test_vanished_peer);
  g_test_add_data_func ("/signaling/watchdog", &env, test_watchdog);
  g_test_add_data_func ("/signaling/shutdown", &env, test_shutdown);
  g_test_add_data_func ("/signaling/tls", &env, test_tls);
  g_test_add_data_func ("/signaling/public-listen-needs-tls", &env, test_public_listen);

  int result = g_test_run ();
  if (dc_gateway_fixture_is_running (env.gateway))
    dc_gateway_fixture_stop (env.gateway);
  dc_gateway_fixture_free (env.gateway);
  return result;
}
