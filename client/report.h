/* The headless run's measurements as one JSON document (json-glib). Collects pieces as the run
 * goes (events, timeline points) and the end-of-run summary, then writes them out. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _DcReport DcReport;

typedef struct
{
  guint64 samples_received;
  double rms_dbfs;
  double max_gap_ms;
} DcReportAudio;

typedef struct
{
  guint64 frames_received;
  int width, height;
  double max_gap_ms;
  double last_frame_age_ms; /* < 0 when no frame arrived */
} DcReportVideo;

typedef struct
{
  double rtt_ms; /* < 0 when unknown */
  gint64 packets_lost;
  double bitrate_kbps;
} DcReportNetwork;

DcReport *dc_report_new (const char *site);
void dc_report_free (DcReport *report);

void dc_report_set_joined (DcReport *report, gboolean joined);
void dc_report_set_duration (DcReport *report, double seconds);
void dc_report_set_error (DcReport *report, const char *error); /* NULL clears */
void dc_report_set_audio (DcReport *report, const DcReportAudio *audio);
/* Level of one probed frequency, in dBFS. */
void dc_report_set_probe (DcReport *report, double freq_hz, double level_dbfs);
void dc_report_set_video (DcReport *report, const DcReportVideo *video);
/* Opus packets counted without decoding (load mode); adds audio.packets_received. */
void dc_report_set_audio_packets (DcReport *report, guint64 packets);
/* rgb NULL when the tile could not be sampled (no frame, outside the frame). */
void dc_report_add_tile (DcReport *report, const char *site, int x, int y, int width, int height,
                         const char *rgb);
void dc_report_set_network (DcReport *report, const DcReportNetwork *network);
/* tiles: site id -> "RRGGBB"; probes: frequency text -> level (double*); neither consumed,
 * either may be NULL. */
typedef struct
{
  guint64 frames, audio_samples;     /* received so far */
  double video_gap_ms, audio_gap_ms; /* the longest gap since the previous point */
  double sent_kbps;                  /* the camera's bitrate since the previous point; < 0 unknown */
  int send_width, send_height;       /* what the camera is set to send */
} DcReportCounters;

void dc_report_add_timeline (DcReport *report, double t, GHashTable *tiles, GHashTable *probes,
                             const DcReportCounters *counters);
/* site and reason may be NULL. */
void dc_report_add_event (DcReport *report, double t, const char *type, const char *site,
                          const char *reason);

/* A chairing message as received (state, floor-timer, attendance), kept whole in "messages". */
void dc_report_add_message (DcReport *report, double t, JsonObject *message);

char *dc_report_to_json (DcReport *report);
gboolean dc_report_write (DcReport *report, const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcReport, dc_report_free)

G_END_DECLS
