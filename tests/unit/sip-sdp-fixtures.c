/* The sample offers and helpers of sip-sdp-fixtures.h. */
#include "sip-sdp-fixtures.h"

/* Written with \n for reading; with_crlf () gives what travels in a SIP body. */
const char poly_group_500[]
    = "v=0\no=GroupSeries 1646063289 1 IN IP4 192.0.2.50\ns=-\nc=IN IP4 192.0.2.50\nb=AS:2048\n"
      "t=0 0\n"
      "m=audio 49152 RTP/AVP 115 102 9 15 0 8 18 101\n"
      "a=rtpmap:115 G7221/32000\na=fmtp:115 bitrate=48000\na=rtpmap:102 G7221/16000\n"
      "a=fmtp:102 bitrate=32000\na=rtpmap:9 G722/8000\na=rtpmap:15 G728/8000\n"
      "a=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\na=rtpmap:18 G729/8000\na=fmtp:18 annexb=no\n"
      "a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\na=sendrecv\n"
      "m=video 49154 RTP/AVP 109 110 111 96 34 31\nb=TIAS:2048000\n"
      "a=rtpmap:109 H264/90000\n"
      "a=fmtp:109 profile-level-id=640020; packetization-mode=1; max-mbps=245000; max-fs=8192\n"
      "a=rtpmap:110 H264/90000\n"
      "a=fmtp:110 profile-level-id=428020; packetization-mode=1; max-mbps=245000; max-fs=8192\n"
      "a=rtpmap:111 H264/90000\na=fmtp:111 profile-level-id=428020; max-mbps=245000; max-fs=8192\n"
      "a=rtpmap:96 H263-1998/90000\na=fmtp:96 CIF4=2;CIF=1;QCIF=1\na=rtpmap:34 H263/90000\n"
      "a=rtpmap:31 H261/90000\na=rtcp-fb:* ccm fir\na=rtcp-fb:* nack pli\na=content:main\n"
      "a=label:1\na=sendrecv\n"
      "m=application 49156 TCP/BFCP *\na=floorctrl:c-s\na=setup:actpass\na=connection:new\n"
      "a=confid:1\na=userid:2\na=floorid:2 mstrm:3\n"
      "m=video 49158 RTP/AVP 109 96\na=rtpmap:109 H264/90000\n"
      "a=fmtp:109 profile-level-id=428020; packetization-mode=1\na=rtpmap:96 H263-1998/90000\n"
      "a=content:slides\na=label:3\na=sendrecv\n";

const char cisco_sx20[]
    = "v=0\no=tandberg 6 1 IN IP4 198.51.100.20\ns=-\nc=IN IP4 198.51.100.20\nb=AS:6000\nt=0 0\n"
      "m=audio 2326 RTP/SAVP 108 100 101 103 9 8 0 18 105\nb=TIAS:128000\n"
      "a=rtpmap:108 MP4A-LATM/90000\na=fmtp:108 profile-level-id=24;object=23;bitrate=128000\n"
      "a=rtpmap:100 MP4A-LATM/90000\na=fmtp:100 profile-level-id=24;object=23;bitrate=64000\n"
      "a=rtpmap:101 G7221/32000\na=fmtp:101 bitrate=48000\na=rtpmap:103 G7221/16000\n"
      "a=rtpmap:9 G722/8000\na=rtpmap:8 PCMA/8000\na=rtpmap:0 PCMU/8000\n"
      "a=rtpmap:18 G729/8000\na=fmtp:18 annexb=yes\na=rtpmap:105 telephone-event/8000\n"
      "a=fmtp:105 0-15\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" CISCO_KEY_1 "|2^48\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" CISCO_KEY_2 "|2^48\n"
      "a=sendrecv\n"
      "m=video 2328 RTP/SAVP 97 126 34 31\nb=TIAS:6000000\na=rtpmap:97 H264/90000\n"
      "a=fmtp:97 profile-level-id=42e016;max-mbps=245000;max-fs=8160;max-cpb=200;max-br=5000;"
      "max-smbps=245000;max-fps=6000;max-rcmd-nalu-size=3456000;sar-supported=16;"
      "packetization-mode=1\n"
      "a=rtpmap:126 H264/90000\na=fmtp:126 profile-level-id=42e016;max-mbps=245000;max-fs=8160\n"
      "a=rtpmap:34 H263/90000\na=rtpmap:31 H261/90000\na=rtcp-fb:* nack pli\na=rtcp-fb:* ccm fir\n"
      "a=content:main\na=label:11\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" CISCO_KEY_2 "|2^48\na=sendrecv\n"
      "m=video 2330 RTP/SAVP 97 34\na=rtpmap:97 H264/90000\n"
      "a=fmtp:97 profile-level-id=42e016;packetization-mode=1\na=content:slides\na=label:12\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" CISCO_KEY_1 "\na=sendrecv\n"
      "m=application 5070 UDP/BFCP *\na=floorctrl:c-s\na=confid:1\na=floorid:2 mstrm:12\n";

