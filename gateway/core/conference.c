#include "conference.h"


typedef struct
{
  DcPresence presence;
  gboolean muted;
  gboolean video_allowed;
  gboolean removed;       /* by the chair, for the rest of this meeting */
  gboolean joined_before; /* in this meeting: may come back while the conference is locked */
  gint64 hand_raised_at;  /* 0 = hand down */
  DcCallState call;
  gboolean on_hold;
  gint64 hold_changed_at;
  DcSiteLink link;
} SiteState;

struct DcConference
{
  const DcConfig *config; /* borrowed; outlives the conference */
  guint n_sites;
  SiteState *sites;
  int chair;
  gboolean locked;
  gboolean recording;
  DcLayoutKind layout;
  DcFloorExpiry default_expiry;
  DcAttendance *attendance;

  int floor;              /* slot or -1 */
  gint64 floor_since;
  guint floor_limit_s;    /* 0 = untimed */
  DcFloorExpiry floor_expiry;
  gboolean floor_warned;
  gboolean floor_expired;

  int speaking;
  int candidate;          /* loudest site that would win, waiting out the hold-in time */
  gint64 candidate_since;
  gint64 speaking_last_loud;
};

static const DcSiteConfig *
site_config (const DcConference *conference, guint slot)
{
  return conference->config->sites->pdata[slot];
}

static void
record (DcConference *conference, DcAttendanceKind kind, int slot, const char *detail)
{
  const DcSiteConfig *site = slot >= 0 ? site_config (conference, slot) : NULL;
  dc_attendance_add (conference->attendance, kind, site ? site->id : NULL,
                     site ? site->name : NULL, detail);
}

static void
reset_meeting (DcConference *conference)
{
  for (guint i = 0; i < conference->n_sites; i++)
    {
      SiteState *s = &conference->sites[i];
      s->presence = DC_PRESENCE_ABSENT;
      s->muted = FALSE;
      s->video_allowed = TRUE;
      s->removed = FALSE;
      s->joined_before = FALSE;
      s->hand_raised_at = 0;
    }
  conference->locked = FALSE;
  conference->layout = DC_LAYOUT_CHAIR_LARGE;
  conference->floor = -1;
  conference->speaking = -1;
  conference->candidate = -1;
}

DcConference *
dc_conference_new (const DcConfig *config, DcFloorExpiry default_expiry)
{
  g_return_val_if_fail (config != NULL && config->sites->len > 0, NULL);
  DcConference *conference = g_new0 (DcConference, 1);
  conference->config = config;
  conference->n_sites = config->sites->len;
  conference->sites = g_new0 (SiteState, conference->n_sites);
  conference->default_expiry = default_expiry;
  conference->attendance = dc_attendance_new (NULL);
  conference->chair = -1;
  for (guint i = 0; i < conference->n_sites; i++)
    if (site_config (conference, i)->role == DC_ROLE_CHAIR)
      conference->chair = i;
  reset_meeting (conference);
  return conference;
}

void
dc_conference_free (DcConference *conference)
{
  if (conference == NULL)
    return;
  dc_attendance_free (conference->attendance);
  g_free (conference->sites);
  g_free (conference);
}

guint
dc_conference_get_n_sites (const DcConference *conference)
{
  return conference->n_sites;
}

const DcSiteConfig *
dc_conference_get_site (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, NULL);
  return site_config (conference, slot);
}

int
dc_conference_find_slot (const DcConference *conference, const char *site_id)
{
  return dc_config_site_index (conference->config, site_id);
}

DcAttendance *
dc_conference_get_attendance (DcConference *conference)
{
  return conference->attendance;
}

/* ---- presence ---- */

DcJoinCheck
dc_conference_check_join (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, DC_JOIN_REMOVED);
  const SiteState *s = &conference->sites[slot];
  if (s->removed)
    return DC_JOIN_REMOVED;
  /* A hall that drops must be able to come back: the lock keeps out only newcomers. */
  if (conference->locked && !s->joined_before)
    return DC_JOIN_LOCKED;
  return DC_JOIN_OK;
}

static void end_floor (DcConference *conference, const char *why);

