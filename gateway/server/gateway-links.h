/* Each hall's link estimate and the quality tier it receives (gateway-links.c). Main context. */
#pragma once

#include "gateway.h"
#include "link-tier.h"
#include "media-codec.h"
#include "config.h"
#include "site.h"
#include "video-mixer.h"

G_BEGIN_DECLS

/* A slot's video: the encoder uses it holds (its tier, and the tier it moves to), its link. */
typedef struct
{
  const DcVideoCodec *codec; /* NULL: the site receives no video */
  guint tier;                /* held: a use of (codec, tier) */
  int wanted;                /* held too while >= 0: the tier it moves to */
  DcLinkTier link;
  DcSiteStats stats;         /* the receiver's last figures */
} DcSlotVideo;

/* The video mixer's tiers from [video] tiers, or the default ones (3/4 and 1/2 of the canvas);
 * FALSE with a message naming the tier that is not smaller and cheaper than the one before. */
gboolean dc_gateway_links_read_tiers (const DcConfig *config, DcVideoMixerParams *video,
                                      GError **error);

/* Takes tier 0 of the site's codec (FALSE: the encoder cannot run; the site gets no picture). */
gboolean dc_gateway_links_admit (DcGateway *gateway, guint slot, DcSite *site, GError **error);
/* Releases what the slot holds. */
void dc_gateway_links_dismiss (DcGateway *gateway, guint slot);
/* Once a second: every hall's figures in, tiers out. */
void dc_gateway_links_tick (DcGateway *gateway);
/* The tier the slot receives or is moving to. */
guint dc_gateway_links_get_tier (DcGateway *gateway, guint slot);

G_END_DECLS
