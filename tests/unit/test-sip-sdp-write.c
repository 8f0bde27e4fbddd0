/* SIP SDP writing: what the answer says back (directions and holds, refused streams, the
 * m-line answered when there are two of a kind), and dialling out: the gateway's own offer read
 * back, and the hall's answer to it. Reading offers is in test-sip-sdp-read.c. */
#include "sip-sdp-fixtures.h"

/* Holds of both kinds, and what the answer says back for each remote and local direction. */
static void
test_directions (void)
{
  static const struct
  {
    const char *old, *replacement, *remote_audio, *answer_audio, *remote_video;
  } cases[] = {
    { "a=sendrecv", "a=sendonly", "sendonly", "recvonly", "sendrecv" }, /* re-INVITE, hold */
    { "a=sendrecv", "a=recvonly", "recvonly", "sendonly", "sendrecv" },
    { "a=sendrecv", "a=inactive", "inactive", "inactive", "sendrecv" },
    { "a=sendrecv", "a=sendrecv", "sendrecv", "sendrecv", "sendrecv" },
    /* RFC 2543 hold, for the session and for one stream */
    { "c=IN IP4 203.0.113.7", "c=IN IP4 0.0.0.0", "sendonly", "recvonly", "sendonly" },
    { "a=sendrecv\na=label:1", "a=recvonly\nc=IN IP4 0.0.0.0", "inactive", "inactive", "sendrecv" },
    { "a=tool:baresip 1.0.0", "a=sendonly", "sendrecv", "sendrecv", "sendrecv" }, /* media wins */
  };
  static const char *const names[] = { "sendrecv", "sendonly", "recvonly", "inactive" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (DcSipMedia) media = { 0 };
      g_autofree char *offer = edited (baresip, cases[i].old, cases[i].replacement);
      DcSipLocal local = local_v4;
      local.session_version = 8;

      g_assert_true (dc_sip_sdp_read_offer (offer, strlen (offer), &open_policy, &media, NULL));
      g_assert_cmpstr (names[media.audio.direction], ==, cases[i].remote_audio);
      g_assert_cmpstr (names[media.video.direction], ==, cases[i].remote_video);
      g_autofree char *text = dc_sip_sdp_answer_new (offer, strlen (offer), &media, &local);
      g_autoptr (GstSDPMessage) answer = parse_back (text);
      g_assert_true (g_str_has_prefix (text, "v=0\r\no=diemcau 4242 8 IN IP4 192.0.2.1\r\n"
                                             "s=diemcau\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm="));
      g_assert_cmpstr (gst_sdp_message_get_origin (answer)->sess_version, ==, "8");
      g_assert_cmpstr (direction_of (gst_sdp_message_get_media (answer, 0)), ==,
                       cases[i].answer_audio);

      local.direction = DC_SIP_INACTIVE; /* the gateway holds */
      g_autofree char *held = dc_sip_sdp_answer_new (offer, strlen (offer), &media, &local);
      g_autoptr (GstSDPMessage) held_answer = parse_back (held);
      g_assert_cmpstr (direction_of (gst_sdp_message_get_media (held_answer, 0)), ==, "inactive");
      g_assert_cmpstr (direction_of (gst_sdp_message_get_media (held_answer, 1)), ==, "inactive");
    }

  /* Session-level direction applies where the media says nothing. */
  g_auto (DcSipMedia) media = { 0 };
  g_autofree char *offer = edited (static_only, "t=0 0", "t=0 0\na=inactive");
  g_assert_true (dc_sip_sdp_read_offer (offer, strlen (offer), &open_policy, &media, NULL));
  g_assert_cmpint (media.audio.direction, ==, DC_SIP_INACTIVE);
}

static void
test_video_refused (void)
{
  g_auto (DcSipMedia) media = { 0 };
  DcSipPolicy audio_only = open_policy;
  audio_only.allow_video = FALSE;

  g_autoptr (GstSDPMessage) answer = answer_to (poly_group_500, &audio_only, &local_v4, &media);
  g_assert_cmpuint (media.video.port, ==, 0);
  g_assert_cmpint (media.video_codec, ==, DC_SIP_VIDEO_NONE);
  assert_media (answer, 1, "video", 0, "RTP/AVP", "109");

  /* Only H.263 and H.261 in common: nothing. H.264 mode 2 only: nothing either. */
  const char *offers[]
      = { "m=video 9078 RTP/AVP 34 31\n", "m=video 9078 RTP/AVP 97\na=rtpmap:97 H264/90000\n"
                                          "a=fmtp:97 packetization-mode=2\n" };
  for (guint i = 0; i < G_N_ELEMENTS (offers); i++)
    {
      g_autofree char *text = g_strconcat (static_only, offers[i], NULL);
      g_autoptr (GstSDPMessage) refused = answer_to (text, &open_policy, &local_v4, &media);
      g_assert_cmpuint (media.video.port, ==, 0);
      assert_media (refused, 1, "video", 0, "RTP/AVP", i == 0 ? "34" : "97");
    }

  /* H.264 without fmtp: baseline level 1.0, mode 0 (RFC 6184). */
  g_autofree char *bare
      = g_strconcat (static_only, "m=video 9 RTP/AVP 99\na=rtpmap:99 H264/90000\n", NULL);
  g_autoptr (GstSDPMessage) bare_answer = answer_to (bare, &open_policy, &local_v4, &media);
  g_assert_cmphex (media.h264_profile_idc, ==, 0x42);
  g_assert_cmphex (media.h264_level_idc, ==, 0x0a);
  g_assert_false (media.video_pli);
  const GstSDPMedia *video = assert_media (bare_answer, 1, "video", 40002, "RTP/AVP", "99");
  g_assert_cmpuint (
      count_attribute (video, "fmtp", "99 profile-level-id=42000a;packetization-mode=0"), ==, 1);
  g_assert_cmpuint (count_attribute (video, "rtcp-fb", "99 nack pli"), ==, 0);
}

