/* The gateway's outward side: messages to sites, and keeping the media in line with the
 * conference state after every change (gains, tiles, layout). */
#include <json-glib/json-glib.h>
#include <string.h>

#include "gateway-private.h"

void
dc_gateway_broadcast (DcGateway *gateway, const char *text, int except_slot)
{
  for (guint i = 0; i < gateway->n_sites; i++)
    if (gateway->links[i].peer && (int) i != except_slot)
      dc_peer_send (gateway->links[i].peer, text);
}

char *
dc_gateway_site_event_new (DcGateway *gateway, DcMsgType type, guint slot, const char *reason)
{
  const DcSiteConfig *site = dc_conference_get_site (gateway->conference, slot);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "site", site->id);
  if (type == DC_MSG_SITE_JOINED)
    {
      json_object_set_string_member (body, "name", site->name);
      json_object_set_string_member (body, "role", dc_role_to_string (site->role));
    }
  else
    json_object_set_string_member (body, "reason", reason);
  return dc_message_serialize (type, body);
}

JsonArray *
dc_gateway_site_list_array (DcGateway *gateway)
{
  g_autofree char *text = dc_conference_site_list_json (gateway->conference);
  g_autoptr (JsonNode) node = json_from_string (text, NULL);
  return json_array_ref (json_node_get_array (node));
}

char *
dc_gateway_layout_message_new (DcGateway *gateway)
{
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "kind", dc_layout_kind_to_string (gateway->layout));
  json_object_set_int_member (body, "width", gateway->config->width);
  json_object_set_int_member (body, "height", gateway->config->height);
  JsonArray *tiles = json_array_new ();
  for (guint i = 0; i < gateway->n_sites; i++)
    {
      guint slot = gateway->tile_order[i];
      JsonObject *tile = json_object_new ();
      json_object_set_string_member (tile, "site",
                                     dc_conference_get_site (gateway->conference, slot)->id);
      json_object_set_int_member (tile, "x", gateway->rects[slot].x);
      json_object_set_int_member (tile, "y", gateway->rects[slot].y);
      json_object_set_int_member (tile, "width", gateway->rects[slot].width);
      json_object_set_int_member (tile, "height", gateway->rects[slot].height);
      json_array_add_object_element (tiles, tile);
    }
  json_object_set_array_member (body, "tiles", tiles);
  return dc_message_serialize (DC_MSG_LAYOUT, body);
}

static const char *
slot_id (DcGateway *gateway, int slot)
{
  return slot >= 0 ? dc_conference_get_site (gateway->conference, slot)->id : "";
}

char *
dc_gateway_state_message_new (DcGateway *gateway)
{
  DcConference *conference = gateway->conference;
  gint64 now = g_get_monotonic_time ();
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_boolean_member (body, "locked", dc_conference_is_locked (conference));
  json_object_set_string_member (body, "layout",
                                 dc_layout_kind_to_string (dc_conference_get_layout (conference)));
  json_object_set_string_member (body, "floor", slot_id (gateway, dc_conference_get_floor (conference)));
  json_object_set_int_member (body, "floor_limit_s", dc_conference_get_floor_limit (conference));
  json_object_set_int_member (body, "floor_remaining_s",
                              dc_conference_get_floor_remaining (conference, now));
  json_object_set_string_member (body, "speaking",
                                 slot_id (gateway, dc_conference_get_speaking (conference)));

  guint queue[DC_LAYOUT_MAX_SLOTS];
  gint64 raised[DC_LAYOUT_MAX_SLOTS];
  guint n_queue = dc_conference_get_queue (conference, queue, raised);
  JsonArray *queue_array = json_array_new ();
  for (guint i = 0; i < n_queue; i++)
    {
      JsonObject *item = json_object_new ();
      json_object_set_string_member (item, "site", slot_id (gateway, queue[i]));
      json_object_set_int_member (item, "waiting_s", (now - raised[i]) / G_USEC_PER_SEC);
      json_array_add_object_element (queue_array, item);
    }
  json_object_set_array_member (body, "queue", queue_array);

  JsonArray *sites = json_array_new ();
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    {
      JsonObject *item = json_object_new ();
      json_object_set_string_member (item, "id", slot_id (gateway, slot));
      json_object_set_boolean_member (item, "present", dc_conference_get_presence (conference, slot)
                                                           == DC_PRESENCE_PRESENT);
      json_object_set_boolean_member (item, "muted", dc_conference_is_muted (conference, slot));
      json_object_set_boolean_member (item, "video",
                                      dc_conference_is_video_allowed (conference, slot));
      json_object_set_int_member (item, "hand", dc_conference_get_hand_position (conference, slot));
      json_array_add_object_element (sites, item);
    }
  json_object_set_array_member (body, "sites", sites);
  return dc_message_serialize (DC_MSG_STATE, body);
}

/* Recomputes tile rectangles when the layout or the order changed; TRUE if it did. */
static gboolean
sync_layout (DcGateway *gateway)
{
  DcLayoutKind kind = dc_conference_get_layout (gateway->conference);
  guint order[DC_LAYOUT_MAX_SLOTS];
  dc_conference_get_tile_order (gateway->conference, order);
  gboolean placed = gateway->rects[order[0]].width > 0;
  if (placed && kind == gateway->layout
      && memcmp (order, gateway->tile_order, gateway->n_sites * sizeof (guint)) == 0)
    return FALSE;

  DcRect ordered[DC_LAYOUT_MAX_SLOTS];
  if (!dc_layout_compute (kind, gateway->config->width, gateway->config->height, gateway->n_sites,
                          ordered))
    return FALSE;
  gateway->layout = kind;
  memcpy (gateway->tile_order, order, gateway->n_sites * sizeof (guint));
  for (guint i = 0; i < gateway->n_sites; i++)
    gateway->rects[order[i]] = ordered[i];
  /* Each site's decoder scales to its new tile once, in its own pipeline; no keyframe needed. */
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    {
      DcSiteSession *session = dc_gateway_session_for_slot (gateway, slot);
      if (session)
        {
          dc_site_session_set_tile_size (session, gateway->rects[slot].width,
                                         gateway->rects[slot].height);
          dc_site_session_unref (session);
        }
    }
  return TRUE;
}

void
dc_gateway_sync (DcGateway *gateway, gboolean broadcast_state)
{
  DcConference *conference = gateway->conference;
  gboolean layout_changed = sync_layout (gateway);
  int speaking = dc_conference_get_speaking (conference);
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    {
      const DcSiteConfig *site = dc_conference_get_site (conference, slot);
      dc_audio_mixer_set_gain (gateway->audio, slot,
                               dc_conference_is_muted (conference, slot) ? 0.0f : 1.0f);
      dc_video_mixer_set_slot (gateway->video, slot, &gateway->rects[slot], site->name,
                               dc_conference_get_presence (conference, slot),
                               dc_conference_is_video_allowed (conference, slot),
                               speaking == (int) slot || dc_conference_get_floor (conference)
                                                             == (int) slot);
    }
  if (layout_changed)
    {
      g_autofree char *layout = dc_gateway_layout_message_new (gateway);
      dc_gateway_broadcast (gateway, layout, -1);
    }
  if (broadcast_state)
    {
      g_autofree char *state = dc_gateway_state_message_new (gateway);
      dc_gateway_broadcast (gateway, state, -1);
    }
}
