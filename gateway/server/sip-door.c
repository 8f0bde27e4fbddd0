#include <gio/gio.h>
#include <gst/gst.h>
#include <string.h>

typedef struct DcSipDoor DcSipDoor;
typedef struct SipCall SipCall;
#define NUA_MAGIC_T DcSipDoor
#define NUA_HMAGIC_T SipCall
#define SU_ROOT_MAGIC_T DcSipDoor

#include <sofia-sip/auth_digest.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_glib.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_tag_io.h>

#include "sip-admission.h"
#include "sip-door.h"

GST_DEBUG_CATEGORY_STATIC (dc_sip_door_debug);
#define GST_CAT_DEFAULT dc_sip_door_debug

#define SHUTDOWN_WAIT_US (5 * G_USEC_PER_SEC)
#define BUSY_RETRY_AFTER "30"

/* One INVITE dialog the gateway took. Handles the stack made for refused requests carry none. */
struct SipCall
{
  nua_handle_t *handle;
  int slot;
  gboolean ended; /* told to the gateway, or hung up by it: nothing more is reported */
  gboolean outgoing; /* the gateway dialled */
  gboolean answered; /* a 2xx came (outgoing) or was sent (incoming) */
  gboolean answer_in_ack; /* incoming without SDP: the 200 held the offer, the ACK the answer */
};

struct DcSipDoor
{
  const DcConfig *config;
  DcSipDoorHandlers handlers;
  gpointer user_data;
  guint8 nonce_key[DC_SIP_NONCE_KEY_BYTES];
  char *url;
  su_root_t *root;
  GSource *source;
  nua_t *nua;
  gboolean shut_down;
  GPtrArray *calls;  /* SipCall*, owned, until their handle is destroyed */
  SipCall **by_slot; /* the live call of each slot, borrowed from calls */
};

/* ---- calls ---- */

static guint
count_live_calls (DcSipDoor *door)
{
  guint n = 0;
  for (guint i = 0; i < door->calls->len; i++)
    n += !((SipCall *) door->calls->pdata[i])->ended;
  return n;
}

static void
forget_slot (DcSipDoor *door, SipCall *call)
{
  if (call->slot >= 0 && door->by_slot[call->slot] == call)
    door->by_slot[call->slot] = NULL;
}

/* The stack is done with the handle: the call goes, and the gateway hears of it if nobody told
 * it yet (an ACK that never came, a dialog that timed out). */
static void
release_handle (DcSipDoor *door, nua_handle_t *handle, SipCall *call, const char *reason)
{
  if (call)
    {
      forget_slot (door, call);
      if (!call->ended && call->slot >= 0)
        {
          call->ended = TRUE;
          if (call->outgoing && !call->answered)
            door->handlers.failed (call->slot, 408, "Request Timeout", door->user_data);
          else
            door->handlers.ended (call->slot, reason, door->user_data);
        }
      nua_handle_bind (handle, NULL);
      g_ptr_array_remove_fast (door->calls, call);
    }
  nua_handle_destroy (handle);
}

/* ---- who is calling ---- */