void
dc_conference_set_present (DcConference *conference, guint slot, gboolean present, gint64 now_us)
{
  g_return_if_fail (slot < conference->n_sites);
  SiteState *site = &conference->sites[slot];
  if ((site->presence == DC_PRESENCE_PRESENT) == present)
    return;
  site->presence = present ? DC_PRESENCE_PRESENT : DC_PRESENCE_LEFT;
  site->on_hold = FALSE;
  site->hold_changed_at = 0;
  site->link = (DcSiteLink) { 0 };
  record (conference, present ? DC_ATTENDANCE_JOINED : DC_ATTENDANCE_LEFT, slot, NULL);
  if (present)
    {
      site->joined_before = TRUE;
      return;
    }
  site->hand_raised_at = 0;
  if (conference->floor == (int) slot)
    end_floor (conference, "rời hội nghị");
  if (conference->speaking == (int) slot)
    conference->speaking = -1;
  if (conference->candidate == (int) slot)
    conference->candidate = -1;
}

DcPresence
dc_conference_get_presence (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, DC_PRESENCE_ABSENT);
  return conference->sites[slot].presence;
}

guint
dc_conference_count_present (const DcConference *conference)
{
  guint count = 0;
  for (guint i = 0; i < conference->n_sites; i++)
    count += conference->sites[i].presence == DC_PRESENCE_PRESENT;
  return count;
}

/* ---- commands ---- */

gboolean
dc_conference_may_moderate (const DcConference *conference, guint sender)
{
  g_return_val_if_fail (sender < conference->n_sites, FALSE);
  DcRole role = site_config (conference, sender)->role;
  return role == DC_ROLE_CHAIR || role == DC_ROLE_OPERATOR;
}

/* Common checks: the sender moderates, the target exists and (when asked) is connected. The
 * target is 64-bit so that a guint slot above G_MAXINT is refused, not taken for "no target". */
static DcCommandResult
check_moderation (const DcConference *conference, guint sender, gint64 target,
                  gboolean need_present)
{
  if (!dc_conference_may_moderate (conference, sender))
    return DC_COMMAND_NOT_PERMITTED;
  if (target < 0)
    return DC_COMMAND_OK;
  if (target >= conference->n_sites)
    return DC_COMMAND_UNKNOWN_SITE;
  if (need_present && conference->sites[target].presence != DC_PRESENCE_PRESENT)
    return DC_COMMAND_NOT_PRESENT;
  return DC_COMMAND_OK;
}

DcCommandResult
dc_conference_raise_hand (DcConference *conference, guint sender, gint64 now_us)
{
  g_return_val_if_fail (sender < conference->n_sites, DC_COMMAND_UNKNOWN_SITE);
  SiteState *s = &conference->sites[sender];
  if (s->presence != DC_PRESENCE_PRESENT)
    return DC_COMMAND_NOT_PRESENT;
  /* The chair runs the floor; a hand already up keeps its place in the queue. */
  if ((int) sender == conference->chair || conference->floor == (int) sender
      || s->hand_raised_at != 0)
    return DC_COMMAND_INVALID;
  s->hand_raised_at = MAX (now_us, 1);
  return DC_COMMAND_OK;
}

DcCommandResult
dc_conference_lower_hand (DcConference *conference, guint sender, int target)
{
  g_return_val_if_fail (sender < conference->n_sites, DC_COMMAND_UNKNOWN_SITE);
  if (target < 0)
    target = sender;
  if ((guint) target != sender)
    {
      DcCommandResult check = check_moderation (conference, sender, target, FALSE);
      if (check != DC_COMMAND_OK)
        return check;
    }
  if ((guint) target >= conference->n_sites || conference->sites[target].hand_raised_at == 0)
    return DC_COMMAND_INVALID;
  conference->sites[target].hand_raised_at = 0;
  return DC_COMMAND_OK;
}

static void
end_floor (DcConference *conference, const char *why)
{
  if (conference->floor < 0)
    return;
  record (conference, DC_ATTENDANCE_FLOOR_END, conference->floor, why);
  conference->floor = -1;
  conference->floor_limit_s = 0;
}

