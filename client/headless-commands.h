/* Protocol messages a headless site sends at set times after joining (--command T:JSON): how a
 * test or a rehearsal plays the chair ("at 5 s, mute dinh-hoa"). */
#pragma once

#include "engine.h"

G_BEGIN_DECLS

typedef struct DcCommandSchedule DcCommandSchedule;

/* Each spec is "SECONDS:JSON"; the JSON must be a message a site may send (checked with the
 * protocol parser). NULL with error naming the bad spec. */
DcCommandSchedule *dc_command_schedule_new (const char *const *specs, GError **error);
void dc_command_schedule_free (DcCommandSchedule *schedule);
/* Starts the clock: each message is sent at its time after this call, once. */
void dc_command_schedule_start (DcCommandSchedule *schedule, DcEngine *engine);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcCommandSchedule, dc_command_schedule_free)

G_END_DECLS
