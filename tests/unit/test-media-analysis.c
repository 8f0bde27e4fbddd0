/* The client's measurements: tone levels, tile colours and gap statistics on known input. */
#include "media-analysis.h"

#include <math.h>

#define RATE 48000.0

static float *
make_sines (gsize n, const double *freqs, const double *amps, int n_tones)
{
  float *buf = g_new0 (float, n);
  for (gsize i = 0; i < n; i++)
    for (int t = 0; t < n_tones; t++)
      buf[i] += (float)(amps[t] * sin (2.0 * G_PI * freqs[t] * (double)i / RATE + 0.3 * t));
  return buf;
}

static void
test_goertzel_single_tone (void)
{
  const double freq = 440.0, amp = 0.3; /* -10.46 dBFS, the test tone volume */
  gsize n = 2 * (gsize)RATE;
  g_autofree float *buf = make_sines (n, &freq, &amp, 1);

  double present = dc_goertzel_dbfs (buf, n, RATE, 440.0);
  g_assert_cmpfloat_with_epsilon (present, 20.0 * log10 (amp), 0.2);

  /* Neighbouring probe frequencies of other sites must read as absent. */
  g_assert_cmpfloat (dc_goertzel_dbfs (buf, n, RATE, 523.0), <, -60.0);
  g_assert_cmpfloat (dc_goertzel_dbfs (buf, n, RATE, 660.0), <, -60.0);
  g_assert_cmpfloat (dc_goertzel_dbfs (buf, n, RATE, 1000.0), <, -60.0);
}

static void
test_goertzel_mix (void)
{
  /* A mix-minus of three sites with tones at different levels; a fourth tone is not in it. */
  const double freqs[] = { 523.0, 659.0, 784.0 };
  const double amps[] = { 0.3, 0.1, 0.05 };
  gsize n = 2 * (gsize)RATE;
  g_autofree float *buf = make_sines (n, freqs, amps, 3);

  for (int t = 0; t < 3; t++)
    g_assert_cmpfloat_with_epsilon (dc_goertzel_dbfs (buf, n, RATE, freqs[t]),
                                    20.0 * log10 (amps[t]), 0.3);
  g_assert_cmpfloat (dc_goertzel_dbfs (buf, n, RATE, 440.0), <, -60.0);
  g_assert_cmpfloat (dc_goertzel_dbfs (buf, n, RATE, 880.0), <, -60.0);
}

static void
test_goertzel_silence_and_edges (void)
{
  g_autofree float *zeros = g_new0 (float, 4800);
  g_assert_cmpfloat (dc_goertzel_dbfs (zeros, 4800, RATE, 440.0), ==, DC_LEVEL_FLOOR_DBFS);
  g_assert_cmpfloat (dc_goertzel_dbfs (NULL, 0, RATE, 440.0), ==, DC_LEVEL_FLOOR_DBFS);
  /* At or above Nyquist there is nothing to measure. */
  g_assert_cmpfloat (dc_goertzel_dbfs (zeros, 4800, RATE, 24000.0), ==, DC_LEVEL_FLOOR_DBFS);
}

static void
test_rms (void)
{
  const double freq = 1000.0, amp = 0.5;
  gsize n = (gsize)RATE;
  g_autofree float *buf = make_sines (n, &freq, &amp, 1);
  /* RMS of a sine is A / sqrt(2). */
  g_assert_cmpfloat_with_epsilon (dc_rms_dbfs (buf, n), 20.0 * log10 (amp / sqrt (2.0)), 0.05);
  g_assert_cmpfloat (dc_rms_dbfs (buf, 0), ==, DC_LEVEL_FLOOR_DBFS);
}

