/* UDP port pairs for plain RTP (SIP halls): RTP on an even port, RTCP on the next, both bound
 * before the answer names them, from the configured range. The same sockets receive and send,
 * so a hall behind NAT sees its media come back from where it went (symmetric RTP). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GSocket *rtp;
  GSocket *rtcp;
  guint port; /* the RTP port; RTCP is port + 1 */
} DcRtpPorts;

/* Tries the pairs of [port_min, port_max] from a moving start, so a port just freed is not
 * reused at once (late packets of the previous call land nowhere). */
gboolean dc_rtp_ports_bind (DcRtpPorts *ports, const char *address, guint port_min,
                            guint port_max, GError **error);
void dc_rtp_ports_clear (DcRtpPorts *ports);

/* The local address the kernel would use to reach remote (for the SDP's c= line when the
 * gateway listens on every interface). NULL on failure. */
char *dc_rtp_local_address_towards (const char *remote);

G_END_DECLS
