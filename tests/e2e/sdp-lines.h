/* SDP for end-to-end tests: the lines of one m-line's section, and an answer made from the
 * gateway's offer. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The lines of the section of the first m-line of this kind ("video", "audio"). */
GPtrArray *sdp_section (const char *sdp, const char *kind);
gboolean section_has (GPtrArray *section, const char *line);
/* The payload type the section's rtpmap gives this encoding (case-insensitive), -1 when absent. */
int section_payload (GPtrArray *section, const char *encoding);
/* An answer webrtcbin takes but that never connects: our own ICE credentials, no candidates. */
char *answer_from_offer (const char *offer);

G_END_DECLS
