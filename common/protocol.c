/* Signaling protocol v1: parsing and validation against one table of message types, and builders.
 *
 * Adding a message type means one DcMsgType value in protocol.h and one row in msg_specs below;
 * the parser needs no other change. */
#define G_LOG_DOMAIN "dc-protocol"

#include "protocol.h"
#include "protocol-json.h"

#include <math.h>
#include <string.h>

/* Ids, tokens, names, reasons: nothing legitimate comes near this. SDP is bounded only by the
 * message size. */
#define SHORT_STRING_MAX 256
#define LONG_STRING_MAX 4096

typedef enum
{
  FIELD_STRING,
  FIELD_INT,
  FIELD_BOOL,
  FIELD_NUMBER,
  FIELD_ARRAY,
  FIELD_OBJECT,
} FieldType;

typedef struct _FieldSpec FieldSpec;
struct _FieldSpec
{
  const char *name;
  FieldType type;
  gboolean required;
  gsize max_length;       /* strings: longest value in bytes, 0 for no limit */
  gint64 min, max;        /* ints: allowed range, inclusive */
  const FieldSpec *items; /* arrays: fields of each object item, NULL when items are free */
};

/* The table reads best one field per line. */
/* clang-format off */
#define REQ TRUE
#define OPT FALSE
#define F_STR(n, req, maxlen) { (n), FIELD_STRING, (req), (maxlen), 0, 0, NULL }
#define F_INT(n, req, lo, hi) { (n), FIELD_INT, (req), 0, (lo), (hi), NULL }
#define F_BOOL(n, req) { (n), FIELD_BOOL, (req), 0, 0, 0, NULL }
#define F_NUM(n, req) { (n), FIELD_NUMBER, (req), 0, 0, 0, NULL }
#define F_ARR(n, req, it) { (n), FIELD_ARRAY, (req), 0, 0, 0, (it) }
#define F_END { NULL, 0, 0, 0, 0, 0, NULL }

#define FROM_SITE (1u << DC_SENDER_SITE)
#define FROM_GATEWAY (1u << DC_SENDER_GATEWAY)
#define MAX_FIELDS 8

typedef gboolean (*MsgCheck) (JsonObject *body, GError **error);

typedef struct
{
  const char *name;
  guint senders; /* FROM_SITE | FROM_GATEWAY */
  FieldSpec fields[MAX_FIELDS + 1];
  MsgCheck check; /* checks the table cannot express, run after the field checks */
} MsgSpec;

static gboolean check_join (JsonObject *body, GError **error);
static gboolean check_expiry (JsonObject *body, GError **error);

static const FieldSpec site_item_fields[] = {
  F_STR ("id", REQ, SHORT_STRING_MAX),
  F_STR ("name", REQ, SHORT_STRING_MAX),
  F_STR ("role", REQ, SHORT_STRING_MAX),
  F_BOOL ("present", REQ),
  F_END,
};

static const FieldSpec tile_item_fields[] = {
  F_STR ("site", REQ, SHORT_STRING_MAX),
  F_INT ("x", REQ, 0, G_MAXINT32),
  F_INT ("y", REQ, 0, G_MAXINT32),
  F_INT ("width", REQ, 0, G_MAXINT32),
  F_INT ("height", REQ, 0, G_MAXINT32),
  F_END,
};

static const FieldSpec queue_item_fields[] = {
  F_STR ("site", REQ, SHORT_STRING_MAX),
  F_INT ("waiting_s", REQ, 0, G_MAXINT32),
  F_END,
};

static const FieldSpec site_state_fields[] = {
  F_STR ("id", REQ, SHORT_STRING_MAX),
  F_BOOL ("present", REQ),
  F_BOOL ("muted", REQ),
  F_BOOL ("video", REQ),
  F_INT ("hand", REQ, 0, 64),
  F_STR ("call", OPT, SHORT_STRING_MAX),
  F_BOOL ("dialable", OPT),
  F_BOOL ("on_hold", OPT),
  F_INT ("tier", OPT, 0, 16),
  F_NUM ("loss_pct", OPT),
  F_NUM ("rtt_ms", OPT),
  F_NUM ("jitter_ms", OPT),
  F_END,
};

