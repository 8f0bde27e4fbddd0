/* SIP SDP reading: offers modelled on what room systems send (Poly Group 500, Cisco SX20,
 * baresip 1.0, Linphone 5), with the answers to them parsed back, every error, hostile sizes,
 * and a bounded mutation loop. Answer rules and the dial-out side are in test-sip-sdp-write.c. */
#include "sip-sdp-fixtures.h"

static const char *const all_offers[]
    = { poly_group_500, cisco_sx20, baresip, linphone, static_only };

static gboolean
read_offer (const char *lf_text, const DcSipPolicy *policy, DcSipMedia *media, GError **error)
{
  g_autofree char *text = with_crlf (lf_text);
  return dc_sip_sdp_read_offer (text, strlen (text), policy, media, error);
}

static void
test_poly_group_500 (void)
{
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GstSDPMessage) answer = answer_to (poly_group_500, &open_policy, &local_v4, &media);

  /* G.7221 is not spoken: G.722, whose samples are 16 kHz on an 8 kHz RTP clock. */
  g_assert_cmpint (media.audio_codec, ==, DC_SIP_AUDIO_G722);
  g_assert_cmpuint (media.audio.payload_type, ==, 9);
  g_assert_cmpuint (media.audio.clock_rate, ==, 8000);
  g_assert_cmpstr (media.audio.address, ==, "192.0.2.50");
  g_assert_cmpuint (media.audio.port, ==, 49152);
  g_assert_false (media.audio.srtp);
  g_assert_cmpint (media.audio.direction, ==, DC_SIP_SENDRECV);
  g_assert_cmpuint (media.telephone_event_pt, ==, 101);
  g_assert_cmpuint (media.ptime_ms, ==, 20);
  /* Three H.264 payload types: mode 1 baseline (110) beats mode 1 high (109) and mode 0 (111). */
  g_assert_cmpint (media.video_codec, ==, DC_SIP_VIDEO_H264);
  g_assert_cmpuint (media.video.payload_type, ==, 110);
  g_assert_cmpuint (media.video.port, ==, 49154);
  g_assert_cmpuint (media.video.mline, ==, 1);
  g_assert_cmpuint (media.h264_packetization_mode, ==, 1);
  g_assert_cmphex (media.h264_profile_idc, ==, 0x42);
  g_assert_cmphex (media.h264_profile_iop, ==, 0x80);
  g_assert_cmphex (media.h264_level_idc, ==, 0x1f); /* offered 3.2, at most 3.1 */
  g_assert_cmpuint (media.h264_max_fs, ==, 8192);
  g_assert_cmpuint (media.h264_max_mbps, ==, 245000);
  g_assert_true (media.video_pli);
  g_assert_true (media.video_fir);

  assert_session (answer, "IP4", "192.0.2.1", "7");
  g_assert_cmpuint (gst_sdp_message_medias_len (answer), ==, 4);
  const GstSDPMedia *audio = assert_media (answer, 0, "audio", 40000, "RTP/AVP", "9 101");
  g_assert_cmpuint (count_attribute (audio, "rtpmap", "9 G722/8000"), ==, 1);
  g_assert_cmpuint (count_attribute (audio, "rtpmap", "101 telephone-event/8000"), ==, 1);
  g_assert_cmpuint (count_attribute (audio, "fmtp", "101 0-15"), ==, 1);
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (audio, "ptime"), ==, "20");
  g_assert_cmpstr (direction_of (audio), ==, "sendrecv");
  g_assert_null (gst_sdp_media_get_attribute_val (audio, "crypto"));
  const GstSDPMedia *video = assert_media (answer, 1, "video", 40002, "RTP/AVP", "110");
  g_assert_cmpuint (count_attribute (video, "rtpmap", "110 H264/90000"), ==, 1);
  g_assert_cmpuint (
      count_attribute (video, "fmtp", "110 profile-level-id=42801f;packetization-mode=1"), ==, 1);
  g_assert_cmpuint (count_attribute (video, "rtcp-fb", "110 nack pli"), ==, 1);
  g_assert_cmpuint (count_attribute (video, "rtcp-fb", "110 ccm fir"), ==, 1);
  g_assert_cmpstr (direction_of (video), ==, "sendrecv");
  /* BFCP and the slides stream keep their places, refused. */
  assert_media (answer, 2, "application", 0, "TCP/BFCP", "*");
  assert_media (answer, 3, "video", 0, "RTP/AVP", "109");
}

