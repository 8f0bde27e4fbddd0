#include "gateway.h"

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gateway-private.h"
#include "token.h"

GST_DEBUG_CATEGORY_STATIC (dc_gateway_debug);
#define GST_CAT_DEFAULT dc_gateway_debug

/* A joined site that sends no audio for this long has lost its network (sites send Opus frames
 * continuously, silence included). A site still setting up gets the longer grace. */
#define LOST_AFTER_US (5 * G_USEC_PER_SEC)
#define SETUP_GRACE_US (20 * G_USEC_PER_SEC)
#define JITTER_LATENCY_MS 100

/* ---- media hand-over (mixer threads) ---- */

DcSiteSession *
dc_gateway_session_for_slot (DcGateway *gateway, guint slot)
{
  g_mutex_lock (&gateway->sessions_lock);
  DcSiteSession *session = gateway->links[slot].session;
  if (session)
    dc_site_session_ref (session);
  g_mutex_unlock (&gateway->sessions_lock);
  return session;
}

static void
on_mixed_audio (guint slot, GstBuffer *opus, gpointer data)
{
  DcSiteSession *session = dc_gateway_session_for_slot (data, slot);
  if (session)
    {
      dc_site_session_push_audio (session, opus);
      dc_site_session_unref (session);
    }
}

static void
on_composed_video (GstBuffer *encoded, gpointer data)
{
  DcGateway *gateway = data;
  DcSiteSession *sessions[DC_LAYOUT_MAX_SLOTS];
  guint n = 0;
  g_mutex_lock (&gateway->sessions_lock);
  for (guint i = 0; i < gateway->n_sites; i++)
    if (gateway->links[i].session)
      sessions[n++] = dc_site_session_ref (gateway->links[i].session);
  g_mutex_unlock (&gateway->sessions_lock);
  for (guint i = 0; i < n; i++)
    {
      dc_site_session_push_video (sessions[i], encoded);
      dc_site_session_unref (sessions[i]);
    }
}

static void
on_decoded_audio (DcSiteSession *session, const float *samples, guint n, gpointer data)
{
  DcGateway *gateway = data;
  dc_audio_mixer_write (gateway->audio, dc_site_session_get_slot (session), samples, n);
}

static void
on_decoded_video (DcSiteSession *session, GstSample *sample, gpointer data)
{
  DcGateway *gateway = data;
  dc_video_mixer_put_frame (gateway->video, dc_site_session_get_slot (session), sample);
}

static void
on_keyframe_wanted (DcSiteSession *session, gpointer data)
{
  DcGateway *gateway = data;
  dc_video_mixer_request_keyframe (gateway->video);
}

/* ---- session lifecycle (main context) ---- */

static void
on_local_offer (DcSiteSession *session, const char *sdp, gpointer data)
{
  DcGateway *gateway = data;
  SiteLink *link = &gateway->links[dc_site_session_get_slot (session)];
  if (link->session == session && link->peer)
    {
      g_autofree char *text = dc_message_new_sdp (DC_MSG_OFFER, sdp);
      dc_peer_send (link->peer, text);
    }
}

static void
on_local_candidate (DcSiteSession *session, const char *candidate, guint mline, gpointer data)
{
  DcGateway *gateway = data;
  SiteLink *link = &gateway->links[dc_site_session_get_slot (session)];
  if (link->session == session && link->peer)
    {
      g_autofree char *text = dc_message_new_ice (candidate, mline);
      dc_peer_send (link->peer, text);
    }
}


static void
on_session_failed (DcSiteSession *session, const char *why, gpointer data)
{
  DcGateway *gateway = data;
  guint slot = dc_site_session_get_slot (session);
  SiteLink *link = &gateway->links[slot];
  if (link->session != session)
    return;
  GST_WARNING ("site %s: media failed: %s", dc_site_session_get_site_id (session), why);
  if (link->peer)
    {
      DcPeer *peer = link->peer;
      g_autofree char *message = g_strdup_printf ("the media connection failed: %s", why);
      dc_gateway_end_site (gateway, slot, "lost");
      dc_peer_send_error (peer, DC_ERR_INTERNAL, TRUE, message);
    }
  else
    dc_gateway_end_site (gateway, slot, "lost");
}

static const DcSiteSessionCallbacks session_callbacks = {
  .local_offer = on_local_offer,
  .local_candidate = on_local_candidate,
  .failed = on_session_failed,
  .decoded_audio = on_decoded_audio,
  .decoded_video = on_decoded_video,
  .keyframe_wanted = on_keyframe_wanted,
};

