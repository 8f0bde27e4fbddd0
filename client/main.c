/* diemcau-client: a hall's connection to the diemcau gateway: a GTK window (default) or the
 * headless mode, both over the same engine. */
#include <gst/gst.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>

#include "dc-build-config.h"
#include "headless.h"
#include "engine-codec.h"
#include "i18n.h"
#include "window.h"

typedef struct
{
  gboolean headless;
  char *server, *site, *token_file;
  double test_tone, test_volume;
  char *test_color, *test_pattern, *video_size, *video_codec;
  int fps;
  double duration;
  char *report, *snapshot, *probe_tones;
  char **ice_addresses;
  char *load_media;
  char **commands;
  gboolean version;
  char *lang;
  gboolean fullscreen, test_mode;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->server);
  g_free (o->site);
  g_free (o->token_file);
  g_free (o->test_color);
  g_free (o->test_pattern);
  g_free (o->video_size);
  g_free (o->video_codec);
  g_free (o->report);
  g_free (o->snapshot);
  g_free (o->probe_tones);
  g_strfreev (o->ice_addresses);
  g_free (o->load_media);
  g_strfreev (o->commands);
  g_free (o->lang);
}

static GOptionContext *
make_context (Options *o)
{
  const GOptionEntry entries[] = {
    { "headless", 0, 0, G_OPTION_ARG_NONE, &o->headless, "Run without a window (tests, kiosks)",
      NULL },
    { "server", 0, 0, G_OPTION_ARG_STRING, &o->server, "Gateway signaling URL",
      "ws://HOST:PORT/ws" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &o->site, "This hall's site id", "ID" },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &o->token_file,
      "File holding this site's join token", "FILE" },
    { "test-tone", 0, 0, G_OPTION_ARG_DOUBLE, &o->test_tone,
      "Send a sine of this frequency instead of the microphone", "HZ" },
    { "test-volume", 0, 0, G_OPTION_ARG_DOUBLE, &o->test_volume,
      "Amplitude of the test tone, 0..1 (0.3)", "V" },
    { "test-pattern", 0, 0, G_OPTION_ARG_STRING, &o->test_pattern,
      "Send this videotestsrc pattern (snow, ball, ...) instead of the camera", "NAME" },
    { "test-color", 0, 0, G_OPTION_ARG_STRING, &o->test_color,
      "Send this solid colour instead of the camera", "RRGGBB" },
    { "video-size", 0, 0, G_OPTION_ARG_STRING, &o->video_size, "Sent video size (320x180)", "WxH" },
    { "fps", 0, 0, G_OPTION_ARG_INT, &o->fps, "Sent frame rate (15)", "N" },
    { "video-codec", 0, 0, G_OPTION_ARG_STRING, &o->video_codec,
      "Video codec sent and asked of the gateway: vp8 (default) or h264", "CODEC" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &o->duration,
      "Leave after this many seconds in the conference (default: until Ctrl-C)", "S" },
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &o->report, "Write measurements as JSON at exit",
      "FILE.json" },
    { "snapshot", 0, 0, G_OPTION_ARG_FILENAME, &o->snapshot,
      "Write the last received frame as PNG at exit", "FILE.png" },
    { "probe-tones", 0, 0, G_OPTION_ARG_STRING, &o->probe_tones,
      "Report the received level of these frequencies", "HZ,HZ,..." },
    { "ice-address", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->ice_addresses,
      "Use only this local address for media (repeatable)", "ADDR" },
    { "load-media", 0, 0, G_OPTION_ARG_FILENAME, &o->load_media,
      "Send pre-encoded media from DIR in a loop and count what arrives without decoding "
      "(load testing)",
      "DIR" },
    { "command", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->commands,
      "Send this protocol message SECONDS after joining (repeatable; e.g. chair rehearsals)",
      "SECONDS:JSON" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &o->version, "Print the version and exit", NULL },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &o->lang,
      "Window language: vi (default) or en; else LANGUAGE, LC_ALL, LANG", "vi|en" },
    { "fullscreen", 0, 0, G_OPTION_ARG_NONE, &o->fullscreen, "Open the window full screen",
      NULL },
    { "test-mode", 0, 0, G_OPTION_ARG_NONE, &o->test_mode,
      "Print the window's state, labels and video area on stdout (tests)", NULL },
    { NULL },
  };
  GOptionContext *context = g_option_context_new ("- join a diemcau conference");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
      context, "Exit status: 0 joined and ran its duration; 1 could not start, connect or "
               "negotiate; 2 bad usage;\n3 the gateway refused (bad-token, unknown-site...); "
               "4 disconnected before the end.\n");
  g_option_context_add_group (context, gst_init_get_option_group ());
  return context;
}

static gboolean
parse_probe_tones (const char *text, GArray *out, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      double f = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (end == parts[i] || *end != '\0' || f <= 0 || f >= DC_ENGINE_AUDIO_RATE / 2)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--probe-tones: \"%s\" is not a frequency between 0 and 24000 Hz", parts[i]);
          return FALSE;
        }
      g_array_append_val (out, f);
    }
  return TRUE;
}

