#include "ws-client.h"

#include <string.h>

#include "gateway-fixture.h"

/* ---- a WebSocket client that queues every message it receives ---- */



static void
on_client_message (SoupWebsocketConnection *ws, gint type, GBytes *payload, gpointer data)
{
  WsClient *client = data;
  gsize length = 0;
  const char *text = g_bytes_get_data (payload, &length);
  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  json_parser_load_from_data (parser, text, length, &error);
  g_assert_no_error (error);
  JsonNode *root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_queue_push_tail (&client->messages, json_object_ref (json_node_get_object (root)));
}

static void
on_client_closed (SoupWebsocketConnection *ws, gpointer data)
{
  WsClient *client = data;
  client->closed = TRUE;
  client->close_code = soup_websocket_connection_get_close_code (ws);
}

static void
on_client_error (SoupWebsocketConnection *ws, GError *error, gpointer data)
{
  WsClient *client = data;
  if (client->ws_error == NULL)
    client->ws_error = g_error_copy (error);
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer data)
{
  WsClient *client = data;
  client->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                      &client->connect_error);
  client->connect_done = TRUE;
}

static gboolean
client_connect_done (gpointer data)
{
  return ((WsClient *)data)->connect_done;
}

/* Connects to url; database, when given, is the only trust the session has; compress offers
 * permessage-deflate, as browsers do. */
