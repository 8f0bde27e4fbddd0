#include "video-mixer.h"

#include "ticker.h"

#include <gio/gio.h>
#include <gst/app/app.h>
#include <gst/video/video.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (dc_video_debug);
#define GST_CAT_DEFAULT dc_video_debug

#define DC_VIDEO_BRANCHES_MAX (DC_VIDEO_CODECS_MAX * DC_VIDEO_TIERS_MAX)

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
  gboolean on_hold;
  gboolean highlight;
  DcTileState drawn_state; /* what the canvas was last told, to re-render only on change */
  gboolean drawn_highlight;
  gboolean placed;
} VideoSlot;

/* One encoder per stream (codec and tier) in use, in a pipeline of its own so that starting and
 * stopping it never touches the others':
 * appsrc ! leaky queue [! videoscale ! caps] ! encoder [! parser] ! caps ! appsink. */
typedef struct
{
  /* immutable from branch_new to branch_free */
  DcVideoMixer *mixer;
  const DcVideoCodec *codec;
  guint tier;
  GstElement *pipeline;
  GstAppSrc *src;
  GstElement *encoder;

  /* under the mixer's lock */
  guint users;
  gboolean fed;            /* a frame went in: the encoder's opening keyframe is on its way */
  gboolean keyframe_wanted;
  gint64 last_keyframe_at;
  guint64 frames_encoded;
  guint64 keyframes_forced;
} EncoderBranch;

/* Lock order: there is one lock, the mixer's; it is never held across a GStreamer call that can
 * wait (state changes, pushes, events) nor across the output callback. */
struct DcVideoMixer
{
  /* immutable after dc_video_mixer_new */
  DcVideoMixerParams params;
  GstVideoInfo canvas_info;
  GstBufferPool *pool;
  DcVideoOutputFunc output;
  gpointer user_data;
  DcTicker *ticker;

  /* tick thread only */
  DcCanvas *canvas;
  gint64 started_us; /* composition clock origin */

  GMutex lock; /* protects what follows; held to copy in or out, never across a GStreamer call */
  VideoSlot *slots;
  /* the running encoders, NULL where none; changed by use/release (main), read by the tick */
  EncoderBranch *branches[DC_VIDEO_BRANCHES_MAX];
  DcVideoMixerStats stats;
};

/* The branch's streaming thread. The branch outlives this call: release frees it only after
 * its pipeline reached NULL, which waits for this thread. */
static GstFlowReturn
on_encoded (GstAppSink *sink, gpointer data)
{
  EncoderBranch *branch = data;
  DcVideoMixer *mixer = branch->mixer;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_EOS;
  g_mutex_lock (&mixer->lock);
  branch->frames_encoded++;
  mixer->stats.frames_encoded++;
  g_mutex_unlock (&mixer->lock);
  mixer->output (branch->codec, branch->tier, gst_sample_get_buffer (sample), mixer->user_data);
  return GST_FLOW_OK;
}

/* Stops the pipeline (waiting for its streaming thread, so call it with no lock held) and
 * frees. The tick may still hold a reference to the appsrc: pushes into it are refused. */
static void
branch_free (EncoderBranch *branch)
{
  if (branch == NULL)
    return;
  if (branch->pipeline)
    gst_element_set_state (branch->pipeline, GST_STATE_NULL);
  GST_INFO ("%s tier %u encoder stopped after %" G_GUINT64_FORMAT " frames",
            branch->codec->name, branch->tier, branch->frames_encoded);
  gst_clear_object (&branch->src);
  gst_clear_object (&branch->encoder);
  gst_clear_object (&branch->pipeline);
  g_free (branch);
}

