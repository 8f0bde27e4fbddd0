/* For transports implementing DcSite (webrtc-site.c, later sip-site.c): the base struct they
 * embed first, the operations they provide, and the helpers that keep the lifetime rules. */
#pragma once

#include "link-tier.h"
#include "media-codec.h"
#include "site.h"

G_BEGIN_DECLS

typedef struct
{
  const char *transport;
  /* push_audio gets 48 kHz mono F32 frames instead of Opus: the transport encodes itself. */
  gboolean takes_pcm_audio;
  void (*push_video) (DcSite *site, GstBuffer *encoded);
  void (*push_audio) (DcSite *site, GstBuffer *opus);
  void (*set_tile_size) (DcSite *site, int width, int height);
  void (*get_stats) (DcSite *site, DcSiteStats *stats);
  /* Main context, from dc_site_close: stop the transport's own signals (webrtcbin handlers). */
  void (*detach) (DcSite *site);
  /* A teardown-pool thread, after the last unref: stop the media and free the rest. The base
   * frees itself afterwards. */
  void (*finalize) (DcSite *site);
} DcSiteOps;

typedef void (*DcSiteTask) (DcSite *site, gpointer data);

struct DcSite
{
  /* immutable after dc_site_init */
  const DcSiteOps *ops;
  char *id;
  guint slot;
  DcSiteCallbacks callbacks;
  gpointer user_data;
  GMainContext *owner_context;
  DcTeardownPool *teardown;
  const DcVideoCodec *video_codec; /* what push_video takes; NULL: the site gets no video */

  GMutex video_lock;  /* serialises video pushes with the tier gate: frames of two tiers
                       * come from two encoder threads, and none of the old tier may follow
                       * the new tier's keyframe */
  DcTierGate tier_gate;

  gatomicrefcount ref;
  GMutex lock;        /* protects closed, in_flight, queued; never held across a callback */
  GCond idle;         /* signalled when in_flight drops to 0 after close */
  gboolean closed;
  guint in_flight;
  GList *queued;      /* GSource* posted to the owner context and not yet dispatched */
};

void dc_site_init (DcSite *site, const DcSiteOps *ops, const char *id, guint slot,
                   const DcSiteCallbacks *callbacks, gpointer user_data,
                   DcTeardownPool *teardown);

/* Streaming threads: TRUE and counted in flight unless the site is closed; pair with leave. */
gboolean dc_site_enter (DcSite *site);
void dc_site_leave (DcSite *site);

/* Streaming threads: deliver to the owner inside the in-flight count. */
void dc_site_deliver_audio (DcSite *site, const float *samples, guint n_samples);
void dc_site_deliver_video (DcSite *site, GstSample *i420);
void dc_site_deliver_keyframe_wanted (DcSite *site);

/* Any thread: runs task on the owner's main context at its next iteration (never inline), unless
 * the site is closed by then; destroy runs either way. */
void dc_site_post (DcSite *site, DcSiteTask task, gpointer data, GDestroyNotify destroy);
/* Any thread: the owner's failed callback, queued as above. */
void dc_site_post_failed (DcSite *site, const char *why);

G_END_DECLS