static WsClient *
client_connect (const char *url, GTlsDatabase *database, gboolean compress, GError **error)
{
  WsClient *client = g_new0 (WsClient, 1);
  client->session = soup_session_new_with_options ("timeout", 10, NULL);
  if (database)
    soup_session_set_tls_database (client->session, database);
  if (compress)
    soup_session_add_feature_by_type (client->session, SOUP_TYPE_WEBSOCKET_EXTENSION_MANAGER);
  g_autoptr (SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  soup_session_websocket_connect_async (client->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_connected, client);
  dc_fixture_pump_until (client_connect_done, client, 10000);
  if (client->ws == NULL)
    {
      if (client->connect_error)
        g_propagate_error (error, g_steal_pointer (&client->connect_error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no connection within 10 s");
      g_object_unref (client->session);
      g_free (client);
      return NULL;
    }
  GTlsCertificate *certificate = soup_message_get_tls_peer_certificate (msg);
  client->peer_certificate = certificate ? g_object_ref (certificate) : NULL;
  /* Our test messages go up to 2 MiB; the gateway's replies are small. */
  g_object_set (client->ws, "max-incoming-payload-size", (guint64)0, NULL);
  g_signal_connect (client->ws, "message", G_CALLBACK (on_client_message), client);
  g_signal_connect (client->ws, "closed", G_CALLBACK (on_client_closed), client);
  g_signal_connect (client->ws, "error", G_CALLBACK (on_client_error), client);
  return client;
}

WsClient *
ws_client_try_connect (const char *url, GTlsDatabase *database, GError **error)
{
  return client_connect (url, database, FALSE, error);
}

WsClient *
ws_client_connect_compressing (const char *url)
{
  g_autoptr (GError) error = NULL;
  WsClient *client = client_connect (url, NULL, TRUE, &error);
  g_assert_no_error (error);
  return client;
}

WsClient *
ws_client_connect (const char *url)
{
  g_autoptr (GError) error = NULL;
  WsClient *client = ws_client_try_connect (url, NULL, &error);
  g_assert_no_error (error);
  return client;
}

gboolean
ws_client_is_closed (gpointer data)
{
  return ((WsClient *)data)->closed;
}

void
ws_client_free (WsClient *client)
{
  if (client->ws)
    {
      if (soup_websocket_connection_get_state (client->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (client->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      dc_fixture_pump_until (ws_client_is_closed, client, 3000);
      g_signal_handlers_disconnect_by_data (client->ws, client);
      g_object_unref (client->ws);
    }
  g_queue_clear_full (&client->messages, (GDestroyNotify)json_object_unref);
  g_clear_error (&client->ws_error);
  g_clear_object (&client->peer_certificate);
  g_object_unref (client->session);
  g_free (client);
}


void
ws_client_send (WsClient *client, const char *text)
{
  g_assert_cmpint (soup_websocket_connection_get_state (client->ws), ==, SOUP_WEBSOCKET_STATE_OPEN);
  soup_websocket_connection_send_text (client->ws, text);
}

/* A client frame's header for n payload bytes (RFC 6455 §5.2), its mask all zeros: masking is
 * required, its value is not. Returns the header's length. */
static gsize
frame_header (guint8 head[14], gboolean first, gboolean last, guint64 n)
{
  gsize len = 2;
  head[0] = (last ? 0x80 : 0x00) | (first ? 0x1 : 0x0); /* FIN, opcode text or continuation */
  if (n < 126)
    head[1] = 0x80 | n;
  else if (n <= G_MAXUINT16)
    {
      head[1] = 0x80 | 126;
      head[2] = n >> 8;
      head[3] = n & 0xff;
      len = 4;
    }
  else
    {
      head[1] = 0x80 | 127;
      for (int k = 0; k < 8; k++)
        head[2 + k] = (n >> (56 - 8 * k)) & 0xff;
      len = 10;
    }
  memset (head + len, 0, 4);
  return len + 4;
}

/* Writes text as one text message in fragments of at most fragment_bytes, framed here and written
 * on the connection's stream: libsoup sends every message as one frame. FALSE when the gateway
 * closed the connection before all was written. */
gboolean
ws_client_send_fragmented (WsClient *client, const char *text, gsize fragment_bytes)
{
  GIOStream *stream = soup_websocket_connection_get_io_stream (client->ws);
  gsize length = strlen (text);
  g_autoptr (GByteArray) wire = g_byte_array_new ();
  gsize at = 0;
  do
    {
      gsize n = MIN (fragment_bytes, length - at);
      guint8 head[14];
      g_byte_array_append (wire, head, frame_header (head, at == 0, at + n == length, n));
      g_byte_array_append (wire, (const guint8 *)text + at, n);
      at += n;
    }
  while (at < length);
  /* The gateway may close before it has read everything. */
  g_autoptr (GError) error = NULL;
  if (g_output_stream_write_all (g_io_stream_get_output_stream (stream), wire->data, wire->len,
                                 NULL, NULL, &error))
    return TRUE;
  g_test_message ("fragments cut short: %s", error->message);
  return FALSE;
}

typedef struct
{
  WsClient *client;
  const char *type;
  JsonObject *found;
} Wanted;

static gboolean
take_wanted (gpointer data)
{
  Wanted *wanted = data;
  for (GList *l = wanted->client->messages.head; l; l = l->next)
    if (g_strcmp0 (json_object_get_string_member_with_default (l->data, "type", ""), wanted->type)
        == 0)
      {
        wanted->found = l->data;
        g_queue_delete_link (&wanted->client->messages, l);
        return TRUE;
      }
  return FALSE;
}

/* The oldest queued message of this type, waiting for it if needed; other types stay queued. */
JsonObject *
ws_client_expect (WsClient *client, const char *type, guint timeout_ms)
{
  Wanted wanted = { client, type, NULL };
  if (!dc_fixture_pump_until (take_wanted, &wanted, timeout_ms))
    g_error ("no \"%s\" message within %u ms (closed: %d, code %u)", type, timeout_ms,
             client->closed, client->close_code);
  return wanted.found;
}

gboolean
ws_client_has (WsClient *client, const char *type)
{
  for (GList *l = client->messages.head; l; l = l->next)
    if (g_strcmp0 (json_object_get_string_member_with_default (l->data, "type", ""), type) == 0)
      return TRUE;
  return FALSE;
}

/* Expects an error with this code and fatal flag; returns nothing, frees the message. */
void
ws_client_expect_error (WsClient *client, const char *code, gboolean fatal)
{
  g_autoptr (JsonObject) error = ws_client_expect (client, "error", REPLY_MS);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_cmpint (json_object_get_boolean_member (error, "fatal"), ==, fatal);
  g_assert_cmpuint (strlen (json_object_get_string_member (error, "message")), >, 0);
}

gushort
ws_client_wait_closed (WsClient *client)
{
  if (!dc_fixture_pump_until (ws_client_is_closed, client, REPLY_MS))
    g_error ("the gateway did not close the connection within %d ms", REPLY_MS);
  if (client->ws_error)
    g_test_message ("connection error before the close: %s", client->ws_error->message);
  return client->close_code;
}

/* Proves the connection is open and served: a sites query gets its site-list. */
void
ws_client_assert_alive (WsClient *client)
{
  g_assert_false (client->closed);
  ws_client_send (client, "{\"type\":\"sites\"}");
  g_autoptr (JsonObject) list = ws_client_expect (client, "site-list", REPLY_MS);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "sites")), ==,
                    DC_FIXTURE_N_SITES);
  g_assert_false (client->closed);
}

void
ws_client_send_join (WsClient *client, const char *site, const char *token)
{
  g_autofree char *text = g_strdup_printf (
      "{\"type\":\"join\",\"protocol\":1,\"site\":\"%s\",\"token\":\"%s\"}", site, token);
  ws_client_send (client, text);
}

/* Waits for site-joined or site-left about this site and checks it. */
void
ws_client_expect_site_event (WsClient *client, const char *type, const char *site, const char *reason)
{
  g_autoptr (JsonObject) event = ws_client_expect (client, type, REPLY_MS + 2000);
  g_assert_cmpstr (json_object_get_string_member (event, "site"), ==, site);
  if (reason)
    g_assert_cmpstr (json_object_get_string_member (event, "reason"), ==, reason);
}