static const MsgSpec msg_specs[] = {
  [DC_MSG_INVALID] = { NULL, 0, { F_END }, NULL },
  [DC_MSG_SITES] = { "sites", FROM_SITE, { F_END }, NULL },
  [DC_MSG_JOIN] = { "join", FROM_SITE,
                    { F_INT ("protocol", REQ, G_MININT64, G_MAXINT64),
                      F_STR ("site", REQ, SHORT_STRING_MAX),
                      F_STR ("token", REQ, SHORT_STRING_MAX),
                      F_ARR ("video-codecs", OPT, NULL), F_END },
                    check_join },
  [DC_MSG_ANSWER] = { "answer", FROM_SITE, { F_STR ("sdp", REQ, 0), F_END }, NULL },
  [DC_MSG_ICE] = { "ice", FROM_SITE | FROM_GATEWAY,
                   { F_STR ("candidate", REQ, LONG_STRING_MAX),
                     F_INT ("sdpMLineIndex", REQ, 0, 63), F_END },
                   NULL },
  [DC_MSG_LEAVE] = { "leave", FROM_SITE, { F_END }, NULL },
  [DC_MSG_RAISE_HAND] = { "raise-hand", FROM_SITE, { F_END }, NULL },
  [DC_MSG_LOWER_HAND] = { "lower-hand", FROM_SITE,
    { F_STR ("site", OPT, SHORT_STRING_MAX), F_END }, NULL },
  [DC_MSG_GIVE_FLOOR] = { "give-floor", FROM_SITE,
    { F_STR ("site", REQ, SHORT_STRING_MAX),
      F_INT ("limit_s", OPT, 0, 3600),
      F_STR ("on_expiry", OPT, SHORT_STRING_MAX),
      F_END }, check_expiry },
  [DC_MSG_TAKE_FLOOR] = { "take-floor", FROM_SITE,
    { F_BOOL ("next", OPT), F_INT ("limit_s", OPT, 0, 3600), F_END }, NULL },
  [DC_MSG_MUTE] = { "mute", FROM_SITE,
    { F_STR ("site", REQ, SHORT_STRING_MAX), F_BOOL ("muted", REQ), F_END }, NULL },
  [DC_MSG_MUTE_DISTRICTS] = { "mute-districts", FROM_SITE, { F_END }, NULL },
  [DC_MSG_ALLOW_VIDEO] = { "allow-video", FROM_SITE,
    { F_STR ("site", REQ, SHORT_STRING_MAX), F_BOOL ("allowed", REQ), F_END }, NULL },
  [DC_MSG_LOCK] = { "lock", FROM_SITE, { F_BOOL ("locked", REQ), F_END }, NULL },
  [DC_MSG_RECORD] = { "record", FROM_SITE, { F_BOOL ("recording", REQ), F_END }, NULL },
  [DC_MSG_REMOVE] = { "remove", FROM_SITE,
    { F_STR ("site", REQ, SHORT_STRING_MAX), F_END }, NULL },
  [DC_MSG_ADMIT] = { "admit", FROM_SITE,
    { F_STR ("site", REQ, SHORT_STRING_MAX), F_END }, NULL },
  [DC_MSG_SET_LAYOUT] = { "set-layout", FROM_SITE,
    { F_STR ("layout", REQ, SHORT_STRING_MAX), F_END }, NULL },
  [DC_MSG_END_MEETING] = { "end-meeting", FROM_SITE, { F_END }, NULL },
  [DC_MSG_GET_ATTENDANCE] = { "get-attendance", FROM_SITE, { F_END }, NULL },
  [DC_MSG_CALL_SITE] = { "call-site", FROM_SITE,
    { F_STR ("site", REQ, SHORT_STRING_MAX), F_END }, NULL },
  [DC_MSG_CALL_ALL] = { "call-all", FROM_SITE, { F_END }, NULL },
  [DC_MSG_WELCOME] = { "welcome", FROM_GATEWAY,
                       { F_INT ("protocol", REQ, G_MININT64, G_MAXINT64),
                         F_STR ("site", REQ, SHORT_STRING_MAX),
                         F_STR ("name", REQ, SHORT_STRING_MAX),
                         F_STR ("role", REQ, SHORT_STRING_MAX),
                         F_ARR ("sites", REQ, site_item_fields), F_END },
                       NULL },
  [DC_MSG_OFFER] = { "offer", FROM_GATEWAY, { F_STR ("sdp", REQ, 0), F_END }, NULL },
  [DC_MSG_SITE_LIST] = { "site-list", FROM_GATEWAY,
                         { F_ARR ("sites", REQ, site_item_fields), F_END }, NULL },
  [DC_MSG_SITE_JOINED] = { "site-joined", FROM_GATEWAY,
                           { F_STR ("site", REQ, SHORT_STRING_MAX),
                             F_STR ("name", REQ, SHORT_STRING_MAX),
                             F_STR ("role", REQ, SHORT_STRING_MAX), F_END },
                           NULL },
  [DC_MSG_SITE_LEFT] = { "site-left", FROM_GATEWAY,
                         { F_STR ("site", REQ, SHORT_STRING_MAX),
                           F_STR ("reason", REQ, SHORT_STRING_MAX), F_END },
                         NULL },
  [DC_MSG_SPEAKING] = { "speaking", FROM_GATEWAY,
                        { F_STR ("site", REQ, SHORT_STRING_MAX), F_NUM ("level", REQ), F_END },
                        NULL },
  [DC_MSG_LAYOUT] = { "layout", FROM_GATEWAY,
                      { F_STR ("kind", REQ, SHORT_STRING_MAX),
                        F_INT ("width", REQ, 1, G_MAXINT32),
                        F_INT ("height", REQ, 1, G_MAXINT32),
                        F_ARR ("tiles", REQ, tile_item_fields), F_END },
                      NULL },
  [DC_MSG_ERROR] = { "error", FROM_GATEWAY,
                     { F_STR ("code", REQ, SHORT_STRING_MAX),
                       F_STR ("message", REQ, LONG_STRING_MAX), F_BOOL ("fatal", REQ), F_END },
                     NULL },
  [DC_MSG_BYE] = { "bye", FROM_GATEWAY, { F_STR ("reason", REQ, SHORT_STRING_MAX), F_END },
                   NULL },
  [DC_MSG_STATE] = { "state", FROM_GATEWAY,
    { F_BOOL ("locked", REQ),
      F_STR ("layout", REQ, SHORT_STRING_MAX),
      F_STR ("floor", REQ, SHORT_STRING_MAX),
      F_INT ("floor_remaining_s", REQ, -1, 3600),
      F_ARR ("queue", REQ, queue_item_fields),
      F_ARR ("sites", REQ, site_state_fields),
      F_BOOL ("recording", OPT),
      F_END }, NULL },
  [DC_MSG_FLOOR_TIMER] = { "floor-timer", FROM_GATEWAY,
    { F_STR ("site", REQ, SHORT_STRING_MAX),
      F_STR ("event", REQ, SHORT_STRING_MAX),
      F_INT ("remaining_s", REQ, 0, 3600),
      F_STR ("action", REQ, SHORT_STRING_MAX),
      F_END }, NULL },
  [DC_MSG_ATTENDANCE] = { "attendance", FROM_GATEWAY,
    { F_STR ("csv", REQ, 0), F_END }, NULL },
  [DC_MSG_SEND_LIMITS] = { "send-limits", FROM_GATEWAY,
    { F_INT ("max_width", REQ, 16, 3840),
      F_INT ("max_height", REQ, 16, 2160),
      F_INT ("max_kbps", REQ, 50, 20000),
      F_END }, NULL },
};
G_STATIC_ASSERT (G_N_ELEMENTS (msg_specs) == DC_MSG_N_TYPES);
/* clang-format on */

