/* For sip-sdp-read.c and sip-sdp-write.c only, the two halves of the module sip-sdp.h declares;
 * not for anyone else. It holds what both halves need: the module's one debug category, the
 * constants and the audio codec table both keep to, and the few helpers both call. Each is
 * defined once: the codec table and dc_sip_sdp_parse in sip-sdp-read.c; the debug category,
 * the direction names and mapping, and the SDES key check in sip-sdp-write.c. */
#pragma once

#include "sip-sdp.h"

#include <gst/gst.h>
#include <gst/sdp/sdp.h>

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (dc_sip_sdp_debug);
#define GST_CAT_DEFAULT dc_sip_sdp_debug

#define DEFAULT_PTIME_MS 20
#define MAX_H264_LEVEL 0x1f /* 3.1 (720p30): the most the gateway asks to receive */
#define SRTP_SUITE "AES_CM_128_HMAC_SHA1_80"
#define OFFER_CRYPTO_TAG 1
#define N_AUDIO_CODECS (DC_SIP_AUDIO_PCMA + 1)
#define N_DIRECTIONS (DC_SIP_INACTIVE + 1)

typedef struct
{
  DcSipAudioCodec codec;
  const char *name; /* the a=rtpmap encoding name, compared without case */
  guint clock_rate;
  guint sample_rate;
  const char *rtpmap; /* as the gateway writes it */
  const char *fmtp;   /* or NULL */
  guint offer_pt;
} DcSipAudioCodecInfo;

/* In the gateway's order of preference, indexed by DcSipAudioCodec. */
extern const DcSipAudioCodecInfo dc_sip_sdp_audio_codecs[N_AUDIO_CODECS];

/* The attribute names, indexed by DcSipDirection. */
extern const char *const dc_sip_sdp_direction_names[N_DIRECTIONS];

/* Initialises dc_sip_sdp_debug the first time; the entry points that log call it first. */
void dc_sip_sdp_init_debug (void);

/* GstSDPMessage reads anything; this refuses what is not SDP or would cost too much. what
 * ("offer", "answer") names the text in the error. */
GstSDPMessage *dc_sip_sdp_parse (const char *text, gsize length, const char *what, GError **error);

/* An SDES inline key as the gateway takes it: base64 of 30 bytes, 40 characters, no padding. */
gboolean dc_sip_sdp_key_is_valid (const char *key, gsize length);

/* Whether a direction includes sending, receiving; and the direction that does what is asked. */
gboolean dc_sip_sdp_sends (DcSipDirection direction);
gboolean dc_sip_sdp_receives (DcSipDirection direction);
DcSipDirection dc_sip_sdp_direction_from (gboolean sends, gboolean receives);

G_END_DECLS
