#include "ice-config.h"

#include <agent.h>
#include <gst/webrtc/webrtc.h>

GST_DEBUG_CATEGORY_STATIC (dc_ice_debug);
#define GST_CAT_DEFAULT dc_ice_debug

gboolean
dc_ice_configure (GstElement *webrtcbin, const char *const *addresses, guint port_min,
                  guint port_max, GError **error)
{
  g_return_val_if_fail (GST_IS_ELEMENT (webrtcbin), FALSE);
  GST_DEBUG_CATEGORY_INIT (dc_ice_debug, "dc-ice", 0, "diemcau ICE settings");

  g_autoptr (GObject) ice = NULL;
  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  if (ice == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "webrtcbin has no ICE agent");
      return FALSE;
    }
  if (port_min > 0 && port_max >= port_min)
    g_object_set (ice, "min-rtp-port", port_min, "max-rtp-port", port_max, NULL);

  g_autoptr (GObject) agent_object = NULL;
  g_object_get (ice, "agent", &agent_object, NULL);
  NiceAgent *agent = (NiceAgent *) agent_object;
  if (agent == NULL || !NICE_IS_AGENT (agent))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "ICE agent is not libnice");
      return FALSE;
    }
  /* UPnP probing delays gathering by seconds and leaves threads behind. */
  g_object_set (agent, "upnp", FALSE, NULL);

  /* Once one address is added, libnice gathers on the added ones only. */
  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    {
      if (addresses[i][0] == '\0')
        continue;
      NiceAddress address;
      nice_address_init (&address);
      if (!nice_address_set_from_string (&address, addresses[i]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "\"%s\" is not an IP address; ICE addresses must be numeric", addresses[i]);
          return FALSE;
        }
      nice_agent_add_local_address (agent, &address);
      GST_INFO ("ICE restricted to %s", addresses[i]);
    }
  return TRUE;
}

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean reached;
} Barrier;

static gboolean
barrier_reached (gpointer data)
{
  Barrier *barrier = data;
  g_mutex_lock (&barrier->lock);
  barrier->reached = TRUE;
  g_cond_signal (&barrier->cond);
  g_mutex_unlock (&barrier->lock);
  return G_SOURCE_REMOVE;
}

/* Waits (bounded) until the agent's own thread has dispatched what is ready now: a low-priority
 * source there runs only after the prune callbacks the removal just queued. */
static void
wait_for_agent_context (NiceAgent *agent)
{
  GMainContext *context = NULL; /* a plain pointer property: no reference */
  g_object_get (agent, "main-context", &context, NULL);
  if (context == NULL)
    return;
  Barrier *barrier = g_new0 (Barrier, 1);
  g_mutex_init (&barrier->lock);
  g_cond_init (&barrier->cond);
  g_autoptr (GSource) source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_set_callback (source, barrier_reached, barrier, NULL);
  g_source_attach (source, context);
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  g_mutex_lock (&barrier->lock);
  while (!barrier->reached)
    if (!g_cond_wait_until (&barrier->cond, &barrier->lock, deadline))
      break;
  gboolean reached = barrier->reached;
  g_mutex_unlock (&barrier->lock);
  if (!reached)
    {
      /* Nobody ran the context in time. The barrier stays allocated: a dispatch racing this
       * destroy may still write to it. */
      g_source_destroy (source);
      return;
    }
  g_mutex_clear (&barrier->lock);
  g_cond_clear (&barrier->cond);
  g_free (barrier);
}

void
dc_ice_release_streams (GstElement *webrtcbin)
{
  g_autoptr (GObject) ice = NULL;
  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  if (ice == NULL)
    return;
  g_autoptr (GObject) agent_object = NULL;
  g_object_get (ice, "agent", &agent_object, NULL);
  if (agent_object == NULL || !NICE_IS_AGENT (agent_object))
    return;
  /* Bundled sessions use the first stream ids; removing an id that does not exist does nothing. */
  for (guint id = 1; id <= 4; id++)
    nice_agent_remove_stream (NICE_AGENT (agent_object), id);
  wait_for_agent_context (NICE_AGENT (agent_object));
}
