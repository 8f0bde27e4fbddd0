/* The composition's encoders, driven in real time: one encoder per codec in use, all fed the
 * same composed frame; keyframe requests coalesced per codec; H.264 that decodes to the tiles
 * drawn and whose NALs each fit one RTP packet; a released encoder that falls silent at once
 * while the other runs on; use/release cycles that leave no thread or element behind. */
#include <gst/app/app.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <string.h>

#include "layout.h"
#include "video-mixer.h"

#define WIDTH 320
#define HEIGHT 180
#define FRAMERATE 25
#define PERIOD_US (G_USEC_PER_SEC / FRAMERATE)
#define TILE_COLOUR 0xc03030
#define MAX_NAL_SIZE 1200 /* the payloaders' MTU: mode 0 sends every NAL in one packet */
#define KEPT_FRAMES 12

/* What one codec's output looked like. */
typedef struct
{
  guint frames;
  guint keyframes;
  gboolean released;      /* set once release returned */
  guint frames_after_release;
  gint64 last_at;
  gint64 max_gap_us;      /* between arrivals, while watching */
  gboolean watching_gaps;
  guint mark;             /* frames when the test set its mark */
  int first_keyframe_since_mark; /* index after the mark, -1 if none yet */
  gsize max_nal;
  gsize max_frame;
  GPtrArray *kept;        /* encoded frames from the first keyframe on, up to KEPT_FRAMES */
} Stream;

typedef struct
{
  GMutex lock;
  const DcVideoCodec *vp8, *h264;
  Stream streams[2]; /* [0] VP8, [1] H.264 */
} Output;

/* The size of the largest NAL in an Annex B byte stream (start codes excluded). */
static gsize
largest_nal (const guint8 *data, gsize size)
{
  gsize largest = 0, start = 0;
  gboolean in_nal = FALSE;
  for (gsize i = 0; i + 2 < size; i++)
    {
      if (data[i] != 0 || data[i + 1] != 0 || data[i + 2] != 1)
        continue;
      if (in_nal)
        {
          gsize end = i > 0 && data[i - 1] == 0 ? i - 1 : i; /* a four-byte start code */
          largest = MAX (largest, end - start);
        }
      start = i + 3;
      in_nal = TRUE;
      i += 2;
    }
  if (in_nal)
    largest = MAX (largest, size - start);
  return largest;
}

static void
note_frame (Output *out, Stream *s, const DcVideoCodec *codec, GstBuffer *encoded)
{
  gboolean key = !GST_BUFFER_FLAG_IS_SET (encoded, GST_BUFFER_FLAG_DELTA_UNIT);
  gint64 now = g_get_monotonic_time ();
  if (s->watching_gaps && s->last_at)
    s->max_gap_us = MAX (s->max_gap_us, now - s->last_at);
  s->last_at = now;
  if (key && s->first_keyframe_since_mark < 0 && s->frames >= s->mark)
    s->first_keyframe_since_mark = s->frames - s->mark;
  s->frames++;
  s->keyframes += key;
  if (s->released)
    s->frames_after_release++;
  s->max_frame = MAX (s->max_frame, gst_buffer_get_size (encoded));
  if (codec == out->h264)
    {
      GstMapInfo map;
      g_assert_true (gst_buffer_map (encoded, &map, GST_MAP_READ));
      s->max_nal = MAX (s->max_nal, largest_nal (map.data, map.size));
      gst_buffer_unmap (encoded, &map);
    }
  if ((key || s->kept->len > 0) && s->kept->len < KEPT_FRAMES)
    g_ptr_array_add (s->kept, gst_buffer_ref (encoded));
}

static void
on_output (const DcVideoCodec *codec, guint tier, GstBuffer *encoded, gpointer data)
{
  Output *out = data;
  g_assert_true (codec == out->vp8 || codec == out->h264);
  g_mutex_lock (&out->lock);
  note_frame (out, &out->streams[codec == out->h264], codec, encoded);
  g_mutex_unlock (&out->lock);
}

static void
output_init (Output *out)
{
  *out = (Output) { .vp8 = dc_video_codec_find ("vp8"), .h264 = dc_video_codec_find ("h264") };
  g_mutex_init (&out->lock);
  for (guint i = 0; i < 2; i++)
    out->streams[i].kept = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref);
}

static void
output_clear (Output *out)
{
  for (guint i = 0; i < 2; i++)
    g_ptr_array_unref (out->streams[i].kept);
  g_mutex_clear (&out->lock);
}

