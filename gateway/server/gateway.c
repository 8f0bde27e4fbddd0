/* The gateway: ties the signaling, the conference state, the sites and the two mixers together.
 * Its logic runs on the main context; the mixers and the sites call back from their threads only
 * to hand media over (docs/architecture.md). */
#include "gateway.h"

#include <gst/gst.h>
#include <string.h>
#include <libsoup/soup.h>

#include "chair.h"
#include "codec-choice.h"
#include "gateway-recording.h"
#include "send-limits.h"
#include "gateway-private.h"
#include "meeting-view.h"
#include "token.h"
#include "webrtc-site.h"

GST_DEBUG_CATEGORY_STATIC (dc_gateway_debug);
#define GST_CAT_DEFAULT dc_gateway_debug

/* A joined site that sends no audio for this long has lost its network (sites send Opus frames
 * continuously, silence included); before its first audio, each step of the handshake (the offer
 * answered, then ICE and DTLS done) gets as long (docs/protocol.md §8 internal). The longer grace
 * counts from the join while the gateway's offer is not out, and for SIP halls. */
#define LOST_AFTER_US (5 * G_USEC_PER_SEC)
#define SETUP_GRACE_US (20 * G_USEC_PER_SEC)
#define JITTER_LATENCY_MS 100
static void
broadcast (DcGateway *gateway, char *text, int except_slot)
{
  dc_roster_broadcast (gateway->roster, text, except_slot);
  g_free (text);
}

/* Makes the media follow the conference and, when asked, tells every site the new state. */
/* Each WebRTC hall is told what its camera should send for the tile it has now, when that
 * changes (a room system's camera cannot be told). */
static void
send_limits (DcGateway *gateway)
{
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    {
      DcPeer *peer = dc_roster_get_peer (gateway->roster, slot);
      DcRect tile = dc_media_sync_get_rect (gateway->sync, slot);
      DcSendLimits limits = dc_send_limits_for_tile (tile.width, tile.height);
      if (peer == NULL || tile.width == 0
          || memcmp (&limits, &gateway->sent_limits[slot], sizeof limits) == 0)
        continue;
      gateway->sent_limits[slot] = limits;
      g_autofree char *text = dc_message_new_send_limits (limits.width, limits.height,
                                                          limits.kbps);
      dc_peer_send (peer, text);
    }
}

static void
sync_media (DcGateway *gateway, gboolean broadcast_state)
{
  if (dc_media_sync_apply (gateway->sync))
    broadcast (gateway, dc_media_sync_layout_message_new (gateway->sync), -1);
  send_limits (gateway);
  if (broadcast_state)
    broadcast (gateway, dc_meeting_state_new (gateway->conference, g_get_monotonic_time ()), -1);
}

void
dc_gateway_state_changed (DcGateway *gateway)
{
  sync_media (gateway, TRUE);
}

/* ---- media hand-over (mixer threads) ---- */

static void
on_mixed_audio (guint slot, GstBuffer *opus, gpointer data)
{
  DcGateway *gateway = data;
  if (slot == DC_AUDIO_PROGRAMME)
    {
      dc_gateway_recording_push_audio (gateway, opus);
      return;
    }
  g_autoptr (DcSite) site = dc_roster_ref_site (gateway->roster, slot);
  if (site)
    dc_site_push_audio (site, opus);
}

/* Every site of the codec is offered every tier's frames: each takes its own (site.h). */
static void
on_composed_video (const DcVideoCodec *codec, guint tier, GstBuffer *encoded, gpointer data)
{
  DcGateway *gateway = data;
  dc_gateway_recording_push_video (gateway, codec, tier, encoded);
  DcSite *sites[DC_LAYOUT_MAX_SLOTS];
  guint n = dc_roster_ref_sites (gateway->roster, sites);
  for (guint i = 0; i < n; i++)
    {
      if (dc_site_get_video_codec (sites[i]) == codec)
        dc_site_push_video (sites[i], tier, encoded);
      dc_site_unref (sites[i]);
    }
}

