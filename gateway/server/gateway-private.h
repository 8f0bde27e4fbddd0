/* What gateway.c and gateway-sip.c share: the gateway's state and the two ways a site comes and
 * goes. Main context only. Not for anyone else. */
#pragma once

#include "audio-mixer.h"
#include "gateway.h"
#include "conference.h"
#include "gateway-links.h"
#include "media-sync.h"
#include "recorder.h"
#include "send-limits.h"
#include "roster.h"
#include "signaling.h"
#include "teardown-pool.h"
#include "video-mixer.h"

G_BEGIN_DECLS

/* dismiss_site's error_code when the peer is told with a bye, or not told at all (the gateway
 * is stopping: kiosk clients must come back when it starts again). */
#define DC_GATEWAY_BYE (-1)
#define DC_GATEWAY_QUIET (-2)

typedef struct DcGatewaySip DcGatewaySip;

struct DcGateway
{
  /* immutable after dc_gateway_new; freed in dc_gateway_free */
  DcConfig *config;
  const DcVideoCodec *codec; /* the configured one: what WebRTC sites get where they can */
  guint n_sites;
  DcTeardownPool *teardown;
  DcAudioMixer *audio;      /* thread-safe; see audio-mixer.h */
  DcVideoMixer *video;      /* thread-safe; see video-mixer.h */
  DcRoster *roster;         /* sites read from mixer threads under its lock */
  /* main context only */
  DcConference *conference;
  DcMediaSync *sync;
  DcSignaling *signaling;
  DcGatewaySip *sip;        /* gateway-sip.c; NULL unless [sip] enabled */
  /* each slot's encoder uses, tier and link (gateway-links.c) */
  DcSlotVideo slot_video[DC_LAYOUT_MAX_SLOTS];
  guint tier_bitrate_kbps[DC_VIDEO_TIERS_MAX];
  guint64 link_ticks;
  DcSendLimits sent_limits[DC_LAYOUT_MAX_SLOTS]; /* what each hall was told to send */
  /* the recording (gateway-recording.c): set on the main context, read by the mixer threads */
  GMutex recording_lock;
  DcRecorder *recorder;
  guint segment_timer; /* main context */
  guint watchdog_id;
  guint tick_id;
  guint64 ticks;
};

/* Every site's media reports to these (gateway.c). */
extern const DcSiteCallbacks dc_gateway_site_callbacks;

/* The one way a site ends: its media closed, its peer told (a bye with reason, or a fatal error
 * with error_code; DC_GATEWAY_QUIET tells nobody), its SIP call hung up, its tile emptied. */
void dc_gateway_dismiss_site (DcGateway *gateway, guint slot, const char *reason, int error_code,
                              const char *error_message);
/* A site that passed every check takes its slot; peer is NULL for a SIP hall. */
void dc_gateway_admit_site (DcGateway *gateway, guint slot, DcPeer *peer, DcSite *site);

/* The conference changed outside a message (a call's progress): state to everyone. */
void dc_gateway_state_changed (DcGateway *gateway);

/* gateway-sip.c: SIP halls. start does nothing unless [sip] enabled; hang_up ends the slot's
 * call if it has one. */
gboolean dc_gateway_sip_start (DcGateway *gateway, GError **error);
void dc_gateway_sip_hang_up (DcGateway *gateway, guint slot, const char *reason);
void dc_gateway_sip_stop (DcGateway *gateway);
/* gateway-dial.c: the gateway calls the hall's room system (its sip-uri). */
void dc_gateway_dial (DcGateway *gateway, guint slot);

G_END_DECLS
