#include "video-mixer.h"

#include "ticker.h"

#include <gio/gio.h>
#include <gst/app/app.h>
#include <gst/video/video.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (dc_video_debug);
#define GST_CAT_DEFAULT dc_video_debug

/* A tile whose site sent nothing for this long shows its placeholder again. */
#define STALE_FRAME_US (3 * G_USEC_PER_SEC)
/* Keyframe requests closer together than this share one keyframe. */
#define KEYFRAME_MIN_INTERVAL_US (300 * 1000)

typedef struct
{
  GstSample *latest;
  gint64 latest_at;
  DcRect rect;
  char *label;
  DcPresence presence;
  gboolean video_allowed;
  gboolean highlight;
  DcTileState drawn_state; /* what the canvas was last told, to re-render only on change */
  gboolean drawn_highlight;
  gboolean placed;
} VideoSlot;

struct DcVideoMixer
{
  GMutex lock; /* protects slots, canvas, stats, keyframe state */
  DcTicker *ticker;
  DcVideoMixerParams params;
  VideoSlot *slots;
  DcCanvas *canvas;
  GstVideoInfo canvas_info;
  GstBufferPool *pool;

  GstElement *pipeline;
  GstAppSrc *src;
  GstElement *encoder;
  DcVideoOutputFunc output;
  gpointer user_data;

  gint64 started_us; /* composition clock origin, tick thread only */
  gboolean keyframe_wanted;
  gint64 last_keyframe_at;
  DcVideoMixerStats stats;
};

static GstFlowReturn
on_encoded (GstAppSink *sink, gpointer data)
{
  DcVideoMixer *mixer = data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_EOS;
  g_mutex_lock (&mixer->lock);
  mixer->stats.frames_encoded++;
  g_mutex_unlock (&mixer->lock);
  mixer->output (gst_sample_get_buffer (sample), mixer->user_data);
  return GST_FLOW_OK;
}

static gboolean
build_encoder (DcVideoMixer *mixer, GError **error)
{
  const DcVideoMixerParams *p = &mixer->params;
  g_autofree char *encoder = g_strdup_printf (p->codec->encoder_description, p->bitrate_kbps,
                                              p->framerate * 10);
  /* The leaky queue drops raw frames if the encoder falls behind instead of adding latency. */
  g_autofree char *description = g_strdup_printf (
      "appsrc name=src is-live=true format=time "
      "caps=video/x-raw,format=I420,width=%d,height=%d,framerate=%u/1,pixel-aspect-ratio=1/1 ! "
      "queue max-size-buffers=2 max-size-time=0 max-size-bytes=0 leaky=downstream ! "
      "%s%s%s ! appsink name=sink sync=false",
      p->width, p->height, p->framerate, encoder, p->codec->parser ? " ! " : "",
      p->codec->parser ? p->codec->parser : "");
  mixer->pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (mixer->pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (mixer->pipeline);
  gst_object_set_name (GST_OBJECT (mixer->pipeline), "composition");
  mixer->src = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (mixer->pipeline), "src"));
  mixer->encoder = gst_bin_get_by_name (GST_BIN (mixer->pipeline), "encoder");
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (mixer->pipeline), "sink");
  GstAppSinkCallbacks callbacks = { 0 };
  callbacks.new_sample = on_encoded;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, mixer, NULL);
  return TRUE;
}

static DcTileState
tile_state (const VideoSlot *slot, gint64 now)
{
  switch (slot->presence)
    {
    case DC_PRESENCE_PRESENT:
      return slot->video_allowed && slot->latest && now - slot->latest_at < STALE_FRAME_US ? DC_TILE_LIVE
                                                                     : DC_TILE_NO_VIDEO;
    case DC_PRESENCE_LEFT:
      return DC_TILE_LEFT;
    case DC_PRESENCE_ABSENT:
    default:
      return DC_TILE_ABSENT;
    }
}

/* Tells the canvas about state changes (placeholder text, highlight); it re-renders labels
 * only then, never per frame. Called with the lock held. */
static void
refresh_canvas_slots (DcVideoMixer *mixer, gint64 now)
{
  for (guint i = 0; i < mixer->params.n_slots; i++)
    {
      VideoSlot *slot = &mixer->slots[i];
      if (slot->label == NULL)
        continue;
      DcTileState state = tile_state (slot, now);
      if (slot->placed && state == slot->drawn_state && slot->highlight == slot->drawn_highlight)
        continue;
      dc_canvas_set_slot (mixer->canvas, i, &slot->rect, slot->label, state, slot->highlight);
      slot->drawn_state = state;
      slot->drawn_highlight = slot->highlight;
      slot->placed = TRUE;
    }
}

