/* Reading SDP from SIP room systems (RFC 3264) on GstSDPMessage: offers, and answers to the
 * gateway's own offer. Outside input stays cheap: the text is capped, so are the m-lines read,
 * and each m-line's attributes are read once into a table of the 128 payload types RTP has, so
 * nothing is looked up more than once per format. Writing is in sip-sdp-write.c. */
#include "sip-sdp-private.h"

#include <string.h>

/* A Poly listing every codec it has sends about 4 KiB; SIP over UDP cannot carry 64. */
#define MAX_SDP_BYTES (64 * 1024)
#define MAX_MEDIA_LINES 16
#define MAX_NAMES_IN_ERROR 8
#define N_PAYLOAD_TYPES 128

typedef enum
{
  READ_OFFER,
  READ_ANSWER,
} ReadMode;

/* In the gateway's order of preference, indexed by DcSipAudioCodec. */
const DcSipAudioCodecInfo dc_sip_sdp_audio_codecs[] = {
  { DC_SIP_AUDIO_OPUS, "opus", 48000, 48000, "opus/48000/2", "minptime=10;useinbandfec=1", 111 },
  { DC_SIP_AUDIO_G722, "G722", 8000, 16000, "G722/8000", NULL, 9 },
  { DC_SIP_AUDIO_PCMU, "PCMU", 8000, 8000, "PCMU/8000", NULL, 0 },
  { DC_SIP_AUDIO_PCMA, "PCMA", 8000, 8000, "PCMA/8000", NULL, 8 },
};

/* RFC 3551's static payload types, which a room system may list without a=rtpmap. */
static const struct
{
  guint pt;
  const char *name;
  guint clock_rate;
} static_payloads[] = {
  { 0, "PCMU", 8000 },   { 3, "GSM", 8000 },    { 4, "G723", 8000 },   { 8, "PCMA", 8000 },
  { 9, "G722", 8000 },   { 13, "CN", 8000 },    { 15, "G728", 8000 },  { 18, "G729", 8000 },
  { 26, "JPEG", 90000 }, { 31, "H261", 90000 }, { 34, "H263", 90000 },
};

/* What one m-line's attributes say about one payload type; strings point into the message. */
typedef struct
{
  const char *encoding; /* a=rtpmap after the number: "opus/48000/2" */
  const char *fmtp;     /* a=fmtp after the number */
  gboolean nack_pli;
  gboolean ccm_fir;
} PayloadAttributes;

typedef struct
{
  PayloadAttributes payloads[N_PAYLOAD_TYPES];
  PayloadAttributes any; /* a=rtcp-fb:* */
  gboolean has_direction;
  DcSipDirection direction;
  const char *content; /* a=content (RFC 4796): "main", "slides", ... */
  const char *ptime;
} MediaAttributes;

typedef struct
{
  guint packetization_mode;
  guint profile_idc;
  guint profile_iop;
  guint level_idc;
  guint max_fs;
  guint max_mbps;
} H264Params;

/* The numeric H.264 fmtp parameters (RFC 6184 §8.1) the gateway keeps. */
static const struct
{
  const char *name;
  gsize offset;
} h264_numbers[] = {
  { "packetization-mode", G_STRUCT_OFFSET (H264Params, packetization_mode) },
  { "max-fs", G_STRUCT_OFFSET (H264Params, max_fs) },
  { "max-mbps", G_STRUCT_OFFSET (H264Params, max_mbps) },
};

/* How much the gateway wants a payload type of an m-line: 0 not at all, more is better. */
typedef guint (*PayloadRank) (const MediaAttributes *attrs, guint pt, const DcSipPolicy *policy);

GQuark
dc_sip_sdp_error_quark (void)
{
  return g_quark_from_static_string ("dc-sip-sdp-error-quark");
}

static void
stream_clear (DcSipStream *stream)
{
  g_free (stream->address);
  g_free (stream->remote_key);
  memset (stream, 0, sizeof *stream);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DcSipStream, stream_clear)

