/* The site end of the signaling WebSocket (libsoup 3): connects, parses every incoming text
 * message with the protocol table, and reports on the thread-default main context it was
 * created in. */
#pragma once

#include <glib-object.h>
#include <gio/gio.h>

#include "protocol.h"

G_BEGIN_DECLS

#define DC_TYPE_SIGNALING_CLIENT (dc_signaling_client_get_type ())
G_DECLARE_FINAL_TYPE (DcSignalingClient, dc_signaling_client, DC, SIGNALING_CLIENT, GObject)

/* Signals:
 *   "connected"  ()                                   socket open
 *   "message"    (gpointer DcMessage*)                borrowed for the emission only
 *   "bad-message"(const char *error_message)          a message that did not validate; ignored
 *   "closed"     (gboolean clean, const char *reason) socket closed (by either side) or failed
 *                                                     to open; emitted once */
DcSignalingClient *dc_signaling_client_new (const char *url);
void dc_signaling_client_connect (DcSignalingClient *self);
/* FALSE (and the text is dropped) when the socket is not open. */
gboolean dc_signaling_client_send (DcSignalingClient *self, const char *text);
void dc_signaling_client_close (DcSignalingClient *self);
gboolean dc_signaling_client_is_open (DcSignalingClient *self);
/* wss: also trust a certificate with this SHA-256 fingerprint ("AB:CD:..."; NULL = only the
 * system's trust). */
void dc_signaling_client_set_accepted_fingerprint (DcSignalingClient *self,
                                                   const char *fingerprint);
/* The fingerprint of the certificate the last connection refused, or NULL. */
const char *dc_signaling_client_get_rejected_fingerprint (DcSignalingClient *self);

G_END_DECLS