static void
test_cisco_sx20_srtp (void)
{
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GstSDPMessage) answer = answer_to (cisco_sx20, &open_policy, &local_v4, &media);

  g_assert_cmpint (media.audio_codec, ==, DC_SIP_AUDIO_G722);
  g_assert_cmpuint (media.telephone_event_pt, ==, 105);
  g_assert_true (media.audio.srtp);
  g_assert_cmpuint (media.audio.crypto_tag, ==, 1);
  g_assert_cmpstr (media.audio.remote_key, ==, CISCO_KEY_1);
  g_assert_true (media.video.srtp);
  g_assert_cmpstr (media.video.remote_key, ==, CISCO_KEY_2);
  g_assert_cmpuint (media.video.payload_type, ==, 97);
  g_assert_cmpuint (media.h264_packetization_mode, ==, 1);
  g_assert_cmphex (media.h264_level_idc, ==, 0x16); /* 2.2 is below 3.1: kept */
  g_assert_cmpuint (media.h264_max_fs, ==, 8160);

  g_assert_cmpuint (gst_sdp_message_medias_len (answer), ==, 4);
  const GstSDPMedia *audio = assert_media (answer, 0, "audio", 40000, "RTP/SAVP", "9 105");
  g_assert_cmpuint (
      count_attribute (audio, "crypto", "1 AES_CM_128_HMAC_SHA1_80 inline:" LOCAL_AUDIO_KEY), ==,
      1);
  g_assert_null (gst_sdp_media_get_attribute_val_n (audio, "crypto", 1));
  const GstSDPMedia *video = assert_media (answer, 1, "video", 40002, "RTP/SAVP", "97");
  g_assert_cmpuint (
      count_attribute (video, "crypto", "1 AES_CM_128_HMAC_SHA1_80 inline:" LOCAL_VIDEO_KEY), ==,
      1);
  g_assert_cmpuint (
      count_attribute (video, "fmtp", "97 profile-level-id=42e016;packetization-mode=1"), ==, 1);
  assert_media (answer, 2, "video", 0, "RTP/SAVP", "97");
  assert_media (answer, 3, "application", 0, "UDP/BFCP", "*");

  /* Without SRTP allowed the audio is refused, and with it the call. */
  g_auto (DcSipMedia) plain = { 0 };
  g_autoptr (GError) error = NULL;
  DcSipPolicy no_srtp = open_policy;
  no_srtp.allow_srtp = FALSE;
  g_assert_false (read_offer (cisco_sx20, &no_srtp, &plain, &error));
  g_assert_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_NOT_ACCEPTABLE);
  g_assert_nonnull (strstr (error->message, "does not allow SRTP"));
}

static void
test_baresip (void)
{
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_true (read_offer (baresip, &open_policy, &media, &error));
  g_assert_cmpint (media.audio_codec, ==, DC_SIP_AUDIO_G722);
  g_assert_cmpstr (media.audio.address, ==, "203.0.113.7");
  g_assert_cmpuint (media.video.payload_type, ==, 101); /* mode 1, listed second */
  g_assert_cmpuint (media.h264_packetization_mode, ==, 1);
  g_assert_cmphex (media.h264_profile_iop, ==, 0xe0);

  /* srtp-mand: SHA1_32 first, SHA1_80 second; the gateway takes tag 2. */
  g_autofree char *srtp
      = edited (baresip, "RTP/AVP 9 0 8 101\n",
                "RTP/SAVP 9 0 8 101\na=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" BARESIP_KEY_32
                "\na=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" BARESIP_KEY_80 "\n");
  g_assert_true (dc_sip_sdp_read_offer (srtp, strlen (srtp), &open_policy, &media, &error));
  g_assert_true (media.audio.srtp);
  g_assert_cmpuint (media.audio.crypto_tag, ==, 2);
  g_assert_cmpstr (media.audio.remote_key, ==, BARESIP_KEY_80);
  g_assert_false (media.video.srtp);
  g_autofree char *text = dc_sip_sdp_answer_new (srtp, strlen (srtp), &media, &local_v4);
  g_autoptr (GstSDPMessage) answer = parse_back (text);
  const GstSDPMedia *audio = assert_media (answer, 0, "audio", 40000, "RTP/SAVP", "9 101");
  g_assert_cmpuint (
      count_attribute (audio, "crypto", "2 AES_CM_128_HMAC_SHA1_80 inline:" LOCAL_AUDIO_KEY), ==,
      1);
  const GstSDPMedia *video = assert_media (answer, 1, "video", 40002, "RTP/AVP", "101");
  g_assert_null (gst_sdp_media_get_attribute_val (video, "crypto"));

  /* A gateway that requires SRTP refuses plain audio. */
  DcSipPolicy strict = open_policy;
  strict.require_srtp = TRUE;
  g_assert_false (read_offer (baresip, &strict, &media, &error));
  g_assert_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_NOT_ACCEPTABLE);
  g_assert_nonnull (strstr (error->message, "requires SRTP"));
  g_assert_cmpuint (media.audio.crypto_tag, ==, 2); /* left as it was */
}

