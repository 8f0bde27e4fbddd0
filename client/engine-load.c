/* Load mode: pre-encoded media out, counted media in; see engine-load.h. */
#include "engine-load.h"

#include <gst/app/app.h>

#include "engine-private.h"

GST_DEBUG_CATEGORY_EXTERN (dc_engine_debug);
#define GST_CAT_DEFAULT dc_engine_debug

#define LOAD_KEY "dc-engine-load"
#define READ_TIMEOUT (30 * GST_SECOND)
#define OPUS_FRAME_US 20000
#define OPUS_CAPS "audio/x-opus,channel-mapping-family=0,channels=1,rate=48000"

struct _DcEngineLoad
{
  DcEngine *engine; /* not a reference: the engine owns this state */
  GPtrArray *video; /* GstBuffer: VP8 frames in decode order, the first a keyframe */
  GPtrArray *audio; /* GstBuffer: 20 ms Opus packets */
  GstCaps *video_caps;
  gint64 video_frame_us;

  GMutex lock; /* protects running */
  GCond wake;
  gboolean running;
  GThread *thread;
  GstAppSrc *video_src, *audio_src;

  gint audio_packets; /* atomic; 50 a second, far from overflowing */
};

static void
load_free (gpointer data)
{
  DcEngineLoad *load = data;
  dc_engine_load_stop (load);
  g_ptr_array_unref (load->video);
  g_ptr_array_unref (load->audio);
  gst_clear_caps (&load->video_caps);
  g_mutex_clear (&load->lock);
  g_cond_clear (&load->wake);
  g_free (load);
}

/* Reads every coded frame of the first stream of path into out (header packets left out);
 * caps receives the stream's caps. */
static gboolean
read_coded_file (const char *path, GPtrArray *out, GstCaps **caps, GError **error)
{
  g_autoptr (GstElement) pipeline = gst_parse_launch_full (
      "filesrc name=file ! parsebin ! appsink name=sink sync=false", NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (pipeline == NULL)
    return FALSE;
  g_autoptr (GstElement) file = gst_bin_get_by_name (GST_BIN (pipeline), "file");
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (file, "location", path, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GstSample *sample;
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), READ_TIMEOUT)) != NULL)
    {
      GstBuffer *buffer = gst_sample_get_buffer (sample);
      if (caps != NULL && *caps == NULL)
        *caps = gst_caps_copy (gst_sample_get_caps (sample));
      if (buffer != NULL && !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_HEADER))
        g_ptr_array_add (out, gst_buffer_ref (buffer));
      gst_sample_unref (sample);
    }
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (message != NULL || out->len == 0)
    {
      g_autoptr (GError) why = NULL;
      if (message != NULL)
        gst_message_parse_error (message, &why, NULL);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "Cannot read coded media from %s: %s",
                   path, why != NULL ? why->message : "no frames in it");
      return FALSE;
    }
  return TRUE;
}

static char *
find_file (const char *dir, const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

static gboolean
read_media (DcEngineLoad *load, const char *dir, GError **error)
{
  static const char *const video_names[] = { "video.ivf", "video.webm", "video.mkv", NULL };
  static const char *const audio_names[] = { "audio.ogg", "audio.opus", "audio.webm", NULL };
  g_autofree char *video = find_file (dir, video_names);
  g_autofree char *audio = find_file (dir, audio_names);
  if (video == NULL || audio == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "--load-media: %s has no %s (expected video.ivf or video.webm with VP8, and "
                   "audio.ogg with Opus).",
                   dir, video == NULL ? "video file" : "audio file");
      return FALSE;
    }
  if (!read_coded_file (video, load->video, &load->video_caps, error)
      || !read_coded_file (audio, load->audio, NULL, error))
    return FALSE;
  if (!gst_structure_has_name (gst_caps_get_structure (load->video_caps, 0), "video/x-vp8")
      || GST_BUFFER_FLAG_IS_SET (g_ptr_array_index (load->video, 0), GST_BUFFER_FLAG_DELTA_UNIT))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "--load-media: %s must hold VP8 starting with a keyframe.", video);
      return FALSE;
    }
  int num = 15, den = 1;
  gst_structure_get_fraction (gst_caps_get_structure (load->video_caps, 0), "framerate", &num,
                              &den);
  load->video_frame_us = num > 0 && den > 0 ? G_USEC_PER_SEC * den / num : G_USEC_PER_SEC / 15;
  return TRUE;
}

