#include "recorder.h"

#include <gio/gio.h>
#include <gst/app/app.h>
#include <glib/gstdio.h>

GST_DEBUG_CATEGORY_STATIC (dc_recorder_debug);
#define GST_CAT_DEFAULT dc_recorder_debug

#define EOS_WAIT_US (3 * G_USEC_PER_SEC)

struct DcRecorder
{
  /* immutable after new */
  GstElement *pipeline;
  GstAppSrc *video_src, *audio_src;
  char *location;

  /* mixer threads */
  gint started_video; /* atomic: a keyframe went in */
};

static char *
pipeline_description (const DcRecorderParams *p, const char *location)
{
  /* The encoded composition is muxed as it is; H.264 goes through h264parse for Matroska's
   * avc form. do-timestamp: both streams take the pipeline's clock when pushed, so they stay in
   * step however the mixers stamp their own buffers. */
  g_autofree char *video_caps
      = g_strdup_printf ("%s,width=%d,height=%d,framerate=%u/1", p->codec->encoded_caps,
                         p->width, p->height, p->framerate);
  const char *parse = p->codec->media_line == DC_MEDIA_VIDEO_H264 ? "h264parse ! " : "";
  return g_strdup_printf (
      "splitmuxsink name=mux muxer-factory=matroskamux location=\"%s\" max-size-time=%"
      G_GUINT64_FORMAT " "
      "appsrc name=video_src is-live=true format=time do-timestamp=true max-bytes=8000000 "
      "leaky-type=downstream caps=\"%s\" ! queue ! %smux.video "
      "appsrc name=audio_src is-live=true format=time do-timestamp=true max-bytes=400000 "
      "leaky-type=downstream "
      "caps=\"audio/x-opus,channel-mapping-family=0,channels=1,rate=48000\" ! queue ! "
      "mux.audio_0",
      location, (guint64) DC_RECORDER_SEGMENT_S * GST_SECOND, video_caps, parse);
}

DcRecorder *
dc_recorder_new (const DcRecorderParams *params, GError **error)
{
  g_return_val_if_fail (params != NULL && params->codec != NULL && params->directory != NULL,
                        NULL);
  GST_DEBUG_CATEGORY_INIT (dc_recorder_debug, "dc-recorder", 0, "diemcau recording");
  if (g_mkdir_with_parents (params->directory, 0750) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "cannot make the recordings folder %s: %s", params->directory,
                   g_strerror (errno));
      return NULL;
    }
  g_autofree char *stem = g_strdup_printf ("%s-%%05d.mkv", params->name);
  g_autofree char *location = g_build_filename (params->directory, stem, NULL);
  g_autofree char *description = pipeline_description (params, location);
  GstElement *pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
                                                error);
  if (pipeline == NULL)
    return NULL;
  DcRecorder *recorder = g_new0 (DcRecorder, 1);
  recorder->pipeline = gst_object_ref_sink (pipeline);
  /* A file sink that writes each cluster as it comes: what is on disk when the gateway dies is
   * what it had muxed, not what a 64 KiB buffer still held. */
  g_autoptr (GstElement) mux = gst_bin_get_by_name (GST_BIN (pipeline), "mux");
  GstElement *sink = gst_element_factory_make ("filesink", NULL);
  g_object_set (sink, "buffer-mode", 2 /* unbuffered */, NULL);
  g_object_set (mux, "sink", sink, NULL);
  recorder->location = g_steal_pointer (&location);
  recorder->video_src
      = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (pipeline), "video_src"));
  recorder->audio_src
      = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (pipeline), "audio_src"));
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the recording did not start");
      dc_recorder_free (recorder);
      return NULL;
    }
  GST_INFO ("recording to %s", recorder->location);
  return recorder;
}

/* The segment being written gets its end (cues, duration) before the pipeline stops. */
static void
finish (DcRecorder *recorder)
{
  gst_app_src_end_of_stream (recorder->video_src);
  gst_app_src_end_of_stream (recorder->audio_src);
  g_autoptr (GstBus) bus = gst_element_get_bus (recorder->pipeline);
  g_autoptr (GstMessage) done = gst_bus_timed_pop_filtered (
      bus, EOS_WAIT_US * GST_USECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (done == NULL || GST_MESSAGE_TYPE (done) != GST_MESSAGE_EOS)
    GST_WARNING ("the last segment of %s was not closed cleanly", recorder->location);
}

void
dc_recorder_free (DcRecorder *recorder)
{
  if (recorder == NULL)
    return;
  if (recorder->video_src && recorder->audio_src)
    finish (recorder);
  gst_element_set_state (recorder->pipeline, GST_STATE_NULL);
  GST_INFO ("recording to %s stopped", recorder->location);
  gst_clear_object (&recorder->video_src);
  gst_clear_object (&recorder->audio_src);
  gst_clear_object (&recorder->pipeline);
  g_free (recorder->location);
  g_free (recorder);
}

static void
push (GstAppSrc *src, GstBuffer *buffer)
{
  GstBuffer *copy = gst_buffer_copy (buffer); /* do-timestamp writes the copy's PTS */
  GST_BUFFER_PTS (copy) = GST_BUFFER_DTS (copy) = GST_CLOCK_TIME_NONE;
  gst_app_src_push_buffer (src, copy);
}

void
dc_recorder_push_video (DcRecorder *recorder, GstBuffer *encoded)
{
  gboolean keyframe = !GST_BUFFER_FLAG_IS_SET (encoded, GST_BUFFER_FLAG_DELTA_UNIT);
  if (!g_atomic_int_get (&recorder->started_video))
    {
      if (!keyframe)
        return;
      g_atomic_int_set (&recorder->started_video, TRUE);
    }
  push (recorder->video_src, encoded);
}

void
dc_recorder_push_audio (DcRecorder *recorder, GstBuffer *opus)
{
  /* Audio from before the first picture would start the file with no video to show. */
  if (g_atomic_int_get (&recorder->started_video))
    push (recorder->audio_src, opus);
}

const char *
dc_recorder_get_location (DcRecorder *recorder)
{
  return recorder->location;
}
