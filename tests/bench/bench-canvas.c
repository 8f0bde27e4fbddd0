/* Composing a 1280x720 chair-large picture of 10 tiles, against a plain memcpy of a frame of
 * the same size (the least any compositor must do). */
#include "canvas.h"

#include <stdio.h>
#include <string.h>

#define W 1280
#define H 720
#define N_TILES 10
#define ITERATIONS 1000

static guint8 *
i420_alloc (int w, int h, DcI420View *v, guint8 fill)
{
  gsize ys = (gsize)w * h;
  guint8 *mem = g_malloc (ys * 3 / 2);

  memset (mem, fill, ys * 3 / 2);
  v->width = w;
  v->height = h;
  v->strides[0] = w;
  v->strides[1] = v->strides[2] = w / 2;
  v->planes[0] = mem;
  v->planes[1] = mem + ys;
  v->planes[2] = mem + ys + ys / 4;
  return mem;
}

static double
time_compose (DcCanvas *canvas, const DcI420View *const *frames, DcI420View *out)
{
  dc_canvas_compose (canvas, frames, N_TILES, out);

  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < ITERATIONS; i++)
    dc_canvas_compose (canvas, frames, N_TILES, out);
  return (g_get_monotonic_time () - start) / 1000.0 / ITERATIONS;
}

int
main (void)
{
  static const char *const names[N_TILES] = { "UBND tỉnh Thái Nguyên",
                                              "Định Hóa",
                                              "Đồng Hỷ",
                                              "Võ Nhai",
                                              "Phổ Yên",
                                              "Phú Lương",
                                              "Đại Từ",
                                              "Phú Bình",
                                              "Sông Công",
                                              "Thành phố Thái Nguyên" };
  DcRect rects[N_TILES];
  DcI420View out, copy_src, exact[N_TILES], scaled[N_TILES];
  const DcI420View *exact_p[N_TILES], *scaled_p[N_TILES];
  guint8 *mem[2 * N_TILES + 2];
  g_autoptr (DcCanvas) canvas = dc_canvas_new (W, H);

  dc_layout_compute (DC_LAYOUT_CHAIR_LARGE, W, H, N_TILES, rects);
  for (guint i = 0; i < N_TILES; i++)
    {
      dc_canvas_set_slot (canvas, i, &rects[i], names[i], DC_TILE_LIVE, i == 0);
      mem[i] = i420_alloc (rects[i].width, rects[i].height, &exact[i], (guint8)(40 + 15 * i));
      /* What sites really send: 640x360 for everyone, so every tile is scaled. */
      mem[N_TILES + i] = i420_alloc (640, 360, &scaled[i], (guint8)(40 + 15 * i));
      exact_p[i] = &exact[i];
      scaled_p[i] = &scaled[i];
    }
  mem[2 * N_TILES] = i420_alloc (W, H, &out, 0);
  mem[2 * N_TILES + 1] = i420_alloc (W, H, &copy_src, 0x80);

  double exact_ms = time_compose (canvas, exact_p, &out);
  double scaled_ms = time_compose (canvas, scaled_p, &out);

  gsize frame_bytes = (gsize)W * H * 3 / 2;
  guint64 sum = 0;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < ITERATIONS; i++)
    {
      copy_src.planes[0][i % 64] = (guint8)i; /* keep the copy from being hoisted */
      memcpy (out.planes[0], copy_src.planes[0], frame_bytes);
      sum += out.planes[0][i % 64];
    }
  double copy_ms = (g_get_monotonic_time () - start) / 1000.0 / ITERATIONS;

  printf ("canvas %dx%d, chair-large, %d tiles with labels, %d frames each\n", W, H, N_TILES,
          ITERATIONS);
  printf ("  compose, frames at tile size (row copy): %.3f ms per frame (%.2fx memcpy)\n", exact_ms,
          exact_ms / copy_ms);
  printf ("  compose, 640x360 frames (scaled)       : %.3f ms per frame (%.2fx memcpy)\n",
          scaled_ms, scaled_ms / copy_ms);
  printf ("  memcpy of one %dx%d I420 frame         : %.3f ms\n", W, H, copy_ms);
  printf ("  at 30 fps the scaled compose uses %.1f%% of one core (checksum %" G_GUINT64_FORMAT
          ")\n",
          scaled_ms * 30 / 10.0, sum);

  for (guint i = 0; i < G_N_ELEMENTS (mem); i++)
    g_free (mem[i]);
  return 0;
}
