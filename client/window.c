/* The window: application lifetime, the join screen (server, site list from GET /api/sites,
 * token), remembered settings and trusting a certificate; the meeting is in window-meeting.c. */
#include "window-private.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>

void
dc_window_test_print (DcWindow *w, const char *format, ...)
{
  if (!w->options->test_mode)
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *line = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stdout, "%s\n", line);
  fflush (stdout);
}

/* --- the site list --- */

/* ws://host:port/ws -> http://host:port/api/sites (wss -> https). */
static char *
sites_url (const char *server)
{
  g_autoptr (GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  const char *scheme = g_strcmp0 (g_uri_get_scheme (uri), "wss") == 0 ? "https" : "http";
  g_autoptr (GUri) api = g_uri_build (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (uri),
                                      g_uri_get_port (uri), "/api/sites", NULL, NULL);
  return g_uri_to_string (api);
}

static void
fill_sites (DcWindow *w, JsonArray *sites)
{
  GtkComboBoxText *combo = GTK_COMBO_BOX_TEXT (w->site_combo);
  gtk_combo_box_text_remove_all (combo);
  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      JsonObject *o = json_array_get_object_element (sites, i);
      const char *id = o != NULL ? json_object_get_string_member_with_default (o, "id", NULL) : NULL;
      if (id == NULL)
        continue;
      const char *name = json_object_get_string_member_with_default (o, "name", id);
      gtk_combo_box_text_append (combo, id, name);
    }
  if (w->settings->site != NULL)
    gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), w->settings->site);
  if (gtk_combo_box_get_active (GTK_COMBO_BOX (combo)) < 0)
    gtk_combo_box_set_active (GTK_COMBO_BOX (combo), 0);
}

static void
on_sites_loaded (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  DcWindow *w = user_data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root = NULL;
  if (body != NULL
      && json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                     g_bytes_get_size (body), NULL))
    root = json_parser_get_root (parser);
  JsonObject *obj = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root)
                                                                  : NULL;
  JsonArray *sites = obj != NULL ? json_object_get_array_member (obj, "sites") : NULL;
  if (sites == NULL)
    {
      gtk_label_set_text (GTK_LABEL (w->message_label),
                          _("Cannot reach the server to list the sites. Check the address and "
                            "the network, then try again."));
      return;
    }
  fill_sites (w, sites);
  gtk_label_set_text (GTK_LABEL (w->message_label), "");
}

static void
load_sites (DcWindow *w)
{
  g_autofree char *url = sites_url (gtk_entry_get_text (GTK_ENTRY (w->server_entry)));
  if (url == NULL)
    return;
  if (w->sites_cancellable != NULL)
    g_cancellable_cancel (w->sites_cancellable);
  g_clear_object (&w->sites_cancellable);
  w->sites_cancellable = g_cancellable_new ();
  static SoupSession *session = NULL;
  if (session == NULL)
    session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg != NULL)
    soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, w->sites_cancellable,
                                      on_sites_loaded, w);
}

/* --- join screen --- */

static void
save_settings (DcWindow *w, const char *server, const char *site, const char *token)
{
  g_free (w->settings->server);
  w->settings->server = g_strdup (server);
  g_free (w->settings->site);
  w->settings->site = g_strdup (site);
  w->settings->remember_token
      = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (w->remember_check));
  g_free (w->settings->token);
  w->settings->token = w->settings->remember_token ? g_strdup (token) : NULL;
  g_autoptr (GError) error = NULL;
  if (!dc_settings_save (w->settings, w->settings_path, &error))
    g_warning ("settings not saved: %s", error->message);
}

static void
on_join_clicked (GtkButton *button, DcWindow *w)
{
  const char *server = gtk_entry_get_text (GTK_ENTRY (w->server_entry));
  const char *site = gtk_combo_box_get_active_id (GTK_COMBO_BOX (w->site_combo));
  const char *token = gtk_entry_get_text (GTK_ENTRY (w->token_entry));
  if (*server == '\0' || site == NULL || *token == '\0')
    {
      gtk_label_set_text (GTK_LABEL (w->message_label),
                          _("Enter the server address, choose the site and enter its token."));
      return;
    }
  save_settings (w, server, site, token);
  dc_meeting_join (w, server, site, token);
}

