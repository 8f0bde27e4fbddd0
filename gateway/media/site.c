/* The site base: reference count, the close that waits for callbacks in flight, events queued
 * to the owner's main context, and the hand-off of the transport's teardown to the pool. */
#include "site-private.h"

#include "media-profile.h"

GST_DEBUG_CATEGORY_STATIC (dc_site_debug);
#define GST_CAT_DEFAULT dc_site_debug

void
dc_site_init (DcSite *site, const DcSiteOps *ops, const char *id, guint slot,
              const DcSiteCallbacks *callbacks, gpointer user_data, DcTeardownPool *teardown)
{
  GST_DEBUG_CATEGORY_INIT (dc_site_debug, "dc-site", 0, "diemcau site lifetime");
  site->ops = ops;
  site->id = g_strdup (id);
  site->slot = slot;
  site->callbacks = *callbacks;
  site->user_data = user_data;
  site->owner_context = g_main_context_ref_thread_default ();
  site->teardown = teardown;
  g_atomic_ref_count_init (&site->ref);
  g_mutex_init (&site->lock);
  g_cond_init (&site->idle);
  g_mutex_init (&site->video_lock);
  dc_tier_gate_init (&site->tier_gate, 0);
}

DcSite *
dc_site_ref (DcSite *site)
{
  g_return_val_if_fail (site != NULL, NULL);
  g_atomic_ref_count_inc (&site->ref);
  return site;
}

static void
teardown_job (gpointer data, gpointer unused)
{
  DcSite *site = data;
  GST_INFO ("site %s (%s): stopping its transport", site->id, site->ops->transport);
  site->ops->finalize (site);
  g_assert (site->queued == NULL && site->in_flight == 0);
  g_main_context_unref (site->owner_context);
  g_cond_clear (&site->idle);
  g_mutex_clear (&site->lock);
  g_mutex_clear (&site->video_lock);
  g_free (site->id);
  g_free (site);
}

void
dc_site_unref (DcSite *site)
{
  g_return_if_fail (site != NULL);
  if (!g_atomic_ref_count_dec (&site->ref))
    return;
  /* A site dropped unclosed would still call its owner from streaming threads. */
  g_warn_if_fail (dc_site_is_closed (site));
  dc_teardown_pool_push (site->teardown, teardown_job, site);
}

gboolean
dc_site_is_closed (DcSite *site)
{
  g_mutex_lock (&site->lock);
  gboolean closed = site->closed;
  g_mutex_unlock (&site->lock);
  return closed;
}

void
dc_site_close (DcSite *site)
{
  g_return_if_fail (site != NULL);
  g_mutex_lock (&site->lock);
  gboolean was_closed = site->closed;
  site->closed = TRUE;
  GList *queued = g_steal_pointer (&site->queued);
  g_mutex_unlock (&site->lock);
  if (was_closed)
    return;

  /* Undelivered events die here; their destroy notifies run now, on the owner's thread. */
  for (GList *l = queued; l; l = l->next)
    {
      g_source_destroy (l->data);
      g_source_unref (l->data);
    }
  g_list_free (queued);
  if (site->ops->detach)
    site->ops->detach (site);

  g_mutex_lock (&site->lock);
  while (site->in_flight > 0)
    g_cond_wait (&site->idle, &site->lock);
  g_mutex_unlock (&site->lock);
  GST_INFO ("site %s (%s): closed", site->id, site->ops->transport);
}

gboolean
dc_site_enter (DcSite *site)
{
  g_mutex_lock (&site->lock);
  gboolean open = !site->closed;
  if (open)
    site->in_flight++;
  g_mutex_unlock (&site->lock);
  return open;
}

void
dc_site_leave (DcSite *site)
{
  g_mutex_lock (&site->lock);
  g_assert (site->in_flight > 0);
  if (--site->in_flight == 0 && site->closed)
    g_cond_broadcast (&site->idle);
  g_mutex_unlock (&site->lock);
}

void
dc_site_deliver_audio (DcSite *site, const float *samples, guint n_samples)
{
  if (!dc_site_enter (site))
    return;
  site->callbacks.decoded_audio (site, samples, n_samples, site->user_data);
  dc_site_leave (site);
}

void
dc_site_deliver_video (DcSite *site, GstSample *i420)
{
  if (!dc_site_enter (site))
    return;
  site->callbacks.decoded_video (site, i420, site->user_data);
  dc_site_leave (site);
}

void
dc_site_deliver_keyframe_wanted (DcSite *site)
{
  if (!dc_site_enter (site))
    return;
  site->callbacks.keyframe_wanted (site, site->user_data);
  dc_site_leave (site);
}