/* Site callbacks run inside the site's in-flight count: after dc_site_close no call is left,
 * so a replaced or dismissed site can never write into the slot's next occupant. */
static void
on_decoded_audio (DcSite *site, const float *samples, guint n, gpointer data)
{
  DcGateway *gateway = data;
  dc_audio_mixer_write (gateway->audio, dc_site_get_slot (site), samples, n);
}

static void
on_decoded_video (DcSite *site, GstSample *sample, gpointer data)
{
  DcGateway *gateway = data;
  dc_video_mixer_put_frame (gateway->video, dc_site_get_slot (site), sample);
}

static void
on_keyframe_wanted (DcSite *site, gpointer data)
{
  DcGateway *gateway = data;
  dc_video_mixer_request_keyframe (gateway->video, dc_site_get_video_codec (site),
                                   dc_site_get_keyframe_tier (site));
}

/* ---- the one way a site ends (main context) ---- */

/* Everything a site leaves behind goes here: its media (closed, then torn down on the pool),
 * its peer (told why: bye with the reason, or a fatal error with error_code), its tile. */
void
dc_gateway_dismiss_site (DcGateway *gateway, guint slot, const char *reason, int error_code,
              const char *error_message)
{
  DcPeer *peer = NULL;
  DcSite *site = NULL;
  if (!dc_roster_detach (gateway->roster, slot, &peer, &site))
    return;
  if (site)
    {
      dc_site_close (site);
      dc_site_unref (site);
    }
  dc_gateway_links_dismiss (gateway, slot);
  gateway->sent_limits[slot] = (DcSendLimits) { 0 };
  dc_gateway_sip_hang_up (gateway, slot, reason);
  if (peer)
    {
      dc_peer_set_slot (peer, -1);
      if (error_code == DC_GATEWAY_QUIET)
        ;
      else if (error_code == DC_GATEWAY_BYE)
        {
          g_autofree char *bye = dc_message_new_bye (reason);
          dc_peer_send (peer, bye);
          dc_peer_close (peer, SOUP_WEBSOCKET_CLOSE_NORMAL, reason);
        }
      else
        dc_peer_send_error (peer, error_code, TRUE, error_message);
    }
  GST_INFO ("site %s left (%s)", dc_conference_get_site (gateway->conference, slot)->id, reason);
  dc_audio_mixer_set_connected (gateway->audio, slot, FALSE);
  dc_conference_set_present (gateway->conference, slot, FALSE, g_get_monotonic_time ());
  broadcast (gateway, dc_meeting_site_left_new (gateway->conference, slot, reason), -1);
  sync_media (gateway, TRUE);
}

/* The gateway speaks to a peer the site does not have any more only through dismiss_site. */
static gboolean
is_current (DcGateway *gateway, DcSite *site)
{
  return dc_roster_get_site (gateway->roster, dc_site_get_slot (site)) == site;
}

static void
on_site_failed (DcSite *site, const char *why, gpointer data)
{
  DcGateway *gateway = data;
  if (!is_current (gateway, site))
    return;
  g_autofree char *message = g_strdup_printf ("the media connection failed: %s", why);
  dc_gateway_dismiss_site (gateway, dc_site_get_slot (site), "lost", DC_ERR_INTERNAL, message);
}

const DcSiteCallbacks dc_gateway_site_callbacks = {
  .decoded_audio = on_decoded_audio,
  .decoded_video = on_decoded_video,
  .keyframe_wanted = on_keyframe_wanted,
  .failed = on_site_failed,
};

/* ---- WebRTC sites over the WebSocket (main context) ---- */

