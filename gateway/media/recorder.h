/* The meeting's recording: the composition's top tier exactly as the halls receive it (muxed as
 * it is, no second encode) and the programme mix of every hall, in Matroska segments of about
 * ten seconds each (splitmuxsink). Every closed segment is a whole file; the one being written
 * goes to disk picture group by picture group (two seconds, unbuffered), so a crash or a power
 * cut loses about the last two seconds and what came before it still plays.
 *
 * Threads: new/free on the main context; push from the mixers' threads (appsrc, never waits);
 * the pipeline's own streaming threads write. */
#pragma once

#include <gst/gst.h>
#include "media-codec.h"

G_BEGIN_DECLS

/* A segment ends at the first keyframe after this long. splitmuxsink holds the picture group
 * it is cutting in memory, so the owner asks for a keyframe every DC_RECORDER_KEYFRAME_S while
 * recording: that is what a crash can lose. */
#define DC_RECORDER_SEGMENT_S 10
#define DC_RECORDER_KEYFRAME_S 2

typedef struct DcRecorder DcRecorder;

typedef struct
{
  const char *directory;       /* made if missing */
  const char *name;            /* file stem: NAME-00000.mkv, NAME-00001.mkv, ... */
  const DcVideoCodec *codec;   /* the composition's codec it records */
  int width, height;
  guint framerate;
} DcRecorderParams;

DcRecorder *dc_recorder_new (const DcRecorderParams *params, GError **error);
/* Ends the segment being written properly (EOS, bounded wait) and stops. */
void dc_recorder_free (DcRecorder *recorder);

/* Mixer threads. Buffers are not consumed. Video waits for its first keyframe. */
void dc_recorder_push_video (DcRecorder *recorder, GstBuffer *encoded);
void dc_recorder_push_audio (DcRecorder *recorder, GstBuffer *opus);

/* The path pattern of its segments (for logs and the operator). */
const char *dc_recorder_get_location (DcRecorder *recorder);

G_END_DECLS
