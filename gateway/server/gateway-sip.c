/* SIP halls in the gateway: what the door's admitted offers become (a negotiated SIP site in
 * the caller's slot, the same conference, mix-minus and picture as every WebRTC site), and what
 * a hang-up on either side does. Main context only. */
#include <gst/gst.h>

#include "gateway.h"
#include "gateway-sip-private.h"
#include "media-codec.h"
#include "sip-site.h"
#include "srtp-keys.h"

GST_DEBUG_CATEGORY_STATIC (dc_gateway_sip_debug);
#define GST_CAT_DEFAULT dc_gateway_sip_debug

#define JITTER_LATENCY_MS 100

const DcSipPolicy dc_gateway_sip_policy = {
  .allow_video = TRUE,
  .allow_opus = TRUE,
  .allow_srtp = TRUE, /* SDES, AES_CM_128_HMAC_SHA1_80 */
  .require_srtp = FALSE,
};

static DcSipReply
refuse (guint status, const char *phrase)
{
  return (DcSipReply){ .sdp = NULL, .status = status, .phrase = phrase };
}

void
dc_gateway_sip_leg_clear (DcSipLeg *leg)
{
  g_clear_pointer (&leg->address, g_free);
  g_clear_pointer (&leg->audio_key, g_free);
  g_clear_pointer (&leg->video_key, g_free);
  dc_rtp_ports_clear (&leg->offered_audio);
  dc_rtp_ports_clear (&leg->offered_video);
  leg->audio_port = leg->video_port = 0;
  leg->session_id = g_get_real_time ();
  leg->session_version = 0;
  leg->keypad = (DcKeypad){ 0 };
}

static const DcVideoCodec *
video_codec_for (const DcSipMedia *media)
{
  switch (media->video_codec)
    {
    case DC_SIP_VIDEO_H264:
      return dc_video_codec_find ("h264");
    case DC_SIP_VIDEO_VP8:
      return dc_video_codec_find ("vp8");
    case DC_SIP_VIDEO_NONE:
      break;
    }
  return NULL;
}

/* The address halls send media to: the SIP listen address, or on a wildcard listener the
 * interface that routes to this hall. */
static char *
media_address (const DcConfig *config, const char *remote_address)
{
  const char *listen = config->sip_listen_address;
  if (g_strcmp0 (listen, "0.0.0.0") != 0 && g_strcmp0 (listen, "::") != 0)
    return g_strdup (listen);
  return remote_address ? dc_rtp_local_address_towards (remote_address) : NULL;
}

gboolean
dc_gateway_sip_bind (DcGateway *gateway, const char *remote_address, gboolean with_video,
                     DcSipLeg *leg, DcRtpPorts *audio, DcRtpPorts *video, GError **error)
{
  const DcConfig *config = gateway->config;
  g_autofree char *address = media_address (config, remote_address);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE,
                   "no local address reaches %s", remote_address ? remote_address : "the hall");
      return FALSE;
    }
  if (!dc_rtp_ports_bind (audio, address, config->sip_rtp_port_min, config->sip_rtp_port_max,
                          error)
      || (with_video && !dc_rtp_ports_bind (video, address, config->sip_rtp_port_min,
                                            config->sip_rtp_port_max, error)))
    {
      dc_rtp_ports_clear (audio);
      return FALSE;
    }
  g_free (leg->address);
  leg->address = g_steal_pointer (&address);
  leg->audio_port = audio->port;
  leg->video_port = with_video ? video->port : 0;
  return TRUE;
}

static void
on_keyframe_from_hall (DcSite *site, gpointer data)
{
  DcGateway *gateway = data;
  if (gateway->sip && dc_roster_get_site (gateway->roster, dc_site_get_slot (site)) == site)
    dc_sip_door_request_keyframe (gateway->sip->door, dc_site_get_slot (site));
}