/* Best-effort SRTP the old way: the same audio twice, RTP/SAVP first, RTP/AVP second. */
static void
test_two_audio_lines (void)
{
  g_autofree char *twice = g_strconcat (
      "v=0\no=- 5 5 IN IP4 192.0.2.9\ns=-\nc=IN IP4 192.0.2.9\nt=0 0\n"
      "m=audio 6000 RTP/SAVP 0\na=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:" POLY_KEY "|2^31\n"
      "m=audio 6002 RTP/AVP 0\n",
      NULL);
  DcSipPolicy no_srtp = open_policy;
  no_srtp.allow_srtp = FALSE;

  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GstSDPMessage) srtp = answer_to (twice, &open_policy, &local_v4, &media);
  g_assert_cmpuint (media.audio.crypto_tag, ==, 7);
  assert_media (srtp, 0, "audio", 40000, "RTP/SAVP", "0");
  assert_media (srtp, 1, "audio", 0, "RTP/AVP", "0");

  g_autoptr (GstSDPMessage) plain = answer_to (twice, &no_srtp, &local_v4, &media);
  g_assert_cmpuint (media.audio.port, ==, 6002);
  g_assert_cmpuint (media.audio.mline, ==, 1);
  assert_media (plain, 0, "audio", 0, "RTP/SAVP", "0");
  assert_media (plain, 1, "audio", 40000, "RTP/AVP", "0");
}

static void
test_dial_out_offer (void)
{
  DcSipPolicy policy = open_policy;
  g_autofree char *text = dc_sip_sdp_offer_new (&policy, &local_v4);
  g_autoptr (GstSDPMessage) offer = parse_back (text);

  assert_session (offer, "IP4", "192.0.2.1", "7");
  g_assert_nonnull (strstr (text, "\r\nt=0 0\r\n"));
  g_assert_cmpuint (gst_sdp_message_medias_len (offer), ==, 2);
  const GstSDPMedia *audio = assert_media (offer, 0, "audio", 40000, "RTP/SAVP", "111 9 0 8 101");
  g_assert_cmpuint (count_attribute (audio, "rtpmap", "111 opus/48000/2"), ==, 1);
  g_assert_cmpuint (count_attribute (audio, "rtpmap", "9 G722/8000"), ==, 1);
  g_assert_cmpuint (count_attribute (audio, "rtpmap", "101 telephone-event/8000"), ==, 1);
  g_assert_cmpuint (
      count_attribute (audio, "crypto", "1 AES_CM_128_HMAC_SHA1_80 inline:" LOCAL_AUDIO_KEY), ==,
      1);
  g_assert_cmpstr (direction_of (audio), ==, "sendrecv");
  const GstSDPMedia *video = assert_media (offer, 1, "video", 40002, "RTP/SAVP", "102 103 96");
  g_assert_cmpuint (
      count_attribute (video, "fmtp", "102 profile-level-id=42e01f;packetization-mode=1"), ==, 1);
  g_assert_cmpuint (
      count_attribute (video, "fmtp", "103 profile-level-id=42e01f;packetization-mode=0"), ==, 1);
  g_assert_cmpuint (count_attribute (video, "rtpmap", "96 VP8/90000"), ==, 1);
  g_assert_cmpuint (count_attribute (video, "rtcp-fb", "* nack"), ==, 1);
  g_assert_cmpuint (count_attribute (video, "rtcp-fb", "* nack pli"), ==, 1);
  g_assert_cmpuint (count_attribute (video, "rtcp-fb", "* ccm fir"), ==, 1);

  /* The gateway reads its own offer as a hall would send it. */
  g_auto (DcSipMedia) media = { 0 };
  g_assert_true (dc_sip_sdp_read_offer (text, strlen (text), &policy, &media, NULL));
  g_assert_cmpint (media.audio_codec, ==, DC_SIP_AUDIO_OPUS);
  g_assert_cmpstr (media.audio.remote_key, ==, LOCAL_AUDIO_KEY);
  g_assert_cmpuint (media.video.payload_type, ==, 102);
  g_assert_cmphex (media.h264_profile_iop, ==, 0xe0);

  /* Plain, no Opus, no video. */
  DcSipLocal plain = local_v4;
  plain.audio_key = plain.video_key = NULL;
  g_autofree char *small = dc_sip_sdp_offer_new (&g711_policy, &plain);
  g_autoptr (GstSDPMessage) small_offer = parse_back (small);
  g_assert_cmpuint (gst_sdp_message_medias_len (small_offer), ==, 1);
  audio = assert_media (small_offer, 0, "audio", 40000, "RTP/AVP", "9 0 8 101");
  g_assert_null (gst_sdp_media_get_attribute_val (audio, "crypto"));
}

