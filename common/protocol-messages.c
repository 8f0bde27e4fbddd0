/* Gateway messages: one builder each, all through dc_message_serialize. */
#define G_LOG_DOMAIN "dc-protocol"

#include "protocol-messages.h"

#include <math.h>

static JsonArray *
site_array_new (const DcSiteEntry *sites, guint n_sites)
{
  JsonArray *array = json_array_sized_new (n_sites);
  for (guint i = 0; i < n_sites; i++)
    {
      JsonObject *item = json_object_new ();
      json_object_set_string_member (item, "id", sites[i].id);
      json_object_set_string_member (item, "name", sites[i].name);
      json_object_set_string_member (item, "role", sites[i].role);
      json_object_set_boolean_member (item, "present", sites[i].present);
      json_array_add_object_element (array, item);
    }
  return array;
}

char *
dc_message_new_welcome (const DcSiteEntry *self, const DcSiteEntry *sites, guint n_sites)
{
  g_return_val_if_fail (self != NULL && (sites != NULL || n_sites == 0), NULL);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_int_member (body, "protocol", DC_PROTOCOL_VERSION);
  json_object_set_string_member (body, "site", self->id);
  json_object_set_string_member (body, "name", self->name);
  json_object_set_string_member (body, "role", self->role);
  json_object_set_array_member (body, "sites", site_array_new (sites, n_sites));
  return dc_message_serialize (DC_MSG_WELCOME, body);
}

char *
dc_message_new_site_list (const DcSiteEntry *sites, guint n_sites)
{
  g_return_val_if_fail (sites != NULL || n_sites == 0, NULL);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_array_member (body, "sites", site_array_new (sites, n_sites));
  return dc_message_serialize (DC_MSG_SITE_LIST, body);
}

char *
dc_message_new_site_joined (const DcSiteEntry *site)
{
  g_return_val_if_fail (site != NULL, NULL);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "site", site->id);
  json_object_set_string_member (body, "name", site->name);
  json_object_set_string_member (body, "role", site->role);
  return dc_message_serialize (DC_MSG_SITE_JOINED, body);
}

char *
dc_message_new_site_left (const char *site, const char *reason)
{
  g_return_val_if_fail (site != NULL && reason != NULL, NULL);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "site", site);
  json_object_set_string_member (body, "reason", reason);
  return dc_message_serialize (DC_MSG_SITE_LEFT, body);
}

char *
dc_message_new_speaking (const char *site, double level_dbfs)
{
  g_return_val_if_fail (site != NULL, NULL);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "site", site);
  json_object_set_double_member (body, "level", level_dbfs);
  return dc_message_serialize (DC_MSG_SPEAKING, body);
}

char *
dc_message_new_layout (const char *kind, int width, int height, const DcTileEntry *tiles,
                       guint n_tiles)
{
  g_return_val_if_fail (kind != NULL && (tiles != NULL || n_tiles == 0), NULL);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "kind", kind);
  json_object_set_int_member (body, "width", width);
  json_object_set_int_member (body, "height", height);
  JsonArray *array = json_array_sized_new (n_tiles);
  for (guint i = 0; i < n_tiles; i++)
    {
      JsonObject *tile = json_object_new ();
      json_object_set_string_member (tile, "site", tiles[i].site);
      json_object_set_int_member (tile, "x", tiles[i].x);
      json_object_set_int_member (tile, "y", tiles[i].y);
      json_object_set_int_member (tile, "width", tiles[i].width);
      json_object_set_int_member (tile, "height", tiles[i].height);
      json_array_add_object_element (array, tile);
    }
  json_object_set_array_member (body, "tiles", array);
  return dc_message_serialize (DC_MSG_LAYOUT, body);
}

static JsonArray *
queue_array_new (const DcStateView *state)
{
  JsonArray *array = json_array_sized_new (state->n_queue);
  for (guint i = 0; i < state->n_queue; i++)
    {
      JsonObject *item = json_object_new ();
      json_object_set_string_member (item, "site", state->queue[i].site);
      json_object_set_int_member (item, "waiting_s", state->queue[i].waiting_s);
      json_array_add_object_element (array, item);
    }
  return array;
}

static JsonArray *
site_states_array_new (const DcStateView *state)
{
  JsonArray *array = json_array_sized_new (state->n_sites);
  for (guint i = 0; i < state->n_sites; i++)
    {
      const DcSiteStateEntry *site = &state->sites[i];
      JsonObject *item = json_object_new ();
      json_object_set_string_member (item, "id", site->id);
      json_object_set_boolean_member (item, "present", site->present);
      json_object_set_boolean_member (item, "muted", site->muted);
      json_object_set_boolean_member (item, "video", site->video);
      json_object_set_int_member (item, "hand", site->hand);
      json_object_set_boolean_member (item, "dialable", site->dialable);
      json_object_set_string_member (item, "call", site->call ? site->call : "none");
      json_object_set_boolean_member (item, "on_hold", site->on_hold);
      if (site->link)
        {
          json_object_set_int_member (item, "tier", site->tier);
          json_object_set_double_member (item, "loss_pct", round (site->loss_pct * 10) / 10);
          json_object_set_double_member (item, "rtt_ms", round (site->rtt_ms));
          json_object_set_double_member (item, "jitter_ms", round (site->jitter_ms * 10) / 10);
        }
      json_array_add_object_element (array, item);
    }
  return array;
}

char *
dc_message_new_state (const DcStateView *state)
{
  g_return_val_if_fail (state != NULL && state->layout != NULL, NULL);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_boolean_member (body, "locked", state->locked);
  json_object_set_boolean_member (body, "recording", state->recording);
  json_object_set_string_member (body, "layout", state->layout);
  json_object_set_string_member (body, "floor", state->floor ? state->floor : "");
  json_object_set_int_member (body, "floor_limit_s", state->floor_limit_s);
  json_object_set_int_member (body, "floor_remaining_s", state->floor_remaining_s);
  json_object_set_string_member (body, "speaking", state->speaking ? state->speaking : "");
  json_object_set_array_member (body, "queue", queue_array_new (state));
  json_object_set_array_member (body, "sites", site_states_array_new (state));
  return dc_message_serialize (DC_MSG_STATE, body);
}

char *
dc_message_new_floor_timer (const char *site, const char *event, int remaining_s,
                            const char *action)
{
  g_return_val_if_fail (site != NULL && event != NULL && action != NULL, NULL);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "site", site);
  json_object_set_string_member (body, "event", event);
  json_object_set_int_member (body, "remaining_s", remaining_s);
  json_object_set_string_member (body, "action", action);
  return dc_message_serialize (DC_MSG_FLOOR_TIMER, body);
}

char *
dc_message_new_send_limits (int max_width, int max_height, int max_kbps)
{
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_int_member (body, "max_width", max_width);
  json_object_set_int_member (body, "max_height", max_height);
  json_object_set_int_member (body, "max_kbps", max_kbps);
  return dc_message_serialize (DC_MSG_SEND_LIMITS, body);
}

char *
dc_message_new_attendance (const char *csv)
{
  g_return_val_if_fail (csv != NULL, NULL);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "csv", csv);
  return dc_message_serialize (DC_MSG_ATTENDANCE, body);
}
