/* The meeting as the protocol tells it: every gateway message that describes the conference,
 * built from its state through the typed builders in common/. Pure: no sockets, no media. */
#pragma once

#include "conference.h"
#include "layout.h"
#include "protocol-messages.h"

G_BEGIN_DECLS

/* Fills one entry per configured site (entries holds DC_LAYOUT_MAX_SLOTS); returns the count.
 * Strings are borrowed from the conference's config. */
guint dc_meeting_site_entries (const DcConference *conference, DcSiteEntry *entries);

char *dc_meeting_welcome_new (const DcConference *conference, guint slot);
char *dc_meeting_site_list_new (const DcConference *conference);
char *dc_meeting_site_joined_new (const DcConference *conference, guint slot);
char *dc_meeting_site_left_new (const DcConference *conference, guint slot, const char *reason);
char *dc_meeting_state_new (const DcConference *conference, gint64 now_us);
/* slot -1 when nobody speaks. */
char *dc_meeting_speaking_new (const DcConference *conference, int slot, float level_dbfs);
/* order: slots in tile order; rects: per slot (config order). */
char *dc_meeting_layout_new (const DcConference *conference, DcLayoutKind kind, int width,
                             int height, const guint *order, const DcRect *rects);
/* floor: the slot whose speech the tick was about. */
char *dc_meeting_floor_timer_new (const DcConference *conference, guint floor, DcFloorTick tick);

G_END_DECLS
