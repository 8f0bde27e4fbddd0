/* The composed picture.
 *
 * Text is expensive and frames are not: labels and placeholders are rendered with Pango once,
 * when a slot changes, and kept as ready-made YUV (plus alpha for the label bar). compose()
 * then only copies rows, scales nearest-neighbour, alpha-blends the small label bar and paints
 * the highlight border; it never allocates. */
#include "canvas.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#define BACKGROUND_RGB 0x1c2430
#define PLACEHOLDER_RGB 0x3a4250
#define HIGHLIGHT_RGB 0xffc800
#define HIGHLIGHT_WIDTH 4 /* luma pixels, even so chroma gets exactly half */
#define LABEL_BAR_ALPHA 0.62
#define LABEL_FONT "DejaVu Sans Bold"

typedef struct
{
  gboolean used;
  DcRect rect;
  char *label;
  DcTileState state;
  gboolean highlight;

  /* Label bar: the bottom bar_h rows of the tile, full tile width. Luma colour and alpha per
   * pixel; chroma colour and alpha per 2x2 block. NULL when the label is empty. */
  int bar_h;
  guint8 *bar_y, *bar_a, *bar_u, *bar_v, *bar_ca;
  guint missing_glyphs;

  /* Placeholder picture, the size of the tile, ready to copy. */
  guint8 *ph_y, *ph_u, *ph_v;
} DcSlot;

struct DcCanvas
{
  int width, height;
  guint8 bg_y, bg_u, bg_v;
  guint8 hl_y, hl_u, hl_v;
  DcSlot slots[DC_LAYOUT_MAX_SLOTS];
};

/* ---- colour ---------------------------------------------------------------------------- */

static inline guint8
clamp_u8 (double v)
{
  return (guint8)CLAMP ((int)lround (v), 0, 255);
}

void
dc_rgb_to_yuv (guint32 rgb, guint8 *y, guint8 *u, guint8 *v)
{
  double r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;

  if (y)
    *y = clamp_u8 (16.0 + 0.256788 * r + 0.504129 * g + 0.097906 * b);
  if (u)
    *u = clamp_u8 (128.0 - 0.148223 * r - 0.290993 * g + 0.439216 * b);
  if (v)
    *v = clamp_u8 (128.0 + 0.439216 * r - 0.367788 * g - 0.071427 * b);
}

guint32
dc_yuv_to_rgb (guint8 y, guint8 u, guint8 v)
{
  double c = 1.164383 * (y - 16.0), d = u - 128.0, e = v - 128.0;
  guint32 r = clamp_u8 (c + 1.596027 * e);
  guint32 g = clamp_u8 (c - 0.391762 * d - 0.812968 * e);
  guint32 b = clamp_u8 (c + 2.017232 * d);

  return (r << 16) | (g << 8) | b;
}

/* ---- bitmaps rendered once per change ---------------------------------------------------- */

static void
slot_free_bitmaps (DcSlot *s)
{
  g_clear_pointer (&s->bar_y, g_free);
  s->bar_a = s->bar_u = s->bar_v = s->bar_ca = NULL;
  g_clear_pointer (&s->ph_y, g_free);
  s->ph_u = s->ph_v = NULL;
  s->bar_h = 0;
  s->missing_glyphs = 0;
}

/* A single-line layout, ellipsized at the end to max_width pixels. */
static PangoLayout *
text_layout (cairo_t *cr, const char *text, int px_size, int max_width, PangoAlignment align)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (LABEL_FONT);

  pango_font_description_set_absolute_size (desc, MAX (px_size, 4) * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_width (layout, MAX (max_width, 1) * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, align);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static int
layout_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  return logical.height;
}

static void
set_source_rgb (cairo_t *cr, guint32 rgb)
{
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0);
}

/* Cairo stores premultiplied native-endian ARGB; the blend wants straight colour. */
static inline void
argb_unpremultiply (guint32 p, guint32 *rgb, guint *alpha)
{
  guint a = p >> 24;

  *alpha = a;
  if (a == 0)
    {
      *rgb = 0;
      return;
    }
  guint r = MIN (255u, (((p >> 16) & 0xff) * 255 + a / 2) / a);
  guint g = MIN (255u, (((p >> 8) & 0xff) * 255 + a / 2) / a);
  guint b = MIN (255u, ((p & 0xff) * 255 + a / 2) / a);

  *rgb = (r << 16) | (g << 8) | b;
}

