#include "window-chair.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "protocol.h"
#include "window-calls.h"

/* One site as the panel shows it; filled from welcome (names) and state messages. */
typedef struct
{
  char *id;
  char *name;
  gboolean present, muted, video;
  int hand;          /* 0 = down, else place in the queue */
  gboolean dialable; /* the gateway can call its room system */
  DcPanelCall call;
  int tier;          /* its link as the gateway measures it; -1 unknown */
  double loss_pct, rtt_ms;
} SiteRow;

typedef struct
{
  DcEngine *engine; /* borrowed: the panel is destroyed before the engine */
  gboolean moderates;
  GPtrArray *sites; /* SiteRow*, config order */
  char *floor, *speaking, *layout, *self_id;
  int floor_remaining; /* -1 untimed */
  gboolean locked;
  guint countdown_timer;

  GtkWidget *root;
  GtkWidget *floor_label;  /* floor holder and timer */
  GtkWidget *queue_label;  /* the queue, or a district's own place in it */
  GtkWidget *site_list;    /* GtkListBox, moderators only */
  GtkWidget *limit_spin, *lock_check, *layout_combo;
  GtkWidget *call_all;     /* "Gọi tất cả", moderators only */
  gboolean updating;       /* set while widgets follow a state message: no commands then */
} Panel;

static void
site_row_free (gpointer data)
{
  SiteRow *r = data;
  g_free (r->id);
  g_free (r->name);
  g_free (r);
}

static void
panel_free (gpointer data)
{
  Panel *p = data;
  g_clear_handle_id (&p->countdown_timer, g_source_remove);
  g_signal_handlers_disconnect_by_data (p->engine, p);
  g_ptr_array_unref (p->sites);
  g_free (p->floor);
  g_free (p->speaking);
  g_free (p->layout);
  g_free (p->self_id);
  g_free (p);
}

gboolean
dc_chair_role_moderates (const char *role)
{
  return g_strcmp0 (role, "chair") == 0 || g_strcmp0 (role, "operator") == 0;
}

static SiteRow *
find_site (Panel *p, const char *id)
{
  for (guint i = 0; i < p->sites->len; i++)
    {
      SiteRow *r = p->sites->pdata[i];
      if (g_strcmp0 (r->id, id) == 0)
        return r;
    }
  return NULL;
}

static const char *
site_name (Panel *p, const char *id)
{
  SiteRow *r = find_site (p, id);
  return r && r->name ? r->name : id;
}

/* ---- sending commands ---- */

static void
send_command (Panel *p, JsonObject *body, DcMsgType type)
{
  g_autofree char *text = dc_message_serialize (type, body);
  dc_engine_send (p->engine, text);
}

static void
send_site_command (Panel *p, DcMsgType type, const char *site, const char *flag, gboolean value)
{
  g_autoptr (JsonObject) body = json_object_new ();
  if (site)
    json_object_set_string_member (body, "site", site);
  if (flag)
    json_object_set_boolean_member (body, flag, value);
  send_command (p, body, type);
}

static void
on_give_floor (GtkButton *button, Panel *p)
{
  const char *site = g_object_get_data (G_OBJECT (button), "site");
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "site", site);
  int minutes = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (p->limit_spin));
  if (minutes > 0)
    json_object_set_int_member (body, "limit_s", minutes * 60);
  send_command (p, body, DC_MSG_GIVE_FLOOR);
}

static void
on_toggle_mute (GtkButton *button, Panel *p)
{
  SiteRow *r = find_site (p, g_object_get_data (G_OBJECT (button), "site"));
  if (r)
    send_site_command (p, DC_MSG_MUTE, r->id, "muted", !r->muted);
}

static void
on_toggle_video (GtkButton *button, Panel *p)
{
  SiteRow *r = find_site (p, g_object_get_data (G_OBJECT (button), "site"));
  if (r)
    send_site_command (p, DC_MSG_ALLOW_VIDEO, r->id, "allowed", !r->video);
}

static gboolean
confirm (Panel *p, const char *question)
{
  GtkWidget *top = gtk_widget_get_toplevel (p->root);
  GtkWidget *dialog = gtk_message_dialog_new (GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL,
                                              GTK_DIALOG_MODAL, GTK_MESSAGE_QUESTION,
                                              GTK_BUTTONS_YES_NO, "%s", question);
  gboolean yes = gtk_dialog_run (GTK_DIALOG (dialog)) == GTK_RESPONSE_YES;
  gtk_widget_destroy (dialog);
  return yes;
}

