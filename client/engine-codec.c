#include "engine-codec.h"

/* The hall PC encodes its camera for a tile: real-time settings, a keyframe every few seconds,
 * losses repaired by PLI rather than by the interval. */
static const DcClientVideoCodec client_video_codecs[] = {
  {
    .name = "vp8",
    .encoding_name = "VP8",
    .media_line = DC_MEDIA_VIDEO_VP8,
    .encoder = "vp8enc name=camenc deadline=1 cpu-used=16 target-bitrate=%d000 "
               "keyframe-max-dist=%d error-resilient=partitions max-intra-bitrate=300",
    .bitrate_property = "target-bitrate",
    .bitrate_unit = 1,
    .payloader = "rtpvp8pay picture-id-mode=15-bit pt=%d",
    .payload_type = DC_VP8_PAYLOAD_TYPE,
    .depayloader = "rtpvp8depay request-keyframe=true wait-for-keyframe=true",
    .decoder = "vp8dec",
  },
  {
    /* Constrained baseline, as the gateway's offer (profile-level-id 42e01f) asks. */
    .name = "h264",
    .encoding_name = "H264",
    .media_line = DC_MEDIA_VIDEO_H264,
    .encoder = "x264enc name=camenc tune=zerolatency speed-preset=ultrafast bitrate=%d "
               "key-int-max=%d threads=1 aud=false ! video/x-h264,profile=constrained-baseline",
    .bitrate_property = "bitrate",
    .bitrate_unit = 1000,
    .payloader = "rtph264pay config-interval=-1 aggregate-mode=zero-latency pt=%d",
    .payload_type = DC_H264_PAYLOAD_TYPE,
    .depayloader = "rtph264depay request-keyframe=true wait-for-keyframe=true",
    .decoder = "avdec_h264",
  },
};

const DcClientVideoCodec *
dc_client_video_codec_find (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (client_video_codecs); i++)
    if (g_strcmp0 (client_video_codecs[i].name, name) == 0)
      return &client_video_codecs[i];
  return NULL;
}

const DcClientVideoCodec *
dc_client_video_codec_for_rtp (const GstCaps *caps)
{
  if (caps == NULL || gst_caps_is_empty (caps))
    return NULL;
  const char *encoding
      = gst_structure_get_string (gst_caps_get_structure (caps, 0), "encoding-name");
  for (guint i = 0; encoding != NULL && i < G_N_ELEMENTS (client_video_codecs); i++)
    if (g_ascii_strcasecmp (client_video_codecs[i].encoding_name, encoding) == 0)
      return &client_video_codecs[i];
  return NULL;
}

char *
dc_client_video_codec_decode_description (const DcClientVideoCodec *codec)
{
  g_return_val_if_fail (codec != NULL, NULL);
  return g_strdup_printf ("queue ! %s ! %s", codec->depayloader, codec->decoder);
}