static const char *const error_names[] = {
  [DC_ERR_BAD_JSON] = "bad-json",
  [DC_ERR_TOO_LARGE] = "too-large",
  [DC_ERR_UNKNOWN_TYPE] = "unknown-type",
  [DC_ERR_MISSING_FIELD] = "missing-field",
  [DC_ERR_BAD_FIELD] = "bad-field",
  [DC_ERR_UNSUPPORTED_PROTOCOL] = "unsupported-protocol",
  [DC_ERR_NOT_JOINED] = "not-joined",
  [DC_ERR_ALREADY_JOINED] = "already-joined",
  [DC_ERR_UNKNOWN_SITE] = "unknown-site",
  [DC_ERR_BAD_TOKEN] = "bad-token",
  [DC_ERR_CONFERENCE_LOCKED] = "conference-locked",
  [DC_ERR_NOT_PERMITTED] = "not-permitted",
  [DC_ERR_BAD_SDP] = "bad-sdp",
  [DC_ERR_INTERNAL] = "internal",
  [DC_ERR_NOT_PRESENT] = "not-present",
  [DC_ERR_NOT_DIALABLE] = "not-dialable",
  [DC_ERR_NOTHING_TO_DO] = "nothing-to-do",
};
G_STATIC_ASSERT (G_N_ELEMENTS (error_names) == DC_ERR_N_CODES);