const char baresip[]
    = "v=0\no=- 3811285426 1718593113 IN IP4 203.0.113.7\ns=-\nc=IN IP4 203.0.113.7\nt=0 0\n"
      "a=tool:baresip 1.0.0\n"
      "m=audio 10602 RTP/AVP 9 0 8 101\nb=AS:100\na=rtpmap:9 G722/8000\na=rtpmap:0 PCMU/8000\n"
      "a=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\na=sendrecv\n"
      "a=label:1\na=rtcp-rsize\na=ssrc:1422145436 cname:sip:a@203.0.113.7\n"
      "m=video 10604 RTP/AVP 100 101\nb=AS:1000\na=rtpmap:100 H264/90000\n"
      "a=fmtp:100 packetization-mode=0;profile-level-id=42e01f\na=rtpmap:101 H264/90000\n"
      "a=fmtp:101 packetization-mode=1;profile-level-id=42e01f\na=rtcp-fb:* ccm fir\n"
      "a=rtcp-fb:* nack\na=rtcp-fb:* nack pli\na=sendrecv\na=label:2\na=rtcp-rsize\n";

const char linphone[]
    = "v=0\no=bob 2184 3391 IN IP6 2001:db8::42\ns=Talk\nc=IN IP6 2001:db8::42\nt=0 0\n"
      "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics\na=record:off\n"
      "m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100\na=rtpmap:96 opus/48000/2\n"
      "a=fmtp:96 useinbandfec=1\na=rtpmap:97 speex/16000\na=fmtp:97 vbr=on\n"
      "a=rtpmap:98 speex/8000\na=fmtp:98 vbr=on\na=fmtp:18 annexb=yes\n"
      "a=rtpmap:101 telephone-event/48000\na=rtpmap:99 telephone-event/16000\n"
      "a=rtpmap:100 telephone-event/8000\na=rtcp-fb:* trr-int 1000\na=rtcp-fb:* ccm tmmbr\n"
      "m=video 9078 RTP/AVP 96 97\na=rtpmap:96 VP8/90000\na=rtpmap:97 h264/90000\n"
      "a=fmtp:97 profile-level-id=42801F\na=rtcp-fb:* trr-int 1000\na=rtcp-fb:* ccm tmmbr\n"
      "a=rtcp-fb:96 nack pli\na=rtcp-fb:96 ccm fir\na=rtcp-fb:97 nack pli\n";

/* An old desk or room phone: static payload types only, no a=rtpmap at all (RFC 3551). */
const char static_only[] = "v=0\no=- 1 1 IN IP4 192.0.2.80\ns=-\nc=IN IP4 192.0.2.80\nt=0 0\n"
                           "m=audio 5004 RTP/AVP 18 8 0\na=ptime:30\n";

const DcSipPolicy open_policy
    = { .allow_video = TRUE, .allow_opus = TRUE, .allow_srtp = TRUE, .require_srtp = FALSE };
const DcSipPolicy g711_policy = { .allow_video = FALSE, .allow_opus = FALSE };

const DcSipLocal local_v4 = {
  .address = "192.0.2.1",
  .audio_port = 40000,
  .video_port = 40002,
  .audio_key = LOCAL_AUDIO_KEY,
  .video_key = LOCAL_VIDEO_KEY,
  .session_id = 4242,
  .session_version = 7,
  .direction = DC_SIP_SENDRECV,
};

static char *
without_cr (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
  return g_strjoinv ("\n", lines);
}

