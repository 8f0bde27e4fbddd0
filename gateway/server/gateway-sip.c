/* SIP halls in the gateway: what the door's admitted offers become (a negotiated SIP site in
 * the caller's slot, the same conference, mix-minus and picture as every WebRTC site), and what
 * a hang-up on either side does. Main context only. */
#include <gst/gst.h>

#include "gateway.h"
#include "gateway-private.h"
#include "media-codec.h"
#include "rtp-ports.h"
#include "sip-door.h"
#include "sip-sdp.h"
#include "sip-site.h"
#include "srtp-keys.h"

GST_DEBUG_CATEGORY_STATIC (dc_gateway_sip_debug);
#define GST_CAT_DEFAULT dc_gateway_sip_debug

#define JITTER_LATENCY_MS 100

/* What the gateway said in its last answer to a slot's hall, so a re-INVITE is answered with
 * the same ports and a raised version (RFC 3264 §8). */
typedef struct
{
  char *address;
  guint audio_port, video_port;
  char *audio_key, *video_key; /* the gateway's SDES keys (base64), for SRTP streams */
  guint64 session_id, session_version;
} SipLeg;

struct DcGatewaySip
{
  DcSipDoor *door;
  SipLeg legs[DC_LAYOUT_MAX_SLOTS];
};

static const DcSipPolicy policy = {
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

static void
leg_clear (SipLeg *leg)
{
  g_clear_pointer (&leg->address, g_free);
  g_clear_pointer (&leg->audio_key, g_free);
  g_clear_pointer (&leg->video_key, g_free);
  *leg = (SipLeg){ 0 };
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
media_address (const DcConfig *config, const DcSipMedia *media)
{
  const char *listen = config->sip_listen_address;
  if (g_strcmp0 (listen, "0.0.0.0") != 0 && g_strcmp0 (listen, "::") != 0)
    return g_strdup (listen);
  return dc_rtp_local_address_towards (media->audio.address);
}

static char *
answer_new (const char *offer, gsize length, const DcSipMedia *media, SipLeg *leg)
{
  DcSipLocal local = {
    .address = leg->address,
    .audio_port = leg->audio_port,
    .video_port = leg->video_port,
    .audio_key = media->audio.srtp ? leg->audio_key : NULL,
    .video_key = media->video.srtp ? leg->video_key : NULL,
    .session_id = leg->session_id,
    .session_version = leg->session_version++,
    .direction = DC_SIP_SENDRECV,
  };
  return dc_sip_sdp_answer_new (offer, length, media, &local);
}

/* Builds the hall's media on freshly bound ports; NULL (and a status) if it cannot. */
static DcSite *
start_sip_site (DcGateway *gateway, guint slot, const DcSipMedia *media, SipLeg *leg,
                DcSipReply *refusal)
{
  const DcConfig *config = gateway->config;
  g_autofree char *address = media_address (config, media);
  const DcVideoCodec *codec = video_codec_for (media);
  DcRtpPorts audio = { 0 }, video = { 0 };
  g_autoptr (GError) error = NULL;
  if (address == NULL
      || !dc_rtp_ports_bind (&audio, address, config->sip_rtp_port_min, config->sip_rtp_port_max,
                             &error)
      || (codec && media->video.port
          && !dc_rtp_ports_bind (&video, address, config->sip_rtp_port_min,
                                 config->sip_rtp_port_max, &error)))
    {
      GST_ERROR ("no media ports for a hall: %s", error ? error->message : "no local address");
      dc_rtp_ports_clear (&audio);
      *refusal = refuse (503, "Service Unavailable (no media port free)");
      return NULL;
    }
  DcRect tile = dc_media_sync_get_rect (gateway->sync, slot);
  leg->audio_port = audio.port;
  leg->audio_key = media->audio.srtp ? dc_srtp_key_new () : NULL;
  leg->video_key = media->video.srtp ? dc_srtp_key_new () : NULL;
  leg->video_port = video.port;
  DcSipSiteParams params = {
    .site_id = dc_conference_get_site (gateway->conference, slot)->id,
    .slot = slot,
    .media = media,
    .audio_ports = &audio,
    .video_ports = &video,
    .video_codec = codec,
    .tile_width = tile.width,
    .tile_height = tile.height,
    .jitter_latency_ms = JITTER_LATENCY_MS,
    .audio_local_key = leg->audio_key,
    .video_local_key = leg->video_key,
  };
  DcSite *site = dc_sip_site_new (&params, &dc_gateway_site_callbacks, gateway,
                                  gateway->teardown, &error);
  dc_rtp_ports_clear (&audio);
  dc_rtp_ports_clear (&video);
  if (site == NULL)
    {
      GST_ERROR ("site %s: cannot start its media: %s", params.site_id, error->message);
      *refusal = refuse (500, "Server Internal Error (the media did not start)");
      return NULL;
    }
  leg->address = g_steal_pointer (&address);
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
  SipLeg *leg = &gateway->sip->legs[slot];
  if (site == NULL || g_strcmp0 (dc_site_get_transport (site), "sip") != 0)
    return refuse (481, "Call/Transaction Does Not Exist");
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GError) error = NULL;
  if (!dc_sip_sdp_read_offer (sdp, length, &policy, &media, &error))
    return refuse_unreadable (error);
  dc_sip_site_update (site, &media);
  GST_INFO ("site %s: media updated by a re-INVITE", dc_site_get_id (site));
  return (DcSipReply){ .sdp = answer_new (sdp, length, &media, leg) };
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
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GError) error = NULL;
  if (!dc_sip_sdp_read_offer (sdp, length, &policy, &media, &error))
    return refuse_unreadable (error);

  /* The old session is closed before the new one exists: nothing of it reaches the new one. */
  dc_gateway_dismiss_site (gateway, slot, "replaced", DC_GATEWAY_BYE, NULL);
  SipLeg *leg = &gateway->sip->legs[slot];
  leg_clear (leg);
  leg->session_id = g_get_real_time ();
  DcSipReply reply = { 0 };
  DcSite *site = start_sip_site (gateway, slot, &media, leg, &reply);
  if (site == NULL)
    return reply;
  reply.sdp = answer_new (sdp, length, &media, leg);
  GST_INFO ("site %s joined over SIP (%s%s)", dc_site_get_id (site),
            dc_sip_audio_codec_name (media.audio_codec),
            dc_site_get_video_codec (site) ? ", video" : "");
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
}

static void
on_keyframe_wanted (int slot, gpointer data)
{
  DcGateway *gateway = data;
  DcSite *site = dc_roster_get_site (gateway->roster, slot);
  if (site && dc_site_get_video_codec (site))
    dc_video_mixer_request_keyframe (gateway->video, dc_site_get_video_codec (site));
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
}

void
dc_gateway_sip_stop (DcGateway *gateway)
{
  if (gateway->sip == NULL)
    return;
  dc_sip_door_free (gateway->sip->door);
  for (guint i = 0; i < DC_LAYOUT_MAX_SLOTS; i++)
    leg_clear (&gateway->sip->legs[i]);
  g_clear_pointer (&gateway->sip, g_free);
}

const char *
dc_gateway_get_sip_url (DcGateway *gateway)
{
  return gateway->sip ? dc_sip_door_get_url (gateway->sip->door) : NULL;
}
