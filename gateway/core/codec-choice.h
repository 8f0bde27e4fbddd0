/* Which composition codec a WebRTC site receives (and sends): the gateway's preferred one when the
 * site can take it, so one encode serves every site that can; otherwise the first the site lists
 * that the gateway also encodes. Pure: names in, a name out. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a site that lists nothing gets: every WebRTC stack has VP8. */
#define DC_CODEC_CHOICE_DEFAULT "vp8"

/* preferred: the config's codec; listed: the site's "video-codecs" in its order, NULL when it
 * said nothing; available: the codecs the gateway encodes. Returns an element of available, or
 * NULL when the site lists none of them. */
const char *dc_codec_choice_for_site (const char *preferred, const char *const *listed,
                                      const char *const *available);

G_END_DECLS