/* Converts the rendered ARGB bar to luma+alpha and 2x2 chroma+alpha (alpha-weighted). */
static void
label_from_argb (DcSlot *s, cairo_surface_t *surf)
{
  int w = s->rect.width, h = s->bar_h, cw = w / 2;
  const guint8 *data = cairo_image_surface_get_data (surf);
  int stride = cairo_image_surface_get_stride (surf);

  for (int cy = 0; cy < h / 2; cy++)
    for (int cx = 0; cx < cw; cx++)
      {
        guint sum_a = 0, sum_u = 0, sum_v = 0;

        for (int dy = 0; dy < 2; dy++)
          for (int dx = 0; dx < 2; dx++)
            {
              int x = 2 * cx + dx, y = 2 * cy + dy;
              guint32 p = ((const guint32 *)(data + y * stride))[x], rgb;
              guint a;
              guint8 Y, U, V;

              argb_unpremultiply (p, &rgb, &a);
              dc_rgb_to_yuv (rgb, &Y, &U, &V);
              s->bar_y[y * w + x] = Y;
              s->bar_a[y * w + x] = (guint8)a;
              sum_a += a;
              sum_u += a * U;
              sum_v += a * V;
            }
        s->bar_ca[cy * cw + cx] = (guint8)((sum_a + 2) / 4);
        s->bar_u[cy * cw + cx] = sum_a ? (guint8)((sum_u + sum_a / 2) / sum_a) : 128;
        s->bar_v[cy * cw + cx] = sum_a ? (guint8)((sum_v + sum_a / 2) / sum_a) : 128;
      }
}

static void
render_label (DcSlot *s)
{
  int w = s->rect.width;
  int h = MIN (MAX (16, s->rect.height / 9) & ~1, s->rect.height);

  if (s->label == NULL || s->label[0] == '\0' || h < 2)
    return;

  gsize n_luma = (gsize)w * h, n_chroma = n_luma / 4;

  s->bar_h = h;
  s->bar_y = g_malloc (2 * n_luma + 3 * n_chroma);
  s->bar_a = s->bar_y + n_luma;
  s->bar_u = s->bar_a + n_luma;
  s->bar_v = s->bar_u + n_chroma;
  s->bar_ca = s->bar_v + n_chroma;

  cairo_surface_t *surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surf);
  int pad = MAX (4, h / 3);

  cairo_set_source_rgba (cr, 0, 0, 0, LABEL_BAR_ALPHA);
  cairo_paint (cr);

  PangoLayout *layout = text_layout (cr, s->label, h * 5 / 8, w - 2 * pad, PANGO_ALIGN_LEFT);

  s->missing_glyphs = (guint)pango_layout_get_unknown_glyphs_count (layout);
  cairo_move_to (cr, pad, (h - layout_height (layout)) / 2);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_flush (surf);

  label_from_argb (s, surf);
  cairo_surface_destroy (surf);
}

static const char *
state_text (DcTileState state)
{
  switch (state)
    {
    case DC_TILE_ABSENT:
      return "Chưa kết nối";
    case DC_TILE_LEFT:
      return "Đã rời hội nghị";
    case DC_TILE_ON_HOLD:
      return "Đang tạm giữ cuộc gọi";
    case DC_TILE_LIVE:
    case DC_TILE_NO_VIDEO:
    default:
      return "Chưa có hình";
    }
}

/* Draws the name large and the state under it, centred in the part above the label bar. */
static void
draw_placeholder_text (DcSlot *s, cairo_t *cr)
{
  int w = s->rect.width;
  int area_h = s->rect.height - s->bar_h;
  int name_px = CLAMP (s->rect.height / 8, 8, 64);
  int pad = MAX (4, w / 20);
  PangoLayout *name = NULL;
  int name_h = 0;

  if (s->label && s->label[0])
    {
      name = text_layout (cr, s->label, name_px, w - 2 * pad, PANGO_ALIGN_CENTER);
      name_h = layout_height (name);
    }

  PangoLayout *status
      = text_layout (cr, state_text (s->state), name_px * 5 / 8, w - 2 * pad, PANGO_ALIGN_CENTER);
  int status_h = layout_height (status);
  int gap = name ? name_px / 3 : 0;
  int y = MAX (0, (area_h - name_h - gap - status_h) / 2);

  if (name)
    {
      set_source_rgb (cr, 0xe8ecf0);
      cairo_move_to (cr, pad, y);
      pango_cairo_show_layout (cr, name);
      g_object_unref (name);
    }
  set_source_rgb (cr, 0xb4bcc8);
  cairo_move_to (cr, pad, y + name_h + gap);
  pango_cairo_show_layout (cr, status);
  g_object_unref (status);
}

