/* The meeting view: composed picture filling the window, self-preview, status line, meters and
 * buttons, keyboard shortcuts, and what the engine's states and errors mean to the operator. */
#include "window-chair.h"
#include "window-private.h"

#define NOTICE_S 6

/* A gtksink and its widget; a plain drawing area when gtksink is missing (no picture). */
static GstElement *
make_sink (GtkWidget **widget)
{
  GstElement *sink = gst_element_factory_make ("gtksink", NULL);
  if (sink == NULL)
    {
      g_warning ("gtksink is missing (install gstreamer1.0-gtk3): no picture will show");
      *widget = gtk_drawing_area_new ();
      return NULL;
    }
  gst_object_ref_sink (sink);
  g_object_get (sink, "widget", widget, NULL);
  g_object_unref (*widget); /* the sink keeps a reference; so will the container */
  return sink;
}

static void
set_status (DcWindow *w, const char *text)
{
  gtk_label_set_text (GTK_LABEL (w->status_label), text);
  dc_window_test_print (w, "label status: %s", text);
}

static gboolean
clear_notice (gpointer user_data)
{
  DcWindow *w = user_data;
  gtk_label_set_text (GTK_LABEL (w->notice_label), "");
  w->notice_timer = 0;
  return G_SOURCE_REMOVE;
}

static void
show_notice (DcWindow *w, const char *text)
{
  gtk_label_set_text (GTK_LABEL (w->notice_label), text);
  dc_window_test_print (w, "label notice: %s", text);
  if (w->notice_timer != 0)
    g_source_remove (w->notice_timer);
  w->notice_timer = g_timeout_add_seconds (NOTICE_S, clear_notice, w);
}

/* The composed picture's place on the screen, for tests that look at a screenshot. */
static void
print_video_area (DcWindow *w)
{
  if (!w->options->test_mode || w->video_widget == NULL
      || !gtk_widget_get_realized (w->video_widget))
    return;
  int ox = 0, oy = 0, x = 0, y = 0;
  gdk_window_get_origin (gtk_widget_get_window (w->window), &ox, &oy);
  gtk_widget_translate_coordinates (w->video_widget, w->window, 0, 0, &x, &y);
  GtkAllocation a;
  gtk_widget_get_allocation (w->video_widget, &a);
  dc_window_test_print (w, "video-area %d %d %d %d", ox + x, oy + y, a.width, a.height);
}

static void
on_video_allocate (GtkWidget *widget, GdkRectangle *allocation, DcWindow *w)
{
  print_video_area (w);
}

static const char *
failure_sentence (DcWindow *w, char **owned)
{
  const char *code = dc_engine_get_error_code (w->engine);
  const char *error = dc_engine_get_error (w->engine);
  if (g_strcmp0 (code, "bad-token") == 0)
    return _("The token is wrong for this site. Check the token the provincial IT issued for "
             "this hall.");
  if (g_strcmp0 (code, "unknown-site") == 0)
    return _("This site is not in the conference configuration. Choose another site.");
  if (g_strcmp0 (code, "conference-locked") == 0)
    return _("The conference is not open or is locked. Wait for the chair hall to open it, then "
             "join again.");
  if (dc_engine_get_state (w->engine) == DC_ENGINE_STATE_CLOSED
      && g_strcmp0 (error, "replaced") == 0)
    return _("This site has connected from another computer, so this window left the meeting.");
  if (dc_engine_get_state (w->engine) == DC_ENGINE_STATE_CLOSED)
    return _("The meeting has ended for this site.");
  if (dc_engine_get_joined_time (w->engine) == 0 && code == NULL)
    return *owned = g_strdup_printf (_("Cannot reach the server %s. Check the address and the "
                                       "network."),
                                     w->joined_server);
  return *owned = g_strdup_printf (_("The connection ended: %s"), error != NULL ? error : "");
}

