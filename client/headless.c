/* Headless run of the client engine with measurements; see headless.h. */
#include "headless.h"
#include "headless-commands.h"
#include "protocol.h"

#include <glib-unix.h>
#include <gst/video/video.h>

#include "engine-load.h"
#include "report.h"

#define JOIN_TIMEOUT_S 15
#define TILE_SAMPLE_HALF 3 /* averages a 7x7 square */
#define PROBE_WINDOW_S 2
#define TIMELINE_PROBE_WINDOW_S 1

typedef struct
{
  const DcHeadlessOptions *options;
  GMainLoop *loop;
  DcEngine *engine;
  DcReport *report;
  gint64 start_us;
  guint duration_timer;
  guint timeline_timer;
  guint64 last_sent_bytes; /* the camera's bytes at the last timeline point */
  gint64 last_sent_us;
  guint join_timer;
  DcCommandSchedule *commands;
  int exit_code;
  gboolean finished;
} Run;

static double
seconds_since_join (Run *run)
{
  gint64 joined = dc_engine_get_joined_time (run->engine);
  return (g_get_monotonic_time () - (joined != 0 ? joined : run->start_us)) / 1e6;
}

/* Colour of every layout tile in the frame: site id -> "RRGGBB" (sites outside the frame are
 * left out). */
static GHashTable *
sample_tiles (Run *run, GstSample *sample)
{
  GHashTable *colours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GstVideoInfo info;
  GstVideoFrame frame;
  if (sample == NULL || !gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return colours;

  int lw, lh;
  GPtrArray *tiles = dc_engine_get_layout (run->engine, NULL, &lw, &lh);
  for (guint i = 0; i < tiles->len; i++)
    {
      const DcEngineTile *t = g_ptr_array_index (tiles, i);
      int cx, cy;
      DcRgb rgb;
      char hex[7];
      dc_tile_sample_point (t->x, t->y, t->width, t->height, lw, lh, GST_VIDEO_INFO_WIDTH (&info),
                            GST_VIDEO_INFO_HEIGHT (&info), &cx, &cy);
      if (!dc_rgb_sample_square (GST_VIDEO_FRAME_PLANE_DATA (&frame, 0),
                                 GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                                 GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), cx, cy, TILE_SAMPLE_HALF,
                                 &rgb))
        continue;
      dc_rgb_to_hex (&rgb, hex);
      g_hash_table_replace (colours, g_strdup (t->site), g_strdup (hex));
    }
  gst_video_frame_unmap (&frame);
  return colours;
}

/* Level of every --probe-tones frequency over the last window_s seconds received. */
static GHashTable *
measure_probes (Run *run, guint window_s)
{
  if (run->options->n_probe_tones == 0)
    return NULL;
  gsize max = window_s * DC_ENGINE_AUDIO_RATE;
  g_autofree float *tail = g_new (float, max);
  gsize n = dc_engine_copy_audio_tail (run->engine, tail, max);
  GHashTable *probes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < run->options->n_probe_tones; i++)
    {
      double f = run->options->probe_tones[i];
      double *level = g_new (double, 1);
      *level = dc_goertzel_dbfs (tail, n, DC_ENGINE_AUDIO_RATE, f);
      g_hash_table_replace (probes, g_strdup_printf ("%g", f), level);
    }
  return probes;
}

static gboolean
on_timeline_tick (gpointer user_data)
{
  Run *run = user_data;
  DcEngineMediaStats stats;
  dc_engine_get_media_stats (run->engine, &stats);
  g_autoptr (GstSample) sample = dc_engine_dup_last_frame (run->engine);
  g_autoptr (GHashTable) colours = sample_tiles (run, sample);
  g_autoptr (GHashTable) probes = measure_probes (run, TIMELINE_PROBE_WINDOW_S);
  DcReportCounters counters = { stats.video_frames, stats.audio_samples, 0, 0, -1.0, 0, 0 };
  dc_engine_take_gap_windows (run->engine, &counters.video_gap_ms, &counters.audio_gap_ms);
  DcEngineNetworkStats net;
  gint64 now = g_get_monotonic_time ();
  if (dc_engine_get_network_stats (run->engine, &net))
    {
      if (run->last_sent_us > 0 && net.video_bytes_sent >= run->last_sent_bytes)
        counters.sent_kbps = (net.video_bytes_sent - run->last_sent_bytes) * 8.0 * 1000.0
                             / (double) (now - run->last_sent_us);
      run->last_sent_bytes = net.video_bytes_sent;
      run->last_sent_us = now;
      counters.send_width = net.send_width;
      counters.send_height = net.send_height;
    }
  dc_report_add_timeline (run->report, seconds_since_join (run), colours, probes, &counters);
  return G_SOURCE_CONTINUE;
}

