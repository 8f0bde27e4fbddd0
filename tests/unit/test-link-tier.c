/* Tier choice from receiver reports: down at once to what the link carried, up one step after
 * clean reports, no flapping at a link's limit; and the gate that switches at a keyframe. */
#include "link-tier.h"

#define S(x) ((gint64) ((x) * G_USEC_PER_SEC))

static const guint tiers[] = { 2000, 1000, 450, 150 };

static DcLinkTier
new_link (void)
{
  DcLinkTier link;
  dc_link_tier_init (&link, 4, tiers);
  return link;
}

static void
test_clean_link_stays_on_top (void)
{
  DcLinkTier link = new_link ();
  for (int t = 1; t <= 60; t++)
    g_assert_cmpuint (dc_link_tier_report (&link, 0.0, S (t)), ==, 0);
  /* Loss under the threshold moves nothing either. */
  g_assert_cmpuint (dc_link_tier_report (&link, 0.03, S (61)), ==, 0);
}

static void
test_cap_goes_straight_to_what_fits (void)
{
  DcLinkTier link = new_link ();
  /* 2000 kbit/s into a 600 kbit/s link: 70 % lost; 600 * 0.85 fits only 450. */
  g_assert_cmpuint (dc_link_tier_report (&link, 0.70, S (1)), ==, 2);
  /* The next reports still speak of the old tier: no further step while settling. */
  g_assert_cmpuint (dc_link_tier_report (&link, 0.50, S (2)), ==, 2);
  /* Loss that lasts on the new tier takes it one more step (this report follows a lossy one). */
  g_assert_cmpuint (dc_link_tier_report (&link, 0.20, S (4)), ==, 3);
  g_assert_cmpuint (dc_link_tier_report (&link, 0.20, S (7)), ==, 3);
}

static void
test_moderate_loss_steps_one_down (void)
{
  DcLinkTier link = new_link ();
  /* One report of 8 % is a blip; a second one is a link: 8 % of 2000 lost still carries 1840,
   * so one step down at least. */
  g_assert_cmpuint (dc_link_tier_report (&link, 0.08, S (1)), ==, 0);
  g_assert_cmpuint (dc_link_tier_report (&link, 0.08, S (2)), ==, 1);
}

static void
test_climbs_back_one_step_per_ten_seconds (void)
{
  DcLinkTier link = new_link ();
  g_assert_cmpuint (dc_link_tier_report (&link, 0.70, S (0)), ==, 2);
  guint last = 2;
  gint64 step_at[3] = { 0 };
  for (int t = 1; t <= 40; t++)
    {
      guint tier = dc_link_tier_report (&link, 0.0, S (t));
      g_assert_cmpuint (tier, <=, last);
      g_assert_cmpuint (last - tier, <=, 1);
      if (tier < last)
        step_at[tier] = t;
      last = tier;
    }
  g_assert_cmpuint (last, ==, 0);
  g_assert_cmpint (step_at[1], >=, 10);
  g_assert_cmpint (step_at[0] - step_at[1], >=, 10);
  g_assert_cmpint (step_at[0], <=, 30);
}

static void
test_failed_step_up_waits_longer (void)
{
  DcLinkTier link = new_link ();
  dc_link_tier_report (&link, 0.70, S (0)); /* tier 2 */
  int t = 1;
  for (; dc_link_tier_report (&link, 0.0, S (t)) == 2; t++)
    ;
  int first_up = t;
  /* Tier 1 is too much: loss right after the step brings it back down. */
  g_assert_cmpuint (dc_link_tier_report (&link, 0.40, S (t + 1)), ==, 2);
  int down_at = t + 1;
  int next_up = 0;
  for (t = down_at + 1; t < down_at + 60 && next_up == 0; t++)
    if (dc_link_tier_report (&link, 0.0, S (t)) == 1)
      next_up = t;
  g_assert_cmpint (next_up, >, 0);
  g_assert_cmpint (next_up - down_at, >=, 3 * first_up / 2 - 1);
}