/* "*1" on the hall's remote raises its hand, "*0" lowers it. */
static void
on_key_pressed (DcSite *site, int event, gpointer data)
{
  DcGateway *gateway = data;
  guint slot = dc_site_get_slot (site);
  if (gateway->sip == NULL || dc_roster_get_site (gateway->roster, slot) != site)
    return;
  gint64 now = g_get_monotonic_time ();
  DcCommandResult result = DC_COMMAND_INVALID;
  switch (dc_keypad_feed (&gateway->sip->legs[slot].keypad, event, now))
    {
    case DC_KEYPAD_RAISE_HAND:
      result = dc_conference_raise_hand (gateway->conference, slot, now);
      break;
    case DC_KEYPAD_LOWER_HAND:
      result = dc_conference_lower_hand (gateway->conference, slot, -1);
      break;
    case DC_KEYPAD_NONE:
      return;
    }
  GST_INFO ("site %s: hand by keypad: %s", dc_site_get_id (site),
            result == DC_COMMAND_OK ? "done" : "nothing to do");
  if (result == DC_COMMAND_OK)
    dc_gateway_state_changed (gateway);
}

static const DcSipSignals sip_signals = {
  .keyframe_from_hall = on_keyframe_from_hall,
  .key_pressed = on_key_pressed,
};

DcSite *
dc_gateway_sip_site_new (DcGateway *gateway, guint slot, const DcSipMedia *media, DcSipLeg *leg,
                         DcRtpPorts *audio, DcRtpPorts *video, GError **error)
{
  DcRect tile = dc_media_sync_get_rect (gateway->sync, slot);
  DcSipSiteParams params = {
    .site_id = dc_conference_get_site (gateway->conference, slot)->id,
    .slot = slot,
    .media = media,
    .audio_ports = audio,
    .video_ports = video,
    .video_codec = video_codec_for (media),
    .tile_width = tile.width,
    .tile_height = tile.height,
    .jitter_latency_ms = JITTER_LATENCY_MS,
    .audio_local_key = leg->audio_key,
    .video_local_key = leg->video_key,
  };
  DcSite *site = dc_sip_site_new (&params, &dc_gateway_site_callbacks, &sip_signals, gateway,
                                  gateway->teardown, error);
  dc_rtp_ports_clear (audio);
  dc_rtp_ports_clear (video);
  if (site)
    GST_INFO ("site %s joined over SIP (%s%s)", params.site_id,
              dc_sip_audio_codec_name (media->audio_codec),
              dc_site_get_video_codec (site) ? ", video" : "");
  return site;
}

DcSipLocal
dc_gateway_sip_local (DcSipLeg *leg, const DcSipMedia *media)
{
  return (DcSipLocal){
    .address = leg->address,
    .audio_port = leg->audio_port,
    .video_port = leg->video_port,
    .audio_key = media && media->audio.srtp ? leg->audio_key : NULL,
    .video_key = media && media->video.srtp ? leg->video_key : NULL,
    .session_id = leg->session_id,
    .session_version = leg->session_version++,
    .direction = DC_SIP_SENDRECV,
  };
}

static char *
answer_new (const char *offer, gsize length, const DcSipMedia *media, DcSipLeg *leg)
{
  DcSipLocal local = dc_gateway_sip_local (leg, media);
  return dc_sip_sdp_answer_new (offer, length, media, &local);
}

/* Builds the hall's media on freshly bound ports; NULL (and a status) if it cannot. */
static DcSite *
start_sip_site (DcGateway *gateway, guint slot, const DcSipMedia *media, DcSipLeg *leg,
                DcSipReply *refusal)
{
  DcRtpPorts audio = { 0 }, video = { 0 };
  g_autoptr (GError) error = NULL;
  gboolean with_video = video_codec_for (media) && media->video.port;
  if (!dc_gateway_sip_bind (gateway, media->audio.address, with_video, leg, &audio, &video,
                            &error))
    {
      GST_ERROR ("no media ports for a hall: %s", error->message);
      *refusal = refuse (503, "Service Unavailable (no media port free)");
      return NULL;
    }
  leg->audio_key = media->audio.srtp ? dc_srtp_key_new () : NULL;
  leg->video_key = media->video.srtp ? dc_srtp_key_new () : NULL;
  DcSite *site = dc_gateway_sip_site_new (gateway, slot, media, leg, &audio, &video, &error);
  if (site == NULL)
    {
      GST_ERROR ("slot %u: cannot start its media: %s", slot, error->message);
      *refusal = refuse (500, "Server Internal Error (the media did not start)");
    }
  return site;
}

