/* Layout geometry: every layout, every slot count, two canvas sizes. */
#include "layout.h"

static const DcLayoutKind all_kinds[] = {
  DC_LAYOUT_CHAIR_LARGE,
  DC_LAYOUT_GRID,
  DC_LAYOUT_SPEAKER_FOCUS,
  DC_LAYOUT_SIDE_BY_SIDE,
};

static gboolean
rects_overlap (const DcRect *a, const DcRect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height
         && b->y < a->y + a->height;
}

/* The invariants the header promises, checked for one computed layout. */
static void
check_invariants (DcLayoutKind kind, int cw, int ch, guint n)
{
  DcRect rects[DC_LAYOUT_MAX_SLOTS];

  g_assert_true (dc_layout_compute (kind, cw, ch, n, rects));
  for (guint i = 0; i < n; i++)
    {
      const DcRect *r = &rects[i];

      g_assert_cmpint (r->width, >, 0);
      g_assert_cmpint (r->height, >, 0);
      g_assert_cmpint (r->x, >=, 0);
      g_assert_cmpint (r->y, >=, 0);
      g_assert_cmpint (r->x + r->width, <=, cw);
      g_assert_cmpint (r->y + r->height, <=, ch);
      g_assert_cmpint (r->x % 2, ==, 0);
      g_assert_cmpint (r->y % 2, ==, 0);
      g_assert_cmpint (r->width % 2, ==, 0);
      g_assert_cmpint (r->height % 2, ==, 0);
      for (guint j = 0; j < i; j++)
        {
          if (rects_overlap (r, &rects[j]))
            g_error ("%s n=%u %dx%d: slot %u (%d,%d %dx%d) overlaps slot %u (%d,%d %dx%d)",
                     dc_layout_kind_to_string (kind), n, cw, ch, i, r->x, r->y, r->width, r->height,
                     j, rects[j].x, rects[j].y, rects[j].width, rects[j].height);
        }
    }
}