static void
test_linphone_ipv6 (void)
{
  g_auto (DcSipMedia) media = { 0 };
  DcSipLocal local = local_v4;
  local.address = "2001:db8::1";
  g_autoptr (GstSDPMessage) answer = answer_to (linphone, &open_policy, &local, &media);

  g_assert_cmpint (media.audio_codec, ==, DC_SIP_AUDIO_OPUS);
  g_assert_cmpuint (media.audio.payload_type, ==, 96);
  g_assert_cmpuint (media.audio.clock_rate, ==, 48000);
  g_assert_cmpstr (media.audio.address, ==, "2001:db8::42");
  g_assert_cmpuint (media.telephone_event_pt, ==, 100);       /* the 8 kHz one */
  g_assert_cmpint (media.video_codec, ==, DC_SIP_VIDEO_H264); /* lower case, after VP8 */
  g_assert_cmpuint (media.video.payload_type, ==, 97);
  g_assert_cmpuint (media.h264_packetization_mode, ==, 0);
  g_assert_cmphex (media.h264_profile_iop, ==, 0x80);
  g_assert_true (media.video_pli);
  g_assert_false (media.video_fir); /* offered for VP8 only */

  assert_session (answer, "IP6", "2001:db8::1", "7");
  const GstSDPMedia *audio = assert_media (answer, 0, "audio", 40000, "RTP/AVP", "96 100");
  g_assert_cmpuint (count_attribute (audio, "rtpmap", "96 opus/48000/2"), ==, 1);
  const GstSDPMedia *video = assert_media (answer, 1, "video", 40002, "RTP/AVP", "97");
  g_assert_cmpuint (count_attribute (video, "rtcp-fb", "97 nack pli"), ==, 1);
  g_assert_cmpuint (count_attribute (video, "rtcp-fb", "97 ccm fir"), ==, 0);

  /* Without Opus: speex is not spoken, G.729 neither; PCMU is static 0 without a=rtpmap. */
  g_auto (DcSipMedia) g711 = { 0 };
  g_assert_true (read_offer (linphone, &g711_policy, &g711, NULL));
  g_assert_cmpint (g711.audio_codec, ==, DC_SIP_AUDIO_PCMU);
  g_assert_cmpuint (g711.audio.payload_type, ==, 0);
  g_assert_cmpuint (g711.video.port, ==, 0);
  g_assert_cmpint (g711.video_codec, ==, DC_SIP_VIDEO_NONE);
}

static void
test_static_payload_types (void)
{
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GstSDPMessage) answer = answer_to (static_only, &open_policy, &local_v4, &media);

  g_assert_cmpint (media.audio_codec, ==, DC_SIP_AUDIO_PCMU); /* PCMU before PCMA */
  g_assert_cmpuint (media.audio.payload_type, ==, 0);
  g_assert_cmpuint (media.telephone_event_pt, ==, 0);
  g_assert_cmpuint (media.ptime_ms, ==, 30);
  g_assert_cmpuint (media.video.port, ==, 0);
  const GstSDPMedia *audio = assert_media (answer, 0, "audio", 40000, "RTP/AVP", "0");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (audio, "ptime"), ==, "30");

  static const struct
  {
    const char *formats, *codec;
    guint pt;
  } cases[] = { { "18 9 0", "G722", 9 }, { "18 8", "PCMA", 8 }, { "3 4 13 0", "PCMU", 0 } };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *offer = edited (static_only, "18 8 0", cases[i].formats);
      g_assert_true (dc_sip_sdp_read_offer (offer, strlen (offer), &open_policy, &media, NULL));
      g_assert_cmpstr (dc_sip_audio_codec_name (media.audio_codec), ==, cases[i].codec);
      g_assert_cmpuint (media.audio.payload_type, ==, cases[i].pt);
    }
}