static void
on_local_offer (DcSite *site, const char *sdp, gpointer data)
{
  DcGateway *gateway = data;
  DcPeer *peer = dc_roster_get_peer (gateway->roster, dc_site_get_slot (site));
  if (is_current (gateway, site) && peer)
    {
      g_autofree char *text = dc_message_new_sdp (DC_MSG_OFFER, sdp);
      dc_peer_send (peer, text);
      dc_roster_mark (gateway->roster, dc_site_get_slot (site), DC_ROSTER_OFFER_SENT,
                      g_get_monotonic_time ());
    }
}

static void
on_local_candidate (DcSite *site, const char *candidate, guint mline, gpointer data)
{
  DcGateway *gateway = data;
  DcPeer *peer = dc_roster_get_peer (gateway->roster, dc_site_get_slot (site));
  if (is_current (gateway, site) && peer)
    {
      g_autofree char *text = dc_message_new_ice (candidate, mline);
      dc_peer_send (peer, text);
    }
}

static const DcWebrtcSignals webrtc_signals = {
  .local_offer = on_local_offer,
  .local_candidate = on_local_candidate,
};

static DcSite *
start_webrtc_site (DcGateway *gateway, guint slot, const DcVideoCodec *codec, GError **error)
{
  const DcConfig *config = gateway->config;
  DcRect tile = dc_media_sync_get_rect (gateway->sync, slot);
  DcWebrtcSiteParams params = {
    .site_id = dc_conference_get_site (gateway->conference, slot)->id,
    .slot = slot,
    .codec = codec,
    .h264_level = dc_media_h264_level_for (config->width, config->height, config->framerate),
    .tile_width = tile.width,
    .tile_height = tile.height,
    .jitter_latency_ms = JITTER_LATENCY_MS,
    .ice_addresses = (const char *const *) config->ice_addresses,
    .ice_port_min = config->ice_port_min,
    .ice_port_max = config->ice_port_max,
    .stun_server = config->stun_server,
    .turn_servers = (const char *const *) config->turn_servers,
  };
  return dc_webrtc_site_new (&params, &dc_gateway_site_callbacks, &webrtc_signals, gateway,
                             gateway->teardown, error);
}

/* A site that passed every check takes its slot: media, presence, the others are told. */
void
dc_gateway_admit_site (DcGateway *gateway, guint slot, DcPeer *peer, DcSite *site)
{
  gint64 now = g_get_monotonic_time ();
  dc_roster_attach (gateway->roster, slot, peer, site, now);
  if (peer)
    dc_peer_set_slot (peer, slot);
  dc_audio_mixer_set_output_format (gateway->audio, slot, dc_site_takes_pcm_audio (site)
                                                               ? DC_AUDIO_OUTPUT_PCM
                                                               : DC_AUDIO_OUTPUT_OPUS);
  dc_audio_mixer_set_connected (gateway->audio, slot, TRUE);
  dc_conference_set_present (gateway->conference, slot, TRUE, now);
  g_autoptr (GError) error = NULL;
  if (!dc_gateway_links_admit (gateway, slot, site, &error))
    GST_ERROR ("site %s gets no picture: %s", dc_site_get_id (site), error->message);
  if (peer)
    {
      g_autofree char *welcome = dc_meeting_welcome_new (gateway->conference, slot);
      dc_peer_send (peer, welcome);
      g_autofree char *layout = dc_media_sync_layout_message_new (gateway->sync);
      dc_peer_send (peer, layout);
    }
  broadcast (gateway, dc_meeting_site_joined_new (gateway->conference, slot), slot);
  sync_media (gateway, TRUE);
}

