#include "media-codec.h"

/* Encoder settings favour latency and CPU: the composition is encoded once for every site, and
 * sites ask for keyframes (PLI) rather than waiting for periodic ones. VP8 runs on one thread:
 * libvpx's row threads wait for each other by spinning, and on a busy host that made each frame
 * slower and dearer than one thread (see docs/benchmarks.md). */
static const DcVideoCodec video_codecs[] = {
  {
    .name = "vp8",
    .encoding_name = "VP8",
    .payload_type = DC_VP8_PAYLOAD_TYPE,
    .media_line = DC_MEDIA_VIDEO_VP8,
    .encoded_caps = "video/x-vp8",
    .encoder_description = "vp8enc name=encoder deadline=1 cpu-used=16 end-usage=cbr target-bitrate=%u000 "
                           "keyframe-max-dist=%u lag-in-frames=0 error-resilient=partitions "
                           "threads=1 undershoot=95 buffer-size=1000 buffer-initial-size=500 "
                           "buffer-optimal-size=600 max-quantizer=56",
    .parser = NULL,
    .payloader_description = "rtpvp8pay picture-id-mode=15-bit mtu=1200",
    .depayloader = "rtpvp8depay",
    .decoder = "vp8dec",
  },
  {
    .name = "h264",
    .encoding_name = "H264",
    .payload_type = DC_H264_PAYLOAD_TYPE,
    .media_line = DC_MEDIA_VIDEO_H264,
    .encoded_caps = "video/x-h264,stream-format=byte-stream,alignment=au",
    .encoder_description = "x264enc name=encoder tune=zerolatency speed-preset=ultrafast bitrate=%u "
                           "key-int-max=%u threads=2 ! video/x-h264,profile=constrained-baseline",
    .parser = "h264parse",
    .payloader_description = "rtph264pay config-interval=-1 aggregate-mode=zero-latency mtu=1200",
    .depayloader = "rtph264depay",
    .decoder = "openh264dec",
  },
};

const DcVideoCodec *
dc_video_codec_find (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (video_codecs); i++)
    if (g_strcmp0 (video_codecs[i].name, name) == 0)
      return &video_codecs[i];
  return NULL;
}