static char *
source_address (DcSipDoor *door)
{
  msg_t *request = nua_current_request (door->nua);
  su_addrinfo_t *info = request ? msg_addrinfo (request) : NULL;
  if (info == NULL || info->ai_addr == NULL)
    return NULL;
  g_autoptr (GSocketAddress) address
      = g_socket_address_new_from_native (info->ai_addr, info->ai_addrlen);
  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  return g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static DcSipAdmission
admit_caller (DcSipDoor *door, sip_t const *sip, int *slot)
{
  g_autofree char *source = source_address (door);
  su_home_t *home = su_home_new (sizeof (su_home_t));
  auth_response_t response = { .ar_size = sizeof response };
  DcDigestResponse digest = { 0 };
  gboolean has_auth = sip->sip_authorization != NULL
                      && g_ascii_strcasecmp (sip->sip_authorization->au_scheme, "Digest") == 0
                      && sip->sip_authorization->au_params != NULL
                      && auth_digest_response_get (home, &response,
                                                   sip->sip_authorization->au_params) >= 0;
  if (has_auth)
    digest = (DcDigestResponse){ .username = response.ar_username, .realm = response.ar_realm,
                                 .nonce = response.ar_nonce, .uri = response.ar_uri,
                                 .response = response.ar_response,
                                 .algorithm = response.ar_algorithm, .qop = response.ar_qop,
                                 .nc = response.ar_nc, .cnonce = response.ar_cnonce };
  DcSipCaller caller = {
    .request_user = sip->sip_request->rq_url->url_user,
    .source_address = source ? source : "",
    .method = "INVITE",
    .auth = has_auth ? &digest : NULL,
    .now_s = g_get_real_time () / G_USEC_PER_SEC,
  };
  g_autofree char *why = NULL;
  DcSipAdmission admission = dc_sip_admit (door->config, door->nonce_key, &caller, slot, &why);
  const char *user = caller.request_user ? caller.request_user : "";
  if (admission == DC_SIP_ADMIT_OK)
    GST_INFO ("INVITE for %s from %s: site in slot %d", user, caller.source_address, *slot);
  else if (admission == DC_SIP_ADMIT_CHALLENGE || admission == DC_SIP_ADMIT_STALE)
    GST_INFO ("INVITE for %s from %s: %s", user, caller.source_address,
              dc_sip_admission_to_string (admission));
  else
    GST_WARNING ("INVITE for %s from %s refused (%s): %s", user, caller.source_address,
                 dc_sip_admission_to_string (admission), why ? why : "");
  su_home_unref (home);
  return admission;
}

static void
challenge (DcSipDoor *door, nua_handle_t *handle, gboolean stale)
{
  g_autofree char *nonce = dc_sip_nonce_new (door->nonce_key, g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *value = dc_sip_challenge_new (door->config->sip_realm, nonce);
  g_autofree char *header = stale ? g_strconcat (value, ", stale=true", NULL) : g_strdup (value);
  nua_respond (handle, SIP_401_UNAUTHORIZED, SIPTAG_WWW_AUTHENTICATE_STR (header), TAG_END ());
}

/* ---- offers ---- */

static void
send_reply (nua_handle_t *handle, DcSipReply *reply)
{
  if (reply->sdp)
    nua_respond (handle, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR ("application/sdp"),
                 SIPTAG_PAYLOAD_STR (reply->sdp), TAG_END ());
  else
    nua_respond (handle, reply->status ? reply->status : 500,
                 reply->phrase ? reply->phrase : "Server Internal Error", TAG_END ());
  g_free (reply->sdp);
}

static gboolean
has_sdp (sip_t const *sip)
{
  return sip->sip_payload && sip->sip_payload->pl_data && sip->sip_payload->pl_len > 0
         && sip->sip_content_type
         && g_ascii_strcasecmp (sip->sip_content_type->c_type, "application/sdp") == 0;
}

static void
on_reinvite (DcSipDoor *door, nua_handle_t *handle, SipCall *call, sip_t const *sip)
{
  if (!has_sdp (sip))
    {
      nua_respond (handle, SIP_488_NOT_ACCEPTABLE, TAG_END ());
      return;
    }
  DcSipReply reply = door->handlers.offered (call->slot, sip->sip_payload->pl_data,
                                             sip->sip_payload->pl_len, TRUE, door->user_data);
  send_reply (handle, &reply);
}

/* UPDATE (RFC 3311) carries a new offer inside the dialog, as a re-INVITE does; without the
 * stack's own SDP engine the answer is the gateway's to send. */
static void
on_update (DcSipDoor *door, nua_handle_t *handle, SipCall *call, sip_t const *sip, int status)
{
  if (status >= 200)
    return;
  if (call == NULL || call->ended || !has_sdp (sip))
    {
      nua_respond (handle, SIP_200_OK, NUTAG_WITH_THIS (door->nua), TAG_END ());
      return;
    }
  DcSipReply reply = door->handlers.offered (call->slot, sip->sip_payload->pl_data,
                                             sip->sip_payload->pl_len, TRUE, door->user_data);
  if (reply.sdp)
    nua_respond (handle, SIP_200_OK, NUTAG_WITH_THIS (door->nua),
                 SIPTAG_CONTENT_TYPE_STR ("application/sdp"), SIPTAG_PAYLOAD_STR (reply.sdp),
                 TAG_END ());
  else
    nua_respond (handle, reply.status, reply.phrase, NUTAG_WITH_THIS (door->nua), TAG_END ());
  g_free (reply.sdp);
}

static void
on_invite (DcSipDoor *door, nua_handle_t *handle, SipCall *call, sip_t const *sip)
{
  if (call && !call->ended)
    {
      on_reinvite (door, handle, call, sip);
      return;
    }
  /* The cap comes before authentication: a flood of callers costs no digest work. */
  if (count_live_calls (door) >= door->config->sip_max_calls)
    {
      nua_respond (handle, SIP_486_BUSY_HERE, SIPTAG_RETRY_AFTER_STR (BUSY_RETRY_AFTER),
                   TAG_END ());
      return;
    }
  int slot = -1;
  DcSipAdmission admission = admit_caller (door, sip, &slot);
  switch (admission)
    {
    case DC_SIP_ADMIT_OK:
      break;
    case DC_SIP_ADMIT_CHALLENGE:
    case DC_SIP_ADMIT_STALE:
      challenge (door, handle, admission == DC_SIP_ADMIT_STALE);
      return;
    case DC_SIP_ADMIT_NOT_FOUND:
      nua_respond (handle, SIP_404_NOT_FOUND, TAG_END ());
      return;
    case DC_SIP_ADMIT_FORBIDDEN:
      nua_respond (handle, SIP_403_FORBIDDEN, TAG_END ());
      return;
    case DC_SIP_ADMIT_BAD_REQUEST:
      nua_respond (handle, SIP_400_BAD_REQUEST, TAG_END ());
      return;
    }
  /* An INVITE without SDP (delayed offer, as some Cisco systems send) gets the gateway's offer
   * in the 200; the answer comes with the ACK. */
  gboolean delayed = !has_sdp (sip);
  DcSipReply reply = door->handlers.offered (slot, delayed ? NULL : sip->sip_payload->pl_data,
                                             delayed ? 0 : sip->sip_payload->pl_len, FALSE,
                                             door->user_data);
  if (reply.sdp)
    {
      /* The gateway ended the slot's previous call (replaced) while it took this one. */
      SipCall *taken = g_new0 (SipCall, 1);
      taken->handle = handle;
      taken->slot = slot;
      taken->answered = TRUE;
      taken->answer_in_ack = delayed;
      g_ptr_array_add (door->calls, taken);
      door->by_slot[slot] = taken;
      nua_handle_bind (handle, taken);
    }
  send_reply (handle, &reply);
}

/* RFC 5168: <media_control><vc_primitive><to_encoder><picture_fast_update/>... */
static void
on_info (DcSipDoor *door, nua_handle_t *handle, SipCall *call, sip_t const *sip, int status)
{
  gboolean fast_update = sip->sip_payload && sip->sip_payload->pl_data
                         && g_strstr_len (sip->sip_payload->pl_data, sip->sip_payload->pl_len,
                                          "picture_fast_update") != NULL;
  if (status < 200)
    nua_respond (handle, SIP_200_OK, NUTAG_WITH_THIS (door->nua), TAG_END ());
  if (fast_update && call && !call->ended)
    door->handlers.keyframe_wanted (call->slot, door->user_data);
}

/* The answer to the offer the gateway put in its 200 (delayed offer). */
static void
on_ack (DcSipDoor *door, nua_handle_t *handle, SipCall *call, sip_t const *sip)
{
  if (call == NULL || call->ended || !call->answer_in_ack)
    return;
  call->answer_in_ack = FALSE;
  gboolean taken = has_sdp (sip)
                   && door->handlers.answered (call->slot, sip->sip_payload->pl_data,
                                               sip->sip_payload->pl_len, door->user_data);
  if (!taken)
    {
      GST_WARNING ("slot %d: the ACK brought no usable answer; hanging up", call->slot);
      call->ended = TRUE;
      forget_slot (door, call);
      door->handlers.ended (call->slot, "lost", door->user_data);
      nua_bye (handle, TAG_END ());
    }
}

/* ---- calls the gateway makes ---- */

static void
on_invite_response (DcSipDoor *door, nua_handle_t *handle, SipCall *call, int status,
                    char const *phrase, sip_t const *sip)
{
  if (call == NULL || call->ended || status < 200)
    return;
  if (status >= 300)
    {
      call->ended = TRUE;
      forget_slot (door, call);
      GST_INFO ("call to slot %d failed: %d %s", call->slot, status, phrase ? phrase : "");
      door->handlers.failed (call->slot, status, phrase ? phrase : "", door->user_data);
      return;
    }
  if (call->answered)
    return; /* a re-INVITE's answer, or a retransmitted 200 */
  call->answered = TRUE;
  gboolean taken = has_sdp (sip)
                   && door->handlers.answered (call->slot, sip->sip_payload->pl_data,
                                               sip->sip_payload->pl_len, door->user_data);
  if (!taken)
    {
      GST_WARNING ("slot %d answered with no usable SDP; hanging up", call->slot);
      call->ended = TRUE;
      forget_slot (door, call);
      nua_bye (handle, TAG_END ());
    }
}

gboolean
dc_sip_door_dial (DcSipDoor *door, int slot, const char *uri, const char *offer, GError **error)
{
  if (door->by_slot[slot] != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "slot %d already has a call", slot);
      return FALSE;
    }
  SipCall *call = g_new0 (SipCall, 1);
  call->slot = slot;
  call->outgoing = TRUE;
  g_autofree char *from = g_strdup_printf ("\"diemcau\" <sip:%s@%s>",
                                           door->config->sip_conference_number,
                                           door->url + strlen ("sip:"));
  call->handle = nua_handle (door->nua, call, NUTAG_URL (uri), SIPTAG_TO_STR (uri),
                             SIPTAG_FROM_STR (from), TAG_END ());
  if (call->handle == NULL)
    {
      g_free (call);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "cannot call %s", uri);
      return FALSE;
    }
  g_ptr_array_add (door->calls, call);
  door->by_slot[slot] = call;
  GST_INFO ("calling %s for slot %d", uri, slot);
  nua_invite (call->handle, SIPTAG_CONTENT_TYPE_STR ("application/sdp"),
              SIPTAG_PAYLOAD_STR (offer), TAG_END ());
  return TRUE;
}

