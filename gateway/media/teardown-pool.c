#include "teardown-pool.h"

/* Two threads: a burst of leaving sites stops two at a time; stopping mostly waits. */
#define TEARDOWN_THREADS 2

typedef struct
{
  GFunc job;
  gpointer data;
} Job;

struct DcTeardownPool
{
  GThread *threads[TEARDOWN_THREADS]; /* immutable; joined in dc_teardown_pool_free */
  GMutex lock;                        /* protects what follows */
  GCond changed;                      /* a job queued, a job done, or stopping */
  GQueue jobs;
  guint pending;                      /* queued or running */
  gboolean stopping;
};

/* Own threads rather than a GThreadPool: free joins them, so none is still exiting (running
 * thread-local destructors) while the process runs its exit handlers. */
static gpointer
run_jobs (gpointer data)
{
  DcTeardownPool *pool = data;
  g_mutex_lock (&pool->lock);
  for (;;)
    {
      while (g_queue_is_empty (&pool->jobs) && !pool->stopping)
        g_cond_wait (&pool->changed, &pool->lock);
      Job *job = g_queue_pop_head (&pool->jobs);
      if (job == NULL)
        break;
      g_mutex_unlock (&pool->lock);
      job->job (job->data, NULL);
      g_free (job);
      g_mutex_lock (&pool->lock);
      pool->pending--;
      g_cond_broadcast (&pool->changed);
    }
  g_mutex_unlock (&pool->lock);
  return NULL;
}

DcTeardownPool *
dc_teardown_pool_new (void)
{
  DcTeardownPool *pool = g_new0 (DcTeardownPool, 1);
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->changed);
  g_queue_init (&pool->jobs);
  for (guint i = 0; i < TEARDOWN_THREADS; i++)
    pool->threads[i] = g_thread_new ("dc-teardown", run_jobs, pool);
  return pool;
}

void
dc_teardown_pool_push (DcTeardownPool *pool, GFunc job, gpointer data)
{
  g_return_if_fail (pool != NULL && job != NULL);
  Job *item = g_new0 (Job, 1);
  item->job = job;
  item->data = data;
  g_mutex_lock (&pool->lock);
  pool->pending++;
  g_queue_push_tail (&pool->jobs, item);
  g_cond_broadcast (&pool->changed);
  g_mutex_unlock (&pool->lock);
}

void
dc_teardown_pool_drain (DcTeardownPool *pool)
{
  g_mutex_lock (&pool->lock);
  while (pool->pending > 0)
    g_cond_wait (&pool->changed, &pool->lock);
  g_mutex_unlock (&pool->lock);
}

guint
dc_teardown_pool_get_pending (DcTeardownPool *pool)
{
  g_mutex_lock (&pool->lock);
  guint pending = pool->pending;
  g_mutex_unlock (&pool->lock);
  return pending;
}

void
dc_teardown_pool_free (DcTeardownPool *pool)
{
  if (pool == NULL)
    return;
  dc_teardown_pool_drain (pool);
  g_mutex_lock (&pool->lock);
  pool->stopping = TRUE;
  g_cond_broadcast (&pool->changed);
  g_mutex_unlock (&pool->lock);
  for (guint i = 0; i < TEARDOWN_THREADS; i++)
    g_thread_join (pool->threads[i]);
  g_cond_clear (&pool->changed);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}