static void
update_status (DcWindow *w)
{
  int left = dc_engine_get_reconnect_in (w->engine);
  if (left >= 0)
    {
      g_autofree char *text = g_strdup_printf (
          g_dngettext (DC_GETTEXT_PACKAGE, "Connection lost — retrying in %d second",
                       "Connection lost — retrying in %d seconds", left),
          left);
      set_status (w, text);
      return;
    }
  switch (dc_engine_get_state (w->engine))
    {
    case DC_ENGINE_STATE_IDLE:
    case DC_ENGINE_STATE_CONNECTING:
      set_status (w, _("Connecting to the server…"));
      break;
    case DC_ENGINE_STATE_JOINING:
      set_status (w, _("Joining the conference…"));
      break;
    case DC_ENGINE_STATE_JOINED:
      set_status (w, _("Joined; starting sound and picture…"));
      break;
    case DC_ENGINE_STATE_CONNECTED:
      {
        g_autofree char *text = g_strdup_printf ("%s%s%s", _("In the meeting"),
                                                 w->net_text != NULL ? " · " : "",
                                                 w->net_text != NULL ? w->net_text : "");
        set_status (w, text);
      }
      break;
    default:
      break;
    }
}

static void
on_state (DcEngine *engine, GParamSpec *pspec, DcWindow *w)
{
  DcEngineState state = dc_engine_get_state (engine);
  dc_window_test_print (w, "state %s", dc_engine_state_to_string (state));
  if ((state == DC_ENGINE_STATE_FAILED || state == DC_ENGINE_STATE_CLOSED)
      && dc_engine_get_reconnect_in (engine) < 0)
    {
      g_autofree char *owned = NULL;
      const char *fingerprint = dc_engine_get_untrusted_fingerprint (engine);
      if (fingerprint != NULL)
        dc_window_offer_trust (w, fingerprint);
      else
        dc_window_show_join (w, failure_sentence (w, &owned));
      return;
    }
  update_status (w);
}

static void
on_countdown (DcEngine *engine, int seconds, DcWindow *w)
{
  update_status (w);
}

static void
on_welcome (DcEngine *engine, const char *name, const char *role, DcWindow *w)
{
  dc_window_test_print (w, "joined %s", name != NULL ? name : "");
  /* Created once per engine; after a reconnect the panel is already there. */
  GtkWidget *area = dc_chair_role_moderates (role) ? w->chair_area : w->floor_area;
  GList *children = gtk_container_get_children (GTK_CONTAINER (area));
  if (children == NULL)
    {
      GtkWidget *panel = dc_chair_role_moderates (role) ? dc_chair_panel_new (engine)
                                                        : dc_floor_bar_new (engine);
      gtk_box_pack_start (GTK_BOX (area), panel, TRUE, TRUE, 0);
      gtk_widget_show_all (area);
    }
  g_list_free (children);
}

static void
clear_area (GtkWidget *area)
{
  GList *children = gtk_container_get_children (GTK_CONTAINER (area));
  for (GList *l = children; l; l = l->next)
    gtk_widget_destroy (l->data);
  g_list_free (children);
}

static void
on_layout (DcEngine *engine, DcWindow *w)
{
  int cw = 0, ch = 0;
  GPtrArray *tiles = dc_engine_get_layout (engine, NULL, &cw, &ch);
  dc_window_test_print (w, "canvas %d %d", cw, ch);
  for (guint i = 0; i < tiles->len; i++)
    {
      const DcEngineTile *t = g_ptr_array_index (tiles, i);
      dc_window_test_print (w, "tile %s %d %d %d %d", t->site, t->x, t->y, t->width, t->height);
    }
}

static void
on_first_frame (DcEngine *engine, DcWindow *w)
{
  dc_window_test_print (w, "first-frame");
  print_video_area (w);
}

static void
on_network_stats (DcEngine *engine, double rtt_ms, double loss, double kbps, DcWindow *w)
{
  g_free (w->net_text);
  if (rtt_ms >= 0)
    w->net_text = g_strdup_printf (_("delay %.0f ms · loss %.1f%% · %.0f kbit/s"), rtt_ms, loss,
                                   kbps);
  else
    w->net_text = g_strdup_printf (_("loss %.1f%% · %.0f kbit/s"), loss, kbps);
  update_status (w);
}

static double
meter_value (double dbfs)
{
  return CLAMP ((dbfs + 60.0) / 60.0, 0.0, 1.0);
}

static void
on_levels (DcEngine *engine, double mic, double rx, DcWindow *w)
{
  gtk_level_bar_set_value (GTK_LEVEL_BAR (w->mic_bar), meter_value (mic));
  gtk_level_bar_set_value (GTK_LEVEL_BAR (w->rx_bar), meter_value (rx));
}

static void
update_buttons (DcWindow *w)
{
  gboolean muted = w->engine != NULL && dc_engine_get_mic_muted (w->engine);
  gboolean stopped = w->engine != NULL && dc_engine_get_camera_stopped (w->engine);
  gtk_button_set_label (GTK_BUTTON (w->mute_button),
                        muted ? _("Unmute microphone (M)") : _("Mute microphone (M)"));
  gtk_button_set_label (GTK_BUTTON (w->camera_button),
                        stopped ? _("Start camera (V)") : _("Stop camera (V)"));
}