/* The slot's site may join: a known site, the right token, not locked out. */
static int
check_join (DcGateway *gateway, DcPeer *peer, const DcMessage *message)
{
  const char *site_id = dc_message_get_string (message, "site");
  int slot = dc_conference_find_slot (gateway->conference, site_id);
  if (slot < 0)
    {
      g_autofree char *why = g_strdup_printf ("no site \"%s\" in this conference", site_id);
      dc_peer_send_error (peer, DC_ERR_UNKNOWN_SITE, TRUE, why);
      return -1;
    }
  const DcSiteConfig *site = dc_conference_get_site (gateway->conference, slot);
  if (!dc_token_verify (site->token_hash, dc_message_get_string (message, "token")))
    {
      GST_WARNING ("wrong token for site %s from %s", site_id, dc_peer_get_address (peer));
      dc_peer_send_error (peer, DC_ERR_BAD_TOKEN, TRUE,
                          "the token is not valid for this site; ask the conference operator");
      return -1;
    }
  switch (dc_conference_check_join (gateway->conference, slot))
    {
    case DC_JOIN_LOCKED:
      dc_peer_send_error (peer, DC_ERR_CONFERENCE_LOCKED, TRUE,
                          "the chair has locked the conference; no new site may join");
      return -1;
    case DC_JOIN_REMOVED:
      dc_peer_send_error (peer, DC_ERR_NOT_PERMITTED, TRUE,
                          "the chair removed this site from the meeting");
      return -1;
    case DC_JOIN_OK:
      break;
    }
  return slot;
}

/* The configured codec where the site can take it, so one encode serves as many as can share it. */
static const DcVideoCodec *
choose_codec (DcGateway *gateway, DcPeer *peer, const DcMessage *message)
{
  g_auto (GStrv) listed = dc_message_dup_strings (message, "video-codecs");
  const char *name = dc_codec_choice_for_site (gateway->codec->name, (const char *const *) listed,
                                               dc_video_codec_names ());
  if (name == NULL)
    {
      g_autofree char *offered = g_strjoinv (", ", (char **) dc_video_codec_names ());
      g_autofree char *why
          = g_strdup_printf ("none of the listed video codecs is one this gateway sends (%s)",
                             offered);
      dc_peer_send_error (peer, DC_ERR_BAD_FIELD, TRUE, why);
    }
  return name ? dc_video_codec_find (name) : NULL;
}

static void
handle_join (DcGateway *gateway, DcPeer *peer, const DcMessage *message)
{
  if (dc_peer_get_slot (peer) >= 0)
    {
      dc_peer_send_error (peer, DC_ERR_ALREADY_JOINED, FALSE,
                          "this connection has already joined; send leave first");
      return;
    }
  int slot = check_join (gateway, peer, message);
  if (slot < 0)
    return;
  const DcVideoCodec *codec = choose_codec (gateway, peer, message);
  if (codec == NULL)
    return;
  /* The old session is closed before the new one exists: nothing of it reaches the new one. */
  dc_gateway_dismiss_site (gateway, slot, "replaced", DC_GATEWAY_BYE, NULL);

  g_autoptr (GError) error = NULL;
  DcSite *site = start_webrtc_site (gateway, slot, codec, &error);
  if (site == NULL)
    {
      GST_ERROR ("site %s: cannot start media: %s", dc_message_get_string (message, "site"),
                 error->message);
      dc_peer_send_error (peer, DC_ERR_INTERNAL, TRUE, "the gateway could not start the media");
      return;
    }
  GST_INFO ("site %s joined from %s", dc_site_get_id (site), dc_peer_get_address (peer));
  dc_gateway_admit_site (gateway, slot, peer, site);
}

static void
handle_answer (DcGateway *gateway, DcPeer *peer, guint slot, const DcMessage *message)
{
  g_autoptr (GError) error = NULL;
  DcSite *site = dc_roster_get_site (gateway->roster, slot);
  if (site == NULL)
    return;
  if (dc_webrtc_site_set_answer (site, dc_message_get_string (message, "sdp"), &error))
    dc_roster_mark (gateway->roster, slot, DC_ROSTER_ANSWER_READ, g_get_monotonic_time ());
  else
    dc_peer_send_error (peer, DC_ERR_BAD_SDP, FALSE, error->message);
}

/* ---- chairing ---- */