static void
maybe_force_keyframe (DcVideoMixer *mixer, gint64 now)
{
  if (!mixer->keyframe_wanted || now - mixer->last_keyframe_at < KEYFRAME_MIN_INTERVAL_US)
    return;
  mixer->keyframe_wanted = FALSE;
  mixer->last_keyframe_at = now;
  mixer->stats.keyframes_forced++;
  GstEvent *event = gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE, 0);
  g_autoptr (GstPad) pad = gst_element_get_static_pad (mixer->encoder, "src");
  gst_pad_send_event (pad, event);
}

static gboolean
anyone_present (DcVideoMixer *mixer)
{
  gboolean present = FALSE;
  g_mutex_lock (&mixer->lock);
  for (guint i = 0; i < mixer->params.n_slots && !present; i++)
    present = mixer->slots[i].presence == DC_PRESENCE_PRESENT;
  g_mutex_unlock (&mixer->lock);
  return present;
}

static void
compose_tick (DcVideoMixer *mixer)
{
  /* Nobody to show it to: an idle gateway composes and encodes nothing. */
  if (!anyone_present (mixer))
    return;
  guint n = mixer->params.n_slots;
  GstBuffer *out = NULL;
  if (gst_buffer_pool_acquire_buffer (mixer->pool, &out, NULL) != GST_FLOW_OK)
    return;
  GstVideoFrame out_frame;
  if (!gst_video_frame_map (&out_frame, &mixer->canvas_info, out, GST_MAP_WRITE))
    {
      gst_buffer_unref (out);
      return;
    }
  DcI420View out_view = { .width = mixer->params.width, .height = mixer->params.height };
  for (int p = 0; p < 3; p++)
    {
      out_view.planes[p] = GST_VIDEO_FRAME_PLANE_DATA (&out_frame, p);
      out_view.strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE (&out_frame, p);
    }

  GstVideoFrame frames[n];
  DcI420View views[n];
  const DcI420View *view_ptrs[n];
  gboolean mapped[n];
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&mixer->lock);
  refresh_canvas_slots (mixer, now);
  for (guint i = 0; i < n; i++)
    {
      VideoSlot *slot = &mixer->slots[i];
      mapped[i] = FALSE;
      view_ptrs[i] = NULL;
      if (tile_state (slot, now) != DC_TILE_LIVE)
        continue;
      GstVideoInfo info;
      if (!gst_video_info_from_caps (&info, gst_sample_get_caps (slot->latest))
          || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_I420
          || !gst_video_frame_map (&frames[i], &info, gst_sample_get_buffer (slot->latest),
                                   GST_MAP_READ))
        continue;
      mapped[i] = TRUE;
      views[i].width = GST_VIDEO_INFO_WIDTH (&info);
      views[i].height = GST_VIDEO_INFO_HEIGHT (&info);
      for (int p = 0; p < 3; p++)
        {
          views[i].planes[p] = GST_VIDEO_FRAME_PLANE_DATA (&frames[i], p);
          views[i].strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE (&frames[i], p);
        }
      view_ptrs[i] = &views[i];
    }
  dc_canvas_compose (mixer->canvas, view_ptrs, n, &out_view);
  for (guint i = 0; i < n; i++)
    if (mapped[i])
      gst_video_frame_unmap (&frames[i]);
  mixer->stats.frames_composed++;
  maybe_force_keyframe (mixer, now);
  g_mutex_unlock (&mixer->lock);

  gst_video_frame_unmap (&out_frame);
  /* Frames are stamped from the clock's tick number, exactly one period apart (a skipped tick
   * leaves a gap): the encoder's rate control and every receiver's playout see a steady clock. */
  gint64 period = G_USEC_PER_SEC / mixer->params.framerate;
  if (mixer->started_us == 0)
    mixer->started_us = now;
  guint64 tick = (now - mixer->started_us + period / 2) / period;
  GST_BUFFER_PTS (out) = gst_util_uint64_scale (tick, GST_SECOND, mixer->params.framerate);
  GST_BUFFER_DURATION (out) = gst_util_uint64_scale (1, GST_SECOND, mixer->params.framerate);
  gst_app_src_push_buffer (mixer->src, out);
}

static void
on_tick (gpointer data)
{
  compose_tick (data);
}

