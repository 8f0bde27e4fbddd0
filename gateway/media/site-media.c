#include "site-media.h"

GST_DEBUG_CATEGORY_STATIC (dc_site_media_debug);
#define GST_CAT_DEFAULT dc_site_media_debug

static void
init_debug (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      GST_DEBUG_CATEGORY_INIT (dc_site_media_debug, "dc-site-media", 0,
                               "diemcau media shared by the sites");
      g_once_init_leave (&once, 1);
    }
}

/* ---- receive: streaming threads ---- */

static GstFlowReturn
on_audio_sample (GstAppSink *sink, gpointer data)
{
  DcSite *site = data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_EOS;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  dc_site_deliver_audio (site, (const float *) map.data, map.size / sizeof (float));
  gst_buffer_unmap (buffer, &map);
  return GST_FLOW_OK;
}

static GstFlowReturn
on_video_sample (GstAppSink *sink, gpointer data)
{
  DcSite *site = data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_EOS;
  dc_site_deliver_video (site, sample);
  return GST_FLOW_OK;
}

static GstCaps *
tile_caps_new (int width, int height)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT,
                              width, "height", G_TYPE_INT, height, "pixel-aspect-ratio",
                              GST_TYPE_FRACTION, 1, 1, NULL);
}

static GstElement *
branch_new (DcSite *site, const char *description, gboolean is_video, GError **error)
{
  init_debug ();
  GstElement *bin = gst_parse_bin_from_description (description, TRUE, error);
  if (bin == NULL)
    return NULL;
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (bin), "sink");
  GstAppSinkCallbacks callbacks = { 0 };
  callbacks.new_sample = is_video ? on_video_sample : on_audio_sample;
  /* No reference: the pipeline is stopped before the site is freed, and a reference here
   * would keep the site alive through its own pipeline. */
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, site, NULL);
  GST_DEBUG ("site %s: branch %s", dc_site_get_id (site), description);
  return bin;
}

GstElement *
dc_site_media_video_branch_new (DcSite *site, const char *depay_decode, int width, int height,
                                GstElement **tile_caps, GError **error)
{
  g_autofree char *description = g_strdup_printf (
      "%s ! videoscale ! videoconvert ! "
      /* delayed: frames already on their way at the old tile size still pass while the layout
       * changes; "immediate" would fail them as not-negotiated, and that error travels up the
       * shared receive path and silences the whole site. */
      "capsfilter name=tile_caps caps-change-mode=delayed ! "
      "appsink name=sink sync=false max-buffers=1 drop=true",
      depay_decode);
  GstElement *bin = branch_new (site, description, TRUE, error);
  if (bin == NULL)
    return NULL;
  *tile_caps = gst_bin_get_by_name (GST_BIN (bin), "tile_caps");
  dc_site_media_set_tile_size (*tile_caps, width, height);
  return bin;
}

GstElement *
dc_site_media_audio_branch_new (DcSite *site, const char *depay_decode, GError **error)
{
  g_autofree char *description = g_strdup_printf (
      "%s ! audioconvert ! audioresample ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! "
      "appsink name=sink sync=false",
      depay_decode);
  return branch_new (site, description, FALSE, error);
}

void
dc_site_media_set_tile_size (GstElement *tile_caps, int width, int height)
{
  g_autoptr (GstCaps) caps = tile_caps_new (width, height);
  g_object_set (tile_caps, "caps", caps, NULL);
}

void
dc_site_media_report_error (DcSite *site, GstMessage *message)
{
  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ERROR || !dc_site_enter (site))
    return;
  g_autoptr (GError) error = NULL;
  g_autofree char *debug = NULL;
  gst_message_parse_error (message, &error, &debug);
  GST_ERROR ("site %s: %s (%s)", dc_site_get_id (site), error->message, debug ? debug : "");
  g_autofree char *why = g_strdup_printf ("media error: %s", error->message);
  dc_site_post_failed (site, why);
  dc_site_leave (site);
}

/* ---- send: mixer threads ---- */

void
dc_send_clock_init (DcSendClock *clock)
{
  *clock = (DcSendClock){ .waiting_keyframe = TRUE, .video_anchor_pts = GST_CLOCK_TIME_NONE };
}

static GstClockTime
running_time (GstElement *pipeline)
{
  GstClockTime now = gst_element_get_current_running_time (pipeline);
  return GST_CLOCK_TIME_IS_VALID (now) ? now : 0;
}

/* Audio frames are stamped exactly 20 ms apart from the mixer's tick number, not from when they
 * happen to be pushed: receivers' jitter buffers read timestamp jitter as loss and conceal,
 * which distorts the mix. The first frame anchors the count to the pipeline's running time. */
GstClockTime
dc_send_clock_audio (DcSendClock *clock, GstElement *pipeline, guint64 tick)
{
  if (!clock->audio_anchored)
    {
      clock->audio_anchor_pts = running_time (pipeline);
      clock->audio_anchor_tick = tick;
      clock->audio_anchored = TRUE;
    }
  if (tick < clock->audio_anchor_tick)
    return GST_CLOCK_TIME_NONE;
  return clock->audio_anchor_pts + (tick - clock->audio_anchor_tick) * 20 * GST_MSECOND;
}

