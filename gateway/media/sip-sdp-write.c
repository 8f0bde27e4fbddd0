/* Writing SDP for SIP room systems (RFC 3264) on GstSDPMessage: the answer to a hall's offer,
 * with the same m-lines in the same order, and the gateway's own offer when it dials out. Also
 * what both halves of the module share and reading does not own: the debug category, the
 * direction mapping and the SDES key check. Reading is in sip-sdp-read.c. */
#include "sip-sdp-private.h"

#include <string.h>

GST_DEBUG_CATEGORY (dc_sip_sdp_debug);

#define SRTP_KEY_BYTES 30        /* 128-bit master key and 112-bit master salt */
#define SRTP_KEY_BASE64_CHARS 40 /* 30 bytes, no padding */
#define OFFER_TELEPHONE_EVENT_PT 101

/* The gateway's video offer: H.264 constrained baseline 3.1 in both packetization modes. */
static const struct
{
  guint pt;
  const char *rtpmap;
  const char *fmtp;
} offered_video[] = {
  { 102, "H264/90000", "profile-level-id=42e01f;packetization-mode=1" },
  { 103, "H264/90000", "profile-level-id=42e01f;packetization-mode=0" },
  { 96, "VP8/90000", NULL },
};

/* Shared with sip-sdp-read.c. */

const char *const dc_sip_sdp_direction_names[] = {
  [DC_SIP_SENDRECV] = "sendrecv",
  [DC_SIP_SENDONLY] = "sendonly",
  [DC_SIP_RECVONLY] = "recvonly",
  [DC_SIP_INACTIVE] = "inactive",
};

void
dc_sip_sdp_init_debug (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      GST_DEBUG_CATEGORY_INIT (dc_sip_sdp_debug, "dc-sip-sdp", 0, "SDP with SIP room systems");
      g_once_init_leave (&initialized, 1);
    }
}

gboolean
dc_sip_sdp_sends (DcSipDirection direction)
{
  return direction == DC_SIP_SENDRECV || direction == DC_SIP_SENDONLY;
}

gboolean
dc_sip_sdp_receives (DcSipDirection direction)
{
  return direction == DC_SIP_SENDRECV || direction == DC_SIP_RECVONLY;
}

DcSipDirection
dc_sip_sdp_direction_from (gboolean sends, gboolean receives)
{
  if (sends)
    return receives ? DC_SIP_SENDRECV : DC_SIP_SENDONLY;
  return receives ? DC_SIP_RECVONLY : DC_SIP_INACTIVE;
}

gboolean
dc_sip_sdp_key_is_valid (const char *key, gsize length)
{
  gsize decoded_length = 0;

  if (length != SRTP_KEY_BASE64_CHARS)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (key[i]) && key[i] != '+' && key[i] != '/')
      return FALSE;
  g_autofree char *text = g_strndup (key, length);
  g_autofree guchar *decoded = g_base64_decode (text, &decoded_length);
  return decoded_length == SRTP_KEY_BYTES;
}

/* Writing. */

static const char *
address_type (const char *address)
{
  return strchr (address, ':') ? "IP6" : "IP4";
}

static GstSDPMessage *
new_session (const DcSipLocal *local)
{
  GstSDPMessage *msg = NULL;
  const char *type = address_type (local->address);
  g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT, local->session_id);
  g_autofree char *version = g_strdup_printf ("%" G_GUINT64_FORMAT, local->session_version);

  gst_sdp_message_new (&msg);
  gst_sdp_message_set_version (msg, "0");
  gst_sdp_message_set_origin (msg, "diemcau", id, version, "IN", type, local->address);
  gst_sdp_message_set_session_name (msg, "diemcau");
  gst_sdp_message_set_connection (msg, "IN", type, local->address, 0, 0);
  gst_sdp_message_add_time (msg, "0", "0", NULL);
  return msg;
}

static void
start_media (GstSDPMedia *m, const char *kind, guint port, const char *proto)
{
  memset (m, 0, sizeof *m); /* init frees what it finds */
  gst_sdp_media_init (m);
  gst_sdp_media_set_media (m, kind);
  gst_sdp_media_set_port_info (m, port, 1);
  gst_sdp_media_set_proto (m, proto);
}

static void
add_payload_format (GstSDPMedia *m, guint pt)
{
  char text[8];
  g_snprintf (text, sizeof text, "%u", pt);
  gst_sdp_media_add_format (m, text);
}

