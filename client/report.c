/* JSON report of a headless run; see report.h. */
#include "report.h"

#include <math.h>

struct _DcReport
{
  JsonObject *root;
  JsonObject *audio;
  JsonObject *probes;
  JsonObject *video;
  JsonArray *tiles;
  JsonArray *timeline;
  JsonArray *messages;
  JsonArray *events;
  JsonObject *network;
};

/* JSON has no NaN or infinity; keep numbers readable with one decimal place or so. */
static double
round_to (double v, double step)
{
  if (!isfinite (v))
    return 0.0;
  return round (v / step) * step;
}

DcReport *
dc_report_new (const char *site)
{
  g_return_val_if_fail (site != NULL, NULL);

  DcReport *r = g_new0 (DcReport, 1);
  r->root = json_object_new ();
  r->audio = json_object_new ();
  r->probes = json_object_new ();
  r->video = json_object_new ();
  r->tiles = json_array_new ();
  r->timeline = json_array_new ();
  r->messages = json_array_new ();
  r->events = json_array_new ();
  r->network = json_object_new ();

  json_object_set_string_member (r->root, "site", site);
  json_object_set_boolean_member (r->root, "joined", FALSE);
  json_object_set_double_member (r->root, "duration_s", 0.0);
  json_object_set_null_member (r->root, "error");

  /* Sections hold references: the setters below fill them in place. */
  json_object_set_object_member (r->root, "audio", json_object_ref (r->audio));
  json_object_set_object_member (r->audio, "probes", json_object_ref (r->probes));
  json_object_set_object_member (r->root, "video", json_object_ref (r->video));
  json_object_set_array_member (r->video, "tiles", json_array_ref (r->tiles));
  json_object_set_array_member (r->root, "timeline", json_array_ref (r->timeline));
  json_object_set_array_member (r->root, "messages", json_array_ref (r->messages));
  json_object_set_array_member (r->root, "events", json_array_ref (r->events));
  json_object_set_object_member (r->root, "network", json_object_ref (r->network));

  dc_report_set_audio (r, &(DcReportAudio){ 0, -120.0, 0.0 });
  dc_report_set_video (r, &(DcReportVideo){ 0, 0, 0, 0.0, -1.0 });
  dc_report_set_network (r, &(DcReportNetwork){ -1.0, 0, 0.0 });
  return r;
}

void
dc_report_free (DcReport *r)
{
  if (r == NULL)
    return;
  json_object_unref (r->audio);
  json_object_unref (r->probes);
  json_object_unref (r->video);
  json_array_unref (r->tiles);
  json_array_unref (r->timeline);
  json_array_unref (r->messages);
  json_array_unref (r->events);
  json_object_unref (r->network);
  json_object_unref (r->root);
  g_free (r);
}

void
dc_report_set_joined (DcReport *r, gboolean joined)
{
  json_object_set_boolean_member (r->root, "joined", joined);
}

void
dc_report_set_duration (DcReport *r, double seconds)
{
  json_object_set_double_member (r->root, "duration_s", round_to (seconds, 0.01));
}

void
dc_report_set_error (DcReport *r, const char *error)
{
  if (error == NULL)
    json_object_set_null_member (r->root, "error");
  else
    json_object_set_string_member (r->root, "error", error);
}

void
dc_report_set_audio (DcReport *r, const DcReportAudio *a)
{
  json_object_set_int_member (r->audio, "samples_received", (gint64)a->samples_received);
  json_object_set_double_member (r->audio, "rms_dbfs", round_to (a->rms_dbfs, 0.1));
  json_object_set_double_member (r->audio, "max_gap_ms", round_to (a->max_gap_ms, 0.1));
}

void
dc_report_set_audio_packets (DcReport *r, guint64 packets)
{
  json_object_set_int_member (r->audio, "packets_received", (gint64)packets);
}

void
dc_report_set_probe (DcReport *r, double freq_hz, double level_dbfs)
{
  char key[G_ASCII_DTOSTR_BUF_SIZE];
  /* "440" for whole frequencies, "440.5" otherwise. */
  if (freq_hz == floor (freq_hz))
    g_snprintf (key, sizeof key, "%.0f", freq_hz);
  else
    g_ascii_dtostr (key, sizeof key, freq_hz);
  json_object_set_double_member (r->probes, key, round_to (level_dbfs, 0.1));
}

