#include "signaling.h"
#include "web-assets.h"

#include <gst/gst.h>
#include <libsoup/soup.h>

GST_DEBUG_CATEGORY_STATIC (dc_signaling_debug);
#define GST_CAT_DEFAULT dc_signaling_debug

/* Messages above this end the connection with close 1009 (docs/protocol.md §1); between the
 * protocol cap and this the site gets a "too-large" error and stays connected. libsoup refuses a
 * single frame that large itself; a message in smaller fragments is only measured once whole. */
#define MAX_FRAME_BYTES (1024 * 1024)
#define KEEPALIVE_SECONDS 2

struct DcPeer
{
  DcSignaling *signaling;
  SoupWebsocketConnection *connection;
  char *address;
  int slot;
  gboolean closing;
  guint remove_id; /* the idle that frees this peer once its close signal is over */
};

struct DcSignaling
{
  SoupServer *server;
  GHashTable *peers; /* DcPeer* set, owned */
  DcSignalingHandlers handlers;
  gpointer user_data;
};

static void
peer_free (DcPeer *peer)
{
  g_clear_handle_id (&peer->remove_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (peer->connection, peer);
  g_object_unref (peer->connection);
  g_free (peer->address);
  g_free (peer);
}

void
dc_peer_send (DcPeer *peer, const char *text)
{
  g_return_if_fail (peer != NULL && text != NULL);
  if (soup_websocket_connection_get_state (peer->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (peer->connection, text);
}

void
dc_peer_close (DcPeer *peer, gushort code, const char *reason)
{
  if (peer->closing)
    return;
  peer->closing = TRUE;
  if (soup_websocket_connection_get_state (peer->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (peer->connection, code, reason);
}

void
dc_peer_send_error (DcPeer *peer, DcErrorCode code, gboolean fatal, const char *message)
{
  GST_INFO ("peer %s: error %s%s: %s", peer->address, dc_error_code_to_string (code),
            fatal ? " (fatal)" : "", message);
  g_autofree char *text = dc_message_new_error (code, fatal, message);
  dc_peer_send (peer, text);
  if (fatal)
    dc_peer_close (peer, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, dc_error_code_to_string (code));
}

const char *
dc_peer_get_address (DcPeer *peer)
{
  return peer->address;
}

gushort
dc_peer_get_close_code (DcPeer *peer)
{
  return soup_websocket_connection_get_close_code (peer->connection);
}

int
dc_peer_get_slot (DcPeer *peer)
{
  return peer->slot;
}

void
dc_peer_set_slot (DcPeer *peer, int slot)
{
  peer->slot = slot;
}

static void
on_ws_message (SoupWebsocketConnection *connection, gint type, GBytes *payload, gpointer data)
{
  DcPeer *peer = data;
  if (peer->closing)
    return;
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      dc_peer_send_error (peer, DC_ERR_BAD_JSON, FALSE,
                          "binary frames are not part of the protocol; send JSON text");
      return;
    }
  gsize length = 0;
  const char *data_text = g_bytes_get_data (payload, &length);
  if (length > MAX_FRAME_BYTES)
    {
      GST_INFO ("peer %s: a message of %" G_GSIZE_FORMAT " bytes", peer->address, length);
      dc_peer_close (peer, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "message too big");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (DcMessage) message = dc_message_parse (data_text, length, DC_SENDER_SITE, &error);
  if (message == NULL)
    {
      /* Only a protocol version the gateway does not speak ends the connection (protocol.md §8). */
      gboolean fatal = error->code == DC_ERR_UNSUPPORTED_PROTOCOL;
      dc_peer_send_error (peer, error->code, fatal, error->message);
      return;
    }
  peer->signaling->handlers.message (peer, message, peer->signaling->user_data);
}

static gboolean
remove_peer (gpointer data)
{
  DcPeer *peer = data;
  peer->remove_id = 0;
  g_hash_table_remove (peer->signaling->peers, peer);
  return G_SOURCE_REMOVE;
}

static void
on_ws_closed (SoupWebsocketConnection *connection, gpointer data)
{
  DcPeer *peer = data;
  DcSignaling *signaling = peer->signaling;
  GST_INFO ("peer %s: closed (code %u)", peer->address,
            soup_websocket_connection_get_close_code (connection));
  signaling->handlers.closed (peer, signaling->user_data);
  peer->closing = TRUE;
  /* Freed after the signal emission that is still using the connection; freeing the signaling
   * first cancels it (peer_free). */
  if (peer->remove_id == 0)
    peer->remove_id = g_idle_add_full (G_PRIORITY_DEFAULT, remove_peer, peer, NULL);
}

static void
on_ws_error (SoupWebsocketConnection *connection, GError *error, gpointer data)
{
  DcPeer *peer = data;
  GST_INFO ("peer %s: %s", peer->address, error->message);
  /* libsoup drops the socket on an oversized frame without a close frame; say why first. */
  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_CLOSE_TOO_BIG))
    dc_peer_close (peer, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "message too big");
}

static void
on_websocket (SoupServer *server, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *connection, gpointer data)
{
  DcSignaling *signaling = data;
  DcPeer *peer = g_new0 (DcPeer, 1);
  peer->signaling = signaling;
  peer->connection = g_object_ref (connection);
  peer->slot = -1;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  peer->address = remote ? g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (remote))
                         : g_strdup ("unknown");
  g_object_set (connection, "max-incoming-payload-size", (guint64) MAX_FRAME_BYTES,
                "keepalive-interval", KEEPALIVE_SECONDS, NULL);
  /* libsoup 3.7.1 and later also cap a fragmented message while it arrives; older ones keep it
   * whole before on_ws_message measures it. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (connection), "max-total-message-size"))
    g_object_set (connection, "max-total-message-size", (guint64) MAX_FRAME_BYTES, NULL);
  g_signal_connect (connection, "message", G_CALLBACK (on_ws_message), peer);
  g_signal_connect (connection, "closed", G_CALLBACK (on_ws_closed), peer);
  g_signal_connect (connection, "error", G_CALLBACK (on_ws_error), peer);
  g_hash_table_add (signaling->peers, peer);
  GST_INFO ("peer %s: connected", peer->address);
}

static void
on_http_sites (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer data)
{
  DcSignaling *signaling = data;
  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  char *json = signaling->handlers.site_list_json (signaling->user_data);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE, json,
                                    strlen (json));
}

DcSignaling *
dc_signaling_new (const DcSignalingHandlers *handlers, gpointer user_data)
{
  GST_DEBUG_CATEGORY_INIT (dc_signaling_debug, "dc-signaling", 0, "diemcau signaling");
  DcSignaling *signaling = g_new0 (DcSignaling, 1);
  signaling->handlers = *handlers;
  signaling->user_data = user_data;
  signaling->peers = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) peer_free, NULL);
  signaling->server = soup_server_new ("server-header", "diemcau", NULL);
  /* No permessage-deflate: frames are then as large as the messages they carry, so the 1 MiB
   * cap holds before anything is inflated (a small deflated frame can unpack to gigabytes). */
  soup_server_remove_websocket_extension (signaling->server,
                                          SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_websocket_handler (signaling->server, "/ws", NULL, NULL, on_websocket,
                                     signaling, NULL);
  soup_server_add_handler (signaling->server, "/api/sites", on_http_sites, signaling, NULL);
  dc_web_assets_register (signaling->server);
  return signaling;
}

void
dc_signaling_free (DcSignaling *signaling)
{
  if (signaling == NULL)
    return;
  soup_server_disconnect (signaling->server);
  g_hash_table_destroy (signaling->peers);
  g_object_unref (signaling->server);
  g_free (signaling);
}

gboolean
dc_signaling_listen (DcSignaling *signaling, const DcConfig *config, GError **error)
{
  SoupServerListenOptions options = 0;
  if (config->tls_certificate && config->tls_key)
    {
      g_autoptr (GTlsCertificate) certificate
          = g_tls_certificate_new_from_files (config->tls_certificate, config->tls_key, error);
      if (certificate == NULL)
        return FALSE;
      soup_server_set_tls_certificate (signaling->server, certificate);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (config->listen_address);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "listen-address \"%s\" is not an IP address", config->listen_address);
      return FALSE;
    }
  g_autoptr (GSocketAddress) socket_address = g_inet_socket_address_new (address, config->port);
  return soup_server_listen (signaling->server, socket_address, options, error);
}

char **
dc_signaling_get_urls (DcSignaling *signaling)
{
  GSList *uris = soup_server_get_uris (signaling->server);
  GPtrArray *urls = g_ptr_array_new ();
  for (GSList *l = uris; l; l = l->next)
    {
      GUri *uri = l->data;
      gboolean tls = g_strcmp0 (g_uri_get_scheme (uri), "https") == 0;
      const char *host = g_uri_get_host (uri);
      gboolean v6 = strchr (host, ':') != NULL;
      g_ptr_array_add (urls, g_strdup_printf ("%s://%s%s%s:%d/ws", tls ? "wss" : "ws",
                                              v6 ? "[" : "", host, v6 ? "]" : "",
                                              g_uri_get_port (uri)));
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_ptr_array_add (urls, NULL);
  return (char **) g_ptr_array_free (urls, FALSE);
}