/* Everything a site leaves behind goes here: its media, its peer link, its tile. */
void
dc_gateway_end_site (DcGateway *gateway, guint slot, const char *reason)
{
  SiteLink *link = &gateway->links[slot];
  g_mutex_lock (&gateway->sessions_lock);
  DcSiteSession *session = g_steal_pointer (&link->session);
  g_mutex_unlock (&gateway->sessions_lock);
  if (session)
    {
      dc_site_session_close (session);
      dc_site_session_unref (session);
    }
  if (link->peer)
    dc_peer_set_slot (link->peer, -1);
  gboolean was_present = link->peer != NULL || session != NULL;
  link->peer = NULL;
  if (!was_present)
    return;

  GST_INFO ("site %s left (%s)", dc_conference_get_site (gateway->conference, slot)->id, reason);
  dc_audio_mixer_set_connected (gateway->audio, slot, FALSE);
  dc_conference_set_present (gateway->conference, slot, FALSE, g_get_monotonic_time ());
  g_autofree char *event = dc_gateway_site_event_new (gateway, DC_MSG_SITE_LEFT, slot, reason);
  dc_gateway_broadcast (gateway, event, -1);
  dc_gateway_sync (gateway, TRUE);
}

static void
send_welcome (DcGateway *gateway, DcPeer *peer, guint slot)
{
  const DcSiteConfig *site = dc_conference_get_site (gateway->conference, slot);
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_int_member (body, "protocol", DC_PROTOCOL_VERSION);
  json_object_set_string_member (body, "site", site->id);
  json_object_set_string_member (body, "name", site->name);
  json_object_set_string_member (body, "role", dc_role_to_string (site->role));
  json_object_set_array_member (body, "sites", dc_gateway_site_list_array (gateway));
  g_autofree char *welcome = dc_message_serialize (DC_MSG_WELCOME, body);
  dc_peer_send (peer, welcome);
  g_autofree char *layout = dc_gateway_layout_message_new (gateway);
  dc_peer_send (peer, layout);
}

static DcSiteSession *
start_session (DcGateway *gateway, guint slot, GError **error)
{
  const DcConfig *config = gateway->config;
  DcSiteSessionParams params = {
    .site_id = dc_conference_get_site (gateway->conference, slot)->id,
    .slot = slot,
    .codec = gateway->codec,
    .tile_width = gateway->rects[slot].width,
    .tile_height = gateway->rects[slot].height,
    .jitter_latency_ms = JITTER_LATENCY_MS,
    .ice_addresses = (const char *const *) config->ice_addresses,
    .ice_port_min = config->ice_port_min,
    .ice_port_max = config->ice_port_max,
    .stun_server = config->stun_server,
    .turn_servers = (const char *const *) config->turn_servers,
  };
  return dc_site_session_new (&params, &session_callbacks, gateway, error);
}