static DcSipReply
refuse_unreadable (GError *error)
{
  GST_WARNING ("a hall's offer was refused: %s", error->message);
  if (error->code == DC_SIP_SDP_ERROR_PARSE)
    return refuse (400, "Bad Request (the SDP offer cannot be read)");
  return refuse (488, "Not Acceptable Here (no audio codec in common)");
}

static DcSipReply
on_reoffer (DcGateway *gateway, int slot, const char *sdp, gsize length)
{
  DcSite *site = dc_roster_get_site (gateway->roster, slot);
  DcSipLeg *leg = &gateway->sip->legs[slot];
  if (site == NULL || g_strcmp0 (dc_site_get_transport (site), "sip") != 0)
    return refuse (481, "Call/Transaction Does Not Exist");
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GError) error = NULL;
  if (!dc_sip_sdp_read_offer (sdp, length, &dc_gateway_sip_policy, &media, &error))
    return refuse_unreadable (error);
  dc_sip_site_update (site, &media);
  /* RFC 3264 §8.4: a hall that holds the call offers sendonly (music) or inactive. */
  gboolean on_hold = media.audio.direction == DC_SIP_SENDONLY
                     || media.audio.direction == DC_SIP_INACTIVE;
  GST_INFO ("site %s: media updated by a new offer%s", dc_site_get_id (site),
            on_hold ? ": on hold" : "");
  if (on_hold != dc_conference_is_on_hold (gateway->conference, slot))
    {
      dc_conference_set_on_hold (gateway->conference, slot, on_hold, g_get_monotonic_time ());
      dc_gateway_state_changed (gateway);
    }
  return (DcSipReply){ .sdp = answer_new (sdp, length, &media, leg) };
}

/* A caller that sent no offer gets the gateway's, as when the gateway dials; its answer comes
 * with the ACK and goes the dialled way (gateway-dial.c). */
static DcSipReply
offer_to_caller (DcGateway *gateway, int slot)
{
  dc_gateway_dismiss_site (gateway, slot, "replaced", DC_GATEWAY_BYE, NULL);
  DcSipLeg *leg = &gateway->sip->legs[slot];
  dc_gateway_sip_leg_clear (leg);
  leg->dialled = FALSE;
  g_autoptr (GError) error = NULL;
  const char *listen = gateway->config->sip_listen_address;
  if (!dc_gateway_sip_bind (gateway, listen, TRUE, leg, &leg->offered_audio,
                            &leg->offered_video, &error))
    {
      GST_ERROR ("no media ports for a hall: %s", error->message);
      return refuse (503, "Service Unavailable (no media port free)");
    }
  return (DcSipReply){ .sdp = dc_gateway_sip_offer_new (leg) };
}

