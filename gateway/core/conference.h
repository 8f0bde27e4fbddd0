/* The conference as pure state: who is present, roles, the hand-raise queue, the floor and its
 * timer, mutes, lock, layout choice, who is speaking, and the attendance record. No GStreamer, no
 * sockets: the gateway feeds it facts and commands and reads decisions back. Every rule the chair
 * enforces lives here, so it is unit-tested without media. */
#pragma once

#include <glib.h>
#include "attendance.h"
#include "config.h"
#include "layout.h"

G_BEGIN_DECLS

typedef enum
{
  DC_PRESENCE_ABSENT, /* has not joined this meeting */
  DC_PRESENCE_PRESENT,
  DC_PRESENCE_LEFT,
} DcPresence;

/* Voice activity: a site must be the loudest above the threshold for the hold-in time to take the
 * speaker highlight, and keeps it until quiet for the hold-out time, so a cough does not. */
#define DC_SPEAKING_THRESHOLD_DBFS (-42.0f)
#define DC_SPEAKING_HOLD_IN_US (400 * 1000)
#define DC_SPEAKING_HOLD_OUT_US (1500 * 1000)
/* Everyone is warned this long before a timed speech ends. */
#define DC_FLOOR_WARNING_S 30

/* Why a command was refused; each maps to a protocol error code. */
typedef enum
{
  DC_COMMAND_OK,
  DC_COMMAND_NOT_PERMITTED, /* the sender's role may not do this */
  DC_COMMAND_UNKNOWN_SITE,  /* the target is not in the conference */
  DC_COMMAND_NOT_PRESENT,   /* the target is not connected */
  DC_COMMAND_INVALID,       /* nothing to do: no floor to take back, no hand to lower, ... */
  DC_COMMAND_NOT_DIALABLE,  /* the target has no room system the gateway can call */
} DcCommandResult;

typedef enum
{
  DC_EXPIRY_MUTE,   /* at the end of a timed speech the speaker is muted */
  DC_EXPIRY_SIGNAL, /* everyone is told, nothing else happens */
} DcFloorExpiry;

/* What the floor timer did in one tick. */
typedef enum
{
  DC_FLOOR_TICK_NONE,
  DC_FLOOR_TICK_WARNING, /* DC_FLOOR_WARNING_S left */
  DC_FLOOR_TICK_EXPIRED, /* time is up; the expiry action has been applied */
} DcFloorTick;

typedef enum
{
  DC_JOIN_OK,
  DC_JOIN_LOCKED,  /* the conference is locked and this site was not in it before */
  DC_JOIN_REMOVED, /* the chair removed this site from this meeting */
} DcJoinCheck;

/* A hall the gateway dials (its room system's sip-uri): the chair's panel shows this. */
typedef enum
{
  DC_CALL_NONE,    /* not being called (present, never called, or given up on the chair's word) */
  DC_CALL_CALLING, /* an INVITE is out, or a redial is waiting */
  DC_CALL_FAILED,  /* the last call failed and no redial is left */
} DcCallState;

const char *dc_call_state_to_string (DcCallState state);

typedef struct DcConference DcConference;

DcConference *dc_conference_new (const DcConfig *config, DcFloorExpiry default_expiry);
void dc_conference_free (DcConference *conference);
guint dc_conference_get_n_sites (const DcConference *conference);
const DcSiteConfig *dc_conference_get_site (const DcConference *conference, guint slot);
int dc_conference_find_slot (const DcConference *conference, const char *site_id);
DcAttendance *dc_conference_get_attendance (DcConference *conference);

/* ---- presence (facts from the network) ---- */
DcJoinCheck dc_conference_check_join (const DcConference *conference, guint slot);
void dc_conference_set_present (DcConference *conference, guint slot, gboolean present,
                                gint64 now_us);
DcPresence dc_conference_get_presence (const DcConference *conference, guint slot);
guint dc_conference_count_present (const DcConference *conference);

/* ---- commands (from sites; sender is the slot that sent it) ---- */
gboolean dc_conference_may_moderate (const DcConference *conference, guint sender);
DcCommandResult dc_conference_raise_hand (DcConference *conference, guint sender, gint64 now_us);
DcCommandResult dc_conference_lower_hand (DcConference *conference, guint sender, int target);
/* limit_s 0 = no time limit. */
DcCommandResult dc_conference_give_floor (DcConference *conference, guint sender, guint target,
                                          guint limit_s, DcFloorExpiry expiry, gint64 now_us);
/* Back to the chair; with next, the first hand in the queue gets it instead. */
DcCommandResult dc_conference_take_floor (DcConference *conference, guint sender, gboolean next,
                                          guint limit_s, gint64 now_us);
