#include "chair.h"

#include "meeting-view.h"

typedef struct
{
  DcConference *conference;
  DcFloorExpiry default_expiry;
  guint sender;
  const DcMessage *message;
  gint64 now;
  DcChairOutcome *outcome;
} Command;

typedef DcCommandResult (*CommandFunc) (Command *command);

static DcCommandResult
do_raise_hand (Command *c)
{
  return dc_conference_raise_hand (c->conference, c->sender, c->now);
}

static DcCommandResult
do_lower_hand (Command *c)
{
  return dc_conference_lower_hand (c->conference, c->sender, c->outcome->target);
}

static DcCommandResult
do_give_floor (Command *c)
{
  const char *expiry = dc_message_get_string (c->message, "on_expiry");
  DcFloorExpiry action = c->default_expiry;
  if (expiry)
    action = g_strcmp0 (expiry, "signal") == 0 ? DC_EXPIRY_SIGNAL : DC_EXPIRY_MUTE;
  return dc_conference_give_floor (c->conference, c->sender, c->outcome->target,
                                   dc_message_get_int (c->message, "limit_s", 0), action, c->now);
}

static DcCommandResult
do_take_floor (Command *c)
{
  return dc_conference_take_floor (c->conference, c->sender,
                                   dc_message_get_bool (c->message, "next", FALSE),
                                   dc_message_get_int (c->message, "limit_s", 0), c->now);
}

static DcCommandResult
do_mute (Command *c)
{
  return dc_conference_set_muted (c->conference, c->sender, c->outcome->target,
                                  dc_message_get_bool (c->message, "muted", TRUE));
}

static DcCommandResult
do_mute_districts (Command *c)
{
  return dc_conference_mute_districts (c->conference, c->sender);
}

static DcCommandResult
do_allow_video (Command *c)
{
  return dc_conference_set_video_allowed (c->conference, c->sender, c->outcome->target,
                                          dc_message_get_bool (c->message, "allowed", TRUE));
}

static DcCommandResult
do_record (Command *c)
{
  return dc_conference_set_recording (c->conference, c->sender,
                                      dc_message_get_bool (c->message, "recording", TRUE));
}

static DcCommandResult
do_lock (Command *c)
{
  return dc_conference_set_locked (c->conference, c->sender,
                                   dc_message_get_bool (c->message, "locked", TRUE));
}

static DcCommandResult
do_remove (Command *c)
{
  return dc_conference_remove_site (c->conference, c->sender, c->outcome->target, c->now);
}

static DcCommandResult
do_admit (Command *c)
{
  return dc_conference_admit_site (c->conference, c->sender, c->outcome->target);
}

static DcCommandResult
do_set_layout (Command *c)
{
  DcLayoutKind kind;
  if (!dc_layout_kind_from_string (dc_message_get_string (c->message, "layout"), &kind))
    return DC_COMMAND_INVALID;
  return dc_conference_set_layout (c->conference, c->sender, kind);
}

static DcCommandResult
do_end_meeting (Command *c)
{
  return dc_conference_end_meeting (c->conference, c->sender, c->now);
}

static DcCommandResult
do_get_attendance (Command *c)
{
  if (!dc_conference_may_moderate (c->conference, c->sender))
    return DC_COMMAND_NOT_PERMITTED;
  g_autofree char *csv = dc_attendance_to_csv (dc_conference_get_attendance (c->conference));
  c->outcome->reply = dc_message_new_attendance (csv);
  return DC_COMMAND_OK;
}

static DcCommandResult
do_call_site (Command *c)
{
  DcCommandResult result = dc_conference_call_site (c->conference, c->sender, c->outcome->target);
  if (result == DC_COMMAND_OK)
    c->outcome->calls[c->outcome->n_calls++] = c->outcome->target;
  return result;
}

static DcCommandResult
do_call_all (Command *c)
{
  return dc_conference_call_absent (c->conference, c->sender, c->outcome->calls,
                                    &c->outcome->n_calls);
}

typedef struct
{
  DcMsgType type;
  CommandFunc run;
  DcChairEffects effects; /* what follows when it succeeds */
} CommandSpec;

