/* Chairing commands from sites (hand raising, floor, mutes, video, lock, removal, layout, end
 * of the meeting, attendance, calling halls' room systems) applied to the conference, as a table. Pure: the outcome says what
 * the server must do next (tell the sender why not, dismiss a site, end the meeting, broadcast
 * the new state), and the server does it. */
#pragma once

#include "conference.h"
#include "protocol.h"

G_BEGIN_DECLS

typedef enum
{
  DC_CHAIR_STATE_CHANGED = 1 << 0, /* broadcast the state, make the media follow */
  DC_CHAIR_DISMISS_TARGET = 1 << 1, /* the target was removed: end its site, bye "removed" */
  DC_CHAIR_END_MEETING = 1 << 2,   /* every site gets bye "ended"; attendance saved, cleared */
  DC_CHAIR_CALL = 1 << 3,          /* dial the halls in calls[] (call-site, call-all) */
  DC_CHAIR_RECORD = 1 << 4,        /* the recording starts or stops as the conference says */
} DcChairEffects;

typedef struct
{
  DcCommandResult result;
  DcErrorCode error_code; /* when refused */
  char *refusal;          /* when refused: a sentence for the sender */
  char *reply;            /* a message for the sender only (attendance), or NULL */
  int target;             /* the "site" field as a slot, -1 when absent */
  DcChairEffects effects;
  guint calls[DC_LAYOUT_MAX_SLOTS]; /* with DC_CHAIR_CALL: the slots to dial */
  guint n_calls;
} DcChairOutcome;

/* FALSE when the message is not a chairing command (outcome untouched). */
gboolean dc_chair_apply (DcConference *conference, DcFloorExpiry default_expiry, guint sender,
                         const DcMessage *message, gint64 now_us, DcChairOutcome *outcome);
void dc_chair_outcome_clear (DcChairOutcome *outcome);

G_END_DECLS