gboolean
dc_engine_set_load_media (DcEngine *engine, const char *dir, GError **error)
{
  g_return_val_if_fail (DC_IS_ENGINE (engine) && dir != NULL, FALSE);
  DcEngineLoad *load = g_new0 (DcEngineLoad, 1);
  load->engine = engine;
  load->video = g_ptr_array_new_with_free_func ((GDestroyNotify)gst_buffer_unref);
  load->audio = g_ptr_array_new_with_free_func ((GDestroyNotify)gst_buffer_unref);
  g_mutex_init (&load->lock);
  g_cond_init (&load->wake);
  if (!read_media (load, dir, error))
    {
      load_free (load);
      return FALSE;
    }
  GST_INFO ("load mode: %u video frames, %u audio packets", load->video->len, load->audio->len);
  g_object_set_data_full (G_OBJECT (engine), LOAD_KEY, load, load_free);
  return TRUE;
}

DcEngineLoad *
dc_engine_get_load (DcEngine *engine)
{
  return g_object_get_data (G_OBJECT (engine), LOAD_KEY);
}

char *
dc_engine_load_video_description (DcEngineLoad *load)
{
  g_autofree char *caps = gst_caps_to_string (load->video_caps);
  return g_strdup_printf ("appsrc name=load_video is-live=true format=time do-timestamp=true "
                          "caps=\"%s\" ! rtpvp8pay picture-id-mode=15-bit pt=96",
                          caps);
}

char *
dc_engine_load_audio_description (DcEngineLoad *load)
{
  return g_strdup ("appsrc name=load_audio is-live=true format=time do-timestamp=true "
                   "caps=\"" OPUS_CAPS "\" ! rtpopuspay pt=111");
}

/* The appsrc stamps each copy with the running time at the push, so the loop needs no
 * timestamp arithmetic and the RTP clock keeps moving across loop restarts. */
static void
push_copy (GstAppSrc *src, GstBuffer *buffer, GstClockTime duration)
{
  GstBuffer *copy = gst_buffer_copy (buffer);
  GST_BUFFER_PTS (copy) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DTS (copy) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (copy) = duration;
  gst_app_src_push_buffer (src, copy);
}

/* Paces both streams from one clock. Behind schedule (a loaded machine) it catches up rather
 * than skipping, because a skipped VP8 frame would break the decoder's references. */
static gpointer
pump_thread (gpointer data)
{
  DcEngineLoad *load = data;
  gint64 start = g_get_monotonic_time ();
  guint64 n_video = 0, n_audio = 0;
  g_mutex_lock (&load->lock);
  while (load->running)
    {
      gint64 next_video = start + (gint64)n_video * load->video_frame_us;
      gint64 next_audio = start + (gint64)n_audio * OPUS_FRAME_US;
      if (g_cond_wait_until (&load->wake, &load->lock, MIN (next_video, next_audio)))
        continue;
      g_mutex_unlock (&load->lock);
      gint64 now = g_get_monotonic_time ();
      if (now >= next_video)
        push_copy (load->video_src, g_ptr_array_index (load->video, n_video++ % load->video->len),
                   load->video_frame_us * GST_USECOND);
      if (now >= next_audio)
        push_copy (load->audio_src, g_ptr_array_index (load->audio, n_audio++ % load->audio->len),
                   OPUS_FRAME_US * GST_USECOND);
      g_mutex_lock (&load->lock);
    }
  g_mutex_unlock (&load->lock);
  return NULL;
}

gboolean
dc_engine_load_start (DcEngineLoad *load, GstElement *pipeline, GError **error)
{
  g_return_val_if_fail (load != NULL && load->thread == NULL, FALSE);
  GstElement *video = gst_bin_get_by_name (GST_BIN (pipeline), "load_video");
  GstElement *audio = gst_bin_get_by_name (GST_BIN (pipeline), "load_audio");
  if (video == NULL || audio == NULL)
    {
      gst_clear_object (&video);
      gst_clear_object (&audio);
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
                   "The load-mode send branches are missing from the pipeline.");
      return FALSE;
    }
  load->video_src = GST_APP_SRC (video);
  load->audio_src = GST_APP_SRC (audio);
  load->running = TRUE;
  load->thread = g_thread_new ("dc-load-pump", pump_thread, load);
  return TRUE;
}