static const CommandSpec commands[] = {
  { DC_MSG_RAISE_HAND, do_raise_hand, DC_CHAIR_STATE_CHANGED },
  { DC_MSG_LOWER_HAND, do_lower_hand, DC_CHAIR_STATE_CHANGED },
  { DC_MSG_GIVE_FLOOR, do_give_floor, DC_CHAIR_STATE_CHANGED },
  { DC_MSG_TAKE_FLOOR, do_take_floor, DC_CHAIR_STATE_CHANGED },
  { DC_MSG_MUTE, do_mute, DC_CHAIR_STATE_CHANGED },
  { DC_MSG_MUTE_DISTRICTS, do_mute_districts, DC_CHAIR_STATE_CHANGED },
  { DC_MSG_ALLOW_VIDEO, do_allow_video, DC_CHAIR_STATE_CHANGED },
  { DC_MSG_LOCK, do_lock, DC_CHAIR_STATE_CHANGED },
  { DC_MSG_RECORD, do_record, DC_CHAIR_STATE_CHANGED | DC_CHAIR_RECORD },
  { DC_MSG_REMOVE, do_remove, DC_CHAIR_STATE_CHANGED | DC_CHAIR_DISMISS_TARGET },
  { DC_MSG_ADMIT, do_admit, DC_CHAIR_STATE_CHANGED },
  { DC_MSG_SET_LAYOUT, do_set_layout, DC_CHAIR_STATE_CHANGED },
  { DC_MSG_END_MEETING, do_end_meeting, DC_CHAIR_END_MEETING },
  { DC_MSG_GET_ATTENDANCE, do_get_attendance, 0 },
  { DC_MSG_CALL_SITE, do_call_site, DC_CHAIR_CALL | DC_CHAIR_STATE_CHANGED },
  { DC_MSG_CALL_ALL, do_call_all, DC_CHAIR_CALL | DC_CHAIR_STATE_CHANGED },
};

static void
set_refusal (DcChairOutcome *outcome, DcCommandResult result, const DcMessage *message)
{
  const char *type = dc_message_type_to_string (message->type);
  const char *site = dc_message_get_string (message, "site");
  outcome->result = result;
  switch (result)
    {
    case DC_COMMAND_NOT_PERMITTED:
      outcome->error_code = DC_ERR_NOT_PERMITTED;
      outcome->refusal = g_strdup_printf ("only the chair may send \"%s\"", type);
      break;
    case DC_COMMAND_UNKNOWN_SITE:
      outcome->error_code = DC_ERR_UNKNOWN_SITE;
      outcome->refusal = g_strdup_printf ("no site \"%s\" in this conference", site ? site : "");
      break;
    case DC_COMMAND_NOT_PRESENT:
      outcome->error_code = DC_ERR_NOT_PRESENT;
      outcome->refusal = g_strdup_printf ("the site \"%s\" is not connected", site ? site : "");
      break;
    case DC_COMMAND_NOT_DIALABLE:
      outcome->error_code = DC_ERR_NOT_DIALABLE;
      outcome->refusal = g_strdup_printf ("the site \"%s\" has no room system to call "
                                          "(no sip-uri, or SIP is off)", site ? site : "");
      break;
    default:
      outcome->error_code = DC_ERR_NOTHING_TO_DO;
      outcome->refusal = g_strdup_printf ("\"%s\" changes nothing in the current state", type);
      break;
    }
}

gboolean
dc_chair_apply (DcConference *conference, DcFloorExpiry default_expiry, guint sender,
                const DcMessage *message, gint64 now_us, DcChairOutcome *outcome)
{
  g_return_val_if_fail (conference != NULL && message != NULL && outcome != NULL, FALSE);
  const CommandSpec *spec = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (commands) && spec == NULL; i++)
    if (commands[i].type == message->type)
      spec = &commands[i];
  if (spec == NULL)
    return FALSE;

  *outcome = (DcChairOutcome) { .result = DC_COMMAND_OK, .target = -1 };
  const char *site = dc_message_get_string (message, "site");
  if (site)
    {
      outcome->target = dc_conference_find_slot (conference, site);
      if (outcome->target < 0)
        {
          set_refusal (outcome, DC_COMMAND_UNKNOWN_SITE, message);
          return TRUE;
        }
    }
  Command command = {
    .conference = conference,
    .default_expiry = default_expiry,
    .sender = sender,
    .message = message,
    .now = now_us,
    .outcome = outcome,
  };
  DcCommandResult result = spec->run (&command);
  if (result != DC_COMMAND_OK)
    set_refusal (outcome, result, message);
  else
    outcome->effects = spec->effects;
  return TRUE;
}

void
dc_chair_outcome_clear (DcChairOutcome *outcome)
{
  g_clear_pointer (&outcome->refusal, g_free);
  g_clear_pointer (&outcome->reply, g_free);
}
