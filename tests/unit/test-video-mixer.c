/* The composition's encoder: keyframe requests from many sites are coalesced into one keyframe,
 * and a request after the interval gets its own. */
#include <gst/gst.h>

#include "layout.h"
#include "video-mixer.h"

typedef struct
{
  GMutex lock;
  guint frames;
  guint keyframes;
} Output;

static void
on_output (GstBuffer *encoded, gpointer data)
{
  Output *out = data;
  g_mutex_lock (&out->lock);
  out->frames++;
  if (!GST_BUFFER_FLAG_IS_SET (encoded, GST_BUFFER_FLAG_DELTA_UNIT))
    out->keyframes++;
  g_mutex_unlock (&out->lock);
}

static guint
keyframes (Output *out)
{
  g_mutex_lock (&out->lock);
  guint n = out->keyframes;
  g_mutex_unlock (&out->lock);
  return n;
}

static DcVideoMixer *
start_mixer (Output *out)
{
  DcVideoMixerParams params = {
    .n_slots = 3,
    .width = 320,
    .height = 180,
    .framerate = 25,
    .bitrate_kbps = 300,
    .codec = dc_video_codec_find ("vp8"),
  };
  g_autoptr (GError) error = NULL;
  DcVideoMixer *mixer = dc_video_mixer_new (&params, on_output, out, &error);
  g_assert_no_error (error);
  DcRect rects[3];
  g_assert_true (dc_layout_compute (DC_LAYOUT_GRID, 320, 180, 3, rects));
  const char *names[] = { "UBND tỉnh Thái Nguyên", "Định Hóa", "Võ Nhai" };
  /* One site present (without video yet): the composition runs only when someone watches. */
  for (guint i = 0; i < 3; i++)
    dc_video_mixer_set_slot (mixer, i, &rects[i], names[i],
                             i == 0 ? DC_PRESENCE_PRESENT : DC_PRESENCE_ABSENT, TRUE, FALSE);
  g_assert_true (dc_video_mixer_start (mixer, &error));
  g_assert_no_error (error);
  return mixer;
}

static void
test_keyframe_requests_coalesce (void)
{
  Output out = { 0 };
  g_mutex_init (&out.lock);
  DcVideoMixer *mixer = start_mixer (&out);
  g_usleep (600 * 1000);
  guint first = keyframes (&out);
  g_assert_cmpuint (first, ==, 1); /* the stream starts with one */

  for (int i = 0; i < 9; i++) /* nine sites send a PLI at once */
    dc_video_mixer_request_keyframe (mixer);
  g_usleep (600 * 1000);
  g_assert_cmpuint (keyframes (&out), ==, first + 1);

  dc_video_mixer_request_keyframe (mixer);
  g_usleep (600 * 1000);
  g_assert_cmpuint (keyframes (&out), ==, first + 2);

  DcVideoMixerStats stats;
  dc_video_mixer_get_stats (mixer, &stats);
  g_assert_cmpuint (stats.keyframe_requests, ==, 10);
  g_assert_cmpuint (stats.keyframes_forced, ==, 2);
  /* About 1.8 s at 25 fps. */
  g_assert_cmpuint (stats.frames_composed, >=, 40);
  dc_video_mixer_free (mixer);
  g_assert_cmpuint (out.frames, >=, 40);
  g_mutex_clear (&out.lock);
}

static void
test_idle_composes_nothing (void)
{
  Output out = { 0 };
  g_mutex_init (&out.lock);
  DcVideoMixer *mixer = start_mixer (&out);
  DcRect rect = { 0, 0, 160, 90 };
  dc_video_mixer_set_slot (mixer, 0, &rect, "UBND tỉnh Thái Nguyên", DC_PRESENCE_LEFT, TRUE, FALSE);
  g_usleep (100 * 1000); /* a tick already under way finishes */
  DcVideoMixerStats stats;
  dc_video_mixer_get_stats (mixer, &stats);
  guint64 before = stats.frames_composed;
  g_usleep (400 * 1000);
  dc_video_mixer_get_stats (mixer, &stats);
  g_assert_cmpuint (stats.frames_composed, ==, before);
  dc_video_mixer_set_slot (mixer, 0, &rect, "UBND tỉnh Thái Nguyên", DC_PRESENCE_PRESENT, TRUE,
                           FALSE);
  g_usleep (400 * 1000);
  dc_video_mixer_get_stats (mixer, &stats);
  g_assert_cmpuint (stats.frames_composed, >, 5);
  dc_video_mixer_free (mixer);
  g_mutex_clear (&out.lock);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/video-mixer/keyframe-requests-coalesce", test_keyframe_requests_coalesce);
  g_test_add_func ("/video-mixer/idle-composes-nothing", test_idle_composes_nothing);
  return g_test_run ();
}
