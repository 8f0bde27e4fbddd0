/* The video codecs the composition can be encoded with, as a table: encoder, payloader and the
 * RTP caps the offer carries. Incoming video is decoded with the matching decoder. */
#pragma once

#include <glib.h>
#include "media-profile.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;           /* config value: "vp8", "h264" */
  const char *encoding_name;  /* RTP encoding name */
  guint payload_type;
  DcMediaLine media_line;     /* its m-line in the offer (media-profile.h) */
  const char *encoded_caps;   /* what the encoder branch produces */
  const char *encoder_description; /* gst_parse text naming the encoder "encoder";
                                      * %u = bitrate kbps, %u = keyframe distance */
  const char *parser;         /* element after the encoder or NULL */
  const char *payloader_description;
  const char *depayloader;
  const char *decoder;
} DcVideoCodec;

/* At least the number of entries in the table: what a mixer can encode at once. */
#define DC_VIDEO_CODECS_MAX 4

/* A quality tier of the composition: the canvas scaled to this size, at this bitrate. */
typedef struct
{
  int width, height;
  guint bitrate_kbps;
} DcVideoTier;

/* Tier 0 (the canvas) and at most three below it. */
#define DC_VIDEO_TIERS_MAX 4
/* x264's slice-max-size: with the RTP header and the FU/STAP bytes every H.264 NAL still fits
 * the payloaders' 1200-byte MTU, so no NAL needs fragmenting (packetization-mode 0). */
#define DC_H264_MAX_NAL_SIZE 1100

const DcVideoCodec *dc_video_codec_find (const char *name);
/* Every codec's name, NULL-terminated, in the table's order. */
const char *const *dc_video_codec_names (void);

#define DC_AUDIO_RATE 48000
#define DC_AUDIO_FRAME_SAMPLES 960 /* 20 ms */

G_END_DECLS