static void
on_gateway_error (DcEngine *engine, const char *code, const char *message, gboolean fatal,
                  DcWindow *w)
{
  if (fatal)
    return; /* the state change explains it */
  /* raise-hand comes with the chairing feature; older gateways answer unknown-type. */
  if (g_strcmp0 (code, "unknown-type") == 0 || g_strcmp0 (code, "not-permitted") == 0)
    show_notice (w, _("Asking for the floor is not available in this conference yet."));
  else
    show_notice (w, message != NULL ? message : code);
}

static void
toggle_mute (DcWindow *w)
{
  if (w->engine != NULL)
    dc_engine_set_mic_muted (w->engine, !dc_engine_get_mic_muted (w->engine));
}

static void
toggle_camera (DcWindow *w)
{
  if (w->engine != NULL)
    dc_engine_set_camera_stopped (w->engine, !dc_engine_get_camera_stopped (w->engine));
}

static void
raise_hand (DcWindow *w)
{
  if (w->engine != NULL && dc_engine_raise_hand (w->engine))
    show_notice (w, _("Your request to speak was sent to the chair."));
  else
    show_notice (w, _("Not connected: the request to speak was not sent."));
}

void
dc_window_set_fullscreen (DcWindow *w, gboolean on)
{
  if (on)
    gtk_window_fullscreen (GTK_WINDOW (w->window));
  else
    gtk_window_unfullscreen (GTK_WINDOW (w->window));
}

static void
toggle_fullscreen (DcWindow *w)
{
  dc_window_set_fullscreen (w, !w->fullscreen);
}

static void
on_leave_clicked (DcWindow *w)
{
  dc_meeting_leave (w);
  dc_window_show_join (w, _("You left the meeting."));
}

gboolean
dc_meeting_key (DcWindow *w, GdkEventKey *event)
{
  if (event->keyval == GDK_KEY_F11)
    toggle_fullscreen (w);
  else if (event->keyval == GDK_KEY_Escape && w->fullscreen)
    dc_window_set_fullscreen (w, FALSE);
  else if (w->engine == NULL || (event->state & (GDK_CONTROL_MASK | GDK_MOD1_MASK)) != 0
           || g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (w->stack)), "meeting") != 0)
    return FALSE;
  else if (event->keyval == GDK_KEY_m || event->keyval == GDK_KEY_M)
    toggle_mute (w);
  else if (event->keyval == GDK_KEY_v || event->keyval == GDK_KEY_V)
    toggle_camera (w);
  else if (event->keyval == GDK_KEY_h || event->keyval == GDK_KEY_H)
    raise_hand (w);
  else if (event->keyval == GDK_KEY_p || event->keyval == GDK_KEY_P)
    /* The chair panel steps aside when the hall's screen should show only the picture. */
    gtk_widget_set_visible (w->chair_area, !gtk_widget_get_visible (w->chair_area));
  else
    return FALSE;
  return TRUE;
}

/* --- device menu --- */

typedef struct
{
  DcWindow *w;
  DcDeviceKind kind;
  GstDevice *device; /* NULL = automatic */
} DeviceChoice;

static void
device_choice_free (gpointer data, GClosure *closure)
{
  DeviceChoice *c = data;
  gst_clear_object (&c->device);
  g_free (c);
}

static void
on_device_chosen (GtkMenuItem *item, DeviceChoice *c)
{
  g_autoptr (GError) error = NULL;
  if (c->w->engine != NULL && !dc_engine_set_device (c->w->engine, c->kind, c->device, &error))
    show_notice (c->w, error->message);
}

static void
add_device_items (DcWindow *w, GtkMenuShell *menu, DcDeviceKind kind, const char *title)
{
  GtkWidget *header = gtk_menu_item_new_with_label (title);
  gtk_widget_set_sensitive (header, FALSE);
  gtk_menu_shell_append (menu, header);
  g_autoptr (GPtrArray) devices = dc_engine_list_devices (w->engine, kind);
  for (guint i = 0; i <= devices->len; i++)
    {
      DeviceChoice *c = g_new0 (DeviceChoice, 1);
      c->w = w;
      c->kind = kind;
      c->device = i < devices->len ? gst_object_ref (g_ptr_array_index (devices, i)) : NULL;
      g_autofree char *name = c->device != NULL ? gst_device_get_display_name (c->device)
                                                : g_strdup (_("Automatic"));
      GtkWidget *item = gtk_menu_item_new_with_label (name);
      g_signal_connect_data (item, "activate", G_CALLBACK (on_device_chosen), c,
                             device_choice_free, 0);
      gtk_menu_shell_append (menu, item);
    }
}

