#include "send-limits.h"

static const DcSendLimits ladder[] = {
  { 320, 180, 150 },
  { 640, 360, 450 },
  { 960, 540, 900 },
  { 1280, 720, 1500 },
};

DcSendLimits
dc_send_limits_for_tile (int tile_width, int tile_height)
{
  for (guint i = 0; i < G_N_ELEMENTS (ladder); i++)
    if (tile_width <= ladder[i].width && tile_height <= ladder[i].height)
      return ladder[i];
  return ladder[G_N_ELEMENTS (ladder) - 1];
}
