/* Layout geometry: rectangles for the tiles of the composed canvas.
 *
 * Every value is rounded down to an even number so that tiles line up with the I420 chroma
 * grid (one chroma sample per 2x2 luma block); rounding down also keeps every tile inside the
 * canvas. Positions are built from multiples of one tile pitch, so tiles never overlap. */
#include "layout.h"

#include <math.h>

/* A tile smaller than this is useless on screen; refuse rather than draw specks. */
#define DC_LAYOUT_MIN_TILE 8

static const struct
{
  DcLayoutKind kind;
  const char *name;
} layout_names[] = {
  { DC_LAYOUT_CHAIR_LARGE, "chair-large" },
  { DC_LAYOUT_GRID, "grid" },
  { DC_LAYOUT_SPEAKER_FOCUS, "speaker-focus" },
  { DC_LAYOUT_SIDE_BY_SIDE, "side-by-side" },
};

const char *
dc_layout_kind_to_string (DcLayoutKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (layout_names); i++)
    if (layout_names[i].kind == kind)
      return layout_names[i].name;
  return NULL;
}

gboolean
dc_layout_kind_from_string (const char *name, DcLayoutKind *kind)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (layout_names); i++)
    {
      if (g_strcmp0 (layout_names[i].name, name) == 0)
        {
          if (kind)
            *kind = layout_names[i].kind;
          return TRUE;
        }
    }
  return FALSE;
}

static inline int
even_down (int v)
{
  return v & ~1;
}

static inline void
set_rect (DcRect *r, int x, int y, int width, int height)
{
  r->x = x;
  r->y = y;
  r->width = width;
  r->height = height;
}

/* Largest even 16:9 tile that fits in max_w x max_h. */
static void
fit_16_9 (int max_w, int max_h, int *w, int *h)
{
  int tw = max_w;
  int th = tw * 9 / 16;

  if (th > max_h)
    {
      th = max_h;
      tw = th * 16 / 9;
    }
  *w = even_down (tw);
  *h = even_down (th);
}

/* The canvas is cut into g x g units (g = 5 for up to 10 slots); slot 0 takes (g-1) x (g-1)
 * units at the top-left, the small tiles run down the right column and then left to right
 * along the bottom row. With more than 9 small tiles the grid grows (g = 6 holds 11, g = 7
 * holds 13, g = 8 holds 15), so the large tile shrinks a little but the shape stays the same.
 * With fewer slots the positions simply stay empty: tiles do not jump when a site joins. */
static gboolean
layout_chair_large (int cw, int ch, guint n, DcRect *rects)
{
  int g = 5;

  while ((guint)(2 * g - 1) < n - 1)
    g++;

  int uw = even_down (cw / g);
  int uh = even_down (ch / g);

  if (uw < DC_LAYOUT_MIN_TILE || uh < DC_LAYOUT_MIN_TILE)
    return FALSE;

  set_rect (&rects[0], 0, 0, (g - 1) * uw, (g - 1) * uh);
  for (guint i = 1; i < n; i++)
    {
      int k = (int)i - 1;

      if (k < g - 1)
        set_rect (&rects[i], (g - 1) * uw, k * uh, uw, uh); /* right column */
      else
        set_rect (&rects[i], (k - (g - 1)) * uw, (g - 1) * uh, uw, uh); /* bottom row */
    }
  return TRUE;
}

/* Lays out count tiles of w x h in one row starting at y, centred horizontally. */
static void
row_centred (int cw, int y, int w, int h, guint count, DcRect *rects)
{
  int x0 = even_down ((cw - (int)count * w) / 2);

  for (guint i = 0; i < count; i++)
    set_rect (&rects[i], x0 + (int)i * w, y, w, h);
}

/* ceil(sqrt(n)) columns; the tiles touch each other and the whole block is centred, the last
 * row centred on its own when it is not full. */
static gboolean
layout_grid (int cw, int ch, guint n, DcRect *rects)
{
  guint cols = (guint)ceil (sqrt ((double)n));
  guint rows = (n + cols - 1) / cols;
  int tw, th;

  fit_16_9 (cw / (int)cols, ch / (int)rows, &tw, &th);
  if (tw < DC_LAYOUT_MIN_TILE || th < DC_LAYOUT_MIN_TILE)
    return FALSE;

  int y0 = even_down ((ch - (int)rows * th) / 2);

  for (guint r = 0; r < rows; r++)
    {
      guint first = r * cols;
      guint count = MIN (cols, n - first);

      row_centred (cw, y0 + (int)r * th, tw, th, count, rects + first);
    }
  return TRUE;
}

/* Slots 0 and 1 half the width each at 16:9; the others below in one or two rows, whichever
 * gives the larger tiles (one row on a tie), never wider than half a top tile. The picture is
 * centred vertically. */
static gboolean
layout_side_by_side (int cw, int ch, guint n, DcRect *rects)
{
  int bw, bh;

  fit_16_9 (cw / 2, ch, &bw, &bh);
  if (bw < DC_LAYOUT_MIN_TILE || bh < DC_LAYOUT_MIN_TILE)
    return FALSE;

  guint top = MIN (n, 2u);
  guint rest = n - top;
  guint rows = 0, per_row = 0;
  int sw = 0, sh = 0;

  if (rest > 0)
    {
      int rem_h = ch - bh;

      for (guint r = 1; r <= MIN (rest, 2u); r++)
        {
          guint pr = (rest + r - 1) / r;
          int w, h;

          /* Capped at half the top tiles so the pair stays clearly the focus. */
          fit_16_9 (MIN (cw / (int)pr, bw / 2), rem_h / (int)r, &w, &h);
          if (w > sw)
            {
              sw = w;
              sh = h;
              rows = r;
              per_row = pr;
            }
        }
      if (sw < DC_LAYOUT_MIN_TILE || sh < DC_LAYOUT_MIN_TILE)
        return FALSE;
    }

  int y = even_down ((ch - bh - (int)rows * sh) / 2);

  row_centred (cw, y, bw, bh, top, rects);
  y += bh;
  for (guint r = 0; r < rows; r++)
    {
      guint first = top + r * per_row;
      guint count = MIN (per_row, n - first);

      row_centred (cw, y + (int)r * sh, sw, sh, count, rects + first);
    }
  return TRUE;
}

gboolean
dc_layout_compute (DcLayoutKind kind, int canvas_width, int canvas_height, guint n_slots,
                   DcRect *rects)
{
  g_return_val_if_fail (rects != NULL, FALSE);

  if (n_slots == 0 || n_slots > DC_LAYOUT_MAX_SLOTS)
    return FALSE;
  if (canvas_width < DC_LAYOUT_MIN_TILE || canvas_height < DC_LAYOUT_MIN_TILE)
    return FALSE;

  switch (kind)
    {
    case DC_LAYOUT_CHAIR_LARGE:
    case DC_LAYOUT_SPEAKER_FOCUS:
      /* Same geometry: the caller puts the chair or the current speaker in slot 0. */
      return layout_chair_large (canvas_width, canvas_height, n_slots, rects);
    case DC_LAYOUT_GRID:
      return layout_grid (canvas_width, canvas_height, n_slots, rects);
    case DC_LAYOUT_SIDE_BY_SIDE:
      return layout_side_by_side (canvas_width, canvas_height, n_slots, rects);
    }
  return FALSE;
}