static gboolean
destroy_later (gpointer data)
{
  gtk_widget_destroy (data);
  return G_SOURCE_REMOVE;
}

static void
on_menu_deactivate (GtkWidget *menu, gpointer unused)
{
  g_idle_add (destroy_later, menu);
}

static void
on_devices_clicked (GtkButton *button, DcWindow *w)
{
  if (w->engine == NULL)
    return;
  GtkWidget *menu = gtk_menu_new ();
  add_device_items (w, GTK_MENU_SHELL (menu), DC_DEVICE_CAMERA, _("Camera"));
  add_device_items (w, GTK_MENU_SHELL (menu), DC_DEVICE_MICROPHONE, _("Microphone"));
  add_device_items (w, GTK_MENU_SHELL (menu), DC_DEVICE_SPEAKER, _("Speaker"));
  gtk_widget_show_all (menu);
  /* Destroyed later: an item is activated after the menu deactivates. */
  g_signal_connect (menu, "deactivate", G_CALLBACK (on_menu_deactivate), NULL);
  gtk_menu_popup_at_widget (GTK_MENU (menu), GTK_WIDGET (button), GDK_GRAVITY_NORTH_WEST,
                            GDK_GRAVITY_SOUTH_WEST, NULL);
}

/* --- building and sessions --- */

static GtkWidget *
button (const char *label, GCallback callback, DcWindow *w)
{
  GtkWidget *b = gtk_button_new_with_label (label);
  g_signal_connect_swapped (b, "clicked", callback, w);
  gtk_widget_set_can_focus (b, FALSE); /* keys go to the window's shortcuts */
  return b;
}

static GtkWidget *
meter (const char *title, GtkWidget **bar)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_pack_start (GTK_BOX (box), gtk_label_new (title), FALSE, FALSE, 0);
  *bar = gtk_level_bar_new_for_interval (0.0, 1.0);
  gtk_widget_set_size_request (*bar, 120, 10);
  gtk_widget_set_valign (*bar, GTK_ALIGN_CENTER);
  gtk_box_pack_start (GTK_BOX (box), *bar, FALSE, FALSE, 0);
  return box;
}

static GtkWidget *
build_toolbar (DcWindow *w)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_container_set_border_width (GTK_CONTAINER (bar), 4);
  w->mute_button = button (_("Mute microphone (M)"), G_CALLBACK (toggle_mute), w);
  w->camera_button = button (_("Stop camera (V)"), G_CALLBACK (toggle_camera), w);
  w->hand_button = button (_("Ask to speak (H)"), G_CALLBACK (raise_hand), w);
  w->full_button = button (_("Full screen"), G_CALLBACK (toggle_fullscreen), w);
  w->devices_button = gtk_button_new_with_label (_("Devices"));
  gtk_widget_set_can_focus (w->devices_button, FALSE);
  g_signal_connect (w->devices_button, "clicked", G_CALLBACK (on_devices_clicked), w);
  GtkWidget *leave = button (_("Leave"), G_CALLBACK (on_leave_clicked), w);
  GtkWidget *widgets[] = { w->mute_button, w->camera_button, w->hand_button,
                           w->devices_button, w->full_button };
  for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
    gtk_box_pack_start (GTK_BOX (bar), widgets[i], FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (bar), meter (_("Microphone"), &w->mic_bar), FALSE, FALSE, 6);
  gtk_box_pack_start (GTK_BOX (bar), meter (_("Received"), &w->rx_bar), FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (bar), leave, FALSE, FALSE, 0);
  return bar;
}