static void
test_connection_address (void)
{
  g_auto (DcSipMedia) media = { 0 };
  g_autofree char *offer = edited (baresip, "b=AS:100\n", "c=IN IP6 2001:db8:7::7\n");
  g_assert_true (dc_sip_sdp_read_offer (offer, strlen (offer), &open_policy, &media, NULL));
  g_assert_cmpstr (media.audio.address, ==, "2001:db8:7::7"); /* the m-line's c= */
  g_assert_cmpstr (media.video.address, ==, "203.0.113.7");   /* the session's */

  /* Video without an address of its own when the session has none. */
  g_autofree char *no_session = edited (offer, "c=IN IP4 203.0.113.7\n", "");
  g_autoptr (GError) error = NULL;
  g_assert_false (
      dc_sip_sdp_read_offer (no_session, strlen (no_session), &open_policy, &media, &error));
  g_assert_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "video stream has no c="));
  /* ... which does not matter when video is refused anyway. */
  DcSipPolicy audio_only = open_policy;
  audio_only.allow_video = FALSE;
  g_assert_true (
      dc_sip_sdp_read_offer (no_session, strlen (no_session), &audio_only, &media, NULL));
  g_assert_cmpuint (media.video.port, ==, 0);
}

static void
assert_refused (const char *text, gsize length, const DcSipPolicy *policy, int code,
                const char *message_part)
{
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_false (dc_sip_sdp_read_offer (text, length, policy, &media, &error));
  g_assert_error (error, DC_SIP_SDP_ERROR, code);
  if (strstr (error->message, message_part) == NULL)
    g_error ("\"%s\" does not say \"%s\"", error->message, message_part);
  g_assert_cmpuint (media.audio.port, ==, 0);
}

static void
assert_offer_refused (const char *lf_text, const DcSipPolicy *policy, int code,
                      const char *message_part)
{
  g_autofree char *text = with_crlf (lf_text);
  assert_refused (text, strlen (text), policy, code, message_part);
}