static char *
branch_description (const DcVideoMixerParams *p, const DcVideoCodec *codec, guint tier)
{
  const DcVideoTier *t = &p->tiers[tier];
  g_autofree char *encoder = g_strdup_printf (codec->encoder_description, t->bitrate_kbps,
                                              p->framerate * 10);
  /* A lower tier scales the one composed canvas on its own streaming thread. */
  g_autofree char *scale
      = tier == 0 ? g_strdup ("")
                  : g_strdup_printf ("videoscale ! video/x-raw,width=%d,height=%d ! ", t->width,
                                     t->height);
  /* The leaky queue drops raw frames if the encoder falls behind instead of adding latency;
   * the caps at the end pin the parser's output to what the sites' appsrc announce. */
  return g_strdup_printf (
      "appsrc name=src is-live=true format=time "
      "caps=video/x-raw,format=I420,width=%d,height=%d,framerate=%u/1,pixel-aspect-ratio=1/1 ! "
      "queue max-size-buffers=2 max-size-time=0 max-size-bytes=0 leaky=downstream ! "
      "%s%s%s%s ! %s ! appsink name=sink sync=false",
      p->width, p->height, p->framerate, scale, encoder, codec->parser ? " ! " : "",
      codec->parser ? codec->parser : "", codec->encoded_caps);
}

/* Builds and starts one codec's encoder. No lock held: it may take a while, and the tick goes
 * on feeding the other encoders meanwhile. */
static EncoderBranch *
branch_new (DcVideoMixer *mixer, const DcVideoCodec *codec, guint tier, GError **error)
{
  g_autofree char *description = branch_description (&mixer->params, codec, tier);
  GstElement *pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
                                                error);
  if (pipeline == NULL)
    return NULL;
  EncoderBranch *branch = g_new0 (EncoderBranch, 1);
  branch->mixer = mixer;
  branch->codec = codec;
  branch->tier = tier;
  branch->pipeline = gst_object_ref_sink (pipeline);
  g_autofree char *name = g_strdup_printf ("composition-%s-%u", codec->name, tier);
  gst_object_set_name (GST_OBJECT (pipeline), name);
  branch->src = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (pipeline), "src"));
  branch->encoder = gst_bin_get_by_name (GST_BIN (pipeline), "encoder");
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstAppSinkCallbacks callbacks = { 0 };
  callbacks.new_sample = on_encoded;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, branch, NULL);
  if (branch->src == NULL || branch->encoder == NULL
      || gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the %s tier %u encoder did not start",
                   codec->name, tier);
      branch_free (branch);
      return NULL;
    }
  GST_INFO ("%s tier %u encoder started", codec->name, tier);
  return branch;
}

/* Under the lock. */
static int
find_branch (DcVideoMixer *mixer, const DcVideoCodec *codec, guint tier)
{
  for (int i = 0; i < DC_VIDEO_BRANCHES_MAX; i++)
    if (mixer->branches[i] && mixer->branches[i]->codec == codec
        && mixer->branches[i]->tier == tier)
      return i;
  return -1;
}

/* Under the lock. */
static int
free_index (DcVideoMixer *mixer)
{
  for (int i = 0; i < DC_VIDEO_BRANCHES_MAX; i++)
    if (mixer->branches[i] == NULL)
      return i;
  return -1;
}

