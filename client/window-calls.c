/* Calls to the halls' room systems from the chair panel; see window-calls.h. What the widgets show
 * is logged in the "dccalls" debug category (GST_DEBUG=dccalls:4), which the window test reads. */
#include "window-calls.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "protocol.h"

GST_DEBUG_CATEGORY_STATIC (dc_calls_debug);
#define GST_CAT_DEFAULT dc_calls_debug

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;
  if (g_once_init_enter (&initialized))
    {
      GST_DEBUG_CATEGORY_INIT (dc_calls_debug, "dccalls", 0,
                               "diemcau chair panel: calls to room systems");
      g_once_init_leave (&initialized, 1);
    }
}

DcPanelCall
dc_panel_call_from_string (const char *call)
{
  if (g_strcmp0 (call, "calling") == 0)
    return DC_PANEL_CALL_CALLING;
  if (g_strcmp0 (call, "failed") == 0)
    return DC_PANEL_CALL_FAILED;
  return DC_PANEL_CALL_NONE;
}

gboolean
dc_panel_call_possible (gboolean dialable, gboolean present, DcPanelCall call)
{
  return dialable && !present && call != DC_PANEL_CALL_CALLING;
}

const char *
dc_calls_state_text (DcPanelCall call)
{
  return call == DC_PANEL_CALL_FAILED ? _("Call failed") : NULL;
}

static void
send_call (DcEngine *engine, DcMsgType type, const char *site)
{
  g_autoptr (JsonObject) body = json_object_new ();
  if (site != NULL)
    json_object_set_string_member (body, "site", site);
  g_autofree char *text = dc_message_serialize (type, body);
  dc_engine_send (engine, text);
}

/* Insensitive at once: the next state message brings "Đang gọi…" or the refusal's notice. */
static void
on_call_clicked (GtkButton *button, DcEngine *engine)
{
  const char *site = g_object_get_data (G_OBJECT (button), "site");
  GST_INFO ("calling %s", site);
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  send_call (engine, DC_MSG_CALL_SITE, site);
}

static void
on_call_all_clicked (GtkButton *button, DcEngine *engine)
{
  GST_INFO ("calling every hall that is not present");
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  send_call (engine, DC_MSG_CALL_ALL, NULL);
}

GtkWidget *
dc_calls_row_button (DcEngine *engine, const char *site, gboolean dialable, gboolean present,
                     DcPanelCall call)
{
  g_return_val_if_fail (DC_IS_ENGINE (engine) && site != NULL, NULL);
  ensure_debug_category ();
  if (!dialable || present)
    return NULL;
  const char *label = call == DC_PANEL_CALL_CALLING  ? _("Calling…")
                      : call == DC_PANEL_CALL_FAILED ? _("Call again")
                                                     : _("Call");
  gboolean sensitive = dc_panel_call_possible (dialable, present, call);
  GtkWidget *button = gtk_button_new_with_label (label);
  gtk_widget_set_sensitive (button, sensitive);
  g_object_set_data_full (G_OBJECT (button), "site", g_strdup (site), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_call_clicked), engine);
  GST_INFO ("row %s: \"%s\" %s", site, label, sensitive ? "sensitive" : "insensitive");
  return button;
}

GtkWidget *
dc_calls_all_button_new (DcEngine *engine)
{
  g_return_val_if_fail (DC_IS_ENGINE (engine), NULL);
  ensure_debug_category ();
  GtkWidget *button = gtk_button_new_with_label (_("Call all"));
  /* A conference without room systems to call never shows it, whatever show_all says. */
  gtk_widget_set_no_show_all (button, TRUE);
  gtk_widget_set_sensitive (button, FALSE);
  g_signal_connect (button, "clicked", G_CALLBACK (on_call_all_clicked), engine);
  return button;
}

void
dc_calls_all_update (GtkWidget *button, gboolean any_dialable, gboolean any_possible)
{
  g_return_if_fail (GTK_IS_BUTTON (button));
  gtk_widget_set_visible (button, any_dialable);
  gtk_widget_set_sensitive (button, any_possible);
  GST_INFO ("call-all: \"%s\" %s", gtk_button_get_label (GTK_BUTTON (button)),
            !any_dialable  ? "hidden"
            : any_possible ? "sensitive"
                           : "insensitive");
}
