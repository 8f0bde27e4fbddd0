/* The browser join page (gateway/server/web/), compiled into the gateway as a GResource and served on
 * the signaling port: "/" is the page, "/static/NAME" its scripts and styles. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Adds the "/" and "/static/" handlers to server; anything else under "/" is 404. */
void dc_web_assets_register (SoupServer *server);

G_END_DECLS