static void
on_call_state (DcSipDoor *door, nua_handle_t *handle, SipCall *call, tagi_t tags[])
{
  int state = nua_callstate_init;
  tl_gets (tags, NUTAG_CALLSTATE_REF (state), TAG_END ());
  if (state == nua_callstate_terminated)
    release_handle (door, handle, call, "lost");
}

static void
on_event (nua_event_t event, int status, char const *phrase, nua_t *nua, DcSipDoor *door,
          nua_handle_t *handle, SipCall *call, sip_t const *sip, tagi_t tags[])
{
  GST_DEBUG ("%s %d %s", nua_event_name (event), status, phrase ? phrase : "");
  switch (event)
    {
    case nua_i_invite:
      on_invite (door, handle, call, sip);
      break;
    case nua_i_info:
      on_info (door, handle, call, sip, status);
      break;
    case nua_i_update:
      on_update (door, handle, call, sip, status);
      break;
    case nua_i_bye:
      if (call && !call->ended)
        {
          call->ended = TRUE;
          forget_slot (door, call);
          door->handlers.ended (call->slot, "left", door->user_data);
        }
      break;
    case nua_i_state:
      on_call_state (door, handle, call, tags);
      break;
    case nua_i_ack:
      on_ack (door, handle, call, sip);
      break;
    case nua_r_info:
      if (call && status >= 200)
        GST_INFO ("slot %d answered the keyframe request: %d %s", call->slot, status,
                  phrase ? phrase : "");
      break;
    case nua_r_invite:
      on_invite_response (door, handle, call, status, phrase, sip);
      break;
    case nua_r_shutdown:
      if (status >= 200)
        door->shut_down = TRUE;
      break;
    case nua_i_options:
    case nua_i_outbound:
    case nua_i_terminated:
      /* Handles the stack made for requests outside a dialog (OPTIONS keep-alives). */
      if (call == NULL && handle)
        nua_handle_destroy (handle);
      break;
    default:
      break;
    }
}

