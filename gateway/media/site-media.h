/* The media plumbing every transport's site shares: decode branches that end in the mixers'
 * formats (video scaled to the tile, audio as 48 kHz mono F32), and the clock that stamps what
 * the mixers send so each site's stream keeps the mixers' steady intervals. */
#pragma once

#include <gst/app/app.h>
#include "site-private.h"

G_BEGIN_DECLS

/* depay_decode: gst_parse text from RTP to raw ("rtph264depay ! avdec_h264"). The appsink hands
 * every frame to the site (dc_site_deliver_*). The video branch's capsfilter comes back in
 * *tile_caps (a new reference) so the tile size can follow the layout. */
GstElement *dc_site_media_video_branch_new (DcSite *site, const char *depay_decode, int width,
                                            int height, GstElement **tile_caps, GError **error);
GstElement *dc_site_media_audio_branch_new (DcSite *site, const char *depay_decode,
                                            GError **error);
void dc_site_media_set_tile_size (GstElement *tile_caps, int width, int height);
/* A bus message of the site's pipeline: an error ends that site at once (the others go on)
 * instead of leaving it silent until the media watchdog notices. Other messages: nothing. */
void dc_site_media_report_error (DcSite *site, GstMessage *message);

/* Callers serialise calls on one clock (their own lock). */
typedef struct
{
  gboolean audio_anchored;
  GstClockTime audio_anchor_pts;
  guint64 audio_anchor_tick;
  gboolean waiting_keyframe;
  GstClockTime video_anchor_pts; /* NONE until the first frame */
  GstClockTime video_anchor_source;
} DcSendClock;

void dc_send_clock_init (DcSendClock *clock);
/* The PTS for the mixer's audio frame of this tick, or NONE to drop it. */
GstClockTime dc_send_clock_audio (DcSendClock *clock, GstElement *pipeline, guint64 tick);
/* The PTS for a composed frame, or NONE to drop it (before the first keyframe). */
GstClockTime dc_send_clock_video (DcSendClock *clock, GstElement *pipeline, GstBuffer *encoded);
/* The mixers' side of a site, the same for every transport: the appsrcs the mixers push into,
 * the send clock, and the tile size the decode branch scales to. The lock is taken briefly by
 * the mixer threads (push), streaming threads (a new decode branch) and the main context (tile
 * size); never across a GStreamer call that could wait. */
typedef struct
{
  /* set once the pipeline is built, before any push */
  GstElement *pipeline; /* borrowed from the transport */
  GstAppSrc *video_src; /* owned; NULL when the site receives no video */
  GstAppSrc *audio_src; /* owned */

  GMutex lock; /* protects what follows */
  int tile_width, tile_height;
  GstElement *tile_caps; /* the decode branch's capsfilter, once video arrives */
  DcSendClock send_clock;
} DcSiteOutputs;

void dc_site_outputs_init (DcSiteOutputs *outputs, int tile_width, int tile_height);
/* After the pipeline has stopped. */
void dc_site_outputs_clear (DcSiteOutputs *outputs);
/* Mixer threads: stamp and push (a closed site drops it). */
void dc_site_outputs_push_video (DcSiteOutputs *outputs, DcSite *site, GstBuffer *encoded);
void dc_site_outputs_push_audio (DcSiteOutputs *outputs, DcSite *site, GstBuffer *frame);
/* Main context. */
void dc_site_outputs_set_tile_size (DcSiteOutputs *outputs, int width, int height);
/* Streaming threads: a video decode branch at the current tile size, which then follows it. */
GstElement *dc_site_outputs_video_branch_new (DcSiteOutputs *outputs, DcSite *site,
                                              const char *depay_decode, GError **error);

G_END_DECLS