static void
start_floor (DcConference *conference, guint target, guint limit_s, DcFloorExpiry expiry,
             gint64 now_us)
{
  end_floor (conference, NULL);
  conference->floor = target;
  conference->floor_since = now_us;
  conference->floor_limit_s = limit_s;
  conference->floor_expiry = expiry;
  conference->floor_warned = FALSE;
  conference->floor_expired = FALSE;
  conference->sites[target].hand_raised_at = 0;
  conference->sites[target].muted = FALSE;
  g_autofree char *detail
      = limit_s ? g_strdup_printf ("giới hạn %u giây", limit_s) : NULL;
  record (conference, DC_ATTENDANCE_FLOOR_START, target, detail);
}

DcCommandResult
dc_conference_give_floor (DcConference *conference, guint sender, guint target, guint limit_s,
                          DcFloorExpiry expiry, gint64 now_us)
{
  DcCommandResult check = check_moderation (conference, sender, target, TRUE);
  if (check != DC_COMMAND_OK)
    return check;
  if ((int) target == conference->chair)
    return dc_conference_take_floor (conference, sender, FALSE, 0, now_us);
  /* As when the chair takes it back: only the new floor holder's district speaks. */
  int previous = conference->floor;
  if (previous >= 0 && previous != (int) target
      && site_config (conference, previous)->role == DC_ROLE_DISTRICT)
    conference->sites[previous].muted = TRUE;
  start_floor (conference, target, limit_s, expiry, now_us);
  return DC_COMMAND_OK;
}

static int
first_in_queue (const DcConference *conference)
{
  int first = -1;
  for (guint i = 0; i < conference->n_sites; i++)
    {
      const SiteState *s = &conference->sites[i];
      if (s->hand_raised_at != 0 && s->presence == DC_PRESENCE_PRESENT
          && (first < 0 || s->hand_raised_at < conference->sites[first].hand_raised_at))
        first = i;
    }
  return first;
}

DcCommandResult
dc_conference_take_floor (DcConference *conference, guint sender, gboolean next, guint limit_s,
                          gint64 now_us)
{
  DcCommandResult check = check_moderation (conference, sender, -1, FALSE);
  if (check != DC_COMMAND_OK)
    return check;
  int previous = conference->floor;
  int following = next ? first_in_queue (conference) : -1;
  if (previous < 0 && following < 0)
    return DC_COMMAND_INVALID;
  /* Districts listen muted while the chair holds the floor. */
  if (previous >= 0 && site_config (conference, previous)->role == DC_ROLE_DISTRICT)
    conference->sites[previous].muted = TRUE;
  if (following >= 0)
    start_floor (conference, following, limit_s, conference->default_expiry, now_us);
  else
    end_floor (conference, NULL);
  return DC_COMMAND_OK;
}

DcCommandResult
dc_conference_set_muted (DcConference *conference, guint sender, guint target, gboolean muted)
{
  DcCommandResult check = check_moderation (conference, sender, target, FALSE);
  if (check != DC_COMMAND_OK)
    return check;
  conference->sites[target].muted = muted;
  if (muted && conference->speaking == (int) target)
    conference->speaking = -1;
  return DC_COMMAND_OK;
}

DcCommandResult
dc_conference_mute_districts (DcConference *conference, guint sender)
{
  DcCommandResult check = check_moderation (conference, sender, -1, FALSE);
  if (check != DC_COMMAND_OK)
    return check;
  for (guint i = 0; i < conference->n_sites; i++)
    if (site_config (conference, i)->role == DC_ROLE_DISTRICT && (int) i != conference->floor)
      {
        conference->sites[i].muted = TRUE;
        if (conference->speaking == (int) i)
          conference->speaking = -1;
      }
  return DC_COMMAND_OK;
}

DcCommandResult
dc_conference_set_video_allowed (DcConference *conference, guint sender, guint target,
                                 gboolean allowed)
{
  DcCommandResult check = check_moderation (conference, sender, target, FALSE);
  if (check != DC_COMMAND_OK)
    return check;
  conference->sites[target].video_allowed = allowed;
  return DC_COMMAND_OK;
}

DcCommandResult
dc_conference_set_locked (DcConference *conference, guint sender, gboolean locked)
{
  DcCommandResult check = check_moderation (conference, sender, -1, FALSE);
  if (check != DC_COMMAND_OK)
    return check;
  conference->locked = locked;
  return DC_COMMAND_OK;
}

