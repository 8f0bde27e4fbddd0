/* The conference as pure state: who is present, the order of the tiles, who is speaking.
 * No GStreamer, no sockets: the gateway feeds it facts and reads decisions back. */
#pragma once

#include <glib.h>
#include "config.h"

G_BEGIN_DECLS

typedef enum
{
  DC_PRESENCE_ABSENT, /* has not joined this meeting */
  DC_PRESENCE_PRESENT,
  DC_PRESENCE_LEFT,
} DcPresence;

/* Voice activity: a site must be the loudest above the threshold for the hold-in time to take the
 * speaker highlight, and keeps it until quiet for the hold-out time, so a cough does not. */
#define DC_SPEAKING_THRESHOLD_DBFS (-42.0f)
#define DC_SPEAKING_HOLD_IN_US (400 * 1000)
#define DC_SPEAKING_HOLD_OUT_US (1500 * 1000)

typedef struct DcConference DcConference;

DcConference *dc_conference_new (const DcConfig *config);
void dc_conference_free (DcConference *conference);
guint dc_conference_get_n_sites (const DcConference *conference);
const DcSiteConfig *dc_conference_get_site (const DcConference *conference, guint slot);
int dc_conference_find_slot (const DcConference *conference, const char *site_id);

void dc_conference_set_present (DcConference *conference, guint slot, gboolean present,
                                gint64 now_us);
DcPresence dc_conference_get_presence (const DcConference *conference, guint slot);
guint dc_conference_count_present (const DcConference *conference);

/* Slots in tile order: the chair first (the large position), then the others as configured. */
const guint *dc_conference_get_tile_order (const DcConference *conference);

/* Feeds one measurement of every slot's level (dBFS). Returns TRUE when the speaking site
 * changed; *speaking is its slot or -1. */
gboolean dc_conference_update_levels (DcConference *conference, const float *levels,
                                      gint64 now_us, int *speaking);
int dc_conference_get_speaking (const DcConference *conference);

/* JSON array text: [{"id","name","role","present"}]. */
char *dc_conference_site_list_json (const DcConference *conference);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcConference, dc_conference_free)

G_END_DECLS
