/* DcEngine: signaling, negotiation and state; the media pipeline lives in engine-media.c. */
#include "engine-load.h"
#include "engine-private.h"
#include "media-profile.h"

#include <gst/sdp/sdp.h>

GST_DEBUG_CATEGORY (dc_engine_debug);
#define GST_CAT_DEFAULT dc_engine_debug

enum
{
  SIG_WELCOME,
  SIG_LAYOUT_CHANGED,
  SIG_SITE_JOINED,
  SIG_SITE_LEFT,
  SIG_SPEAKING,
  SIG_GATEWAY_ERROR,
  SIG_BYE,
  SIG_FIRST_FRAME,
  SIG_MEETING_MESSAGE,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (DcEngine, dc_engine, G_TYPE_OBJECT)

static const GEnumValue state_values[] = {
  { DC_ENGINE_STATE_IDLE, "DC_ENGINE_STATE_IDLE", "idle" },
  { DC_ENGINE_STATE_CONNECTING, "DC_ENGINE_STATE_CONNECTING", "connecting" },
  { DC_ENGINE_STATE_JOINING, "DC_ENGINE_STATE_JOINING", "joining" },
  { DC_ENGINE_STATE_JOINED, "DC_ENGINE_STATE_JOINED", "joined" },
  { DC_ENGINE_STATE_CONNECTED, "DC_ENGINE_STATE_CONNECTED", "connected" },
  { DC_ENGINE_STATE_CLOSED, "DC_ENGINE_STATE_CLOSED", "closed" },
  { DC_ENGINE_STATE_FAILED, "DC_ENGINE_STATE_FAILED", "failed" },
  { 0, NULL, NULL },
};

GType
dc_engine_state_get_type (void)
{
  static gsize type = 0;
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("DcEngineState", state_values));
  return type;
}

const char *
dc_engine_state_to_string (DcEngineState state)
{
  if ((guint)state > DC_ENGINE_STATE_FAILED)
    return "unknown";
  return state_values[state].value_nick;
}

/* --- handing work to the main context --- */

DcEngineLink *
dc_engine_link_ref (DcEngineLink *link)
{
  return g_atomic_rc_box_acquire (link);
}

static void
link_clear (DcEngineLink *link)
{
  g_weak_ref_clear (&link->engine);
  g_main_context_unref (link->context);
}

void
dc_engine_link_unref (DcEngineLink *link)
{
  g_atomic_rc_box_release_full (link, (GDestroyNotify)link_clear);
}

typedef struct
{
  DcEngineLink *link;
  DcEngineTask task;
  gpointer data;
  GDestroyNotify destroy;
} Invocation;

static gboolean
run_invocation (gpointer user_data)
{
  Invocation *inv = user_data;
  g_autoptr (DcEngine) self = g_weak_ref_get (&inv->link->engine);
  if (self != NULL)
    inv->task (self, inv->data);
  return G_SOURCE_REMOVE;
}

static void
free_invocation (gpointer user_data)
{
  Invocation *inv = user_data;
  if (inv->destroy != NULL)
    inv->destroy (inv->data);
  dc_engine_link_unref (inv->link);
  g_free (inv);
}

void
dc_engine_link_invoke (DcEngineLink *link, DcEngineTask task, gpointer data, GDestroyNotify destroy)
{
  Invocation *inv = g_new0 (Invocation, 1);
  inv->link = dc_engine_link_ref (link);
  inv->task = task;
  inv->data = data;
  inv->destroy = destroy;
  g_source_unref (dc_media_post (link->context, run_invocation, inv, free_invocation));
}

/* --- state --- */