void
dc_sip_media_clear (DcSipMedia *media)
{
  g_return_if_fail (media != NULL);
  stream_clear (&media->audio);
  stream_clear (&media->video);
  memset (media, 0, sizeof *media);
}

const char *
dc_sip_audio_codec_name (DcSipAudioCodec codec)
{
  g_return_val_if_fail ((guint)codec < G_N_ELEMENTS (dc_sip_sdp_audio_codecs), NULL);
  return dc_sip_sdp_audio_codecs[codec].name;
}

guint
dc_sip_audio_codec_sample_rate (DcSipAudioCodec codec)
{
  g_return_val_if_fail ((guint)codec < G_N_ELEMENTS (dc_sip_sdp_audio_codecs), 0);
  return dc_sip_sdp_audio_codecs[codec].sample_rate;
}

static gboolean
direction_from_key (const char *key, DcSipDirection *direction)
{
  for (guint i = 0; i < G_N_ELEMENTS (dc_sip_sdp_direction_names); i++)
    if (g_strcmp0 (key, dc_sip_sdp_direction_names[i]) == 0)
      {
        *direction = i;
        return TRUE;
      }
  return FALSE;
}

/* "96 H264/90000" → 96 and rest "H264/90000"; -1 when the value opens with no payload type. */
static gint
split_payload_type (const char *value, const char **rest)
{
  guint pt = 0, digits = 0;
  const char *p = value;

  for (; g_ascii_isdigit (*p) && digits <= 3; p++, digits++)
    pt = pt * 10 + (*p - '0');
  if (digits == 0 || digits > 3 || pt >= N_PAYLOAD_TYPES || (*p != ' ' && *p != '\t'))
    return -1;
  while (*p == ' ' || *p == '\t')
    p++;
  *rest = p;
  return pt;
}

/* "nack pli" matches "nack pli" and "nack pli extra", not "nack"; case does not matter. */
static gboolean
words_are (const char *text, const char *words)
{
  gsize length = strlen (words);
  return g_ascii_strncasecmp (text, words, length) == 0
         && (text[length] == '\0' || g_ascii_isspace (text[length]));
}

static void
note_feedback (PayloadAttributes *payload, const char *feedback)
{
  if (words_are (feedback, "nack pli"))
    payload->nack_pli = TRUE;
  else if (words_are (feedback, "ccm fir"))
    payload->ccm_fir = TRUE;
}

static void
note_payload_attribute (MediaAttributes *attrs, const char *key, const char *value)
{
  const char *rest;

  if (g_strcmp0 (key, "rtcp-fb") == 0 && value[0] == '*')
    {
      const char *feedback = value + 1;
      while (g_ascii_isspace (*feedback))
        feedback++;
      note_feedback (&attrs->any, feedback);
      return;
    }
  gint pt = split_payload_type (value, &rest);
  if (pt < 0)
    return;
  PayloadAttributes *payload = &attrs->payloads[pt];
  if (g_strcmp0 (key, "rtpmap") == 0 && payload->encoding == NULL)
    payload->encoding = rest;
  else if (g_strcmp0 (key, "fmtp") == 0 && payload->fmtp == NULL)
    payload->fmtp = rest;
  else if (g_strcmp0 (key, "rtcp-fb") == 0)
    note_feedback (payload, rest);
}

/* One pass over the m-line's attributes. */
static MediaAttributes *
collect_attributes (const GstSDPMedia *m)
{
  MediaAttributes *attrs = g_new0 (MediaAttributes, 1);

  for (guint i = 0; i < gst_sdp_media_attributes_len (m); i++)
    {
      const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
      const char *value = a->value ? a->value : "";

      if (a->key == NULL)
        continue;
      if (!attrs->has_direction && direction_from_key (a->key, &attrs->direction))
        attrs->has_direction = TRUE;
      else if (g_strcmp0 (a->key, "content") == 0 && attrs->content == NULL)
        attrs->content = value;
      else if (g_strcmp0 (a->key, "ptime") == 0 && attrs->ptime == NULL)
        attrs->ptime = value;
      else
        note_payload_attribute (attrs, a->key, value);
    }
  return attrs;
}

