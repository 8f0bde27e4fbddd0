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
  /* immutable after dc_video_mixer_new */
  DcVideoMixerParams params;
  GstVideoInfo canvas_info;
  GstBufferPool *pool;
  GstElement *pipeline;
  GstAppSrc *src;
  GstElement *encoder;
  DcVideoOutputFunc output;
  gpointer user_data;
  DcTicker *ticker;

  /* tick thread only */
  DcCanvas *canvas;
  gint64 started_us; /* composition clock origin */

  GMutex lock; /* protects what follows; held to copy in or out, never across a GStreamer call */
  VideoSlot *slots;
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

/* What one tile needs from the mixer's state for one composition, copied under the lock. */
typedef struct
{
  GstSample *sample;    /* a reference while the tile is live, else NULL */
  gboolean changed;     /* the canvas must be told the fields below */
  DcRect rect;
  char *label;
  DcTileState state;
  gboolean highlight;
} TileSnapshot;

/* Under the lock: copies out each tile, and notes state changes (placeholder text, highlight)
 * so the canvas re-renders labels only then, never per frame. */
static void
snapshot_tiles (DcVideoMixer *mixer, gint64 now, TileSnapshot *tiles)
{
  for (guint i = 0; i < mixer->params.n_slots; i++)
    {
      VideoSlot *slot = &mixer->slots[i];
      TileSnapshot *tile = &tiles[i];
      *tile = (TileSnapshot) { 0 };
      DcTileState state = tile_state (slot, now);
      if (state == DC_TILE_LIVE)
        tile->sample = gst_sample_ref (slot->latest);
      if (slot->label == NULL
          || (slot->placed && state == slot->drawn_state && slot->highlight == slot->drawn_highlight))
        continue;
      *tile = (TileSnapshot) { .sample = tile->sample, .changed = TRUE, .rect = slot->rect,
                               .label = g_strdup (slot->label), .state = state,
                               .highlight = slot->highlight };
      slot->drawn_state = state;
      slot->drawn_highlight = slot->highlight;
      slot->placed = TRUE;
    }
}

/* Under the lock: whether this tick forces a keyframe (requests closer together share one). */
static gboolean
take_keyframe_request (DcVideoMixer *mixer, gint64 now)
{
  if (!mixer->keyframe_wanted || now - mixer->last_keyframe_at < KEYFRAME_MIN_INTERVAL_US)
    return FALSE;
  mixer->keyframe_wanted = FALSE;
  mixer->last_keyframe_at = now;
  mixer->stats.keyframes_forced++;
  return TRUE;
}

static gboolean
anyone_present (DcVideoMixer *mixer)
{
  gboolean present = FALSE;
  for (guint i = 0; i < mixer->params.n_slots && !present; i++)
    present = mixer->slots[i].presence == DC_PRESENCE_PRESENT;
  return present;
}

static void
map_view (GstVideoFrame *frame, DcI420View *view)
{
  view->width = GST_VIDEO_FRAME_WIDTH (frame);
  view->height = GST_VIDEO_FRAME_HEIGHT (frame);
  for (int p = 0; p < 3; p++)
    {
      view->planes[p] = GST_VIDEO_FRAME_PLANE_DATA (frame, p);
      view->strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE (frame, p);
    }
}

/* Tick thread, no lock held: the canvas is the tick thread's alone. */
static void
compose_tiles (DcVideoMixer *mixer, TileSnapshot *tiles, GstVideoFrame *out_frame)
{
  guint n = mixer->params.n_slots;
  GstVideoFrame frames[n];
  DcI420View views[n];
  const DcI420View *view_ptrs[n];
  for (guint i = 0; i < n; i++)
    {
      TileSnapshot *tile = &tiles[i];
      if (tile->changed)
        dc_canvas_set_slot (mixer->canvas, i, &tile->rect, tile->label, tile->state,
                            tile->highlight);
      view_ptrs[i] = NULL;
      GstVideoInfo info;
      if (tile->sample == NULL
          || !gst_video_info_from_caps (&info, gst_sample_get_caps (tile->sample))
          || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_I420
          || !gst_video_frame_map (&frames[i], &info, gst_sample_get_buffer (tile->sample),
                                   GST_MAP_READ))
        continue;
      map_view (&frames[i], &views[i]);
      view_ptrs[i] = &views[i];
    }
  DcI420View out_view;
  map_view (out_frame, &out_view);
  dc_canvas_compose (mixer->canvas, view_ptrs, n, &out_view);
  for (guint i = 0; i < n; i++)
    {
      if (view_ptrs[i])
        gst_video_frame_unmap (&frames[i]);
      g_clear_pointer (&tiles[i].sample, gst_sample_unref);
      g_free (tiles[i].label);
    }
}

/* The mixer's lock is held only to copy the tiles out; the composition, the keyframe event and
 * the push to the encoder run outside it, so the encoder's thread never waits on the tick. */
static void
compose_tick (DcVideoMixer *mixer)
{
  guint n = mixer->params.n_slots;
  TileSnapshot tiles[n];
  gint64 now = g_get_monotonic_time ();
  g_mutex_lock (&mixer->lock);
  /* Nobody to show it to: an idle gateway composes and encodes nothing. */
  gboolean present = anyone_present (mixer);
  if (present)
    snapshot_tiles (mixer, now, tiles);
  gboolean force_keyframe = present && take_keyframe_request (mixer, now);
  g_mutex_unlock (&mixer->lock);
  if (!present)
    return;

  GstBuffer *out = NULL;
  GstVideoFrame out_frame;
  if (gst_buffer_pool_acquire_buffer (mixer->pool, &out, NULL) != GST_FLOW_OK
      || !gst_video_frame_map (&out_frame, &mixer->canvas_info, out, GST_MAP_WRITE))
    {
      g_clear_pointer (&out, gst_buffer_unref);
      for (guint i = 0; i < n; i++)
        {
          g_clear_pointer (&tiles[i].sample, gst_sample_unref);
          g_free (tiles[i].label);
        }
      return;
    }
  compose_tiles (mixer, tiles, &out_frame);
  gst_video_frame_unmap (&out_frame);
  g_mutex_lock (&mixer->lock);
  mixer->stats.frames_composed++;
  g_mutex_unlock (&mixer->lock);

  if (force_keyframe)
    {
      GstEvent *event = gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE, 0);
      g_autoptr (GstPad) pad = gst_element_get_static_pad (mixer->encoder, "src");
      gst_pad_send_event (pad, event);
    }
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