static void
on_remove (GtkButton *button, Panel *p)
{
  const char *site = g_object_get_data (G_OBJECT (button), "site");
  g_autofree char *question
      = g_strdup_printf (_("Remove %s from the meeting? It cannot join again until admitted."),
                         site_name (p, site));
  if (confirm (p, question))
    send_site_command (p, DC_MSG_REMOVE, site, NULL, FALSE);
}

static void
on_simple_command (GtkButton *button, Panel *p)
{
  DcMsgType type = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "type"));
  if (type == DC_MSG_END_MEETING && !confirm (p, _("End the meeting for every site?")))
    return;
  g_autoptr (JsonObject) body = json_object_new ();
  if (type == DC_MSG_TAKE_FLOOR && g_object_get_data (G_OBJECT (button), "next"))
    json_object_set_boolean_member (body, "next", TRUE);
  send_command (p, body, type);
}

static void
on_lock_toggled (GtkToggleButton *check, Panel *p)
{
  if (!p->updating)
    send_site_command (p, DC_MSG_LOCK, NULL, "locked", gtk_toggle_button_get_active (check));
}

static void
on_layout_changed (GtkComboBox *combo, Panel *p)
{
  const char *layout = gtk_combo_box_get_active_id (combo);
  if (p->updating || layout == NULL || g_strcmp0 (layout, p->layout) == 0)
    return;
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "layout", layout);
  send_command (p, body, DC_MSG_SET_LAYOUT);
}

static void
on_get_attendance (GtkButton *button, Panel *p)
{
  g_autoptr (JsonObject) body = json_object_new ();
  send_command (p, body, DC_MSG_GET_ATTENDANCE);
}