GQuark
dc_protocol_error_quark (void)
{
  return g_quark_from_static_string ("dc-protocol-error-quark");
}

const char *
dc_error_code_to_string (DcErrorCode code)
{
  g_return_val_if_fail ((guint)code < DC_ERR_N_CODES, "internal");
  return error_names[code];
}

gboolean
dc_error_code_from_string (const char *name, DcErrorCode *code)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < DC_ERR_N_CODES; i++)
    if (strcmp (name, error_names[i]) == 0)
      {
        if (code)
          *code = (DcErrorCode)i;
        return TRUE;
      }
  return FALSE;
}

const char *
dc_message_type_to_string (DcMsgType type)
{
  g_return_val_if_fail ((guint)type < DC_MSG_N_TYPES, NULL);
  return msg_specs[type].name;
}

DcMsgType
dc_message_type_from_string (const char *name)
{
  g_return_val_if_fail (name != NULL, DC_MSG_INVALID);

  for (guint i = DC_MSG_INVALID + 1; i < DC_MSG_N_TYPES; i++)
    if (strcmp (name, msg_specs[i].name) == 0)
      return (DcMsgType)i;
  return DC_MSG_INVALID;
}

static const char *
field_type_name (FieldType type)
{
  switch (type)
    {
    case FIELD_STRING:
      return "a string";
    case FIELD_INT:
      return "an integer";
    case FIELD_BOOL:
      return "true or false";
    case FIELD_NUMBER:
      return "a number";
    case FIELD_ARRAY:
      return "an array";
    case FIELD_OBJECT:
      return "an object";
    }
  return "?";
}

static gboolean
node_has_type (JsonNode *node, FieldType type)
{
  JsonNodeType ntype = json_node_get_node_type (node);

  switch (type)
    {
    case FIELD_ARRAY:
      return ntype == JSON_NODE_ARRAY;
    case FIELD_OBJECT:
      return ntype == JSON_NODE_OBJECT;
    default:
      break;
    }
  if (ntype != JSON_NODE_VALUE)
    return FALSE;

  GType vtype = json_node_get_value_type (node);
  switch (type)
    {
    case FIELD_STRING:
      return vtype == G_TYPE_STRING;
    case FIELD_INT:
      return vtype == G_TYPE_INT64;
    case FIELD_BOOL:
      return vtype == G_TYPE_BOOLEAN;
    case FIELD_NUMBER:
      return vtype == G_TYPE_INT64 || vtype == G_TYPE_DOUBLE;
    default:
      return FALSE;
    }
}