static gboolean
parse_video_size (const char *text, int *w, int *h, GError **error)
{
  if (text == NULL)
    return TRUE;
  if (sscanf (text, "%dx%d", w, h) != 2 || *w < 16 || *h < 16 || *w > 3840 || *h > 2160)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--video-size: \"%s\" is not WIDTHxHEIGHT between 16x16 and 3840x2160", text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_video_codec (const char *name, GError **error)
{
  if (name == NULL || dc_client_video_codec_find (name) != NULL)
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--video-codec: \"%s\" is not vp8 or h264", name);
  return FALSE;
}

/* --test-color RRGGBB, for both the headless and the window mode; absent leaves the camera. */
static gboolean
parse_test_color (const char *text, gboolean *use, guint32 *rgb_out, GError **error)
{
  if (text == NULL)
    return TRUE;
  DcRgb rgb;
  if (!dc_rgb_from_hex (text, &rgb))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--test-color: \"%s\" is not RRGGBB", text);
      return FALSE;
    }
  *use = TRUE;
  *rgb_out = ((guint32) rgb.r << 16) | ((guint32) rgb.g << 8) | rgb.b;
  return TRUE;
}

static char *
read_token (const char *path, GError **error)
{
  char *contents = NULL;
  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  g_strstrip (contents);
  if (*contents == '\0')
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "The token file %s is empty.", path);
      g_free (contents);
      return NULL;
    }
  return contents;
}

static gboolean
check_required (const Options *o, GError **error)
{
  const char *missing = o->server == NULL       ? "--server"
                        : o->site == NULL       ? "--site"
                        : o->token_file == NULL ? "--token-file"
                                                : NULL;
  if (missing != NULL)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "%s is required", missing);
  return missing == NULL;
}

static int
run (Options *o, GError **error)
{
  DcHeadlessOptions h = { 0 };
  g_autoptr (GArray) probes = g_array_new (FALSE, FALSE, sizeof (double));
  if (!check_required (o, error)
      || !parse_video_size (o->video_size, &h.engine.width, &h.engine.height, error)
      || (o->probe_tones != NULL && !parse_probe_tones (o->probe_tones, probes, error))
      || !check_video_codec (o->video_codec, error))
    return DC_EXIT_USAGE;
  if (!parse_test_color (o->test_color, &h.engine.use_test_color, &h.engine.test_color, error))
    return DC_EXIT_USAGE;
  if (o->fps < 0 || o->fps > 60 || o->test_tone < 0 || o->test_tone >= 24000
      || o->test_volume < 0 || o->test_volume > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--fps must be 1..60, --test-tone 1..23999 Hz and --test-volume 0..1");
      return DC_EXIT_USAGE;
    }
  g_autofree char *token = read_token (o->token_file, error);
  if (token == NULL)
    return DC_EXIT_USAGE;

  h.engine.server_url = o->server;
  h.engine.site = o->site;
  h.engine.token = token;
  h.engine.test_tone_hz = o->test_tone;
  h.engine.test_tone_volume = o->test_volume;
  h.engine.fps = o->fps;
  h.engine.video_codec = o->video_codec;
  h.engine.test_pattern = o->test_pattern;
  h.engine.ice_addresses = (const char *const *)o->ice_addresses;
  h.duration_s = o->duration;
  h.report_path = o->report;
  h.snapshot_path = o->snapshot;
  h.probe_tones = (const double *)probes->data;
  h.n_probe_tones = probes->len;
  h.load_media_dir = o->load_media;
  h.commands = (const char *const *) o->commands;
  return dc_headless_run (&h);
}

/* The window: with --server, --site and --token-file it joins at once (a kiosk hall PC). */
static int
run_window (Options *o, GError **error)
{
  DcWindowOptions w = { 0 };
  dc_i18n_init (o->lang, NULL);
  gtk_disable_setlocale ();
  if (!gtk_init_check (NULL, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot open the display (is DISPLAY set?); --headless runs without one.");
      return DC_EXIT_FAILED;
    }
  if (!parse_test_color (o->test_color, &w.use_test_color, &w.test_color, error)
      || !check_video_codec (o->video_codec, error))
    return DC_EXIT_USAGE;
  g_autofree char *token = NULL;
  if (o->token_file != NULL && (token = read_token (o->token_file, error)) == NULL)
    return DC_EXIT_USAGE;
  w.server = o->server;
  w.site = o->site;
  w.token = token;
  w.fullscreen = o->fullscreen;
  w.test_mode = o->test_mode;
  w.test_tone_hz = o->test_tone;
  w.video_codec = o->video_codec;
  w.ice_addresses = (const char *const *)o->ice_addresses;
  return dc_window_run (&w);
}

int
main (int argc, char **argv)
{
  Options o = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = make_context (&o);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("diemcau-client: %s (see --help)\n", error->message);
      options_clear (&o);
      return DC_EXIT_USAGE;
    }
  if (o.version)
    {
      g_print ("diemcau-client %s\n", DC_VERSION);
      options_clear (&o);
      return DC_EXIT_OK;
    }
  int code = o.headless ? run (&o, &error) : run_window (&o, &error);
  if (error != NULL)
    g_printerr ("diemcau-client: %s\n", error->message);
  options_clear (&o);
  gst_deinit ();
  return code;
}