GtkWidget *
dc_meeting_build (DcWindow *w)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *overlay = gtk_overlay_new ();
  w->video_sink = make_sink (&w->video_widget);
  gtk_widget_set_hexpand (w->video_widget, TRUE);
  gtk_widget_set_vexpand (w->video_widget, TRUE);
  gtk_container_add (GTK_CONTAINER (overlay), w->video_widget);
  g_signal_connect (w->video_widget, "size-allocate", G_CALLBACK (on_video_allocate), w);

  w->preview_sink = make_sink (&w->preview_widget);
  gtk_widget_set_size_request (w->preview_widget, 192, 108);
  gtk_widget_set_halign (w->preview_widget, GTK_ALIGN_END);
  gtk_widget_set_valign (w->preview_widget, GTK_ALIGN_END);
  gtk_widget_set_margin_end (w->preview_widget, 8);
  gtk_widget_set_margin_bottom (w->preview_widget, 8);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), w->preview_widget);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_pack_start (GTK_BOX (row), overlay, TRUE, TRUE, 0);
  w->chair_area = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_pack_start (GTK_BOX (row), w->chair_area, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), row, TRUE, TRUE, 0);
  w->floor_area = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_box_pack_start (GTK_BOX (box), w->floor_area, FALSE, FALSE, 2);

  gtk_box_pack_start (GTK_BOX (box), build_toolbar (w), FALSE, FALSE, 0);
  GtkWidget *status_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  w->status_label = gtk_label_new ("");
  w->notice_label = gtk_label_new ("");
  gtk_box_pack_start (GTK_BOX (status_row), w->status_label, FALSE, FALSE, 6);
  gtk_box_pack_end (GTK_BOX (status_row), w->notice_label, FALSE, FALSE, 6);
  gtk_box_pack_start (GTK_BOX (box), status_row, FALSE, FALSE, 2);
  return box;
}

static void
connect_engine (DcWindow *w)
{
  g_signal_connect (w->engine, "notify::state", G_CALLBACK (on_state), w);
  g_signal_connect (w->engine, "reconnect-countdown", G_CALLBACK (on_countdown), w);
  g_signal_connect (w->engine, "welcome", G_CALLBACK (on_welcome), w);
  g_signal_connect (w->engine, "layout-changed", G_CALLBACK (on_layout), w);
  g_signal_connect (w->engine, "first-frame", G_CALLBACK (on_first_frame), w);
  g_signal_connect (w->engine, "network-stats", G_CALLBACK (on_network_stats), w);
  g_signal_connect (w->engine, "levels", G_CALLBACK (on_levels), w);
  g_signal_connect_swapped (w->engine, "controls-changed", G_CALLBACK (update_buttons), w);
  g_signal_connect (w->engine, "gateway-error", G_CALLBACK (on_gateway_error), w);
}

gboolean
dc_meeting_join (DcWindow *w, const char *server, const char *site, const char *token)
{
  const DcWindowOptions *o = w->options;
  dc_meeting_leave (w);
  gboolean kiosk = o->server != NULL && o->token != NULL;
  DcEngineConfig config = {
    .server_url = server,
    .site = site,
    .token = token,
    .test_tone_hz = o->test_tone_hz,
    .use_test_color = o->use_test_color,
    .test_color = o->test_color,
    .width = 640,
    .height = 360,
    .fps = 15,
    .video_codec = o->video_codec,
    .ice_addresses = o->ice_addresses,
    .play_audio = TRUE,
    .video_sink = w->video_sink,
    .preview_sink = w->preview_sink,
    /* An unattended hall keeps trying even if the server is down when the PC starts. */
    .reconnect = kiosk ? DC_ENGINE_RECONNECT_ALWAYS : DC_ENGINE_RECONNECT_AFTER_JOIN,
    .accepted_fingerprint = dc_settings_get_fingerprint (w->settings, server),
  };
  g_free (w->joined_server);
  w->joined_server = g_strdup (server);
  w->engine = dc_engine_new (&config);
  connect_engine (w);
  update_buttons (w);
  gtk_stack_set_visible_child_name (GTK_STACK (w->stack), "meeting");
  dc_window_test_print (w, "page meeting");
  g_autoptr (GError) error = NULL;
  if (!dc_engine_start (w->engine, &error))
    {
      dc_window_show_join (w, error->message);
      g_clear_object (&w->engine);
      return FALSE;
    }
  update_status (w);
  return TRUE;
}

void
dc_meeting_leave (DcWindow *w)
{
  if (w->engine == NULL)
    return;
  g_signal_handlers_disconnect_by_data (w->engine, w);
  clear_area (w->chair_area);
  clear_area (w->floor_area);
  dc_engine_leave (w->engine);
  g_clear_object (&w->engine);
  g_clear_pointer (&w->net_text, g_free);
  if (w->notice_timer != 0)
    g_source_remove (w->notice_timer);
  w->notice_timer = 0;
}