/* The encoding name and clock rate of a payload type: its a=rtpmap, else RFC 3551's table. */
static gboolean
payload_encoding (const MediaAttributes *attrs, guint pt, char *name, gsize name_size,
                  guint *clock_rate)
{
  const char *encoding = attrs->payloads[pt].encoding;

  if (encoding == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (static_payloads); i++)
        if (static_payloads[i].pt == pt)
          {
            g_strlcpy (name, static_payloads[i].name, name_size);
            *clock_rate = static_payloads[i].clock_rate;
            return TRUE;
          }
      return FALSE;
    }

  const char *slash = strchr (encoding, '/');
  guint64 rate;
  if (slash == NULL)
    return FALSE;
  g_autofree char *rate_text = g_strndup (slash + 1, strcspn (slash + 1, "/ \t"));
  if (!g_ascii_string_to_unsigned (rate_text, 10, 1, G_MAXUINT32, &rate, NULL))
    return FALSE;
  g_strlcpy (name, encoding, MIN (name_size, (gsize)(slash - encoding) + 1));
  *clock_rate = rate;
  return TRUE;
}

static gboolean
encoding_is (const MediaAttributes *attrs, guint pt, const char *name, guint clock_rate)
{
  char found[32];
  guint found_rate;

  return payload_encoding (attrs, pt, found, sizeof found, &found_rate)
         && g_ascii_strcasecmp (found, name) == 0 && found_rate == clock_rate;
}

static guint
audio_rank (const MediaAttributes *attrs, guint pt, const DcSipPolicy *policy)
{
  for (guint i = 0; i < G_N_ELEMENTS (dc_sip_sdp_audio_codecs); i++)
    {
      const DcSipAudioCodecInfo *codec = &dc_sip_sdp_audio_codecs[i];
      if ((codec->codec != DC_SIP_AUDIO_OPUS || policy->allow_opus)
          && encoding_is (attrs, pt, codec->name, codec->clock_rate))
        return N_AUDIO_CODECS - i;
    }
  return 0;
}

/* RFC 6184 §8.1; profile-level-id is 42000A (baseline 1.0) and the mode 0 when absent. */
static void
parse_h264_fmtp (const char *fmtp, H264Params *h264)
{
  *h264 = (H264Params){ .profile_idc = 0x42, .profile_iop = 0x00, .level_idc = 0x0a };
  if (fmtp == NULL)
    return;

  g_auto (GStrv) params = g_strsplit (fmtp, ";", 32);
  for (char **param = params; *param; param++)
    {
      char *value = strchr (*param, '=');
      guint64 number;

      if (value == NULL)
        continue;
      *value++ = '\0';
      g_strstrip (*param);
      g_strstrip (value);
      if (g_ascii_strcasecmp (*param, "profile-level-id") == 0 && strlen (value) == 6
          && g_ascii_string_to_unsigned (value, 16, 0, 0xffffff, &number, NULL))
        {
          h264->profile_idc = number >> 16;
          h264->profile_iop = (number >> 8) & 0xff;
          h264->level_idc = number & 0xff;
        }
      for (guint i = 0; i < G_N_ELEMENTS (h264_numbers); i++)
        if (g_ascii_strcasecmp (*param, h264_numbers[i].name) == 0
            && g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &number, NULL))
          G_STRUCT_MEMBER (guint, h264, h264_numbers[i].offset) = number;
    }
}

/* Baseline, or another profile with constraint_set1 (decodable as constrained baseline). */
static gboolean
h264_is_baseline (const H264Params *h264)
{
  return h264->profile_idc == 66 || (h264->profile_iop & 0x40) != 0;
}

