/* Pure media measurements for the headless client; see media-analysis.h. */
#include "media-analysis.h"

#include <math.h>
#include <string.h>

static double
amplitude_to_dbfs (double amplitude)
{
  if (amplitude <= 0.0)
    return DC_LEVEL_FLOOR_DBFS;
  return MAX (20.0 * log10 (amplitude), DC_LEVEL_FLOOR_DBFS);
}

double
dc_goertzel_dbfs (const float *samples, gsize n_samples, double rate, double freq)
{
  g_return_val_if_fail (rate > 0.0, DC_LEVEL_FLOOR_DBFS);

  if (samples == NULL || n_samples < 2 || freq <= 0.0 || freq >= rate / 2.0)
    return DC_LEVEL_FLOOR_DBFS;

  /* Generalised Goertzel: works for any frequency, not only integer bins. */
  double omega = 2.0 * G_PI * freq / rate;
  double coeff = 2.0 * cos (omega);
  double s1 = 0.0, s2 = 0.0, window_sum = 0.0;
  for (gsize i = 0; i < n_samples; i++)
    {
      double w = 0.5 - 0.5 * cos (2.0 * G_PI * (double)i / (double)(n_samples - 1));
      double s0 = w * samples[i] + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
      window_sum += w;
    }
  double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  if (power <= 0.0 || window_sum <= 0.0)
    return DC_LEVEL_FLOOR_DBFS;
  /* A sine of amplitude A gives |X| = A * sum(w) / 2. */
  return amplitude_to_dbfs (2.0 * sqrt (power) / window_sum);
}

double
dc_rms_dbfs (const float *samples, gsize n_samples)
{
  if (samples == NULL || n_samples == 0)
    return DC_LEVEL_FLOOR_DBFS;
  double sum = 0.0;
  for (gsize i = 0; i < n_samples; i++)
    sum += (double)samples[i] * samples[i];
  return amplitude_to_dbfs (sqrt (sum / (double)n_samples));
}

gboolean
dc_rgb_sample_square (const guint8 *data, int width, int height, int stride, int cx, int cy,
                      int half, DcRgb *out)
{
  g_return_val_if_fail (data != NULL && out != NULL, FALSE);

  if (cx < 0 || cy < 0 || cx >= width || cy >= height || half < 0)
    return FALSE;

  int x0 = MAX (cx - half, 0), x1 = MIN (cx + half, width - 1);
  int y0 = MAX (cy - half, 0), y1 = MIN (cy + half, height - 1);
  guint64 sum[3] = { 0, 0, 0 }, n = 0;
  for (int y = y0; y <= y1; y++)
    {
      const guint8 *row = data + (gsize)y * (gsize)stride;
      for (int x = x0; x <= x1; x++)
        {
          sum[0] += row[3 * x];
          sum[1] += row[3 * x + 1];
          sum[2] += row[3 * x + 2];
          n++;
        }
    }
  out->r = (guint8)((sum[0] + n / 2) / n);
  out->g = (guint8)((sum[1] + n / 2) / n);
  out->b = (guint8)((sum[2] + n / 2) / n);
  return TRUE;
}

void
dc_tile_sample_point (int x, int y, int w, int h, int layout_w, int layout_h, int frame_w,
                      int frame_h, int *cx, int *cy)
{
  double sx = (layout_w > 0) ? (double)frame_w / layout_w : 1.0;
  double sy = (layout_h > 0) ? (double)frame_h / layout_h : 1.0;
  *cx = (int)lround ((x + w / 2.0) * sx);
  *cy = (int)lround ((y + h * 0.4) * sy);
}

void
dc_rgb_to_hex (const DcRgb *rgb, char buf[7])
{
  g_snprintf (buf, 7, "%02X%02X%02X", rgb->r, rgb->g, rgb->b);
}

gboolean
dc_rgb_from_hex (const char *hex, DcRgb *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (hex == NULL)
    return FALSE;
  if (hex[0] == '#')
    hex++;
  if (strlen (hex) != 6)
    return FALSE;
  guint8 v[3];
  for (int i = 0; i < 3; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]), lo = g_ascii_xdigit_value (hex[2 * i + 1]);
      if (hi < 0 || lo < 0)
        return FALSE;
      v[i] = (guint8)(hi * 16 + lo);
    }
  out->r = v[0];
  out->g = v[1];
  out->b = v[2];
  return TRUE;
}

void
dc_gap_stats_init (DcGapStats *stats)
{
  memset (stats, 0, sizeof *stats);
}

void
dc_gap_stats_add (DcGapStats *stats, gint64 time_us)
{
  if (stats->count == 0)
    stats->first_us = time_us;
  else
    {
      stats->max_gap_us = MAX (stats->max_gap_us, time_us - stats->last_us);
      stats->window_max_gap_us = MAX (stats->window_max_gap_us, time_us - stats->last_us);
    }
  stats->last_us = time_us;
  stats->count++;
}

double
dc_gap_stats_max_gap_ms (const DcGapStats *stats)
{
  return stats->max_gap_us / 1000.0;
}

double
dc_gap_stats_take_window (DcGapStats *stats, gint64 now_us)
{
  if (stats->count == 0)
    return 0.0;
  gint64 gap = MAX (stats->window_max_gap_us, now_us - stats->last_us);
  stats->window_max_gap_us = 0;
  return gap / 1000.0;
}

double
dc_gap_stats_age_ms (const DcGapStats *stats, gint64 now_us)
{
  if (stats->count == 0)
    return -1.0;
  return (now_us - stats->last_us) / 1000.0;
}

void
dc_sample_ring_init (DcSampleRing *ring, gsize capacity)
{
  g_return_if_fail (capacity > 0);
  ring->data = g_new0 (float, capacity);
  ring->capacity = capacity;
  ring->write_pos = 0;
  ring->filled = 0;
}

void
dc_sample_ring_clear (DcSampleRing *ring)
{
  g_clear_pointer (&ring->data, g_free);
  ring->capacity = ring->write_pos = ring->filled = 0;
}

void
dc_sample_ring_push (DcSampleRing *ring, const float *samples, gsize n_samples)
{
  if (n_samples > ring->capacity)
    {
      /* Only the tail survives anyway. */
      samples += n_samples - ring->capacity;
      n_samples = ring->capacity;
    }
  gsize first = MIN (n_samples, ring->capacity - ring->write_pos);
  memcpy (ring->data + ring->write_pos, samples, first * sizeof (float));
  memcpy (ring->data, samples + first, (n_samples - first) * sizeof (float));
  ring->write_pos = (ring->write_pos + n_samples) % ring->capacity;
  ring->filled = MIN (ring->filled + n_samples, ring->capacity);
}

gsize
dc_sample_ring_copy (const DcSampleRing *ring, float *out, gsize max_samples)
{
  gsize n = MIN (ring->filled, max_samples);
  /* Oldest of the n newest samples. */
  gsize start = (ring->write_pos + ring->capacity - n) % ring->capacity;
  gsize first = MIN (n, ring->capacity - start);
  memcpy (out, ring->data + start, first * sizeof (float));
  memcpy (out + first, ring->data, (n - first) * sizeof (float));
  return n;
}
