/* Who is connected in each slot: the signaling peer (a WebSocket, or none for a SIP hall) and
 * the site carrying its media. The mixers' threads read the sites; everything else is the main
 * context's. Nothing here knows a site's transport. */
#pragma once

#include "signaling.h"
#include "site.h"

G_BEGIN_DECLS

typedef struct DcRoster DcRoster;

DcRoster *dc_roster_new (guint n_slots);
/* Every slot must be empty (detached) by now. */
void dc_roster_free (DcRoster *roster);
guint dc_roster_get_n_slots (DcRoster *roster);

/* ---- main context ---- */
/* Takes the site's reference; peer may be NULL. The slot must be empty. */
void dc_roster_attach (DcRoster *roster, guint slot, DcPeer *peer, DcSite *site, gint64 now_us);
/* Empties the slot; the caller owns *site (may be NULL) and gets the peer it had. FALSE when the
 * slot was empty. */
gboolean dc_roster_detach (DcRoster *roster, guint slot, DcPeer **peer, DcSite **site);
DcPeer *dc_roster_get_peer (DcRoster *roster, guint slot);
/* Borrowed; main context only (the main context is the only one that detaches). */
DcSite *dc_roster_get_site (DcRoster *roster, guint slot);
gint64 dc_roster_get_joined_at (DcRoster *roster, guint slot);
/* Steps of a WebRTC site's handshake, for the media watchdog; a SIP hall has none. */
typedef enum
{
  DC_ROSTER_OFFER_SENT,
  DC_ROSTER_ANSWER_READ,
  DC_ROSTER_N_MARKS
} DcRosterMark;
/* When the slot's site last made this step; 0 when it has not (cleared by attach and detach). */
void dc_roster_mark (DcRoster *roster, guint slot, DcRosterMark mark, gint64 now_us);
gint64 dc_roster_get_mark (DcRoster *roster, guint slot, DcRosterMark mark);
/* To every peer but the one in except_slot (-1 for all). */
void dc_roster_broadcast (DcRoster *roster, const char *text, int except_slot);

/* ---- any thread ---- */
/* A new reference, or NULL. */
DcSite *dc_roster_ref_site (DcRoster *roster, guint slot);
/* New references to every attached site into sites (n_slots entries); returns how many. */
guint dc_roster_ref_sites (DcRoster *roster, DcSite **sites);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcRoster, dc_roster_free)

G_END_DECLS