DcVideoMixer *
dc_video_mixer_new (const DcVideoMixerParams *params, DcVideoOutputFunc output,
                    gpointer user_data, GError **error)
{
  g_return_val_if_fail (params != NULL && params->codec != NULL && output != NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (dc_video_debug, "dc-video", 0, "diemcau composition");
  DcVideoMixer *mixer = g_new0 (DcVideoMixer, 1);
  g_mutex_init (&mixer->lock);
  mixer->params = *params;
  mixer->slots = g_new0 (VideoSlot, params->n_slots);
  mixer->canvas = dc_canvas_new (params->width, params->height);
  mixer->output = output;
  mixer->user_data = user_data;

  gst_video_info_set_format (&mixer->canvas_info, GST_VIDEO_FORMAT_I420, params->width,
                             params->height);
  mixer->pool = gst_buffer_pool_new ();
  GstStructure *config = gst_buffer_pool_get_config (mixer->pool);
  g_autoptr (GstCaps) caps = gst_video_info_to_caps (&mixer->canvas_info);
  gst_buffer_pool_config_set_params (config, caps, GST_VIDEO_INFO_SIZE (&mixer->canvas_info), 4,
                                     0);
  gst_buffer_pool_set_config (mixer->pool, config);
  gst_buffer_pool_set_active (mixer->pool, TRUE);

  if (!build_encoder (mixer, error))
    {
      dc_video_mixer_free (mixer);
      return NULL;
    }
  return mixer;
}

gboolean
dc_video_mixer_start (DcVideoMixer *mixer, GError **error)
{
  if (gst_element_set_state (mixer->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the video encoder did not start");
      return FALSE;
    }
  mixer->ticker = dc_ticker_new ("dc-video-mix", G_USEC_PER_SEC / mixer->params.framerate,
                                 on_tick, mixer);
  return dc_ticker_start (mixer->ticker, error);
}

void
dc_video_mixer_free (DcVideoMixer *mixer)
{
  if (mixer == NULL)
    return;
  g_clear_pointer (&mixer->ticker, dc_ticker_free);
  if (mixer->pipeline)
    gst_element_set_state (mixer->pipeline, GST_STATE_NULL);
  gst_clear_object (&mixer->src);
  gst_clear_object (&mixer->encoder);
  gst_clear_object (&mixer->pipeline);
  gst_buffer_pool_set_active (mixer->pool, FALSE);
  gst_clear_object (&mixer->pool);
  for (guint i = 0; i < mixer->params.n_slots; i++)
    {
      g_clear_pointer (&mixer->slots[i].latest, gst_sample_unref);
      g_free (mixer->slots[i].label);
    }
  g_free (mixer->slots);
  dc_canvas_free (mixer->canvas);
  g_mutex_clear (&mixer->lock);
  g_free (mixer);
}

void
dc_video_mixer_set_slot (DcVideoMixer *mixer, guint index, const DcRect *rect, const char *label,
                         DcPresence presence, gboolean video_allowed, gboolean highlight)
{
  g_return_if_fail (index < mixer->params.n_slots && rect != NULL && label != NULL);
  g_mutex_lock (&mixer->lock);
  VideoSlot *slot = &mixer->slots[index];
  gboolean moved = memcmp (&slot->rect, rect, sizeof *rect) != 0
                   || g_strcmp0 (slot->label, label) != 0;
  slot->rect = *rect;
  g_free (slot->label);
  slot->label = g_strdup (label);
  if (presence != DC_PRESENCE_PRESENT)
    g_clear_pointer (&slot->latest, gst_sample_unref);
  slot->presence = presence;
  slot->video_allowed = video_allowed;
  slot->highlight = highlight;
  if (moved)
    slot->placed = FALSE;
  g_mutex_unlock (&mixer->lock);
}

void
dc_video_mixer_put_frame (DcVideoMixer *mixer, guint index, GstSample *sample)
{
  g_return_if_fail (index < mixer->params.n_slots && sample != NULL);
  g_mutex_lock (&mixer->lock);
  VideoSlot *slot = &mixer->slots[index];
  if (slot->presence == DC_PRESENCE_PRESENT)
    {
      gst_sample_ref (sample);
      g_clear_pointer (&slot->latest, gst_sample_unref);
      slot->latest = sample;
      slot->latest_at = g_get_monotonic_time ();
    }
  g_mutex_unlock (&mixer->lock);
}

void
dc_video_mixer_request_keyframe (DcVideoMixer *mixer)
{
  g_mutex_lock (&mixer->lock);
  mixer->keyframe_wanted = TRUE;
  mixer->stats.keyframe_requests++;
  g_mutex_unlock (&mixer->lock);
}

void
dc_video_mixer_get_stats (DcVideoMixer *mixer, DcVideoMixerStats *stats)
{
  g_mutex_lock (&mixer->lock);
  *stats = mixer->stats;
  g_mutex_unlock (&mixer->lock);
  stats->ticks_missed = mixer->ticker ? dc_ticker_get_missed (mixer->ticker) : 0;
}