static void
test_errors (void)
{
  const int parse = DC_SIP_SDP_ERROR_PARSE, refused = DC_SIP_SDP_ERROR_NOT_ACCEPTABLE;
  static const char header[] = "v=0\no=- 1 1 IN IP4 192.0.2.9\ns=-\nc=IN IP4 192.0.2.9\nt=0 0\n";
  static const struct
  {
    const char *media; /* after header */
    int code;
    const char *message;
  } cases[] = {
    { "m=audio 70000 RTP/AVP 0\n", DC_SIP_SDP_ERROR_PARSE, "port beyond 65535" },
    { "m=audio -1 RTP/AVP 0\n", DC_SIP_SDP_ERROR_PARSE, "port beyond 65535" },
    { "m=audio 5004 RTP/AVP 0\nc=IN IP4 2001:db8::1\n", DC_SIP_SDP_ERROR_PARSE, "not an IPv4" },
    { "m=audio 5004 RTP/AVP 0\nc=IN IP4 hall.example.com\n", DC_SIP_SDP_ERROR_PARSE,
      "not an IPv4" },
    { "m=audio 5004 RTP/AVP 0\nc=ATM NSAP 47.0091\n", DC_SIP_SDP_ERROR_PARSE, "not an IPv4" },
    { "m=video 5004 RTP/AVP 96\na=rtpmap:96 VP8/90000\n", DC_SIP_SDP_ERROR_NOT_ACCEPTABLE,
      "the offer has no audio stream" },
    { "m=audio 0 RTP/AVP 0\n", DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, "audio stream has port 0" },
    { "m=audio 5004 RTP/AVP 18 97 101\na=rtpmap:97 iLBC/8000\na=rtpmap:101 telephone-event/8000\n",
      DC_SIP_SDP_ERROR_NOT_ACCEPTABLE,
      "the offer has no audio codec the gateway speaks (it offered: G729, iLBC)" },
    { "m=audio 5004 RTP/AVP 96 97\na=rtpmap:96 opus/48000/2\n", DC_SIP_SDP_ERROR_NOT_ACCEPTABLE,
      "(it offered: opus, payload type 97)" }, /* Opus not allowed, 97 unknown */
    { "m=audio 5004 RTP/AVP 18 3 4 15 97 98 99 100 110\n", DC_SIP_SDP_ERROR_NOT_ACCEPTABLE,
      "(it offered: G729, GSM, G723, G728, payload type 97, payload type 98, payload type 99, "
      "payload type 100, ...)" },
    { "m=audio 5004 UDP/TLS/RTP/SAVP 0\n", DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, "does not speak" },
    { "m=audio 5004 RTP/SAVP 0\n", DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, "without an a=crypto line" },
    { "m=audio 5004 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\n",
      DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, "without an a=crypto line" },
    { "m=audio 5004 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" POLY_KEY "\n",
      DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, "without an a=crypto line" },
    { "m=audio 5004 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_OF_29_BYTES "\n",
      DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, "without an a=crypto line" },
    { "m=audio 5004 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" POLY_KEY "|2^20|1:4\n",
      DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, "without an a=crypto line" }, /* MKI */
    { "m=audio 5004 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" POLY_KEY
      " UNENCRYPTED_SRTP\n",
      DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, "without an a=crypto line" },
    { "m=audio 5004 RTP/SAVP 0\na=crypto:99999999999 AES_CM_128_HMAC_SHA1_80 inline:" POLY_KEY "\n",
      DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, "without an a=crypto line" },
  };
  DcSipPolicy no_opus = open_policy;
  no_opus.allow_opus = FALSE;

  assert_refused (NULL, 0, &open_policy, parse, "empty");
  assert_refused ("v=0", 0, &open_policy, parse, "empty");
  assert_offer_refused ("hello, this is not SDP\n", &open_policy, parse, "not SDP");
  static const char with_nul[] = "v=0\r\nc=IN IP4 192.0.2.9\r\nm=audio\0 5004 RTP/AVP 0\r\n";
  assert_refused (with_nul, sizeof with_nul - 1, &open_policy, parse, "NUL byte");
  g_autofree char *no_c = edited (static_only, "c=IN IP4 192.0.2.80\n", "");
  assert_refused (no_c, strlen (no_c), &open_policy, parse, "audio stream has no c=");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strconcat (header, cases[i].media, NULL);
      assert_offer_refused (text, &no_opus, cases[i].code, cases[i].message);
    }
  assert_offer_refused (static_only, &(DcSipPolicy){ .require_srtp = TRUE, .allow_srtp = TRUE },
                        refused, "requires SRTP");
  /* No answer to what cannot be read; the answer side names what it was given. */
  g_auto (DcSipMedia) media = { 0 };
  g_assert_null (dc_sip_sdp_answer_new ("garbage", 7, &media, &local_v4));
  g_autoptr (GError) error = NULL;
  g_autofree char *g729 = edited (static_only, "18 8 0", "18");
  g_assert_false (dc_sip_sdp_read_answer (g729, strlen (g729), &open_policy, &media, &error));
  g_assert_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_NOT_ACCEPTABLE);
  g_assert_cmpstr (error->message, ==,
                   "the answer has no audio codec the gateway speaks (it answered with: G729)");
}

