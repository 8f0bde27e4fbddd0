/* DcEngine: one site's connection to the gateway, without any GUI. Signaling (WebSocket), one
 * webrtcbin answering the gateway's offer, the capture or test sources it sends, and the decoded
 * composition and audio mix it receives (kept for measurement; a GUI layers its sinks on top).
 *
 * Every signal and property notification is emitted on the main context that was the
 * thread-default when the engine was created; work from webrtcbin's and the streaming threads is
 * handed over to it. The received-media getters may be called from any thread. */
#pragma once

#include <glib-object.h>
#include <gst/gst.h>

#include "media-analysis.h"

G_BEGIN_DECLS

typedef enum
{
  DC_ENGINE_STATE_IDLE,
  DC_ENGINE_STATE_CONNECTING, /* opening the WebSocket */
  DC_ENGINE_STATE_JOINING,    /* join sent, waiting for welcome */
  DC_ENGINE_STATE_JOINED,     /* welcome received; media being negotiated */
  DC_ENGINE_STATE_CONNECTED,  /* ICE connected: media flows */
  DC_ENGINE_STATE_CLOSED,     /* left, or the gateway said bye */
  DC_ENGINE_STATE_FAILED,     /* see dc_engine_get_error() */
} DcEngineState;

GType dc_engine_state_get_type (void);
#define DC_TYPE_ENGINE_STATE (dc_engine_state_get_type ())
const char *dc_engine_state_to_string (DcEngineState state);

typedef enum
{
  DC_ENGINE_RECONNECT_NEVER,      /* a lost connection is final (state FAILED) */
  DC_ENGINE_RECONNECT_AFTER_JOIN, /* reconnect after losing a session that had joined */
  DC_ENGINE_RECONNECT_ALWAYS,     /* also keep trying when the first connection fails (kiosk) */
} DcEngineReconnect;

typedef struct
{
  const char *server_url; /* ws://host:port/ws */
  const char *site;
  const char *token;
  double test_tone_hz;              /* > 0: send this sine instead of the microphone */
  double test_tone_volume;          /* its amplitude, 0..1; 0 = 0.3 */
  gboolean use_test_color;          /* send a solid colour instead of the camera */
  guint32 test_color;               /* 0xRRGGBB */
  const char *test_pattern;         /* a videotestsrc pattern ("snow", "ball") instead of the
                                     * camera; wins over test_color */
  int width, height, fps;           /* sent video; 0 = 320x180 at 15 fps */
  const char *video_codec;          /* "vp8" (NULL) or "h264": sent, and asked of the gateway */
  const char *const *ice_addresses; /* NULL = every interface; else only these */
  /* For a window; all zero keeps the headless behaviour (nothing played, no reconnect). */
  gboolean play_audio;              /* play the received mix (autoaudiosink or dc_engine_set_device) */
  GstElement *video_sink;           /* shows the composed picture; the engine keeps a ref */
  GstElement *preview_sink;         /* shows the sent picture (self-preview); the engine keeps a ref */
  DcEngineReconnect reconnect;      /* when to reconnect by itself after losing the gateway */
  const char *accepted_fingerprint; /* SHA-256 (hex, colons) of a TLS certificate the user trusts */
} DcEngineConfig;

typedef struct
{
  char *site;
  int x, y, width, height;
} DcEngineTile;

/* A consistent copy of the received-media counters. */
typedef struct
{
  guint64 video_frames;
  int video_width, video_height;
  DcGapStats video_gaps;
  guint64 audio_samples; /* 48 kHz mono */
  DcGapStats audio_gaps;
} DcEngineMediaStats;

typedef struct
{
  double rtt_ms;       /* < 0 when the gateway has not reported one */
  gint64 packets_lost; /* over all inbound streams */
  guint64 video_bytes_received;
  guint64 audio_bytes_received;
  guint64 video_bytes_sent;
  int send_width, send_height, send_kbps; /* what the camera is set to send (send-limits) */
} DcEngineNetworkStats;

#define DC_ENGINE_AUDIO_RATE 48000

#define DC_TYPE_ENGINE (dc_engine_get_type ())
G_DECLARE_FINAL_TYPE (DcEngine, dc_engine, DC, ENGINE, GObject)

