/* The video codecs the client sends and receives, as a table: its camera encoder, the payloader,
 * and the depayloader and decoder of what the gateway sends back. The hall sends and receives one
 * codec, named in its join ("video-codecs") and carried by the gateway's offer. */
#pragma once

#include <gst/gst.h>
#include "media-profile.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;          /* as join lists it: "vp8", "h264" */
  const char *encoding_name; /* RTP: "VP8", "H264" */
  DcMediaLine media_line;
  const char *encoder;       /* gst_parse text naming the encoder "camenc"; %d = bitrate in
                              * kbit/s, %d = keyframe distance */
  const char *bitrate_property; /* the encoder's, changeable while it runs */
  guint bitrate_unit;        /* bit/s per unit of that property */
  const char *payloader;     /* gst_parse text; %d = payload type */
  guint payload_type;
  const char *depayloader;   /* with request-keyframe and wait-for-keyframe set */
  const char *decoder;
} DcClientVideoCodec;

#define DC_CLIENT_VIDEO_CODEC_DEFAULT "vp8"

/* NULL when name is not a codec the client has. */
const DcClientVideoCodec *dc_client_video_codec_find (const char *name);
/* The codec of a received RTP stream from its caps' encoding-name; NULL when none. */
const DcClientVideoCodec *dc_client_video_codec_for_rtp (const GstCaps *caps);
/* "queue ! DEPAY ! DECODER": received RTP in, raw video out. */
char *dc_client_video_codec_decode_description (const DcClientVideoCodec *codec);

G_END_DECLS
