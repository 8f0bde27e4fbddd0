/* ICE settings applied to a webrtcbin before it gathers: which local addresses libnice may use,
 * the UDP port range, no UPnP. Shared by the gateway and the client. */
#pragma once

#define GST_USE_UNSTABLE_API
#include <gst/gst.h>

G_BEGIN_DECLS

/* addresses: NULL or empty = every interface; otherwise only these (e.g. "127.0.0.1").
 * port_min/port_max: 0 = let the system choose. Returns FALSE with error when an address is
 * not a valid IP address. */
gboolean dc_ice_configure (GstElement *webrtcbin, const char *const *addresses, guint port_min,
                           guint port_max, GError **error);

/* After a webrtcbin stopped (NULL), before it is freed: removes its libnice streams and waits
 * until the agent's own thread has closed their sockets. Without it, sockets and eventfds stay
 * open now and then (libnice prunes removed streams asynchronously, on a context that dies with
 * webrtcbin). Waits a second at most: teardown threads only. */
void dc_ice_release_streams (GstElement *webrtcbin);

G_END_DECLS
