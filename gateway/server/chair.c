/* Chairing commands from sites: hand raising, floor, mutes, video, lock, removal, layout, end of
 * the meeting, attendance. The rules live in conference.c; this file maps messages to them, turns
 * refusals into protocol errors, and makes the media and every site follow each change. */
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gateway-private.h"

GST_DEBUG_CATEGORY_STATIC (dc_chair_debug);
#define GST_CAT_DEFAULT dc_chair_debug

typedef struct
{
  DcGateway *gateway;
  DcPeer *peer;
  guint sender;
  const DcMessage *message;
  int target; /* the "site" field as a slot, -1 when absent */
  gint64 now;
} Command;

typedef DcCommandResult (*CommandFunc) (Command *command);

static DcCommandResult
do_raise_hand (Command *c)
{
  return dc_conference_raise_hand (c->gateway->conference, c->sender, c->now);
}

static DcCommandResult
do_lower_hand (Command *c)
{
  return dc_conference_lower_hand (c->gateway->conference, c->sender, c->target);
}

static DcCommandResult
do_give_floor (Command *c)
{
  const char *expiry = dc_message_get_string (c->message, "on_expiry");
  DcFloorExpiry action = c->gateway->config->floor_expiry == 1 ? DC_EXPIRY_SIGNAL : DC_EXPIRY_MUTE;
  if (expiry)
    action = g_strcmp0 (expiry, "signal") == 0 ? DC_EXPIRY_SIGNAL : DC_EXPIRY_MUTE;
  return dc_conference_give_floor (c->gateway->conference, c->sender, c->target,
                                   dc_message_get_int (c->message, "limit_s", 0), action, c->now);
}

static DcCommandResult
do_take_floor (Command *c)
{
  return dc_conference_take_floor (c->gateway->conference, c->sender,
                                   dc_message_get_bool (c->message, "next", FALSE),
                                   dc_message_get_int (c->message, "limit_s", 0), c->now);
}

static DcCommandResult
do_mute (Command *c)
{
  return dc_conference_set_muted (c->gateway->conference, c->sender, c->target,
                                  dc_message_get_bool (c->message, "muted", TRUE));
}

static DcCommandResult
do_mute_districts (Command *c)
{
  return dc_conference_mute_districts (c->gateway->conference, c->sender);
}

static DcCommandResult
do_allow_video (Command *c)
{
  return dc_conference_set_video_allowed (c->gateway->conference, c->sender, c->target,
                                          dc_message_get_bool (c->message, "allowed", TRUE));
}

static DcCommandResult
do_lock (Command *c)
{
  return dc_conference_set_locked (c->gateway->conference, c->sender,
                                   dc_message_get_bool (c->message, "locked", TRUE));
}

static DcCommandResult
do_remove (Command *c)
{
  DcGateway *gateway = c->gateway;
  DcCommandResult result
      = dc_conference_remove_site (gateway->conference, c->sender, c->target, c->now);
  if (result != DC_COMMAND_OK)
    return result;
  DcPeer *peer = gateway->links[c->target].peer;
  dc_gateway_end_site (gateway, c->target, "removed");
  if (peer)
    {
      g_autofree char *bye = dc_message_new_bye ("removed");
      dc_peer_send (peer, bye);
      dc_peer_close (peer, SOUP_WEBSOCKET_CLOSE_NORMAL, "removed");
    }
  return DC_COMMAND_OK;
}

static DcCommandResult
do_admit (Command *c)
{
  return dc_conference_admit_site (c->gateway->conference, c->sender, c->target);
}

static DcCommandResult
do_set_layout (Command *c)
{
  DcLayoutKind kind;
  if (!dc_layout_kind_from_string (dc_message_get_string (c->message, "layout"), &kind))
    return DC_COMMAND_INVALID;
  return dc_conference_set_layout (c->gateway->conference, c->sender, kind);
}

static DcCommandResult
do_end_meeting (Command *c)
{
  DcGateway *gateway = c->gateway;
  if (!dc_conference_may_moderate (gateway->conference, c->sender))
    return DC_COMMAND_NOT_PERMITTED;
  GST_INFO ("the meeting is ended by %s", dc_conference_get_site (gateway->conference,
                                                                   c->sender)->id);
  g_autofree char *bye = dc_message_new_bye ("ended");
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    {
      DcPeer *peer = gateway->links[slot].peer;
      dc_gateway_end_site (gateway, slot, "ended");
      if (peer)
        {
          dc_peer_send (peer, bye);
          dc_peer_close (peer, SOUP_WEBSOCKET_CLOSE_NORMAL, "ended");
        }
    }
  DcCommandResult result = dc_conference_end_meeting (gateway->conference, c->sender, c->now);
  dc_gateway_save_attendance (gateway);
  dc_attendance_clear (dc_conference_get_attendance (gateway->conference));
  return result;
}