/* A 2x2 layout of solid tiles, each with a white label bar in its bottom fifth. */
static guint8 *
make_frame (int w, int h, int stride, const DcRgb colours[4])
{
  guint8 *data = g_malloc0 ((gsize)stride * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int tx = x < w / 2 ? 0 : 1, ty = y < h / 2 ? 0 : 1;
        int local_y = y - ty * (h / 2);
        DcRgb c = colours[ty * 2 + tx];
        if (local_y >= (h / 2) * 4 / 5)
          c = (DcRgb){ 255, 255, 255 };
        guint8 *p = data + (gsize)y * stride + 3 * x;
        p[0] = c.r;
        p[1] = c.g;
        p[2] = c.b;
      }
  return data;
}

static void
test_tile_colours (void)
{
  const DcRgb colours[4]
      = { { 0xC0, 0x30, 0x30 }, { 0x30, 0xC0, 0x30 }, { 0x30, 0x30, 0xC0 }, { 0xE0, 0xE0, 0x20 } };
  int w = 320, h = 180, stride = 320 * 3 + 4; /* padded rows, as video frames often have */
  g_autofree guint8 *frame = make_frame (w, h, stride, colours);
  const char *expected[4] = { "C03030", "30C030", "3030C0", "E0E020" };

  /* Layout announced in 1280x720 coordinates, frame received at 320x180. */
  for (int i = 0; i < 4; i++)
    {
      int lx = (i % 2) * 640, ly = (i / 2) * 360, cx, cy;
      dc_tile_sample_point (lx, ly, 640, 360, 1280, 720, w, h, &cx, &cy);
      g_assert_cmpint (cx, ==, (i % 2) * 160 + 80);
      g_assert_cmpint (cy, ==, (i / 2) * 90 + 36);
      DcRgb got;
      g_assert_true (dc_rgb_sample_square (frame, w, h, stride, cx, cy, 4, &got));
      char hex[7];
      dc_rgb_to_hex (&got, hex);
      g_assert_cmpstr (hex, ==, expected[i]);
    }

  /* Sampling at the tile's vertical centre line still misses the label bar; sampling inside the
   * bar reads white, which is why the sample point sits at 40% of the height. */
  DcRgb bar;
  g_assert_true (dc_rgb_sample_square (frame, w, h, stride, 80, 85, 1, &bar));
  g_assert_cmpint (bar.r, ==, 255);
  g_assert_cmpint (bar.g, ==, 255);

  /* A square that crosses a tile boundary averages both colours. */
  DcRgb mixed;
  g_assert_true (dc_rgb_sample_square (frame, w, h, stride, 160, 40, 0, &mixed));
  g_assert_cmpint (mixed.g, ==, 0xC0);
  g_assert_true (dc_rgb_sample_square (frame, w, h, stride, 159, 40, 0, &mixed));
  g_assert_cmpint (mixed.r, ==, 0xC0);

  /* Corners clip; outside the frame fails. */
  DcRgb corner;
  g_assert_true (dc_rgb_sample_square (frame, w, h, stride, 0, 0, 5, &corner));
  g_assert_cmpint (corner.r, ==, 0xC0);
  g_assert_false (dc_rgb_sample_square (frame, w, h, stride, w, 10, 2, &corner));
  g_assert_false (dc_rgb_sample_square (frame, w, h, stride, 10, -1, 2, &corner));
}

static void
test_hex (void)
{
  DcRgb c;
  g_assert_true (dc_rgb_from_hex ("1a2B3c", &c));
  g_assert_cmpint (c.r, ==, 0x1A);
  g_assert_cmpint (c.g, ==, 0x2B);
  g_assert_cmpint (c.b, ==, 0x3C);
  g_assert_true (dc_rgb_from_hex ("#FF0080", &c));
  g_assert_cmpint (c.b, ==, 0x80);
  g_assert_false (dc_rgb_from_hex ("FF00", &c));
  g_assert_false (dc_rgb_from_hex ("GG0000", &c));
  g_assert_false (dc_rgb_from_hex (NULL, &c));
  char hex[7];
  dc_rgb_to_hex (&(DcRgb){ 0, 0x7F, 0xFF }, hex);
  g_assert_cmpstr (hex, ==, "007FFF");
}

