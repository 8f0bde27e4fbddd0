/* Signaling protocol v1 (docs/protocol.md): JSON text messages over one WebSocket.
 * Parsing validates every message against a table of types and fields, so callers only see
 * messages whose required fields are present and of the right JSON type. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DC_PROTOCOL_VERSION 1
/* Larger text messages are refused with DC_ERR_TOO_LARGE (an SDP offer for 2 m-lines is ~4 KiB). */
#define DC_PROTOCOL_MAX_MESSAGE (64 * 1024)
/* join's "video-codecs": how many names and how long each may be. */
#define DC_VIDEO_CODECS_LISTED_MAX 8
#define DC_VIDEO_CODEC_NAME_MAX 16

typedef enum
{
  DC_MSG_INVALID = 0,
  /* site -> gateway */
  DC_MSG_SITES,   /* ask for the site list; allowed before join */
  DC_MSG_JOIN,    /* protocol:int site:string token:string */
  DC_MSG_ANSWER,  /* sdp:string */
  DC_MSG_ICE,     /* candidate:string sdpMLineIndex:int (both directions) */
  DC_MSG_LEAVE,
  /* site -> gateway: chairing (moderation commands need the chair or operator role) */
  DC_MSG_RAISE_HAND,     /* (none) */
  DC_MSG_LOWER_HAND,     /* site:string optional: the chair lowers another site's hand */
  DC_MSG_GIVE_FLOOR,     /* site:string limit_s:int optional on_expiry:string optional */
  DC_MSG_TAKE_FLOOR,     /* next:bool optional limit_s:int optional */
  DC_MSG_MUTE,           /* site:string muted:bool */
  DC_MSG_MUTE_DISTRICTS, /* (none) */
  DC_MSG_ALLOW_VIDEO,    /* site:string allowed:bool */
  DC_MSG_LOCK,           /* locked:bool */
  DC_MSG_RECORD,         /* recording:bool: start or stop recording the meeting */
  DC_MSG_REMOVE,         /* site:string */
  DC_MSG_ADMIT,          /* site:string: a removed site may join again */
  DC_MSG_SET_LAYOUT,     /* layout:string */
  DC_MSG_END_MEETING,    /* (none) */
  DC_MSG_GET_ATTENDANCE, /* (none) */
  DC_MSG_CALL_SITE,      /* site:string: the gateway dials the hall's room system (sip-uri) */
  DC_MSG_CALL_ALL,       /* (none): every dialable hall that is not present */
  /* gateway -> site */
  DC_MSG_WELCOME,     /* protocol:int site:string name:string role:string sites:array */
  DC_MSG_OFFER,       /* sdp:string */
  DC_MSG_SITE_LIST,   /* sites:array of {id,name,role,present} */
  DC_MSG_SITE_JOINED, /* site:string name:string role:string */
  DC_MSG_SITE_LEFT,   /* site:string reason:string ("left" "lost" "replaced" "removed") */
  DC_MSG_SPEAKING,    /* site:string ("" when nobody) level:number (dBFS) */
  DC_MSG_LAYOUT,      /* kind:string width:int height:int tiles:array of {site,x,y,width,height} */
  DC_MSG_ERROR,       /* code:string message:string fatal:bool */
  DC_MSG_BYE,         /* reason:string; the gateway closes the socket after it */
  DC_MSG_STATE,       /* the meeting: locked layout floor floor_limit_s floor_remaining_s
                       * speaking queue:array sites:array (see docs/protocol.md) */
  DC_MSG_FLOOR_TIMER, /* site:string event:string ("warning" "expired") remaining_s:int
                       * action:string ("mute" "signal") */
  DC_MSG_ATTENDANCE,  /* csv:string */
  DC_MSG_SEND_LIMITS, /* max_width:int max_height:int max_kbps:int: what the site's camera
                       * should be sent at for the tile it has now */
  DC_MSG_N_TYPES
} DcMsgType;

typedef enum
{
  DC_SENDER_SITE,    /* messages a site may send */
  DC_SENDER_GATEWAY, /* messages the gateway sends */
} DcSender;