/* H.264 before VP8; among H.264 payload types mode 1 first (mode 0 cannot fragment a large
 * NAL unit), then those the gateway's decoder surely handles (baseline). */
static guint
video_rank (const MediaAttributes *attrs, guint pt, const DcSipPolicy *policy)
{
  H264Params h264;

  if (encoding_is (attrs, pt, "VP8", 90000))
    return 1;
  if (!encoding_is (attrs, pt, "H264", 90000))
    return 0;
  parse_h264_fmtp (attrs->payloads[pt].fmtp, &h264);
  if (h264.packetization_mode > 1) /* interleaved mode 2 is not spoken */
    return 0;
  return 2 + 2 * h264.packetization_mode + h264_is_baseline (&h264);
}

static gint
format_payload_type (const GstSDPMedia *m, guint index)
{
  const char *format = gst_sdp_media_get_format (m, index);
  guint64 pt;

  if (format == NULL || !g_ascii_string_to_unsigned (format, 10, 0, N_PAYLOAD_TYPES - 1, &pt, NULL))
    return -1;
  return pt;
}

/* The payload type to take: from an offer the one the gateway ranks highest (the remote's
 * order breaks ties); from an answer the remote's first usable one, as it has chosen. Each
 * payload type is ranked once however often the m-line repeats it. -1 when none will do. */
static gint
pick_payload (const GstSDPMedia *m, const MediaAttributes *attrs, ReadMode mode, PayloadRank rank,
              const DcSipPolicy *policy)
{
  gboolean ranked[N_PAYLOAD_TYPES] = { FALSE };
  gint best = -1;
  guint best_rank = 0;

  for (guint i = 0; i < gst_sdp_media_formats_len (m); i++)
    {
      gint pt = format_payload_type (m, i);
      if (pt < 0 || ranked[pt])
        continue;
      ranked[pt] = TRUE;
      guint r = rank (attrs, pt, policy);
      if (r > best_rank)
        {
          best = pt;
          best_rank = r;
          if (mode == READ_ANSWER)
            break;
        }
    }
  return best;
}

/* "G729, iLBC" for the sentence that says why no audio codec will do. */
static char *
describe_formats (const GstSDPMedia *m, const MediaAttributes *attrs)
{
  g_autoptr (GString) names = g_string_new (NULL);
  gboolean listed[N_PAYLOAD_TYPES] = { FALSE };
  guint count = 0;

  for (guint i = 0; i < gst_sdp_media_formats_len (m); i++)
    {
      gint pt = format_payload_type (m, i);
      char name[32];
      guint rate;

      if (pt < 0 || listed[pt] || encoding_is (attrs, pt, "telephone-event", 8000))
        continue;
      listed[pt] = TRUE;
      if (count++ == MAX_NAMES_IN_ERROR)
        {
          g_string_append (names, ", ...");
          break;
        }
      if (names->len > 0)
        g_string_append (names, ", ");
      if (payload_encoding (attrs, pt, name, sizeof name, &rate))
        g_string_append (names, name);
      else
        g_string_append_printf (names, "payload type %d", pt);
    }
  return count ? g_string_free (g_steal_pointer (&names), FALSE) : g_strdup ("nothing");
}

/* "2^31" or a plain number of packets. */
static gboolean
lifetime_is_valid (const char *lifetime)
{
  const char *digits = g_str_has_prefix (lifetime, "2^") ? lifetime + 2 : lifetime;
  return *digits != '\0' && strlen (digits) <= 20
         && strspn (digits, "0123456789") == strlen (digits);
}

/* One a=crypto value, "TAG SUITE inline:KEY[|LIFETIME]" (RFC 4568 §9.1). The gateway takes one
 * suite and one key without MKI, which its SRTP elements are not told of; any session
 * parameter refuses the line, since an unknown one must (§6.3.1). */
