/* Mix-minus and limiter: who hears what, exactness, clipping, transparency, recovery, levels. */
#include "mixminus.h"

#include <math.h>
#include <string.h>

#define RATE 48000
#define N_SITES 10
/* 100 ms: Goertzel bins are 10 Hz apart and every test tone sits exactly on one. */
#define N_BLOCK 4800

static double
tone_freq (guint site)
{
  return 250.0 + 110.0 * site;
}

static void
fill_sine (float *buf, guint n, double freq, double amp, double phase)
{
  for (guint k = 0; k < n; k++)
    buf[k] = (float)(amp * sin (2.0 * G_PI * freq * k / RATE + phase));
}

/* Amplitude of the component at freq (which must sit on a bin) by the Goertzel recurrence. */
static double
goertzel_amplitude (const float *x, guint n, double freq)
{
  double w = 2.0 * G_PI * freq / RATE;
  double coeff = 2.0 * cos (w);
  double s1 = 0.0, s2 = 0.0;

  for (guint k = 0; k < n; k++)
    {
      double s0 = x[k] + coeff * s1 - s2;

      s2 = s1;
      s1 = s0;
    }
  double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;

  return 2.0 * sqrt (MAX (power, 0.0)) / n;
}

typedef struct
{
  float *in[N_SITES];
  float *out[N_SITES];
  DcLimiter lim[N_SITES];
} Sites;

static void
sites_init (Sites *s, guint n, double amp)
{
  for (guint i = 0; i < N_SITES; i++)
    {
      s->in[i] = g_new (float, n);
      s->out[i] = g_new0 (float, n);
      fill_sine (s->in[i], n, tone_freq (i), amp, 0.3 * i);
      dc_limiter_init (&s->lim[i]);
    }
}

static void
sites_clear (Sites *s)
{
  for (guint i = 0; i < N_SITES; i++)
    {
      g_free (s->in[i]);
      g_free (s->out[i]);
    }
}

static void
test_each_hears_the_others (void)
{
  Sites s;

  sites_init (&s, N_BLOCK, 0.05);
  dc_mixminus_process ((const float *const *)s.in, NULL, N_SITES, N_BLOCK, s.out, s.lim);

  for (guint i = 0; i < N_SITES; i++)
    {
      for (guint j = 0; j < N_SITES; j++)
        {
          double a = goertzel_amplitude (s.out[i], N_BLOCK, tone_freq (j));

          if (i == j)
            g_assert_cmpfloat (a, <, 1e-5);
          else
            g_assert_cmpfloat_with_epsilon (a, 0.05, 1e-4);
        }
      g_assert_cmpfloat (s.lim[i].gain, ==, 1.0f);
    }
  sites_clear (&s);
}

/* Against a straightforward double-precision sum over j != i, with gains and an absent site,
 * over a length that is not a multiple of the internal block size. */
static void
test_matches_naive_reference (void)
{
  const guint n = N_BLOCK + 37;
  float gains[N_SITES];
  Sites s;

  sites_init (&s, n, 0.08);
  for (guint i = 0; i < N_SITES; i++)
    gains[i] = 0.5f + 0.1f * i;
  g_clear_pointer (&s.in[3], g_free); /* site 3 is silent */

  dc_mixminus_process ((const float *const *)s.in, gains, N_SITES, n, s.out, s.lim);

  double max_err = 0.0;

  for (guint i = 0; i < N_SITES; i++)
    for (guint k = 0; k < n; k++)
      {
        double ref = 0.0;

        for (guint j = 0; j < N_SITES; j++)
          if (j != i && s.in[j])
            ref += (double)gains[j] * s.in[j][k];
        g_assert_cmpfloat (fabs (ref), <, DC_LIMITER_CEILING); /* the limiter stays out */
        max_err = MAX (max_err, fabs (ref - s.out[i][k]));
      }
  g_test_message ("largest difference from the double reference: %g", max_err);
  g_assert_cmpfloat (max_err, <, 1e-5);
  sites_clear (&s);
}

/* Writing each output over its own input gives the same result as separate buffers. */
static void
test_in_place (void)
{
  const guint n = 1000;
  Sites s;
  float *copy[N_SITES];

  sites_init (&s, n, 0.07);
  dc_mixminus_process ((const float *const *)s.in, NULL, N_SITES, n, s.out, s.lim);
  for (guint i = 0; i < N_SITES; i++)
    {
      copy[i] = s.in[i];
      dc_limiter_init (&s.lim[i]);
    }
  dc_mixminus_process ((const float *const *)copy, NULL, N_SITES, n, copy, s.lim);
  for (guint i = 0; i < N_SITES; i++)
    g_assert_cmpmem (copy[i], n * sizeof (float), s.out[i], n * sizeof (float));
  sites_clear (&s);
}

