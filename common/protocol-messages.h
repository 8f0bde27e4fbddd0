/* Typed builders for every message the gateway sends (docs/protocol.md). Callers fill plain
 * structs; the JSON is made here and only here. */
#pragma once

#include "protocol.h"

G_BEGIN_DECLS

typedef struct
{
  const char *id;
  const char *name;
  const char *role;   /* "chair" "district" "operator" ... */
  gboolean present;
} DcSiteEntry;

typedef struct
{
  const char *site;
  int x, y, width, height;
} DcTileEntry;

typedef struct
{
  const char *site;
  gint64 waiting_s;
} DcQueueEntry;

typedef struct
{
  const char *id;
  gboolean present;
  gboolean muted;
  gboolean video;
  int hand;           /* 1-based place in the queue, 0 when no hand is raised */
  gboolean dialable;  /* the gateway can call its room system */
  const char *call;   /* "none", "calling", "failed" */
  gboolean on_hold;   /* a SIP hall put its call on hold */
  /* Its link, while present: the composition's tier it receives (0 the best) and what its
   * receiver last reported; link FALSE leaves them out. */
  gboolean link;
  int tier;
  double loss_pct, rtt_ms, jitter_ms;
} DcSiteStateEntry;

typedef struct
{
  gboolean locked;
  gboolean recording;   /* the meeting is being recorded */
  const char *layout;
  const char *floor;    /* "" when nobody holds it */
  int floor_limit_s;
  int floor_remaining_s;
  const char *speaking; /* "" when nobody */
  const DcQueueEntry *queue;
  guint n_queue;
  const DcSiteStateEntry *sites;
  guint n_sites;
} DcStateView;

char *dc_message_new_welcome (const DcSiteEntry *self, const DcSiteEntry *sites, guint n_sites);
char *dc_message_new_site_list (const DcSiteEntry *sites, guint n_sites);
char *dc_message_new_site_joined (const DcSiteEntry *site);
char *dc_message_new_site_left (const char *site, const char *reason);
/* site "" when nobody speaks. */
char *dc_message_new_speaking (const char *site, double level_dbfs);
char *dc_message_new_layout (const char *kind, int width, int height, const DcTileEntry *tiles,
                             guint n_tiles);
char *dc_message_new_state (const DcStateView *state);
char *dc_message_new_floor_timer (const char *site, const char *event, int remaining_s,
                                  const char *action);
char *dc_message_new_send_limits (int max_width, int max_height, int max_kbps);
char *dc_message_new_attendance (const char *csv);

G_END_DECLS
