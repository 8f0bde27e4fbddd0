/* Exponential reconnect delay; see backoff.h. */
#include "backoff.h"

void
dc_backoff_init (DcBackoff *backoff, guint cap_s)
{
  g_return_if_fail (backoff != NULL);
  backoff->attempts = 0;
  backoff->cap_s = MAX (cap_s, DC_BACKOFF_FIRST_S);
}

guint
dc_backoff_next (DcBackoff *backoff)
{
  g_return_val_if_fail (backoff != NULL, DC_BACKOFF_CAP_S);
  /* Doubling stops before it could overflow; the cap bounds it long before that anyway. */
  guint shift = MIN (backoff->attempts, 16u);
  guint delay = MIN ((guint)DC_BACKOFF_FIRST_S << shift, backoff->cap_s);
  if (backoff->attempts < G_MAXUINT)
    backoff->attempts++;
  return delay;
}

void
dc_backoff_reset (DcBackoff *backoff)
{
  g_return_if_fail (backoff != NULL);
  backoff->attempts = 0;
}
