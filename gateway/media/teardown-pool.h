/* Threads the gateway owns for stopping sites' transports (a webrtcbin pipeline can take a
 * while to reach NULL: DTLS, ICE threads). Nobody stops on the main loop, and nothing is still
 * stopping when the pool is freed: free waits for every job. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct DcTeardownPool DcTeardownPool;

DcTeardownPool *dc_teardown_pool_new (void);
/* Any thread. */
void dc_teardown_pool_push (DcTeardownPool *pool, GFunc job, gpointer data);
/* Waits until every job pushed so far has finished. */
void dc_teardown_pool_drain (DcTeardownPool *pool);
guint dc_teardown_pool_get_pending (DcTeardownPool *pool);
/* Drains, then stops the threads. */
void dc_teardown_pool_free (DcTeardownPool *pool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcTeardownPool, dc_teardown_pool_free)

G_END_DECLS
