/* Each hall's link and the tier of the composition it receives: once a second its receiver's
 * figures go into its estimate (core/link-tier.c); a new tier takes a use of that tier's
 * encoder and a keyframe, the site moves at that keyframe, and the old tier's use is released
 * once it has moved. Main context only. Also the tiers themselves, read from the config. */
#include "gateway-links.h"

#include "config-values.h"
#include "gateway-private.h"

GST_DEBUG_CATEGORY_STATIC (dc_links_debug);

#define LINK_STATE_EVERY 10 /* ticks (seconds) between state messages that only carry figures */
#define GST_CAT_DEFAULT dc_links_debug

gboolean
dc_gateway_links_admit (DcGateway *gateway, guint slot, DcSite *site, GError **error)
{
  GST_DEBUG_CATEGORY_INIT (dc_links_debug, "dc-links", 0, "diemcau links and tiers");
  DcSlotVideo *v = &gateway->slot_video[slot];
  *v = (DcSlotVideo) { .codec = dc_site_get_video_codec (site), .wanted = -1 };
  guint n_tiers = dc_video_mixer_get_n_tiers (gateway->video);
  guint bitrates[DC_LINK_TIERS_MAX];
  for (guint i = 0; i < n_tiers; i++)
    bitrates[i] = gateway->tier_bitrate_kbps[i];
  dc_link_tier_init (&v->link, n_tiers, bitrates);
  if (v->codec == NULL)
    return TRUE;
  /* The codec's encoder runs while some site receives it; it starts with a keyframe. */
  if (!dc_video_mixer_use_codec (gateway->video, v->codec, 0, error))
    {
      v->codec = NULL;
      return FALSE;
    }
  dc_video_mixer_request_keyframe (gateway->video, v->codec, 0);
  return TRUE;
}

void
dc_gateway_links_dismiss (DcGateway *gateway, guint slot)
{
  DcSlotVideo *v = &gateway->slot_video[slot];
  if (v->codec == NULL)
    return;
  dc_video_mixer_release_codec (gateway->video, v->codec, v->tier);
  if (v->wanted >= 0)
    dc_video_mixer_release_codec (gateway->video, v->codec, (guint) v->wanted);
  *v = (DcSlotVideo) { .wanted = -1 };
}

/* A move under way is done once the site takes the wanted tier's frames. */
static void
finish_move (DcGateway *gateway, DcSlotVideo *v, DcSite *site)
{
  if (v->wanted < 0 || dc_site_get_video_tier (site) != (guint) v->wanted)
    return;
  dc_video_mixer_release_codec (gateway->video, v->codec, v->tier);
  GST_INFO ("site %s now receives tier %d (was %u)", dc_site_get_id (site), v->wanted, v->tier);
  v->tier = (guint) v->wanted;
  v->wanted = -1;
}

static void
start_move (DcGateway *gateway, DcSlotVideo *v, DcSite *site, guint tier)
{
  g_autoptr (GError) error = NULL;
  if (v->wanted >= 0 && (guint) v->wanted == tier)
    return;
  if (v->wanted >= 0) /* a move the link overtook: that tier is not wanted any more */
    {
      dc_video_mixer_release_codec (gateway->video, v->codec, (guint) v->wanted);
      v->wanted = -1;
    }
  if (tier == v->tier)
    {
      dc_site_want_video_tier (site, tier);
      return;
    }
  /* Wanted before the encoder starts: a new encoder's first frame is the keyframe to move on. */
  dc_site_want_video_tier (site, tier);
  if (!dc_video_mixer_use_codec (gateway->video, v->codec, tier, &error))
    {
      GST_WARNING ("site %s stays on tier %u: %s", dc_site_get_id (site), v->tier,
                   error->message);
      dc_site_want_video_tier (site, v->tier);
      return;
    }
  GST_INFO ("site %s: moving from tier %u to %u (%.1f %% lost)", dc_site_get_id (site), v->tier,
            tier, v->link.fraction_lost * 100.0);
  v->wanted = (int) tier;
  dc_video_mixer_request_keyframe (gateway->video, v->codec, tier);
}