/* Sizes a hostile peer could send: refused early, or read in time linear in the size. */
static void
test_hostile_sizes (void)
{
  g_autoptr (GString) text = g_string_new ("v=0\r\nc=IN IP4 192.0.2.9\r\n");
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, "m=x\n");
  assert_refused (text->str, text->len, &open_policy, DC_SIP_SDP_ERROR_PARSE,
                  "has 10000 m-lines; the gateway reads at most 16");
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, "m=audio 5004 RTP/AVP 0\r\n");
  assert_refused (text->str, text->len, &open_policy, DC_SIP_SDP_ERROR_PARSE, "64 KiB");

  g_string_assign (text, static_only);
  for (guint i = 0; i < 16; i++)
    g_string_append (text, "m=audio 0 RTP/AVP 0\n");
  assert_offer_refused (text->str, &open_policy, DC_SIP_SDP_ERROR_PARSE, "has 17 m-lines");

  /* Many bad crypto lines; a payload type repeated 8000 times with a long fmtp. */
  g_string_assign (text, "v=0\r\nc=IN IP4 192.0.2.9\r\nm=audio 5004 RTP/SAVP 0\r\n");
  for (guint i = 0; i < 150; i++)
    g_string_append (text, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_OF_29_BYTES "\r\n");
  g_string_append (text, "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" POLY_KEY "\r\n");
  g_string_append (text, "m=video 5006 RTP/AVP");
  for (guint i = 0; i < 8000; i++)
    g_string_append (text, " 96");
  g_string_append (text, "\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 ");
  for (guint i = 0; i < 1000; i++)
    g_string_append (text, "packetization-mode=1;");
  g_string_append (text, "\r\n");
  g_assert_cmpuint (text->len, <, 64 * 1024);

  g_auto (DcSipMedia) media = { 0 };
  g_test_timer_start ();
  g_assert_true (dc_sip_sdp_read_offer (text->str, text->len, &open_policy, &media, NULL));
  g_assert_cmpfloat (g_test_timer_elapsed (), <, 1.0);
  g_assert_cmpuint (media.audio.crypto_tag, ==, 2);
  g_assert_cmpuint (media.video.payload_type, ==, 96);
  g_assert_cmpuint (media.h264_packetization_mode, ==, 1);
}

static void
test_codec_names (void)
{
  g_assert_cmpstr (dc_sip_audio_codec_name (DC_SIP_AUDIO_OPUS), ==, "opus");
  g_assert_cmpstr (dc_sip_audio_codec_name (DC_SIP_AUDIO_G722), ==, "G722");
  g_assert_cmpstr (dc_sip_audio_codec_name (DC_SIP_AUDIO_PCMU), ==, "PCMU");
  g_assert_cmpstr (dc_sip_audio_codec_name (DC_SIP_AUDIO_PCMA), ==, "PCMA");
  g_assert_cmpuint (dc_sip_audio_codec_sample_rate (DC_SIP_AUDIO_OPUS), ==, 48000);
  g_assert_cmpuint (dc_sip_audio_codec_sample_rate (DC_SIP_AUDIO_G722), ==, 16000);
  g_assert_cmpuint (dc_sip_audio_codec_sample_rate (DC_SIP_AUDIO_PCMU), ==, 8000);
  g_assert_cmpuint (dc_sip_audio_codec_sample_rate (DC_SIP_AUDIO_PCMA), ==, 8000);
}

static const char *const fuzz_tokens[] = {
  "\r\n",
  "\n",
  "\0",
  " ",
  "/",
  ":",
  "=",
  "*",
  "-1",
  "0",
  "128",
  "65536",
  "4294967296",
  "99999999999999999999999",
  "m=audio 5004 RTP/AVP 0\r\n",
  "m=video 0 RTP/SAVP 96\r\n",
  "c=IN IP6 ::\r\n",
  "c=IN IP4\r\n",
  "a=rtpmap:",
  "a=fmtp:96 packetization-mode=",
  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:",
  "|2^",
  "a=rtcp-fb:* nack pli\r\n",
  "a=content:slides\r\n",
  "a=inactive\r\n",
  "a=ptime:",
  "\xff\xfe",
};

