/* Which quality tier of the composition a hall's link carries, from what its receiver reports.
 * Pure: figures and times in, a tier out.
 *
 * Down quickly: loss that lasts (two reports, or one with heavy loss; a single blip while a PC
 * is busy moves nothing) estimates what the link carried (the tier's bitrate times the share
 * that arrived) and goes at once to the best tier under that, with a margin.
 * Up cautiously: after UP_CLEAN_S of clean reports, one tier up, at most one step per UP_CLEAN_S;
 * a step up that brings loss back within UP_TRIAL_S returns at once and makes the wait before
 * the next try half as long again (up to UP_HOLD_MAX_S), so a link at its limit does not flap.
 * A round trip that grows over the hall's best (a filling queue) counts as loss; a long but
 * steady one (a satellite hop) does not. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DC_LINK_TIERS_MAX 4
#define DC_LINK_LOSS_DOWN 0.05   /* two reports in a row above this much loss take the hall down */
#define DC_LINK_LOSS_SURE 0.30   /* one report above this is enough */
#define DC_LINK_LOSS_CLEAN 0.02  /* below this a report counts as clean */
#define DC_LINK_UP_CLEAN_S 10
#define DC_LINK_UP_TRIAL_S 5
#define DC_LINK_UP_HOLD_MAX_S 60
/* After a step down, reports still speak of the old tier for a while (queues drain, the switch
 * waits for a keyframe): loss within this does not take the hall further down. */
#define DC_LINK_DOWN_SETTLE_US (2 * G_USEC_PER_SEC)
/* Round-trip time this much over the hall's best means a queue is filling on its link: the link
 * carries less than it is sent, though retransmissions may hide the loss for seconds. A long RTT
 * that stays long (a satellite hop) is the baseline, not a queue. */
#define DC_LINK_QUEUE_DELAY_MS 40.0
/* The share of the estimated capacity a tier may use. */
#define DC_LINK_MARGIN 0.85

typedef struct
{
  guint n_tiers;
  guint bitrate_kbps[DC_LINK_TIERS_MAX]; /* tier 0 best, falling */
  guint tier;
  gint64 clean_since_us;   /* 0: the last report had loss */
  gint64 last_up_us;       /* 0: never stepped up */
  gint64 last_down_us;     /* 0: never stepped down */
  gint64 up_hold_us;       /* wait before the next step up */
  gint64 last_report_us;
  double fraction_lost;    /* the last report's */
  gboolean lossy;          /* the last report was above DC_LINK_LOSS_DOWN, or queued */
  double min_rtt_ms;       /* the best round trip seen: the link's own delay; 0 before any */
  double queue_delay_ms;   /* the last round trip over that */
} DcLinkTier;

void dc_link_tier_init (DcLinkTier *link, guint n_tiers, const guint *bitrate_kbps);
/* The round trip of a fresh report, before that report (rtt_ms <= 0 when unknown). */
void dc_link_tier_rtt (DcLinkTier *link, double rtt_ms);
/* One receiver report (fraction_lost 0..1); returns the tier the hall should receive now. */
guint dc_link_tier_report (DcLinkTier *link, double fraction_lost, gint64 now_us);
/* No report this time. A hall that reported before and has been silent for DC_LINK_SILENT_US
 * (six of its one-second reports: they come less regularly while it sends NACKs) counts as
 * losing everything. */
#define DC_LINK_SILENT_US (6 * G_USEC_PER_SEC)
guint dc_link_tier_no_report (DcLinkTier *link, gint64 now_us);

/* Which tier's frames a hall's stream takes while it moves between tiers: the current one, or
 * the wanted one from its first keyframe on (a decoder can only start there). Not locked: the
 * caller serialises. */
typedef struct
{
  int current; /* -1 until set */
  int wanted;  /* -1: no move under way */
} DcTierGate;

void dc_tier_gate_init (DcTierGate *gate, guint tier);
void dc_tier_gate_want (DcTierGate *gate, guint tier);
/* TRUE when a frame of this tier goes to the hall; switches at the wanted tier's keyframe. */
gboolean dc_tier_gate_pass (DcTierGate *gate, guint tier, gboolean keyframe);

G_END_DECLS
