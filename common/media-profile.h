/* What the gateway and the client must agree on to meet in one SDP: payload types, the RTP caps
 * each m-line carries, how a transceiver is set up before negotiation (1.22 cannot change it
 * after), and the hop from webrtcbin's threads to a main context. */
#pragma once

#define GST_USE_UNSTABLE_API
#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

G_BEGIN_DECLS

#define DC_VP8_PAYLOAD_TYPE 96
#define DC_H264_PAYLOAD_TYPE 102
#define DC_OPUS_PAYLOAD_TYPE 111

typedef enum
{
  DC_MEDIA_VIDEO_VP8,
  DC_MEDIA_VIDEO_H264,
  DC_MEDIA_AUDIO_OPUS,
} DcMediaLine;

/* The RTP caps of one m-line as the gateway offers it: payload type, clock rate, RTCP feedback
 * for video, opus/48000/2 with explicit fmtp for audio (a mono/stereo mismatch can leave 1.22
 * receive-only). H.264 is constrained baseline at level 3.1 (profile-level-id 42e01f). */
GstCaps *dc_media_rtp_caps_new (DcMediaLine line);
/* H.264 constrained baseline at level_idc (31 for 3.1), packetization-mode 1. */
GstCaps *dc_media_h264_rtp_caps_new (guint level_idc);

/* The lowest H.264 level whose frame size and macroblock rate hold this picture, and at least
 * 3.1 (what every WebRTC stack offers); 5.1 at most. */
guint dc_media_h264_level_for (int width, int height, int fps);

/* rtph264pay writes the profile-level-id of the stream's SPS into its caps (x264's constrained
 * baseline reads 42c0xx, at the level the picture needs), which never equals the m-line's string
 * and so fails to link into webrtcbin. A capssetter after the payloader states the m-line's:
 * returns "capssetter caps=..." for an H.264 m-line's caps, NULL for any other. */
char *dc_media_payload_caps_setter (const GstCaps *rtp_caps);

/* Codec preferences (the caps of one m-line), NACK for video, send and receive. Call before the
 * first offer or answer. */
void dc_media_configure_transceiver (GstWebRTCRTPTransceiver *transceiver, const GstCaps *caps);

/* One entry of webrtcbin's get-stats reply (a gst_structure_foreach value): its structure and
 * stats type, FALSE for anything else. */
gboolean dc_media_stats_entry (const GValue *value, const GstStructure **stats,
                               GstWebRTCStatsType *type);

/* Receiver reports once a second instead of RTP's five-second minimum (AVPF allows it), so the
 * other end sees this end's losses in time to adapt. Sessions exist once a description is set:
 * FALSE while there is none yet (call again later). */
#define DC_MEDIA_RTCP_INTERVAL_MS 1000
gboolean dc_media_set_rtcp_interval (GstElement *webrtcbin, guint interval_ms);

/* Runs func on context at its next iteration, never inside this call, even when called on the
 * context's own thread: a caller still building its state must not see its own event. The
 * returned source (a reference for the caller) lets an owner destroy it undelivered. */
GSource *dc_media_post (GMainContext *context, GSourceFunc func, gpointer data,
                        GDestroyNotify destroy);

G_END_DECLS
