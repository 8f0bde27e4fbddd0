/* Headless mode: joins with the engine, runs for a set time, measures what arrives and writes the
 * JSON report. This is what a test (or an unattended hall PC) runs. */
#pragma once

#include "engine.h"

G_BEGIN_DECLS

/* Exit codes of a headless run. */
enum
{
  DC_EXIT_OK = 0,
  DC_EXIT_FAILED = 1,       /* could not start, connect or negotiate */
  DC_EXIT_USAGE = 2,        /* bad command line */
  DC_EXIT_REFUSED = 3,      /* the gateway sent a fatal error (bad-token, unknown-site...) */
  DC_EXIT_DISCONNECTED = 4, /* the session ended before the duration was over */
};

typedef struct
{
  DcEngineConfig engine;
  double duration_s;         /* <= 0: until SIGINT/SIGTERM */
  const char *report_path;   /* NULL: no report */
  const char *snapshot_path; /* NULL: no snapshot */
  const double *probe_tones; /* Hz */
  guint n_probe_tones;
  const char *load_media_dir; /* NULL: test sources; else pre-encoded media, see engine-load.h */
  const char *const *commands; /* "SECONDS:JSON" to send after joining, or NULL */
} DcHeadlessOptions;

/* Runs on the thread-default main context and returns an exit code. */
int dc_headless_run (const DcHeadlessOptions *options);

G_END_DECLS
