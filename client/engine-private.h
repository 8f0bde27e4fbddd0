/* Shared between engine.c (signaling, negotiation, state) and engine-media.c (pipeline, received
 * media, statistics). Not for users of DcEngine. */
#pragma once

#define GST_USE_UNSTABLE_API /* webrtc library */
#include <gst/webrtc/webrtc.h>

#include "backoff.h"
#include "engine-codec.h"
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
  double test_tone_volume;
  gboolean use_test_color;
  guint32 test_color;
  char *test_pattern;
  int width, height, fps;
  const DcClientVideoCodec *video_codec; /* what the hall sends and asks to receive */
  int send_width, send_height, send_kbps;  /* what the camera sends now (send-limits) */
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

  /* engine-controls.c, engine-devices.c, engine-reconnect.c (main context only) */
  gboolean play_audio;
  GstElement *video_sink, *preview_sink;
  DcEngineReconnect reconnect;
  char *accepted_fingerprint, *untrusted_fingerprint;
  DcBackoff backoff;
  gboolean ever_joined;
  guint reconnect_timer;
  int reconnect_in;
  gboolean mic_muted, camera_stopped;
  GstDevice *devices[3]; /* by DcDeviceKind; NULL = automatic */
  GstDeviceMonitor *monitor;
  guint stats_timer;
  guint64 last_rx_bytes, last_rx_packets;
  gint64 last_rx_lost, last_stats_us;
  double mic_dbfs, rx_dbfs;
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

/* engine-controls.c */
void dc_engine_controls_class_init (GObjectClass *klass);
void dc_engine_controls_init (DcEngine *self, const DcEngineConfig *config);
void dc_engine_controls_dispose (DcEngine *self);
/* After the pipeline is built: applies mute, camera stop, chosen devices; starts the stats poll. */
void dc_engine_controls_media_started (DcEngine *self);
void dc_engine_controls_media_stopping (DcEngine *self);
/* Level messages and such from the bus; TRUE when handled. */
gboolean dc_engine_controls_bus_message (DcEngine *self, GstMessage *message);
/* Receive-branch descriptions (the window adds playback and display to the measuring ones). */
char *dc_engine_controls_receive_description (DcEngine *self, const char *media,
                                              const GstCaps *caps);
/* engine-media.c */
int dc_engine_default_kbps (DcEngine *self);
void dc_engine_media_apply_send_limits (DcEngine *self, int max_width, int max_height,
                                        int max_kbps);
/* Adds the supplied display sinks to a receive or preview branch. */
void dc_engine_controls_attach_sinks (DcEngine *self, GstElement *bin, const char *media);

/* engine-reconnect.c */
void dc_engine_reconnect_joined (DcEngine *self);
/* Called once the session has ended; schedules another attempt when the policy says so. */
void dc_engine_reconnect_consider (DcEngine *self, DcEngineState ending);
void dc_engine_reconnect_cancel (DcEngine *self);
void dc_engine_emit_reconnect_countdown (DcEngine *self);

/* engine-devices.c */
/* The source or sink element for kind: the chosen device, or the automatic one. */
GstElement *dc_engine_devices_make_element (DcEngine *self, DcDeviceKind kind, GError **error);

G_END_DECLS
