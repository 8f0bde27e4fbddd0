#include "media-sync.h"

#include <string.h>

#include "meeting-view.h"

struct DcMediaSync
{
  /* immutable, borrowed */
  DcConference *conference;
  DcRoster *roster;
  DcAudioMixer *audio;
  DcVideoMixer *video;
  int width, height;
  guint n_slots;
  /* main context only: what the composition shows now, compared with the conference */
  DcLayoutKind layout;
  guint tile_order[DC_LAYOUT_MAX_SLOTS];
  DcRect rects[DC_LAYOUT_MAX_SLOTS]; /* per slot (config order) */
};

DcMediaSync *
dc_media_sync_new (DcConference *conference, DcRoster *roster, DcAudioMixer *audio,
                   DcVideoMixer *video, int width, int height)
{
  DcMediaSync *sync = g_new0 (DcMediaSync, 1);
  sync->conference = conference;
  sync->roster = roster;
  sync->audio = audio;
  sync->video = video;
  sync->width = width;
  sync->height = height;
  sync->n_slots = dc_conference_get_n_sites (conference);
  return sync;
}

void
dc_media_sync_free (DcMediaSync *sync)
{
  g_free (sync);
}

/* Each site's decoder scales to its new tile once, in its own pipeline; no keyframe needed. */
static void
resize_sites (DcMediaSync *sync)
{
  for (guint slot = 0; slot < sync->n_slots; slot++)
    {
      DcSite *site = dc_roster_get_site (sync->roster, slot);
      if (site)
        dc_site_set_tile_size (site, sync->rects[slot].width, sync->rects[slot].height);
    }
}

/* Recomputes tile rectangles when the layout or the order changed; TRUE if it did. */
static gboolean
sync_layout (DcMediaSync *sync)
{
  DcLayoutKind kind = dc_conference_get_layout (sync->conference);
  guint order[DC_LAYOUT_MAX_SLOTS];
  dc_conference_get_tile_order (sync->conference, order);
  gboolean placed = sync->rects[order[0]].width > 0;
  if (placed && kind == sync->layout
      && memcmp (order, sync->tile_order, sync->n_slots * sizeof (guint)) == 0)
    return FALSE;

  DcRect ordered[DC_LAYOUT_MAX_SLOTS];
  if (!dc_layout_compute (kind, sync->width, sync->height, sync->n_slots, ordered))
    return FALSE;
  sync->layout = kind;
  memcpy (sync->tile_order, order, sync->n_slots * sizeof (guint));
  for (guint i = 0; i < sync->n_slots; i++)
    sync->rects[order[i]] = ordered[i];
  resize_sites (sync);
  return TRUE;
}

gboolean
dc_media_sync_apply (DcMediaSync *sync)
{
  DcConference *conference = sync->conference;
  gboolean layout_changed = sync_layout (sync);
  int speaking = dc_conference_get_speaking (conference);
  int floor = dc_conference_get_floor (conference);
  for (guint slot = 0; slot < sync->n_slots; slot++)
    {
      const DcSiteConfig *site = dc_conference_get_site (conference, slot);
      /* A hall on hold may play music to the gateway: it stays out of every mix. */
      gboolean on_hold = dc_conference_is_on_hold (conference, slot);
      dc_audio_mixer_set_gain (sync->audio, slot,
                               dc_conference_is_muted (conference, slot) || on_hold ? 0.0f
                                                                                    : 1.0f);
      DcSlotLook look = {
        .rect = sync->rects[slot],
        .label = site->name,
        .presence = dc_conference_get_presence (conference, slot),
        .video_allowed = dc_conference_is_video_allowed (conference, slot),
        .on_hold = on_hold,
        .highlight = speaking == (int) slot || floor == (int) slot,
      };
      dc_video_mixer_set_slot (sync->video, slot, &look);
    }
  return layout_changed;
}

char *
dc_media_sync_layout_message_new (DcMediaSync *sync)
{
  return dc_meeting_layout_new (sync->conference, sync->layout, sync->width, sync->height,
                                sync->tile_order, sync->rects);
}

DcRect
dc_media_sync_get_rect (DcMediaSync *sync, guint slot)
{
  g_return_val_if_fail (slot < sync->n_slots, (DcRect) { 0 });
  return sync->rects[slot];
}