static gboolean
parse_crypto (const char *value, guint *tag, char **key)
{
  g_auto (GStrv) words = g_strsplit_set (value, " \t", 8);
  const char *fields[3];
  guint n_fields = 0;
  guint64 number;

  for (char **word = words; *word; word++)
    if (**word != '\0')
      {
        if (n_fields == G_N_ELEMENTS (fields))
          return FALSE;
        fields[n_fields++] = *word;
      }
  if (n_fields != 3 || strcmp (fields[1], SRTP_SUITE) != 0
      || !g_str_has_prefix (fields[2], "inline:")
      || !g_ascii_string_to_unsigned (fields[0], 10, 0, 999999999, &number, NULL))
    return FALSE;

  const char *params = fields[2] + strlen ("inline:");
  if (strchr (params, ';') != NULL) /* several keys */
    return FALSE;
  g_auto (GStrv) parts = g_strsplit (params, "|", 3);
  guint n_parts = g_strv_length (parts);
  if (n_parts == 0 || n_parts > 2 || (n_parts == 2 && !lifetime_is_valid (parts[1])))
    return FALSE;
  if (!dc_sip_sdp_key_is_valid (parts[0], strlen (parts[0])))
    return FALSE;
  *tag = number;
  *key = g_strdup (parts[0]);
  return TRUE;
}

/* The first a=crypto line the gateway takes; an answer's must carry the tag it offered. */
static gboolean
find_crypto (const GstSDPMedia *m, ReadMode mode, DcSipStream *stream)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (m); i++)
    {
      const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
      guint tag;
      char *key;

      if (g_strcmp0 (a->key, "crypto") != 0 || a->value == NULL
          || !parse_crypto (a->value, &tag, &key))
        continue;
      if (mode == READ_ANSWER && tag != OFFER_CRYPTO_TAG)
        {
          g_free (key);
          continue;
        }
      stream->crypto_tag = tag;
      stream->remote_key = key;
      stream->srtp = TRUE;
      return TRUE;
    }
  return FALSE;
}

/* NULL when the gateway can carry the stream (SRTP details noted in stream), else why not. */
static char *
transport_refusal (const GstSDPMedia *m, const char *kind, ReadMode mode, const DcSipPolicy *policy,
                   DcSipStream *stream)
{
  const char *proto = gst_sdp_media_get_proto (m) ? gst_sdp_media_get_proto (m) : "";
  gboolean plain = strcmp (proto, "RTP/AVP") == 0 || strcmp (proto, "RTP/AVPF") == 0;
  gboolean sdes = strcmp (proto, "RTP/SAVP") == 0 || strcmp (proto, "RTP/SAVPF") == 0;

  if (!plain && !sdes)
    return g_strdup_printf ("the %s stream is carried over \"%.40s\", which the gateway does not "
                            "speak (it speaks RTP/AVP and RTP/SAVP)",
                            kind, proto);
  if (plain && policy->require_srtp)
    return g_strdup_printf ("the gateway requires SRTP but the %s stream is plain %s", kind, proto);
  if (sdes && !policy->allow_srtp)
    return g_strdup_printf ("the %s stream is %s but the gateway does not allow SRTP", kind, proto);
  if (sdes && !find_crypto (m, mode, stream))
    return g_strdup_printf ("the %s stream is %s without an a=crypto line the gateway takes (it "
                            "takes " SRTP_SUITE " with one inline key of 30 bytes)",
                            kind, proto);
  return NULL;
}

