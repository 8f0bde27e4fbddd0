/* Signaling transport: HTTP(S) server with the WebSocket endpoint /ws (libsoup-3), each socket a
 * DcPeer. Messages are validated here (protocol.c); only valid ones reach the gateway. */
#pragma once

#include <glib.h>
#include "config.h"
#include "protocol.h"

G_BEGIN_DECLS

typedef struct DcPeer DcPeer;
typedef struct DcSignaling DcSignaling;

typedef struct
{
  /* All on the main context. A peer is valid until its closed handler returns. */
  void (*message) (DcPeer *peer, const DcMessage *message, gpointer user_data);
  void (*closed) (DcPeer *peer, gpointer user_data);
  /* The site-list message text, for GET /api/sites. */
  char *(*site_list_json) (gpointer user_data);
} DcSignalingHandlers;

DcSignaling *dc_signaling_new (const DcSignalingHandlers *handlers, gpointer user_data);
void dc_signaling_free (DcSignaling *signaling);
/* Listens as the config says (TLS when it has a certificate). */
gboolean dc_signaling_listen (DcSignaling *signaling, const DcConfig *config, GError **error);
/* "ws://127.0.0.1:8443/ws" etc., one per listening address. */
char **dc_signaling_get_urls (DcSignaling *signaling);

void dc_peer_send (DcPeer *peer, const char *text);
/* Sends an error message; a fatal one then closes the socket (1008, policy violation). */
void dc_peer_send_error (DcPeer *peer, DcErrorCode code, gboolean fatal, const char *message);
void dc_peer_close (DcPeer *peer, gushort code, const char *reason);
const char *dc_peer_get_address (DcPeer *peer);
/* The close code the site sent in its close frame; 0 or 1006 when the socket just went away. */
gushort dc_peer_get_close_code (DcPeer *peer);
/* The slot of the site this peer joined as, -1 before join. */
int dc_peer_get_slot (DcPeer *peer);
void dc_peer_set_slot (DcPeer *peer, int slot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcSignaling, dc_signaling_free)

G_END_DECLS
