/* A SIP hall's media: RTP on its own port pairs (plain RTP/AVP, or RTP/SAVP with SDES keys
 * through srtpenc and srtpdec), one rtpbin with an audio and an optional video session, the
 * hall's codec decoded into the mixers' formats and the mixers' output encoded into the hall's codec (G.711, G.722 or Opus; H.264 or VP8 composed once by the
 * video mixer and only payloaded here). Signaling is the SIP door's (server/sip-door.c). */
#pragma once

#include "media-codec.h"
#include "rtp-ports.h"
#include "sip-sdp.h"
#include "site.h"

G_BEGIN_DECLS

/* What a SIP site asks of its signaling, on the owner's main context (queued). */
typedef struct
{
  /* The hall's decoder needs a full picture: besides RTCP PLI (when the hall offered it), the
   * signaling sends SIP INFO picture_fast_update, what Poly and Cisco codecs listen to. */
  void (*keyframe_from_hall) (DcSite *site, gpointer user_data);
  /* A key on the hall's remote (RFC 4733 event: 0..9, 10 '*', 11 '#'). */
  void (*key_pressed) (DcSite *site, int event, gpointer user_data);
} DcSipSignals;

typedef struct
{
  const char *site_id;
  guint slot;
  const DcSipMedia *media;       /* as negotiated; copied */
  DcRtpPorts *audio_ports;       /* taken: the site owns the sockets from now on */
  DcRtpPorts *video_ports;       /* taken when media->video.port != 0, else ignored */
  const DcVideoCodec *video_codec; /* the table entry for media->video_codec, or NULL */
  int tile_width, tile_height;
  guint jitter_latency_ms;
  /* The gateway's SDES keys (base64, srtp-keys.h) for SRTP streams; the hall's are in media. */
  const char *audio_local_key;
  const char *video_local_key;
} DcSipSiteParams;

DcSite *dc_sip_site_new (const DcSipSiteParams *params, const DcSiteCallbacks *callbacks,
                         const DcSipSignals *signals, gpointer user_data,
                         DcTeardownPool *teardown, GError **error);

/* Main context: a re-INVITE moved the hall's media (new address or port, hold, resume). Codecs
 * stay as first negotiated; a change of codec needs a new call. */
void dc_sip_site_update (DcSite *site, const DcSipMedia *media);

G_END_DECLS