/* A copy of one stream's figures, taken under the lock. */
static Stream
stream_get (Output *out, const DcVideoCodec *codec)
{
  g_mutex_lock (&out->lock);
  Stream s = out->streams[codec == out->h264];
  g_mutex_unlock (&out->lock);
  return s;
}

static void
stream_mark (Output *out, const DcVideoCodec *codec)
{
  g_mutex_lock (&out->lock);
  Stream *s = &out->streams[codec == out->h264];
  s->mark = s->frames;
  s->first_keyframe_since_mark = -1;
  g_mutex_unlock (&out->lock);
}

/* Waits (up to two seconds) until the codec's output has delivered n frames in all. */
static gboolean
wait_frames (Output *out, const DcVideoCodec *codec, guint n)
{
  for (int i = 0; i < 200; i++)
    {
      if (stream_get (out, codec).frames >= n)
        return TRUE;
      g_usleep (10 * 1000);
    }
  return FALSE;
}

/* An I420 sample of one size: one colour, or noise (a keyframe of it needs many slices). */
static GstSample *
tile_sample (int width, int height, guint32 rgb, gboolean noise)
{
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, width, height);
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  GstVideoFrame frame;
  g_assert_true (gst_video_frame_map (&frame, &info, buffer, GST_MAP_WRITE));
  guint8 yuv[3];
  dc_rgb_to_yuv (rgb, &yuv[0], &yuv[1], &yuv[2]);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  for (int p = 0; p < 3; p++)
    for (int row = 0; row < GST_VIDEO_FRAME_COMP_HEIGHT (&frame, p); row++)
      {
        guint8 *line = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, p)
                       + row * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, p);
        for (int x = 0; x < GST_VIDEO_FRAME_COMP_WIDTH (&frame, p); x++)
          line[x] = noise ? (guint8) g_rand_int_range (rand, 16, 236) : yuv[p];
      }
  gst_video_frame_unmap (&frame);
  g_autoptr (GstCaps) caps = gst_video_info_to_caps (&info);
  GstSample *sample = gst_sample_new (buffer, caps, NULL, NULL);
  gst_buffer_unref (buffer);
  return sample;
}

/* A mixer with three slots: slot 0 present (with a coloured tile and slot 1 with a noise tile
 * when with_tiles, else without video), slot 2 absent. Not started. */
static DcVideoMixer *
new_mixer (Output *out, gboolean with_tiles, DcRect *rects)
{
  DcVideoMixerParams params = {
    .n_slots = 3,
    .width = WIDTH,
    .height = HEIGHT,
    .framerate = FRAMERATE,
    .bitrate_kbps = 300,
  };
  g_autoptr (GError) error = NULL;
  DcVideoMixer *mixer = dc_video_mixer_new (&params, on_output, out, &error);
  g_assert_no_error (error);
  g_assert_true (dc_layout_compute (DC_LAYOUT_GRID, WIDTH, HEIGHT, 3, rects));
  const char *names[] = { "UBND tỉnh Thái Nguyên", "Định Hóa", "Võ Nhai" };
  for (guint i = 0; i < 3; i++)
    {
      gboolean present = i == 0 || (with_tiles && i == 1);
      DcSlotLook look = { .rect = rects[i], .label = names[i],
                          .presence = present ? DC_PRESENCE_PRESENT : DC_PRESENCE_ABSENT,
                          .video_allowed = TRUE };
      dc_video_mixer_set_slot (mixer, i, &look);
      if (!with_tiles || !present)
        continue;
      g_autoptr (GstSample) sample = tile_sample (rects[i].width, rects[i].height, TILE_COLOUR,
                                                  i == 1);
      dc_video_mixer_put_frame (mixer, i, sample);
    }
  return mixer;
}

static void
use (DcVideoMixer *mixer, const DcVideoCodec *codec)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (dc_video_mixer_use_codec (mixer, codec, 0, &error));
  g_assert_no_error (error);
}

static void
start (DcVideoMixer *mixer)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (dc_video_mixer_start (mixer, &error));
  g_assert_no_error (error);
}

/* Decodes H.264 access units (from a keyframe on) and returns the last picture's colour at
 * (x, y); every unit must decode. */