/* The minutes need the file: it goes to the user's documents folder, named by date. */
static void
save_attendance (Panel *p, const char *csv)
{
  const char *dir = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("diem-danh-%s.csv", stamp);
  g_autofree char *path = g_build_filename (dir ? dir : g_get_home_dir (), name, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  if (g_file_set_contents (path, csv, -1, &error))
    text = g_strdup_printf (_("Attendance saved to %s"), path);
  else
    text = g_strdup_printf (_("Cannot save the attendance: %s"), error->message);
  gtk_label_set_text (GTK_LABEL (p->queue_label), text);
}

/* ---- following the gateway's state ---- */

static char *
floor_text (Panel *p)
{
  if (p->floor == NULL || p->floor[0] == '\0')
    return g_strdup (_("The chair has the floor"));
  if (p->floor_remaining < 0)
    return g_strdup_printf (_("Speaking: %s"), site_name (p, p->floor));
  return g_strdup_printf (_("Speaking: %s — %d:%02d left"), site_name (p, p->floor),
                          p->floor_remaining / 60, p->floor_remaining % 60);
}

static char *
queue_text (Panel *p)
{
  GString *text = g_string_new (NULL);
  for (int place = 1; place <= (int) p->sites->len; place++)
    for (guint i = 0; i < p->sites->len; i++)
      {
        SiteRow *r = p->sites->pdata[i];
        if (r->hand != place)
          continue;
        if (!p->moderates && g_strcmp0 (r->id, p->self_id) == 0)
          g_string_append_printf (text, _("Your hand is up: place %d in the queue"), place);
        else if (p->moderates)
          g_string_append_printf (text, "%s%d. %s", text->len ? "   " : _("Asking to speak: "),
                                  place, r->name);
      }
  return g_string_free (text, FALSE);
}

static void
refresh_labels (Panel *p)
{
  g_autofree char *floor = floor_text (p);
  gtk_label_set_text (GTK_LABEL (p->floor_label), floor);
  g_autofree char *queue = queue_text (p);
  gtk_label_set_text (GTK_LABEL (p->queue_label), queue);
}

static gboolean
on_countdown (gpointer data)
{
  Panel *p = data;
  if (p->floor_remaining > 0)
    p->floor_remaining--;
  refresh_labels (p);
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
row_button (Panel *p, const char *label, const char *site, GCallback callback)
{
  GtkWidget *button = gtk_button_new_with_label (label);
  g_object_set_data_full (G_OBJECT (button), "site", g_strdup (site), g_free);
  g_signal_connect (button, "clicked", callback, p);
  return button;
}

/* A present hall's link, as the gateway measures it, on a line of its own under its row. */
static GtkWidget *
with_link_line (SiteRow *r, GtkWidget *row)
{
  if (!r->present || r->tier < 0)
    return row;
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_pack_start (GTK_BOX (column), row, FALSE, FALSE, 0);
  /* TRANSLATORS: a hall's link: picture tier (1 = full), packets lost, round trip. */
  g_autofree char *figures = g_strdup_printf (_("picture tier %d, %.1f %% lost, %.0f ms round trip"),
                                              r->tier + 1, r->loss_pct, r->rtt_ms);
  g_autofree char *markup = g_markup_printf_escaped ("<small>%s</small>", figures);
  GtkWidget *line = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (line), markup);
  gtk_label_set_xalign (GTK_LABEL (line), 0);
  gtk_box_pack_start (GTK_BOX (column), line, FALSE, FALSE, 0);
  return column;
}

static GtkWidget *
site_row_widget (Panel *p, SiteRow *r)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GString *state = g_string_new (r->present ? _("present") : _("absent"));
  if (r->muted)
    g_string_append_printf (state, ", %s", _("muted"));
  if (!r->video)
    g_string_append_printf (state, ", %s", _("video stopped"));
  if (r->hand)
    g_string_append_printf (state, ", %s %d", _("hand up"), r->hand);
  if (g_strcmp0 (r->id, p->speaking) == 0)
    g_string_append_printf (state, ", %s", _("speaking"));
  if (!r->present && dc_calls_state_text (r->call) != NULL)
    g_string_append_printf (state, ", %s", dc_calls_state_text (r->call));

  g_autofree char *text = g_markup_printf_escaped ("<b>%s</b>\n<small>%s</small>", r->name,
                                                  state->str);
  g_string_free (state, TRUE);
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_pack_start (GTK_BOX (box), label, TRUE, TRUE, 0);
  if (g_strcmp0 (r->id, p->self_id) != 0 && r->present)
    {
      gtk_box_pack_start (GTK_BOX (box),
                          row_button (p, _("Give floor"), r->id, G_CALLBACK (on_give_floor)),
                          FALSE, FALSE, 0);
      gtk_box_pack_start (GTK_BOX (box),
                          row_button (p, r->muted ? _("Unmute") : _("Mute"), r->id,
                                      G_CALLBACK (on_toggle_mute)),
                          FALSE, FALSE, 0);
      gtk_box_pack_start (GTK_BOX (box),
                          row_button (p, r->video ? _("Stop video") : _("Allow video"), r->id,
                                      G_CALLBACK (on_toggle_video)),
                          FALSE, FALSE, 0);
      gtk_box_pack_start (GTK_BOX (box),
                          row_button (p, _("Remove"), r->id, G_CALLBACK (on_remove)), FALSE,
                          FALSE, 0);
    }
  GtkWidget *call = g_strcmp0 (r->id, p->self_id) != 0
                        ? dc_calls_row_button (p->engine, r->id, r->dialable, r->present, r->call)
                        : NULL;
  if (call != NULL)
    gtk_box_pack_start (GTK_BOX (box), call, FALSE, FALSE, 0);
  return with_link_line (r, box);
}

static void
refresh_call_all (Panel *p)
{
  gboolean any_dialable = FALSE, any_possible = FALSE;
  for (guint i = 0; i < p->sites->len; i++)
    {
      SiteRow *r = p->sites->pdata[i];
      if (g_strcmp0 (r->id, p->self_id) == 0)
        continue;
      any_dialable |= r->dialable;
      any_possible |= dc_panel_call_possible (r->dialable, r->present, r->call);
    }
  dc_calls_all_update (p->call_all, any_dialable, any_possible);
}

static void
rebuild_list (Panel *p)
{
  if (p->site_list == NULL)
    return;
  refresh_call_all (p);
  GList *children = gtk_container_get_children (GTK_CONTAINER (p->site_list));
  for (GList *l = children; l; l = l->next)
    gtk_widget_destroy (l->data);
  g_list_free (children);
  for (guint i = 0; i < p->sites->len; i++)
    gtk_list_box_insert (GTK_LIST_BOX (p->site_list), site_row_widget (p, p->sites->pdata[i]), -1);
  gtk_widget_show_all (p->site_list);
}