DcCommandResult
dc_conference_set_recording (DcConference *conference, guint sender, gboolean recording)
{
  DcCommandResult check = check_moderation (conference, sender, -1, FALSE);
  if (check != DC_COMMAND_OK)
    return check;
  if (conference->recording == recording)
    return DC_COMMAND_INVALID;
  conference->recording = recording;
  return DC_COMMAND_OK;
}

void
dc_conference_force_recording (DcConference *conference, gboolean recording)
{
  conference->recording = recording;
}

gboolean
dc_conference_is_recording (const DcConference *conference)
{
  return conference->recording;
}

DcCommandResult
dc_conference_remove_site (DcConference *conference, guint sender, guint target, gint64 now_us)
{
  DcCommandResult check = check_moderation (conference, sender, target, FALSE);
  if (check != DC_COMMAND_OK)
    return check;
  if ((int) target == conference->chair || target == sender)
    return DC_COMMAND_INVALID;
  conference->sites[target].removed = TRUE;
  record (conference, DC_ATTENDANCE_REMOVED, target, NULL);
  dc_conference_set_present (conference, target, FALSE, now_us);
  return DC_COMMAND_OK;
}

DcCommandResult
dc_conference_admit_site (DcConference *conference, guint sender, guint target)
{
  DcCommandResult check = check_moderation (conference, sender, target, FALSE);
  if (check != DC_COMMAND_OK)
    return check;
  if (!conference->sites[target].removed)
    return DC_COMMAND_INVALID;
  conference->sites[target].removed = FALSE;
  return DC_COMMAND_OK;
}

DcCommandResult
dc_conference_set_layout (DcConference *conference, guint sender, DcLayoutKind layout)
{
  DcCommandResult check = check_moderation (conference, sender, -1, FALSE);
  if (check != DC_COMMAND_OK)
    return check;
  conference->layout = layout;
  return DC_COMMAND_OK;
}

/* Closes the record and starts a fresh meeting state; the caller saves the attendance first
 * (dc_conference_get_attendance) and then clears it. */
DcCommandResult
dc_conference_end_meeting (DcConference *conference, guint sender, gint64 now_us)
{
  DcCommandResult check = check_moderation (conference, sender, -1, FALSE);
  if (check != DC_COMMAND_OK)
    return check;
  end_floor (conference, NULL);
  for (guint i = 0; i < conference->n_sites; i++)
    dc_conference_set_present (conference, i, FALSE, now_us);
  record (conference, DC_ATTENDANCE_MEETING_END, -1, NULL);
  reset_meeting (conference);
  return DC_COMMAND_OK;
}

/* ---- reading the state ---- */

gboolean
dc_conference_is_muted (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, FALSE);
  return conference->sites[slot].muted;
}

gboolean
dc_conference_is_video_allowed (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, FALSE);
  return conference->sites[slot].video_allowed;
}

gboolean
dc_conference_is_locked (const DcConference *conference)
{
  return conference->locked;
}

DcLayoutKind
dc_conference_get_layout (const DcConference *conference)
{
  return conference->layout;
}

int
dc_conference_get_floor (const DcConference *conference)
{
  return conference->floor;
}

guint
dc_conference_get_floor_limit (const DcConference *conference)
{
  return conference->floor >= 0 ? conference->floor_limit_s : 0;
}

