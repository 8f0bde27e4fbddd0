/* Measurements on received media, free of GStreamer so they can be unit-tested in milliseconds:
 * tone levels (Goertzel) and RMS on F32 samples, tile colours in an RGB frame, arrival-gap
 * statistics, and a ring that keeps the last few seconds of audio. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Level below which a tone or signal counts as absent; also the floor reported for silence. */
#define DC_LEVEL_FLOOR_DBFS (-120.0)

/* Level of one frequency in dBFS, where a sine of peak amplitude 1.0 reads 0 dBFS. A Hann window
 * keeps a loud tone a few hundred Hz away from leaking into the probed frequency. */
double dc_goertzel_dbfs (const float *samples, gsize n_samples, double rate, double freq);
/* RMS in dBFS (20 log10 of the RMS; a full-scale sine reads -3 dBFS). */
double dc_rms_dbfs (const float *samples, gsize n_samples);

typedef struct
{
  guint8 r, g, b;
} DcRgb;

/* Average colour of the square of side 2*half+1 around (cx, cy) in a packed RGB frame, clipped to
 * the frame. FALSE when the centre lies outside the frame. */
gboolean dc_rgb_sample_square (const guint8 *data, int width, int height, int stride, int cx,
                               int cy, int half, DcRgb *out);
/* The point a tile is sampled at: centred horizontally, at 40% of its height so the label bar at
 * the bottom of the tile is not hit. Tile geometry is in layout coordinates (layout_w x layout_h)
 * and is scaled to the frame size. */
void dc_tile_sample_point (int x, int y, int w, int h, int layout_w, int layout_h, int frame_w,
                           int frame_h, int *cx, int *cy);
/* "RRGGBB", uppercase; buf holds at least 7 bytes. */
void dc_rgb_to_hex (const DcRgb *rgb, char buf[7]);
gboolean dc_rgb_from_hex (const char *hex, DcRgb *out);

/* Arrival times of frames or audio buffers; gaps are counted from the first arrival on. */
typedef struct
{
  guint64 count;
  gint64 first_us;
  gint64 last_us;
  gint64 max_gap_us;
  gint64 window_max_gap_us; /* since the last dc_gap_stats_take_window */
} DcGapStats;

void dc_gap_stats_init (DcGapStats *stats);
void dc_gap_stats_add (DcGapStats *stats, gint64 time_us);
double dc_gap_stats_max_gap_ms (const DcGapStats *stats);
/* Milliseconds since the last arrival, or -1 when nothing arrived yet. */
double dc_gap_stats_age_ms (const DcGapStats *stats, gint64 now_us);
/* The longest gap since the last call, the one still open at now_us included (ms; 0 before the
 * first arrival), and a new window. */
double dc_gap_stats_take_window (DcGapStats *stats, gint64 now_us);

/* Keeps the most recent capacity samples. */
typedef struct
{
  float *data;
  gsize capacity;
  gsize write_pos;
  gsize filled;
} DcSampleRing;

void dc_sample_ring_init (DcSampleRing *ring, gsize capacity);
void dc_sample_ring_clear (DcSampleRing *ring);
void dc_sample_ring_push (DcSampleRing *ring, const float *samples, gsize n_samples);
/* Copies the stored samples, oldest first; returns how many (may be less than capacity). */
gsize dc_sample_ring_copy (const DcSampleRing *ring, float *out, gsize max_samples);

G_END_DECLS
