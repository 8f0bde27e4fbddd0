/* SDP offer/answer for SIP room systems (RFC 3264), on GstSDPMessage: what the gateway accepts
 * from a hall's offer, the answer it sends back, and the offer it makes when it dials out.
 * Pure logic: no sockets, no pipelines. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DC_SIP_AUDIO_OPUS,
  DC_SIP_AUDIO_G722,
  DC_SIP_AUDIO_PCMU,
  DC_SIP_AUDIO_PCMA,
} DcSipAudioCodec;

typedef enum
{
  DC_SIP_VIDEO_NONE,
  DC_SIP_VIDEO_H264,
  DC_SIP_VIDEO_VP8,
} DcSipVideoCodec;

/* RFC 3264 directions; a hall on hold sends sendonly or inactive. */
typedef enum
{
  DC_SIP_SENDRECV,
  DC_SIP_SENDONLY,
  DC_SIP_RECVONLY,
  DC_SIP_INACTIVE,
} DcSipDirection;

typedef struct
{
  char *address;            /* where to send RTP (c= of the m-line or the session) */
  guint port;               /* 0: the stream was refused or is absent */
  guint payload_type;       /* the remote's payload type for the chosen codec */
  guint clock_rate;         /* RTP clock rate as signalled (8000 for G.722, RFC 3551) */
  DcSipDirection direction; /* as the remote sees it */
  gboolean srtp;            /* RTP/SAVP with an accepted a=crypto line */
  char *remote_key;         /* SDES inline key of the remote (base64), when srtp */
  guint crypto_tag;         /* the tag of the accepted a=crypto line */
  guint mline;              /* index of the stream's m= line in the SDP it was read from, so
                             * the answer answers that one when there are several of a kind */
} DcSipStream;

typedef struct
{
  DcSipStream audio;
  DcSipAudioCodec audio_codec;
  guint telephone_event_pt; /* 0 when the remote offers no telephone-event */
  guint ptime_ms;           /* 20 unless the remote asks otherwise */

  DcSipStream video;        /* port 0 when there is no video */
  DcSipVideoCodec video_codec;
  /* H.264 (RFC 6184) as negotiated: what the gateway may send. */
  guint h264_packetization_mode; /* 0 or 1 */
  guint h264_profile_idc;        /* 66 baseline, 77 main, 100 high */
  guint h264_profile_iop;
  guint h264_level_idc;          /* e.g. 31 for 3.1: the remote's, at most 3.1 */
  guint h264_max_fs;             /* macroblocks per frame, 0 when not given */
  guint h264_max_mbps;           /* macroblocks per second, 0 when not given */
  gboolean video_pli;            /* a=rtcp-fb nack pli offered */
  gboolean video_fir;            /* a=rtcp-fb ccm fir offered */
} DcSipMedia;

typedef struct
{
  gboolean allow_video;   /* FALSE: answer video with port 0 */
  gboolean allow_opus;
  gboolean require_srtp;  /* refuse RTP/AVP (488) */
  gboolean allow_srtp;    /* accept RTP/SAVP with SDES: AES_CM_128_HMAC_SHA1_80 only, one
                           * inline key without MKI, no session parameters */
} DcSipPolicy;

#define DC_SIP_SDP_ERROR (dc_sip_sdp_error_quark ())
typedef enum
{
  DC_SIP_SDP_ERROR_PARSE,          /* not SDP, or no c= for a stream: 400 */
  DC_SIP_SDP_ERROR_NOT_ACCEPTABLE, /* no audio codec in common, SRTP mismatch: 488 */
} DcSipSdpError;
GQuark dc_sip_sdp_error_quark (void);

/* Frees the strings and zeroes the whole struct, which can then be filled again. */
void dc_sip_media_clear (DcSipMedia *media);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DcSipMedia, dc_sip_media_clear)

/* Reads a remote offer (or a re-INVITE's offer) and picks, per stream, the first codec of the
 * gateway's preference the remote offers: audio Opus, G.722, PCMU, PCMA; video H.264 (mode 1
 * before mode 0, then baseline-compatible profiles first), VP8. Audio is the first audio m-line
 * the gateway can take, video the first video m-line that is not a=content:slides. media must
 * be zeroed or hold an earlier result (it is cleared first); it is replaced only on success.
 * Errors: DC_SIP_SDP_ERROR_PARSE for what is not SDP, is larger than 64 KiB, has more than 16
 * m-lines or a port beyond 65535, or for a stream taken without a usable c= (IPv4 or IPv6
 * literal); DC_SIP_SDP_ERROR_NOT_ACCEPTABLE when audio is refused. */
gboolean dc_sip_sdp_read_offer (const char *text, gsize length, const DcSipPolicy *policy,
                                DcSipMedia *media, GError **error);

/* Where the gateway receives, and its SDES keys (base64 of 30 bytes) when a stream is SRTP. */
typedef struct
{
  const char *address;   /* IPv4 or IPv6 literal */
  guint audio_port;
  guint video_port;
  const char *audio_key; /* NULL when the stream is plain RTP */
  const char *video_key;
  guint64 session_id;
  guint64 session_version; /* raised by one with every new answer in a dialog (RFC 3264 §8) */
  DcSipDirection direction; /* what the gateway does: sendrecv, or inactive while it holds */
} DcSipLocal;

/* The answer to media from dc_sip_sdp_read_offer: the same m-lines in the same order; streams
 * the gateway refuses get port 0. For H.264 the answer carries the profile of the offer at the
 * lower of the two levels, and the packetization mode chosen. NULL when the offer cannot be
 * read; an SRTP stream needs its local key. */
char *dc_sip_sdp_answer_new (const char *offer_text, gsize offer_length, const DcSipMedia *media,
                             const DcSipLocal *local);

/* The gateway's offer when it dials a hall: audio Opus (if allowed), G.722, PCMU, PCMA and
 * telephone-event; video H.264 (modes 1 and 0, constrained baseline, level 3.1) and VP8. */
char *dc_sip_sdp_offer_new (const DcSipPolicy *policy, const DcSipLocal *local);
/* Reads the hall's answer to that offer, with the rules of dc_sip_sdp_read_offer except that
 * the hall has chosen: its first listed codec that the gateway offered is taken, and an SRTP
 * answer must carry the a=crypto tag the gateway offered (1). */
gboolean dc_sip_sdp_read_answer (const char *text, gsize length, const DcSipPolicy *policy,
                                 DcSipMedia *media, GError **error);

/* "opus", "G722", "PCMU", "PCMA", and the sample rate a codec's samples really have (16000 for
 * G.722, whose RTP clock says 8000). */
const char *dc_sip_audio_codec_name (DcSipAudioCodec codec);
guint dc_sip_audio_codec_sample_rate (DcSipAudioCodec codec);

G_END_DECLS
