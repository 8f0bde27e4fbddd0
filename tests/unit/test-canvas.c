/* The composed canvas: tile colours, scaling, placeholders, labels, highlight, PNG output. */
#include "canvas.h"

#include <cairo.h>
#include <string.h>

#define W 1280
#define H 720

static const char *const site_names[10] = {
  "UBND tỉnh Thái Nguyên",
  "Định Hóa",
  "Đồng Hỷ",
  "Võ Nhai",
  "Phổ Yên",
  "Phú Lương",
  "Đại Từ",
  "Phú Bình",
  "Sông Công",
  "Thành phố Thái Nguyên",
};

static const guint32 tile_colours[10] = {
  0xc03030, 0x30a040, 0x3050c0, 0xd0a020, 0x8040a0,
  0x20a0a0, 0xe07030, 0x808080, 0x60c080, 0xa06040,
};

/* An I420 picture owning its memory; luma stride padded to exercise stride handling. */
typedef struct
{
  DcI420View view;
  guint8 *mem;
} Picture;

static Picture *
picture_new (int width, int height, int pad)
{
  Picture *p = g_new0 (Picture, 1);
  int cw = (width + 1) / 2, ch = (height + 1) / 2;
  gsize ys = (gsize)(width + pad) * height, cs = (gsize)(cw + pad / 2) * ch;

  p->mem = g_malloc0 (ys + 2 * cs);
  p->view.width = width;
  p->view.height = height;
  p->view.strides[0] = width + pad;
  p->view.strides[1] = p->view.strides[2] = cw + pad / 2;
  p->view.planes[0] = p->mem;
  p->view.planes[1] = p->mem + ys;
  p->view.planes[2] = p->mem + ys + cs;
  return p;
}

static void
picture_free (Picture *p)
{
  g_free (p->mem);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Picture, picture_free)

/* Fills columns [x0, x1) with one colour. */
static void
picture_fill (Picture *p, int x0, int x1, guint32 rgb)
{
  guint8 y, u, v;

  dc_rgb_to_yuv (rgb, &y, &u, &v);
  for (int r = 0; r < p->view.height; r++)
    memset (p->view.planes[0] + r * p->view.strides[0] + x0, y, x1 - x0);
  for (int r = 0; r < (p->view.height + 1) / 2; r++)
    {
      memset (p->view.planes[1] + r * p->view.strides[1] + x0 / 2, u, (x1 - x0) / 2);
      memset (p->view.planes[2] + r * p->view.strides[2] + x0 / 2, v, (x1 - x0) / 2);
    }
}

static guint8
luma_at (const Picture *p, int x, int y)
{
  return p->view.planes[0][y * p->view.strides[0] + x];
}

static guint32
rgb_at (const Picture *p, int x, int y)
{
  const DcI420View *v = &p->view;

  return dc_yuv_to_rgb (v->planes[0][y * v->strides[0] + x],
                        v->planes[1][(y / 2) * v->strides[1] + x / 2],
                        v->planes[2][(y / 2) * v->strides[2] + x / 2]);
}

static void
assert_rgb_near (guint32 got, guint32 want, int tolerance, const char *what)
{
  for (int shift = 0; shift <= 16; shift += 8)
    {
      int g = (got >> shift) & 0xff, w = (want >> shift) & 0xff;

      if (ABS (g - w) > tolerance)
        g_error ("%s: colour %06x, expected %06x (within %d)", what, got, want, tolerance);
    }
}

static void
test_colour_round_trip (void)
{
  static const guint32 colours[] = { 0x000000, 0xffffff, 0xff0000, 0x00ff00, 0x0000ff,
                                     0x1c2430, 0x3a4250, 0xffc800, 0x7f7f7f };
  guint8 y, u, v;

  dc_rgb_to_yuv (0xffffff, &y, &u, &v);
  g_assert_cmpuint (y, ==, 235);
  g_assert_cmpuint (u, ==, 128);
  g_assert_cmpuint (v, ==, 128);
  dc_rgb_to_yuv (0x000000, &y, &u, &v);
  g_assert_cmpuint (y, ==, 16);
  dc_rgb_to_yuv (0xff0000, &y, &u, &v);
  g_assert_cmpuint (y, ==, 81);
  g_assert_cmpuint (u, ==, 90);
  g_assert_cmpuint (v, ==, 240);

  for (guint i = 0; i < G_N_ELEMENTS (colours); i++)
    {
      dc_rgb_to_yuv (colours[i], &y, &u, &v);
      assert_rgb_near (dc_yuv_to_rgb (y, u, v), colours[i], 2, "round trip");
    }
}

