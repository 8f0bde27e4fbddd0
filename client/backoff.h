/* Reconnect delays: 1, 2, 4, 8 s, then the cap, again from 1 s after a successful join. Pure
 * logic, no clock: the caller owns the timer. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DC_BACKOFF_FIRST_S 1
#define DC_BACKOFF_CAP_S 10

typedef struct
{
  guint attempts; /* failed attempts since the last success */
  guint cap_s;
} DcBackoff;

void dc_backoff_init (DcBackoff *backoff, guint cap_s);
/* The wait before the next attempt, in seconds; counts the attempt. */
guint dc_backoff_next (DcBackoff *backoff);
/* A join succeeded: the next loss waits DC_BACKOFF_FIRST_S again. */
void dc_backoff_reset (DcBackoff *backoff);

G_END_DECLS