static guint32
decode_h264_colour_at (GPtrArray *units, int x, int y)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (
      "appsrc name=src format=time "
      "caps=video/x-h264,stream-format=byte-stream,alignment=au ! "
      "h264parse ! avdec_h264 ! videoconvert ! video/x-raw,format=I420 ! "
      "appsink name=sink sync=false", &error);
  g_assert_no_error (error);
  g_autoptr (GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < units->len; i++)
    gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_ref (units->pdata[i]));
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  GstSample *last = NULL;
  guint decoded = 0;
  GstSample *sample;
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 5 * GST_SECOND)))
    {
      decoded++;
      g_clear_pointer (&last, gst_sample_unref);
      last = sample;
    }
  g_assert_cmpuint (decoded, ==, units->len);
  GstVideoInfo info;
  g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (last)));
  g_assert_cmpint (GST_VIDEO_INFO_WIDTH (&info), ==, WIDTH);
  GstVideoFrame frame;
  g_assert_true (gst_video_frame_map (&frame, &info, gst_sample_get_buffer (last), GST_MAP_READ));
  const guint8 *planes[3];
  for (int p = 0; p < 3; p++)
    planes[p] = GST_VIDEO_FRAME_PLANE_DATA (&frame, p);
  guint32 rgb = dc_yuv_to_rgb (planes[0][y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0) + x],
                               planes[1][(y / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 1) + x / 2],
                               planes[2][(y / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 2) + x / 2]);
  gst_video_frame_unmap (&frame);
  gst_sample_unref (last);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return rgb;
}

static void
assert_rgb_near (guint32 got, guint32 want, int tolerance)
{
  for (int shift = 0; shift <= 16; shift += 8)
    {
      int g = (got >> shift) & 0xff, w = (want >> shift) & 0xff;
      if (ABS (g - w) > tolerance)
        g_error ("colour %06x, expected %06x (within %d)", got, want, tolerance);
    }
}

static void
test_keyframe_requests_coalesce (void)
{
  Output out;
  output_init (&out);
  DcRect rects[3];
  DcVideoMixer *mixer = new_mixer (&out, FALSE, rects);
  use (mixer, out.vp8);
  start (mixer);
  g_usleep (600 * 1000);
  guint first = stream_get (&out, out.vp8).keyframes;
  g_assert_cmpuint (first, ==, 1); /* the stream starts with one */

  for (int i = 0; i < 9; i++) /* nine sites send a PLI at once */
    dc_video_mixer_request_keyframe (mixer, out.vp8, 0);
  g_usleep (600 * 1000);
  g_assert_cmpuint (stream_get (&out, out.vp8).keyframes, ==, first + 1);

  dc_video_mixer_request_keyframe (mixer, NULL, 0);
  g_usleep (600 * 1000);
  g_assert_cmpuint (stream_get (&out, out.vp8).keyframes, ==, first + 2);

  DcVideoMixerStats stats;
  dc_video_mixer_get_stats (mixer, &stats);
  g_assert_cmpuint (stats.keyframe_requests, ==, 10);
  g_assert_cmpuint (stats.keyframes_forced, ==, 2);
  g_assert_cmpuint (stats.encoders_running, ==, 1);
  /* About 1.8 s at 25 fps. */
  g_assert_cmpuint (stats.frames_composed, >=, 40);
  dc_video_mixer_release_codec (mixer, out.vp8, 0);
  dc_video_mixer_free (mixer);
  g_assert_cmpuint (out.streams[0].frames, >=, 40);
  output_clear (&out);
}

static guint64
frames_composed (DcVideoMixer *mixer)
{
  DcVideoMixerStats stats;
  dc_video_mixer_get_stats (mixer, &stats);
  return stats.frames_composed;
}

/* Nothing is composed while nobody is present, nor while no codec is in use. */
static void
test_idle_composes_nothing (void)
{
  Output out;
  output_init (&out);
  DcRect rects[3];
  DcVideoMixer *mixer = new_mixer (&out, FALSE, rects);
  start (mixer);
  g_usleep (200 * 1000);
  g_assert_cmpuint (frames_composed (mixer), ==, 0); /* someone present, no encoder */
  use (mixer, out.vp8);
  DcRect rect = { 0, 0, 160, 90 };
  DcSlotLook look = { .rect = rect, .label = "UBND tỉnh Thái Nguyên",
                      .presence = DC_PRESENCE_LEFT, .video_allowed = TRUE };
  dc_video_mixer_set_slot (mixer, 0, &look);
  g_usleep (100 * 1000); /* a tick already under way finishes */
  guint64 before = frames_composed (mixer);
  g_usleep (400 * 1000);
  g_assert_cmpuint (frames_composed (mixer), ==, before);
  look.presence = DC_PRESENCE_PRESENT;
  dc_video_mixer_set_slot (mixer, 0, &look);
  g_usleep (400 * 1000);
  g_assert_cmpuint (frames_composed (mixer), >, 5);
  dc_video_mixer_release_codec (mixer, out.vp8, 0);
  g_usleep (100 * 1000);
  before = frames_composed (mixer);
  g_usleep (300 * 1000);
  g_assert_cmpuint (frames_composed (mixer), ==, before);
  dc_video_mixer_free (mixer);
  output_clear (&out);
}

