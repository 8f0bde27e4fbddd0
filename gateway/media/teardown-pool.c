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
  GThreadPool *threads; /* immutable */
  GMutex lock;          /* protects pending */
  GCond done;
  guint pending;
};

static void
run_job (gpointer item, gpointer data)
{
  DcTeardownPool *pool = data;
  Job *job = item;
  job->job (job->data, NULL);
  g_free (job);
  g_mutex_lock (&pool->lock);
  if (--pool->pending == 0)
    g_cond_broadcast (&pool->done);
  g_mutex_unlock (&pool->lock);
}

DcTeardownPool *
dc_teardown_pool_new (void)
{
  DcTeardownPool *pool = g_new0 (DcTeardownPool, 1);
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->done);
  /* Exclusive threads never call back into anything of ours once the pool is freed. */
  pool->threads = g_thread_pool_new (run_job, pool, TEARDOWN_THREADS, TRUE, NULL);
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
  g_mutex_unlock (&pool->lock);
  g_thread_pool_push (pool->threads, item, NULL);
}

void
dc_teardown_pool_drain (DcTeardownPool *pool)
{
  g_mutex_lock (&pool->lock);
  while (pool->pending > 0)
    g_cond_wait (&pool->done, &pool->lock);
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
  g_thread_pool_free (pool->threads, FALSE, TRUE);
  g_cond_clear (&pool->done);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}