char *
with_crlf (const char *text)
{
  g_autofree char *lf_text = without_cr (text);
  g_auto (GStrv) lines = g_strsplit (lf_text, "\n", -1);
  return g_strjoinv ("\r\n", lines);
}

/* sdp (LF or CRLF) with its first `old` (written with LF) replaced, in CRLF. */
char *
edited (const char *sdp, const char *old, const char *replacement)
{
  g_autofree char *lf_text = without_cr (sdp);
  const char *at = strstr (lf_text, old);
  g_assert_nonnull (at);
  g_autofree char *text
      = g_strdup_printf ("%.*s%s%s", (int)(at - lf_text), lf_text, replacement, at + strlen (old));
  return with_crlf (text);
}

GstSDPMessage *
parse_back (const char *text)
{
  GstSDPMessage *msg = NULL;

  g_assert_nonnull (text);
  g_assert_cmpint (gst_sdp_message_new (&msg), ==, GST_SDP_OK);
  g_assert_cmpint (gst_sdp_message_parse_buffer ((const guint8 *)text, strlen (text), msg), ==,
                   GST_SDP_OK);
  return msg;
}

/* Reads the offer (which must succeed) and parses the answer to it back. */
GstSDPMessage *
answer_to (const char *lf_text, const DcSipPolicy *policy, const DcSipLocal *local,
           DcSipMedia *media)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = with_crlf (lf_text);

  g_assert_true (dc_sip_sdp_read_offer (text, strlen (text), policy, media, &error));
  g_assert_no_error (error);
  g_autofree char *answer = dc_sip_sdp_answer_new (text, strlen (text), media, local);
  return parse_back (answer);
}

static char *
formats_of (const GstSDPMedia *m)
{
  g_autoptr (GString) formats = g_string_new (NULL);
  for (guint i = 0; i < gst_sdp_media_formats_len (m); i++)
    g_string_append_printf (formats, "%s%s", i ? " " : "", gst_sdp_media_get_format (m, i));
  return g_string_free (g_steal_pointer (&formats), FALSE);
}

const GstSDPMedia *
assert_media (const GstSDPMessage *msg, guint index, const char *kind, guint port,
              const char *proto, const char *formats)
{
  const GstSDPMedia *m = gst_sdp_message_get_media (msg, index);
  g_assert_nonnull (m);
  g_assert_cmpstr (gst_sdp_media_get_media (m), ==, kind);
  g_assert_cmpuint (gst_sdp_media_get_port (m), ==, port);
  g_assert_cmpstr (gst_sdp_media_get_proto (m), ==, proto);
  g_autofree char *found = formats_of (m);
  g_assert_cmpstr (found, ==, formats);
  return m;
}

/* The media's direction attribute, asserting there is exactly one. */
const char *
direction_of (const GstSDPMedia *m)
{
  static const char *const names[] = { "sendrecv", "sendonly", "recvonly", "inactive" };
  const char *found = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (gst_sdp_media_get_attribute_val (m, names[i]))
      {
        g_assert_null (found);
        found = names[i];
      }
  return found;
}

guint
count_attribute (const GstSDPMedia *m, const char *key, const char *value)
{
  guint count = 0;
  for (guint i = 0; i < gst_sdp_media_attributes_len (m); i++)
    {
      const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
      count += g_strcmp0 (a->key, key) == 0 && g_strcmp0 (a->value, value) == 0;
    }
  return count;
}

void
assert_session (const GstSDPMessage *msg, const char *addrtype, const char *address,
                const char *version)
{
  const GstSDPOrigin *o = gst_sdp_message_get_origin (msg);
  const GstSDPConnection *c = gst_sdp_message_get_connection (msg);

  g_assert_cmpstr (gst_sdp_message_get_version (msg), ==, "0");
  g_assert_cmpstr (o->username, ==, "diemcau");
  g_assert_cmpstr (o->sess_id, ==, "4242");
  g_assert_cmpstr (o->sess_version, ==, version);
  g_assert_cmpstr (o->addrtype, ==, addrtype);
  g_assert_cmpstr (gst_sdp_message_get_session_name (msg), ==, "diemcau");
  g_assert_cmpstr (c->nettype, ==, "IN");
  g_assert_cmpstr (c->addrtype, ==, addrtype);
  g_assert_cmpstr (c->address, ==, address);
  /* GstSDP 1.22 does not read t= back: see the raw text checks. */
}
