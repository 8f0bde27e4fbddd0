#include "rtp-ports.h"

static GSocket *
bind_udp (GInetAddress *address, guint port, GError **error)
{
  g_autoptr (GSocket) socket = g_socket_new (g_inet_address_get_family (address),
                                             G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                                             error);
  if (socket == NULL)
    return NULL;
  g_autoptr (GSocketAddress) where = g_inet_socket_address_new (address, port);
  if (!g_socket_bind (socket, where, FALSE, error))
    return NULL;
  return g_steal_pointer (&socket);
}

gboolean
dc_rtp_ports_bind (DcRtpPorts *ports, const char *address, guint port_min, guint port_max,
                   GError **error)
{
  static gint next_pair = 0;
  *ports = (DcRtpPorts){ 0 };
  g_autoptr (GInetAddress) local = g_inet_address_new_from_string (address);
  if (local == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "\"%s\" is not an IP address", address);
      return FALSE;
    }
  guint first = (port_min + 1) & ~1u;
  guint n_pairs = port_max > first ? (port_max - first + 1) / 2 : 0;
  guint start = n_pairs ? (guint) g_atomic_int_add (&next_pair, 1) % n_pairs : 0;
  for (guint i = 0; i < n_pairs; i++)
    {
      guint port = first + 2 * ((start + i) % n_pairs);
      g_autoptr (GSocket) rtp = bind_udp (local, port, NULL);
      g_autoptr (GSocket) rtcp = rtp ? bind_udp (local, port + 1, NULL) : NULL;
      if (rtcp == NULL)
        continue;
      ports->rtp = g_steal_pointer (&rtp);
      ports->rtcp = g_steal_pointer (&rtcp);
      ports->port = port;
      return TRUE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
               "no free RTP port pair in %u..%u on %s", port_min, port_max, address);
  return FALSE;
}

void
dc_rtp_ports_clear (DcRtpPorts *ports)
{
  g_clear_object (&ports->rtp);
  g_clear_object (&ports->rtcp);
  ports->port = 0;
}

char *
dc_rtp_local_address_towards (const char *remote)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (remote);
  if (address == NULL)
    return NULL;
  g_autoptr (GSocket) probe = g_socket_new (g_inet_address_get_family (address),
                                            G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr (GSocketAddress) target = g_inet_socket_address_new (address, 9);
  /* A UDP connect sends nothing; it only asks the routing table. */
  if (probe == NULL || !g_socket_connect (probe, target, NULL, NULL))
    return NULL;
  g_autoptr (GSocketAddress) local = g_socket_get_local_address (probe, NULL);
  if (local == NULL)
    return NULL;
  return g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
}