/* RGB24 surface to I420; chroma from the average colour of each 2x2 block. */
static void
placeholder_from_rgb (DcSlot *s, cairo_surface_t *surf)
{
  int w = s->rect.width, h = s->rect.height, cw = w / 2;
  const guint8 *data = cairo_image_surface_get_data (surf);
  int stride = cairo_image_surface_get_stride (surf);

  for (int cy = 0; cy < h / 2; cy++)
    for (int cx = 0; cx < cw; cx++)
      {
        guint r = 0, g = 0, b = 0;

        for (int dy = 0; dy < 2; dy++)
          for (int dx = 0; dx < 2; dx++)
            {
              int x = 2 * cx + dx, y = 2 * cy + dy;
              guint32 p = ((const guint32 *)(data + y * stride))[x] & 0xffffff;

              dc_rgb_to_yuv (p, &s->ph_y[y * w + x], NULL, NULL);
              r += (p >> 16) & 0xff;
              g += (p >> 8) & 0xff;
              b += p & 0xff;
            }
        guint32 avg = (((r + 2) / 4) << 16) | (((g + 2) / 4) << 8) | ((b + 2) / 4);

        dc_rgb_to_yuv (avg, NULL, &s->ph_u[cy * cw + cx], &s->ph_v[cy * cw + cx]);
      }
}

static void
render_placeholder (DcSlot *s)
{
  int w = s->rect.width, h = s->rect.height;
  gsize n_luma = (gsize)w * h;

  s->ph_y = g_malloc (n_luma * 3 / 2);
  s->ph_u = s->ph_y + n_luma;
  s->ph_v = s->ph_u + n_luma / 4;

  cairo_surface_t *surf = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (surf);

  set_source_rgb (cr, PLACEHOLDER_RGB);
  cairo_paint (cr);
  draw_placeholder_text (s, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surf);

  placeholder_from_rgb (s, surf);
  cairo_surface_destroy (surf);
}

/* ---- slots ----------------------------------------------------------------------------- */

DcCanvas *
dc_canvas_new (int width, int height)
{
  g_return_val_if_fail (width >= 2 && height >= 2, NULL);

  DcCanvas *canvas = g_new0 (DcCanvas, 1);

  canvas->width = width;
  canvas->height = height;
  dc_rgb_to_yuv (BACKGROUND_RGB, &canvas->bg_y, &canvas->bg_u, &canvas->bg_v);
  dc_rgb_to_yuv (HIGHLIGHT_RGB, &canvas->hl_y, &canvas->hl_u, &canvas->hl_v);
  return canvas;
}

static void
slot_reset (DcSlot *s)
{
  slot_free_bitmaps (s);
  g_clear_pointer (&s->label, g_free);
  memset (s, 0, sizeof *s);
}

void
dc_canvas_clear_slots (DcCanvas *canvas)
{
  g_return_if_fail (canvas != NULL);

  for (guint i = 0; i < DC_LAYOUT_MAX_SLOTS; i++)
    slot_reset (&canvas->slots[i]);
}

void
dc_canvas_free (DcCanvas *canvas)
{
  if (canvas == NULL)
    return;
  dc_canvas_clear_slots (canvas);
  g_free (canvas);
}

/* Keeps a rectangle on the canvas and on the chroma grid, whatever the caller passed. */
static DcRect
clip_rect (const DcCanvas *canvas, const DcRect *r)
{
  int x0 = CLAMP (r->x, 0, canvas->width) & ~1;
  int y0 = CLAMP (r->y, 0, canvas->height) & ~1;
  int x1 = CLAMP (r->x + r->width, 0, canvas->width);
  int y1 = CLAMP (r->y + r->height, 0, canvas->height);
  DcRect out = { x0, y0, MAX (0, x1 - x0) & ~1, MAX (0, y1 - y0) & ~1 };

  return out;
}

void
dc_canvas_set_slot (DcCanvas *canvas, guint slot, const DcRect *rect, const char *label,
                    DcTileState state, gboolean highlight)
{
  g_return_if_fail (canvas != NULL);
  g_return_if_fail (slot < DC_LAYOUT_MAX_SLOTS);
  g_return_if_fail (rect != NULL);

  DcSlot *s = &canvas->slots[slot];
  DcRect r = clip_rect (canvas, rect);

  if (r.width < 2 || r.height < 2)
    {
      slot_reset (s);
      return;
    }

  gboolean geometry_changed = !s->used || memcmp (&r, &s->rect, sizeof r) != 0;
  gboolean label_changed = g_strcmp0 (label, s->label) != 0;
  gboolean state_changed = state != s->state;

  s->used = TRUE;
  s->highlight = highlight;
  if (!geometry_changed && !label_changed && !state_changed)
    return;

  s->rect = r;
  s->state = state;
  if (label_changed)
    {
      g_free (s->label);
      s->label = g_strdup (label);
    }
  /* The placeholder depends on everything (its text sits above the bar), so redo both. */
  slot_free_bitmaps (s);
  render_label (s);
  render_placeholder (s);
}

