/* The gateway: ties the signaling, the conference state, the site sessions and the two mixers
 * together. All of its logic runs on the main context; mixers and sessions call back from their
 * own threads only to hand media over. */
#pragma once

#include <glib.h>
#include "config.h"

G_BEGIN_DECLS

typedef struct DcGateway DcGateway;

/* Takes the config. */
DcGateway *dc_gateway_new (DcConfig *config, GError **error);
void dc_gateway_free (DcGateway *gateway);
/* Starts the mixers and listens. */
gboolean dc_gateway_start (DcGateway *gateway, GError **error);
char **dc_gateway_get_urls (DcGateway *gateway);
/* Where room systems dial ("sip:ADDRESS:PORT"), or NULL when SIP is off. */
const char *dc_gateway_get_sip_url (DcGateway *gateway);
/* One line of figures for logs and benchmarks. */
char *dc_gateway_describe_stats (DcGateway *gateway);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcGateway, dc_gateway_free)

G_END_DECLS