void
dc_report_set_video (DcReport *r, const DcReportVideo *v)
{
  json_object_set_int_member (r->video, "frames_received", (gint64)v->frames_received);
  json_object_set_int_member (r->video, "width", v->width);
  json_object_set_int_member (r->video, "height", v->height);
  json_object_set_double_member (r->video, "max_gap_ms", round_to (v->max_gap_ms, 0.1));
  if (v->last_frame_age_ms < 0)
    json_object_set_null_member (r->video, "last_frame_age_ms");
  else
    json_object_set_double_member (r->video, "last_frame_age_ms",
                                   round_to (v->last_frame_age_ms, 0.1));
}

void
dc_report_add_tile (DcReport *r, const char *site, int x, int y, int width, int height,
                    const char *rgb)
{
  JsonObject *tile = json_object_new ();
  json_object_set_string_member (tile, "site", site != NULL ? site : "");
  json_object_set_int_member (tile, "x", x);
  json_object_set_int_member (tile, "y", y);
  json_object_set_int_member (tile, "width", width);
  json_object_set_int_member (tile, "height", height);
  if (rgb != NULL)
    json_object_set_string_member (tile, "rgb", rgb);
  else
    json_object_set_null_member (tile, "rgb");
  json_array_add_object_element (r->tiles, tile);
}

void
dc_report_set_network (DcReport *r, const DcReportNetwork *n)
{
  if (n->rtt_ms < 0)
    json_object_set_null_member (r->network, "rtt_ms");
  else
    json_object_set_double_member (r->network, "rtt_ms", round_to (n->rtt_ms, 0.01));
  json_object_set_int_member (r->network, "packets_lost", n->packets_lost);
  json_object_set_double_member (r->network, "bitrate_kbps", round_to (n->bitrate_kbps, 0.1));
}

void
dc_report_add_timeline (DcReport *r, double t, GHashTable *tiles, GHashTable *probes,
                        const DcReportCounters *counters)
{
  JsonObject *point = json_object_new ();
  JsonObject *colours = json_object_new ();
  json_object_set_double_member (point, "t", round_to (t, 0.01));
  if (tiles != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, tiles);
      while (g_hash_table_iter_next (&iter, &key, &value))
        json_object_set_string_member (colours, key, value);
    }
  json_object_set_object_member (point, "tiles", colours);
  if (probes != NULL)
    {
      JsonObject *levels = json_object_new ();
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, probes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        json_object_set_double_member (levels, key, round_to (*(double *)value, 0.1));
      json_object_set_object_member (point, "probes", levels);
    }
  json_object_set_int_member (point, "frames", (gint64) counters->frames);
  json_object_set_int_member (point, "audio_samples", (gint64) counters->audio_samples);
  json_object_set_double_member (point, "video_gap_ms", round_to (counters->video_gap_ms, 0.1));
  json_object_set_double_member (point, "audio_gap_ms", round_to (counters->audio_gap_ms, 0.1));
  if (counters->sent_kbps >= 0)
    json_object_set_double_member (point, "sent_kbps", round_to (counters->sent_kbps, 0.1));
  if (counters->send_height > 0)
    {
      json_object_set_int_member (point, "send_width", counters->send_width);
      json_object_set_int_member (point, "send_height", counters->send_height);
    }
  json_array_add_object_element (r->timeline, point);
}

void
dc_report_add_message (DcReport *r, double t, JsonObject *message)
{
  JsonObject *entry = json_object_new ();
  json_object_set_double_member (entry, "t", round_to (t, 0.01));
  json_object_set_object_member (entry, "message", json_object_ref (message));
  json_array_add_object_element (r->messages, entry);
}

void
dc_report_add_event (DcReport *r, double t, const char *type, const char *site, const char *reason)
{
  JsonObject *event = json_object_new ();
  json_object_set_double_member (event, "t", round_to (t, 0.01));
  json_object_set_string_member (event, "type", type);
  if (site != NULL)
    json_object_set_string_member (event, "site", site);
  if (reason != NULL)
    json_object_set_string_member (event, "reason", reason);
  json_array_add_object_element (r->events, event);
}

char *
dc_report_to_json (DcReport *r)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, r->root);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

gboolean
dc_report_write (DcReport *r, const char *path, GError **error)
{
  g_return_val_if_fail (r != NULL && path != NULL, FALSE);

  g_autofree char *text = dc_report_to_json (r);
  return g_file_set_contents (path, text, -1, error);
}