/* ---- events for the owner's main context ---- */

typedef struct
{
  DcSite *site; /* no reference: close destroys the source before the site can go */
  GSource *source;
  DcSiteTask task;
  gpointer data;
  GDestroyNotify destroy;
} Posted;

static void
posted_free (gpointer data)
{
  Posted *posted = data;
  if (posted->destroy)
    posted->destroy (posted->data);
  g_free (posted);
}

static gboolean
posted_dispatch (gpointer data)
{
  Posted *posted = data;
  DcSite *site = posted->site;
  g_mutex_lock (&site->lock);
  gboolean closed = site->closed;
  GList *link = g_list_find (site->queued, posted->source);
  if (link)
    {
      site->queued = g_list_delete_link (site->queued, link);
      g_source_unref (posted->source);
    }
  g_mutex_unlock (&site->lock);
  /* The owner's thread is the only one that closes, so the site stays open during the task. */
  if (!closed)
    posted->task (site, posted->data);
  return G_SOURCE_REMOVE;
}

void
dc_site_post (DcSite *site, DcSiteTask task, gpointer data, GDestroyNotify destroy)
{
  g_return_if_fail (site != NULL && task != NULL);
  Posted *posted = g_new0 (Posted, 1);
  posted->site = site;
  posted->task = task;
  posted->data = data;
  posted->destroy = destroy;
  g_mutex_lock (&site->lock);
  gboolean closed = site->closed;
  /* Queued under the lock, so close cannot miss a source it has not yet seen. */
  if (!closed)
    {
      posted->source = dc_media_post (site->owner_context, posted_dispatch, posted, posted_free);
      site->queued = g_list_prepend (site->queued, posted->source);
    }
  g_mutex_unlock (&site->lock);
  if (closed)
    posted_free (posted);
}

static void
run_failed (DcSite *site, gpointer why)
{
  site->callbacks.failed (site, why, site->user_data);
}

void
dc_site_post_failed (DcSite *site, const char *why)
{
  GST_WARNING ("site %s (%s): %s", site->id, site->ops->transport, why);
  dc_site_post (site, run_failed, g_strdup (why), g_free);
}

/* ---- the interface ---- */

const char *
dc_site_get_id (DcSite *site)
{
  return site->id;
}

guint
dc_site_get_slot (DcSite *site)
{
  return site->slot;
}

const char *
dc_site_get_transport (DcSite *site)
{
  return site->ops->transport;
}

const DcVideoCodec *
dc_site_get_video_codec (DcSite *site)
{
  return site->video_codec;
}

gboolean
dc_site_takes_pcm_audio (DcSite *site)
{
  return site->ops->takes_pcm_audio;
}

/* The push runs under video_lock: an appsrc push that never waits (leaky, bounded), so the
 * encoder threads of two tiers only queue behind each other for it. */
void
dc_site_push_video (DcSite *site, guint tier, GstBuffer *encoded)
{
  gboolean keyframe = !GST_BUFFER_FLAG_IS_SET (encoded, GST_BUFFER_FLAG_DELTA_UNIT);
  g_mutex_lock (&site->video_lock);
  if (dc_tier_gate_pass (&site->tier_gate, tier, keyframe))
    site->ops->push_video (site, encoded);
  g_mutex_unlock (&site->video_lock);
}

void
dc_site_want_video_tier (DcSite *site, guint tier)
{
  g_mutex_lock (&site->video_lock);
  dc_tier_gate_want (&site->tier_gate, tier);
  g_mutex_unlock (&site->video_lock);
}

guint
dc_site_get_keyframe_tier (DcSite *site)
{
  g_mutex_lock (&site->video_lock);
  int tier = site->tier_gate.wanted >= 0 ? site->tier_gate.wanted : site->tier_gate.current;
  g_mutex_unlock (&site->video_lock);
  return (guint) MAX (tier, 0);
}

guint
dc_site_get_video_tier (DcSite *site)
{
  g_mutex_lock (&site->video_lock);
  guint tier = (guint) MAX (site->tier_gate.current, 0);
  g_mutex_unlock (&site->video_lock);
  return tier;
}

void
dc_site_push_audio (DcSite *site, GstBuffer *opus)
{
  site->ops->push_audio (site, opus);
}

void
dc_site_set_tile_size (DcSite *site, int width, int height)
{
  site->ops->set_tile_size (site, width, height);
}

void
dc_site_get_stats (DcSite *site, DcSiteStats *stats)
{
  *stats = (DcSiteStats) { 0 };
  if (site->ops->get_stats)
    site->ops->get_stats (site, stats);
}