static const char hall_answer[]
    = "v=0\no=- 99 100 IN IP4 203.0.113.7\ns=-\nc=IN IP4 203.0.113.7\nt=0 0\n"
      "m=audio 10602 RTP/AVP 8 0 101\na=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000\n"
      "a=sendrecv\n"
      "m=video 10604 RTP/AVP 103\na=rtpmap:103 H264/90000\n"
      "a=fmtp:103 packetization-mode=0;profile-level-id=42e028\na=rtcp-fb:103 nack pli\n";

static void
test_read_answer (void)
{
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = with_crlf (hall_answer);

  /* The hall chose PCMA (listed first) although the gateway prefers PCMU. */
  g_assert_true (dc_sip_sdp_read_answer (text, strlen (text), &open_policy, &media, &error));
  g_assert_cmpint (media.audio_codec, ==, DC_SIP_AUDIO_PCMA);
  g_assert_cmpuint (media.audio.payload_type, ==, 8);
  g_assert_cmpuint (media.telephone_event_pt, ==, 101);
  g_assert_cmpuint (media.video.payload_type, ==, 103);
  g_assert_cmpuint (media.h264_packetization_mode, ==, 0);
  g_assert_cmphex (media.h264_level_idc, ==, 0x1f); /* answered 4.0 */
  g_assert_true (media.video_pli);

  /* SRTP: the answer must carry the tag offered (1). */
  g_autofree char *tag_1 = edited (hall_answer, "RTP/AVP 8 0 101\n",
                                   "RTP/SAVP 8 0 101\na=crypto:1 AES_CM_128_HMAC_SHA1_80 "
                                   "inline:" BARESIP_KEY_80 "|2^31\n");
  g_assert_true (dc_sip_sdp_read_answer (tag_1, strlen (tag_1), &open_policy, &media, &error));
  g_assert_true (media.audio.srtp);
  g_assert_cmpstr (media.audio.remote_key, ==, BARESIP_KEY_80);
  g_autofree char *tag_2 = edited (hall_answer, "RTP/AVP 8 0 101\n",
                                   "RTP/SAVP 8 0 101\na=crypto:2 AES_CM_128_HMAC_SHA1_80 "
                                   "inline:" BARESIP_KEY_80 "\n");
  g_assert_false (dc_sip_sdp_read_answer (tag_2, strlen (tag_2), &open_policy, &media, &error));
  g_assert_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_NOT_ACCEPTABLE);
  g_clear_error (&error);

  /* Video refused by the hall; audio refused by the hall. */
  g_autofree char *no_video = edited (hall_answer, "m=video 10604", "m=video 0");
  g_assert_true (dc_sip_sdp_read_answer (no_video, strlen (no_video), &open_policy, &media, NULL));
  g_assert_cmpuint (media.video.port, ==, 0);
  g_assert_cmpint (media.video_codec, ==, DC_SIP_VIDEO_NONE);
  g_autofree char *no_audio = edited (hall_answer, "m=audio 10602", "m=audio 0");
  g_assert_false (
      dc_sip_sdp_read_answer (no_audio, strlen (no_audio), &open_policy, &media, &error));
  g_assert_error (error, DC_SIP_SDP_ERROR, DC_SIP_SDP_ERROR_NOT_ACCEPTABLE);
  g_assert_cmpstr (error->message, ==, "the answer's audio stream has port 0");
}

int
main (int argc, char **argv)
{
  /* No gst_init (): the module is pure logic, and GStreamer's init leaves an allocation that
   * LeakSanitizer reports. */
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip-sdp/offer/directions", test_directions);
  g_test_add_func ("/sip-sdp/offer/video-refused", test_video_refused);
  g_test_add_func ("/sip-sdp/offer/two-audio-lines", test_two_audio_lines);
  g_test_add_func ("/sip-sdp/dial-out/offer", test_dial_out_offer);
  g_test_add_func ("/sip-sdp/dial-out/answer", test_read_answer);
  return g_test_run ();
}
