/* The composed picture: tiles of decoded I420 frames placed by the layout, each with a label
 * rendered once (Pango, Vietnamese diacritics) and a placeholder for a site without video.
 * Pure pixels, no GStreamer: the mixer calls it from its video tick under its own lock. */
#pragma once

#include <glib.h>
#include "layout.h"

G_BEGIN_DECLS

typedef struct
{
  guint8 *planes[3]; /* Y, U, V */
  int strides[3];
  int width, height;
} DcI420View;

typedef enum
{
  DC_TILE_LIVE,      /* frames arrive; draw the latest */
  DC_TILE_NO_VIDEO,  /* connected, no picture yet: placeholder "Chưa có hình" */
  DC_TILE_ABSENT,    /* not connected or gone: placeholder "Chưa kết nối" / "Đã rời" */
  DC_TILE_LEFT,
  DC_TILE_ON_HOLD,   /* connected, its call on hold: placeholder "Đang tạm giữ cuộc gọi" */
} DcTileState;

typedef struct DcCanvas DcCanvas;

DcCanvas *dc_canvas_new (int width, int height);
void dc_canvas_free (DcCanvas *canvas);
/* Places a slot and (re)renders its label/placeholder bitmaps when anything changed.
 * highlight draws a coloured frame around the tile (current speaker). */
void dc_canvas_set_slot (DcCanvas *canvas, guint slot, const DcRect *rect, const char *label,
                         DcTileState state, gboolean highlight);
void dc_canvas_clear_slots (DcCanvas *canvas);
/* Writes the whole picture into out (same size as the canvas): background, then for each slot
 * frames[slot] (scaled nearest-neighbour if its size differs from the slot) or the placeholder
 * when frames[slot] is NULL or the slot is not live, then labels and highlights. */
void dc_canvas_compose (DcCanvas *canvas, const DcI420View *const *frames, guint n_frames,
                        DcI420View *out);

/* Number of characters of a slot's label that no installed font could draw (0 when every
 * glyph, diacritics included, rendered). For tests and start-up checks. */
guint dc_canvas_get_missing_glyphs (const DcCanvas *canvas, guint slot);

/* Colour conversion, BT.601 limited range (Y 16..235, U/V 16..240), the convention of the
 * decoders. rgb is 0xRRGGBB. */
void dc_rgb_to_yuv (guint32 rgb, guint8 *y, guint8 *u, guint8 *v);
guint32 dc_yuv_to_rgb (guint8 y, guint8 u, guint8 v);

/* Writes an I420 picture as a PNG file, for tests and debugging. */
gboolean dc_canvas_write_png (const DcI420View *frame, const char *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcCanvas, dc_canvas_free)

G_END_DECLS