static void
replace_old_peer (DcGateway *gateway, guint slot)
{
  DcPeer *old = gateway->links[slot].peer;
  if (old == NULL)
    return;
  g_autofree char *bye = dc_message_new_bye ("replaced");
  dc_peer_send (old, bye);
  dc_gateway_end_site (gateway, slot, "replaced");
  dc_peer_close (old, SOUP_WEBSOCKET_CLOSE_NORMAL, "replaced");
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
  const char *site_id = dc_message_get_string (message, "site");
  int slot = dc_conference_find_slot (gateway->conference, site_id);
  if (slot < 0)
    {
      g_autofree char *why = g_strdup_printf ("no site \"%s\" in this conference", site_id);
      dc_peer_send_error (peer, DC_ERR_UNKNOWN_SITE, TRUE, why);
      return;
    }
  const DcSiteConfig *site = dc_conference_get_site (gateway->conference, slot);
  if (!dc_token_verify (site->token_hash, dc_message_get_string (message, "token")))
    {
      GST_WARNING ("wrong token for site %s from %s", site_id, dc_peer_get_address (peer));
      dc_peer_send_error (peer, DC_ERR_BAD_TOKEN, TRUE,
                          "the token is not valid for this site; ask the conference operator");
      return;
    }
  switch (dc_conference_check_join (gateway->conference, slot))
    {
    case DC_JOIN_LOCKED:
      dc_peer_send_error (peer, DC_ERR_CONFERENCE_LOCKED, TRUE,
                          "the chair has locked the conference; no new site may join");
      return;
    case DC_JOIN_REMOVED:
      dc_peer_send_error (peer, DC_ERR_NOT_PERMITTED, TRUE,
                          "the chair removed this site from the meeting");
      return;
    case DC_JOIN_OK:
      break;
    }
  replace_old_peer (gateway, slot);

  g_autoptr (GError) error = NULL;
  DcSiteSession *session = start_session (gateway, slot, &error);
  if (session == NULL)
    {
      GST_ERROR ("site %s: cannot start media: %s", site_id, error->message);
      dc_peer_send_error (peer, DC_ERR_INTERNAL, TRUE, "the gateway could not start the media");
      return;
    }
  SiteLink *link = &gateway->links[slot];
  link->peer = peer;
  link->joined_at = g_get_monotonic_time ();
  dc_peer_set_slot (peer, slot);
  dc_audio_mixer_set_connected (gateway->audio, slot, TRUE);
  dc_conference_set_present (gateway->conference, slot, TRUE, link->joined_at);
  g_mutex_lock (&gateway->sessions_lock);
  link->session = session;
  g_mutex_unlock (&gateway->sessions_lock);
  dc_video_mixer_request_keyframe (gateway->video);

  GST_INFO ("site %s joined from %s", site_id, dc_peer_get_address (peer));
  send_welcome (gateway, peer, slot);
  g_autofree char *event = dc_gateway_site_event_new (gateway, DC_MSG_SITE_JOINED, slot, NULL);
  dc_gateway_broadcast (gateway, event, slot);
  dc_gateway_sync (gateway, TRUE);
}

static void
handle_answer (DcGateway *gateway, DcPeer *peer, guint slot, const DcMessage *message)
{
  g_autoptr (GError) error = NULL;
  DcSiteSession *session = gateway->links[slot].session;
  if (session
      && !dc_site_session_set_answer (session, dc_message_get_string (message, "sdp"), &error))
    dc_peer_send_error (peer, DC_ERR_BAD_SDP, FALSE, error->message);
}