static void
set_state (DcEngine *self, DcEngineState state)
{
  if (self->state == state)
    return;
  GST_INFO ("state %s -> %s", dc_engine_state_to_string (self->state),
            dc_engine_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

static gboolean
is_finished (DcEngine *self)
{
  return self->state == DC_ENGINE_STATE_CLOSED || self->state == DC_ENGINE_STATE_FAILED;
}

/* Ends the session for good: media stops, the socket closes, the reason is kept. */
static void
finish (DcEngine *self, DcEngineState state, const char *code, const char *sentence)
{
  if (is_finished (self))
    return;
  g_free (self->error);
  self->error = g_strdup (sentence);
  g_free (self->error_code);
  self->error_code = g_strdup (code);
  dc_engine_media_stop (self);
  if (self->signaling != NULL)
    dc_signaling_client_close (self->signaling);
  dc_engine_reconnect_consider (self, state);
  set_state (self, state);
}

static void fail (DcEngine *self, const char *code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
fail (DcEngine *self, const char *code, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *sentence = g_strdup_vprintf (format, args);
  va_end (args);
  GST_WARNING ("%s", sentence);
  finish (self, DC_ENGINE_STATE_FAILED, code, sentence);
}

static void
send_text (DcEngine *self, char *text)
{
  if (!dc_signaling_client_send (self->signaling, text))
    GST_DEBUG ("socket closed; not sent: %s", text);
  g_free (text);
}

/* --- negotiation: the gateway offers, we answer --- */

static void
on_answer_ready (DcEngine *self, gpointer data)
{
  GstWebRTCSessionDescription *answer = data;

  if (is_finished (self))
    return;
  g_signal_emit_by_name (self->webrtc, "set-local-description", answer, NULL);
  g_autofree char *sdp = gst_sdp_message_as_text (answer->sdp);
  GST_DEBUG ("answer:\n%s", sdp);
  send_text (self, dc_message_new_sdp (DC_MSG_ANSWER, sdp));
}

static void
on_negotiation_failed (DcEngine *self, gpointer data)
{
  fail (self, NULL, "Media negotiation with the gateway failed: %s", (const char *)data);
}

/* Reads the promise on webrtcbin's thread; the result goes to the main context. */
static gboolean
promise_failed (GstPromise *promise, DcEngineLink *link, const char *step)
{
  /* Called from the change function: the promise is already settled. */
  gboolean replied = gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED;
  const GstStructure *reply = replied ? gst_promise_get_reply (promise) : NULL;
  g_autoptr (GError) error = NULL;
  if (!replied)
    error = g_error_new (GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "interrupted");
  else if (reply != NULL && gst_structure_has_field (reply, "error"))
    gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL);
  if (error == NULL)
    return FALSE;
  dc_engine_link_invoke (link, on_negotiation_failed,
                         g_strdup_printf ("%s: %s", step, error->message), g_free);
  return TRUE;
}

static void
on_answer_created (GstPromise *promise, gpointer user_data)
{
  DcEngineLink *link = user_data;
  if (!promise_failed (promise, link, "creating the answer"))
    {
      GstWebRTCSessionDescription *answer = NULL;
      gst_structure_get (gst_promise_get_reply (promise), "answer",
                         GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer, NULL);
      if (answer != NULL)
        dc_engine_link_invoke (link, on_answer_ready, answer,
                               (GDestroyNotify)gst_webrtc_session_description_free);
      else
        dc_engine_link_invoke (link, on_negotiation_failed, g_strdup ("no answer created"), g_free);
    }
  gst_promise_unref (promise);
}

static void
create_answer (DcEngine *self, gpointer unused)
{
  if (is_finished (self))
    return;
  GstPromise *promise = gst_promise_new_with_change_func (
      on_answer_created, dc_engine_link_ref (self->link), (GDestroyNotify)dc_engine_link_unref);
  g_signal_emit_by_name (self->webrtc, "create-answer", NULL, promise);
}

static void
on_remote_description_set (GstPromise *promise, gpointer user_data)
{
  DcEngineLink *link = user_data;
  if (!promise_failed (promise, link, "setting the gateway's offer"))
    dc_engine_link_invoke (link, create_answer, NULL, NULL);
  gst_promise_unref (promise);
}

static void
handle_offer (DcEngine *self, const char *text)
{
  if (self->have_offer)
    {
      /* Transceivers are fixed at join (webrtcbin 1.22 cannot change them later). */
      GST_WARNING ("ignoring a second offer: renegotiation is not supported");
      return;
    }
  GstSDPMessage *sdp = NULL;
  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK)
    {
      fail (self, "bad-sdp", "The gateway sent an offer that is not valid SDP.");
      return;
    }
  self->have_offer = TRUE;
  GST_DEBUG ("offer:\n%s", text);
  GstWebRTCSessionDescription *offer
      = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_OFFER, sdp);
  GstPromise *promise = gst_promise_new_with_change_func (on_remote_description_set,
                                                          dc_engine_link_ref (self->link),
                                                          (GDestroyNotify)dc_engine_link_unref);
  g_signal_emit_by_name (self->webrtc, "set-remote-description", offer, promise);
  gst_webrtc_session_description_free (offer);
}