guint
dc_canvas_get_missing_glyphs (const DcCanvas *canvas, guint slot)
{
  g_return_val_if_fail (canvas != NULL, 0);
  g_return_val_if_fail (slot < DC_LAYOUT_MAX_SLOTS, 0);

  return canvas->slots[slot].missing_glyphs;
}

/* ---- compose: per frame, no allocation ------------------------------------------------- */

static void
fill_plane (guint8 *dst, int stride, int width, int height, guint8 value)
{
  if (stride == width)
    {
      memset (dst, value, (gsize)width * height);
      return;
    }
  for (int y = 0; y < height; y++)
    memset (dst + (gsize)y * stride, value, width);
}

static void
copy_plane (const guint8 *src, int sstride, guint8 *dst, int dstride, int width, int height)
{
  for (int y = 0; y < height; y++)
    memcpy (dst + (gsize)y * dstride, src + (gsize)y * sstride, width);
}

/* Nearest neighbour with 16.16 fixed-point steps, sampling at the centre of each target pixel;
 * the index stays below sw because (dw - 1/2) * step < sw << 16. */
static void
scale_plane (const guint8 *src, int sstride, int sw, int sh, guint8 *dst, int dstride, int dw,
             int dh)
{
  guint32 xstep = ((guint32)sw << 16) / (guint32)dw;
  guint32 ystep = ((guint32)sh << 16) / (guint32)dh;
  guint32 yacc = ystep / 2;

  for (int y = 0; y < dh; y++, yacc += ystep)
    {
      const guint8 *srow = src + (gsize)(yacc >> 16) * sstride;
      guint8 *drow = dst + (gsize)y * dstride;
      guint32 xacc = xstep / 2;

      for (int x = 0; x < dw; x++, xacc += xstep)
        drow[x] = srow[xacc >> 16];
    }
}

static inline guint8 *
plane_at (const DcI420View *v, int plane, int x, int y)
{
  return v->planes[plane] + (gsize)y * v->strides[plane] + x;
}

static gboolean
frame_usable (const DcI420View *f)
{
  return f && f->planes[0] && f->planes[1] && f->planes[2] && f->width >= 2 && f->height >= 2
         && f->width <= 16384 && f->height <= 16384;
}

static void
draw_frame (const DcSlot *s, const DcI420View *f, DcI420View *out)
{
  const DcRect *r = &s->rect;

  if (f->width == r->width && f->height == r->height)
    {
      copy_plane (f->planes[0], f->strides[0], plane_at (out, 0, r->x, r->y), out->strides[0],
                  r->width, r->height);
      for (int p = 1; p < 3; p++)
        copy_plane (f->planes[p], f->strides[p], plane_at (out, p, r->x / 2, r->y / 2),
                    out->strides[p], r->width / 2, r->height / 2);
      return;
    }
  scale_plane (f->planes[0], f->strides[0], f->width, f->height, plane_at (out, 0, r->x, r->y),
               out->strides[0], r->width, r->height);
  for (int p = 1; p < 3; p++)
    scale_plane (f->planes[p], f->strides[p], (f->width + 1) / 2, (f->height + 1) / 2,
                 plane_at (out, p, r->x / 2, r->y / 2), out->strides[p], r->width / 2,
                 r->height / 2);
}

static void
draw_placeholder (const DcSlot *s, DcI420View *out)
{
  const DcRect *r = &s->rect;

  copy_plane (s->ph_y, r->width, plane_at (out, 0, r->x, r->y), out->strides[0], r->width,
              r->height);
  copy_plane (s->ph_u, r->width / 2, plane_at (out, 1, r->x / 2, r->y / 2), out->strides[1],
              r->width / 2, r->height / 2);
  copy_plane (s->ph_v, r->width / 2, plane_at (out, 2, r->x / 2, r->y / 2), out->strides[2],
              r->width / 2, r->height / 2);
}

/* d + (c - d) * a / 255, rounded; exact for a = 0 and a = 255. */
static inline guint8
blend (guint8 d, guint8 c, guint8 a)
{
  guint t = d * (255u - a) + c * (guint)a + 128;

  return (guint8)((t + (t >> 8)) >> 8);
}

static void
blend_plane (const guint8 *col, const guint8 *alpha, int w, int h, guint8 *dst, int dstride)
{
  for (int y = 0; y < h; y++)
    {
      guint8 *d = dst + (gsize)y * dstride;
      const guint8 *c = col + (gsize)y * w, *a = alpha + (gsize)y * w;

      for (int x = 0; x < w; x++)
        d[x] = blend (d[x], c[x], a[x]);
    }
}