int
dc_conference_get_floor_remaining (const DcConference *conference, gint64 now_us)
{
  if (conference->floor < 0 || conference->floor_limit_s == 0)
    return -1;
  gint64 left_us = (gint64) conference->floor_limit_s * G_USEC_PER_SEC
                   - (now_us - conference->floor_since);
  if (left_us <= 0)
    return 0;
  return (int) ((left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

static gint
compare_raised (gconstpointer a, gconstpointer b, gpointer data)
{
  const SiteState *sites = data;
  gint64 ta = sites[*(const guint *) a].hand_raised_at;
  gint64 tb = sites[*(const guint *) b].hand_raised_at;
  if (ta != tb)
    return ta < tb ? -1 : 1;
  return (int) *(const guint *) a - (int) *(const guint *) b;
}

guint
dc_conference_get_queue (const DcConference *conference, guint *slots, gint64 *raised_at)
{
  guint n = 0;
  for (guint i = 0; i < conference->n_sites; i++)
    if (conference->sites[i].hand_raised_at != 0)
      slots[n++] = i;
  g_qsort_with_data (slots, n, sizeof (guint), compare_raised, conference->sites);
  for (guint i = 0; raised_at && i < n; i++)
    raised_at[i] = conference->sites[slots[i]].hand_raised_at;
  return n;
}

int
dc_conference_get_hand_position (const DcConference *conference, guint slot)
{
  guint slots[DC_LAYOUT_MAX_SLOTS];
  guint n = dc_conference_get_queue (conference, slots, NULL);
  for (guint i = 0; i < n; i++)
    if (slots[i] == slot)
      return i + 1;
  return 0;
}

DcFloorTick
dc_conference_tick_floor (DcConference *conference, gint64 now_us)
{
  int remaining = dc_conference_get_floor_remaining (conference, now_us);
  if (remaining < 0 || conference->floor_expired)
    return DC_FLOOR_TICK_NONE;
  if (remaining == 0)
    {
      conference->floor_expired = TRUE;
      if (conference->floor_expiry == DC_EXPIRY_MUTE)
        {
          conference->sites[conference->floor].muted = TRUE;
          if (conference->speaking == conference->floor)
            conference->speaking = -1;
        }
      return DC_FLOOR_TICK_EXPIRED;
    }
  if (remaining <= DC_FLOOR_WARNING_S && !conference->floor_warned
      && conference->floor_limit_s > DC_FLOOR_WARNING_S)
    {
      conference->floor_warned = TRUE;
      return DC_FLOOR_TICK_WARNING;
    }
  return DC_FLOOR_TICK_NONE;
}

void
dc_conference_get_tile_order (const DcConference *conference, guint *order)
{
  int front[2] = { -1, -1 };
  int chair = conference->chair;
  int focus = conference->floor >= 0 ? conference->floor : conference->speaking;
  switch (conference->layout)
    {
    case DC_LAYOUT_CHAIR_LARGE: /* a district given the floor is shown large */
      front[0] = conference->floor >= 0 ? conference->floor : chair;
      front[1] = conference->floor >= 0 ? chair : -1;
      break;
    case DC_LAYOUT_SPEAKER_FOCUS:
      front[0] = focus >= 0 ? focus : chair;
      front[1] = front[0] != chair ? chair : -1;
      break;
    case DC_LAYOUT_SIDE_BY_SIDE:
    case DC_LAYOUT_GRID:
      front[0] = chair;
      front[1] = focus != chair ? focus : -1;
      break;
    }
  guint n = 0;
  gboolean placed[DC_LAYOUT_MAX_SLOTS] = { FALSE };
  for (guint i = 0; i < G_N_ELEMENTS (front); i++)
    if (front[i] >= 0 && !placed[front[i]])
      {
        order[n++] = front[i];
        placed[front[i]] = TRUE;
      }
  for (guint i = 0; i < conference->n_sites; i++)
    if (!placed[i])
      order[n++] = i;
}

/* ---- voice activity ---- */

static int
loudest_present (const DcConference *conference, const float *levels)
{
  int loudest = -1;
  for (guint i = 0; i < conference->n_sites; i++)
    if (conference->sites[i].presence == DC_PRESENCE_PRESENT && !conference->sites[i].muted
        && levels[i] > DC_SPEAKING_THRESHOLD_DBFS
        && (loudest < 0 || levels[i] > levels[loudest]))
      loudest = i;
  return loudest;
}

gboolean
dc_conference_update_levels (DcConference *conference, const float *levels, gint64 now_us,
                             int *speaking)
{
  int before = conference->speaking;
  int loudest = loudest_present (conference, levels);

  /* A speaker muted by any path (floor expiry included) or gone no longer counts. */
  if (conference->speaking >= 0
      && (conference->sites[conference->speaking].muted
          || conference->sites[conference->speaking].presence != DC_PRESENCE_PRESENT))
    conference->speaking = -1;
  if (conference->speaking >= 0 && levels[conference->speaking] > DC_SPEAKING_THRESHOLD_DBFS)
    conference->speaking_last_loud = now_us;

  gboolean speaker_quiet = conference->speaking < 0
                           || now_us - conference->speaking_last_loud >= DC_SPEAKING_HOLD_OUT_US;
  /* The hold-in time counts only while the loudest site would win, so a short burst from someone
   * talking over the speaker does not take the highlight either. */
  int challenger = loudest >= 0 && loudest != conference->speaking
                           && (speaker_quiet
                               || levels[loudest] > levels[conference->speaking] + 6.0f)
                       ? loudest
                       : -1;
  if (challenger != conference->candidate)
    {
      conference->candidate = challenger;
      conference->candidate_since = now_us;
    }
  if (challenger >= 0 && now_us - conference->candidate_since >= DC_SPEAKING_HOLD_IN_US)
    {
      conference->speaking = challenger;
      conference->speaking_last_loud = now_us;
      conference->candidate = -1;
    }
  else if (loudest < 0 && conference->speaking >= 0 && speaker_quiet)
    conference->speaking = -1;

  if (speaking)
    *speaking = conference->speaking;
  return before != conference->speaking;
}

int
dc_conference_get_speaking (const DcConference *conference)
{
  return conference->speaking;
}

/* ---- calling halls (the gateway dials their room systems) ---- */

const char *
dc_call_state_to_string (DcCallState state)
{
  static const char *const names[] = { "none", "calling", "failed" };
  return state < G_N_ELEMENTS (names) ? names[state] : "none";
}

gboolean
dc_conference_is_dialable (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, FALSE);
  return conference->config->sip_enabled && site_config (conference, slot)->sip_uri != NULL;
}

DcCommandResult
dc_conference_call_site (DcConference *conference, guint sender, guint target)
{
  DcCommandResult result = check_moderation (conference, sender, target, FALSE);
  if (result != DC_COMMAND_OK)
    return result;
  if (!dc_conference_is_dialable (conference, target))
    return DC_COMMAND_NOT_DIALABLE;
  const SiteState *site = &conference->sites[target];
  /* A removed hall is called only after the chair admits it again. */
  if (site->presence == DC_PRESENCE_PRESENT || site->call == DC_CALL_CALLING || site->removed)
    return DC_COMMAND_INVALID;
  return DC_COMMAND_OK;
}

DcCommandResult
dc_conference_call_absent (DcConference *conference, guint sender, guint *slots, guint *n_slots)
{
  *n_slots = 0;
  if (!dc_conference_may_moderate (conference, sender))
    return DC_COMMAND_NOT_PERMITTED;
  for (guint slot = 0; slot < conference->n_sites; slot++)
    if (dc_conference_call_site (conference, sender, slot) == DC_COMMAND_OK)
      slots[(*n_slots)++] = slot;
  return *n_slots ? DC_COMMAND_OK : DC_COMMAND_INVALID;
}

void
dc_conference_set_call_state (DcConference *conference, guint slot, DcCallState state)
{
  g_return_if_fail (slot < conference->n_sites);
  conference->sites[slot].call = state;
}

DcCallState
dc_conference_get_call_state (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, DC_CALL_NONE);
  return conference->sites[slot].call;
}

void
dc_conference_set_on_hold (DcConference *conference, guint slot, gboolean on_hold, gint64 now_us)
{
  g_return_if_fail (slot < conference->n_sites);
  conference->sites[slot].on_hold = on_hold;
  conference->sites[slot].hold_changed_at = now_us;
}

gint64
dc_conference_get_hold_changed_at (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, 0);
  return conference->sites[slot].hold_changed_at;
}

gboolean
dc_conference_is_on_hold (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, FALSE);
  return conference->sites[slot].on_hold;
}

gboolean
dc_conference_set_link (DcConference *conference, guint slot, const DcSiteLink *link)
{
  g_return_val_if_fail (slot < conference->n_sites && link != NULL, FALSE);
  DcSiteLink *old = &conference->sites[slot].link;
  gboolean changed = old->known != link->known || old->tier != link->tier;
  *old = *link;
  return changed;
}

const DcSiteLink *
dc_conference_get_link (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, NULL);
  return &conference->sites[slot].link;
}