static void
test_full_scale_never_clips (void)
{
  const guint n = RATE; /* one second */
  Sites s;

  sites_init (&s, n, 1.0);
  /* The worst case for the sum: everyone the same loud tone in phase. */
  for (guint i = 5; i < N_SITES; i++)
    fill_sine (s.in[i], n, 440.0, 1.0, 0.0);

  for (guint off = 0; off < n; off += 480)
    {
      const float *in[N_SITES];
      float *out[N_SITES];

      for (guint i = 0; i < N_SITES; i++)
        {
          in[i] = s.in[i] + off;
          out[i] = s.out[i] + off;
        }
      dc_mixminus_process (in, NULL, N_SITES, 480, out, s.lim);
    }

  float peak = 0.0f;

  for (guint i = 0; i < N_SITES; i++)
    for (guint k = 0; k < n; k++)
      {
        g_assert_true (isfinite (s.out[i][k]));
        g_assert_cmpfloat (fabsf (s.out[i][k]), <=, DC_LIMITER_CEILING);
        peak = MAX (peak, fabsf (s.out[i][k]));
      }
  /* The limiter limits; it does not silence. */
  g_assert_cmpfloat (peak, >, 0.8f);
  for (guint i = 0; i < N_SITES; i++)
    g_assert_cmpfloat (s.lim[i].gain, <, 1.0f);
  sites_clear (&s);
}

static void
test_limiter_transparent (void)
{
  const guint n = RATE / 2;
  g_autofree float *x = g_new (float, n);
  g_autofree float *orig = g_new (float, n);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  DcLimiter lim;

  for (guint k = 0; k < n; k++)
    x[k] = (float)g_rand_double_range (rand, -0.89, 0.89);
  x[100] = DC_LIMITER_CEILING; /* exactly at the ceiling still passes */
  x[200] = -DC_LIMITER_CEILING;
  memcpy (orig, x, n * sizeof (float));

  dc_limiter_init (&lim);
  dc_limiter_process (&lim, x, n);
  g_assert_cmpmem (x, n * sizeof (float), orig, n * sizeof (float));
  g_assert_cmpfloat (lim.gain, ==, 1.0f);
}

static void
test_limiter_recovers (void)
{
  const guint burst = RATE / 5;   /* 200 ms of a loud tone */
  const guint after = RATE;       /* then one second of normal speech level */
  const guint recover = RATE / 2; /* gain back to exactly 1 within 0.5 s */
  g_autofree float *x = g_new (float, burst + after);
  g_autofree float *orig = NULL;
  DcLimiter lim;

  fill_sine (x, burst, 300.0, 4.0, 0.0);
  fill_sine (x + burst, after, 300.0, 0.5, 0.0);
  orig = g_memdup2 (x, (burst + after) * sizeof (float));

  dc_limiter_init (&lim);
  dc_limiter_process (&lim, x, burst);
  g_assert_cmpfloat (lim.gain, <, 0.3f);
  for (guint k = 0; k < burst; k++)
    g_assert_cmpfloat (fabsf (x[k]), <=, DC_LIMITER_CEILING);

  dc_limiter_process (&lim, x + burst, recover);
  g_assert_cmpfloat (lim.gain, ==, 1.0f);

  /* From there on the quieter signal passes untouched. */
  dc_limiter_process (&lim, x + burst + recover, after - recover);
  g_assert_cmpmem (x + burst + recover, (after - recover) * sizeof (float), orig + burst + recover,
                   (after - recover) * sizeof (float));

  /* And the release is slow: 20 ms after the burst the gain has not snapped back yet. */
  dc_limiter_init (&lim);
  memcpy (x, orig, (burst + after) * sizeof (float));
  dc_limiter_process (&lim, x, burst + RATE / 50);
  g_assert_cmpfloat (lim.gain, <, 0.5f);
}

static void
test_limiter_non_finite (void)
{
  float x[4] = { NAN, 0.5f, INFINITY, -0.2f };
  DcLimiter lim;

  dc_limiter_init (&lim);
  dc_limiter_process (&lim, x, 4);
  for (guint k = 0; k < 4; k++)
    {
      g_assert_true (isfinite (x[k]));
      g_assert_cmpfloat (fabsf (x[k]), <=, DC_LIMITER_CEILING);
    }
  g_assert_true (isfinite (lim.envelope));
}

static void
test_level (void)
{
  g_autofree float *x = g_new (float, RATE);
  float silence[480] = { 0 };

  /* A sine peaking at -20 dBFS has an RMS 3 dB lower. */
  fill_sine (x, RATE, 1000.0, 0.1, 0.0);
  g_assert_cmpfloat_with_epsilon (dc_audio_level_dbfs (x, RATE), -23.01f, 0.02f);

  fill_sine (x, RATE, 1000.0, 1.0, 0.0);
  g_assert_cmpfloat_with_epsilon (dc_audio_level_dbfs (x, RATE), -3.01f, 0.02f);

  g_assert_cmpfloat (dc_audio_level_dbfs (silence, 480), ==, -127.0f);
  g_assert_cmpfloat (dc_audio_level_dbfs (x, 0), ==, -127.0f);
  silence[3] = 1e-9f; /* far below the floor */
  g_assert_cmpfloat (dc_audio_level_dbfs (silence, 480), ==, -127.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mixminus/each-hears-the-others", test_each_hears_the_others);
  g_test_add_func ("/mixminus/matches-naive-reference", test_matches_naive_reference);
  g_test_add_func ("/mixminus/in-place", test_in_place);
  g_test_add_func ("/mixminus/full-scale-never-clips", test_full_scale_never_clips);
  g_test_add_func ("/mixminus/limiter/transparent", test_limiter_transparent);
  g_test_add_func ("/mixminus/limiter/recovers", test_limiter_recovers);
  g_test_add_func ("/mixminus/limiter/non-finite", test_limiter_non_finite);
  g_test_add_func ("/mixminus/level", test_level);
  return g_test_run ();
}