static void
add_payload_attribute (GstSDPMedia *m, const char *key, guint pt, const char *value)
{
  g_autofree char *text = g_strdup_printf ("%u %s", pt, value);
  gst_sdp_media_add_attribute (m, key, text);
}

static void
add_rtpmap (GstSDPMedia *m, guint pt, const char *rtpmap, const char *fmtp)
{
  add_payload_attribute (m, "rtpmap", pt, rtpmap);
  if (fmtp)
    add_payload_attribute (m, "fmtp", pt, fmtp);
}

static void
add_crypto (GstSDPMedia *m, guint tag, const char *key)
{
  g_autofree char *value = g_strdup_printf ("%u " SRTP_SUITE " inline:%s", tag, key);
  gst_sdp_media_add_attribute (m, "crypto", value);
}

/* What the gateway does, as the remote's direction mirrored and limited by the local one. */
static DcSipDirection
answer_direction (DcSipDirection remote, DcSipDirection local)
{
  return dc_sip_sdp_direction_from (dc_sip_sdp_receives (remote) && dc_sip_sdp_sends (local),
                                    dc_sip_sdp_sends (remote) && dc_sip_sdp_receives (local));
}

static void
answer_audio (GstSDPMedia *m, const GstSDPMedia *offered, const DcSipMedia *media,
              const DcSipLocal *local)
{
  const DcSipAudioCodecInfo *codec = &dc_sip_sdp_audio_codecs[media->audio_codec];
  g_autofree char *ptime
      = g_strdup_printf ("%u", media->ptime_ms ? media->ptime_ms : DEFAULT_PTIME_MS);

  start_media (m, "audio", local->audio_port, gst_sdp_media_get_proto (offered));
  add_payload_format (m, media->audio.payload_type);
  add_rtpmap (m, media->audio.payload_type, codec->rtpmap, codec->fmtp);
  if (media->telephone_event_pt)
    {
      add_payload_format (m, media->telephone_event_pt);
      add_rtpmap (m, media->telephone_event_pt, "telephone-event/8000", "0-15");
    }
  gst_sdp_media_add_attribute (m, "ptime", ptime);
  gst_sdp_media_add_attribute (
      m, dc_sip_sdp_direction_names[answer_direction (media->audio.direction, local->direction)],
      NULL);
  if (media->audio.srtp)
    add_crypto (m, media->audio.crypto_tag, local->audio_key);
}

static void
answer_video (GstSDPMedia *m, const GstSDPMedia *offered, const DcSipMedia *media,
              const DcSipLocal *local)
{
  guint pt = media->video.payload_type;

  start_media (m, "video", local->video_port, gst_sdp_media_get_proto (offered));
  add_payload_format (m, pt);
  if (media->video_codec == DC_SIP_VIDEO_VP8)
    add_rtpmap (m, pt, "VP8/90000", NULL);
  else
    {
      g_autofree char *fmtp = g_strdup_printf (
          "profile-level-id=%02x%02x%02x;packetization-mode=%u", media->h264_profile_idc & 0xff,
          media->h264_profile_iop & 0xff, MIN (media->h264_level_idc, MAX_H264_LEVEL) & 0xff,
          media->h264_packetization_mode);
      add_rtpmap (m, pt, "H264/90000", fmtp);
    }
  if (media->video_pli)
    add_payload_attribute (m, "rtcp-fb", pt, "nack pli");
  if (media->video_fir)
    add_payload_attribute (m, "rtcp-fb", pt, "ccm fir");
  gst_sdp_media_add_attribute (
      m, dc_sip_sdp_direction_names[answer_direction (media->video.direction, local->direction)],
      NULL);
  if (media->video.srtp)
    add_crypto (m, media->video.crypto_tag, local->video_key);
}

/* RFC 3264 §6: a refused stream keeps its place, with port 0 and one of the offered formats. */
static void
answer_refused (GstSDPMedia *m, const GstSDPMedia *offered)
{
  const char *kind = gst_sdp_media_get_media (offered);
  const char *proto = gst_sdp_media_get_proto (offered);
  const char *format
      = gst_sdp_media_formats_len (offered) ? gst_sdp_media_get_format (offered, 0) : NULL;

  start_media (m, kind && *kind ? kind : "application", 0, proto && *proto ? proto : "RTP/AVP");
  gst_sdp_media_add_format (m, format && *format ? format : "0");
}