static void
write_snapshot (GstSample *sample, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstCaps) png_caps = gst_caps_new_empty_simple ("image/png");
  g_autoptr (GstSample) png = gst_video_convert_sample (sample, png_caps, 5 * GST_SECOND, &error);
  GstMapInfo map;
  if (png == NULL || !gst_buffer_map (gst_sample_get_buffer (png), &map, GST_MAP_READ))
    {
      g_printerr ("diemcau-client: cannot encode the snapshot: %s\n",
                  error != NULL ? error->message : "no data");
      return;
    }
  if (!g_file_set_contents (path, (const char *)map.data, map.size, &error))
    g_printerr ("diemcau-client: cannot write the snapshot: %s\n", error->message);
  gst_buffer_unmap (gst_sample_get_buffer (png), &map);
}

static void
measure_audio (Run *run, const DcEngineMediaStats *stats)
{
  gsize max = PROBE_WINDOW_S * DC_ENGINE_AUDIO_RATE;
  g_autofree float *tail = g_new (float, max);
  gsize n = dc_engine_copy_audio_tail (run->engine, tail, max);

  DcReportAudio audio = { stats->audio_samples, dc_rms_dbfs (tail, n),
                          dc_gap_stats_max_gap_ms (&stats->audio_gaps) };
  dc_report_set_audio (run->report, &audio);
  for (guint i = 0; i < run->options->n_probe_tones; i++)
    {
      double f = run->options->probe_tones[i];
      dc_report_set_probe (run->report, f, dc_goertzel_dbfs (tail, n, DC_ENGINE_AUDIO_RATE, f));
    }
}

static void
measure_video (Run *run, const DcEngineMediaStats *stats)
{
  DcReportVideo video = { stats->video_frames, stats->video_width, stats->video_height,
                          dc_gap_stats_max_gap_ms (&stats->video_gaps),
                          dc_gap_stats_age_ms (&stats->video_gaps, g_get_monotonic_time ()) };
  dc_report_set_video (run->report, &video);

  g_autoptr (GstSample) sample = dc_engine_dup_last_frame (run->engine);
  g_autoptr (GHashTable) colours = sample_tiles (run, sample);
  GPtrArray *tiles = dc_engine_get_layout (run->engine, NULL, NULL, NULL);
  for (guint i = 0; i < tiles->len; i++)
    {
      const DcEngineTile *t = g_ptr_array_index (tiles, i);
      dc_report_add_tile (run->report, t->site, t->x, t->y, t->width, t->height,
                          g_hash_table_lookup (colours, t->site));
    }
  if (run->options->snapshot_path != NULL)
    {
      if (sample != NULL)
        write_snapshot (sample, run->options->snapshot_path);
      else
        g_printerr ("diemcau-client: no video received; no snapshot written\n");
    }
}

static void
measure_network (Run *run, const DcEngineMediaStats *stats)
{
  DcEngineNetworkStats net;
  DcReportNetwork out = { -1.0, 0, 0.0 };
  if (dc_engine_get_network_stats (run->engine, &net))
    {
      out.rtt_ms = net.rtt_ms;
      out.packets_lost = net.packets_lost;
      double seconds = stats->video_gaps.count > 0
                           ? (g_get_monotonic_time () - stats->video_gaps.first_us) / 1e6
                           : 0.0;
      if (seconds > 0.5)
        out.bitrate_kbps = net.video_bytes_received * 8.0 / seconds / 1000.0;
    }
  dc_report_set_network (run->report, &out);
}

