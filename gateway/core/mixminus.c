/* Mix-minus and the output limiter.
 *
 * The total of all sites is summed once per block; each site's output is that total minus its
 * own (gain-scaled) signal, so ten sites cost about 2n additions per sample instead of n^2.
 * Float cancellation is harmless here: samples are at most a few units in magnitude, so the
 * rounding error of (total - own) is about FLT_EPSILON * |total| (about 1e-6 for ten full-scale
 * sites), well below one 16-bit quantisation step (3e-5). */
#include "mixminus.h"

#include <math.h>
#include <string.h>

/* Blocks small enough to live on the stack and in L1; the total is never allocated. */
#define MIX_BLOCK 256

/* exp(-1 / (0.1 s * 48000 Hz)): the envelope falls by 1/e every 100 ms. */
#define LIMITER_RELEASE 0.99979168f

static inline guint32
float_bits_ceiling (void)
{
  float c = DC_LIMITER_CEILING;
  guint32 b;

  memcpy (&b, &c, sizeof b);
  return b;
}

void
dc_limiter_init (DcLimiter *limiter)
{
  g_return_if_fail (limiter != NULL);

  limiter->envelope = 0.0f;
  limiter->gain = 1.0f;
}

/* The loops below work in fixed groups of LANES samples (plus a scalar tail) so that the
 * compiler turns each group into a few vector instructions even at -O2, where it does not
 * vectorize loops of unknown length. */
#define LANES 16

/* Largest |x| of a block, as the bit pattern of a non-negative float: for those, integer order
 * is float order, and infinities and NaN compare above every finite value, so one comparison
 * against the ceiling's bits also catches non-finite samples. */
static guint32
peak_bits (const float *x, guint n)
{
  guint32 lane[LANES] = { 0 };
  guint k = 0;

  for (; k + LANES <= n; k += LANES)
    for (guint l = 0; l < LANES; l++)
      {
        guint32 b;

        memcpy (&b, &x[k + l], sizeof b);
        b &= 0x7fffffffu;
        lane[l] = b > lane[l] ? b : lane[l];
      }
  for (; k < n; k++)
    {
      guint32 b;

      memcpy (&b, &x[k], sizeof b);
      b &= 0x7fffffffu;
      lane[0] = b > lane[0] ? b : lane[0];
    }

  guint32 m = 0;

  for (guint l = 0; l < LANES; l++)
    m = MAX (m, lane[l]);
  return m;
}

static inline float
bits_to_float (guint32 b)
{
  float f;

  memcpy (&f, &b, sizeof f);
  return f;
}

/* Sample by sample, for blocks that reach the ceiling. */
static void
limiter_process_loud (DcLimiter *limiter, float *samples, guint n_samples)
{
  float env = limiter->envelope;
  float gain = limiter->gain;
  const float ceiling = DC_LIMITER_CEILING;

  for (guint k = 0; k < n_samples; k++)
    {
      float x = samples[k];
      float a = fabsf (x);

      env *= LIMITER_RELEASE;
      if (a > env)
        env = a;
      /* a <= ceiling also sends a NaN sample down the slow path. */
      if (env <= ceiling && a <= ceiling)
        {
          gain = 1.0f;
          continue;
        }
      if (isnan (x))
        {
          samples[k] = 0.0f;
          continue;
        }
      gain = ceiling / env;
      x *= gain;
      if (x > ceiling)
        x = ceiling;
      else if (x < -ceiling)
        x = -ceiling;
      else if (isnan (x)) /* inf * 0 */
        x = 0.0f;
      samples[k] = x;
    }

  /* A NaN would stick in the envelope forever; start over instead. */
  if (!isfinite (env))
    {
      env = 0.0f;
      gain = 1.0f;
    }
  limiter->envelope = env;
  limiter->gain = gain;
}

