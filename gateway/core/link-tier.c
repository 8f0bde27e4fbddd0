#include "link-tier.h"

void
dc_link_tier_init (DcLinkTier *link, guint n_tiers, const guint *bitrate_kbps)
{
  *link = (DcLinkTier) { .n_tiers = CLAMP (n_tiers, 1, DC_LINK_TIERS_MAX),
                         .up_hold_us = DC_LINK_UP_CLEAN_S * G_USEC_PER_SEC };
  for (guint i = 0; i < link->n_tiers; i++)
    link->bitrate_kbps[i] = bitrate_kbps[i];
}

/* The best tier whose bitrate fits in what the link carried, with the margin. */
static guint
tier_for_capacity (const DcLinkTier *link, double capacity_kbps)
{
  for (guint i = link->tier; i < link->n_tiers; i++)
    if (link->bitrate_kbps[i] <= capacity_kbps * DC_LINK_MARGIN)
      return i;
  return link->n_tiers - 1;
}

void
dc_link_tier_rtt (DcLinkTier *link, double rtt_ms)
{
  if (rtt_ms <= 0)
    return;
  if (link->min_rtt_ms == 0 || rtt_ms < link->min_rtt_ms)
    link->min_rtt_ms = rtt_ms;
  link->queue_delay_ms = rtt_ms - link->min_rtt_ms;
}

static void
step_down (DcLinkTier *link, double fraction_lost, gint64 now_us)
{
  /* A step up that brought loss back: the link is at its limit; wait longer next time. */
  if (link->last_up_us != 0 && now_us - link->last_up_us < DC_LINK_UP_TRIAL_S * G_USEC_PER_SEC)
    link->up_hold_us = MIN (link->up_hold_us * 3 / 2, DC_LINK_UP_HOLD_MAX_S * G_USEC_PER_SEC);
  /* Queueing alone says the link is full, not by how much: one step. */
  double carried = fraction_lost > DC_LINK_LOSS_DOWN
                       ? link->bitrate_kbps[link->tier] * (1.0 - fraction_lost)
                       : link->bitrate_kbps[link->tier];
  guint down = tier_for_capacity (link, carried);
  link->tier = MAX (down, MIN (link->tier + 1, link->n_tiers - 1));
}

guint
dc_link_tier_report (DcLinkTier *link, double fraction_lost, gint64 now_us)
{
  link->fraction_lost = fraction_lost;
  link->last_report_us = now_us;
  gboolean was_lossy = link->lossy;
  link->lossy = fraction_lost > DC_LINK_LOSS_DOWN
                || link->queue_delay_ms > DC_LINK_QUEUE_DELAY_MS;
  if (link->lossy)
    {
      link->clean_since_us = 0;
      gboolean settling = link->last_down_us != 0
                          && now_us - link->last_down_us < DC_LINK_DOWN_SETTLE_US;
      gboolean lasting = was_lossy || fraction_lost > DC_LINK_LOSS_SURE;
      if (link->tier + 1 < link->n_tiers && !settling && lasting)
        {
          step_down (link, fraction_lost, now_us);
          link->last_down_us = now_us;
        }
      return link->tier;
    }
  if (fraction_lost >= DC_LINK_LOSS_CLEAN)
    {
      link->clean_since_us = 0;
      return link->tier;
    }
  if (link->clean_since_us == 0)
    link->clean_since_us = now_us;
  gboolean clean_long_enough = now_us - link->clean_since_us >= link->up_hold_us;
  gboolean step_allowed = link->last_up_us == 0
                          || now_us - link->last_up_us >= DC_LINK_UP_CLEAN_S * G_USEC_PER_SEC;
  if (link->tier > 0 && clean_long_enough && step_allowed)
    {
      link->tier--;
      link->last_up_us = now_us;
      link->clean_since_us = now_us;
    }
  return link->tier;
}

guint
dc_link_tier_no_report (DcLinkTier *link, gint64 now_us)
{
  if (link->last_report_us == 0 || now_us - link->last_report_us < DC_LINK_SILENT_US)
    return link->tier;
  return dc_link_tier_report (link, 1.0, now_us);
}

void
dc_tier_gate_init (DcTierGate *gate, guint tier)
{
  gate->current = (int) tier;
  gate->wanted = -1;
}

void
dc_tier_gate_want (DcTierGate *gate, guint tier)
{
  gate->wanted = (int) tier == gate->current ? -1 : (int) tier;
}

gboolean
dc_tier_gate_pass (DcTierGate *gate, guint tier, gboolean keyframe)
{
  if ((int) tier == gate->current)
    return TRUE;
  if ((int) tier == gate->wanted && keyframe)
    {
      gate->current = gate->wanted;
      gate->wanted = -1;
      return TRUE;
    }
  return FALSE;
}
