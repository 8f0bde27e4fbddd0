/* A WebSocket client for end-to-end tests: connects to the gateway, queues every message it
 * receives, and waits for the ones a test expects (asserting on time-outs). */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define REPLY_MS 5000

typedef struct
{
  SoupSession *session;
  SoupWebsocketConnection *ws;
  GError *connect_error;
  gboolean connect_done;
  GQueue messages; /* JsonObject*, oldest first */
  gboolean closed;
  gushort close_code;
  GError *ws_error;                  /* the first error the connection reported */
  GTlsCertificate *peer_certificate; /* what the gateway presented, wss:// only */
} WsClient;

WsClient *ws_client_try_connect (const char *url, GTlsDatabase *database, GError **error);
WsClient *ws_client_connect (const char *url);
/* Offers permessage-deflate, as browsers do. */
WsClient *ws_client_connect_compressing (const char *url);
void ws_client_free (WsClient *client);
void ws_client_send (WsClient *client, const char *text);
gboolean ws_client_send_fragmented (WsClient *client, const char *text, gsize fragment_bytes);
JsonObject *ws_client_expect (WsClient *client, const char *type, guint timeout_ms);
gboolean ws_client_has (WsClient *client, const char *type);
void ws_client_expect_error (WsClient *client, const char *code, gboolean fatal);
gushort ws_client_wait_closed (WsClient *client);
void ws_client_assert_alive (WsClient *client);
void ws_client_send_join (WsClient *client, const char *site, const char *token);
void ws_client_expect_site_event (WsClient *client, const char *type, const char *site, const char *reason);
gboolean ws_client_is_closed (gpointer data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsClient, ws_client_free)

G_END_DECLS