/* Signals:
 *   "welcome"        (const char *name, const char *role)
 *   "layout-changed" ()                             see dc_engine_get_layout()
 *   "site-joined"    (const char *site, const char *name, const char *role)
 *   "site-left"      (const char *site, const char *reason)
 *   "speaking"       (const char *site, double level_dbfs)
 *   "gateway-error"  (const char *code, const char *message, gboolean fatal)
 *   "bye"            (const char *reason)
 *   "first-frame"    ()                             first decoded video frame
 * Properties: "state" (DcEngineState, read-only). */
DcEngine *dc_engine_new (const DcEngineConfig *config);
/* Builds the media pipeline and connects. FALSE when the pipeline cannot be built (a missing
 * element, a bad ICE address); connection problems arrive later as state FAILED. */
gboolean dc_engine_start (DcEngine *self, GError **error);
/* Says leave, closes the socket and stops media; state becomes CLOSED. */
void dc_engine_leave (DcEngine *self);

DcEngineState dc_engine_get_state (DcEngine *self);
/* The sentence that explains FAILED (or the bye reason after CLOSED); NULL otherwise. */
const char *dc_engine_get_error (DcEngine *self);
/* The gateway's error code that made the engine fail ("bad-token"...), or NULL. */
const char *dc_engine_get_error_code (DcEngine *self);
/* Monotonic time (g_get_monotonic_time) of the welcome, 0 before it. */
gint64 dc_engine_get_joined_time (DcEngine *self);

/* Last layout: tiles are DcEngineTile, borrowed; kind may be NULL before the first layout. */
GPtrArray *dc_engine_get_layout (DcEngine *self, const char **kind, int *width, int *height);

void dc_engine_get_media_stats (DcEngine *self, DcEngineMediaStats *out);
/* The longest video and audio gaps since the last call (ms), and a new window. */
void dc_engine_take_gap_windows (DcEngine *self, double *video_gap_ms, double *audio_gap_ms);
/* The last decoded frame (video/x-raw,format=RGB), or NULL. */
GstSample *dc_engine_dup_last_frame (DcEngine *self);
/* Copies up to max_samples of the newest received audio (48 kHz mono F32); returns how many. */
gsize dc_engine_copy_audio_tail (DcEngine *self, float *out, gsize max_samples);
/* Asks webrtcbin for its statistics and waits for them (webrtcbin answers on its own thread, so
 * this may be called from the main context). FALSE when the media is stopped. */
gboolean dc_engine_get_network_stats (DcEngine *self, DcEngineNetworkStats *out);

/* --- engine-controls.c: what a window needs (all on the engine's main context) ---
 * Signals:
 *   "levels"              (double mic_dbfs, double received_dbfs)   about 10 times a second
 *   "network-stats"       (double rtt_ms, double loss_percent, double kbps)  every second
 *   "reconnect-countdown" (int seconds)   seconds until the next attempt; -1 when none is due
 *   "controls-changed"    ()              mic mute or camera stop changed */
void dc_engine_set_mic_muted (DcEngine *self, gboolean muted);
gboolean dc_engine_get_mic_muted (DcEngine *self);
/* Sends black frames at the same size instead of the camera picture (no renegotiation). */
void dc_engine_set_camera_stopped (DcEngine *self, gboolean stopped);
gboolean dc_engine_get_camera_stopped (DcEngine *self);
/* Asks the chair for the floor ({"type":"raise-hand"}); FALSE when not connected. */
gboolean dc_engine_raise_hand (DcEngine *self);
/* Sends one protocol message (JSON text) once joined; FALSE when not in a meeting. */
gboolean dc_engine_send (DcEngine *self, const char *message);
/* -1 when no reconnect is pending, else the seconds left. */
int dc_engine_get_reconnect_in (DcEngine *self);
/* The SHA-256 fingerprint of the certificate that made the last connection fail, or NULL. */
const char *dc_engine_get_untrusted_fingerprint (DcEngine *self);

/* --- engine-devices.c: capture and playback devices --- */
typedef enum
{
  DC_DEVICE_CAMERA,
  DC_DEVICE_MICROPHONE,
  DC_DEVICE_SPEAKER,
} DcDeviceKind;

/* The devices of a kind now present (GstDevice, owned by the array). */
GPtrArray *dc_engine_list_devices (DcEngine *self, DcDeviceKind kind);
/* Uses device (NULL = the automatic choice) from now on, switched in the running pipeline
 * without rejoining; also used after a reconnect. FALSE with error if it cannot be used. */
gboolean dc_engine_set_device (DcEngine *self, DcDeviceKind kind, GstDevice *device,
                               GError **error);

G_END_DECLS