/* ---- construction ---- */

/* The stack's own log goes to this module's debug category (GST_DEBUG=dc-sip-door:6), not to
 * the gateway's stderr. */
static void
forward_stack_log (void *stream, char const *format, va_list args)
{
  g_autofree char *line = g_strdup_vprintf (format, args);
  g_strchomp (line);
  GST_LOG ("sofia: %s", line);
}

static void
init_stack (void)
{
  static gsize initialised = 0;
  if (g_once_init_enter (&initialised))
    {
      su_init ();
      su_log_redirect (su_log_default, forward_stack_log, NULL);
      g_once_init_leave (&initialised, 1);
    }
}

static char *
listen_url (const DcConfig *config)
{
  gboolean v6 = strchr (config->sip_listen_address, ':') != NULL;
  return g_strdup_printf (v6 ? "sip:[%s]:%u" : "sip:%s:%u", config->sip_listen_address,
                          config->sip_port);
}

DcSipDoor *
dc_sip_door_new (const DcConfig *config, const DcSipDoorHandlers *handlers, gpointer user_data,
                 GError **error)
{
  GST_DEBUG_CATEGORY_INIT (dc_sip_door_debug, "dc-sip-door", 0, "diemcau SIP front door");
  init_stack ();
  DcSipDoor *door = g_new0 (DcSipDoor, 1);
  door->config = config;
  door->handlers = *handlers;
  door->user_data = user_data;
  door->calls = g_ptr_array_new_with_free_func (g_free);
  door->by_slot = g_new0 (SipCall *, config->sites->len);
  for (guint i = 0; i < DC_SIP_NONCE_KEY_BYTES; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (door->nonce_key + i, &r, 4);
    }
  door->url = listen_url (config);
  door->root = su_glib_root_create (door);
  /* Everything runs on the gateway's main context: the stack needs no locks of its own. */
  su_root_threading (door->root, 0);
  door->source = g_source_ref (su_glib_root_gsource (door->root));
  g_source_attach (door->source, g_main_context_get_thread_default ());
  door->nua = nua_create (door->root, on_event, door, NUTAG_URL (door->url),
                          NUTAG_AUTOANSWER (0), NUTAG_AUTOACK (1), NUTAG_MEDIA_ENABLE (0),
                          NUTAG_ALLOW ("INFO, UPDATE"), NUTAG_ENABLEMESSAGE (0),
                          SIPTAG_USER_AGENT_STR ("diemcau-gateway"), TAG_END ());
  if (door->nua == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   "cannot listen for SIP on %s (UDP and TCP); is the port taken?", door->url);
      door->shut_down = TRUE;
      dc_sip_door_free (door);
      return NULL;
    }
  GST_INFO ("listening for SIP on %s", door->url);
  return door;
}

