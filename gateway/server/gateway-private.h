/* What the gateway's own files share: its state, and the functions that turn the conference's
 * decisions into media settings and messages. Not for other modules. */
#pragma once

#include "audio-mixer.h"
#include "conference.h"
#include "gateway.h"
#include "layout.h"
#include "media-codec.h"
#include "protocol.h"
#include "signaling.h"
#include "site-session.h"
#include "video-mixer.h"

G_BEGIN_DECLS

typedef struct
{
  DcPeer *peer;
  DcSiteSession *session; /* read by mixer threads under sessions_lock */
  gint64 joined_at;
} SiteLink;

struct DcGateway
{
  DcConfig *config;
  DcConference *conference;
  DcSignaling *signaling;
  DcAudioMixer *audio;
  DcVideoMixer *video;
  const DcVideoCodec *codec;
  GMutex sessions_lock; /* protects links[].session */
  SiteLink *links;
  guint n_sites;
  /* What the composition shows now; compared with the conference to find changes. */
  DcLayoutKind layout;
  guint tile_order[DC_LAYOUT_MAX_SLOTS];
  DcRect rects[DC_LAYOUT_MAX_SLOTS]; /* per slot (config order) */
  guint watchdog_id;
  guint tick_id;
  guint64 ticks;
};

/* gateway-events.c */
void dc_gateway_broadcast (DcGateway *gateway, const char *text, int except_slot);
char *dc_gateway_site_event_new (DcGateway *gateway, DcMsgType type, guint slot,
                                 const char *reason);
JsonArray *dc_gateway_site_list_array (DcGateway *gateway);
char *dc_gateway_layout_message_new (DcGateway *gateway);
char *dc_gateway_state_message_new (DcGateway *gateway);
/* Makes the media follow the conference (gains, tiles, layout) and, when broadcast_state, tells
 * every site the new state. Cheap when nothing changed. */
void dc_gateway_sync (DcGateway *gateway, gboolean broadcast_state);
DcSiteSession *dc_gateway_session_for_slot (DcGateway *gateway, guint slot);

/* gateway.c */
void dc_gateway_end_site (DcGateway *gateway, guint slot, const char *reason);
/* Writes the attendance of the meeting so far to the attendance directory (logged). */
void dc_gateway_save_attendance (DcGateway *gateway);

/* chair.c: moderation and hand-raise commands; FALSE when the type is not a chairing command. */
gboolean dc_gateway_handle_chair_message (DcGateway *gateway, DcPeer *peer, guint slot,
                                          const DcMessage *message);
/* Once a second: the floor timer. */
void dc_gateway_tick_floor (DcGateway *gateway);

G_END_DECLS