char *
dc_sip_sdp_answer_new (const char *offer_text, gsize offer_length, const DcSipMedia *media,
                       const DcSipLocal *local)
{
  g_return_val_if_fail (media != NULL && local != NULL && local->address != NULL, NULL);
  g_return_val_if_fail (!media->audio.srtp || local->audio_key != NULL, NULL);
  g_return_val_if_fail (!media->video.srtp || local->video_key != NULL, NULL);
  dc_sip_sdp_init_debug ();

  g_autoptr (GError) error = NULL;
  g_autoptr (GstSDPMessage) offer = dc_sip_sdp_parse (offer_text, offer_length, "offer", &error);
  if (offer == NULL)
    {
      GST_WARNING ("no answer: %s", error->message);
      return NULL;
    }
  g_autoptr (GstSDPMessage) answer = new_session (local);
  for (guint i = 0; i < gst_sdp_message_medias_len (offer); i++)
    {
      const GstSDPMedia *offered = gst_sdp_message_get_media (offer, i);
      GstSDPMedia m;

      if (media->audio.port && media->audio.mline == i && local->audio_port)
        answer_audio (&m, offered, media, local);
      else if (media->video.port && media->video.mline == i && local->video_port)
        answer_video (&m, offered, media, local);
      else
        answer_refused (&m, offered);
      gst_sdp_message_add_media (answer, &m); /* takes what m holds */
    }
  return gst_sdp_message_as_text (answer);
}

static void
offer_audio (GstSDPMedia *m, const DcSipPolicy *policy, const DcSipLocal *local)
{
  g_autofree char *ptime = g_strdup_printf ("%u", DEFAULT_PTIME_MS);

  start_media (m, "audio", local->audio_port, local->audio_key ? "RTP/SAVP" : "RTP/AVP");
  for (guint i = 0; i < G_N_ELEMENTS (dc_sip_sdp_audio_codecs); i++)
    if (dc_sip_sdp_audio_codecs[i].codec != DC_SIP_AUDIO_OPUS || policy->allow_opus)
      {
        add_payload_format (m, dc_sip_sdp_audio_codecs[i].offer_pt);
        add_rtpmap (m, dc_sip_sdp_audio_codecs[i].offer_pt, dc_sip_sdp_audio_codecs[i].rtpmap,
                    dc_sip_sdp_audio_codecs[i].fmtp);
      }
  add_payload_format (m, OFFER_TELEPHONE_EVENT_PT);
  add_rtpmap (m, OFFER_TELEPHONE_EVENT_PT, "telephone-event/8000", "0-15");
  gst_sdp_media_add_attribute (m, "ptime", ptime);
  gst_sdp_media_add_attribute (m, dc_sip_sdp_direction_names[local->direction], NULL);
  if (local->audio_key)
    add_crypto (m, OFFER_CRYPTO_TAG, local->audio_key);
}

static void
offer_video (GstSDPMedia *m, const DcSipLocal *local)
{
  start_media (m, "video", local->video_port, local->video_key ? "RTP/SAVP" : "RTP/AVP");
  for (guint i = 0; i < G_N_ELEMENTS (offered_video); i++)
    {
      add_payload_format (m, offered_video[i].pt);
      add_rtpmap (m, offered_video[i].pt, offered_video[i].rtpmap, offered_video[i].fmtp);
    }
  gst_sdp_media_add_attribute (m, "rtcp-fb", "* nack");
  gst_sdp_media_add_attribute (m, "rtcp-fb", "* nack pli");
  gst_sdp_media_add_attribute (m, "rtcp-fb", "* ccm fir");
  gst_sdp_media_add_attribute (m, dc_sip_sdp_direction_names[local->direction], NULL);
  if (local->video_key)
    add_crypto (m, OFFER_CRYPTO_TAG, local->video_key);
}

char *
dc_sip_sdp_offer_new (const DcSipPolicy *policy, const DcSipLocal *local)
{
  GstSDPMedia m;

  g_return_val_if_fail (policy != NULL && local != NULL && local->address != NULL, NULL);
  g_return_val_if_fail (
      local->audio_key == NULL
          || dc_sip_sdp_key_is_valid (local->audio_key, strlen (local->audio_key)),
      NULL);
  g_return_val_if_fail (
      local->video_key == NULL
          || dc_sip_sdp_key_is_valid (local->video_key, strlen (local->video_key)),
      NULL);
  dc_sip_sdp_init_debug ();

  g_autoptr (GstSDPMessage) offer = new_session (local);
  offer_audio (&m, policy, local);
  gst_sdp_message_add_media (offer, &m);
  if (policy->allow_video && local->video_port)
    {
      offer_video (&m, local);
      gst_sdp_message_add_media (offer, &m);
    }
  return gst_sdp_message_as_text (offer);
}
