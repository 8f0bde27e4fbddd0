#include "meeting-view.h"

static const char *
slot_id (const DcConference *conference, int slot)
{
  return slot >= 0 ? dc_conference_get_site (conference, slot)->id : "";
}

static DcSiteEntry
site_entry (const DcConference *conference, guint slot)
{
  const DcSiteConfig *site = dc_conference_get_site (conference, slot);
  return (DcSiteEntry) {
    .id = site->id,
    .name = site->name,
    .role = dc_role_to_string (site->role),
    .present = dc_conference_get_presence (conference, slot) == DC_PRESENCE_PRESENT,
  };
}

guint
dc_meeting_site_entries (const DcConference *conference, DcSiteEntry *entries)
{
  guint n = dc_conference_get_n_sites (conference);
  for (guint slot = 0; slot < n; slot++)
    entries[slot] = site_entry (conference, slot);
  return n;
}

char *
dc_meeting_welcome_new (const DcConference *conference, guint slot)
{
  DcSiteEntry entries[DC_LAYOUT_MAX_SLOTS];
  guint n = dc_meeting_site_entries (conference, entries);
  DcSiteEntry self = site_entry (conference, slot);
  return dc_message_new_welcome (&self, entries, n);
}

char *
dc_meeting_site_list_new (const DcConference *conference)
{
  DcSiteEntry entries[DC_LAYOUT_MAX_SLOTS];
  guint n = dc_meeting_site_entries (conference, entries);
  return dc_message_new_site_list (entries, n);
}

char *
dc_meeting_site_joined_new (const DcConference *conference, guint slot)
{
  DcSiteEntry entry = site_entry (conference, slot);
  return dc_message_new_site_joined (&entry);
}

char *
dc_meeting_site_left_new (const DcConference *conference, guint slot, const char *reason)
{
  return dc_message_new_site_left (slot_id (conference, slot), reason);
}

char *
dc_meeting_state_new (const DcConference *conference, gint64 now_us)
{
  guint queue_slots[DC_LAYOUT_MAX_SLOTS];
  gint64 raised[DC_LAYOUT_MAX_SLOTS];
  guint n_queue = dc_conference_get_queue (conference, queue_slots, raised);
  DcQueueEntry queue[DC_LAYOUT_MAX_SLOTS];
  for (guint i = 0; i < n_queue; i++)
    queue[i] = (DcQueueEntry) { .site = slot_id (conference, queue_slots[i]),
                                .waiting_s = (now_us - raised[i]) / G_USEC_PER_SEC };

  guint n_sites = dc_conference_get_n_sites (conference);
  DcSiteStateEntry sites[DC_LAYOUT_MAX_SLOTS];
  for (guint slot = 0; slot < n_sites; slot++)
    {
      const DcSiteLink *link = dc_conference_get_link (conference, slot);
      sites[slot] = (DcSiteStateEntry) {
      .id = slot_id (conference, slot),
      .present = dc_conference_get_presence (conference, slot) == DC_PRESENCE_PRESENT,
      .muted = dc_conference_is_muted (conference, slot),
      .video = dc_conference_is_video_allowed (conference, slot),
      .hand = dc_conference_get_hand_position (conference, slot),
      .dialable = dc_conference_is_dialable (conference, slot),
      .call = dc_call_state_to_string (dc_conference_get_call_state (conference, slot)),
      .on_hold = dc_conference_is_on_hold (conference, slot),
      .link = link->known,
      .tier = (int) link->tier,
      .loss_pct = link->loss_pct,
      .rtt_ms = link->rtt_ms,
      .jitter_ms = link->jitter_ms,
    };
    }

  DcStateView state = {
    .locked = dc_conference_is_locked (conference),
    .recording = dc_conference_is_recording (conference),
    .layout = dc_layout_kind_to_string (dc_conference_get_layout (conference)),
    .floor = slot_id (conference, dc_conference_get_floor (conference)),
    .floor_limit_s = dc_conference_get_floor_limit (conference),
    .floor_remaining_s = dc_conference_get_floor_remaining (conference, now_us),
    .speaking = slot_id (conference, dc_conference_get_speaking (conference)),
    .queue = queue,
    .n_queue = n_queue,
    .sites = sites,
    .n_sites = n_sites,
  };
  return dc_message_new_state (&state);
}

char *
dc_meeting_speaking_new (const DcConference *conference, int slot, float level_dbfs)
{
  return dc_message_new_speaking (slot_id (conference, slot), slot >= 0 ? level_dbfs : -127.0);
}

char *
dc_meeting_layout_new (const DcConference *conference, DcLayoutKind kind, int width, int height,
                       const guint *order, const DcRect *rects)
{
  guint n = dc_conference_get_n_sites (conference);
  DcTileEntry tiles[DC_LAYOUT_MAX_SLOTS];
  for (guint i = 0; i < n; i++)
    {
      const DcRect *rect = &rects[order[i]];
      tiles[i] = (DcTileEntry) { .site = slot_id (conference, order[i]),
                                 .x = rect->x, .y = rect->y,
                                 .width = rect->width, .height = rect->height };
    }
  return dc_message_new_layout (dc_layout_kind_to_string (kind), width, height, tiles, n);
}

char *
dc_meeting_floor_timer_new (const DcConference *conference, guint floor, DcFloorTick tick)
{
  gboolean expired = tick == DC_FLOOR_TICK_EXPIRED;
  const char *action = expired && dc_conference_is_muted (conference, floor) ? "mute" : "signal";
  return dc_message_new_floor_timer (slot_id (conference, floor), expired ? "expired" : "warning",
                                     expired ? 0 : DC_FLOOR_WARNING_S, action);
}
