#include "roster.h"

#include <string.h>

typedef struct
{
  DcPeer *peer;     /* main context only */
  gint64 joined_at; /* main context only */
  gint64 marks[DC_ROSTER_N_MARKS]; /* main context only */
  DcSite *site;     /* under lock: the mixers' threads read it */
} Slot;

struct DcRoster
{
  guint n_slots; /* immutable */
  Slot *slots;
  GMutex lock;   /* protects slots[].site only; held for pointer copies, never across a call */
};

DcRoster *
dc_roster_new (guint n_slots)
{
  DcRoster *roster = g_new0 (DcRoster, 1);
  roster->n_slots = n_slots;
  roster->slots = g_new0 (Slot, n_slots);
  g_mutex_init (&roster->lock);
  return roster;
}

void
dc_roster_free (DcRoster *roster)
{
  if (roster == NULL)
    return;
  for (guint i = 0; i < roster->n_slots; i++)
    g_warn_if_fail (roster->slots[i].site == NULL && roster->slots[i].peer == NULL);
  g_mutex_clear (&roster->lock);
  g_free (roster->slots);
  g_free (roster);
}

guint
dc_roster_get_n_slots (DcRoster *roster)
{
  return roster->n_slots;
}

void
dc_roster_attach (DcRoster *roster, guint slot, DcPeer *peer, DcSite *site, gint64 now_us)
{
  g_return_if_fail (slot < roster->n_slots);
  Slot *s = &roster->slots[slot];
  g_return_if_fail (s->site == NULL && s->peer == NULL);
  s->peer = peer;
  s->joined_at = now_us;
  memset (s->marks, 0, sizeof s->marks);
  g_mutex_lock (&roster->lock);
  s->site = site;
  g_mutex_unlock (&roster->lock);
}

gboolean
dc_roster_detach (DcRoster *roster, guint slot, DcPeer **peer, DcSite **site)
{
  g_return_val_if_fail (slot < roster->n_slots, FALSE);
  Slot *s = &roster->slots[slot];
  g_mutex_lock (&roster->lock);
  DcSite *detached = g_steal_pointer (&s->site);
  g_mutex_unlock (&roster->lock);
  DcPeer *old_peer = g_steal_pointer (&s->peer);
  s->joined_at = 0;
  memset (s->marks, 0, sizeof s->marks);
  *peer = old_peer;
  *site = detached;
  return old_peer != NULL || detached != NULL;
}

DcPeer *
dc_roster_get_peer (DcRoster *roster, guint slot)
{
  g_return_val_if_fail (slot < roster->n_slots, NULL);
  return roster->slots[slot].peer;
}

DcSite *
dc_roster_get_site (DcRoster *roster, guint slot)
{
  g_return_val_if_fail (slot < roster->n_slots, NULL);
  return roster->slots[slot].site;
}

gint64
dc_roster_get_joined_at (DcRoster *roster, guint slot)
{
  g_return_val_if_fail (slot < roster->n_slots, 0);
  return roster->slots[slot].joined_at;
}

void
dc_roster_mark (DcRoster *roster, guint slot, DcRosterMark mark, gint64 now_us)
{
  g_return_if_fail (slot < roster->n_slots && mark < DC_ROSTER_N_MARKS);
  roster->slots[slot].marks[mark] = now_us;
}

gint64
dc_roster_get_mark (DcRoster *roster, guint slot, DcRosterMark mark)
{
  g_return_val_if_fail (slot < roster->n_slots && mark < DC_ROSTER_N_MARKS, 0);
  return roster->slots[slot].marks[mark];
}

void
dc_roster_broadcast (DcRoster *roster, const char *text, int except_slot)
{
  for (guint i = 0; i < roster->n_slots; i++)
    if (roster->slots[i].peer && (int) i != except_slot)
      dc_peer_send (roster->slots[i].peer, text);
}

DcSite *
dc_roster_ref_site (DcRoster *roster, guint slot)
{
  g_return_val_if_fail (slot < roster->n_slots, NULL);
  g_mutex_lock (&roster->lock);
  DcSite *site = roster->slots[slot].site ? dc_site_ref (roster->slots[slot].site) : NULL;
  g_mutex_unlock (&roster->lock);
  return site;
}

guint
dc_roster_ref_sites (DcRoster *roster, DcSite **sites)
{
  guint n = 0;
  g_mutex_lock (&roster->lock);
  for (guint i = 0; i < roster->n_slots; i++)
    if (roster->slots[i].site)
      sites[n++] = dc_site_ref (roster->slots[i].site);
  g_mutex_unlock (&roster->lock);
  return n;
}