static void
save_attendance (DcGateway *gateway)
{
  DcAttendance *attendance = dc_conference_get_attendance (gateway->conference);
  if (dc_attendance_get_length (attendance) == 0)
    return;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = dc_attendance_write (attendance, gateway->config->attendance_dir, &error);
  if (path)
    g_print ("diemcau-gateway: attendance written to %s\n", path);
  else
    g_printerr ("diemcau-gateway: cannot write the attendance: %s\n", error->message);
}

static void
end_meeting (DcGateway *gateway)
{
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    dc_gateway_dismiss_site (gateway, slot, "ended", DC_GATEWAY_BYE, NULL);
  dc_conference_force_recording (gateway->conference, FALSE);
  dc_gateway_recording_apply (gateway);
  save_attendance (gateway);
  dc_attendance_clear (dc_conference_get_attendance (gateway->conference));
}

static gboolean
handle_chair_message (DcGateway *gateway, DcPeer *peer, guint slot, const DcMessage *message)
{
  DcFloorExpiry expiry = gateway->config->floor_expiry == 1 ? DC_EXPIRY_SIGNAL : DC_EXPIRY_MUTE;
  DcChairOutcome outcome;
  if (!dc_chair_apply (gateway->conference, expiry, slot, message, g_get_monotonic_time (),
                       &outcome))
    return FALSE;
  GST_INFO ("%s from %s: %s", dc_message_type_to_string (message->type),
            dc_conference_get_site (gateway->conference, slot)->id,
            outcome.result == DC_COMMAND_OK ? "done" : "refused");
  if (outcome.refusal)
    dc_peer_send_error (peer, outcome.error_code, FALSE, outcome.refusal);
  if (outcome.reply)
    dc_peer_send (peer, outcome.reply);
  if (outcome.effects & DC_CHAIR_DISMISS_TARGET)
    dc_gateway_dismiss_site (gateway, outcome.target, "removed", DC_GATEWAY_BYE, NULL);
  if (outcome.effects & DC_CHAIR_END_MEETING)
    end_meeting (gateway);
  if (outcome.effects & DC_CHAIR_RECORD)
    dc_gateway_recording_apply (gateway);
  for (guint i = 0; (outcome.effects & DC_CHAIR_CALL) && i < outcome.n_calls; i++)
    dc_gateway_dial (gateway, outcome.calls[i]);
  if (outcome.effects & DC_CHAIR_STATE_CHANGED)
    sync_media (gateway, TRUE);
  dc_chair_outcome_clear (&outcome);
  return TRUE;
}

/* ---- signaling (main context) ---- */

static void
handle_joined_message (DcGateway *gateway, DcPeer *peer, guint slot, const DcMessage *message)
{
  switch (message->type)
    {
    case DC_MSG_ANSWER:
      handle_answer (gateway, peer, slot, message);
      break;
    case DC_MSG_ICE:
      {
        DcSite *site = dc_roster_get_site (gateway->roster, slot);
        if (site)
          dc_webrtc_site_add_candidate (site, dc_message_get_string (message, "candidate"),
                                        dc_message_get_int (message, "sdpMLineIndex", 0));
      }
      break;
    case DC_MSG_LEAVE:
      dc_gateway_dismiss_site (gateway, slot, "left", DC_GATEWAY_BYE, NULL);
      break;
    default:
      if (!handle_chair_message (gateway, peer, slot, message))
        dc_peer_send_error (peer, DC_ERR_UNKNOWN_TYPE, FALSE, "this message is not handled here");
      break;
    }
}

static void
on_peer_message (DcPeer *peer, const DcMessage *message, gpointer data)
{
  DcGateway *gateway = data;
  if (message->type == DC_MSG_SITES)
    {
      g_autofree char *text = dc_meeting_site_list_new (gateway->conference);
      dc_peer_send (peer, text);
      return;
    }
  if (message->type == DC_MSG_JOIN)
    {
      handle_join (gateway, peer, message);
      return;
    }
  int slot = dc_peer_get_slot (peer);
  if (slot < 0)
    {
      g_autofree char *why = g_strdup_printf ("\"%s\" needs a joined site; send join first",
                                              dc_message_type_to_string (message->type));
      dc_peer_send_error (peer, DC_ERR_NOT_JOINED, FALSE, why);
      return;
    }
  handle_joined_message (gateway, peer, slot, message);
}