static DcSipReply
on_offered (int slot, const char *sdp, gsize length, gboolean reoffer, gpointer data)
{
  DcGateway *gateway = data;
  if (reoffer)
    return on_reoffer (gateway, slot, sdp, length);
  switch (dc_conference_check_join (gateway->conference, slot))
    {
    case DC_JOIN_LOCKED:
      return refuse (403, "Forbidden (the chair has locked the conference)");
    case DC_JOIN_REMOVED:
      return refuse (403, "Forbidden (the chair removed this hall from the meeting)");
    case DC_JOIN_OK:
      break;
    }
  if (sdp == NULL)
    return offer_to_caller (gateway, slot);
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GError) error = NULL;
  if (!dc_sip_sdp_read_offer (sdp, length, &dc_gateway_sip_policy, &media, &error))
    return refuse_unreadable (error);

  /* The old session is closed before the new one exists: nothing of it reaches the new one. */
  dc_gateway_dismiss_site (gateway, slot, "replaced", DC_GATEWAY_BYE, NULL);
  DcSipLeg *leg = &gateway->sip->legs[slot];
  dc_gateway_sip_leg_clear (leg);
  leg->dialled = FALSE;
  DcSipReply reply = { 0 };
  DcSite *site = start_sip_site (gateway, slot, &media, leg, &reply);
  if (site == NULL)
    return reply;
  reply.sdp = answer_new (sdp, length, &media, leg);
  dc_gateway_admit_site (gateway, slot, NULL, site);
  return reply;
}

static void
on_ended (int slot, const char *reason, gpointer data)
{
  DcGateway *gateway = data;
  DcSite *site = dc_roster_get_site (gateway->roster, slot);
  if (site && g_strcmp0 (dc_site_get_transport (site), "sip") == 0)
    dc_gateway_dismiss_site (gateway, slot, reason, DC_GATEWAY_BYE, NULL);
  else if (site == NULL)
    dc_gateway_sip_leg_clear (&gateway->sip->legs[slot]); /* ports bound for an offer */
}

static gboolean
on_answered (int slot, const char *sdp, gsize length, gpointer data)
{
  return dc_gateway_dial_answered (data, slot, sdp, length);
}

static void
on_failed (int slot, guint status, const char *phrase, gpointer data)
{
  dc_gateway_dial_failed (data, slot, status, phrase);
}

static void
on_keyframe_wanted (int slot, gpointer data)
{
  DcGateway *gateway = data;
  DcSite *site = dc_roster_get_site (gateway->roster, slot);
  if (site && dc_site_get_video_codec (site))
    dc_video_mixer_request_keyframe (gateway->video, dc_site_get_video_codec (site),
                                     dc_site_get_keyframe_tier (site));
}

gboolean
dc_gateway_sip_start (DcGateway *gateway, GError **error)
{
  GST_DEBUG_CATEGORY_INIT (dc_gateway_sip_debug, "dc-gateway-sip", 0, "diemcau SIP halls");
  if (!gateway->config->sip_enabled)
    return TRUE;
  DcSipDoorHandlers handlers = {
    .offered = on_offered,
    .ended = on_ended,
    .keyframe_wanted = on_keyframe_wanted,
    .answered = on_answered,
    .failed = on_failed,
  };
  DcSipDoor *door = dc_sip_door_new (gateway->config, &handlers, gateway, error);
  if (door == NULL)
    return FALSE;
  gateway->sip = g_new0 (DcGatewaySip, 1);
  gateway->sip->door = door;
  return TRUE;
}

void
dc_gateway_sip_hang_up (DcGateway *gateway, guint slot, const char *reason)
{
  if (gateway->sip == NULL)
    return;
  dc_sip_door_hang_up (gateway->sip->door, slot, reason);
  dc_gateway_dial_site_ended (gateway, slot, reason);
}

void
dc_gateway_sip_stop (DcGateway *gateway)
{
  if (gateway->sip == NULL)
    return;
  for (guint i = 0; i < gateway->n_sites; i++)
    dc_gateway_dial_stop (gateway, i);
  dc_sip_door_free (gateway->sip->door);
  for (guint i = 0; i < DC_LAYOUT_MAX_SLOTS; i++)
    dc_gateway_sip_leg_clear (&gateway->sip->legs[i]);
  g_clear_pointer (&gateway->sip, g_free);
}

const char *
dc_gateway_get_sip_url (DcGateway *gateway)
{
  return gateway->sip ? dc_sip_door_get_url (gateway->sip->door) : NULL;
}
