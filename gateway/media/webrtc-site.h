/* A site over WebRTC: its own GstPipeline around one webrtcbin (the gateway offers), decoding
 * what the hall sends for the mixers and sending it the shared encoded picture and its own
 * encoded mix. The SDP and candidates travel over the WebSocket signaling, which is the only
 * code that knows a site is a WebRTC one. */
#pragma once

#include "media-codec.h"
#include "site.h"

G_BEGIN_DECLS

typedef struct
{
  /* The owner's main context, queued; never after dc_site_close. */
  void (*local_offer) (DcSite *site, const char *sdp, gpointer user_data);
  void (*local_candidate) (DcSite *site, const char *candidate, guint mline, gpointer user_data);
} DcWebrtcSignals;

typedef struct
{
  const char *site_id;
  guint slot;                 /* index of the site in the conference */
  const DcVideoCodec *codec;  /* what the composition is encoded with */
  guint h264_level;           /* with H.264: the composition's level (31 for 3.1), offered */
  int tile_width, tile_height;/* decoded video is scaled to this once, here */
  guint jitter_latency_ms;
  const char *const *ice_addresses; /* NULL = all interfaces */
  guint ice_port_min, ice_port_max;
  const char *stun_server;
  const char *const *turn_servers;
} DcWebrtcSiteParams;

/* Starts the pipeline and creates the offer (delivered through signals->local_offer). */
DcSite *dc_webrtc_site_new (const DcWebrtcSiteParams *params, const DcSiteCallbacks *callbacks,
                            const DcWebrtcSignals *signals, gpointer user_data,
                            DcTeardownPool *teardown, GError **error);
/* Main context. FALSE with error when the text is not an SDP answer with media. */
gboolean dc_webrtc_site_set_answer (DcSite *site, const char *sdp, GError **error);
void dc_webrtc_site_add_candidate (DcSite *site, const char *candidate, guint mline);

G_END_DECLS