static void
on_peer_closed (DcPeer *peer, gpointer data)
{
  DcGateway *gateway = data;
  int slot = dc_peer_get_slot (peer);
  /* A site that closes its socket with a close frame of 1000, or 1001 as a browser does when its
   * page goes, has left (protocol.md §7 site-left). Anything else is lost: an error code, or no
   * close frame at all, be it a vanished network or a killed client whose kernel ended the TCP. */
  gushort code = dc_peer_get_close_code (peer);
  gboolean normal = code == SOUP_WEBSOCKET_CLOSE_NORMAL || code == SOUP_WEBSOCKET_CLOSE_GOING_AWAY;
  if (slot >= 0 && dc_roster_get_peer (gateway->roster, slot) == peer)
    dc_gateway_dismiss_site (gateway, slot, normal ? "left" : "lost", DC_GATEWAY_BYE, NULL);
}

/* GET /api/sites answers with the same object as the site-list message. */
static char *
on_site_list_json (gpointer data)
{
  DcGateway *gateway = data;
  return dc_meeting_site_list_new (gateway->conference);
}

/* ---- timers ---- */

/* Why the slot's site counts as lost, or NULL while it is alive or still in time. Audio proves it
 * alive; before the first, the handshake's latest step starts the count. */
static const char *
media_overdue (DcGateway *gateway, guint slot, gint64 now)
{
  gint64 last = dc_audio_mixer_last_input (gateway->audio, slot);
  if (last)
    return now - last > LOST_AFTER_US ? "no media arrived from this site for 5 s" : NULL;
  gint64 offered = dc_roster_get_mark (gateway->roster, slot, DC_ROSTER_OFFER_SENT);
  gint64 answered = dc_roster_get_mark (gateway->roster, slot, DC_ROSTER_ANSWER_READ);
  if (answered)
    return now - answered > LOST_AFTER_US
               ? "no media arrived within 5 s of the answer (ICE or DTLS did not complete)"
               : NULL;
  if (offered)
    return now - offered > LOST_AFTER_US ? "the offer was not answered within 5 s" : NULL;
  gint64 joined_at = dc_roster_get_joined_at (gateway->roster, slot);
  return now - joined_at > SETUP_GRACE_US ? "no media arrived within 20 s of joining" : NULL;
}

static gboolean
watchdog_tick (gpointer data)
{
  DcGateway *gateway = data;
  gint64 now = g_get_monotonic_time ();
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    {
      /* A hall on hold sends nothing, on purpose; its call (SIP) says when it is gone. */
      gint64 hold_changed = dc_conference_get_hold_changed_at (gateway->conference, slot);
      if (dc_roster_get_site (gateway->roster, slot) == NULL
          || dc_conference_is_on_hold (gateway->conference, slot)
          || (hold_changed && now - hold_changed < LOST_AFTER_US))
        continue;
      const char *why = media_overdue (gateway, slot, now);
      if (why == NULL)
        continue;
      GST_WARNING ("site %s: %s; treating it as lost",
                   dc_conference_get_site (gateway->conference, slot)->id, why);
      g_autofree char *message = g_strdup_printf ("%s; join again", why);
      dc_gateway_dismiss_site (gateway, slot, "lost", DC_ERR_INTERNAL, message);
    }
  dc_gateway_links_tick (gateway);
  return G_SOURCE_CONTINUE;
}