/* Lets the stack send its BYEs and close its transports, on the context it runs on. */
static void
wait_for_shutdown (DcSipDoor *door)
{
  GMainContext *context = g_source_get_context (door->source);
  gint64 deadline = g_get_monotonic_time () + SHUTDOWN_WAIT_US;
  while (!door->shut_down && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (context, FALSE))
      g_usleep (10 * 1000);
}

void
dc_sip_door_free (DcSipDoor *door)
{
  if (door == NULL)
    return;
  for (guint slot = 0; door->by_slot && slot < door->config->sites->len; slot++)
    dc_sip_door_hang_up (door, slot, "stopping");
  if (door->nua)
    {
      nua_shutdown (door->nua);
      wait_for_shutdown (door);
      if (door->shut_down)
        nua_destroy (door->nua);
      else
        GST_WARNING ("the SIP stack did not shut down in time; left as it is");
    }
  /* The root belongs to the context's owner: after the main loop has returned nobody owns
   * it, so the door takes it for the end. The source (the root's port) is held until the root
   * is gone, then taken off the context. */
  GMainContext *context = door->source ? g_source_get_context (door->source) : NULL;
  gboolean acquired = context && g_main_context_acquire (context);
  if (door->root && (door->shut_down || door->nua == NULL))
    su_root_destroy (door->root);
  if (door->source)
    {
      g_source_destroy (door->source);
      g_source_unref (door->source);
    }
  if (acquired)
    g_main_context_release (context);
  g_ptr_array_unref (door->calls);
  g_free (door->by_slot);
  g_free (door->url);
  g_free (door);
}

void
dc_sip_door_hang_up (DcSipDoor *door, int slot, const char *reason)
{
  SipCall *call = door->by_slot[slot];
  if (call == NULL)
    return;
  call->ended = TRUE;
  door->by_slot[slot] = NULL;
  GST_INFO ("hanging up slot %d (%s)", slot, reason);
  if (call->outgoing && !call->answered)
    nua_cancel (call->handle, TAG_END ());
  else
    nua_bye (call->handle, TAG_END ());
}

void
dc_sip_door_request_keyframe (DcSipDoor *door, int slot)
{
  static const char media_control[]
      = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\r\n"
        "<media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder>"
        "</vc_primitive></media_control>\r\n";
  SipCall *call = door->by_slot[slot];
  if (call == NULL || !call->answered)
    return;
  GST_DEBUG ("asking slot %d for a keyframe (INFO)", slot);
  nua_info (call->handle, SIPTAG_CONTENT_TYPE_STR ("application/media_control+xml"),
            SIPTAG_PAYLOAD_STR (media_control), TAG_END ());
}

gboolean
dc_sip_door_has_call (DcSipDoor *door, int slot)
{
  return door->by_slot[slot] != NULL;
}

const char *
dc_sip_door_get_url (DcSipDoor *door)
{
  return door->url;
}
