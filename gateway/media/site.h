/* A site: one hall's media, whatever carries it (WebRTC today, SIP next). The mixers and the
 * conference see only this: an id and a slot, decoded audio and video coming in, the composition
 * and the hall's own mix going out, keyframe requests, link figures, and an end.
 *
 * Lifetime (docs/architecture.md, "A site's life"):
 *   new (main context) -> media flows -> dc_site_close (main context) -> last unref
 *   -> the transport stops on a teardown-pool thread -> freed.
 * After dc_site_close() returns, the site never calls its owner again: callbacks from streaming
 * threads run inside an in-flight count that close waits for, and events queued for the main
 * context are destroyed undelivered. The owner must close a site before dropping its reference. */
#pragma once

#include <gst/gst.h>
#include "media-codec.h"
#include "teardown-pool.h"

G_BEGIN_DECLS

typedef struct DcSite DcSite;

typedef struct
{
  /* Streaming threads, inside the in-flight count: hand the data over and return. */
  void (*decoded_audio) (DcSite *site, const float *samples, guint n_samples, gpointer user_data);
  void (*decoded_video) (DcSite *site, GstSample *i420, gpointer user_data);
  void (*keyframe_wanted) (DcSite *site, gpointer user_data);
  /* The owner's main context, queued (never run inside the call that raised it). */
  void (*failed) (DcSite *site, const char *why, gpointer user_data);
} DcSiteCallbacks;

/* What a receiver reports about its link; 0 where the transport does not know yet. */
typedef struct
{
  double fraction_lost;  /* 0..1, from the site's receiver reports */
  double jitter_ms;
  double rtt_ms;
  guint64 packets_received;
  guint64 packets_lost;
  gboolean have_report;  /* a receiver report about the composition came since the last call */
} DcSiteStats;

DcSite *dc_site_ref (DcSite *site);
/* The last reference hands the transport's teardown to the site's teardown pool. */
void dc_site_unref (DcSite *site);
/* Main context only. Stops every callback; returns once none is running. Idempotent. */
void dc_site_close (DcSite *site);
gboolean dc_site_is_closed (DcSite *site);

const char *dc_site_get_id (DcSite *site);
guint dc_site_get_slot (DcSite *site);
/* "webrtc", "sip": for logs and the operator, never for decisions above the site. */
const char *dc_site_get_transport (DcSite *site);
/* The codec of the composition this site receives (its encoder must run), or NULL. Set by the
 * transport at creation, immutable. */
const DcVideoCodec *dc_site_get_video_codec (DcSite *site);
/* What dc_site_push_audio expects: Opus packets (FALSE) or 48 kHz mono F32 frames (TRUE). */
gboolean dc_site_takes_pcm_audio (DcSite *site);

/* From the mixers' threads. Buffers are not consumed. A closed site drops them. Video comes
 * from every tier of the site's codec: the site takes its current tier's frames, and moves to
 * the wanted tier at that tier's next keyframe. */
void dc_site_push_video (DcSite *site, guint tier, GstBuffer *encoded);
/* Main context: move to this tier (from its next keyframe on). */
void dc_site_want_video_tier (DcSite *site, guint tier);
/* Any thread: the tier whose frames the site takes now. */
guint dc_site_get_video_tier (DcSite *site);
/* Any thread: the tier a keyframe is wanted on: the one it moves to, else its current one. */
guint dc_site_get_keyframe_tier (DcSite *site);
void dc_site_push_audio (DcSite *site, GstBuffer *frame);
/* Main context: the size the site's decoded video is scaled to (its tile). */
void dc_site_set_tile_size (DcSite *site, int width, int height);
void dc_site_get_stats (DcSite *site, DcSiteStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcSite, dc_site_unref)

G_END_DECLS
