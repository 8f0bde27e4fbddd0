/* Load mode of the engine (diemcau-client --headless --load-media DIR): the site sends media
 * encoded beforehand, read once from files, in a loop; what the gateway sends back is depayloaded
 * and counted, never decoded. One machine can then stand in for many halls while the gateway's
 * own cost is measured.
 *
 * DIR holds one VP8 video file (video.webm or video.ivf, keyframe first) and one Opus file
 * (audio.ogg or audio.webm, 20 ms packets). Any container parsebin reads will do. */
#pragma once

#include "engine.h"

G_BEGIN_DECLS

typedef struct _DcEngineLoad DcEngineLoad;

/* Reads the media of dir into memory and puts the engine in load mode; call before
 * dc_engine_start(). FALSE with a sentence in error when a file is missing or unreadable. */
gboolean dc_engine_set_load_media (DcEngine *engine, const char *dir, GError **error);
/* The engine's load state, or NULL outside load mode. */
DcEngineLoad *dc_engine_get_load (DcEngine *engine);

/* gst_parse text of the send branches (an appsrc named load_video / load_audio, then the
 * payloader). */
char *dc_engine_load_video_description (DcEngineLoad *load);
char *dc_engine_load_audio_description (DcEngineLoad *load);
/* Starts pushing the stored media into the send branches of pipeline (already PLAYING). */
gboolean dc_engine_load_start (DcEngineLoad *load, GstElement *pipeline, GError **error);
/* Stops the pushing thread; safe to call when not started. */
void dc_engine_load_stop (DcEngineLoad *load);
/* Builds the counting receive branch for the webrtcbin src pad of media "video" or "audio" and
 * links it. Runs on a streaming thread like the engine's own pad-added handler. */
void dc_engine_load_link_receive (DcEngineLoad *load, GstElement *pipeline, GstPad *pad,
                                  const char *media);
/* Opus packets received so far (the video frames go to the engine's own counters). */
guint64 dc_engine_load_get_audio_packets (DcEngineLoad *load);

G_END_DECLS