/* Where to send: the m-line's c= or else the session's, an IPv4 or IPv6 literal. */
static gboolean
read_address (const GstSDPMessage *msg, const GstSDPMedia *m, const char *kind, DcSipStream *stream,
              GError **error)
{
  const GstSDPConnection *c = gst_sdp_media_connections_len (m) > 0
                                  ? gst_sdp_media_get_connection (m, 0)
                                  : gst_sdp_message_get_connection (msg);
  gboolean ip6 = g_strcmp0 (c->addrtype, "IP6") == 0;

  if (c->address == NULL || c->address[0] == '\0')
    {
      g_set_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_PARSE,
                   "the %s stream has no c= address, and the session has none either", kind);
      return FALSE;
    }
  if (g_strcmp0 (c->nettype, "IN") != 0 || (!ip6 && g_strcmp0 (c->addrtype, "IP4") != 0)
      || !g_hostname_is_ip_address (c->address) || (strchr (c->address, ':') != NULL) != ip6)
    {
      g_set_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_PARSE,
                   "the %s stream's address \"c=%.8s %.8s %.64s\" is not an IPv4 or IPv6 "
                   "address of the type it claims",
                   kind, c->nettype ? c->nettype : "", c->addrtype ? c->addrtype : "", c->address);
      return FALSE;
    }
  stream->address = g_strdup (c->address);
  return TRUE;
}

/* The media's direction attribute, else the session's, else sendrecv; an address of zero
 * (RFC 2543 hold) means "send me nothing" whatever the attribute says. */
static DcSipDirection
remote_direction (const GstSDPMessage *msg, const MediaAttributes *attrs, const char *address)
{
  DcSipDirection direction = DC_SIP_SENDRECV;

  if (attrs->has_direction)
    direction = attrs->direction;
  else
    for (guint i = 0; i < gst_sdp_message_attributes_len (msg); i++)
      if (direction_from_key (gst_sdp_message_get_attribute (msg, i)->key, &direction))
        break;
  if (strcmp (address, "0.0.0.0") == 0 || strcmp (address, "::") == 0)
    direction = dc_sip_sdp_direction_from (dc_sip_sdp_sends (direction), FALSE);
  return direction;
}

static guint
read_ptime (const GstSDPMessage *msg, const MediaAttributes *attrs)
{
  const char *ptime
      = attrs->ptime ? attrs->ptime : gst_sdp_message_get_attribute_val (msg, "ptime");
  guint64 ms;

  if (ptime == NULL || !g_ascii_string_to_unsigned (ptime, 10, 10, 120, &ms, NULL))
    return DEFAULT_PTIME_MS;
  return ms;
}

static guint
find_telephone_event (const GstSDPMedia *m, const MediaAttributes *attrs)
{
  for (guint i = 0; i < gst_sdp_media_formats_len (m); i++)
    {
      gint pt = format_payload_type (m, i);
      if (pt > 0 && encoding_is (attrs, pt, "telephone-event", 8000))
        return pt;
    }
  return 0;
}

/* One audio m-line: TRUE with media->audio filled, or with *refusal saying why the gateway
 * leaves it; FALSE only when the m-line is broken. */
static gboolean
read_audio (const GstSDPMessage *msg, guint index, ReadMode mode, const DcSipPolicy *policy,
            DcSipMedia *media, char **refusal, GError **error)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, index);
  const char *what = mode == READ_OFFER ? "offer" : "answer";
  g_auto (DcSipStream) stream = { 0 };

  if (gst_sdp_media_get_port (m) == 0)
    {
      *refusal = g_strdup_printf ("the %s's audio stream has port 0", what);
      return TRUE;
    }
  *refusal = transport_refusal (m, "audio", mode, policy, &stream);
  if (*refusal)
    return TRUE;
  g_autofree MediaAttributes *attrs = collect_attributes (m);
  gint pt = pick_payload (m, attrs, mode, audio_rank, policy);
  if (pt < 0)
    {
      g_autofree char *names = describe_formats (m, attrs);
      *refusal = g_strdup_printf ("the %s has no audio codec the gateway speaks (it %s: %s)", what,
                                  mode == READ_OFFER ? "offered" : "answered with", names);
      return TRUE;
    }
  if (!read_address (msg, m, "audio", &stream, error))
    return FALSE;

  const DcSipAudioCodecInfo *codec
      = &dc_sip_sdp_audio_codecs[N_AUDIO_CODECS - audio_rank (attrs, pt, policy)];
  stream.port = gst_sdp_media_get_port (m);
  stream.payload_type = pt;
  stream.clock_rate = codec->clock_rate;
  stream.direction = remote_direction (msg, attrs, stream.address);
  stream.mline = index;
  media->audio = stream;
  stream = (DcSipStream){ 0 };
  media->audio_codec = codec->codec;
  media->telephone_event_pt = find_telephone_event (m, attrs);
  media->ptime_ms = read_ptime (msg, attrs);
  GST_DEBUG ("audio: %s pt %u at %s:%u, %s%s", codec->name, pt, media->audio.address,
             media->audio.port, dc_sip_sdp_direction_names[media->audio.direction],
             media->audio.srtp ? ", SRTP" : "");
  return TRUE;
}

