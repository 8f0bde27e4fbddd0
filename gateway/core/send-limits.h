/* What a hall's camera should be sent at for the tile it has: the smallest step of a 16:9
 * ladder that covers the tile (a thumbnail needs 320x180 at ~150 kbit/s, the chair large
 * 1280x720). A hall sends no more than its tile shows, so uplinks and the gateway's decoders
 * carry only that. Pure. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int width, height;
  int kbps;
} DcSendLimits;

DcSendLimits dc_send_limits_for_tile (int tile_width, int tile_height);

G_END_DECLS
