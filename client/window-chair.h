/* The chairing side of the meeting view. The chair (and an operator) get a panel: every site with
 * its state, the hand-raise queue, and the commands; a district gets one line with the floor
 * holder, the timer and its own place in the queue. Both follow the gateway's state messages;
 * every command goes to the gateway, which enforces the rules. */
#pragma once

#include <gtk/gtk.h>

#include "engine.h"

G_BEGIN_DECLS

/* A panel for a moderating role (chair, operator). */
GtkWidget *dc_chair_panel_new (DcEngine *engine);
/* A one-line floor bar for the other roles. */
GtkWidget *dc_floor_bar_new (DcEngine *engine);
/* TRUE for roles that moderate. */
gboolean dc_chair_role_moderates (const char *role);

G_END_DECLS