static void
handle_remote_ice (DcEngine *self, const DcMessage *msg)
{
  const char *candidate = dc_message_get_string (msg, "candidate");
  gint64 mline = dc_message_get_int (msg, "sdpMLineIndex", -1);
  /* An empty candidate only marks the end of gathering. */
  if (candidate == NULL || *candidate == '\0' || mline < 0 || mline > G_MAXUINT)
    return;
  g_signal_emit_by_name (self->webrtc, "add-ice-candidate", (guint)mline, candidate);
}

typedef struct
{
  guint mline;
  char *candidate;
} LocalCandidate;

static void
local_candidate_free (gpointer data)
{
  LocalCandidate *c = data;
  g_free (c->candidate);
  g_free (c);
}

static void
send_local_candidate (DcEngine *self, gpointer data)
{
  LocalCandidate *c = data;
  if (!is_finished (self))
    send_text (self, dc_message_new_ice (c->candidate, c->mline));
}

static void
on_ice_candidate (GstElement *webrtc, guint mline, const char *candidate, gpointer user_data)
{
  LocalCandidate *c = g_new0 (LocalCandidate, 1);
  c->mline = mline;
  c->candidate = g_strdup (candidate);
  dc_engine_link_invoke (user_data, send_local_candidate, c, local_candidate_free);
}

static void
update_ice_state (DcEngine *self, gpointer data)
{
  GstWebRTCICEConnectionState ice = GPOINTER_TO_INT (data);
  GST_INFO ("ICE connection state %d", ice);
  if (is_finished (self))
    return;
  if ((ice == GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED
       || ice == GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED)
      && self->state == DC_ENGINE_STATE_JOINED)
    set_state (self, DC_ENGINE_STATE_CONNECTED);
  else if (ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    fail (self, NULL,
          "No network path to the gateway's media (ICE failed); check the firewall "
          "and the --ice-address setting.");
}

static void
on_ice_state_notify (GstElement *webrtc, GParamSpec *pspec, gpointer user_data)
{
  GstWebRTCICEConnectionState ice;
  g_object_get (webrtc, "ice-connection-state", &ice, NULL);
  dc_engine_link_invoke (user_data, update_ice_state, GINT_TO_POINTER (ice), NULL);
}

static void
on_new_transceiver (GstElement *webrtc, GstWebRTCRTPTransceiver *trans, gpointer user_data)
{
  /* Without it NACK is left out of the answer and lost packets are never re-sent. */
  g_object_set (trans, "do-nack", TRUE, NULL);
}

static void
link_closure_notify (gpointer data, GClosure *closure)
{
  dc_engine_link_unref (data);
}

static void
connect_webrtc_signals (DcEngine *self)
{
  g_signal_connect_data (self->webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate),
                         dc_engine_link_ref (self->link), link_closure_notify, 0);
  g_signal_connect_data (self->webrtc, "notify::ice-connection-state",
                         G_CALLBACK (on_ice_state_notify), dc_engine_link_ref (self->link),
                         link_closure_notify, 0);
  g_signal_connect (self->webrtc, "on-new-transceiver", G_CALLBACK (on_new_transceiver), NULL);
}

/* --- messages from the gateway --- */

static void
tile_free (gpointer data)
{
  DcEngineTile *tile = data;
  g_free (tile->site);
  g_free (tile);
}