/* Peak follower: the envelope jumps to any larger peak at once (no overshoot past the
 * ceiling without look-ahead) and decays exponentially. While the envelope is at or below the
 * ceiling the gain is exactly 1 and the samples are not touched, so quiet audio passes
 * bit-identical. The final clamp guards against rounding at the ceiling and non-finite input.
 *
 * Quiet blocks skip the per-sample loop: while the envelope stays at or below the ceiling its
 * exact value cannot change any output (a sample above the ceiling sets the envelope to
 * itself whatever came before), so the block's peak and the decay are enough. */
void
dc_limiter_process (DcLimiter *limiter, float *samples, guint n_samples)
{
  g_return_if_fail (limiter != NULL);
  g_return_if_fail (samples != NULL || n_samples == 0);

  if (limiter->envelope <= DC_LIMITER_CEILING)
    {
      guint32 peak = peak_bits (samples, n_samples);

      if (peak <= float_bits_ceiling ())
        {
          float decayed = limiter->envelope * powf (LIMITER_RELEASE, (float)n_samples);

          limiter->envelope = MAX (decayed, bits_to_float (peak));
          limiter->gain = 1.0f;
          return;
        }
    }
  limiter_process_loud (limiter, samples, n_samples);
}

static void
add_scaled (float *acc, const float *in, float g, guint n)
{
  guint k = 0;

  for (; k + LANES <= n; k += LANES)
    {
      float t[LANES];

      for (guint l = 0; l < LANES; l++)
        t[l] = acc[k + l] + g * in[k + l];
      memcpy (acc + k, t, sizeof t);
    }
  for (; k < n; k++)
    acc[k] += g * in[k];
}

/* out = total - g * in. out may be in itself: each group is read whole before it is written. */
static void
sub_scaled (float *out, const float *total, const float *in, float g, guint n)
{
  guint k = 0;

  for (; k + LANES <= n; k += LANES)
    {
      float t[LANES];

      for (guint l = 0; l < LANES; l++)
        t[l] = total[k + l] - g * in[k + l];
      memcpy (out + k, t, sizeof t);
    }
  for (; k < n; k++)
    out[k] = total[k] - g * in[k];
}

static void
mix_block (const float *const *inputs, const float *gains, guint n_sites, guint offset, guint len,
           float *const *outputs, DcLimiter *limiters)
{
  float total[MIX_BLOCK] = { 0 };

  for (guint j = 0; j < n_sites; j++)
    if (inputs[j])
      add_scaled (total, inputs[j] + offset, gains ? gains[j] : 1.0f, len);

  for (guint i = 0; i < n_sites; i++)
    {
      float *out = outputs[i];

      if (out == NULL)
        continue;
      out += offset;
      if (inputs[i] == NULL)
        memcpy (out, total, len * sizeof (float));
      else
        sub_scaled (out, total, inputs[i] + offset, gains ? gains[i] : 1.0f, len);
      dc_limiter_process (&limiters[i], out, len);
    }
}

void
dc_mixminus_process (const float *const *inputs, const float *gains, guint n_sites, guint n_samples,
                     float *const *outputs, DcLimiter *limiters)
{
  g_return_if_fail (inputs != NULL || n_sites == 0);
  g_return_if_fail (outputs != NULL || n_sites == 0);
  g_return_if_fail (limiters != NULL || n_sites == 0);

  for (guint offset = 0; offset < n_samples; offset += MIX_BLOCK)
    mix_block (inputs, gains, n_sites, offset, MIN (MIX_BLOCK, n_samples - offset), outputs,
               limiters);
}

float
dc_audio_level_dbfs (const float *samples, guint n_samples)
{
  g_return_val_if_fail (samples != NULL || n_samples == 0, -127.0f);

  if (n_samples == 0)
    return -127.0f;

  double sum = 0.0;

  for (guint k = 0; k < n_samples; k++)
    sum += (double)samples[k] * samples[k];

  double rms = sqrt (sum / n_samples);

  if (rms <= 0.0)
    return -127.0f;
  return (float)MAX (20.0 * log10 (rms), -127.0);
}