/* VP8 and H.264 at once: both deliver every composed frame; the H.264 decodes to the tile's
 * colour at the tile's place, and none of its NALs is larger than one RTP packet. */
static void
test_two_codecs (void)
{
  Output out;
  output_init (&out);
  DcRect rects[3];
  DcVideoMixer *mixer = new_mixer (&out, TRUE, rects);
  use (mixer, out.vp8);
  use (mixer, out.h264);
  start (mixer);
  g_assert_true (wait_frames (&out, out.vp8, 25));
  g_assert_true (wait_frames (&out, out.h264, 25));

  DcVideoEncoderStats vp8, h264;
  g_assert_true (dc_video_mixer_get_encoder_stats (mixer, out.vp8, 0, &vp8));
  g_assert_true (dc_video_mixer_get_encoder_stats (mixer, out.h264, 0, &h264));
  DcVideoMixerStats stats;
  dc_video_mixer_get_stats (mixer, &stats);
  g_assert_cmpuint (stats.encoders_running, ==, 2);
  g_assert_cmpuint (vp8.users, ==, 1);
  g_assert_cmpuint (stats.frames_encoded, >=, vp8.frames_encoded + h264.frames_encoded);
  dc_video_mixer_release_codec (mixer, out.h264, 0);
  dc_video_mixer_release_codec (mixer, out.vp8, 0);
  dc_video_mixer_get_stats (mixer, &stats);
  dc_video_mixer_free (mixer);

  Stream s264 = out.streams[1], s8 = out.streams[0];
  g_test_message ("composed %" G_GUINT64_FORMAT ", vp8 %u frames (largest %" G_GSIZE_FORMAT
                  " bytes), h264 %u frames (largest %" G_GSIZE_FORMAT " bytes, largest NAL %"
                  G_GSIZE_FORMAT ")", stats.frames_composed, s8.frames, s8.max_frame,
                  s264.frames, s264.max_frame, s264.max_nal);
  /* Each composed frame went to both encoders (the leaky queues may drop one now and then). */
  g_assert_cmpuint (s264.frames + 3, >=, stats.frames_composed);
  g_assert_cmpuint (s8.frames + 3, >=, stats.frames_composed);
  g_assert_cmpuint (s264.keyframes, ==, 1);
  g_assert_cmpuint (s264.max_frame, >, MAX_NAL_SIZE); /* the keyframe really was sliced */
  g_assert_cmpuint (s264.max_nal, <=, MAX_NAL_SIZE);
  g_assert_cmpuint (s264.max_nal, >, 0);

  g_assert_cmpuint (s264.kept->len, ==, KEPT_FRAMES);
  guint32 rgb = decode_h264_colour_at (s264.kept, rects[0].x + rects[0].width / 2,
                                       rects[0].y + rects[0].height / 2);
  assert_rgb_near (rgb, TILE_COLOUR, 12);
  output_clear (&out);
}

/* Releasing H.264 silences it at once (nothing after release returns) and does not hold up the
 * VP8 stream; the release itself takes a few milliseconds of the caller's time. */