static void
update_speaking (DcGateway *gateway)
{
  float levels[DC_LAYOUT_MAX_SLOTS];
  dc_audio_mixer_get_levels (gateway->audio, levels);
  int speaking = -1;
  if (!dc_conference_update_levels (gateway->conference, levels, g_get_monotonic_time (),
                                    &speaking))
    return;
  broadcast (gateway,
             dc_meeting_speaking_new (gateway->conference, speaking,
                                      speaking >= 0 ? levels[speaking] : -127.0f),
             -1);
  /* The highlight moves; in speaker focus the tile order may too. */
  sync_media (gateway, FALSE);
}

static void
tick_floor (DcGateway *gateway)
{
  int floor = dc_conference_get_floor (gateway->conference);
  DcFloorTick tick = dc_conference_tick_floor (gateway->conference, g_get_monotonic_time ());
  if (tick == DC_FLOOR_TICK_NONE)
    return;
  broadcast (gateway, dc_meeting_floor_timer_new (gateway->conference, floor, tick), -1);
  sync_media (gateway, TRUE);
}

/* Voice activity every 100 ms, the floor timer every second. */
static gboolean
conference_tick (gpointer data)
{
  DcGateway *gateway = data;
  update_speaking (gateway);
  if (++gateway->ticks % 10 == 0)
    tick_floor (gateway);
  return G_SOURCE_CONTINUE;
}

/* ---- construction ---- */

static gboolean
check_config (const DcConfig *config, GError **error)
{
  if (config->sites->len > DC_LAYOUT_MAX_SLOTS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%u sites configured; the gateway composes at most %d", config->sites->len,
                   DC_LAYOUT_MAX_SLOTS);
      return FALSE;
    }
  if (dc_video_codec_find (config->codec) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown codec \"%s\"",
                   config->codec);
      return FALSE;
    }
  return TRUE;
}

/* Every codec's encoder is built once at start, so a missing plugin stops the gateway now rather
 * than the first hall that needs it; afterwards an encoder runs only while some site receives it. */
static gboolean
check_encoders (DcVideoMixer *video, GError **error)
{
  for (const char *const *name = dc_video_codec_names (); *name != NULL; name++)
    {
      const DcVideoCodec *codec = dc_video_codec_find (*name);
      if (!dc_video_mixer_use_codec (video, codec, 0, error))
        return FALSE;
      dc_video_mixer_release_codec (video, codec, 0);
    }
  return TRUE;
}