static void
on_trust_clicked (GtkButton *button, DcWindow *w)
{
  const char *server = gtk_entry_get_text (GTK_ENTRY (w->server_entry));
  dc_settings_set_fingerprint (w->settings, server, w->pending_fingerprint);
  gtk_widget_hide (w->trust_button);
  on_join_clicked (NULL, w);
}

void
dc_window_offer_trust (DcWindow *w, const char *fingerprint)
{
  g_free (w->pending_fingerprint);
  w->pending_fingerprint = g_strdup (fingerprint);
  g_autofree char *text
      = g_strdup_printf (_("The server's certificate is not trusted. Its SHA-256 fingerprint is:\n"
                           "%s\nCompare it with the one the provincial IT gave you before you "
                           "accept it."),
                         fingerprint);
  dc_window_show_join (w, text);
  gtk_widget_show (w->trust_button);
}

void
dc_window_show_join (DcWindow *w, const char *message)
{
  gtk_widget_hide (w->trust_button);
  gtk_label_set_text (GTK_LABEL (w->message_label), message != NULL ? message : "");
  gtk_stack_set_visible_child_name (GTK_STACK (w->stack), "join");
  dc_window_test_print (w, "page join");
  if (message != NULL)
    dc_window_test_print (w, "label message: %s", message);
}

static GtkWidget *
labelled (GtkGrid *grid, int row, const char *text, GtkWidget *field)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_widget_set_halign (label, GTK_ALIGN_END);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_widget_set_hexpand (field, TRUE);
  gtk_grid_attach (grid, field, 1, row, 1, 1);
  return field;
}

static GtkWidget *
build_join (DcWindow *w)
{
  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_size_request (grid, 560, -1);
  gtk_widget_set_halign (grid, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (grid, GTK_ALIGN_CENTER);

  GtkWidget *title = gtk_label_new (NULL);
  g_autofree char *markup
      = g_markup_printf_escaped ("<big><b>%s</b></big>", _("Join the online conference"));
  gtk_label_set_markup (GTK_LABEL (title), markup);
  gtk_grid_attach (GTK_GRID (grid), title, 0, 0, 2, 1);

  w->server_entry = labelled (GTK_GRID (grid), 1, _("Server address"), gtk_entry_new ());
  gtk_entry_set_placeholder_text (GTK_ENTRY (w->server_entry), "ws://192.168.1.10:8443/ws");
  g_signal_connect_swapped (w->server_entry, "activate", G_CALLBACK (load_sites), w);
  w->site_combo = labelled (GTK_GRID (grid), 2, _("Site"), gtk_combo_box_text_new ());
  w->token_entry = labelled (GTK_GRID (grid), 3, _("Token"), gtk_entry_new ());
  gtk_entry_set_visibility (GTK_ENTRY (w->token_entry), FALSE);
  w->remember_check = gtk_check_button_new_with_label (_("Remember the token on this computer"));
  gtk_grid_attach (GTK_GRID (grid), w->remember_check, 1, 4, 1, 1);

  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *refresh = gtk_button_new_with_label (_("Load the site list"));
  g_signal_connect_swapped (refresh, "clicked", G_CALLBACK (load_sites), w);
  w->join_button = gtk_button_new_with_label (_("Join"));
  g_signal_connect (w->join_button, "clicked", G_CALLBACK (on_join_clicked), w);
  w->trust_button = gtk_button_new_with_label (_("Trust this certificate and join"));
  g_signal_connect (w->trust_button, "clicked", G_CALLBACK (on_trust_clicked), w);
  gtk_widget_set_no_show_all (w->trust_button, TRUE);
  gtk_box_pack_start (GTK_BOX (buttons), refresh, FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (buttons), w->join_button, FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (buttons), w->trust_button, FALSE, FALSE, 0);
  gtk_grid_attach (GTK_GRID (grid), buttons, 0, 5, 2, 1);

  w->message_label = gtk_label_new ("");
  gtk_label_set_line_wrap (GTK_LABEL (w->message_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (w->message_label), TRUE);
  gtk_grid_attach (GTK_GRID (grid), w->message_label, 0, 6, 2, 1);

  if (w->settings->server != NULL)
    gtk_entry_set_text (GTK_ENTRY (w->server_entry), w->settings->server);
  if (w->settings->token != NULL)
    gtk_entry_set_text (GTK_ENTRY (w->token_entry), w->settings->token);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (w->remember_check),
                                w->settings->remember_token);
  if (w->settings->site != NULL)
    gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (w->site_combo), w->settings->site,
                               w->settings->site);
  gtk_combo_box_set_active (GTK_COMBO_BOX (w->site_combo), 0);
  return grid;
}