static void
handle_layout (DcEngine *self, const DcMessage *msg)
{
  JsonArray *tiles = dc_message_get_array (msg, "tiles");
  g_ptr_array_set_size (self->layout_tiles, 0);
  for (guint i = 0; tiles != NULL && i < json_array_get_length (tiles); i++)
    {
      JsonObject *t = json_array_get_object_element (tiles, i);
      if (t == NULL || !json_object_has_member (t, "site"))
        continue;
      DcEngineTile *tile = g_new0 (DcEngineTile, 1);
      tile->site = g_strdup (json_object_get_string_member_with_default (t, "site", ""));
      tile->x = json_object_get_int_member_with_default (t, "x", 0);
      tile->y = json_object_get_int_member_with_default (t, "y", 0);
      tile->width = json_object_get_int_member_with_default (t, "width", 0);
      tile->height = json_object_get_int_member_with_default (t, "height", 0);
      g_ptr_array_add (self->layout_tiles, tile);
    }
  g_free (self->layout_kind);
  self->layout_kind = g_strdup (dc_message_get_string (msg, "kind"));
  self->layout_width = dc_message_get_int (msg, "width", 0);
  self->layout_height = dc_message_get_int (msg, "height", 0);
  g_signal_emit (self, signals[SIG_LAYOUT_CHANGED], 0);
}

static void
handle_error (DcEngine *self, const DcMessage *msg)
{
  const char *code = dc_message_get_string (msg, "code");
  const char *message = dc_message_get_string (msg, "message");
  gboolean fatal = dc_message_get_bool (msg, "fatal", FALSE);
  g_signal_emit (self, signals[SIG_GATEWAY_ERROR], 0, code, message, fatal);
  if (fatal)
    fail (self, code, "The gateway refused: %s: %s", code, message);
  else
    GST_WARNING ("gateway error %s: %s", code, message);
}

static void
on_signaling_message (DcSignalingClient *client, gpointer data, DcEngine *self)
{
  const DcMessage *msg = data;
  const char *site = dc_message_get_string (msg, "site");

  if (is_finished (self))
    return;
  switch (msg->type)
    {
    case DC_MSG_WELCOME:
      self->joined_us = g_get_monotonic_time ();
      dc_engine_reconnect_joined (self);
      set_state (self, DC_ENGINE_STATE_JOINED);
      g_signal_emit (self, signals[SIG_WELCOME], 0, dc_message_get_string (msg, "name"),
                     dc_message_get_string (msg, "role"));
      g_signal_emit (self, signals[SIG_MEETING_MESSAGE], 0, (int) msg->type, msg);
      break;
    case DC_MSG_OFFER:
      handle_offer (self, dc_message_get_string (msg, "sdp"));
      break;
    case DC_MSG_ICE:
      handle_remote_ice (self, msg);
      break;
    case DC_MSG_LAYOUT:
      handle_layout (self, msg);
      g_signal_emit (self, signals[SIG_MEETING_MESSAGE], 0, (int) msg->type, msg);
      break;
    case DC_MSG_SITE_JOINED:
      g_signal_emit (self, signals[SIG_SITE_JOINED], 0, site, dc_message_get_string (msg, "name"),
                     dc_message_get_string (msg, "role"));
      break;
    case DC_MSG_SITE_LEFT:
      g_signal_emit (self, signals[SIG_SITE_LEFT], 0, site, dc_message_get_string (msg, "reason"));
      break;
    case DC_MSG_SPEAKING:
      g_signal_emit (self, signals[SIG_SPEAKING], 0, site,
                     dc_message_get_double (msg, "level", -120.0));
      break;
    case DC_MSG_ERROR:
      handle_error (self, msg);
      break;
    case DC_MSG_BYE:
      self->bye_received = TRUE;
      g_signal_emit (self, signals[SIG_BYE], 0, dc_message_get_string (msg, "reason"));
      finish (self, DC_ENGINE_STATE_CLOSED, NULL, dc_message_get_string (msg, "reason"));
      break;
    case DC_MSG_SEND_LIMITS:
      dc_engine_media_apply_send_limits (self, dc_message_get_int (msg, "max_width", 0),
                                         dc_message_get_int (msg, "max_height", 0),
                                         dc_message_get_int (msg, "max_kbps", 0));
      break;
    case DC_MSG_STATE:
    case DC_MSG_FLOOR_TIMER:
    case DC_MSG_ATTENDANCE:
      g_signal_emit (self, signals[SIG_MEETING_MESSAGE], 0, (int) msg->type, msg);
      break;
    default:
      GST_DEBUG ("ignoring %s", dc_message_type_to_string (msg->type));
      break;
    }
}

gboolean
dc_engine_send (DcEngine *self, const char *message)
{
  g_return_val_if_fail (DC_IS_ENGINE (self) && message != NULL, FALSE);
  if (self->signaling == NULL || self->state < DC_ENGINE_STATE_JOINED
      || self->state > DC_ENGINE_STATE_CONNECTED)
    return FALSE;
  return dc_signaling_client_send (self->signaling, message);
}