static void
note_video_codec (const MediaAttributes *attrs, guint pt, DcSipMedia *media)
{
  const PayloadAttributes *payload = &attrs->payloads[pt];
  H264Params h264;

  media->video_pli = payload->nack_pli || attrs->any.nack_pli;
  media->video_fir = payload->ccm_fir || attrs->any.ccm_fir;
  if (encoding_is (attrs, pt, "VP8", 90000))
    {
      media->video_codec = DC_SIP_VIDEO_VP8;
      return;
    }
  media->video_codec = DC_SIP_VIDEO_H264;
  parse_h264_fmtp (payload->fmtp, &h264);
  media->h264_packetization_mode = h264.packetization_mode;
  media->h264_profile_idc = h264.profile_idc;
  media->h264_profile_iop = h264.profile_iop;
  media->h264_level_idc = MIN (h264.level_idc, MAX_H264_LEVEL);
  media->h264_max_fs = h264.max_fs;
  media->h264_max_mbps = h264.max_mbps;
}

/* One video m-line: TRUE with media->video filled when the gateway takes it; FALSE only when
 * the m-line is broken. Slides (RFC 4796) belong to BFCP, which the gateway does not do. */
static gboolean
read_video (const GstSDPMessage *msg, guint index, ReadMode mode, const DcSipPolicy *policy,
            DcSipMedia *media, GError **error)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, index);
  g_autofree MediaAttributes *attrs = collect_attributes (m);
  g_auto (DcSipStream) stream = { 0 };

  if (attrs->content && strcmp (attrs->content, "main") != 0
      && strcmp (attrs->content, "speaker") != 0)
    return TRUE;
  if (gst_sdp_media_get_port (m) == 0 || !policy->allow_video)
    return TRUE;
  g_autofree char *refusal = transport_refusal (m, "video", mode, policy, &stream);
  if (refusal)
    {
      GST_INFO ("video refused: %s", refusal);
      return TRUE;
    }
  gint pt = pick_payload (m, attrs, mode, video_rank, policy);
  if (pt < 0)
    {
      GST_INFO ("video refused: no H.264 (mode 0 or 1) or VP8");
      return TRUE;
    }
  if (!read_address (msg, m, "video", &stream, error))
    return FALSE;

  stream.port = gst_sdp_media_get_port (m);
  stream.payload_type = pt;
  stream.clock_rate = 90000;
  stream.direction = remote_direction (msg, attrs, stream.address);
  stream.mline = index;
  media->video = stream;
  stream = (DcSipStream){ 0 };
  note_video_codec (attrs, pt, media);
  GST_DEBUG ("video: pt %u at %s:%u", pt, media->video.address, media->video.port);
  return TRUE;
}