/* --- application --- */

static gboolean
on_key_press (GtkWidget *widget, GdkEventKey *event, DcWindow *w)
{
  return dc_meeting_key (w, event);
}

static gboolean
on_window_state (GtkWidget *widget, GdkEventWindowState *event, DcWindow *w)
{
  w->fullscreen = (event->new_window_state & GDK_WINDOW_STATE_FULLSCREEN) != 0;
  gtk_button_set_label (GTK_BUTTON (w->full_button),
                        w->fullscreen ? _("Leave full screen") : _("Full screen"));
  return FALSE;
}

static void
on_destroy (GtkWidget *widget, DcWindow *w)
{
  dc_meeting_leave (w);
  gtk_main_quit ();
}

static void
window_free (DcWindow *w)
{
  if (w->sites_cancellable != NULL)
    g_cancellable_cancel (w->sites_cancellable);
  g_clear_object (&w->sites_cancellable);
  g_clear_object (&w->engine);
  dc_settings_free (w->settings);
  g_free (w->settings_path);
  g_free (w->pending_fingerprint);
  g_free (w->joined_server);
  g_free (w->net_text);
  gst_clear_object (&w->video_sink);
  gst_clear_object (&w->preview_sink);
  g_free (w);
}

int
dc_window_run (const DcWindowOptions *options)
{
  DcWindow *w = g_new0 (DcWindow, 1);
  w->options = options;
  w->settings_path = options->settings_path != NULL ? g_strdup (options->settings_path)
                                                    : dc_settings_default_path ();
  g_autoptr (GError) error = NULL;
  w->settings = dc_settings_load (w->settings_path, &error);
  if (w->settings == NULL)
    {
      g_warning ("settings ignored: %s", error->message);
      w->settings = dc_settings_new ();
    }

  w->window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  gtk_window_set_title (GTK_WINDOW (w->window), _("Diemcau – online conference"));
  gtk_window_set_default_size (GTK_WINDOW (w->window), 1024, 640);
  w->stack = gtk_stack_new ();
  gtk_stack_add_named (GTK_STACK (w->stack), build_join (w), "join");
  gtk_stack_add_named (GTK_STACK (w->stack), dc_meeting_build (w), "meeting");
  gtk_container_add (GTK_CONTAINER (w->window), w->stack);
  g_signal_connect (w->window, "key-press-event", G_CALLBACK (on_key_press), w);
  g_signal_connect (w->window, "window-state-event", G_CALLBACK (on_window_state), w);
  g_signal_connect (w->window, "destroy", G_CALLBACK (on_destroy), w);
  gtk_widget_show_all (w->window);
  if (options->fullscreen)
    dc_window_set_fullscreen (w, TRUE);

  if (options->server != NULL && options->site != NULL && options->token != NULL)
    dc_meeting_join (w, options->server, options->site, options->token);
  else
    {
      dc_window_show_join (w, NULL);
      load_sites (w);
    }
  gtk_main ();
  window_free (w);
  return 0;
}
