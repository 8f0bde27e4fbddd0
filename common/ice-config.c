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
  /* Bundled sessions use the first stream ids; the removal of an id that does not exist is a
   * no-op returning quietly. */
  for (guint id = 1; id <= 4; id++)
    nice_agent_remove_stream (NICE_AGENT (agent_object), id);
  g_usleep (10 * 1000);
}