static void
take_welcome (Panel *p, const DcMessage *msg)
{
  g_ptr_array_set_size (p->sites, 0);
  g_free (p->self_id);
  p->self_id = g_strdup (dc_message_get_string (msg, "site"));
  JsonArray *sites = dc_message_get_array (msg, "sites");
  for (guint i = 0; sites && i < json_array_get_length (sites); i++)
    {
      JsonObject *s = json_array_get_object_element (sites, i);
      SiteRow *r = g_new0 (SiteRow, 1);
      r->tier = -1;
      r->id = g_strdup (json_object_get_string_member (s, "id"));
      r->name = g_strdup (json_object_get_string_member (s, "name"));
      r->present = json_object_get_boolean_member (s, "present");
      r->video = TRUE;
      g_ptr_array_add (p->sites, r);
    }
}

static void
take_state (Panel *p, const DcMessage *msg)
{
  g_free (p->floor);
  p->floor = g_strdup (dc_message_get_string (msg, "floor"));
  g_free (p->speaking);
  p->speaking = g_strdup (dc_message_get_string (msg, "speaking"));
  g_free (p->layout);
  p->layout = g_strdup (dc_message_get_string (msg, "layout"));
  p->floor_remaining = dc_message_get_int (msg, "floor_remaining_s", -1);
  p->locked = dc_message_get_bool (msg, "locked", FALSE);
  JsonArray *sites = dc_message_get_array (msg, "sites");
  for (guint i = 0; sites && i < json_array_get_length (sites); i++)
    {
      JsonObject *s = json_array_get_object_element (sites, i);
      SiteRow *r = find_site (p, json_object_get_string_member (s, "id"));
      if (r == NULL)
        continue;
      r->present = json_object_get_boolean_member (s, "present");
      r->muted = json_object_get_boolean_member (s, "muted");
      r->video = json_object_get_boolean_member (s, "video");
      r->hand = json_object_get_int_member (s, "hand");
      /* Optional: a gateway without dial-out sends neither. */
      r->dialable = json_object_get_boolean_member_with_default (s, "dialable", FALSE);
      r->call = dc_panel_call_from_string (
          json_object_get_string_member_with_default (s, "call", "none"));
      /* Optional too: only a present WebRTC hall whose receiver has reported has them. */
      r->tier = (int) json_object_get_int_member_with_default (s, "tier", -1);
      r->loss_pct = json_object_get_double_member_with_default (s, "loss_pct", 0);
      r->rtt_ms = json_object_get_double_member_with_default (s, "rtt_ms", 0);
    }
  p->updating = TRUE;
  if (p->lock_check)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (p->lock_check), p->locked);
  if (p->layout_combo)
    gtk_combo_box_set_active_id (GTK_COMBO_BOX (p->layout_combo), p->layout);
  p->updating = FALSE;
  rebuild_list (p);
  refresh_labels (p);
}

static void
on_meeting_message (DcEngine *engine, int type, gpointer message, Panel *p)
{
  const DcMessage *msg = message;
  switch (type)
    {
    case DC_MSG_WELCOME:
      take_welcome (p, msg);
      break;
    case DC_MSG_STATE:
      take_state (p, msg);
      break;
    case DC_MSG_ATTENDANCE:
      save_attendance (p, dc_message_get_string (msg, "csv"));
      break;
    default:
      break;
    }
}

/* A refused command (nothing-to-do, not-dialable): the buttons it made insensitive follow the
 * gateway's state again; the window shows the refusal itself. */
static void
on_gateway_error (DcEngine *engine, const char *code, const char *message, gboolean fatal,
                  Panel *p)
{
  if (!fatal)
    rebuild_list (p);
}

/* ---- construction ---- */

static Panel *
panel_new (DcEngine *engine, gboolean moderates)
{
  Panel *p = g_new0 (Panel, 1);
  p->engine = engine;
  p->moderates = moderates;
  p->sites = g_ptr_array_new_with_free_func (site_row_free);
  p->floor_remaining = -1;
  p->floor_label = gtk_label_new (NULL);
  p->queue_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (p->floor_label), 0);
  gtk_label_set_xalign (GTK_LABEL (p->queue_label), 0);
  gtk_label_set_line_wrap (GTK_LABEL (p->queue_label), TRUE);
  g_signal_connect (engine, "meeting-message", G_CALLBACK (on_meeting_message), p);
  g_signal_connect (engine, "gateway-error", G_CALLBACK (on_gateway_error), p);
  p->countdown_timer = g_timeout_add_seconds (1, on_countdown, p);
  return p;
}