void
dc_gateway_links_tick (DcGateway *gateway)
{
  gint64 now = g_get_monotonic_time ();
  gboolean changed = FALSE;
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    {
      DcSite *site = dc_roster_get_site (gateway->roster, slot);
      DcSlotVideo *v = &gateway->slot_video[slot];
      if (site == NULL || v->codec == NULL)
        continue;
      finish_move (gateway, v, site);
      DcSiteStats stats;
      dc_site_get_stats (site, &stats);
      v->stats = stats;
      GST_DEBUG ("site %s: report %d, %.1f %% lost, rtt %.0f ms, jitter %.1f ms",
                 dc_site_get_id (site), stats.have_report, stats.fraction_lost * 100.0,
                 stats.rtt_ms, stats.jitter_ms);
      if (stats.have_report)
        dc_link_tier_rtt (&v->link, stats.rtt_ms);
      guint tier = stats.have_report ? dc_link_tier_report (&v->link, stats.fraction_lost, now)
                                     : dc_link_tier_no_report (&v->link, now);
      start_move (gateway, v, site, tier);
      if (stats.have_report)
        dc_audio_mixer_set_expected_loss (gateway->audio, slot, stats.fraction_lost * 100.0);
      DcSiteLink link = { .known = TRUE, .tier = dc_gateway_links_get_tier (gateway, slot),
                          .loss_pct = v->link.fraction_lost * 100.0, .rtt_ms = stats.rtt_ms,
                          .jitter_ms = stats.jitter_ms };
      changed |= dc_conference_set_link (gateway->conference, slot, &link);
    }
  /* A new tier is told at once; the figures ride along, and every ten seconds anyway. */
  if (changed || ++gateway->link_ticks % LINK_STATE_EVERY == 0)
    dc_gateway_state_changed (gateway);
}

guint
dc_gateway_links_get_tier (DcGateway *gateway, guint slot)
{
  const DcSlotVideo *v = &gateway->slot_video[slot];
  return v->wanted >= 0 ? (guint) v->wanted : v->tier;
}

/* Without [video] tiers: 3/4 of the canvas at half its bitrate, half the canvas at 9/40. */
static void
default_tiers (const DcConfig *config, DcVideoMixerParams *video)
{
  static const struct { guint num, den, kbps_num, kbps_den; } shares[] = { { 3, 4, 1, 2 },
                                                                          { 1, 2, 9, 40 } };
  video->n_tiers = 1;
  for (guint i = 0; i < G_N_ELEMENTS (shares); i++)
    {
      int w = (int) (config->width * shares[i].num / shares[i].den) & ~1;
      int h = (int) (config->height * shares[i].num / shares[i].den) & ~1;
      guint kbps = config->bitrate_kbps * shares[i].kbps_num / shares[i].kbps_den;
      if (w >= 160 && h >= 90 && kbps >= 50)
        video->tiers[video->n_tiers++] = (DcVideoTier) { w, h, kbps };
    }
}

/* The canvas is tier 0; the configured tiers follow, each smaller and cheaper than the last. */
gboolean
dc_gateway_links_read_tiers (const DcConfig *config, DcVideoMixerParams *video, GError **error)
{
  if (config->video_tiers == NULL)
    {
      default_tiers (config, video);
      return TRUE;
    }
  video->n_tiers = 1;
  guint last_width = config->width, last_height = config->height;
  guint last_kbps = config->bitrate_kbps;
  for (guint i = 0; config->video_tiers && config->video_tiers[i]; i++)
    {
      DcVideoTier *tier = &video->tiers[video->n_tiers];
      guint w, h, kbps;
      if (video->n_tiers == DC_VIDEO_TIERS_MAX
          || !dc_config_parse_video_tier (config->video_tiers[i], &w, &h, &kbps)
          || w > last_width || h > last_height || kbps >= last_kbps)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "[video] tiers: \"%s\": at most %d tiers, each smaller than the one "
                       "before (the canvas first) and at a lower bitrate",
                       config->video_tiers[i], DC_VIDEO_TIERS_MAX - 1);
          return FALSE;
        }
      *tier = (DcVideoTier) { (int) w, (int) h, kbps };
      last_width = w, last_height = h, last_kbps = kbps;
      video->n_tiers++;
    }
  return TRUE;
}