static DcCanvas *
chair_canvas (DcRect *rects)
{
  DcCanvas *canvas = dc_canvas_new (W, H);

  g_assert_true (dc_layout_compute (DC_LAYOUT_CHAIR_LARGE, W, H, 10, rects));
  for (guint i = 0; i < 10; i++)
    dc_canvas_set_slot (canvas, i, &rects[i], site_names[i], DC_TILE_LIVE, i == 0);
  return canvas;
}

static void
test_compose_chair_large (void)
{
  DcRect rects[10];
  g_autoptr (DcCanvas) canvas = chair_canvas (rects);
  g_autoptr (Picture) out = picture_new (W, H, 64);
  Picture *frames[10];
  const DcI420View *views[10];

  for (guint i = 0; i < 10; i++)
    {
      frames[i] = picture_new (rects[i].width, rects[i].height, i % 2 ? 32 : 0);
      picture_fill (frames[i], 0, rects[i].width, tile_colours[i]);
      views[i] = &frames[i]->view;
    }
  /* Site 3 has no picture yet; site 5 sends a half-size frame, red left and blue right. */
  views[3] = NULL;
  picture_free (frames[5]);
  frames[5] = picture_new (rects[5].width / 2, rects[5].height / 2, 0);
  picture_fill (frames[5], 0, rects[5].width / 4, 0xff0000);
  picture_fill (frames[5], rects[5].width / 4, rects[5].width / 2, 0x0000ff);
  views[5] = &frames[5]->view;

  dc_canvas_compose (canvas, views, 10, &out->view);

  for (guint i = 0; i < 10; i++)
    {
      const DcRect *r = &rects[i];
      g_autofree char *what = g_strdup_printf ("slot %u centre", i);

      if (i == 3 || i == 5)
        continue;
      assert_rgb_near (rgb_at (out, r->x + r->width / 2, r->y + r->height / 2), tile_colours[i], 3,
                       what);
    }

  /* The scaled frame keeps its left/right halves. */
  const DcRect *r5 = &rects[5];

  assert_rgb_near (rgb_at (out, r5->x + r5->width / 4, r5->y + r5->height / 3), 0xff0000, 3,
                   "scaled left");
  assert_rgb_near (rgb_at (out, r5->x + 3 * r5->width / 4, r5->y + r5->height / 3), 0x0000ff, 3,
                   "scaled right");

  /* The missing picture: placeholder grey near the corner, a darker bar at the bottom. */
  const DcRect *r3 = &rects[3];

  assert_rgb_near (rgb_at (out, r3->x + 6, r3->y + 6), 0x3a4250, 3, "placeholder");
  g_assert_cmpuint (luma_at (out, r3->x + 1, r3->y + r3->height - 2), <,
                    luma_at (out, r3->x + 6, r3->y + 6));

  /* The highlight: yellow along the inside of slot 0's edge, the picture just inside it. */
  assert_rgb_near (rgb_at (out, 0, 0), 0xffc800, 6, "highlight corner");
  assert_rgb_near (rgb_at (out, 1023, 300), 0xffc800, 6, "highlight right edge");
  assert_rgb_near (rgb_at (out, 500, 3), 0xffc800, 6, "highlight top edge");
  assert_rgb_near (rgb_at (out, 500, 6), tile_colours[0], 3, "inside the highlight");
  /* Other tiles carry no border. */
  assert_rgb_near (rgb_at (out, rects[1].x + 1, rects[1].y + 20), tile_colours[1], 3,
                   "no highlight");

  g_autofree char *path
      = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", "canvas-chair-large.png", NULL);

  g_assert_true (dc_canvas_write_png (&out->view, path));
  g_test_message ("composed picture written to %s", path);

  /* The PNG holds the same picture. */
  cairo_surface_t *png = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, W);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, H);
  guint32 px = ((guint32 *)(cairo_image_surface_get_data (png)
                            + 300 * cairo_image_surface_get_stride (png)))[500];
  assert_rgb_near (px & 0xffffff, tile_colours[0], 3, "png pixel");
  cairo_surface_destroy (png);

  for (guint i = 0; i < 10; i++)
    picture_free (frames[i]);
}

