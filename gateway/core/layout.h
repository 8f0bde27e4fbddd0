/* Layout geometry: where each site's tile sits on the composed canvas. Pure arithmetic. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int x, y, width, height;
} DcRect;

typedef enum
{
  DC_LAYOUT_CHAIR_LARGE,   /* chair large top-left, the others around it (5x5 grid units: 4x4 + 9) */
  DC_LAYOUT_GRID,          /* equal tiles */
  DC_LAYOUT_SPEAKER_FOCUS, /* slot 0 (the speaker) large, the rest small */
  DC_LAYOUT_SIDE_BY_SIDE,  /* slots 0 and 1 side by side, the rest small below */
} DcLayoutKind;

#define DC_LAYOUT_MAX_SLOTS 16

const char *dc_layout_kind_to_string (DcLayoutKind kind);
gboolean dc_layout_kind_from_string (const char *name, DcLayoutKind *kind);

/* Fills rects[0..n_slots-1]. Slot 0 is the large/first position. Every rectangle lies inside the
 * canvas, has even x, y, width and height (I420 chroma alignment), and no two overlap.
 * Returns FALSE when n_slots is 0 or above DC_LAYOUT_MAX_SLOTS, or the canvas is too small. */
gboolean dc_layout_compute (DcLayoutKind kind, int canvas_width, int canvas_height,
                            guint n_slots, DcRect *rects);

G_END_DECLS
