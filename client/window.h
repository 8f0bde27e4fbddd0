/* The hall's window (GTK 3): a join screen, then the meeting with the composed picture filling
 * the window. A layer over one DcEngine; every update runs on the GTK main loop. */
#pragma once

#include "engine.h"

G_BEGIN_DECLS

typedef struct
{
  const char *server, *site;
  const char *token;     /* from --token-file; with server and site: join at once (kiosk) */
  gboolean fullscreen;
  gboolean test_mode;    /* print state, labels and the video area to stdout */
  double test_tone_hz;
  const char *video_codec; /* NULL: vp8 */
  gboolean use_test_color;
  guint32 test_color;
  const char *const *ice_addresses;
  const char *settings_path; /* NULL: the user config dir */
} DcWindowOptions;

/* Runs until the window is closed; returns an exit code. gtk_init must have run. */
int dc_window_run (const DcWindowOptions *options);

G_END_DECLS
