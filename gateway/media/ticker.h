/* A thread that calls a function at a fixed period on the monotonic clock: the heartbeat of the
 * audio mix (20 ms) and of the composition (one frame). Ticks it cannot make in time are skipped
 * and counted, never bunched up, so a stalled machine does not produce a burst afterwards. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct DcTicker DcTicker;
typedef void (*DcTickFunc) (gpointer user_data);

DcTicker *dc_ticker_new (const char *thread_name, gint64 period_us, DcTickFunc tick,
                         gpointer user_data);
gboolean dc_ticker_start (DcTicker *ticker, GError **error);
/* Stops the thread (waits for a running tick to finish) and frees. */
void dc_ticker_free (DcTicker *ticker);
guint64 dc_ticker_get_missed (DcTicker *ticker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcTicker, dc_ticker_free)

G_END_DECLS
