/* Shared between engine.c (signaling, negotiation, state) and engine-media.c (pipeline, received
 * media, statistics). Not for users of DcEngine. */
#pragma once

#define GST_USE_UNSTABLE_API /* webrtc library */
#include <gst/webrtc/webrtc.h>

#include "engine.h"
#include "signaling-client.h"

G_BEGIN_DECLS

/* Lets callbacks on other threads reach the engine without keeping it alive: they hold the link,
 * and the engine is looked up (weakly) on its main context. */
typedef struct
{
  GWeakRef engine;
  GMainContext *context;
} DcEngineLink;

typedef void (*DcEngineTask) (DcEngine *self, gpointer data);

struct _DcEngine
{
  GObject parent;

  GMutex lock; /* protects the received-media fields up to the blank line */
  guint64 video_frames;
  int video_width, video_height;
  DcGapStats video_gaps;
  GstSample *last_frame;
  guint64 audio_samples;
  DcGapStats audio_gaps;
  DcSampleRing audio_ring;

  /* The rest is only touched on the main context. */
  GMainContext *context;
  DcEngineLink *link;
  char *server_url, *site, *token;
  double test_tone_hz;
  gboolean use_test_color;
  guint32 test_color;
  int width, height, fps;
  GStrv ice_addresses;

  DcSignalingClient *signaling;
  DcEngineState state;
  char *error, *error_code;
  gboolean bye_received;
  gint64 joined_us;
  gboolean have_offer;

  char *layout_kind;
  int layout_width, layout_height;
  GPtrArray *layout_tiles; /* DcEngineTile */

  GstElement *pipeline;
  GstElement *webrtc;
  guint bus_watch;
};

DcEngineLink *dc_engine_link_ref (DcEngineLink *link);
void dc_engine_link_unref (DcEngineLink *link);
/* Runs task on the engine's main context if the engine still exists then; callable from any
 * thread. destroy (may be NULL) frees data afterwards either way. */
void dc_engine_link_invoke (DcEngineLink *link, DcEngineTask task, gpointer data,
                            GDestroyNotify destroy);

/* engine-media.c */
gboolean dc_engine_media_start (DcEngine *self, GError **error);
void dc_engine_media_stop (DcEngine *self);
void dc_engine_emit_first_frame (DcEngine *self, gpointer unused);

G_END_DECLS