static void
on_signaling_connected (DcSignalingClient *client, DcEngine *self)
{
  set_state (self, DC_ENGINE_STATE_JOINING);
  /* Load mode sends pre-encoded VP8 whatever the hall's setting. */
  const char *codecs[] = { dc_engine_get_load (self) != NULL ? "vp8" : self->video_codec->name,
                           NULL };
  send_text (self, dc_message_new_join (self->site, self->token, codecs));
}

static void
on_signaling_bad_message (DcSignalingClient *client, const char *error, DcEngine *self)
{
  GST_WARNING ("ignoring a message from the gateway: %s", error);
}

static void
on_signaling_closed (DcSignalingClient *client, gboolean clean, const char *reason, DcEngine *self)
{
  if (is_finished (self))
    return;
  g_free (self->untrusted_fingerprint);
  self->untrusted_fingerprint = g_strdup (dc_signaling_client_get_rejected_fingerprint (client));
  if (self->state <= DC_ENGINE_STATE_CONNECTING)
    fail (self, NULL, "%s", reason);
  else
    fail (self, NULL, "Disconnected from the gateway: %s", reason);
}

/* --- public API --- */

gboolean
dc_engine_start (DcEngine *self, GError **error)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (self->state == DC_ENGINE_STATE_IDLE, FALSE);

  if (!dc_engine_media_start (self, error))
    return FALSE;
  connect_webrtc_signals (self);

  self->signaling = dc_signaling_client_new (self->server_url);
  dc_signaling_client_set_accepted_fingerprint (self->signaling, self->accepted_fingerprint);
  g_signal_connect_object (self->signaling, "connected", G_CALLBACK (on_signaling_connected), self,
                           0);
  g_signal_connect_object (self->signaling, "message", G_CALLBACK (on_signaling_message), self, 0);
  g_signal_connect_object (self->signaling, "bad-message", G_CALLBACK (on_signaling_bad_message),
                           self, 0);
  g_signal_connect_object (self->signaling, "closed", G_CALLBACK (on_signaling_closed), self, 0);
  set_state (self, DC_ENGINE_STATE_CONNECTING);
  dc_signaling_client_connect (self->signaling);
  return TRUE;
}

void
dc_engine_leave (DcEngine *self)
{
  g_return_if_fail (DC_IS_ENGINE (self));

  dc_engine_reconnect_cancel (self);
  if (is_finished (self) || self->state == DC_ENGINE_STATE_IDLE)
    return;
  send_text (self, dc_message_new_simple (DC_MSG_LEAVE));
  finish (self, DC_ENGINE_STATE_CLOSED, NULL, NULL);
}

DcEngineState
dc_engine_get_state (DcEngine *self)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), DC_ENGINE_STATE_FAILED);
  return self->state;
}

const char *
dc_engine_get_error (DcEngine *self)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), NULL);
  return self->error;
}

const char *
dc_engine_get_error_code (DcEngine *self)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), NULL);
  return self->error_code;
}

gint64
dc_engine_get_joined_time (DcEngine *self)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), 0);
  return self->joined_us;
}

GPtrArray *
dc_engine_get_layout (DcEngine *self, const char **kind, int *width, int *height)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), NULL);
  if (kind != NULL)
    *kind = self->layout_kind;
  if (width != NULL)
    *width = self->layout_width;
  if (height != NULL)
    *height = self->layout_height;
  return self->layout_tiles;
}

void
dc_engine_emit_first_frame (DcEngine *self, gpointer unused)
{
  g_signal_emit (self, signals[SIG_FIRST_FRAME], 0);
}

/* --- GObject --- */

static void
dc_engine_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  DcEngine *self = DC_ENGINE (object);
  switch (id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
dc_engine_dispose (GObject *object)
{
  DcEngine *self = DC_ENGINE (object);

  dc_engine_controls_dispose (self);
  dc_engine_media_stop (self);
  if (self->signaling != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->signaling, self);
      dc_signaling_client_close (self->signaling);
      g_clear_object (&self->signaling);
    }
  G_OBJECT_CLASS (dc_engine_parent_class)->dispose (object);
}