DcGateway *
dc_gateway_new (DcConfig *config, GError **error)
{
  g_return_val_if_fail (config != NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (dc_gateway_debug, "dc-gateway", 0, "diemcau gateway");
  g_autoptr (DcConfig) owned = config;
  if (!check_config (config, error))
    return NULL;

  DcGateway *gateway = g_new0 (DcGateway, 1);
  gateway->config = g_steal_pointer (&owned);
  g_mutex_init (&gateway->recording_lock);
  gateway->codec = dc_video_codec_find (config->codec);
  gateway->n_sites = config->sites->len;
  gateway->teardown = dc_teardown_pool_new ();
  gateway->roster = dc_roster_new (gateway->n_sites);
  gateway->conference = dc_conference_new (config, config->floor_expiry == 1 ? DC_EXPIRY_SIGNAL
                                                                              : DC_EXPIRY_MUTE);
  gateway->audio = dc_audio_mixer_new (gateway->n_sites, config->audio_bitrate_kbps,
                                       on_mixed_audio, gateway);
  DcVideoMixerParams video = {
    .n_slots = gateway->n_sites,
    .width = config->width,
    .height = config->height,
    .framerate = config->framerate,
    .bitrate_kbps = config->bitrate_kbps,
  };
  if (dc_gateway_links_read_tiers (config, &video, error))
    gateway->video = dc_video_mixer_new (&video, on_composed_video, gateway, error);
  gateway->tier_bitrate_kbps[0] = config->bitrate_kbps;
  for (guint i = 1; i < video.n_tiers; i++)
    gateway->tier_bitrate_kbps[i] = video.tiers[i].bitrate_kbps;
  if (gateway->video == NULL || !check_encoders (gateway->video, error))
    {
      dc_gateway_free (gateway);
      return NULL;
    }
  gateway->sync = dc_media_sync_new (gateway->conference, gateway->roster, gateway->audio,
                                     gateway->video, config->width, config->height);
  dc_media_sync_apply (gateway->sync);

  DcSignalingHandlers handlers = {
    .message = on_peer_message,
    .closed = on_peer_closed,
    .site_list_json = on_site_list_json,
  };
  gateway->signaling = dc_signaling_new (&handlers, gateway);
  return gateway;
}

gboolean
dc_gateway_start (DcGateway *gateway, GError **error)
{
  if (!dc_audio_mixer_start (gateway->audio, error)
      || !dc_video_mixer_start (gateway->video, error)
      || !dc_signaling_listen (gateway->signaling, gateway->config, error)
      || !dc_gateway_sip_start (gateway, error))
    return FALSE;
  gateway->watchdog_id = g_timeout_add (1000, watchdog_tick, gateway);
  gateway->tick_id = g_timeout_add (100, conference_tick, gateway);
  if (gateway->config->recording_auto_start)
    {
      dc_conference_force_recording (gateway->conference, TRUE);
      dc_gateway_recording_apply (gateway);
    }
  return TRUE;
}

/* Sites first (closed: no callback left), then the signaling, then the mixers (their threads
 * joined: nobody holds a site any more), then the teardown pool drains (no transport still
 * stopping when this returns), and only then the state the others read. */
void
dc_gateway_free (DcGateway *gateway)
{
  if (gateway == NULL)
    return;
  g_clear_handle_id (&gateway->watchdog_id, g_source_remove);
  g_clear_handle_id (&gateway->tick_id, g_source_remove);
  if (gateway->sync)
    for (guint slot = 0; slot < gateway->n_sites; slot++)
      dc_gateway_dismiss_site (gateway, slot, "left", DC_GATEWAY_QUIET, NULL);
  /* After the sites: the stack sends the BYEs their dismissal queued. */
  dc_gateway_sip_stop (gateway);
  if (gateway->conference)
    save_attendance (gateway);
  g_clear_pointer (&gateway->signaling, dc_signaling_free);
  if (gateway->video)
    dc_gateway_recording_stop (gateway);
  g_clear_pointer (&gateway->video, dc_video_mixer_free);
  g_clear_pointer (&gateway->audio, dc_audio_mixer_free);
  g_clear_pointer (&gateway->teardown, dc_teardown_pool_free);
  g_clear_pointer (&gateway->sync, dc_media_sync_free);
  g_clear_pointer (&gateway->roster, dc_roster_free);
  g_clear_pointer (&gateway->conference, dc_conference_free);
  g_clear_pointer (&gateway->config, dc_config_free);
  g_mutex_clear (&gateway->recording_lock);
  g_free (gateway);
}

char **
dc_gateway_get_urls (DcGateway *gateway)
{
  return dc_signaling_get_urls (gateway->signaling);
}

char *
dc_gateway_describe_stats (DcGateway *gateway)
{
  DcVideoMixerStats video;
  dc_video_mixer_get_stats (gateway->video, &video);
  return g_strdup_printf ("sites=%u frames_composed=%" G_GUINT64_FORMAT
                          " frames_encoded=%" G_GUINT64_FORMAT " ticks_missed=%" G_GUINT64_FORMAT
                          " keyframe_requests=%" G_GUINT64_FORMAT
                          " keyframes_forced=%" G_GUINT64_FORMAT
                          " teardowns_pending=%u",
                          dc_conference_count_present (gateway->conference),
                          video.frames_composed, video.frames_encoded, video.ticks_missed,
                          video.keyframe_requests, video.keyframes_forced,
                          dc_teardown_pool_get_pending (gateway->teardown));
}