/* The composition's frames carry a steady clock (video-mixer.c); each site's copy keeps those
 * intervals, shifted so its first frame (a keyframe) lands at the pipeline's running time. */
GstClockTime
dc_send_clock_video (DcSendClock *clock, GstElement *pipeline, GstBuffer *encoded)
{
  gboolean is_delta = GST_BUFFER_FLAG_IS_SET (encoded, GST_BUFFER_FLAG_DELTA_UNIT);
  GstClockTime source_pts = GST_BUFFER_PTS (encoded);
  if ((clock->waiting_keyframe && is_delta) || !GST_CLOCK_TIME_IS_VALID (source_pts))
    return GST_CLOCK_TIME_NONE;
  if (!GST_CLOCK_TIME_IS_VALID (clock->video_anchor_pts))
    {
      clock->video_anchor_pts = running_time (pipeline);
      clock->video_anchor_source = source_pts;
    }
  if (source_pts < clock->video_anchor_source)
    return GST_CLOCK_TIME_NONE;
  clock->waiting_keyframe = FALSE;
  return clock->video_anchor_pts + (source_pts - clock->video_anchor_source);
}

/* Pushes a metadata copy (the memory is shared by every site) stamped with pts. */
static void
push_stamped (GstAppSrc *src, GstBuffer *buffer, GstClockTime pts)
{
  GstBuffer *copy = gst_buffer_copy (buffer);
  GST_BUFFER_PTS (copy) = pts;
  GST_BUFFER_DTS (copy) = pts;
  gst_app_src_push_buffer (src, copy);
}

/* ---- the mixers' side of a site ---- */

void
dc_site_outputs_init (DcSiteOutputs *outputs, int tile_width, int tile_height)
{
  *outputs = (DcSiteOutputs){ .tile_width = tile_width, .tile_height = tile_height };
  g_mutex_init (&outputs->lock);
  dc_send_clock_init (&outputs->send_clock);
}

void
dc_site_outputs_clear (DcSiteOutputs *outputs)
{
  gst_clear_object (&outputs->tile_caps);
  gst_clear_object (&outputs->video_src);
  gst_clear_object (&outputs->audio_src);
  outputs->pipeline = NULL;
  g_mutex_clear (&outputs->lock);
}

void
dc_site_outputs_push_video (DcSiteOutputs *outputs, DcSite *site, GstBuffer *encoded)
{
  if (outputs->video_src == NULL || dc_site_is_closed (site))
    return;
  g_mutex_lock (&outputs->lock);
  GstClockTime pts = dc_send_clock_video (&outputs->send_clock, outputs->pipeline, encoded);
  g_mutex_unlock (&outputs->lock);
  if (GST_CLOCK_TIME_IS_VALID (pts))
    push_stamped (outputs->video_src, encoded, pts);
}

void
dc_site_outputs_push_audio (DcSiteOutputs *outputs, DcSite *site, GstBuffer *frame)
{
  if (outputs->audio_src == NULL || dc_site_is_closed (site))
    return;
  g_mutex_lock (&outputs->lock);
  GstClockTime pts = dc_send_clock_audio (&outputs->send_clock, outputs->pipeline,
                                          GST_BUFFER_OFFSET (frame));
  g_mutex_unlock (&outputs->lock);
  if (GST_CLOCK_TIME_IS_VALID (pts))
    push_stamped (outputs->audio_src, frame, pts);
}

void
dc_site_outputs_set_tile_size (DcSiteOutputs *outputs, int width, int height)
{
  g_mutex_lock (&outputs->lock);
  outputs->tile_width = width;
  outputs->tile_height = height;
  GstElement *tile_caps = outputs->tile_caps ? gst_object_ref (outputs->tile_caps) : NULL;
  g_mutex_unlock (&outputs->lock);
  if (tile_caps)
    {
      dc_site_media_set_tile_size (tile_caps, width, height);
      gst_object_unref (tile_caps);
    }
}

GstElement *
dc_site_outputs_video_branch_new (DcSiteOutputs *outputs, DcSite *site,
                                  const char *depay_decode, GError **error)
{
  g_mutex_lock (&outputs->lock);
  int width = outputs->tile_width, height = outputs->tile_height;
  g_mutex_unlock (&outputs->lock);
  GstElement *tile_caps = NULL;
  GstElement *bin = dc_site_media_video_branch_new (site, depay_decode, width, height,
                                                    &tile_caps, error);
  if (bin == NULL)
    return NULL;
  g_mutex_lock (&outputs->lock);
  gst_clear_object (&outputs->tile_caps);
  outputs->tile_caps = tile_caps;
  /* The layout may have moved while the branch was built. */
  gboolean resized = width != outputs->tile_width || height != outputs->tile_height;
  width = outputs->tile_width;
  height = outputs->tile_height;
  g_mutex_unlock (&outputs->lock);
  if (resized)
    dc_site_media_set_tile_size (tile_caps, width, height);
  return bin;
}