static DcTileState
tile_state (const VideoSlot *slot, gint64 now)
{
  switch (slot->presence)
    {
    case DC_PRESENCE_PRESENT:
      if (slot->on_hold)
        return DC_TILE_ON_HOLD;
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

/* Under the lock: whether this tick forces a keyframe on the branch (requests closer together
 * share one). An encoder's first frame is a keyframe anyway: requests made before it are served
 * by it, and it starts the interval. */
static gboolean
take_keyframe_request (DcVideoMixer *mixer, EncoderBranch *branch, gint64 now)
{
  if (!branch->fed)
    {
      branch->fed = TRUE;
      branch->keyframe_wanted = FALSE;
      branch->last_keyframe_at = now;
      return FALSE;
    }
  if (!branch->keyframe_wanted || now - branch->last_keyframe_at < KEYFRAME_MIN_INTERVAL_US)
    return FALSE;
  branch->keyframe_wanted = FALSE;
  branch->last_keyframe_at = now;
  branch->keyframes_forced++;
  mixer->stats.keyframes_forced++;
  return TRUE;
}

/* What the tick feeds, copied under the lock: references that stay valid even if the branch is
 * released meanwhile (its elements then refuse the push and the event). */
typedef struct
{
  GstAppSrc *src;
  GstElement *keyframe_encoder; /* set when this frame must start a keyframe */
} EncodeTarget;

/* Under the lock. */
static guint
take_targets (DcVideoMixer *mixer, gint64 now, EncodeTarget *targets)
{
  guint n = 0;
  for (guint i = 0; i < DC_VIDEO_BRANCHES_MAX; i++)
    {
      EncoderBranch *branch = mixer->branches[i];
      if (branch == NULL)
        continue;
      targets[n].src = gst_object_ref (branch->src);
      targets[n].keyframe_encoder = take_keyframe_request (mixer, branch, now)
                                        ? gst_object_ref (branch->encoder)
                                        : NULL;
      n++;
    }
  return n;
}

/* No lock held. One raw buffer for every encoder: each appsrc gets a reference, and since the
 * buffer is then shared, nothing downstream may write into it (encoders only read). */
static void
feed_encoders (EncodeTarget *targets, guint n, GstBuffer *frame)
{
  for (guint i = 0; i < n; i++)
    {
      if (targets[i].keyframe_encoder)
        {
          GstEvent *event = gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
                                                                         TRUE, 0);
          g_autoptr (GstPad) pad = gst_element_get_static_pad (targets[i].keyframe_encoder,
                                                               "src");
          gst_pad_send_event (pad, event);
          gst_object_unref (targets[i].keyframe_encoder);
        }
      if (frame)
        gst_app_src_push_buffer (targets[i].src, gst_buffer_ref (frame));
      gst_object_unref (targets[i].src);
    }
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

static void
drop_tiles (TileSnapshot *tiles, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_clear_pointer (&tiles[i].sample, gst_sample_unref);
      g_free (tiles[i].label);
    }
}

/* Tick thread: the composed canvas in a pool buffer, stamped, or NULL. */
static GstBuffer *
compose_frame (DcVideoMixer *mixer, TileSnapshot *tiles, gint64 now)
{
  GstBuffer *out = NULL;
  GstVideoFrame out_frame;
  if (gst_buffer_pool_acquire_buffer (mixer->pool, &out, NULL) != GST_FLOW_OK
      || !gst_video_frame_map (&out_frame, &mixer->canvas_info, out, GST_MAP_WRITE))
    {
      g_clear_pointer (&out, gst_buffer_unref);
      drop_tiles (tiles, mixer->params.n_slots);
      return NULL;
    }
  compose_tiles (mixer, tiles, &out_frame);
  gst_video_frame_unmap (&out_frame);
  /* Frames are stamped from the clock's tick number, exactly one period apart (a skipped tick
   * leaves a gap): the encoder's rate control and every receiver's playout see a steady clock. */
  gint64 period = G_USEC_PER_SEC / mixer->params.framerate;
  if (mixer->started_us == 0)
    mixer->started_us = now;
  guint64 tick = (now - mixer->started_us + period / 2) / period;
  GST_BUFFER_PTS (out) = gst_util_uint64_scale (tick, GST_SECOND, mixer->params.framerate);
  GST_BUFFER_DURATION (out) = gst_util_uint64_scale (1, GST_SECOND, mixer->params.framerate);
  return out;
}

/* The mixer's lock is held only to copy the tiles and the encoders out; the composition, the
 * keyframe events and the pushes run outside it, so no encoder thread ever waits on the tick,
 * and a release on the main context never waits on it either. */
static void
compose_tick (DcVideoMixer *mixer)
{
  guint n = mixer->params.n_slots;
  TileSnapshot tiles[n];
  EncodeTarget targets[DC_VIDEO_BRANCHES_MAX];
  gint64 now = g_get_monotonic_time ();
  g_mutex_lock (&mixer->lock);
  /* Nobody to show it to, or no encoder: an idle gateway composes and encodes nothing. */
  guint n_targets = anyone_present (mixer) ? take_targets (mixer, now, targets) : 0;
  if (n_targets > 0)
    snapshot_tiles (mixer, now, tiles);
  g_mutex_unlock (&mixer->lock);
  if (n_targets == 0)
    return;

  g_autoptr (GstBuffer) frame = compose_frame (mixer, tiles, now);
  if (frame)
    {
      g_mutex_lock (&mixer->lock);
      mixer->stats.frames_composed++;
      g_mutex_unlock (&mixer->lock);
    }
  feed_encoders (targets, n_targets, frame);
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
  g_return_val_if_fail (params != NULL && params->framerate > 0 && output != NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (dc_video_debug, "dc-video", 0, "diemcau composition");
  DcVideoMixer *mixer = g_new0 (DcVideoMixer, 1);
  g_mutex_init (&mixer->lock);
  mixer->params = *params;
  /* Tier 0 is the canvas at the configured bitrate, whatever the caller put there. */
  mixer->params.n_tiers = CLAMP (params->n_tiers, 1, DC_VIDEO_TIERS_MAX);
  mixer->params.tiers[0] = (DcVideoTier) { params->width, params->height, params->bitrate_kbps };
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
  if (!gst_buffer_pool_set_active (mixer->pool, TRUE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no buffers for the composition");
      dc_video_mixer_free (mixer);
      return NULL;
    }
  return mixer;
}

gboolean
dc_video_mixer_start (DcVideoMixer *mixer, GError **error)
{
  g_return_val_if_fail (mixer != NULL && mixer->ticker == NULL, FALSE);
  mixer->ticker = dc_ticker_new ("dc-video-mix", G_USEC_PER_SEC / mixer->params.framerate,
                                 on_tick, mixer);
  return dc_ticker_start (mixer->ticker, error);
}

/* The tick first (joined: nothing is pushed any more), then whatever encoder is still in use. */
void
dc_video_mixer_free (DcVideoMixer *mixer)
{
  if (mixer == NULL)
    return;
  g_clear_pointer (&mixer->ticker, dc_ticker_free);
  EncoderBranch *left[DC_VIDEO_BRANCHES_MAX];
  g_mutex_lock (&mixer->lock);
  for (guint i = 0; i < DC_VIDEO_BRANCHES_MAX; i++)
    left[i] = g_steal_pointer (&mixer->branches[i]);
  g_mutex_unlock (&mixer->lock);
  for (guint i = 0; i < DC_VIDEO_BRANCHES_MAX; i++)
    branch_free (left[i]);
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

gboolean
dc_video_mixer_use_codec (DcVideoMixer *mixer, const DcVideoCodec *codec, guint tier,
                          GError **error)
{
  g_return_val_if_fail (mixer != NULL && codec != NULL, FALSE);
  g_return_val_if_fail (tier < mixer->params.n_tiers, FALSE);
  g_mutex_lock (&mixer->lock);
  int index = find_branch (mixer, codec, tier);
  if (index >= 0)
    mixer->branches[index]->users++;
  g_mutex_unlock (&mixer->lock);
  if (index >= 0)
    return TRUE;

  /* Only the main context adds or removes branches, so the codec is still absent here. */
  EncoderBranch *branch = branch_new (mixer, codec, tier, error);
  if (branch == NULL)
    return FALSE;
  branch->users = 1;
  g_mutex_lock (&mixer->lock);
  index = free_index (mixer);
  if (index >= 0)
    mixer->branches[index] = branch;
  g_mutex_unlock (&mixer->lock);
  if (index < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "more than %d encoders at once",
                   DC_VIDEO_BRANCHES_MAX);
      branch_free (branch);
      return FALSE;
    }
  return TRUE;
}

void
dc_video_mixer_release_codec (DcVideoMixer *mixer, const DcVideoCodec *codec, guint tier)
{
  g_return_if_fail (mixer != NULL && codec != NULL);
  EncoderBranch *gone = NULL;
  g_mutex_lock (&mixer->lock);
  int index = find_branch (mixer, codec, tier);
  if (index >= 0 && --mixer->branches[index]->users == 0)
    gone = g_steal_pointer (&mixer->branches[index]);
  g_mutex_unlock (&mixer->lock);
  if (index < 0)
    g_critical ("%s: the %s tier %u encoder is not in use", G_STRFUNC, codec->name, tier);
  /* Outside the lock: the stop waits for the branch's streaming thread, which takes the lock to
   * count its frame. The tick no longer sees the branch. */
  branch_free (gone);
}

void
dc_video_mixer_set_slot (DcVideoMixer *mixer, guint index, const DcSlotLook *look)
{
  g_return_if_fail (index < mixer->params.n_slots && look != NULL && look->label != NULL);
  g_mutex_lock (&mixer->lock);
  VideoSlot *slot = &mixer->slots[index];
  gboolean moved = memcmp (&slot->rect, &look->rect, sizeof look->rect) != 0
                   || g_strcmp0 (slot->label, look->label) != 0;
  slot->rect = look->rect;
  g_free (slot->label);
  slot->label = g_strdup (look->label);
  if (look->presence != DC_PRESENCE_PRESENT)
    g_clear_pointer (&slot->latest, gst_sample_unref);
  slot->presence = look->presence;
  slot->video_allowed = look->video_allowed;
  slot->on_hold = look->on_hold;
  slot->highlight = look->highlight;
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
dc_video_mixer_request_keyframe (DcVideoMixer *mixer, const DcVideoCodec *codec, guint tier)
{
  g_mutex_lock (&mixer->lock);
  for (guint i = 0; i < DC_VIDEO_BRANCHES_MAX; i++)
    if (mixer->branches[i]
        && (codec == NULL
            || (mixer->branches[i]->codec == codec && mixer->branches[i]->tier == tier)))
      mixer->branches[i]->keyframe_wanted = TRUE;
  mixer->stats.keyframe_requests++;
  g_mutex_unlock (&mixer->lock);
}

void
dc_video_mixer_get_stats (DcVideoMixer *mixer, DcVideoMixerStats *stats)
{
  g_mutex_lock (&mixer->lock);
  *stats = mixer->stats;
  stats->encoders_running = 0;
  for (guint i = 0; i < DC_VIDEO_BRANCHES_MAX; i++)
    stats->encoders_running += mixer->branches[i] != NULL;
  g_mutex_unlock (&mixer->lock);
  stats->ticks_missed = mixer->ticker ? dc_ticker_get_missed (mixer->ticker) : 0;
}

gboolean
dc_video_mixer_get_encoder_stats (DcVideoMixer *mixer, const DcVideoCodec *codec, guint tier,
                                  DcVideoEncoderStats *stats)
{
  g_return_val_if_fail (mixer != NULL && codec != NULL && stats != NULL, FALSE);
  g_mutex_lock (&mixer->lock);
  int index = find_branch (mixer, codec, tier);
  if (index >= 0)
    *stats = (DcVideoEncoderStats) { .users = mixer->branches[index]->users,
                                     .frames_encoded = mixer->branches[index]->frames_encoded,
                                     .keyframes_forced = mixer->branches[index]->keyframes_forced };
  g_mutex_unlock (&mixer->lock);
  return index >= 0;
}

guint
dc_video_mixer_get_n_tiers (DcVideoMixer *mixer)
{
  return mixer->params.n_tiers;
}