static void
test_long_rtt_does_not_move_the_tier (void)
{
  /* 300 ms each way and back, steady: the link's own delay. */
  DcLinkTier link = new_link ();
  for (int t = 1; t <= 20; t++)
    {
      dc_link_tier_rtt (&link, 300.0 + (t % 3) * 10.0);
      g_assert_cmpuint (dc_link_tier_report (&link, 0.0, S (t)), ==, 0);
    }
}

static void
test_filling_queue_steps_down (void)
{
  /* Retransmissions hide the loss; the round trip grows as the link's queue fills. */
  DcLinkTier link = new_link ();
  dc_link_tier_rtt (&link, 2.0);
  g_assert_cmpuint (dc_link_tier_report (&link, 0.0, S (1)), ==, 0);
  dc_link_tier_rtt (&link, 60.0); /* a blip */
  g_assert_cmpuint (dc_link_tier_report (&link, 0.01, S (2)), ==, 0);
  dc_link_tier_rtt (&link, 3.0);
  g_assert_cmpuint (dc_link_tier_report (&link, 0.0, S (3)), ==, 0);
  dc_link_tier_rtt (&link, 55.0);
  g_assert_cmpuint (dc_link_tier_report (&link, 0.01, S (4)), ==, 0);
  dc_link_tier_rtt (&link, 110.0);
  g_assert_cmpuint (dc_link_tier_report (&link, 0.02, S (5)), ==, 1);
}

static void
test_silence_counts_as_loss (void)
{
  DcLinkTier link = new_link ();
  /* Never reported: silence alone says nothing (the first report may take a while). */
  g_assert_cmpuint (dc_link_tier_no_report (&link, S (10)), ==, 0);
  g_assert_cmpuint (dc_link_tier_report (&link, 0.0, S (11)), ==, 0);
  g_assert_cmpuint (dc_link_tier_no_report (&link, S (16)), ==, 0);
  /* Six seconds without a report on a link that had them: everything is lost. */
  g_assert_cmpuint (dc_link_tier_no_report (&link, S (17)), ==, 3);
}

static void
test_gate_switches_at_keyframe (void)
{
  DcTierGate gate;
  dc_tier_gate_init (&gate, 0);
  g_assert_true (dc_tier_gate_pass (&gate, 0, FALSE));
  g_assert_false (dc_tier_gate_pass (&gate, 1, TRUE)); /* nobody asked for tier 1 */
  dc_tier_gate_want (&gate, 1);
  g_assert_true (dc_tier_gate_pass (&gate, 0, FALSE)); /* old tier until the switch */
  g_assert_false (dc_tier_gate_pass (&gate, 1, FALSE)); /* not a keyframe: cannot start */
  g_assert_true (dc_tier_gate_pass (&gate, 1, TRUE));
  g_assert_false (dc_tier_gate_pass (&gate, 0, FALSE)); /* the old tier is left behind */
  g_assert_true (dc_tier_gate_pass (&gate, 1, FALSE));
  dc_tier_gate_want (&gate, 1); /* wanting the current tier is no move */
  g_assert_cmpint (gate.wanted, ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/link-tier/clean", test_clean_link_stays_on_top);
  g_test_add_func ("/link-tier/cap", test_cap_goes_straight_to_what_fits);
  g_test_add_func ("/link-tier/moderate-loss", test_moderate_loss_steps_one_down);
  g_test_add_func ("/link-tier/climb-back", test_climbs_back_one_step_per_ten_seconds);
  g_test_add_func ("/link-tier/failed-step-up", test_failed_step_up_waits_longer);
  g_test_add_func ("/link-tier/long-rtt", test_long_rtt_does_not_move_the_tier);
  g_test_add_func ("/link-tier/filling-queue", test_filling_queue_steps_down);
  g_test_add_func ("/link-tier/silence", test_silence_counts_as_loss);
  g_test_add_func ("/link-tier/gate", test_gate_switches_at_keyframe);
  return g_test_run ();
}
