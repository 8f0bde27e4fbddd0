/* Mix-minus: every site hears the sum of all the others, never itself. F32 accumulation and a
 * per-output limiter so ten halls talking at once neither clip nor pump. Pure arithmetic. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  float envelope; /* peak follower state */
  float gain;     /* current gain, 1.0 when idle */
} DcLimiter;

#define DC_LIMITER_CEILING 0.891f /* -1 dBFS */

void dc_limiter_init (DcLimiter *limiter);
/* In place; after it |x| <= DC_LIMITER_CEILING for every sample. Fast attack (about 1 ms),
 * slow release (about 100 ms) at 48 kHz, no look-ahead. */
void dc_limiter_process (DcLimiter *limiter, float *samples, guint n_samples);

/* outputs[i][k] = limit(sum over j != i with inputs[j] != NULL of gains[j] * inputs[j][k]).
 * inputs[j] == NULL means site j is silent or absent. gains may be NULL (all 1.0).
 * limiters has n_sites entries, one per output. Cost O(n_sites * n_samples): the total is
 * computed once and each site's own signal subtracted. */
void dc_mixminus_process (const float *const *inputs, const float *gains, guint n_sites,
                          guint n_samples, float *const *outputs, DcLimiter *limiters);

/* RMS level of a block in dBFS (-127 for silence), for voice activity. */
float dc_audio_level_dbfs (const float *samples, guint n_samples);

G_END_DECLS