/* Stable error codes; their strings are part of the protocol. */
typedef enum
{
  DC_ERR_BAD_JSON,          /* "bad-json" */
  DC_ERR_TOO_LARGE,         /* "too-large" */
  DC_ERR_UNKNOWN_TYPE,      /* "unknown-type" */
  DC_ERR_MISSING_FIELD,     /* "missing-field" */
  DC_ERR_BAD_FIELD,         /* "bad-field": present but wrong JSON type or value */
  DC_ERR_UNSUPPORTED_PROTOCOL, /* "unsupported-protocol" */
  DC_ERR_NOT_JOINED,        /* "not-joined" */
  DC_ERR_ALREADY_JOINED,    /* "already-joined" */
  DC_ERR_UNKNOWN_SITE,      /* "unknown-site" */
  DC_ERR_BAD_TOKEN,         /* "bad-token" */
  DC_ERR_CONFERENCE_LOCKED, /* "conference-locked" */
  DC_ERR_NOT_PERMITTED,     /* "not-permitted" */
  DC_ERR_BAD_SDP,           /* "bad-sdp" */
  DC_ERR_INTERNAL,          /* "internal" */
  DC_ERR_NOT_PRESENT,       /* "not-present": the target site is not connected */
  DC_ERR_NOTHING_TO_DO,     /* "nothing-to-do": e.g. lowering a hand that is not raised */
  DC_ERR_NOT_DIALABLE,      /* "not-dialable": the site has no sip-uri, or SIP is off */
  DC_ERR_N_CODES
} DcErrorCode;

#define DC_PROTOCOL_ERROR (dc_protocol_error_quark ())
GQuark dc_protocol_error_quark (void);

const char *dc_error_code_to_string (DcErrorCode code);
gboolean dc_error_code_from_string (const char *name, DcErrorCode *code);
const char *dc_message_type_to_string (DcMsgType type);
DcMsgType dc_message_type_from_string (const char *name); /* DC_MSG_INVALID when unknown */

typedef struct
{
  DcMsgType type;
  JsonObject *body; /* the whole message object, owned */
} DcMessage;

/* Parses one text message from the given sender. On failure returns NULL and sets error in
 * DC_PROTOCOL_ERROR with a DcErrorCode as code and a sentence naming the field. A type that only
 * the other side sends is DC_ERR_UNKNOWN_TYPE. */
DcMessage *dc_message_parse (const char *data, gsize length, DcSender sender, GError **error);
void dc_message_free (DcMessage *message);

const char *dc_message_get_string (const DcMessage *message, const char *field); /* NULL if absent */
gint64 dc_message_get_int (const DcMessage *message, const char *field, gint64 fallback);
double dc_message_get_double (const DcMessage *message, const char *field, double fallback);
gboolean dc_message_get_bool (const DcMessage *message, const char *field, gboolean fallback);
JsonArray *dc_message_get_array (const DcMessage *message, const char *field); /* borrowed */
/* The string items of an array field, NULL-terminated; NULL when the field is absent. */
GStrv dc_message_dup_strings (const DcMessage *message, const char *field);

/* Serialises {"type": ..., members of body...}; body may be NULL and is not consumed. */
char *dc_message_serialize (DcMsgType type, JsonObject *body);
/* Builders for the common messages. */
char *dc_message_new_simple (DcMsgType type); /* sites, leave */
/* video_codecs: what the site sends and receives, in its order ("vp8", "h264"); NULL leaves the
 * field out, which the gateway reads as VP8 only. */
char *dc_message_new_join (const char *site, const char *token, const char *const *video_codecs);
char *dc_message_new_sdp (DcMsgType type, const char *sdp); /* offer or answer */
char *dc_message_new_ice (const char *candidate, guint mline_index);
char *dc_message_new_error (DcErrorCode code, gboolean fatal, const char *message);
char *dc_message_new_bye (const char *reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcMessage, dc_message_free)

G_END_DECLS