static void
dc_engine_finalize (GObject *object)
{
  DcEngine *self = DC_ENGINE (object);

  dc_engine_link_unref (self->link);
  g_main_context_unref (self->context);
  g_clear_pointer (&self->last_frame, gst_sample_unref);
  dc_sample_ring_clear (&self->audio_ring);
  g_mutex_clear (&self->lock);
  g_free (self->server_url);
  g_free (self->site);
  g_free (self->test_pattern);
  g_free (self->token);
  g_strfreev (self->ice_addresses);
  g_free (self->error);
  g_free (self->error_code);
  g_free (self->layout_kind);
  g_ptr_array_unref (self->layout_tiles);
  G_OBJECT_CLASS (dc_engine_parent_class)->finalize (object);
}

static void
dc_engine_class_init (DcEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->get_property = dc_engine_get_property;
  object_class->dispose = dc_engine_dispose;
  object_class->finalize = dc_engine_finalize;

  props[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, DC_TYPE_ENGINE_STATE, DC_ENGINE_STATE_IDLE,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIG_WELCOME] = g_signal_new ("welcome", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIG_LAYOUT_CHANGED] = g_signal_new ("layout-changed", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                              NULL, NULL, G_TYPE_NONE, 0);
  signals[SIG_SITE_JOINED]
      = g_signal_new ("site-joined", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                      G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIG_SITE_LEFT] = g_signal_new ("site-left", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIG_SPEAKING] = g_signal_new ("speaking", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DOUBLE);
  signals[SIG_GATEWAY_ERROR]
      = g_signal_new ("gateway-error", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                      G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[SIG_BYE] = g_signal_new ("bye", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                   1, G_TYPE_STRING);
  signals[SIG_FIRST_FRAME]
      = g_signal_new ("first-frame", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Meeting messages (welcome, layout, state, floor-timer, attendance):
   * (int type, const DcMessage *message). */
  signals[SIG_MEETING_MESSAGE]
      = g_signal_new ("meeting-message", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                      2, G_TYPE_INT, G_TYPE_POINTER);

  dc_engine_controls_class_init (object_class);
  GST_DEBUG_CATEGORY_INIT (dc_engine_debug, "dcengine", 0, "diemcau client engine");
}

static void
dc_engine_init (DcEngine *self)
{
  g_mutex_init (&self->lock);
  dc_gap_stats_init (&self->video_gaps);
  dc_gap_stats_init (&self->audio_gaps);
  dc_sample_ring_init (&self->audio_ring, 2 * DC_ENGINE_AUDIO_RATE);
  self->context = g_main_context_ref_thread_default ();
  self->link = g_atomic_rc_box_new0 (DcEngineLink);
  g_weak_ref_init (&self->link->engine, self);
  self->link->context = g_main_context_ref (self->context);
  self->layout_tiles = g_ptr_array_new_with_free_func (tile_free);
}

DcEngine *
dc_engine_new (const DcEngineConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->server_url != NULL && config->site != NULL, NULL);
  g_return_val_if_fail (config->token != NULL, NULL);

  DcEngine *self = g_object_new (DC_TYPE_ENGINE, NULL);
  self->server_url = g_strdup (config->server_url);
  self->site = g_strdup (config->site);
  self->token = g_strdup (config->token);
  self->test_tone_hz = config->test_tone_hz;
  self->test_tone_volume = config->test_tone_volume > 0 ? config->test_tone_volume : 0.3;
  self->use_test_color = config->use_test_color;
  self->test_color = config->test_color & 0xffffff;
  self->test_pattern = g_strdup (config->test_pattern);
  self->width = config->width > 0 ? config->width : 320;
  self->height = config->height > 0 ? config->height : 180;
  self->fps = config->fps > 0 ? config->fps : 15;
  self->send_width = self->width;
  self->send_height = self->height;
  self->send_kbps = dc_engine_default_kbps (self);
  self->video_codec = dc_client_video_codec_find (config->video_codec);
  if (self->video_codec == NULL)
    self->video_codec = dc_client_video_codec_find (DC_CLIENT_VIDEO_CODEC_DEFAULT);
  self->ice_addresses = g_strdupv ((char **)config->ice_addresses);
  dc_engine_controls_init (self, config);
  return self;
}
