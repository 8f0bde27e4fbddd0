/* The camera a tile needs: the smallest ladder step that covers it. */
#include "send-limits.h"

static void
assert_limits (int tile_w, int tile_h, int w, int h, int kbps)
{
  DcSendLimits l = dc_send_limits_for_tile (tile_w, tile_h);
  g_assert_cmpint (l.width, ==, w);
  g_assert_cmpint (l.height, ==, h);
  g_assert_cmpint (l.kbps, ==, kbps);
}

static void
test_ladder (void)
{
  /* chair-large at 1280x720: the districts' thumbnails and the chair. */
  assert_limits (256, 144, 320, 180, 150);
  assert_limits (1024, 576, 1280, 720, 1500);
  /* A 3x3 grid's tiles, a thumbnail of a small canvas, a tile bigger than the ladder. */
  assert_limits (426, 240, 640, 360, 450);
  assert_limits (128, 72, 320, 180, 150);
  assert_limits (1920, 1080, 1280, 720, 1500);
  /* One side over the step is enough to need the next. */
  assert_limits (330, 100, 640, 360, 450);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/send-limits/ladder", test_ladder);
  return g_test_run ();
}