static void
mutate (GString *text, GRand *rand)
{
  guint at = text->len ? g_rand_int_range (rand, 0, text->len) : 0;
  guint wanted = g_rand_int_range (rand, 1, 64); /* not inside MIN (), which evaluates twice */
  guint span = MIN (text->len - at, wanted);

  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:
      if (text->len)
        text->str[at] = g_rand_int_range (rand, 0, 256);
      break;
    case 1:
      {
        const char *token = fuzz_tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (fuzz_tokens))];
        g_string_insert_len (text, at, token, *token ? (gssize)strlen (token) : 1);
        break;
      }
    case 2:
      g_string_erase (text, at, span);
      break;
    case 3:
      {
        g_autofree char *copy = g_strndup (text->str + at, span);
        g_string_insert_len (text, at, copy, span);
        break;
      }
    case 4: /* a line of some offer, at the start of a line */
      {
        const char *donor = all_offers[g_rand_int_range (rand, 0, G_N_ELEMENTS (all_offers))];
        g_auto (GStrv) lines = g_strsplit (donor, "\n", -1);
        g_autofree char *line
            = g_strconcat (lines[g_rand_int_range (rand, 0, g_strv_length (lines))], "\r\n", NULL);
        const char *newline = memchr (text->str + at, '\n', text->len - at);
        g_string_insert (text, newline ? newline - text->str + 1 : (gssize)text->len, line);
        break;
      }
    default:
      g_string_truncate (text, at);
    }
}

/* What the reader promises for any input: TRUE with sane media and an answer that parses
 * with as many m-lines, or FALSE with an error of its domain. */
static void
check_mutation (const GString *text, const DcSipPolicy *policy)
{
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GError) error = NULL;

  if (!dc_sip_sdp_read_offer (text->str, text->len, policy, &media, &error))
    {
      g_assert_true (error->domain == DC_SIP_SDP_ERROR);
      g_assert_true (error->code == DC_SIP_SDP_ERROR_PARSE
                     || error->code == DC_SIP_SDP_ERROR_NOT_ACCEPTABLE);
      g_assert_true (error->message && *error->message);
    }
  else
    {
      g_assert_cmpuint (media.audio.port, >, 0);
      g_assert_cmpuint (media.audio.port, <=, 65535);
      g_assert_cmpuint (media.audio.payload_type, <, 128);
      g_assert_nonnull (media.audio.address);
      g_assert_true (!media.audio.srtp || strlen (media.audio.remote_key) == 40);
      g_autofree char *answer = dc_sip_sdp_answer_new (text->str, text->len, &media, &local_v4);
      g_autoptr (GstSDPMessage) parsed = parse_back (answer);
      g_autoptr (GstSDPMessage) offer = parse_back (text->str);
      g_assert_cmpuint (gst_sdp_message_medias_len (parsed), ==,
                        gst_sdp_message_medias_len (offer));
    }
  g_clear_error (&error);
  if (dc_sip_sdp_read_answer (text->str, text->len, policy, &media, &error))
    g_assert_cmpuint (media.audio.port, >, 0);
  else
    g_assert_true (error->domain == DC_SIP_SDP_ERROR);
}

static void
test_fuzz (void)
{
  static const DcSipPolicy policies[] = {
    { .allow_video = TRUE, .allow_opus = TRUE, .allow_srtp = TRUE },
    { .allow_video = TRUE, .require_srtp = TRUE, .allow_srtp = TRUE },
    { .allow_video = FALSE },
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240611);

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *offer = with_crlf (all_offers[i % G_N_ELEMENTS (all_offers)]);
      g_autoptr (GString) text = g_string_new (offer);
      guint n_mutations = g_rand_int_range (rand, 1, 5);
      for (guint j = 0; j < n_mutations; j++)
        mutate (text, rand);
      check_mutation (text, &policies[i % G_N_ELEMENTS (policies)]);
    }
}

int
main (int argc, char **argv)
{
  /* No gst_init (): the module is pure logic, and GStreamer's init leaves an allocation that
   * LeakSanitizer reports. */
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip-sdp/offer/poly-group-500", test_poly_group_500);
  g_test_add_func ("/sip-sdp/offer/cisco-sx20-srtp", test_cisco_sx20_srtp);
  g_test_add_func ("/sip-sdp/offer/baresip", test_baresip);
  g_test_add_func ("/sip-sdp/offer/linphone-ipv6", test_linphone_ipv6);
  g_test_add_func ("/sip-sdp/offer/static-payload-types", test_static_payload_types);
  g_test_add_func ("/sip-sdp/offer/connection-address", test_connection_address);
  g_test_add_func ("/sip-sdp/errors", test_errors);
  g_test_add_func ("/sip-sdp/hostile-sizes", test_hostile_sizes);
  g_test_add_func ("/sip-sdp/codec-names", test_codec_names);
  g_test_add_func ("/sip-sdp/fuzz", test_fuzz);
  return g_test_run ();
}