static void
draw_label (const DcSlot *s, DcI420View *out)
{
  const DcRect *r = &s->rect;
  int y0 = r->y + r->height - s->bar_h;

  blend_plane (s->bar_y, s->bar_a, r->width, s->bar_h, plane_at (out, 0, r->x, y0),
               out->strides[0]);
  blend_plane (s->bar_u, s->bar_ca, r->width / 2, s->bar_h / 2, plane_at (out, 1, r->x / 2, y0 / 2),
               out->strides[1]);
  blend_plane (s->bar_v, s->bar_ca, r->width / 2, s->bar_h / 2, plane_at (out, 2, r->x / 2, y0 / 2),
               out->strides[2]);
}

/* Four bars inside the tile edge: top, bottom, left, right. */
static void
draw_border (guint8 *dst, int stride, int w, int h, int b, guint8 value)
{
  b = MIN (b, MIN (w, h) / 2);
  fill_plane (dst, stride, w, b, value);
  fill_plane (dst + (gsize)(h - b) * stride, stride, w, b, value);
  fill_plane (dst + (gsize)b * stride, stride, b, h - 2 * b, value);
  fill_plane (dst + (gsize)b * stride + (w - b), stride, b, h - 2 * b, value);
}

static void
draw_highlight (const DcCanvas *canvas, const DcSlot *s, DcI420View *out)
{
  const DcRect *r = &s->rect;

  draw_border (plane_at (out, 0, r->x, r->y), out->strides[0], r->width, r->height, HIGHLIGHT_WIDTH,
               canvas->hl_y);
  draw_border (plane_at (out, 1, r->x / 2, r->y / 2), out->strides[1], r->width / 2, r->height / 2,
               HIGHLIGHT_WIDTH / 2, canvas->hl_u);
  draw_border (plane_at (out, 2, r->x / 2, r->y / 2), out->strides[2], r->width / 2, r->height / 2,
               HIGHLIGHT_WIDTH / 2, canvas->hl_v);
}

void
dc_canvas_compose (DcCanvas *canvas, const DcI420View *const *frames, guint n_frames,
                   DcI420View *out)
{
  g_return_if_fail (canvas != NULL);
  g_return_if_fail (out != NULL && out->planes[0] && out->planes[1] && out->planes[2]);
  g_return_if_fail (out->width == canvas->width && out->height == canvas->height);
  g_return_if_fail (frames != NULL || n_frames == 0);

  int cw = (canvas->width + 1) / 2, ch = (canvas->height + 1) / 2;

  fill_plane (out->planes[0], out->strides[0], canvas->width, canvas->height, canvas->bg_y);
  fill_plane (out->planes[1], out->strides[1], cw, ch, canvas->bg_u);
  fill_plane (out->planes[2], out->strides[2], cw, ch, canvas->bg_v);

  for (guint i = 0; i < DC_LAYOUT_MAX_SLOTS; i++)
    {
      const DcSlot *s = &canvas->slots[i];
      const DcI420View *f = i < n_frames ? frames[i] : NULL;

      if (!s->used)
        continue;
      if (s->state == DC_TILE_LIVE && frame_usable (f))
        draw_frame (s, f, out);
      else
        draw_placeholder (s, out);
      if (s->bar_h > 0)
        draw_label (s, out);
      if (s->highlight)
        draw_highlight (canvas, s, out);
    }
}

/* ---- debugging ------------------------------------------------------------------------- */

gboolean
dc_canvas_write_png (const DcI420View *frame, const char *path)
{
  g_return_val_if_fail (frame_usable (frame), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  cairo_surface_t *surf
      = cairo_image_surface_create (CAIRO_FORMAT_RGB24, frame->width, frame->height);
  guint8 *data = cairo_image_surface_get_data (surf);
  int stride = cairo_image_surface_get_stride (surf);

  for (int y = 0; y < frame->height; y++)
    {
      guint32 *row = (guint32 *)(data + (gsize)y * stride);

      for (int x = 0; x < frame->width; x++)
        row[x] = dc_yuv_to_rgb (*plane_at (frame, 0, x, y), *plane_at (frame, 1, x / 2, y / 2),
                                *plane_at (frame, 2, x / 2, y / 2));
    }
  cairo_surface_mark_dirty (surf);

  cairo_status_t status = cairo_surface_write_to_png (surf, path);

  cairo_surface_destroy (surf);
  return status == CAIRO_STATUS_SUCCESS;
}
