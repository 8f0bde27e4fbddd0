/* WebSocket client for the diemcau signaling protocol; see signaling-client.h. */
#include "signaling-client.h"

#include <libsoup/soup.h>

struct _DcSignalingClient
{
  GObject parent;
  char *url;
  SoupSession *session;
  SoupWebsocketConnection *conn;
  GCancellable *cancellable;
  gboolean closed_emitted;
  char *accepted_fingerprint, *rejected_fingerprint;
};

enum
{
  SIG_CONNECTED,
  SIG_MESSAGE,
  SIG_BAD_MESSAGE,
  SIG_CLOSED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DcSignalingClient, dc_signaling_client, G_TYPE_OBJECT)

static void
emit_closed (DcSignalingClient *self, gboolean clean, const char *reason)
{
  if (self->closed_emitted)
    return;
  self->closed_emitted = TRUE;
  g_signal_emit (self, signals[SIG_CLOSED], 0, clean, reason);
}

static void
on_ws_message (SoupWebsocketConnection *conn, gint type, GBytes *bytes, gpointer user_data)
{
  DcSignalingClient *self = user_data;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_signal_emit (self, signals[SIG_BAD_MESSAGE], 0, "binary WebSocket message ignored");
      return;
    }
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (DcMessage) msg = dc_message_parse (data, len, DC_SENDER_GATEWAY, &error);
  if (msg == NULL)
    {
      g_signal_emit (self, signals[SIG_BAD_MESSAGE], 0, error->message);
      return;
    }
  g_signal_emit (self, signals[SIG_MESSAGE], 0, msg);
}

static void
on_ws_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  DcSignalingClient *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (conn);
  const char *data = soup_websocket_connection_get_close_data (conn);
  g_autofree char *reason = NULL;

  if (code == 0 || code == SOUP_WEBSOCKET_CLOSE_ABNORMAL)
    reason = g_strdup ("the connection was lost");
  else if (data != NULL && *data != '\0')
    reason = g_strdup_printf ("connection closed (%u: %s)", code, data);
  else
    reason = g_strdup_printf ("connection closed (%u)", code);
  emit_closed (self, code == SOUP_WEBSOCKET_CLOSE_NORMAL, reason);
}

static void
on_ws_error (SoupWebsocketConnection *conn, GError *error, gpointer user_data)
{
  g_debug ("signaling: WebSocket error: %s", error->message);
}

static void
on_connect_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (DcSignalingClient) self = user_data; /* ref taken for the request */
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *conn
      = soup_session_websocket_connect_finish (SOUP_SESSION (source), res, &error);

  if (conn == NULL)
    {
      g_autofree char *reason
          = g_strdup_printf ("Cannot connect to %s: %s", self->url, error->message);
      emit_closed (self, FALSE, reason);
      return;
    }
  self->conn = conn;
  soup_websocket_connection_set_max_incoming_payload_size (conn, DC_PROTOCOL_MAX_MESSAGE);
  /* Notice a dead gateway even when it never closes the TCP connection. */
  soup_websocket_connection_set_keepalive_interval (conn, 5);
  g_signal_connect_object (conn, "message", G_CALLBACK (on_ws_message), self, 0);
  g_signal_connect_object (conn, "closed", G_CALLBACK (on_ws_closed), self, 0);
  g_signal_connect_object (conn, "error", G_CALLBACK (on_ws_error), self, 0);
  g_signal_emit (self, signals[SIG_CONNECTED], 0);
}

/* "AB:CD:..." over the certificate's DER bytes, the form browsers show. */
static char *
certificate_fingerprint (GTlsCertificate *cert)
{
  g_autoptr (GByteArray) der = NULL;
  g_object_get (cert, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, der->data, der->len);
  const char *hex = g_checksum_get_string (sum);
  GString *out = g_string_new (NULL);
  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    g_string_append_printf (out, "%s%c%c", i > 0 ? ":" : "", g_ascii_toupper (hex[i]),
                            g_ascii_toupper (hex[i + 1]));
  return g_string_free (out, FALSE);
}

/* Only reached for certificates the system does not trust: the user may have accepted this one
 * for this server before. */
static gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors,
                       gpointer user_data)
{
  DcSignalingClient *self = user_data;
  g_autofree char *fingerprint = certificate_fingerprint (cert);
  if (fingerprint != NULL && self->accepted_fingerprint != NULL
      && g_ascii_strcasecmp (fingerprint, self->accepted_fingerprint) == 0)
    return TRUE;
  g_free (self->rejected_fingerprint);
  self->rejected_fingerprint = g_steal_pointer (&fingerprint);
  return FALSE;
}

void
dc_signaling_client_set_accepted_fingerprint (DcSignalingClient *self, const char *fingerprint)
{
  g_return_if_fail (DC_IS_SIGNALING_CLIENT (self));
  g_free (self->accepted_fingerprint);
  self->accepted_fingerprint = g_strdup (fingerprint);
}

const char *
dc_signaling_client_get_rejected_fingerprint (DcSignalingClient *self)
{
  g_return_val_if_fail (DC_IS_SIGNALING_CLIENT (self), NULL);
  return self->rejected_fingerprint;
}

void
dc_signaling_client_connect (DcSignalingClient *self)
{
  g_return_if_fail (DC_IS_SIGNALING_CLIENT (self));
  g_return_if_fail (self->conn == NULL);

  SoupMessage *msg = soup_message_new (SOUP_METHOD_GET, self->url);
  if (msg == NULL)
    {
      g_autofree char *reason
          = g_strdup_printf ("Cannot connect to %s: not a valid URL", self->url);
      emit_closed (self, FALSE, reason);
      return;
    }
  g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, on_connect_done, g_object_ref (self));
  g_object_unref (msg);
}

gboolean
dc_signaling_client_send (DcSignalingClient *self, const char *text)
{
  g_return_val_if_fail (DC_IS_SIGNALING_CLIENT (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!dc_signaling_client_is_open (self))
    return FALSE;
  soup_websocket_connection_send_text (self->conn, text);
  return TRUE;
}

gboolean
dc_signaling_client_is_open (DcSignalingClient *self)
{
  g_return_val_if_fail (DC_IS_SIGNALING_CLIENT (self), FALSE);
  return self->conn != NULL
         && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

void
dc_signaling_client_close (DcSignalingClient *self)
{
  g_return_if_fail (DC_IS_SIGNALING_CLIENT (self));

  g_cancellable_cancel (self->cancellable);
  if (dc_signaling_client_is_open (self))
    soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

static void
dc_signaling_client_finalize (GObject *object)
{
  DcSignalingClient *self = DC_SIGNALING_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  if (self->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      g_clear_object (&self->conn);
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_free (self->url);
  g_free (self->accepted_fingerprint);
  g_free (self->rejected_fingerprint);
  G_OBJECT_CLASS (dc_signaling_client_parent_class)->finalize (object);
}

static void
dc_signaling_client_class_init (DcSignalingClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dc_signaling_client_finalize;

  signals[SIG_CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIG_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIG_BAD_MESSAGE]
      = g_signal_new ("bad-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIG_CLOSED]
      = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
dc_signaling_client_init (DcSignalingClient *self)
{
  self->cancellable = g_cancellable_new ();
}

DcSignalingClient *
dc_signaling_client_new (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  DcSignalingClient *self = g_object_new (DC_TYPE_SIGNALING_CLIENT, NULL);
  self->url = g_strdup (url);
  self->session = soup_session_new_with_options ("timeout", 10, NULL);
  return self;
}
