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
/* Pushes a metadata copy (the memory is shared by every site) stamped with pts. */
void dc_site_media_push (GstAppSrc *src, GstBuffer *buffer, GstClockTime pts);

G_END_DECLS
