#include "ticker.h"

struct DcTicker
{
  GMutex lock; /* protects running and missed */
  GCond wake;
  gboolean running;
  guint64 missed;
  GThread *thread;
  char *name;
  gint64 period_us;
  DcTickFunc tick;
  gpointer user_data;
};

static gpointer
ticker_thread (gpointer data)
{
  DcTicker *ticker = data;
  gint64 deadline = g_get_monotonic_time ();
  g_mutex_lock (&ticker->lock);
  while (ticker->running)
    {
      deadline += ticker->period_us;
      while (ticker->running && g_cond_wait_until (&ticker->wake, &ticker->lock, deadline))
        ;
      if (!ticker->running)
        break;
      gint64 late = g_get_monotonic_time () - deadline;
      if (late > ticker->period_us)
        {
          ticker->missed += late / ticker->period_us;
          deadline += (late / ticker->period_us) * ticker->period_us;
        }
      g_mutex_unlock (&ticker->lock);
      ticker->tick (ticker->user_data);
      g_mutex_lock (&ticker->lock);
    }
  g_mutex_unlock (&ticker->lock);
  return NULL;
}

DcTicker *
dc_ticker_new (const char *thread_name, gint64 period_us, DcTickFunc tick, gpointer user_data)
{
  g_return_val_if_fail (period_us > 0 && tick != NULL, NULL);
  DcTicker *ticker = g_new0 (DcTicker, 1);
  g_mutex_init (&ticker->lock);
  g_cond_init (&ticker->wake);
  ticker->name = g_strdup (thread_name);
  ticker->period_us = period_us;
  ticker->tick = tick;
  ticker->user_data = user_data;
  return ticker;
}

gboolean
dc_ticker_start (DcTicker *ticker, GError **error)
{
  g_return_val_if_fail (ticker->thread == NULL, FALSE);
  ticker->running = TRUE;
  ticker->thread = g_thread_try_new (ticker->name, ticker_thread, ticker, error);
  return ticker->thread != NULL;
}

void
dc_ticker_free (DcTicker *ticker)
{
  if (ticker == NULL)
    return;
  g_mutex_lock (&ticker->lock);
  ticker->running = FALSE;
  g_cond_signal (&ticker->wake);
  g_mutex_unlock (&ticker->lock);
  if (ticker->thread)
    g_thread_join (ticker->thread);
  g_cond_clear (&ticker->wake);
  g_mutex_clear (&ticker->lock);
  g_free (ticker->name);
  g_free (ticker);
}

guint64
dc_ticker_get_missed (DcTicker *ticker)
{
  g_mutex_lock (&ticker->lock);
  guint64 missed = ticker->missed;
  g_mutex_unlock (&ticker->lock);
  return missed;
}
