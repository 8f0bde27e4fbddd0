/* Mix-minus and the output limiter.
 *
 * The total of all sites is summed once per block; each site's output is that total minus its
 * own (gain-scaled) signal, so ten sites cost about 2n additions per sample instead of n^2.
 * Float cancellation is harmless here: samples are at most a few units in magnitude, so the
 * rounding error of (total - own) is about FLT_EPSILON * |total| (< 1e-6 for ten full-scale
 * sites), two orders of magnitude below one 16-bit quantisation step (3e-5). */
#include "mixminus.h"

#include <math.h>

/* Blocks small enough to live on the stack and in L1; the total is never allocated. */
#define MIX_BLOCK 256

/* exp(-1 / (0.1 s * 48000 Hz)): the envelope falls by 1/e every 100 ms. */
#define LIMITER_RELEASE 0.99979168f

void
dc_limiter_init (DcLimiter *limiter)
{
  g_return_if_fail (limiter != NULL);

  limiter->envelope = 0.0f;
  limiter->gain = 1.0f;
}

/* Peak follower: the envelope jumps to any larger peak at once (no overshoot past the
 * ceiling without look-ahead) and decays exponentially. While the envelope is at or below the
 * ceiling the gain is exactly 1 and the samples are not touched, so quiet audio passes
 * bit-identical. The final clamp guards against rounding at the ceiling and non-finite input. */
void
dc_limiter_process (DcLimiter *limiter, float *samples, guint n_samples)
{
  g_return_if_fail (limiter != NULL);
  g_return_if_fail (samples != NULL || n_samples == 0);

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
      if (G_LIKELY (env <= ceiling && a <= ceiling))
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

static void
mix_block (const float *const *inputs, const float *gains, guint n_sites, guint offset,
           guint len, float *const *outputs, DcLimiter *limiters)
{
  float total[MIX_BLOCK] = { 0 };

  for (guint j = 0; j < n_sites; j++)
    {
      const float *in = inputs[j];
      float g = gains ? gains[j] : 1.0f;

      if (in == NULL)
        continue;
      in += offset;
      for (guint k = 0; k < len; k++)
        total[k] += g * in[k];
    }

  /* Reading in[k] before writing out[k] makes outputs[i] == inputs[i] safe. */
  for (guint i = 0; i < n_sites; i++)
    {
      float *out = outputs[i];
      const float *in = inputs[i];
      float g = gains ? gains[i] : 1.0f;

      if (out == NULL)
        continue;
      out += offset;
      if (in == NULL)
        {
          for (guint k = 0; k < len; k++)
            out[k] = total[k];
        }
      else
        {
          in += offset;
          for (guint k = 0; k < len; k++)
            out[k] = total[k] - g * in[k];
        }
      dc_limiter_process (&limiters[i], out, len);
    }
}

void
dc_mixminus_process (const float *const *inputs, const float *gains, guint n_sites,
                     guint n_samples, float *const *outputs, DcLimiter *limiters)
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
    sum += (double) samples[k] * samples[k];

  double rms = sqrt (sum / n_samples);

  if (rms <= 0.0)
    return -127.0f;
  return (float) MAX (20.0 * log10 (rms), -127.0);
}