/* Measures, leaves, writes the report and stops the loop. */
static void
finish_run (Run *run, int exit_code)
{
  if (run->finished)
    return;
  run->finished = TRUE;
  run->exit_code = exit_code;
  g_clear_handle_id (&run->duration_timer, g_source_remove);
  g_clear_handle_id (&run->timeline_timer, g_source_remove);
  g_clear_handle_id (&run->join_timer, g_source_remove);

  DcEngineMediaStats stats;
  dc_engine_get_media_stats (run->engine, &stats);
  gint64 joined = dc_engine_get_joined_time (run->engine);
  dc_report_set_joined (run->report, joined != 0);
  dc_report_set_duration (run->report, joined != 0 ? seconds_since_join (run) : 0.0);
  measure_network (run, &stats); /* needs the live session: before leaving */
  measure_audio (run, &stats);
  measure_video (run, &stats);
  if (dc_engine_get_load (run->engine) != NULL)
    dc_report_set_audio_packets (run->report,
                                 dc_engine_load_get_audio_packets (dc_engine_get_load (run->engine)));

  dc_engine_leave (run->engine);
  if (exit_code != DC_EXIT_OK)
    dc_report_set_error (run->report, dc_engine_get_error (run->engine));

  if (run->options->report_path != NULL)
    {
      g_autoptr (GError) error = NULL;
      if (!dc_report_write (run->report, run->options->report_path, &error))
        {
          g_printerr ("diemcau-client: cannot write the report: %s\n", error->message);
          if (run->exit_code == DC_EXIT_OK)
            run->exit_code = DC_EXIT_FAILED;
        }
    }
  g_main_loop_quit (run->loop);
}

static gboolean
on_duration_over (gpointer user_data)
{
  Run *run = user_data;
  run->duration_timer = 0;
  finish_run (run, DC_EXIT_OK);
  return G_SOURCE_REMOVE;
}

static gboolean
on_join_timeout (gpointer user_data)
{
  Run *run = user_data;
  run->join_timer = 0;
  g_printerr ("diemcau-client: no welcome from the gateway within %d s\n", JOIN_TIMEOUT_S);
  finish_run (run, DC_EXIT_FAILED);
  return G_SOURCE_REMOVE;
}

static gboolean
on_unix_signal (gpointer user_data)
{
  Run *run = user_data;
  finish_run (run, dc_engine_get_joined_time (run->engine) != 0 ? DC_EXIT_OK : DC_EXIT_FAILED);
  return G_SOURCE_CONTINUE;
}

static void
on_state (DcEngine *engine, GParamSpec *pspec, Run *run)
{
  DcEngineState state = dc_engine_get_state (engine);
  if (run->finished)
    return;
  if (state == DC_ENGINE_STATE_JOINED)
    {
      g_clear_handle_id (&run->join_timer, g_source_remove);
      if (run->options->duration_s > 0)
        run->duration_timer
            = g_timeout_add ((guint)(run->options->duration_s * 1000), on_duration_over, run);
    }
  else if (state == DC_ENGINE_STATE_FAILED || state == DC_ENGINE_STATE_CLOSED)
    {
      const char *reason = dc_engine_get_error (engine);
      int code = DC_EXIT_DISCONNECTED;
      if (dc_engine_get_error_code (engine) != NULL)
        code = DC_EXIT_REFUSED;
      else if (dc_engine_get_joined_time (engine) == 0)
        code = DC_EXIT_FAILED;
      if (state == DC_ENGINE_STATE_CLOSED)
        g_printerr ("diemcau-client: the gateway ended the session: %s\n",
                    reason != NULL ? reason : "no reason given");
      else
        g_printerr ("diemcau-client: %s\n", reason != NULL ? reason : "failed");
      finish_run (run, code);
    }
}

static void
on_first_frame (DcEngine *engine, Run *run)
{
  dc_report_add_event (run->report, seconds_since_join (run), "first-frame", NULL, NULL);
  if (run->timeline_timer == 0 && !run->finished)
    run->timeline_timer = g_timeout_add_seconds (1, on_timeline_tick, run);
}

static void
on_welcome (DcEngine *engine, const char *name, const char *role, Run *run)
{
  dc_report_add_event (run->report, 0.0, "welcome", NULL, role);
  if (run->commands)
    dc_command_schedule_start (run->commands, engine);
}