/* GstSDPMessage reads anything; this refuses what is not SDP or would cost too much. */
GstSDPMessage *
dc_sip_sdp_parse (const char *text, gsize length, const char *what, GError **error)
{
  g_autoptr (GstSDPMessage) msg = NULL;

  if (text == NULL || length == 0 || length > MAX_SDP_BYTES || memchr (text, '\0', length))
    {
      g_set_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_PARSE,
                   text == NULL || length == 0 ? "the %s is empty"
                   : length > MAX_SDP_BYTES    ? "the %s is larger than the gateway reads (64 KiB)"
                                               : "the %s holds a NUL byte, which SDP text cannot",
                   what);
      return NULL;
    }
  /* Older GstSDP reads up to a NUL whatever the size it is given. */
  g_autofree char *terminated = g_strndup (text, length);
  gst_sdp_message_new (&msg);
  if (gst_sdp_message_parse_buffer ((const guint8 *)terminated, length, msg) != GST_SDP_OK
      || g_strcmp0 (gst_sdp_message_get_version (msg), "0") != 0)
    {
      g_set_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_PARSE,
                   "the %s is not SDP: it does not open with v=0", what);
      return NULL;
    }
  if (gst_sdp_message_medias_len (msg) > MAX_MEDIA_LINES)
    {
      g_set_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_PARSE,
                   "the %s has %u m-lines; the gateway reads at most %u", what,
                   gst_sdp_message_medias_len (msg), MAX_MEDIA_LINES);
      return NULL;
    }
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++)
    if (gst_sdp_media_get_port (gst_sdp_message_get_media (msg, i)) > G_MAXUINT16)
      {
        g_set_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_PARSE,
                     "m-line %u of the %s has a port beyond 65535", i + 1, what);
        return NULL;
      }
  return g_steal_pointer (&msg);
}

/* The first audio and the first main video m-line the gateway can take; a room system that
 * offers SRTP "best effort" as two m-lines (RTP/SAVP, then RTP/AVP) gets the one allowed. */
static gboolean
read_sdp (const char *text, gsize length, ReadMode mode, const DcSipPolicy *policy,
          DcSipMedia *media, GError **error)
{
  const char *what = mode == READ_OFFER ? "offer" : "answer";
  g_auto (DcSipMedia) result = { 0 };
  g_autofree char *audio_refusal = NULL;

  dc_sip_sdp_init_debug ();
  g_autoptr (GstSDPMessage) msg = dc_sip_sdp_parse (text, length, what, error);
  if (msg == NULL)
    return FALSE;
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++)
    {
      const char *kind = gst_sdp_message_get_media (msg, i)->media;
      g_autofree char *refusal = NULL;

      if (g_strcmp0 (kind, "audio") == 0 && result.audio.port == 0)
        {
          if (!read_audio (msg, i, mode, policy, &result, &refusal, error))
            return FALSE;
          if (audio_refusal == NULL)
            audio_refusal = g_steal_pointer (&refusal);
        }
      else if (g_strcmp0 (kind, "video") == 0 && result.video.port == 0)
        {
          if (!read_video (msg, i, mode, policy, &result, error))
            return FALSE;
        }
    }
  if (result.audio.port == 0)
    {
      if (audio_refusal == NULL)
        audio_refusal = g_strdup_printf ("the %s has no audio stream", what);
      GST_INFO ("%s refused: %s", what, audio_refusal);
      g_set_error_literal (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, audio_refusal);
      return FALSE;
    }
  dc_sip_media_clear (media);
  *media = result;
  result = (DcSipMedia){ 0 };
  return TRUE;
}

gboolean
dc_sip_sdp_read_offer (const char *text, gsize length, const DcSipPolicy *policy, DcSipMedia *media,
                       GError **error)
{
  g_return_val_if_fail (policy != NULL && media != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return read_sdp (text, length, READ_OFFER, policy, media, error);
}

gboolean
dc_sip_sdp_read_answer (const char *text, gsize length, const DcSipPolicy *policy,
                        DcSipMedia *media, GError **error)
{
  g_return_val_if_fail (policy != NULL && media != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return read_sdp (text, length, READ_ANSWER, policy, media, error);
}