/* Checks the value of one present field beyond its JSON type: length and range. */
static gboolean
check_field_value (const FieldSpec *f, JsonNode *node, const char *where, GError **error)
{
  if (f->type == FIELD_STRING && f->max_length > 0)
    {
      gsize len = strlen (json_node_get_string (node));
      if (len > f->max_length)
        {
          g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_FIELD,
                       "The field \"%s\" %s is %" G_GSIZE_FORMAT
                       " bytes long; at most %" G_GSIZE_FORMAT " are allowed.",
                       f->name, where, len, f->max_length);
          return FALSE;
        }
    }
  else if (f->type == FIELD_INT)
    {
      gint64 v = json_node_get_int (node);
      if (v < f->min || v > f->max)
        {
          g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_FIELD,
                       "The field \"%s\" %s is %" G_GINT64_FORMAT
                       "; it must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT ".",
                       f->name, where, v, f->min, f->max);
          return FALSE;
        }
    }
  else if (f->type == FIELD_NUMBER && !isfinite (json_node_get_double (node)))
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_FIELD,
                   "The field \"%s\" %s must be a finite number.", f->name, where);
      return FALSE;
    }
  return TRUE;
}

static gboolean check_fields (const FieldSpec *fields, JsonObject *obj, const char *where,
                              GError **error);

/* Each item of an array with an item spec must be an object holding those fields. */
static gboolean
check_items (const FieldSpec *f, JsonArray *array, const char *where, GError **error)
{
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *item_where = g_strdup_printf ("in item %u of \"%s\" %s", i, f->name, where);

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_FIELD,
                       "Item %u of the field \"%s\" %s must be an object.", i, f->name, where);
          return FALSE;
        }
      if (!check_fields (f->items, json_node_get_object (item), item_where, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_fields (const FieldSpec *fields, JsonObject *obj, const char *where, GError **error)
{
  for (const FieldSpec *f = fields; f->name != NULL; f++)
    {
      JsonNode *node = json_object_get_member (obj, f->name);

      if (node == NULL)
        {
          if (!f->required)
            continue;
          g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_MISSING_FIELD,
                       "The field \"%s\" is missing %s.", f->name, where);
          return FALSE;
        }
      if (!node_has_type (node, f->type))
        {
          g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_FIELD,
                       "The field \"%s\" %s must be %s.", f->name, where,
                       field_type_name (f->type));
          return FALSE;
        }
      if (!check_field_value (f, node, where, error))
        return FALSE;
      if (f->type == FIELD_ARRAY && f->items != NULL
          && !check_items (f, json_node_get_array (node), where, error))
        return FALSE;
    }
  return TRUE;
}

/* join's "video-codecs": the codec names a site can send and receive, in its order. Names this
 * gateway does not know are allowed (a newer client may list more); the gateway chooses. */
static gboolean
check_video_codecs (JsonObject *body, GError **error)
{
  JsonNode *node = json_object_get_member (body, "video-codecs");
  if (node == NULL)
    return TRUE;
  JsonArray *codecs = json_node_get_array (node);
  guint n = json_array_get_length (codecs);
  gboolean valid = n >= 1 && n <= DC_VIDEO_CODECS_LISTED_MAX;
  for (guint i = 0; valid && i < n; i++)
    {
      JsonNode *item = json_array_get_element (codecs, i);
      valid = json_node_get_value_type (item) == G_TYPE_STRING
              && strlen (json_node_get_string (item)) >= 1
              && strlen (json_node_get_string (item)) <= DC_VIDEO_CODEC_NAME_MAX;
    }
  if (!valid)
    g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_FIELD,
                 "The field \"video-codecs\" must list 1 to %d codec names of 1 to %d bytes.",
                 DC_VIDEO_CODECS_LISTED_MAX, DC_VIDEO_CODEC_NAME_MAX);
  return valid;
}

static gboolean
check_join (JsonObject *body, GError **error)
{
  gint64 version = json_object_get_int_member (body, "protocol");

  if (version != DC_PROTOCOL_VERSION)
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_UNSUPPORTED_PROTOCOL,
                   "The field \"protocol\" of the join message is %" G_GINT64_FORMAT
                   "; this gateway speaks protocol %d.",
                   version, DC_PROTOCOL_VERSION);
      return FALSE;
    }
  return check_video_codecs (body, error);
}

static gboolean
check_expiry (JsonObject *body, GError **error)
{
  const char *expiry = json_object_get_string_member_with_default (body, "on_expiry", "mute");
  if (g_strcmp0 (expiry, "mute") != 0 && g_strcmp0 (expiry, "signal") != 0)
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_FIELD,
                   "The field \"on_expiry\" must be \"mute\" or \"signal\".");
      return FALSE;
    }
  return TRUE;
}