DcCommandResult dc_conference_set_muted (DcConference *conference, guint sender, guint target,
                                         gboolean muted);
DcCommandResult dc_conference_mute_districts (DcConference *conference, guint sender);
DcCommandResult dc_conference_set_video_allowed (DcConference *conference, guint sender,
                                                 guint target, gboolean allowed);
DcCommandResult dc_conference_set_locked (DcConference *conference, guint sender,
                                          gboolean locked);
DcCommandResult dc_conference_remove_site (DcConference *conference, guint sender, guint target,
                                           gint64 now_us);
DcCommandResult dc_conference_admit_site (DcConference *conference, guint sender, guint target);
DcCommandResult dc_conference_set_layout (DcConference *conference, guint sender,
                                          DcLayoutKind layout);
/* The chair asks the gateway to dial target: NOT_DIALABLE when it has no sip-uri (or SIP is
 * off), INVALID when it is present or already being called. */
DcCommandResult dc_conference_call_site (DcConference *conference, guint sender, guint target);
/* Every dialable hall that is neither present nor being called, into slots; INVALID when none. */
DcCommandResult dc_conference_call_absent (DcConference *conference, guint sender, guint *slots,
                                           guint *n_slots);
gboolean dc_conference_is_dialable (const DcConference *conference, guint slot);
/* A SIP hall that put its call on hold (sendonly or inactive): out of the mix, its tile says so,
 * and the media watchdog leaves it alone. Cleared when it resumes or leaves. */
void dc_conference_set_on_hold (DcConference *conference, guint slot, gboolean on_hold,
                                gint64 now_us);
gboolean dc_conference_is_on_hold (const DcConference *conference, guint slot);

/* A present hall's link as the gateway measures it (gateway-links.c); cleared when it leaves. */
typedef struct
{
  gboolean known;
  guint tier;
  double loss_pct, rtt_ms, jitter_ms;
} DcSiteLink;

/* TRUE when the tier changed (worth a state message at once). */
gboolean dc_conference_set_link (DcConference *conference, guint slot, const DcSiteLink *link);
const DcSiteLink *dc_conference_get_link (const DcConference *conference, guint slot);
/* When the hall last went on or off hold (0: never); media takes a moment to come back. */
gint64 dc_conference_get_hold_changed_at (const DcConference *conference, guint slot);
void dc_conference_set_call_state (DcConference *conference, guint slot, DcCallState state);
DcCallState dc_conference_get_call_state (const DcConference *conference, guint slot);
DcCommandResult dc_conference_end_meeting (DcConference *conference, guint sender,
                                           gint64 now_us);

/* ---- reading the state ---- */
gboolean dc_conference_is_muted (const DcConference *conference, guint slot);
gboolean dc_conference_is_video_allowed (const DcConference *conference, guint slot);
gboolean dc_conference_is_locked (const DcConference *conference);
/* Moderators: start or stop the recording; NOTHING_TO_DO when it already is so. */
DcCommandResult dc_conference_set_recording (DcConference *conference, guint sender,
                                             gboolean recording);
/* Without a moderator (auto-start, a recording that failed). */
void dc_conference_force_recording (DcConference *conference, gboolean recording);
gboolean dc_conference_is_recording (const DcConference *conference);
DcLayoutKind dc_conference_get_layout (const DcConference *conference);
int dc_conference_get_floor (const DcConference *conference); /* slot or -1 */
/* Seconds left of a timed speech (rounded up), -1 when untimed or no floor. */
int dc_conference_get_floor_remaining (const DcConference *conference, gint64 now_us);
guint dc_conference_get_floor_limit (const DcConference *conference);
/* The queue in order; times are when each hand went up (monotonic µs). */
guint dc_conference_get_queue (const DcConference *conference, guint *slots, gint64 *raised_at);
int dc_conference_get_hand_position (const DcConference *conference, guint slot); /* 1-based, 0 */

/* The floor timer; call about once a second. */
DcFloorTick dc_conference_tick_floor (DcConference *conference, gint64 now_us);

/* Slots in tile order for the current layout: position 0 is the large (or first) position. The
 * floor holder, or in speaker focus without one the speaking site, takes the speaker position. */
void dc_conference_get_tile_order (const DcConference *conference, guint *order);

/* Feeds one measurement of every slot's level (dBFS). Returns TRUE when the speaking site
 * changed; *speaking is its slot or -1. Muted sites never count as speaking. */
gboolean dc_conference_update_levels (DcConference *conference, const float *levels,
                                      gint64 now_us, int *speaking);
int dc_conference_get_speaking (const DcConference *conference);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcConference, dc_conference_free)

G_END_DECLS