static GtkWidget *
command_button (Panel *p, const char *label, DcMsgType type, gboolean next)
{
  GtkWidget *button = gtk_button_new_with_label (label);
  g_object_set_data (G_OBJECT (button), "type", GINT_TO_POINTER (type));
  if (next)
    g_object_set_data (G_OBJECT (button), "next", GINT_TO_POINTER (TRUE));
  g_signal_connect (button, "clicked", G_CALLBACK (on_simple_command), p);
  return button;
}

static GtkWidget *
build_controls (Panel *p)
{
  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 4);
  gtk_grid_attach (GTK_GRID (grid), command_button (p, _("Take the floor back"),
                                                    DC_MSG_TAKE_FLOOR, FALSE), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), command_button (p, _("Next in queue"), DC_MSG_TAKE_FLOOR,
                                                    TRUE), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), command_button (p, _("Mute all districts"),
                                                    DC_MSG_MUTE_DISTRICTS, FALSE), 0, 1, 1, 1);
  GtkWidget *attendance = gtk_button_new_with_label (_("Save attendance"));
  g_signal_connect (attendance, "clicked", G_CALLBACK (on_get_attendance), p);
  gtk_grid_attach (GTK_GRID (grid), attendance, 1, 1, 1, 1);

  GtkWidget *limit_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  p->limit_spin = gtk_spin_button_new_with_range (0, 30, 1);
  gtk_box_pack_start (GTK_BOX (limit_box), gtk_label_new (_("Speech limit (minutes, 0 = none)")),
                      FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (limit_box), p->limit_spin, FALSE, FALSE, 0);
  gtk_grid_attach (GTK_GRID (grid), limit_box, 0, 2, 2, 1);

  p->layout_combo = gtk_combo_box_text_new ();
  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (p->layout_combo), "chair-large",
                             _("Chair large"));
  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (p->layout_combo), "grid", _("Equal grid"));
  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (p->layout_combo), "speaker-focus",
                             _("Speaker large"));
  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (p->layout_combo), "side-by-side",
                             _("Chair and speaker side by side"));
  g_signal_connect (p->layout_combo, "changed", G_CALLBACK (on_layout_changed), p);
  gtk_grid_attach (GTK_GRID (grid), p->layout_combo, 0, 3, 1, 1);
  p->lock_check = gtk_check_button_new_with_label (_("Lock the conference"));
  g_signal_connect (p->lock_check, "toggled", G_CALLBACK (on_lock_toggled), p);
  gtk_grid_attach (GTK_GRID (grid), p->lock_check, 1, 3, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), command_button (p, _("End the meeting"), DC_MSG_END_MEETING,
                                                    FALSE), 0, 4, 2, 1);
  return grid;
}

GtkWidget *
dc_chair_panel_new (DcEngine *engine)
{
  g_return_val_if_fail (DC_IS_ENGINE (engine), NULL);
  Panel *p = panel_new (engine, TRUE);
  p->root = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_size_request (p->root, 420, -1);
  g_object_set_data_full (G_OBJECT (p->root), "dc-chair-panel", p, panel_free);
  gtk_box_pack_start (GTK_BOX (p->root), p->floor_label, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (p->root), p->queue_label, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (p->root), build_controls (p), FALSE, FALSE, 0);
  p->call_all = dc_calls_all_button_new (engine);
  gtk_widget_set_halign (p->call_all, GTK_ALIGN_END);
  gtk_box_pack_start (GTK_BOX (p->root), p->call_all, FALSE, FALSE, 0);
  p->site_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (p->site_list), GTK_SELECTION_NONE);
  GtkWidget *scroll = gtk_scrolled_window_new (NULL, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_container_add (GTK_CONTAINER (scroll), p->site_list);
  gtk_box_pack_start (GTK_BOX (p->root), scroll, TRUE, TRUE, 0);
  refresh_labels (p);
  return p->root;
}

GtkWidget *
dc_floor_bar_new (DcEngine *engine)
{
  g_return_val_if_fail (DC_IS_ENGINE (engine), NULL);
  Panel *p = panel_new (engine, FALSE);
  p->root = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_object_set_data_full (G_OBJECT (p->root), "dc-chair-panel", p, panel_free);
  gtk_box_pack_start (GTK_BOX (p->root), p->floor_label, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (p->root), p->queue_label, FALSE, FALSE, 0);
  refresh_labels (p);
  return p->root;
}