static void
on_peer_message (DcPeer *peer, const DcMessage *message, gpointer data)
{
  DcGateway *gateway = data;
  if (message->type == DC_MSG_SITES)
    {
      g_autoptr (JsonObject) body = json_object_new ();
      json_object_set_array_member (body, "sites", dc_gateway_site_list_array (gateway));
      g_autofree char *text = dc_message_serialize (DC_MSG_SITE_LIST, body);
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
  switch (message->type)
    {
    case DC_MSG_ANSWER:
      handle_answer (gateway, peer, slot, message);
      break;
    case DC_MSG_ICE:
      if (gateway->links[slot].session)
        dc_site_session_add_candidate (gateway->links[slot].session,
                                       dc_message_get_string (message, "candidate"),
                                       dc_message_get_int (message, "sdpMLineIndex", 0));
      break;
    case DC_MSG_LEAVE:
      {
        dc_gateway_end_site (gateway, slot, "left");
        g_autofree char *bye = dc_message_new_bye ("left");
        dc_peer_send (peer, bye);
        dc_peer_close (peer, SOUP_WEBSOCKET_CLOSE_NORMAL, "left");
      }
      break;
    default:
      if (!dc_gateway_handle_chair_message (gateway, peer, slot, message))
        dc_peer_send_error (peer, DC_ERR_UNKNOWN_TYPE, FALSE, "this message is not handled here");
      break;
    }
}

static void
on_peer_closed (DcPeer *peer, gpointer data)
{
  DcGateway *gateway = data;
  int slot = dc_peer_get_slot (peer);
  /* A site that closes its socket properly has left (protocol.md §7 site-left); anything else,
   * no close frame included, means its connection was lost. */
  gboolean normal = dc_peer_get_close_code (peer) == SOUP_WEBSOCKET_CLOSE_NORMAL;
  if (slot >= 0 && gateway->links[slot].peer == peer)
    dc_gateway_end_site (gateway, slot, normal ? "left" : "lost");
}

/* GET /api/sites answers with the same object as the site-list message. */
static char *
on_site_list_json (gpointer data)
{
  DcGateway *gateway = data;
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_array_member (body, "sites", dc_gateway_site_list_array (gateway));
  return dc_message_serialize (DC_MSG_SITE_LIST, body);
}

/* ---- timers ---- */

static gboolean
watchdog_tick (gpointer data)
{
  DcGateway *gateway = data;
  gint64 now = g_get_monotonic_time ();
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    {
      SiteLink *link = &gateway->links[slot];
      if (link->session == NULL)
        continue;
      gint64 last = dc_audio_mixer_last_input (gateway->audio, slot);
      gboolean lost = last ? now - last > LOST_AFTER_US : now - link->joined_at > SETUP_GRACE_US;
      if (!lost)
        continue;
      GST_WARNING ("site %s: no media for %s; treating it as lost",
                   dc_conference_get_site (gateway->conference, slot)->id,
                   last ? "5 s" : "20 s after joining");
      DcPeer *peer = link->peer;
      dc_gateway_end_site (gateway, slot, "lost");
      if (peer)
        dc_peer_send_error (peer, DC_ERR_INTERNAL, TRUE,
                            "no media arrived from this site; join again");
    }
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
  g_autoptr (JsonObject) body = json_object_new ();
  json_object_set_string_member (
      body, "site", speaking >= 0 ? dc_conference_get_site (gateway->conference, speaking)->id : "");
  json_object_set_double_member (body, "level", speaking >= 0 ? levels[speaking] : -127.0);
  g_autofree char *text = dc_message_serialize (DC_MSG_SPEAKING, body);
  dc_gateway_broadcast (gateway, text, -1);
  /* The highlight moves; in speaker focus the tile order may too. */
  dc_gateway_sync (gateway, FALSE);
}

/* Voice activity every 100 ms, the floor timer every second. */
static gboolean
conference_tick (gpointer data)
{
  DcGateway *gateway = data;
  update_speaking (gateway);
  if (++gateway->ticks % 10 == 0)
    dc_gateway_tick_floor (gateway);
  return G_SOURCE_CONTINUE;
}

void
dc_gateway_save_attendance (DcGateway *gateway)
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

/* ---- construction ---- */

DcGateway *
dc_gateway_new (DcConfig *config, GError **error)
{
  g_return_val_if_fail (config != NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (dc_gateway_debug, "dc-gateway", 0, "diemcau gateway");
  g_autoptr (DcConfig) owned = config;
  if (config->sites->len > DC_LAYOUT_MAX_SLOTS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%u sites configured; the gateway composes at most %d", config->sites->len,
                   DC_LAYOUT_MAX_SLOTS);
      return NULL;
    }
  const DcVideoCodec *codec = dc_video_codec_find (config->codec);
  if (codec == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown codec \"%s\"",
                   config->codec);
      return NULL;
    }

  DcGateway *gateway = g_new0 (DcGateway, 1);
  gateway->config = g_steal_pointer (&owned);
  gateway->codec = codec;
  gateway->n_sites = config->sites->len;
  gateway->links = g_new0 (SiteLink, gateway->n_sites);
  g_mutex_init (&gateway->sessions_lock);
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
    .codec = codec,
  };
  gateway->video = dc_video_mixer_new (&video, on_composed_video, gateway, error);
  if (gateway->video == NULL)
    {
      dc_gateway_free (gateway);
      return NULL;
    }
  dc_gateway_sync (gateway, FALSE);

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
      || !dc_signaling_listen (gateway->signaling, gateway->config, error))
    return FALSE;
  gateway->watchdog_id = g_timeout_add (1000, watchdog_tick, gateway);
  gateway->tick_id = g_timeout_add (100, conference_tick, gateway);
  return TRUE;
}

void
dc_gateway_free (DcGateway *gateway)
{
  if (gateway == NULL)
    return;
  g_clear_handle_id (&gateway->watchdog_id, g_source_remove);
  g_clear_handle_id (&gateway->tick_id, g_source_remove);
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    dc_gateway_end_site (gateway, slot, "left");
  if (gateway->conference)
    dc_gateway_save_attendance (gateway);
  g_clear_pointer (&gateway->signaling, dc_signaling_free);
  g_clear_pointer (&gateway->video, dc_video_mixer_free);
  g_clear_pointer (&gateway->audio, dc_audio_mixer_free);
  g_clear_pointer (&gateway->conference, dc_conference_free);
  g_clear_pointer (&gateway->config, dc_config_free);
  g_mutex_clear (&gateway->sessions_lock);
  g_free (gateway->links);
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
                          " keyframes_forced=%" G_GUINT64_FORMAT,
                          dc_conference_count_present (gateway->conference),
                          video.frames_composed, video.frames_encoded, video.ticks_missed,
                          video.keyframe_requests, video.keyframes_forced);
}
