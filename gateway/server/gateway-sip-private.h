/* What gateway-sip.c (halls that call in) and gateway-dial.c (halls the gateway calls) share:
 * each slot's SIP leg and the steps from negotiated media to a site. Main context only. */
#pragma once

#include "gateway-private.h"
#include "keypad.h"
#include "rtp-ports.h"
#include "sip-door.h"
#include "sip-sdp.h"

G_BEGIN_DECLS

/* What the gateway said in its last SDP to a slot's hall, so a re-INVITE is answered with the
 * same ports and a raised version (RFC 3264 §8); and, for a hall the gateway calls, the ports
 * its offer named until the answer comes and the redials left. */
typedef struct
{
  char *address;
  guint audio_port, video_port;
  char *audio_key, *video_key; /* the gateway's SDES keys (base64), for SRTP streams */
  guint64 session_id, session_version;

  DcRtpPorts offered_audio, offered_video; /* bound for the gateway's offer, until the answer */
  gboolean dialled;      /* the slot's current (or last) call is the gateway's */
  guint redials_left;
  guint redial_delay_s;  /* the next wait: 5 s, doubling up to 60 s */
  guint redial_id;       /* the timer of the next redial, 0 when none */
  DcKeypad keypad;       /* the hall's remote: "*1" raises its hand */
} DcSipLeg;

struct DcGatewaySip
{
  DcSipDoor *door;
  DcSipLeg legs[DC_LAYOUT_MAX_SLOTS];
};

extern const DcSipPolicy dc_gateway_sip_policy;

/* Forgets the leg's media (ports, keys); keeps nothing of the call either. */
void dc_gateway_sip_leg_clear (DcSipLeg *leg);
/* Binds an audio pair, and a video pair when with_video, on the address halls send to. */
gboolean dc_gateway_sip_bind (DcGateway *gateway, const char *remote_address, gboolean with_video,
                              DcSipLeg *leg, DcRtpPorts *audio, DcRtpPorts *video,
                              GError **error);
/* The hall's site on those ports (taken), with the negotiated media; NULL with error. */
DcSite *dc_gateway_sip_site_new (DcGateway *gateway, guint slot, const DcSipMedia *media,
                                 DcSipLeg *leg, DcRtpPorts *audio, DcRtpPorts *video,
                                 GError **error);
/* The local half of the next SDP for this leg (the version raised). */
DcSipLocal dc_gateway_sip_local (DcSipLeg *leg, const DcSipMedia *media);

/* gateway-dial.c */
/* The gateway's offer on the leg's offered ports (plain RTP). */
char *dc_gateway_sip_offer_new (DcSipLeg *leg);
gboolean dc_gateway_dial_answered (DcGateway *gateway, int slot, const char *sdp, gsize length);
void dc_gateway_dial_failed (DcGateway *gateway, int slot, guint status, const char *phrase);
/* The slot's site went (reason as in site-left): a dialled hall that was lost is called again
 * while redials are left; any other end stops the redials. */
void dc_gateway_dial_site_ended (DcGateway *gateway, guint slot, const char *reason);
void dc_gateway_dial_stop (DcGateway *gateway, guint slot);

G_END_DECLS
