/* The composition codec a WebRTC site gets from what it lists and what the gateway prefers. */
#include "codec-choice.h"

static const char *const both[] = { "vp8", "h264", NULL };

static const char *
choose (const char *preferred, const char *const *listed)
{
  return dc_codec_choice_for_site (preferred, listed, both);
}

static void
test_silent_site_gets_vp8 (void)
{
  g_assert_cmpstr (choose ("h264", NULL), ==, "vp8");
  g_assert_cmpstr (choose ("vp8", NULL), ==, "vp8");
  const char *const h264_only[] = { "h264", NULL };
  g_assert_null (dc_codec_choice_for_site ("h264", NULL, h264_only));
}

static void
test_preferred_wins_when_listed (void)
{
  const char *const vp8_first[] = { "vp8", "h264", NULL };
  g_assert_cmpstr (choose ("h264", vp8_first), ==, "h264");
  const char *const h264_first[] = { "H264", "VP8", NULL };
  g_assert_cmpstr (choose ("vp8", h264_first), ==, "vp8");
}

static void
test_site_order_otherwise (void)
{
  const char *const h264_only[] = { "h264", NULL };
  g_assert_cmpstr (choose ("vp8", h264_only), ==, "h264");
  const char *const unknown_first[] = { "av1", "vp9", "h264", "vp8", NULL };
  g_assert_cmpstr (choose ("none", unknown_first), ==, "h264");
}

static void
test_nothing_in_common (void)
{
  const char *const unknown[] = { "av1", "vp9", NULL };
  g_assert_null (choose ("vp8", unknown));
  const char *const empty[] = { NULL };
  g_assert_null (choose ("vp8", empty));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/codec-choice/silent-site", test_silent_site_gets_vp8);
  g_test_add_func ("/codec-choice/preferred", test_preferred_wins_when_listed);
  g_test_add_func ("/codec-choice/site-order", test_site_order_otherwise);
  g_test_add_func ("/codec-choice/nothing-in-common", test_nothing_in_common);
  return g_test_run ();
}
