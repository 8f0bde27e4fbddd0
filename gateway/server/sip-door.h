/* The SIP front door: sofia-sip's user agent on the gateway's main context, listening on the
 * configured address over UDP and TCP. It decides who a call is and whether it may come in
 * (core/sip-admission.c) before the gateway hears of it, so an unknown or unauthenticated caller
 * never gets a media port; it hands admitted offers to the gateway and sends what the gateway
 * answers; it tells the gateway when a hall hangs up and hangs up when the gateway ends a hall.
 * Main context only. */
#pragma once

#include "config.h"

G_BEGIN_DECLS

typedef struct DcSipDoor DcSipDoor;

/* What the gateway answers to an offer: an SDP answer, or a SIP status to refuse with. */
typedef struct
{
  char *sdp;          /* owned; NULL when refused */
  guint status;       /* 488, 486, 403, 500 ... when refused */
  const char *phrase; /* static */
} DcSipReply;

typedef struct
{
  /* An admitted caller's first offer (an INVITE), or a new offer in its dialog (re-INVITE).
   * sdp NULL: the INVITE had none (delayed offer); the reply then holds the gateway's offer and
   * the hall's answer comes to answered. */
  DcSipReply (*offered) (int slot, const char *sdp, gsize length, gboolean reoffer,
                         gpointer user_data);
  /* The hall hung up, cancelled, or its call timed out; not called for dc_sip_door_hang_up. */
  void (*ended) (int slot, const char *reason, gpointer user_data);
  /* The hall asked for a full picture (SIP INFO picture_fast_update). */
  void (*keyframe_wanted) (int slot, gpointer user_data);
  /* A call the gateway made (dc_sip_door_dial) was answered with this SDP; FALSE hangs it up. */
  gboolean (*answered) (int slot, const char *sdp, gsize length, gpointer user_data);
  /* A call the gateway made ended before an answer: the final status (486, 404, 408 ...). */
  void (*failed) (int slot, guint status, const char *phrase, gpointer user_data);
} DcSipDoorHandlers;

/* Binds the [sip] listen-address and port; NULL with error when they are taken. The config is
 * borrowed and must outlive the door. */
DcSipDoor *dc_sip_door_new (const DcConfig *config, const DcSipDoorHandlers *handlers,
                            gpointer user_data, GError **error);
/* Hangs up every call and waits (a few seconds at most) for the stack to finish. */
void dc_sip_door_free (DcSipDoor *door);

/* Calls a hall's room system with the gateway's offer; the outcome comes to answered or
 * failed. FALSE (nothing sent) when the slot already has a call or the stack refuses the URI. */
gboolean dc_sip_door_dial (DcSipDoor *door, int slot, const char *uri, const char *offer,
                           GError **error);
/* Ends the slot's call (BYE, or CANCEL while it rings) if it has one; nothing otherwise. */
void dc_sip_door_hang_up (DcSipDoor *door, int slot, const char *reason);
gboolean dc_sip_door_has_call (DcSipDoor *door, int slot);
/* Asks the slot's hall for a full picture: SIP INFO picture_fast_update (RFC 5168). */
void dc_sip_door_request_keyframe (DcSipDoor *door, int slot);
/* "sip:ADDRESS:PORT": where room systems dial. */
const char *dc_sip_door_get_url (DcSipDoor *door);

G_END_DECLS
