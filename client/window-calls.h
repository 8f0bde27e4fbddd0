/* The chair's calls to the halls' room systems, as an RMX operator places them (docs/protocol.md
 * §13): a site row's "Gọi" (call-site), a disabled "Đang gọi…" while the gateway calls, "Gọi lại"
 * after the call failed, and the panel's "Gọi tất cả" (call-all). The gateway decides what can be
 * called and reports the progress in state; these widgets only follow it and send the commands.
 * Each widget borrows the engine: the chair panel is destroyed before it. */
#pragma once

#include <gtk/gtk.h>

#include "engine.h"

G_BEGIN_DECLS

/* A site's "call" in the gateway's state message. */
typedef enum
{
  DC_PANEL_CALL_NONE,
  DC_PANEL_CALL_CALLING, /* ringing, or a redial is waiting */
  DC_PANEL_CALL_FAILED,  /* the last call failed and no redial is left */
} DcPanelCall;

/* "none", "calling", "failed"; NULL and unknown words are NONE. */
DcPanelCall dc_panel_call_from_string (const char *call);
/* TRUE when the chair can call the site now: its room system is dialable, it is absent and no
 * call is under way. */
gboolean dc_panel_call_possible (gboolean dialable, gboolean present, DcPanelCall call);

/* The row's word for a failed call ("Gọi không được"), NULL otherwise. */
const char *dc_calls_state_text (DcPanelCall call);
/* The row's call button for a dialable site that is absent, or NULL when the site gets none.
 * Clicking sends call-site for site. */
GtkWidget *dc_calls_row_button (DcEngine *engine, const char *site, gboolean dialable,
                                gboolean present, DcPanelCall call);

/* "Gọi tất cả": sends call-all. Hidden until dc_calls_all_update says some site is dialable. */
GtkWidget *dc_calls_all_button_new (DcEngine *engine);
/* any_dialable: some site has a room system to call; any_possible: some call is possible now
 * (dc_panel_call_possible), which makes the button sensitive. */
void dc_calls_all_update (GtkWidget *button, gboolean any_dialable, gboolean any_possible);

G_END_DECLS
