/* Shared by window.c (application, join screen) and window-meeting.c (the meeting view). */
#pragma once

#include <gtk/gtk.h>

#include "i18n.h"
#include "settings.h"
#include "window.h"

G_BEGIN_DECLS

typedef struct
{
  const DcWindowOptions *options;
  DcSettings *settings;
  char *settings_path;
  GtkWidget *window, *stack;
  gboolean fullscreen;

  /* join screen */
  GtkWidget *server_entry, *site_combo, *token_entry, *remember_check, *join_button;
  GtkWidget *message_label, *trust_button;
  char *pending_fingerprint; /* offered to the user for the server in server_entry */
  GCancellable *sites_cancellable;

  /* meeting */
  DcEngine *engine;
  char *joined_server;
  GtkWidget *video_box, *video_widget, *preview_widget, *status_label, *notice_label;
  GtkWidget *mic_bar, *rx_bar, *mute_button, *camera_button, *hand_button, *full_button;
  GtkWidget *devices_button;
  GtkWidget *chair_area, *floor_area; /* chairing panel or floor bar, by role (window-chair.c) */
  char *net_text;
  guint notice_timer;
  GstElement *video_sink, *preview_sink; /* kept across sessions with their widgets */
} DcWindow;

/* window-meeting.c */
GtkWidget *dc_meeting_build (DcWindow *w);
/* Starts the engine with the join screen's (or the command line's) values. */
gboolean dc_meeting_join (DcWindow *w, const char *server, const char *site, const char *token);
void dc_meeting_leave (DcWindow *w);
gboolean dc_meeting_key (DcWindow *w, GdkEventKey *event);
void dc_window_set_fullscreen (DcWindow *w, gboolean on);

/* window.c */
void dc_window_show_join (DcWindow *w, const char *message);
void dc_window_offer_trust (DcWindow *w, const char *fingerprint);
/* Test mode: one line on stdout, flushed. */
void dc_window_test_print (DcWindow *w, const char *format, ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