static void
test_release_keeps_other_codec (void)
{
  Output out;
  output_init (&out);
  DcRect rects[3];
  DcVideoMixer *mixer = new_mixer (&out, TRUE, rects);
  use (mixer, out.vp8);
  use (mixer, out.h264);
  use (mixer, out.h264); /* two H.264 sites */
  start (mixer);
  g_assert_true (wait_frames (&out, out.h264, 10));

  dc_video_mixer_release_codec (mixer, out.h264, 0);
  guint h264_frames = stream_get (&out, out.h264).frames;
  g_assert_true (wait_frames (&out, out.h264, h264_frames + 5)); /* one user left: still on */

  g_mutex_lock (&out.lock);
  out.streams[0].watching_gaps = TRUE;
  g_mutex_unlock (&out.lock);
  g_usleep (200 * 1000);
  gint64 before = g_get_monotonic_time ();
  dc_video_mixer_release_codec (mixer, out.h264, 0);
  gint64 took = g_get_monotonic_time () - before;
  g_mutex_lock (&out.lock);
  out.streams[1].released = TRUE;
  g_mutex_unlock (&out.lock);
  guint vp8_frames = stream_get (&out, out.vp8).frames;
  g_assert_true (wait_frames (&out, out.vp8, vp8_frames + 10));

  DcVideoMixerStats stats;
  dc_video_mixer_get_stats (mixer, &stats);
  g_assert_cmpuint (stats.encoders_running, ==, 1);
  DcVideoEncoderStats unused;
  g_assert_false (dc_video_mixer_get_encoder_stats (mixer, out.h264, 0, &unused));
  dc_video_mixer_release_codec (mixer, out.vp8, 0);
  dc_video_mixer_free (mixer);
  g_test_message ("release took %" G_GINT64_FORMAT " us; largest VP8 gap %" G_GINT64_FORMAT
                  " us", took, out.streams[0].max_gap_us);
  g_assert_cmpuint (out.streams[1].frames_after_release, ==, 0);
  g_assert_cmpint (out.streams[0].max_gap_us, <, 3 * PERIOD_US);
  g_assert_cmpint (took, <, 500 * 1000);
  output_clear (&out);
}

/* Waits for the codec to deliver a few frames after a mark; returns the index, counted from
 * the mark, of the first keyframe among them (-1: none). */
static int
keyframe_after (Output *out, const DcVideoCodec *codec)
{
  guint mark = stream_get (out, codec).mark;
  g_assert_true (wait_frames (out, codec, mark + 8));
  return stream_get (out, codec).first_keyframe_since_mark;
}

/* The first frame out may have been inside the encoder already when the request came. */
static void
assert_keyframe_soon (int index, gboolean asked)
{
  if (!asked)
    {
      g_assert_cmpint (index, ==, -1);
      return;
    }
  g_assert_cmpint (index, >=, 0);
  g_assert_cmpint (index, <=, 1);
}

/* A request for one codec forces a keyframe on that codec's very next frames, and on no other;
 * NULL asks every encoder. */
static void
test_keyframe_per_codec (void)
{
  Output out;
  output_init (&out);
  DcRect rects[3];
  DcVideoMixer *mixer = new_mixer (&out, TRUE, rects);
  use (mixer, out.vp8);
  use (mixer, out.h264);
  start (mixer);
  g_assert_true (wait_frames (&out, out.h264, 10));
  g_usleep (300 * 1000); /* past the interval the opening keyframe started */

  const DcVideoCodec *order[] = { out.h264, out.vp8, NULL };
  for (guint round = 0; round < G_N_ELEMENTS (order); round++)
    {
      const DcVideoCodec *asked = order[round];
      stream_mark (&out, out.vp8);
      stream_mark (&out, out.h264);
      dc_video_mixer_request_keyframe (mixer, asked, 0);
      int vp8 = keyframe_after (&out, out.vp8), h264 = keyframe_after (&out, out.h264);
      g_test_message ("asked %s: first keyframe after %d (vp8), %d (h264) frames",
                      asked ? asked->name : "all", vp8, h264);
      assert_keyframe_soon (vp8, asked == NULL || asked == out.vp8);
      assert_keyframe_soon (h264, asked == NULL || asked == out.h264);
      g_usleep (350 * 1000); /* the next request is not coalesced with this one */
    }
  DcVideoEncoderStats vp8, h264;
  g_assert_true (dc_video_mixer_get_encoder_stats (mixer, out.vp8, 0, &vp8));
  g_assert_true (dc_video_mixer_get_encoder_stats (mixer, out.h264, 0, &h264));
  g_assert_cmpuint (vp8.keyframes_forced, ==, 2);
  g_assert_cmpuint (h264.keyframes_forced, ==, 2);
  dc_video_mixer_release_codec (mixer, out.h264, 0);
  dc_video_mixer_release_codec (mixer, out.vp8, 0);
  dc_video_mixer_free (mixer);
  output_clear (&out);
}

