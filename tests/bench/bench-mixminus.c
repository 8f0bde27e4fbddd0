/* Mix-minus of 10 sites: the one-total kernel against a naive per-output sum, same data,
 * same limiter, same run. Prints nanoseconds per sample frame (one sample of every site). */
#include "mixminus.h"

#include <math.h>
#include <stdio.h>

#define N_SITES 10
#define BLOCK 480 /* 10 ms at 48 kHz, what the mixer hands over per tick */
#define SECONDS 60

/* The obvious way: for every output, add up every other input. O(n^2) per sample. */
static void
naive_mixminus (const float *const *in, guint n_sites, guint n, float *const *out, DcLimiter *lim)
{
  for (guint i = 0; i < n_sites; i++)
    {
      for (guint k = 0; k < n; k++)
        {
          float acc = 0.0f;

          for (guint j = 0; j < n_sites; j++)
            if (j != i && in[j])
              acc += in[j][k];
          out[i][k] = acc;
        }
      dc_limiter_process (&lim[i], out[i], n);
    }
}

typedef void (*MixFunc) (const float *const *, guint, guint, float *const *, DcLimiter *);

static void
fast_mixminus (const float *const *in, guint n_sites, guint n, float *const *out, DcLimiter *lim)
{
  dc_mixminus_process (in, NULL, n_sites, n, out, lim);
}

static double
run (MixFunc mix, const float *const *in, float *const *out, double *checksum)
{
  DcLimiter lim[N_SITES];
  const guint n_blocks = SECONDS * 100;

  for (guint i = 0; i < N_SITES; i++)
    dc_limiter_init (&lim[i]);

  gint64 start = g_get_monotonic_time ();

  for (guint b = 0; b < n_blocks; b++)
    mix (in, N_SITES, BLOCK, out, lim);

  gint64 elapsed = g_get_monotonic_time () - start;

  for (guint i = 0; i < N_SITES; i++)
    *checksum += out[i][BLOCK / 2];
  return elapsed * 1000.0 / ((double)n_blocks * BLOCK);
}

int
main (void)
{
  float *in[N_SITES], *out[N_SITES];
  double checksum = 0.0;

  for (guint i = 0; i < N_SITES; i++)
    {
      in[i] = g_new (float, BLOCK);
      out[i] = g_new (float, BLOCK);
      for (guint k = 0; k < BLOCK; k++)
        in[i][k] = 0.08f * sinf (2.0f * G_PI * (200.0f + 50.0f * i) * k / 48000.0f);
    }

  /* Warm caches and the CPU clock before measuring. */
  run (fast_mixminus, (const float *const *)in, out, &checksum);

  double fast = run (fast_mixminus, (const float *const *)in, out, &checksum);
  double naive = run (naive_mixminus, (const float *const *)in, out, &checksum);

  printf ("mix-minus, %d sites, %d s of 48 kHz audio in %d-sample blocks\n", N_SITES, SECONDS,
          BLOCK);
  printf ("  total-minus-own : %7.2f ns per sample frame (%.2f ns per output sample)\n", fast,
          fast / N_SITES);
  printf ("  naive per output: %7.2f ns per sample frame (%.2f ns per output sample)\n", naive,
          naive / N_SITES);
  printf ("  naive / total-minus-own = %.2fx; real-time load %.4f%% of one core\n", naive / fast,
          fast * 48000.0 / 1e7);
  printf ("  (checksum %g)\n", checksum);

  for (guint i = 0; i < N_SITES; i++)
    {
      g_free (in[i]);
      g_free (out[i]);
    }
  return 0;
}