static void
test_gap_stats (void)
{
  DcGapStats s;
  dc_gap_stats_init (&s);
  g_assert_cmpfloat (dc_gap_stats_age_ms (&s, 1000), ==, -1.0);
  g_assert_cmpfloat (dc_gap_stats_max_gap_ms (&s), ==, 0.0);

  /* The wait before the first frame is not a gap. */
  dc_gap_stats_add (&s, 5000000);
  g_assert_cmpfloat (dc_gap_stats_max_gap_ms (&s), ==, 0.0);
  /* 15 fps with one 400 ms stall. */
  gint64 t = 5000000;
  for (int i = 0; i < 30; i++)
    dc_gap_stats_add (&s, t += 66667);
  dc_gap_stats_add (&s, t += 400000);
  for (int i = 0; i < 10; i++)
    dc_gap_stats_add (&s, t += 66667);
  g_assert_cmpuint (s.count, ==, 42);
  g_assert_cmpfloat_with_epsilon (dc_gap_stats_max_gap_ms (&s), 400.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (dc_gap_stats_age_ms (&s, t + 250000), 250.0, 1e-9);
  /* Windows: the stall in the first one; the next holds only the frame spacing, and one still
   * open when the window is taken counts too. */
  g_assert_cmpfloat_with_epsilon (dc_gap_stats_take_window (&s, t + 1000), 400.0, 1e-9);
  for (int i = 0; i < 5; i++)
    dc_gap_stats_add (&s, t += 66667);
  g_assert_cmpfloat_with_epsilon (dc_gap_stats_take_window (&s, t + 1000), 66.667, 1e-9);
  g_assert_cmpfloat_with_epsilon (dc_gap_stats_take_window (&s, t + 900000), 900.0, 1e-9);
}

static void
test_sample_ring (void)
{
  DcSampleRing ring;
  dc_sample_ring_init (&ring, 8);
  float out[8];
  g_assert_cmpuint (dc_sample_ring_copy (&ring, out, 8), ==, 0);

  float a[5] = { 1, 2, 3, 4, 5 };
  dc_sample_ring_push (&ring, a, 5);
  g_assert_cmpuint (dc_sample_ring_copy (&ring, out, 8), ==, 5);
  g_assert_cmpfloat (out[0], ==, 1);
  g_assert_cmpfloat (out[4], ==, 5);

  /* Wraps: the oldest samples are dropped. */
  float b[6] = { 6, 7, 8, 9, 10, 11 };
  dc_sample_ring_push (&ring, b, 6);
  g_assert_cmpuint (dc_sample_ring_copy (&ring, out, 8), ==, 8);
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (out[i], ==, 4 + i);

  /* Asking for fewer returns the newest ones. */
  g_assert_cmpuint (dc_sample_ring_copy (&ring, out, 3), ==, 3);
  g_assert_cmpfloat (out[0], ==, 9);
  g_assert_cmpfloat (out[2], ==, 11);

  /* A push larger than the ring keeps its tail. */
  float c[20];
  for (int i = 0; i < 20; i++)
    c[i] = 100 + i;
  dc_sample_ring_push (&ring, c, 20);
  g_assert_cmpuint (dc_sample_ring_copy (&ring, out, 8), ==, 8);
  g_assert_cmpfloat (out[0], ==, 112);
  g_assert_cmpfloat (out[7], ==, 119);
  dc_sample_ring_clear (&ring);
  g_assert_null (ring.data);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media-analysis/goertzel/single-tone", test_goertzel_single_tone);
  g_test_add_func ("/media-analysis/goertzel/mix", test_goertzel_mix);
  g_test_add_func ("/media-analysis/goertzel/silence", test_goertzel_silence_and_edges);
  g_test_add_func ("/media-analysis/rms", test_rms);
  g_test_add_func ("/media-analysis/tile-colours", test_tile_colours);
  g_test_add_func ("/media-analysis/hex", test_hex);
  g_test_add_func ("/media-analysis/gap-stats", test_gap_stats);
  g_test_add_func ("/media-analysis/sample-ring", test_sample_ring);
  return g_test_run ();
}