void
dc_engine_load_stop (DcEngineLoad *load)
{
  g_return_if_fail (load != NULL);
  g_mutex_lock (&load->lock);
  load->running = FALSE;
  g_cond_signal (&load->wake);
  g_mutex_unlock (&load->lock);
  if (load->thread != NULL)
    g_thread_join (g_steal_pointer (&load->thread));
  gst_clear_object (&load->video_src);
  gst_clear_object (&load->audio_src);
}

/* --- received media: counted on the streaming threads --- */

/* Frame size from a VP8 keyframe header (RFC 6386 9.1), so the report still shows what the
 * gateway composes without decoding it. */
static gboolean
vp8_keyframe_size (const guint8 *data, gsize size, int *width, int *height)
{
  if (size < 10 || (data[0] & 1) != 0 || data[3] != 0x9d || data[4] != 0x01 || data[5] != 0x2a)
    return FALSE;
  *width = (data[6] | (data[7] << 8)) & 0x3fff;
  *height = (data[8] | (data[9] << 8)) & 0x3fff;
  return TRUE;
}

static GstFlowReturn
on_video_frame (GstAppSink *sink, gpointer user_data)
{
  DcEngine *self = ((DcEngineLoad *)user_data)->engine;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_EOS;
  int width = 0, height = 0;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;
  if (buffer != NULL && !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT)
      && gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      vp8_keyframe_size (map.data, map.size, &width, &height);
      gst_buffer_unmap (buffer, &map);
    }
  g_mutex_lock (&self->lock);
  gboolean first = self->video_frames == 0;
  self->video_frames++;
  dc_gap_stats_add (&self->video_gaps, g_get_monotonic_time ());
  if (width > 0 && height > 0)
    {
      self->video_width = width;
      self->video_height = height;
    }
  g_mutex_unlock (&self->lock);
  if (first)
    dc_engine_link_invoke (self->link, dc_engine_emit_first_frame, NULL, NULL);
  return GST_FLOW_OK;
}

static GstFlowReturn
on_audio_packet (GstAppSink *sink, gpointer user_data)
{
  DcEngineLoad *load = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_EOS;
  g_atomic_int_inc (&load->audio_packets);
  return GST_FLOW_OK;
}

void
dc_engine_load_link_receive (DcEngineLoad *load, GstElement *pipeline, GstPad *pad,
                             const char *media)
{
  gboolean is_video = g_strcmp0 (media, "video") == 0;
  if (!is_video && g_strcmp0 (media, "audio") != 0)
    return;
  /* Depayloading is all that is needed to count whole frames and packets. */
  const char *description
      = is_video ? "queue ! rtpvp8depay request-keyframe=true wait-for-keyframe=true ! "
                   "appsink name=sink sync=false"
                 : "queue ! rtpopusdepay ! appsink name=sink sync=false";
  g_autoptr (GError) error = NULL;
  GstElement *bin = gst_parse_bin_from_description (description, TRUE, &error);
  if (bin == NULL)
    {
      GST_ERROR ("cannot build the %s counting branch: %s", media, error->message);
      return;
    }
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (bin), "sink");
  GstAppSinkCallbacks callbacks = { 0 };
  callbacks.new_sample = is_video ? on_video_frame : on_audio_packet;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, load, NULL);
  gst_bin_add (GST_BIN (pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  g_autoptr (GstPad) bin_sink = gst_element_get_static_pad (bin, "sink");
  if (gst_pad_link (pad, bin_sink) != GST_PAD_LINK_OK)
    GST_ERROR ("cannot link the received %s stream", media);
  else
    GST_INFO ("counting received %s", media);
}

guint64
dc_engine_load_get_audio_packets (DcEngineLoad *load)
{
  g_return_val_if_fail (load != NULL, 0);
  return (guint)g_atomic_int_get (&load->audio_packets);
}
