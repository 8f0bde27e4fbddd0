/* The headless client's JSON report: the field names and shapes the end-to-end tests read. */
#include "report.h"

#include <glib/gstdio.h>

static JsonObject *
parse_report (DcReport *report, JsonParser *parser)
{
  g_autofree char *text = dc_report_to_json (report);
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_empty_report (void)
{
  g_autoptr (DcReport) report = dc_report_new ("dinh-hoa");
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = parse_report (report, parser);

  g_assert_cmpstr (json_object_get_string_member (root, "site"), ==, "dinh-hoa");
  g_assert_false (json_object_get_boolean_member (root, "joined"));
  g_assert_true (json_object_get_null_member (root, "error"));
  JsonObject *video = json_object_get_object_member (root, "video");
  g_assert_cmpint (json_object_get_int_member (video, "frames_received"), ==, 0);
  /* No frame: the age is unknown, not zero. */
  g_assert_true (json_object_get_null_member (video, "last_frame_age_ms"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (video, "tiles")), ==, 0);
  JsonObject *network = json_object_get_object_member (root, "network");
  g_assert_true (json_object_get_null_member (network, "rtt_ms"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "events")), ==, 0);
}

static void
test_full_report (void)
{
  g_autoptr (DcReport) report = dc_report_new ("ubnd-tinh");
  dc_report_set_joined (report, TRUE);
  dc_report_set_duration (report, 12.004);
  dc_report_set_audio (report, &(DcReportAudio){ 576000, -13.62, 41.0 });
  dc_report_set_probe (report, 440, -10.46);
  dc_report_set_probe (report, 523, -95.0);
  dc_report_set_probe (report, 261.5, -99.0);
  dc_report_set_video (report, &(DcReportVideo){ 300, 640, 360, 120.5, 35.0 });
  dc_report_add_tile (report, "ubnd-tinh", 0, 0, 512, 288, "C03030");
  dc_report_add_tile (report, "dai-tu", 0, 288, 128, 72, NULL);
  dc_report_set_network (report, &(DcReportNetwork){ 1.5, 3, 140.2 });
  g_autoptr (GHashTable) tiles = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (tiles, "ubnd-tinh", "C03030");
  dc_report_add_timeline (report, 1.0, tiles, NULL, &(DcReportCounters){ 15, 48000, 70.0, 20.5, 148.5, 320, 180 });
  dc_report_add_event (report, 3.2, "site-left", "dinh-hoa", "left");
  dc_report_add_event (report, 4.0, "first-frame", NULL, NULL);

  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = parse_report (report, parser);
  g_assert_true (json_object_get_boolean_member (root, "joined"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (root, "duration_s"), 12.0, 1e-9);

  JsonObject *audio = json_object_get_object_member (root, "audio");
  g_assert_cmpint (json_object_get_int_member (audio, "samples_received"), ==, 576000);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (audio, "rms_dbfs"), -13.6, 1e-9);
  JsonObject *probes = json_object_get_object_member (audio, "probes");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (probes, "440"), -10.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (probes, "523"), -95.0, 1e-9);
  g_assert_true (json_object_has_member (probes, "261.5"));

  JsonObject *video = json_object_get_object_member (root, "video");
  g_assert_cmpint (json_object_get_int_member (video, "width"), ==, 640);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (video, "last_frame_age_ms"), 35.0,
                                  1e-9);
  JsonArray *tile_list = json_object_get_array_member (video, "tiles");
  g_assert_cmpuint (json_array_get_length (tile_list), ==, 2);
  JsonObject *t0 = json_array_get_object_element (tile_list, 0);
  g_assert_cmpstr (json_object_get_string_member (t0, "site"), ==, "ubnd-tinh");
  g_assert_cmpint (json_object_get_int_member (t0, "width"), ==, 512);
  g_assert_cmpstr (json_object_get_string_member (t0, "rgb"), ==, "C03030");
  JsonObject *t1 = json_array_get_object_element (tile_list, 1);
  g_assert_true (json_object_get_null_member (t1, "rgb"));

  JsonArray *timeline = json_object_get_array_member (root, "timeline");
  JsonObject *p0 = json_array_get_object_element (timeline, 0);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (p0, "tiles"), "ubnd-tinh"), ==,
      "C03030");
  g_assert_cmpint (json_object_get_int_member (p0, "audio_samples"), ==, 48000);
  g_assert_cmpfloat (json_object_get_double_member (p0, "video_gap_ms"), ==, 70.0);
  g_assert_cmpfloat (json_object_get_double_member (p0, "audio_gap_ms"), ==, 20.5);
  g_assert_cmpfloat (json_object_get_double_member (p0, "sent_kbps"), ==, 148.5);
  g_assert_cmpint (json_object_get_int_member (p0, "send_height"), ==, 180);

  JsonArray *events = json_object_get_array_member (root, "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 2);
  JsonObject *e0 = json_array_get_object_element (events, 0);
  g_assert_cmpstr (json_object_get_string_member (e0, "type"), ==, "site-left");
  g_assert_cmpstr (json_object_get_string_member (e0, "site"), ==, "dinh-hoa");
  g_assert_cmpstr (json_object_get_string_member (e0, "reason"), ==, "left");
  g_assert_false (json_object_has_member (json_array_get_object_element (events, 1), "site"));

  JsonObject *network = json_object_get_object_member (root, "network");
  g_assert_cmpint (json_object_get_int_member (network, "packets_lost"), ==, 3);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (network, "rtt_ms"), 1.5, 1e-9);
}

static void
test_error_and_write (void)
{
  g_autoptr (DcReport) report = dc_report_new ("ubnd-tinh");
  dc_report_set_error (report, "The gateway refused: bad-token: not valid");
  g_autofree char *dir = g_dir_make_tmp ("dc-report-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "r.json", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (dc_report_write (report, path, &error));
  g_assert_no_error (error);

  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "error"), ==,
                   "The gateway refused: bad-token: not valid");

  /* A directory that does not exist is an error, not a crash. */
  g_autofree char *bad = g_build_filename (dir, "missing", "r.json", NULL);
  g_assert_false (dc_report_write (report, bad, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client-report/empty", test_empty_report);
  g_test_add_func ("/client-report/full", test_full_report);
  g_test_add_func ("/client-report/error-and-write", test_error_and_write);
  return g_test_run ();
}