/* White-ish glyph pixels inside the label bar of a slot. */
static guint
bright_pixels_in_bar (const Picture *p, const DcRect *r, int bar_h)
{
  guint n = 0;

  for (int y = r->y + r->height - bar_h; y < r->y + r->height; y++)
    for (int x = r->x; x < r->x + r->width; x++)
      if (luma_at (p, x, y) > 200)
        n++;
  return n;
}

static void
test_labels_render_vietnamese (void)
{
  DcRect rects[10];
  g_autoptr (DcCanvas) canvas = chair_canvas (rects);
  g_autoptr (Picture) out = picture_new (W, H, 0);
  g_autoptr (Picture) black = picture_new (rects[0].width, rects[0].height, 0);
  const DcI420View *views[1] = { &black->view };

  picture_fill (black, 0, rects[0].width, 0x000000);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (dc_canvas_get_missing_glyphs (canvas, i), ==, 0);

  dc_canvas_set_slot (canvas, 0, &rects[0], site_names[0], DC_TILE_LIVE, FALSE);
  dc_canvas_compose (canvas, views, 1, &out->view);

  /* Slot 0 is 576 high: the bar is 64 rows; the text in it is bright on a dark bar. */
  guint bright = bright_pixels_in_bar (out, &rects[0], 64);

  g_test_message ("bright label pixels: %u", bright);
  g_assert_cmpuint (bright, >, 1500);
  /* Nothing bright outside the bar of a black frame. */
  g_assert_cmpuint (luma_at (out, 500, 300), ==, 16);
  g_assert_cmpuint (luma_at (out, 500, 576 - 66), ==, 16);
  /* The bar itself darkens a bright picture: compare its left edge over a white frame. */
  picture_fill (black, 0, rects[0].width, 0xffffff);
  dc_canvas_compose (canvas, views, 1, &out->view);
  g_assert_cmpuint (luma_at (out, 1, 575), <, 160);
  g_assert_cmpuint (luma_at (out, 1, 500), ==, 235);

  /* An empty label draws no bar at all. */
  dc_canvas_set_slot (canvas, 0, &rects[0], "", DC_TILE_LIVE, FALSE);
  dc_canvas_compose (canvas, views, 1, &out->view);
  g_assert_cmpuint (luma_at (out, 1, 575), ==, 235);
}

static void
test_placeholder_states (void)
{
  DcRect rects[4];
  g_autoptr (DcCanvas) canvas = dc_canvas_new (W, H);
  g_autoptr (Picture) out = picture_new (W, H, 0);
  g_autoptr (Picture) frame = picture_new (640, 360, 0);
  const DcI420View *views[4] = { &frame->view, &frame->view, &frame->view, &frame->view };
  static const DcTileState states[4]
      = { DC_TILE_LIVE, DC_TILE_NO_VIDEO, DC_TILE_ABSENT, DC_TILE_LEFT };

  picture_fill (frame, 0, 640, 0x30a040);
  g_assert_true (dc_layout_compute (DC_LAYOUT_GRID, W, H, 4, rects));
  for (guint i = 0; i < 4; i++)
    dc_canvas_set_slot (canvas, i, &rects[i], site_names[i + 1], states[i], FALSE);
  dc_canvas_compose (canvas, views, 4, &out->view);

  /* Only the live tile shows the frame; the others show the placeholder whatever arrives. */
  assert_rgb_near (rgb_at (out, 320, 180), 0x30a040, 3, "live");
  for (guint i = 1; i < 4; i++)
    assert_rgb_near (rgb_at (out, rects[i].x + 6, rects[i].y + 6), 0x3a4250, 3, "placeholder");

  /* The placeholder carries text: bright pixels in the middle part of the tile. */
  guint text = 0;

  for (int y = rects[2].y + 100; y < rects[2].y + 260; y++)
    for (int x = rects[2].x; x < rects[2].x + rects[2].width; x++)
      text += luma_at (out, x, y) > 150;
  g_assert_cmpuint (text, >, 500);

  /* Changing the state re-renders: the LEFT text differs from the ABSENT text. */
  g_autoptr (Picture) before = picture_new (W, H, 0);

  memcpy (before->mem, out->mem, (gsize)W * H * 3 / 2);
  dc_canvas_set_slot (canvas, 2, &rects[2], site_names[3], DC_TILE_LEFT, FALSE);
  dc_canvas_compose (canvas, views, 4, &out->view);
  g_assert_true (memcmp (before->mem, out->mem, (gsize)W * H * 3 / 2) != 0);

  g_autofree char *path
      = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", "canvas-placeholders.png", NULL);
  g_assert_true (dc_canvas_write_png (&out->view, path));
}