static DcCommandResult
do_get_attendance (Command *c)
{
  if (!dc_conference_may_moderate (c->gateway->conference, c->sender))
    return DC_COMMAND_NOT_PERMITTED;
  g_autofree char *csv = dc_attendance_to_csv (dc_conference_get_attendance (c->gateway->conference));
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "csv", csv);
  g_autofree char *text = dc_message_serialize (DC_MSG_ATTENDANCE, body);
  dc_peer_send (c->peer, text);
  return DC_COMMAND_OK;
}

typedef struct
{
  DcMsgType type;
  CommandFunc run;
  gboolean changes_state; /* the state is broadcast after it succeeds */
} CommandSpec;

static const CommandSpec commands[] = {
  { DC_MSG_RAISE_HAND, do_raise_hand, TRUE },
  { DC_MSG_LOWER_HAND, do_lower_hand, TRUE },
  { DC_MSG_GIVE_FLOOR, do_give_floor, TRUE },
  { DC_MSG_TAKE_FLOOR, do_take_floor, TRUE },
  { DC_MSG_MUTE, do_mute, TRUE },
  { DC_MSG_MUTE_DISTRICTS, do_mute_districts, TRUE },
  { DC_MSG_ALLOW_VIDEO, do_allow_video, TRUE },
  { DC_MSG_LOCK, do_lock, TRUE },
  { DC_MSG_REMOVE, do_remove, TRUE },
  { DC_MSG_ADMIT, do_admit, TRUE },
  { DC_MSG_SET_LAYOUT, do_set_layout, TRUE },
  { DC_MSG_END_MEETING, do_end_meeting, FALSE },
  { DC_MSG_GET_ATTENDANCE, do_get_attendance, FALSE },
};

static void
send_refusal (Command *c, DcCommandResult result)
{
  const char *type = dc_message_type_to_string (c->message->type);
  const char *site = dc_message_get_string (c->message, "site");
  g_autofree char *why = NULL;
  DcErrorCode code;
  switch (result)
    {
    case DC_COMMAND_NOT_PERMITTED:
      code = DC_ERR_NOT_PERMITTED;
      why = g_strdup_printf ("only the chair may send \"%s\"", type);
      break;
    case DC_COMMAND_UNKNOWN_SITE:
      code = DC_ERR_UNKNOWN_SITE;
      why = g_strdup_printf ("no site \"%s\" in this conference", site ? site : "");
      break;
    case DC_COMMAND_NOT_PRESENT:
      code = DC_ERR_NOT_PRESENT;
      why = g_strdup_printf ("the site \"%s\" is not connected", site ? site : "");
      break;
    default:
      code = DC_ERR_NOTHING_TO_DO;
      why = g_strdup_printf ("\"%s\" changes nothing in the current state", type);
      break;
    }
  dc_peer_send_error (c->peer, code, FALSE, why);
}

gboolean
dc_gateway_handle_chair_message (DcGateway *gateway, DcPeer *peer, guint slot,
                                 const DcMessage *message)
{
  GST_DEBUG_CATEGORY_INIT (dc_chair_debug, "dc-chair", 0, "diemcau chairing");
  const CommandSpec *spec = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (commands) && spec == NULL; i++)
    if (commands[i].type == message->type)
      spec = &commands[i];
  if (spec == NULL)
    return FALSE;

  Command command = {
    .gateway = gateway,
    .peer = peer,
    .sender = slot,
    .message = message,
    .target = -1,
    .now = g_get_monotonic_time (),
  };
  const char *site = dc_message_get_string (message, "site");
  if (site)
    {
      command.target = dc_conference_find_slot (gateway->conference, site);
      if (command.target < 0)
        {
          send_refusal (&command, DC_COMMAND_UNKNOWN_SITE);
          return TRUE;
        }
    }
  DcCommandResult result = spec->run (&command);
  GST_INFO ("%s from %s: %s", dc_message_type_to_string (message->type),
            dc_conference_get_site (gateway->conference, slot)->id,
            result == DC_COMMAND_OK ? "done" : "refused");
  if (result != DC_COMMAND_OK)
    send_refusal (&command, result);
  else if (spec->changes_state)
    dc_gateway_sync (gateway, TRUE);
  return TRUE;
}

void
dc_gateway_tick_floor (DcGateway *gateway)
{
  int floor = dc_conference_get_floor (gateway->conference);
  DcFloorTick tick = dc_conference_tick_floor (gateway->conference, g_get_monotonic_time ());
  if (tick == DC_FLOOR_TICK_NONE)
    return;
  gboolean expired = tick == DC_FLOOR_TICK_EXPIRED;
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "site",
                                 dc_conference_get_site (gateway->conference, floor)->id);
  json_object_set_string_member (body, "event", expired ? "expired" : "warning");
  json_object_set_int_member (body, "remaining_s", expired ? 0 : DC_FLOOR_WARNING_S);
  json_object_set_string_member (body, "action",
                                 expired && dc_conference_is_muted (gateway->conference, floor)
                                     ? "mute"
                                     : "signal");
  g_autofree char *text = dc_message_serialize (DC_MSG_FLOOR_TIMER, body);
  dc_gateway_broadcast (gateway, text, -1);
  dc_gateway_sync (gateway, TRUE);
}
