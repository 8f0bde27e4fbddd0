/* Reconnect delays: 1, 2, 4, 8, then 10 s; a successful join starts again from 1 s. */
#include "backoff.h"

static void
test_sequence (void)
{
  DcBackoff b;
  dc_backoff_init (&b, DC_BACKOFF_CAP_S);
  const guint expected[] = { 1, 2, 4, 8, 10, 10, 10 };
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (dc_backoff_next (&b), ==, expected[i]);
}

static void
test_reset_after_join (void)
{
  DcBackoff b;
  dc_backoff_init (&b, DC_BACKOFF_CAP_S);
  dc_backoff_next (&b);
  dc_backoff_next (&b);
  g_assert_cmpuint (dc_backoff_next (&b), ==, 4);
  dc_backoff_reset (&b);
  g_assert_cmpuint (dc_backoff_next (&b), ==, 1);
  g_assert_cmpuint (dc_backoff_next (&b), ==, 2);
}

static void
test_long_outage_stays_capped (void)
{
  DcBackoff b;
  dc_backoff_init (&b, 10);
  guint last = 0;
  for (guint i = 0; i < 1000; i++)
    last = dc_backoff_next (&b);
  g_assert_cmpuint (last, ==, 10);
  /* A cap below the first step still waits the first step. */
  dc_backoff_init (&b, 0);
  g_assert_cmpuint (dc_backoff_next (&b), ==, DC_BACKOFF_FIRST_S);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/backoff/sequence", test_sequence);
  g_test_add_func ("/backoff/reset-after-join", test_reset_after_join);
  g_test_add_func ("/backoff/long-outage-stays-capped", test_long_outage_stays_capped);
  return g_test_run ();
}