static void
test_background_and_clear (void)
{
  DcRect rects[10];
  g_autoptr (DcCanvas) canvas = dc_canvas_new (W, H);
  g_autoptr (Picture) out = picture_new (W, H, 16);

  g_assert_true (dc_layout_compute (DC_LAYOUT_GRID, W, H, 10, rects));
  for (guint i = 0; i < 10; i++)
    dc_canvas_set_slot (canvas, i, &rects[i], site_names[i], DC_TILE_NO_VIDEO, FALSE);
  dc_canvas_compose (canvas, NULL, 0, &out->view);
  /* Grid of 10 leaves 90 rows above the tiles. */
  assert_rgb_near (rgb_at (out, 10, 10), 0x1c2430, 2, "background");
  assert_rgb_near (rgb_at (out, 6, 96), 0x3a4250, 3, "tile");

  dc_canvas_clear_slots (canvas);
  dc_canvas_compose (canvas, NULL, 0, &out->view);
  assert_rgb_near (rgb_at (out, 6, 96), 0x1c2430, 2, "cleared");
  assert_rgb_near (rgb_at (out, W - 1, H - 1), 0x1c2430, 2, "cleared corner");
}

/* A name too long for a small tile is ellipsized inside the bar, not cut at the tile edge. */
static void
test_long_label_ellipsized (void)
{
  g_autoptr (DcCanvas) canvas = dc_canvas_new (W, H);
  g_autoptr (Picture) out = picture_new (W, H, 0);
  DcRect r = { 1024, 576, 256, 144 };

  dc_canvas_set_slot (canvas, 0, &r,
                      "Ủy ban nhân dân thành phố Thái Nguyên, hội trường tầng ba, phòng họp lớn",
                      DC_TILE_NO_VIDEO, FALSE);
  g_assert_cmpuint (dc_canvas_get_missing_glyphs (canvas, 0), ==, 0);
  dc_canvas_compose (canvas, NULL, 0, &out->view);

  guint bright = 0, at_edge = 0;

  for (int y = H - 16; y < H; y++)
    for (int x = r.x; x < W; x++)
      if (luma_at (out, x, y) > 200)
        {
          bright++;
          at_edge += x >= W - 4;
        }
  g_assert_cmpuint (bright, >, 100);
  g_assert_cmpuint (at_edge, ==, 0);
}

/* A rectangle hanging off the canvas is clipped, never written outside the picture. */
static void
test_rect_clipped (void)
{
  g_autoptr (DcCanvas) canvas = dc_canvas_new (320, 180);
  g_autoptr (Picture) out = picture_new (320, 180, 0);
  g_autoptr (Picture) frame = picture_new (200, 100, 0);
  const DcI420View *views[1] = { &frame->view };
  DcRect r = { 201, 101, 200, 100 };

  picture_fill (frame, 0, 200, 0xffffff);
  dc_canvas_set_slot (canvas, 0, &r, "Võ Nhai", DC_TILE_LIVE, TRUE);
  dc_canvas_compose (canvas, views, 1, &out->view);
  assert_rgb_near (rgb_at (out, 100, 50), 0x1c2430, 2, "outside the tile");
  assert_rgb_near (rgb_at (out, 260, 130), 0xffffff, 3, "clipped tile");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/canvas/colour-round-trip", test_colour_round_trip);
  g_test_add_func ("/canvas/compose-chair-large", test_compose_chair_large);
  g_test_add_func ("/canvas/labels-vietnamese", test_labels_render_vietnamese);
  g_test_add_func ("/canvas/placeholder-states", test_placeholder_states);
  g_test_add_func ("/canvas/background-and-clear", test_background_and_clear);
  g_test_add_func ("/canvas/long-label-ellipsized", test_long_label_ellipsized);
  g_test_add_func ("/canvas/rect-clipped", test_rect_clipped);
  return g_test_run ();
}
