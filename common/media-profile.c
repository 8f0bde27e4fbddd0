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
      return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "video",
                                  "encoding-name", G_TYPE_STRING, "H264", "payload", G_TYPE_INT,
                                  DC_H264_PAYLOAD_TYPE, "clock-rate", G_TYPE_INT, 90000,
                                  "rtcp-fb-nack", G_TYPE_BOOLEAN, TRUE, "rtcp-fb-nack-pli",
                                  G_TYPE_BOOLEAN, TRUE, "rtcp-fb-ccm-fir", G_TYPE_BOOLEAN, TRUE,
                                  "packetization-mode", G_TYPE_STRING, "1", "profile-level-id",
                                  G_TYPE_STRING, "42e01f", "level-asymmetry-allowed",
                                  G_TYPE_STRING, "1", NULL);
    case DC_MEDIA_AUDIO_OPUS:
    default:
      return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio",
                                  "encoding-name", G_TYPE_STRING, "OPUS", "payload", G_TYPE_INT,
                                  DC_OPUS_PAYLOAD_TYPE, "clock-rate", G_TYPE_INT, 48000,
                                  "encoding-params", G_TYPE_STRING, "2", "minptime",
                                  G_TYPE_STRING, "10", "useinbandfec", G_TYPE_STRING, "1", NULL);
    }
}

void
dc_media_configure_transceiver (GstWebRTCRTPTransceiver *transceiver, DcMediaLine line)
{
  g_return_if_fail (transceiver != NULL);
  g_autoptr (GstCaps) caps = dc_media_rtp_caps_new (line);
  /* do-nack defaults to FALSE: without it NACK is left out of the SDP and the jitter buffer
   * never asks for a lost packet again. */
  g_object_set (transceiver, "codec-preferences", caps, "do-nack", line != DC_MEDIA_AUDIO_OPUS,
                "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, NULL);
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
