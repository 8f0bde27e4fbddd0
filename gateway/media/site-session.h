/* One site's media session: its own GstPipeline around one webrtcbin (the gateway offers),
 * decoding what the site sends into the mixer and sending it the shared encoded picture and its
 * own encoded mix. A session leaving tears down its own pipeline only. */
#pragma once

#include <gst/gst.h>
#include "media-codec.h"

G_BEGIN_DECLS

typedef struct DcSiteSession DcSiteSession;

typedef struct
{
  /* All called on the gateway's main context, never with a session lock held. */
  void (*local_offer) (DcSiteSession *session, const char *sdp, gpointer user_data);
  void (*local_candidate) (DcSiteSession *session, const char *candidate, guint mline,
                           gpointer user_data);
  void (*failed) (DcSiteSession *session, const char *why, gpointer user_data);
  /* Called on streaming threads: they must only hand data over. */
  void (*decoded_audio) (DcSiteSession *session, const float *samples, guint n_samples,
                         gpointer user_data);
  void (*decoded_video) (DcSiteSession *session, GstSample *i420, gpointer user_data);
  void (*keyframe_wanted) (DcSiteSession *session, gpointer user_data);
} DcSiteSessionCallbacks;

typedef struct
{
  const char *site_id;
  guint slot;                 /* index of the site in the conference */
  const DcVideoCodec *codec;  /* what the composition is encoded with */
  int tile_width, tile_height;/* decoded video is scaled to this once, here */
  guint jitter_latency_ms;
  const char *const *ice_addresses; /* NULL = all interfaces */
  guint ice_port_min, ice_port_max;
  const char *stun_server;
  const char *const *turn_servers;
} DcSiteSessionParams;

DcSiteSession *dc_site_session_new (const DcSiteSessionParams *params,
                                    const DcSiteSessionCallbacks *callbacks, gpointer user_data,
                                    GError **error);
DcSiteSession *dc_site_session_ref (DcSiteSession *session);
/* The last unref stops the pipeline on a teardown thread. */
void dc_site_session_unref (DcSiteSession *session);
/* Detaches callbacks: after it nothing more is reported to the owner. Call before the last unref. */
void dc_site_session_close (DcSiteSession *session);

const char *dc_site_session_get_site_id (DcSiteSession *session);
guint dc_site_session_get_slot (DcSiteSession *session);

gboolean dc_site_session_set_answer (DcSiteSession *session, const char *sdp, GError **error);
void dc_site_session_add_candidate (DcSiteSession *session, const char *candidate, guint mline);
void dc_site_session_set_tile_size (DcSiteSession *session, int width, int height);

/* Called from the mixers' threads. Buffers are not consumed. Video waits for a keyframe after
 * the session starts so the site's decoder never sees a broken picture. */
void dc_site_session_push_video (DcSiteSession *session, GstBuffer *encoded);
void dc_site_session_push_audio (DcSiteSession *session, GstBuffer *opus);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcSiteSession, dc_site_session_unref)

G_END_DECLS
