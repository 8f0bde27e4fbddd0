#include "media-profile.h"

GstCaps *
dc_media_rtp_caps_new (DcMediaLine line)
{
  switch (line)
    {
    case DC_MEDIA_VIDEO_VP8:
      return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "video",
                                  "encoding-name", G_TYPE_STRING, "VP8", "payload", G_TYPE_INT,
                                  DC_VP8_PAYLOAD_TYPE, "clock-rate", G_TYPE_INT, 90000,
                                  "rtcp-fb-nack", G_TYPE_BOOLEAN, TRUE, "rtcp-fb-nack-pli",
                                  G_TYPE_BOOLEAN, TRUE, "rtcp-fb-ccm-fir", G_TYPE_BOOLEAN, TRUE,
                                  NULL);
    case DC_MEDIA_VIDEO_H264:
      return dc_media_h264_rtp_caps_new (31);
    case DC_MEDIA_AUDIO_OPUS:
    default:
      return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio",
                                  "encoding-name", G_TYPE_STRING, "OPUS", "payload", G_TYPE_INT,
                                  DC_OPUS_PAYLOAD_TYPE, "clock-rate", G_TYPE_INT, 48000,
                                  "encoding-params", G_TYPE_STRING, "2", "minptime",
                                  G_TYPE_STRING, "10", "useinbandfec", G_TYPE_STRING, "1", NULL);
    }
}

/* H.264 Annex A, table A-1: level, its number in profile-level-id, frame size and macroblock
 * rate it allows. */
static const struct
{
  guint level, level_idc, max_frame_mbs, max_mbs_per_s;
} h264_levels[] = {
  { 31, 0x1f, 3600, 108000 },  { 32, 0x20, 5120, 216000 },  { 40, 0x28, 8192, 245760 },
  { 42, 0x2a, 8704, 522240 },  { 50, 0x32, 22080, 589824 }, { 51, 0x33, 36864, 983040 },
};

guint
dc_media_h264_level_for (int width, int height, int fps)
{
  guint frame_mbs = (guint) ((width + 15) / 16) * (guint) ((height + 15) / 16);
  guint64 mbs_per_s = (guint64) frame_mbs * (guint) MAX (fps, 1);
  for (guint i = 0; i < G_N_ELEMENTS (h264_levels); i++)
    if (frame_mbs <= h264_levels[i].max_frame_mbs && mbs_per_s <= h264_levels[i].max_mbs_per_s)
      return h264_levels[i].level;
  return h264_levels[G_N_ELEMENTS (h264_levels) - 1].level;
}

static guint
level_idc_of (guint level)
{
  for (guint i = 0; i < G_N_ELEMENTS (h264_levels); i++)
    if (h264_levels[i].level == level)
      return h264_levels[i].level_idc;
  return 0x1f;
}

GstCaps *
dc_media_h264_rtp_caps_new (guint level)
{
  g_autofree char *profile_level_id = g_strdup_printf ("42e0%02x", level_idc_of (level));
  return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "video",
                              "encoding-name", G_TYPE_STRING, "H264", "payload", G_TYPE_INT,
                              DC_H264_PAYLOAD_TYPE, "clock-rate", G_TYPE_INT, 90000,
                              "rtcp-fb-nack", G_TYPE_BOOLEAN, TRUE, "rtcp-fb-nack-pli",
                              G_TYPE_BOOLEAN, TRUE, "rtcp-fb-ccm-fir", G_TYPE_BOOLEAN, TRUE,
                              "packetization-mode", G_TYPE_STRING, "1", "profile-level-id",
                              G_TYPE_STRING, profile_level_id, "level-asymmetry-allowed",
                              G_TYPE_STRING, "1", NULL);
}

char *
dc_media_payload_caps_setter (const GstCaps *rtp_caps)
{
  g_return_val_if_fail (rtp_caps != NULL && !gst_caps_is_empty (rtp_caps), NULL);
  const GstStructure *s = gst_caps_get_structure (rtp_caps, 0);
  const char *profile_level_id = gst_structure_get_string (s, "profile-level-id");
  if (g_strcmp0 (gst_structure_get_string (s, "encoding-name"), "H264") != 0
      || profile_level_id == NULL)
    return NULL;
  return g_strdup_printf ("capssetter caps=\"application/x-rtp,profile-level-id=(string)%s\"",
                          profile_level_id);
}

void
dc_media_configure_transceiver (GstWebRTCRTPTransceiver *transceiver, const GstCaps *caps)
{
  g_return_if_fail (transceiver != NULL && caps != NULL && !gst_caps_is_empty (caps));
  const char *media = gst_structure_get_string (gst_caps_get_structure (caps, 0), "media");
  /* do-nack defaults to FALSE: without it NACK is left out of the SDP and the jitter buffer
   * never asks for a lost packet again. */
  g_object_set (transceiver, "codec-preferences", caps, "do-nack",
                g_strcmp0 (media, "video") == 0, "direction",
                GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, NULL);
}

gboolean
dc_media_stats_entry (const GValue *value, const GstStructure **stats, GstWebRTCStatsType *type)
{
  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return FALSE;
  *stats = gst_value_get_structure (value);
  return gst_structure_get (*stats, "type", GST_TYPE_WEBRTC_STATS_TYPE, type, NULL);
}

gboolean
dc_media_set_rtcp_interval (GstElement *webrtcbin, guint interval_ms)
{
  g_autoptr (GstElement) rtpbin = gst_bin_get_by_name (GST_BIN (webrtcbin), "rtpbin");
  if (rtpbin == NULL)
    return FALSE;
  gboolean set = FALSE;
  /* Bundled: every m-line shares session 0; without bundle each has its own. */
  for (guint id = 0; id < 2; id++)
    {
      GstElement *session = NULL;
      g_signal_emit_by_name (rtpbin, "get-session", id, &session);
      if (session == NULL)
        continue;
      g_object_set (session, "rtcp-min-interval", (guint64) interval_ms * GST_MSECOND, NULL);
      gst_object_unref (session);
      set = TRUE;
    }
  return set;
}

GSource *
dc_media_post (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "dc-media-post");
  g_source_attach (source, context);
  return source;
}
