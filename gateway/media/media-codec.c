#include "media-codec.h"

/* Encoder settings favour latency and CPU: the composition is encoded once for every site, and
 * sites ask for keyframes (PLI) rather than waiting for periodic ones. A keyframe is held to
 * about three frames' worth of bits (VP8 max-intra-bitrate, x264's 300 ms VBV): a larger one
 * overflows a modest link's queue and is lost whole, and the hall asks for the next, and so on. VP8 runs on one thread:
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
                           "buffer-optimal-size=600 max-quantizer=56 max-intra-bitrate=300",
    .parser = NULL,
    .payloader_description = "rtpvp8pay picture-id-mode=15-bit mtu=1200",
    .depayloader = "rtpvp8depay",
    .decoder = "vp8dec",
  },
  {
    /* For SIP room systems. Constrained baseline with no level in the caps: x264 then writes the
     * lowest level the canvas fits (3.1 for the default 1280x720 at 25 or 30 fps, 4 for 1080p),
     * while a fixed level=3.1 would fail to negotiate above 720p. slice-max-size keeps every NAL
     * within one RTP packet, so the same frames serve packetization-mode 0 and 1 alike;
     * zerolatency means no B-frames, no lookahead and sliced threads (no frame of delay). */
    .name = "h264",
    .encoding_name = "H264",
    .payload_type = DC_H264_PAYLOAD_TYPE,
    .media_line = DC_MEDIA_VIDEO_H264,
    .encoded_caps = "video/x-h264,stream-format=byte-stream,alignment=au",
    .encoder_description = "x264enc name=encoder tune=zerolatency speed-preset=ultrafast bitrate=%u "
                           "key-int-max=%u threads=2 aud=false vbv-buf-capacity=300 "
                           "option-string=\"slice-max-size=" G_STRINGIFY (DC_H264_MAX_NAL_SIZE) "\" ! "
                           "video/x-h264,profile=constrained-baseline",
    /* SPS and PPS before every IDR: a site that joins mid-stream decodes from the keyframe it
     * asked for, without waiting on out-of-band parameter sets. */
    .parser = "h264parse config-interval=-1",
    .payloader_description = "rtph264pay config-interval=-1 aggregate-mode=zero-latency mtu=1200",
    .depayloader = "rtph264depay",
    /* libav's decoder: room systems send main and high profile, which openh264dec refuses. */
    .decoder = "avdec_h264",
  },
};

G_STATIC_ASSERT (G_N_ELEMENTS (video_codecs) <= DC_VIDEO_CODECS_MAX);

const DcVideoCodec *
dc_video_codec_find (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (video_codecs); i++)
    if (g_strcmp0 (video_codecs[i].name, name) == 0)
      return &video_codecs[i];
  return NULL;
}

const char *const *
dc_video_codec_names (void)
{
  static const char *names[G_N_ELEMENTS (video_codecs) + 1];
  if (names[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (video_codecs); i++)
      names[i] = video_codecs[i].name;
  return names;
}