static int
count_threads (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  int n = 0;
  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

/* The leaks tracer main() asks for, or NULL. */
static GstTracer *
leaks_tracer (void)
{
  GList *tracers = gst_tracing_get_active_tracers ();
  GstTracer *found = NULL;
  for (GList *l = tracers; l && !found; l = l->next)
    if (g_strcmp0 (G_OBJECT_TYPE_NAME (l->data), "GstLeaksTracer") == 0)
      found = gst_object_ref (l->data);
  g_list_free_full (tracers, gst_object_unref);
  return found;
}

/* Elements created and destroyed since tracking started (the tracer follows elements only). */
static void
element_activity (GstTracer *tracer, guint *created, guint *removed)
{
  GstStructure *checkpoint = NULL;
  g_signal_emit_by_name (tracer, "activity-get-checkpoint", &checkpoint);
  *created = gst_value_list_get_size (gst_structure_get_value (checkpoint,
                                                               "objects-created-list"));
  *removed = gst_value_list_get_size (gst_structure_get_value (checkpoint,
                                                               "objects-removed-list"));
  gst_structure_free (checkpoint);
}

/* Twenty H.264 uses and releases while VP8 streams: afterwards no thread and no element more
 * than before, and the VP8 stream never stalled. */
static void
test_use_release_cycles (void)
{
  Output out;
  output_init (&out);
  DcRect rects[3];
  DcVideoMixer *mixer = new_mixer (&out, TRUE, rects);
  use (mixer, out.vp8);
  start (mixer);
  /* One cycle first, so GStreamer's lasting threads (task pool, x264's) exist already. */
  use (mixer, out.h264);
  g_assert_true (wait_frames (&out, out.h264, 3));
  dc_video_mixer_release_codec (mixer, out.h264, 0);
  g_usleep (100 * 1000);
  int threads = count_threads ();
  g_autoptr (GstTracer) tracer = leaks_tracer ();
  if (tracer)
    g_signal_emit_by_name (tracer, "activity-start-tracking");

  g_mutex_lock (&out.lock);
  out.streams[0].watching_gaps = TRUE;
  g_mutex_unlock (&out.lock);
  for (int i = 0; i < 20; i++)
    {
      use (mixer, out.h264);
      guint frames = stream_get (&out, out.h264).frames;
      if (i % 4 == 0) /* some cycles stream a while, the others stop at once */
        g_assert_true (wait_frames (&out, out.h264, frames + 3));
      dc_video_mixer_release_codec (mixer, out.h264, 0);
    }
  g_usleep (200 * 1000);
  int threads_after = count_threads ();
  guint created = 0, removed = 0;
  if (tracer)
    {
      element_activity (tracer, &created, &removed);
      g_signal_emit_by_name (tracer, "activity-stop-tracking");
    }
  DcVideoMixerStats stats;
  dc_video_mixer_get_stats (mixer, &stats);
  g_test_message ("threads %d -> %d, elements created %u, destroyed %u, largest VP8 gap %"
                  G_GINT64_FORMAT " us", threads, threads_after, created, removed,
                  stream_get (&out, out.vp8).max_gap_us);
  g_assert_cmpuint (stats.encoders_running, ==, 1);
  g_assert_cmpint (threads_after, <=, threads + 2);
  if (tracer)
    {
      g_assert_cmpuint (created, >=, 20 * 5); /* each cycle's pipeline and its elements */
      g_assert_cmpuint (removed, ==, created);
    }
  else
    g_test_message ("no leaks tracer: elements not counted");
  g_assert_cmpint (stream_get (&out, out.vp8).max_gap_us, <, 3 * PERIOD_US);
  dc_video_mixer_release_codec (mixer, out.vp8, 0);
  dc_video_mixer_free (mixer);
  output_clear (&out);
}

int
main (int argc, char **argv)
{
  /* Elements only: buffers are not tracked, so the tracer costs little. */
  g_setenv ("GST_TRACERS", "leaks(filters=GstElement)", FALSE);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/video-mixer/keyframe-requests-coalesce", test_keyframe_requests_coalesce);
  g_test_add_func ("/video-mixer/idle-composes-nothing", test_idle_composes_nothing);
  g_test_add_func ("/video-mixer/two-codecs", test_two_codecs);
  g_test_add_func ("/video-mixer/release-keeps-other-codec", test_release_keeps_other_codec);
  g_test_add_func ("/video-mixer/keyframe-per-codec", test_keyframe_per_codec);
  g_test_add_func ("/video-mixer/use-release-cycles", test_use_release_cycles);
  return g_test_run ();
}