static void
test_invariants_all (void)
{
  static const int sizes[][2]
      = { { 1280, 720 }, { 640, 360 }, { 1920, 1080 }, { 854, 480 }, { 321, 241 } };

  for (guint k = 0; k < G_N_ELEMENTS (all_kinds); k++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (guint n = 1; n <= DC_LAYOUT_MAX_SLOTS; n++)
        check_invariants (all_kinds[k], sizes[s][0], sizes[s][1], n);
}

static void
assert_rect (const DcRect *r, int x, int y, int w, int h)
{
  g_assert_cmpint (r->x, ==, x);
  g_assert_cmpint (r->y, ==, y);
  g_assert_cmpint (r->width, ==, w);
  g_assert_cmpint (r->height, ==, h);
}

static void
test_chair_large_720p (void)
{
  DcRect r[10];

  g_assert_true (dc_layout_compute (DC_LAYOUT_CHAIR_LARGE, 1280, 720, 10, r));
  assert_rect (&r[0], 0, 0, 1024, 576);
  /* Right column, top to bottom. */
  assert_rect (&r[1], 1024, 0, 256, 144);
  assert_rect (&r[2], 1024, 144, 256, 144);
  assert_rect (&r[3], 1024, 288, 256, 144);
  assert_rect (&r[4], 1024, 432, 256, 144);
  /* Bottom row, left to right; slot 9 is the bottom-right corner. */
  assert_rect (&r[5], 0, 576, 256, 144);
  assert_rect (&r[6], 256, 576, 256, 144);
  assert_rect (&r[8], 768, 576, 256, 144);
  assert_rect (&r[9], 1024, 576, 256, 144);
}

static void
test_chair_large_scales (void)
{
  DcRect r[10];

  g_assert_true (dc_layout_compute (DC_LAYOUT_CHAIR_LARGE, 640, 360, 10, r));
  assert_rect (&r[0], 0, 0, 512, 288);
  assert_rect (&r[1], 512, 0, 128, 72);
  assert_rect (&r[9], 512, 288, 128, 72);
}

static void
test_chair_large_few_and_many (void)
{
  DcRect r[DC_LAYOUT_MAX_SLOTS];

  /* Fewer sites: slot 0 stays large, the first positions are filled. */
  g_assert_true (dc_layout_compute (DC_LAYOUT_CHAIR_LARGE, 1280, 720, 3, r));
  assert_rect (&r[0], 0, 0, 1024, 576);
  assert_rect (&r[1], 1024, 0, 256, 144);
  assert_rect (&r[2], 1024, 144, 256, 144);

  /* One site alone keeps the same large tile. */
  g_assert_true (dc_layout_compute (DC_LAYOUT_CHAIR_LARGE, 1280, 720, 1, r));
  assert_rect (&r[0], 0, 0, 1024, 576);

  /* More than 9 small tiles: a 6x6 unit grid, slot 0 still the largest and top-left. */
  g_assert_true (dc_layout_compute (DC_LAYOUT_CHAIR_LARGE, 1280, 720, 12, r));
  assert_rect (&r[0], 0, 0, 5 * 212, 5 * 120);
  for (guint i = 1; i < 12; i++)
    {
      g_assert_cmpint (r[i].width, ==, 212);
      g_assert_cmpint (r[i].height, ==, 120);
    }
}

static void
test_speaker_focus_same_as_chair (void)
{
  for (guint n = 1; n <= DC_LAYOUT_MAX_SLOTS; n++)
    {
      DcRect a[DC_LAYOUT_MAX_SLOTS], b[DC_LAYOUT_MAX_SLOTS];

      g_assert_true (dc_layout_compute (DC_LAYOUT_CHAIR_LARGE, 1280, 720, n, a));
      g_assert_true (dc_layout_compute (DC_LAYOUT_SPEAKER_FOCUS, 1280, 720, n, b));
      g_assert_cmpmem (a, n * sizeof (DcRect), b, n * sizeof (DcRect));
    }
}

static void
test_grid (void)
{
  DcRect r[DC_LAYOUT_MAX_SLOTS];

  /* 10 tiles: 4 columns x 3 rows of 320x180, block centred vertically, last row centred. */
  g_assert_true (dc_layout_compute (DC_LAYOUT_GRID, 1280, 720, 10, r));
  assert_rect (&r[0], 0, 90, 320, 180);
  assert_rect (&r[3], 960, 90, 320, 180);
  assert_rect (&r[4], 0, 270, 320, 180);
  assert_rect (&r[8], 320, 450, 320, 180);
  assert_rect (&r[9], 640, 450, 320, 180);

  /* 4 tiles: 2x2 filling the canvas exactly. */
  g_assert_true (dc_layout_compute (DC_LAYOUT_GRID, 1280, 720, 4, r));
  assert_rect (&r[0], 0, 0, 640, 360);
  assert_rect (&r[3], 640, 360, 640, 360);

  /* 1 tile: the whole canvas. */
  g_assert_true (dc_layout_compute (DC_LAYOUT_GRID, 1280, 720, 1, r));
  assert_rect (&r[0], 0, 0, 1280, 720);

  /* Every tile keeps 16:9 (within even rounding). */
  for (guint n = 1; n <= DC_LAYOUT_MAX_SLOTS; n++)
    {
      g_assert_true (dc_layout_compute (DC_LAYOUT_GRID, 1280, 720, n, r));
      g_assert_cmpint (ABS (r[0].width * 9 - r[0].height * 16), <=, 32);
    }
}

static void
test_side_by_side (void)
{
  DcRect r[DC_LAYOUT_MAX_SLOTS];

  g_assert_true (dc_layout_compute (DC_LAYOUT_SIDE_BY_SIDE, 1280, 720, 10, r));
  assert_rect (&r[0], 0, 0, 640, 360);
  assert_rect (&r[1], 640, 0, 640, 360);
  /* 8 small tiles in two rows of 4. */
  assert_rect (&r[2], 0, 360, 320, 180);
  assert_rect (&r[5], 960, 360, 320, 180);
  assert_rect (&r[6], 0, 540, 320, 180);
  assert_rect (&r[9], 960, 540, 320, 180);

  /* Two sites only: the pair centred vertically. */
  g_assert_true (dc_layout_compute (DC_LAYOUT_SIDE_BY_SIDE, 1280, 720, 2, r));
  assert_rect (&r[0], 0, 180, 640, 360);
  assert_rect (&r[1], 640, 180, 640, 360);

  /* The two top tiles are always the largest. */
  for (guint n = 3; n <= DC_LAYOUT_MAX_SLOTS; n++)
    {
      g_assert_true (dc_layout_compute (DC_LAYOUT_SIDE_BY_SIDE, 1280, 720, n, r));
      g_assert_cmpint (r[0].width, ==, 640);
      g_assert_cmpint (r[1].width, ==, 640);
      for (guint i = 2; i < n; i++)
        g_assert_cmpint (r[i].width, <, 640);
    }
}

static void
test_invalid (void)
{
  DcRect r[DC_LAYOUT_MAX_SLOTS + 1];

  for (guint k = 0; k < G_N_ELEMENTS (all_kinds); k++)
    {
      g_assert_false (dc_layout_compute (all_kinds[k], 1280, 720, 0, r));
      g_assert_false (dc_layout_compute (all_kinds[k], 1280, 720, DC_LAYOUT_MAX_SLOTS + 1, r));
      g_assert_false (dc_layout_compute (all_kinds[k], 0, 720, 4, r));
      g_assert_false (dc_layout_compute (all_kinds[k], 1280, -2, 4, r));
      g_assert_false (dc_layout_compute (all_kinds[k], 20, 12, 10, r));
    }
  g_assert_false (dc_layout_compute ((DcLayoutKind)42, 1280, 720, 4, r));
}

static void
test_names (void)
{
  for (guint k = 0; k < G_N_ELEMENTS (all_kinds); k++)
    {
      const char *name = dc_layout_kind_to_string (all_kinds[k]);
      DcLayoutKind back = (DcLayoutKind)-1;

      g_assert_nonnull (name);
      g_assert_true (dc_layout_kind_from_string (name, &back));
      g_assert_cmpint (back, ==, all_kinds[k]);
    }
  g_assert_cmpstr (dc_layout_kind_to_string (DC_LAYOUT_CHAIR_LARGE), ==, "chair-large");
  g_assert_false (dc_layout_kind_from_string ("mosaic", NULL));
  g_assert_false (dc_layout_kind_from_string ("", NULL));
  g_assert_null (dc_layout_kind_to_string ((DcLayoutKind)42));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layout/invariants", test_invariants_all);
  g_test_add_func ("/layout/chair-large/720p", test_chair_large_720p);
  g_test_add_func ("/layout/chair-large/scales", test_chair_large_scales);
  g_test_add_func ("/layout/chair-large/few-and-many", test_chair_large_few_and_many);
  g_test_add_func ("/layout/speaker-focus", test_speaker_focus_same_as_chair);
  g_test_add_func ("/layout/grid", test_grid);
  g_test_add_func ("/layout/side-by-side", test_side_by_side);
  g_test_add_func ("/layout/invalid", test_invalid);
  g_test_add_func ("/layout/names", test_names);
  return g_test_run ();
}