static void
on_meeting_message (DcEngine *engine, int type, gpointer message, Run *run)
{
  dc_report_add_message (run->report, seconds_since_join (run), ((DcMessage *) message)->body);
}

static void
on_site_joined (DcEngine *engine, const char *site, const char *name, const char *role, Run *run)
{
  dc_report_add_event (run->report, seconds_since_join (run), "site-joined", site, NULL);
}

static void
on_site_left (DcEngine *engine, const char *site, const char *reason, Run *run)
{
  dc_report_add_event (run->report, seconds_since_join (run), "site-left", site, reason);
}

static void
on_layout (DcEngine *engine, Run *run)
{
  const char *kind;
  dc_engine_get_layout (engine, &kind, NULL, NULL);
  dc_report_add_event (run->report, seconds_since_join (run), "layout", NULL, kind);
}

static void
on_gateway_error (DcEngine *engine, const char *code, const char *message, gboolean fatal, Run *run)
{
  g_autofree char *reason = g_strdup_printf ("%s: %s", code, message);
  dc_report_add_event (run->report, seconds_since_join (run), "error", NULL, reason);
}

static void
on_bye (DcEngine *engine, const char *reason, Run *run)
{
  dc_report_add_event (run->report, seconds_since_join (run), "bye", NULL, reason);
}

static void
connect_engine (Run *run)
{
  g_signal_connect (run->engine, "notify::state", G_CALLBACK (on_state), run);
  g_signal_connect (run->engine, "first-frame", G_CALLBACK (on_first_frame), run);
  g_signal_connect (run->engine, "welcome", G_CALLBACK (on_welcome), run);
  g_signal_connect (run->engine, "site-joined", G_CALLBACK (on_site_joined), run);
  g_signal_connect (run->engine, "site-left", G_CALLBACK (on_site_left), run);
  g_signal_connect (run->engine, "layout-changed", G_CALLBACK (on_layout), run);
  g_signal_connect (run->engine, "gateway-error", G_CALLBACK (on_gateway_error), run);
  g_signal_connect (run->engine, "bye", G_CALLBACK (on_bye), run);
  g_signal_connect (run->engine, "meeting-message", G_CALLBACK (on_meeting_message), run);
}

int
dc_headless_run (const DcHeadlessOptions *options)
{
  g_return_val_if_fail (options != NULL, DC_EXIT_USAGE);

  Run run = { 0 };
  run.options = options;
  run.loop = g_main_loop_new (g_main_context_get_thread_default (), FALSE);
  run.report = dc_report_new (options->engine.site);
  run.start_us = g_get_monotonic_time ();
  run.engine = dc_engine_new (&options->engine);
  connect_engine (&run);

  g_autoptr (GError) error = NULL;
  g_autoptr (DcCommandSchedule) commands = dc_command_schedule_new (options->commands, &error);
  if (commands == NULL)
    {
      g_printerr ("diemcau-client: %s\n", error->message);
      g_signal_handlers_disconnect_by_data (run.engine, &run);
      g_object_unref (run.engine);
      dc_report_free (run.report);
      g_main_loop_unref (run.loop);
      return DC_EXIT_USAGE;
    }
  run.commands = commands;
  if ((options->load_media_dir != NULL
       && !dc_engine_set_load_media (run.engine, options->load_media_dir, &error))
      || !dc_engine_start (run.engine, &error))
    {
      g_printerr ("diemcau-client: %s\n", error->message);
      dc_report_set_error (run.report, error->message);
      if (options->report_path != NULL)
        dc_report_write (run.report, options->report_path, NULL);
      run.exit_code = DC_EXIT_FAILED;
    }
  else
    {
      guint sigint = g_unix_signal_add (SIGINT, on_unix_signal, &run);
      guint sigterm = g_unix_signal_add (SIGTERM, on_unix_signal, &run);
      run.join_timer = g_timeout_add_seconds (JOIN_TIMEOUT_S, on_join_timeout, &run);
      g_main_loop_run (run.loop);
      g_source_remove (sigint);
      g_source_remove (sigterm);
    }

  g_signal_handlers_disconnect_by_data (run.engine, &run);
  g_object_unref (run.engine);
  dc_report_free (run.report);
  g_main_loop_unref (run.loop);
  return run.exit_code;
}