/* The "type" member, checked against the table and the sender. */
static DcMsgType
parse_type (JsonObject *body, DcSender sender, GError **error)
{
  JsonNode *node = json_object_get_member (body, "type");

  if (node == NULL)
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_MISSING_FIELD,
                   "The field \"type\" is missing from the message.");
      return DC_MSG_INVALID;
    }
  if (!node_has_type (node, FIELD_STRING))
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_FIELD,
                   "The field \"type\" of the message must be a string.");
      return DC_MSG_INVALID;
    }

  const char *name = json_node_get_string (node);
  DcMsgType type = dc_message_type_from_string (name);
  if (type == DC_MSG_INVALID)
    {
      g_autofree char *shown = g_utf8_make_valid (name, MIN (strlen (name), 64));
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_UNKNOWN_TYPE,
                   "The message type \"%s\" is unknown.", shown);
      return DC_MSG_INVALID;
    }
  if ((msg_specs[type].senders & (1u << sender)) == 0)
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_UNKNOWN_TYPE,
                   "The message type \"%s\" is only sent by the %s.", name,
                   sender == DC_SENDER_SITE ? "gateway" : "site");
      return DC_MSG_INVALID;
    }
  return type;
}

DcMessage *
dc_message_parse (const char *data, gsize length, DcSender sender, GError **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (sender == DC_SENDER_SITE || sender == DC_SENDER_GATEWAY, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  JsonObject *body = dc_protocol_read_object (data, length, error);
  if (body == NULL)
    return NULL;

  DcMsgType type = parse_type (body, sender, error);
  if (type == DC_MSG_INVALID)
    {
      json_object_unref (body);
      return NULL;
    }

  const MsgSpec *spec = &msg_specs[type];
  g_autofree char *where = g_strdup_printf ("in the %s message", spec->name);
  if (!check_fields (spec->fields, body, where, error)
      || (spec->check != NULL && !spec->check (body, error)))
    {
      json_object_unref (body);
      return NULL;
    }

  DcMessage *message = g_new0 (DcMessage, 1);
  message->type = type;
  message->body = body;
  return message;
}

void
dc_message_free (DcMessage *message)
{
  if (message == NULL)
    return;
  g_clear_pointer (&message->body, json_object_unref);
  g_free (message);
}

/* The member when it holds a JSON value of the given GType, else NULL. */
static JsonNode *
get_value (const DcMessage *message, const char *field)
{
  g_return_val_if_fail (message != NULL && message->body != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  JsonNode *node = json_object_get_member (message->body, field);
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? node : NULL;
}

const char *
dc_message_get_string (const DcMessage *message, const char *field)
{
  JsonNode *node = get_value (message, field);
  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING
             ? json_node_get_string (node)
             : NULL;
}

gint64
dc_message_get_int (const DcMessage *message, const char *field, gint64 fallback)
{
  JsonNode *node = get_value (message, field);
  return node != NULL && json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node)
                                                                         : fallback;
}

double
dc_message_get_double (const DcMessage *message, const char *field, double fallback)
{
  JsonNode *node = get_value (message, field);
  if (node == NULL)
    return fallback;
  GType vtype = json_node_get_value_type (node);
  return vtype == G_TYPE_DOUBLE || vtype == G_TYPE_INT64 ? json_node_get_double (node) : fallback;
}

gboolean
dc_message_get_bool (const DcMessage *message, const char *field, gboolean fallback)
{
  JsonNode *node = get_value (message, field);
  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN
             ? json_node_get_boolean (node)
             : fallback;
}

JsonArray *
dc_message_get_array (const DcMessage *message, const char *field)
{
  g_return_val_if_fail (message != NULL && message->body != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  JsonNode *node = json_object_get_member (message->body, field);
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

GStrv
dc_message_dup_strings (const DcMessage *message, const char *field)
{
  JsonArray *array = dc_message_get_array (message, field);
  if (array == NULL)
    return NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (json_node_get_value_type (item) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (item));
    }
  return g_strv_builder_end (builder);
}
