/* Signaling protocol v1: serialising messages, and builders for the common ones. */
#define G_LOG_DOMAIN "dc-protocol"

#include "protocol.h"

#include <math.h>
#include <string.h>

/* A double node json-glib 1.6 writes as valid JSON. Its generator appends ".0" to any number
 * printed without a '.', so 1e22 would come out as "1e+22.0". Such values are integral: they become
 * ints where they fit, else move one step toward zero. JSON has no infinities: those become null.
 */
static JsonNode *
output_double (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    return json_node_init_null (json_node_alloc ());
  for (int step = 0; step < 4; step++)
    {
      if (strchr (g_ascii_dtostr (buf, sizeof buf, v), '.') != NULL || strchr (buf, 'e') == NULL)
        break;
      if (v > -9e18 && v < 9e18 && (double)(gint64)v == v)
        return json_node_init_int (json_node_alloc (), (gint64)v);
      union
      {
        double d;
        guint64 u;
      } bits = { .d = v };
      bits.u--; /* the next double toward zero, for any finite non-zero value */
      v = bits.d;
    }
  return json_node_init_double (json_node_alloc (), v);
}

/* A deep copy of node for output, with doubles made safe for the generator. */
static JsonNode *
output_copy (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *copy = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          json_object_set_member (copy, name, output_copy (member));
        return json_node_init_object (json_node_alloc (), copy);
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *copy = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy, output_copy (json_array_get_element (array, i)));
        return json_node_init_array (json_node_alloc (), copy);
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        return output_double (json_node_get_double (node));
      return json_node_copy (node);
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

char *
dc_message_serialize (DcMsgType type, JsonObject *body)
{
  g_return_val_if_fail (type > DC_MSG_INVALID && type < DC_MSG_N_TYPES, NULL);

  g_autoptr (JsonObject) obj = json_object_new ();
  json_object_set_string_member (obj, "type", dc_message_type_to_string (type));
  if (body != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init (&iter, body);
      while (json_object_iter_next (&iter, &name, &node))
        if (strcmp (name, "type") != 0)
          json_object_set_member (obj, name, output_copy (node));
    }

  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), obj);
  return json_to_string (root, FALSE);
}

char *
dc_message_new_simple (DcMsgType type)
{
  return dc_message_serialize (type, NULL);
}

char *
dc_message_new_join (const char *site, const char *token, const char *const *video_codecs)
{
  g_return_val_if_fail (site != NULL && token != NULL, NULL);

  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_int_member (body, "protocol", DC_PROTOCOL_VERSION);
  json_object_set_string_member (body, "site", site);
  json_object_set_string_member (body, "token", token);
  if (video_codecs != NULL)
    {
      JsonArray *codecs = json_array_new ();
      for (guint i = 0; video_codecs[i] != NULL; i++)
        json_array_add_string_element (codecs, video_codecs[i]);
      json_object_set_array_member (body, "video-codecs", codecs);
    }
  return dc_message_serialize (DC_MSG_JOIN, body);
}

char *
dc_message_new_sdp (DcMsgType type, const char *sdp)
{
  g_return_val_if_fail (type == DC_MSG_OFFER || type == DC_MSG_ANSWER, NULL);
  g_return_val_if_fail (sdp != NULL, NULL);

  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "sdp", sdp);
  return dc_message_serialize (type, body);
}

char *
dc_message_new_ice (const char *candidate, guint mline_index)
{
  g_return_val_if_fail (candidate != NULL, NULL);

  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "candidate", candidate);
  json_object_set_int_member (body, "sdpMLineIndex", mline_index);
  return dc_message_serialize (DC_MSG_ICE, body);
}

char *
dc_message_new_error (DcErrorCode code, gboolean fatal, const char *message)
{
  g_return_val_if_fail ((guint)code < DC_ERR_N_CODES, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "code", dc_error_code_to_string (code));
  json_object_set_string_member (body, "message", message);
  json_object_set_boolean_member (body, "fatal", fatal);
  return dc_message_serialize (DC_MSG_ERROR, body);
}

char *
dc_message_new_bye (const char *reason)
{
  g_return_val_if_fail (reason != NULL, NULL);

  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (body, "reason", reason);
  return dc_message_serialize (DC_MSG_BYE, body);
}
