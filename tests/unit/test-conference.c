/* The conference state machine: roles, hands, the floor and its timer, mutes, video, lock and
 * removal. Every time is an explicit monotonic value, so nothing here sleeps. */
#include "conference-fixture.h"

#include <string.h>

/* ---- roles ---- */

/* Every moderation command from `sender`, each of which must be refused without a trace. */
static void
assert_all_refused (Fixture *f, guint sender)
{
  g_autofree char *before = snapshot (f->conf);
  DcConference *c = f->conf;
  const DcCommandResult no = DC_COMMAND_NOT_PERMITTED;

  g_assert_false (dc_conference_may_moderate (c, sender));
  g_assert_cmpint (dc_conference_give_floor (c, sender, PHU_BINH, 60, DC_EXPIRY_MUTE, T0), ==, no);
  g_assert_cmpint (dc_conference_give_floor (c, sender, sender, 0, DC_EXPIRY_MUTE, T0), ==, no);
  g_assert_cmpint (dc_conference_give_floor (c, sender, 99, 0, DC_EXPIRY_MUTE, T0), ==, no);
  g_assert_cmpint (dc_conference_take_floor (c, sender, FALSE, 0, T0), ==, no);
  g_assert_cmpint (dc_conference_take_floor (c, sender, TRUE, 60, T0), ==, no);
  g_assert_cmpint (dc_conference_set_muted (c, sender, CHAIR, TRUE), ==, no);
  g_assert_cmpint (dc_conference_set_muted (c, sender, PHU_BINH, FALSE), ==, no);
  g_assert_cmpint (dc_conference_set_muted (c, sender, 99, TRUE), ==, no);
  g_assert_cmpint (dc_conference_mute_districts (c, sender), ==, no);
  g_assert_cmpint (dc_conference_set_video_allowed (c, sender, CHAIR, FALSE), ==, no);
  g_assert_cmpint (dc_conference_set_locked (c, sender, TRUE), ==, no);
  g_assert_cmpint (dc_conference_set_locked (c, sender, FALSE), ==, no);
  g_assert_cmpint (dc_conference_remove_site (c, sender, PHU_BINH, T0), ==, no);
  g_assert_cmpint (dc_conference_admit_site (c, sender, OPERATOR), ==, no);
  g_assert_cmpint (dc_conference_set_layout (c, sender, DC_LAYOUT_GRID), ==, no);
  g_assert_cmpint (dc_conference_end_meeting (c, sender, T0), ==, no);
  g_assert_cmpint (dc_conference_lower_hand (c, sender, VO_NHAI), ==, no);

  g_autofree char *after = snapshot (f->conf);
  g_assert_cmpstr (after, ==, before);
}

static void
test_roles_refused (Fixture *f, gconstpointer data)
{
  join_all (f);
  /* A state with something to change: a hand up, a timed floor, a muted site, a removed one. */
  g_assert_cmpint (dc_conference_raise_hand (f->conf, VO_NHAI, T0 + MS), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_give_floor (f->conf, CHAIR, DAI_TU, 120, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_set_muted (f->conf, CHAIR, PHU_BINH, TRUE), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_remove_site (f->conf, CHAIR, OPERATOR, T0), ==, DC_COMMAND_OK);

  assert_all_refused (f, DINH_HOA);
  assert_all_refused (f, OBSERVER);
  /* The floor holder has no more rights than any other district. */
  assert_all_refused (f, DAI_TU);
}

static void
test_roles_moderators (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  g_assert_true (dc_conference_may_moderate (c, CHAIR));
  g_assert_true (dc_conference_may_moderate (c, OPERATOR));
  join_all (f);

  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_lower_hand (c, OPERATOR, VO_NHAI), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_give_floor (c, OPERATOR, DINH_HOA, 0, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor (c), ==, DINH_HOA);
  g_assert_cmpint (dc_conference_take_floor (c, OPERATOR, FALSE, 0, T0), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_set_muted (c, OPERATOR, CHAIR, TRUE), ==, DC_COMMAND_OK);
  g_assert_true (dc_conference_is_muted (c, CHAIR));
  g_assert_cmpint (dc_conference_mute_districts (c, OPERATOR), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_set_video_allowed (c, OPERATOR, OBSERVER, FALSE), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_set_locked (c, OPERATOR, TRUE), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_remove_site (c, OPERATOR, OBSERVER, T0), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_admit_site (c, OPERATOR, OBSERVER), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_set_layout (c, OPERATOR, DC_LAYOUT_GRID), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_end_meeting (c, OPERATOR, T0), ==, DC_COMMAND_OK);
  g_assert_cmpuint (dc_conference_count_present (c), ==, 0);
}

static void
test_unknown_site (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  const DcCommandResult unknown = DC_COMMAND_UNKNOWN_SITE;
  join_all (f);
  g_autofree char *before = snapshot (c);
  /* Past the end, and so large that it would be negative as an int. */
  const guint targets[] = { N_SITES, 99, G_MAXINT, (guint) G_MAXINT + 1, G_MAXUINT };

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      guint t = targets[i];
      g_assert_cmpint (dc_conference_give_floor (c, CHAIR, t, 0, DC_EXPIRY_MUTE, T0), ==, unknown);
      g_assert_cmpint (dc_conference_set_muted (c, CHAIR, t, TRUE), ==, unknown);
      g_assert_cmpint (dc_conference_set_video_allowed (c, OPERATOR, t, FALSE), ==, unknown);
      g_assert_cmpint (dc_conference_remove_site (c, CHAIR, t, T0), ==, unknown);
      g_assert_cmpint (dc_conference_admit_site (c, CHAIR, t), ==, unknown);
      if (t <= G_MAXINT)
        g_assert_cmpint (dc_conference_lower_hand (c, CHAIR, t), ==, unknown);
    }
  g_autofree char *after = snapshot (c);
  g_assert_cmpstr (after, ==, before);
}

/* ---- hands ---- */

static void
test_hand_raise (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  gint64 raised[DC_LAYOUT_MAX_SLOTS];
  guint slots[DC_LAYOUT_MAX_SLOTS];

  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0), ==, DC_COMMAND_NOT_PRESENT);
  join_all (f);
  g_assert_cmpint (dc_conference_raise_hand (c, CHAIR, T0), ==, DC_COMMAND_INVALID);
  g_assert_cmpint (dc_conference_get_hand_position (c, CHAIR), ==, 0);
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0 + 5 * MS), ==, DC_COMMAND_OK);
  /* A second raise keeps the first place in the queue. */
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0 + 9 * MS), ==, DC_COMMAND_INVALID);
  g_assert_cmpuint (dc_conference_get_queue (c, slots, raised), ==, 1);
  g_assert_cmpuint (slots[0], ==, VO_NHAI);
  g_assert_cmpint (raised[0], ==, T0 + 5 * MS);
  g_assert_cmpint (dc_conference_get_hand_position (c, VO_NHAI), ==, 1);
  /* The floor holder is already speaking. */
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, DAI_TU, 0, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_raise_hand (c, DAI_TU, T0), ==, DC_COMMAND_INVALID);
  g_assert_cmpuint (dc_conference_get_queue (c, slots, NULL), ==, 1);
}

static void
test_hand_queue_order (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  guint slots[DC_LAYOUT_MAX_SLOTS];
  gint64 raised[DC_LAYOUT_MAX_SLOTS];
  join_all (f);

  /* Phú Bình and Định Hóa raise "at once" (the same µs): the lower slot goes first, whatever the
   * order the commands arrived in. */
  g_assert_cmpint (dc_conference_raise_hand (c, DAI_TU, T0 + 30 * MS), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_raise_hand (c, PHU_BINH, T0 + 20 * MS), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_raise_hand (c, DINH_HOA, T0 + 20 * MS), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0 + 10 * MS), ==, DC_COMMAND_OK);

  const guint expected[] = { VO_NHAI, DINH_HOA, PHU_BINH, DAI_TU };
  const gint64 expected_at[] = { T0 + 10 * MS, T0 + 20 * MS, T0 + 20 * MS, T0 + 30 * MS };
  for (int round = 0; round < 3; round++) /* the order is stable across reads */
    {
      g_assert_cmpuint (dc_conference_get_queue (c, slots, raised), ==, 4);
      for (guint i = 0; i < 4; i++)
        {
          g_assert_cmpuint (slots[i], ==, expected[i]);
          g_assert_cmpint (raised[i], ==, expected_at[i]);
          g_assert_cmpint (dc_conference_get_hand_position (c, expected[i]), ==, i + 1);
        }
    }
  g_assert_cmpint (dc_conference_get_hand_position (c, OBSERVER), ==, 0);

  /* Taking the next speaker follows the same tie-break. */
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, TRUE, 0, T0), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor (c), ==, VO_NHAI);
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, TRUE, 0, T0), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor (c), ==, DINH_HOA);
  g_assert_cmpint (dc_conference_get_hand_position (c, PHU_BINH), ==, 1);
  g_assert_cmpint (dc_conference_get_hand_position (c, DAI_TU), ==, 2);
}

static void
test_hand_lower (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0 + 1), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_raise_hand (c, DINH_HOA, T0 + 2), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_raise_hand (c, DAI_TU, T0 + 3), ==, DC_COMMAND_OK);

  /* Own hand, with target -1 and with the own slot. */
  g_assert_cmpint (dc_conference_lower_hand (c, VO_NHAI, -1), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_hand_position (c, VO_NHAI), ==, 0);
  g_assert_cmpint (dc_conference_get_hand_position (c, DINH_HOA), ==, 1);
  g_assert_cmpint (dc_conference_lower_hand (c, VO_NHAI, -1), ==, DC_COMMAND_INVALID);
  g_assert_cmpint (dc_conference_lower_hand (c, DAI_TU, DAI_TU), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_lower_hand (c, DAI_TU, DAI_TU), ==, DC_COMMAND_INVALID);
  /* Another site's hand: only a moderator. */
  g_assert_cmpint (dc_conference_lower_hand (c, PHU_BINH, DINH_HOA), ==,
                   DC_COMMAND_NOT_PERMITTED);
  g_assert_cmpint (dc_conference_get_hand_position (c, DINH_HOA), ==, 1);
  g_assert_cmpint (dc_conference_lower_hand (c, CHAIR, DINH_HOA), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_hand_position (c, DINH_HOA), ==, 0);
  g_assert_cmpint (dc_conference_lower_hand (c, CHAIR, DINH_HOA), ==, DC_COMMAND_INVALID);
  g_assert_cmpint (dc_conference_lower_hand (c, CHAIR, -1), ==, DC_COMMAND_INVALID);
  g_assert_cmpint (dc_conference_lower_hand (c, OPERATOR, PHU_BINH), ==, DC_COMMAND_INVALID);
  g_assert_cmpuint (dc_conference_get_queue (c, (guint[DC_LAYOUT_MAX_SLOTS]){ 0 }, NULL), ==, 0);
}

static void
test_hand_dropped_on_leave (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0 + 1), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_raise_hand (c, DINH_HOA, T0 + 2), ==, DC_COMMAND_OK);
  dc_conference_set_present (c, VO_NHAI, FALSE, T0 + 10);
  g_assert_cmpint (dc_conference_get_presence (c, VO_NHAI), ==, DC_PRESENCE_LEFT);
  g_assert_cmpint (dc_conference_get_hand_position (c, VO_NHAI), ==, 0);
  g_assert_cmpint (dc_conference_get_hand_position (c, DINH_HOA), ==, 1);
  /* Coming back does not bring the hand back; a left site cannot raise one. */
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0 + 11), ==, DC_COMMAND_NOT_PRESENT);
  join (f, VO_NHAI, T0 + 20);
  g_assert_cmpint (dc_conference_get_hand_position (c, VO_NHAI), ==, 0);
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0 + 21), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_hand_position (c, VO_NHAI), ==, 2);
}

/* ---- floor ---- */

static void
test_floor_give (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  g_assert_cmpint (dc_conference_get_floor (c), ==, -1);
  g_assert_cmpint (dc_conference_mute_districts (c, CHAIR), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0), ==, DC_COMMAND_OK);
  g_assert_true (dc_conference_is_muted (c, VO_NHAI));

  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, VO_NHAI, 0, DC_EXPIRY_MUTE, T0 + MS), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor (c), ==, VO_NHAI);
  g_assert_false (dc_conference_is_muted (c, VO_NHAI));
  g_assert_cmpint (dc_conference_get_hand_position (c, VO_NHAI), ==, 0);
  g_assert_cmpuint (dc_conference_get_floor_limit (c), ==, 0);
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0 + MS), ==, -1);
  /* The others stay muted. */
  g_assert_true (dc_conference_is_muted (c, DINH_HOA));

  /* Passing the floor straight to another district closes the first one's microphone, as taking
   * it back would. */
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, DINH_HOA, 0, DC_EXPIRY_MUTE, T0 + 2 * MS),
                   ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor (c), ==, DINH_HOA);
  g_assert_false (dc_conference_is_muted (c, DINH_HOA));
  g_assert_true (dc_conference_is_muted (c, VO_NHAI));

  g_autoptr (GPtrArray) events = attendance_events (c);
  assert_event (events, N_SITES + 0, DC_ATTENDANCE_FLOOR_START, "vo-nhai", NULL);
  assert_event (events, N_SITES + 1, DC_ATTENDANCE_FLOOR_END, "vo-nhai", NULL);
  assert_event (events, N_SITES + 2, DC_ATTENDANCE_FLOOR_START, "dinh-hoa", NULL);
  g_assert_cmpuint (events->len, ==, N_SITES + 3);
}

static void
test_floor_not_present (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join (f, CHAIR, T0);
  join (f, DINH_HOA, T0);
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, VO_NHAI, 0, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_NOT_PRESENT);
  dc_conference_set_present (c, DINH_HOA, FALSE, T0 + MS);
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, DINH_HOA, 30, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_NOT_PRESENT);
  g_assert_cmpint (dc_conference_get_floor (c), ==, -1);
}

static void
test_floor_give_to_chair (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  /* Nothing to take back yet. */
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, CHAIR, 0, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_INVALID);
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, DAI_TU, 60, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_give_floor (c, OPERATOR, CHAIR, 0, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor (c), ==, -1);
  g_assert_true (dc_conference_is_muted (c, DAI_TU));
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0), ==, -1);
  g_assert_cmpuint (dc_conference_get_floor_limit (c), ==, 0);
}

static void
test_floor_take_back (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, FALSE, 0, T0), ==, DC_COMMAND_INVALID);
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, TRUE, 0, T0), ==, DC_COMMAND_INVALID);
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, PHU_BINH, 0, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, FALSE, 0, T0 + MS), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor (c), ==, -1);
  g_assert_true (dc_conference_is_muted (c, PHU_BINH));
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, FALSE, 0, T0), ==, DC_COMMAND_INVALID);

  /* The observer given the floor is not a district: it is not muted when it ends. */
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, OBSERVER, 0, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, FALSE, 0, T0), ==, DC_COMMAND_OK);
  g_assert_false (dc_conference_is_muted (c, OBSERVER));

  g_autoptr (GPtrArray) events = attendance_events (c);
  assert_event (events, N_SITES + 0, DC_ATTENDANCE_FLOOR_START, "phu-binh", NULL);
  assert_event (events, N_SITES + 1, DC_ATTENDANCE_FLOOR_END, "phu-binh", NULL);
}

static void
test_floor_take_next (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  g_assert_cmpint (dc_conference_raise_hand (c, DAI_TU, T0 + 2), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0 + 1), ==, DC_COMMAND_OK);

  /* No floor yet, but a queue: the first hand gets it, with the limit and the default expiry. */
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, TRUE, 90, T0 + 10 * MS), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor (c), ==, VO_NHAI);
  g_assert_cmpuint (dc_conference_get_floor_limit (c), ==, 90);
  g_assert_cmpint (dc_conference_get_hand_position (c, VO_NHAI), ==, 0);
  g_assert_cmpint (dc_conference_get_hand_position (c, DAI_TU), ==, 1);

  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, TRUE, 0, T0 + 20 * MS), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor (c), ==, DAI_TU);
  g_assert_true (dc_conference_is_muted (c, VO_NHAI));
  g_assert_false (dc_conference_is_muted (c, DAI_TU));
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0 + 20 * MS), ==, -1);

  /* Queue empty: "next" goes back to the chair; then there is nothing left. */
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, TRUE, 0, T0 + 30 * MS), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor (c), ==, -1);
  g_assert_true (dc_conference_is_muted (c, DAI_TU));
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, TRUE, 0, T0 + 40 * MS), ==,
                   DC_COMMAND_INVALID);
}

static void
test_floor_holder_leaves (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, DINH_HOA, 120, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  dc_conference_set_present (c, DINH_HOA, FALSE, T0 + 5 * SEC);
  g_assert_cmpint (dc_conference_get_floor (c), ==, -1);
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0 + 6 * SEC), ==, -1);
  g_assert_cmpint (dc_conference_tick_floor (c, T0 + 200 * SEC), ==,
                   DC_FLOOR_TICK_NONE);
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, FALSE, 0, T0), ==, DC_COMMAND_INVALID);

  g_autoptr (GPtrArray) events = attendance_events (c);
  assert_event (events, N_SITES + 0, DC_ATTENDANCE_FLOOR_START, "dinh-hoa", "giới hạn 120 giây");
  assert_event (events, N_SITES + 1, DC_ATTENDANCE_LEFT, "dinh-hoa", NULL);
  assert_event (events, N_SITES + 2, DC_ATTENDANCE_FLOOR_END, "dinh-hoa", "rời hội nghị");
}

/* Ticks every 250 ms from the start of a floor of `limit_s` and checks when it warned/expired. */
static void
run_timer (Fixture *f, guint limit_s, DcFloorExpiry expiry, gboolean expect_warning)
{
  DcConference *c = f->conf;
  const gint64 start = T0 + 3 * SEC;
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, VO_NHAI, limit_s, expiry, start), ==,
                   DC_COMMAND_OK);
  g_assert_cmpuint (dc_conference_get_floor_limit (c), ==, limit_s);
  guint warnings = 0, expiries = 0;
  gint64 warned_at = -1, expired_at = -1;
  for (gint64 t = start; t <= start + (limit_s + 20) * SEC; t += 250 * MS)
    {
      gint64 elapsed = t - start;
      int left = dc_conference_get_floor_remaining (c, t);
      gint64 expected_left = elapsed >= limit_s * SEC
                                 ? 0
                                 : (limit_s * SEC - elapsed + SEC - 1)
                                       / SEC;
      g_assert_cmpint (left, ==, expected_left);
      switch (dc_conference_tick_floor (c, t))
        {
        case DC_FLOOR_TICK_WARNING:
          warnings++;
          warned_at = elapsed;
          g_assert_cmpint (left, <=, DC_FLOOR_WARNING_S);
          g_assert_false (dc_conference_is_muted (c, VO_NHAI));
          break;
        case DC_FLOOR_TICK_EXPIRED:
          expiries++;
          expired_at = elapsed;
          break;
        case DC_FLOOR_TICK_NONE:
          break;
        }
    }
  g_assert_cmpuint (warnings, ==, expect_warning ? 1 : 0);
  if (expect_warning)
    g_assert_cmpint (warned_at, ==, (gint64) (limit_s - DC_FLOOR_WARNING_S) * SEC);
  g_assert_cmpuint (expiries, ==, 1);
  g_assert_cmpint (expired_at, ==, (gint64) limit_s * SEC);
  /* The floor stays with the speaker; only the microphone follows the expiry action. */
  g_assert_cmpint (dc_conference_get_floor (c), ==, VO_NHAI);
  g_assert_cmpint (dc_conference_is_muted (c, VO_NHAI), ==, expiry == DC_EXPIRY_MUTE);
}

static void
test_floor_timer (Fixture *f, gconstpointer data)
{
  join_all (f);
  run_timer (f, 120, DC_EXPIRY_MUTE, TRUE);
  /* Spot values: rounding up, and the exact warning second. */
  DcConference *c = f->conf;
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, DAI_TU, 120, DC_EXPIRY_SIGNAL, T0), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0), ==, 120);
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0 + 1), ==, 120);
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0 + SEC), ==, 119);
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0 + 90 * SEC - 1), ==, 31);
  g_assert_cmpint (dc_conference_tick_floor (c, T0 + 90 * SEC - 1), ==,
                   DC_FLOOR_TICK_NONE);
  g_assert_cmpint (dc_conference_tick_floor (c, T0 + 90 * SEC), ==,
                   DC_FLOOR_TICK_WARNING);
  g_assert_cmpint (dc_conference_tick_floor (c, T0 + 90 * SEC), ==,
                   DC_FLOOR_TICK_NONE);
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0 + 120 * SEC - 1), ==, 1);
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0 + 500 * SEC), ==, 0);
}

static void
test_floor_timer_signal (Fixture *f, gconstpointer data)
{
  join_all (f);
  run_timer (f, 120, DC_EXPIRY_SIGNAL, TRUE);
}

static void
test_floor_timer_short (Fixture *f, gconstpointer data)
{
  join_all (f);
  run_timer (f, 30, DC_EXPIRY_MUTE, FALSE);
  run_timer (f, 10, DC_EXPIRY_SIGNAL, FALSE);
  run_timer (f, 1, DC_EXPIRY_MUTE, FALSE);
  /* One second over the warning: it warns on the first tick after one second. */
  run_timer (f, 31, DC_EXPIRY_MUTE, TRUE);
}

static void
test_floor_untimed (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  g_assert_cmpint (dc_conference_get_floor_remaining (c, T0), ==, -1);
  g_assert_cmpint (dc_conference_tick_floor (c, T0), ==, DC_FLOOR_TICK_NONE);
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, VO_NHAI, 0, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  for (gint64 t = T0; t < T0 + 3600 * SEC; t += SEC)
    {
      g_assert_cmpint (dc_conference_get_floor_remaining (c, t), ==, -1);
      g_assert_cmpint (dc_conference_tick_floor (c, t), ==, DC_FLOOR_TICK_NONE);
    }
  g_assert_false (dc_conference_is_muted (c, VO_NHAI));
}

/* ---- mutes, video, lock ---- */

static void
test_mutes (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  for (guint i = 0; i < N_SITES; i++)
    g_assert_false (dc_conference_is_muted (c, i));
  g_assert_cmpint (dc_conference_set_muted (c, CHAIR, VO_NHAI, TRUE), ==, DC_COMMAND_OK);
  g_assert_true (dc_conference_is_muted (c, VO_NHAI));
  g_assert_cmpint (dc_conference_set_muted (c, CHAIR, VO_NHAI, FALSE), ==, DC_COMMAND_OK);
  g_assert_false (dc_conference_is_muted (c, VO_NHAI));

  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, DAI_TU, 0, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  dc_conference_set_present (c, PHU_BINH, FALSE, T0);
  g_assert_cmpint (dc_conference_mute_districts (c, CHAIR), ==, DC_COMMAND_OK);
  g_assert_true (dc_conference_is_muted (c, DINH_HOA));
  g_assert_true (dc_conference_is_muted (c, VO_NHAI));
  g_assert_true (dc_conference_is_muted (c, PHU_BINH)); /* also muted when it comes back */
  g_assert_false (dc_conference_is_muted (c, DAI_TU));  /* holds the floor */
  g_assert_false (dc_conference_is_muted (c, CHAIR));
  g_assert_false (dc_conference_is_muted (c, OPERATOR));
  g_assert_false (dc_conference_is_muted (c, OBSERVER));

  /* Even a muted chair is never touched by mute-districts. */
  g_assert_cmpint (dc_conference_set_muted (c, OPERATOR, CHAIR, TRUE), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_set_muted (c, OPERATOR, CHAIR, FALSE), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_mute_districts (c, OPERATOR), ==, DC_COMMAND_OK);
  g_assert_false (dc_conference_is_muted (c, CHAIR));
}

static void
test_video (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  g_assert_true (dc_conference_is_video_allowed (c, OBSERVER));
  g_assert_cmpint (dc_conference_set_video_allowed (c, CHAIR, OBSERVER, FALSE), ==, DC_COMMAND_OK);
  g_assert_false (dc_conference_is_video_allowed (c, OBSERVER));
  g_assert_true (dc_conference_is_video_allowed (c, VO_NHAI));
  g_assert_cmpint (dc_conference_set_video_allowed (c, CHAIR, OBSERVER, TRUE), ==, DC_COMMAND_OK);
  g_assert_true (dc_conference_is_video_allowed (c, OBSERVER));
}

static void
test_lock_then_rejoin (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join (f, CHAIR, T0);
  join (f, DINH_HOA, T0);
  dc_conference_set_present (c, DINH_HOA, FALSE, T0 + MS); /* the mountain link drops */
  g_assert_cmpint (dc_conference_set_locked (c, CHAIR, TRUE), ==, DC_COMMAND_OK);
  g_assert_true (dc_conference_is_locked (c));

  g_assert_cmpint (dc_conference_check_join (c, VO_NHAI), ==, DC_JOIN_LOCKED);
  g_assert_cmpint (dc_conference_check_join (c, DINH_HOA), ==, DC_JOIN_OK);
  join (f, DINH_HOA, T0 + 2 * MS);
  g_assert_cmpint (dc_conference_get_presence (c, VO_NHAI), ==, DC_PRESENCE_ABSENT);

  g_assert_cmpint (dc_conference_set_locked (c, CHAIR, FALSE), ==, DC_COMMAND_OK);
  g_assert_false (dc_conference_is_locked (c));
  join (f, VO_NHAI, T0 + 3 * MS);
  g_assert_cmpuint (dc_conference_count_present (c), ==, 3);
}

/* ---- remove and admit ---- */

static void
test_remove_admit (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, DAI_TU, 60, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);

  g_assert_cmpint (dc_conference_remove_site (c, CHAIR, CHAIR, T0), ==, DC_COMMAND_INVALID);
  g_assert_cmpint (dc_conference_remove_site (c, OPERATOR, CHAIR, T0), ==, DC_COMMAND_INVALID);
  g_assert_cmpint (dc_conference_remove_site (c, OPERATOR, OPERATOR, T0), ==, DC_COMMAND_INVALID);
  g_assert_cmpint (dc_conference_admit_site (c, CHAIR, VO_NHAI), ==, DC_COMMAND_INVALID);
  g_assert_cmpuint (dc_conference_count_present (c), ==, N_SITES);

  g_assert_cmpint (dc_conference_remove_site (c, CHAIR, VO_NHAI, T0 + MS), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_remove_site (c, OPERATOR, DAI_TU, T0 + 2 * MS), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_get_presence (c, VO_NHAI), ==, DC_PRESENCE_LEFT);
  g_assert_cmpint (dc_conference_get_hand_position (c, VO_NHAI), ==, 0);
  g_assert_cmpint (dc_conference_get_floor (c), ==, -1);
  g_assert_cmpint (dc_conference_check_join (c, VO_NHAI), ==, DC_JOIN_REMOVED);
  g_assert_cmpint (dc_conference_check_join (c, DAI_TU), ==, DC_JOIN_REMOVED);
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, VO_NHAI, 0, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_NOT_PRESENT);

  /* Removed outranks locked; after admit the lock still lets a site that was in back. */
  g_assert_cmpint (dc_conference_set_locked (c, CHAIR, TRUE), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_check_join (c, VO_NHAI), ==, DC_JOIN_REMOVED);
  g_assert_cmpint (dc_conference_admit_site (c, CHAIR, VO_NHAI), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_check_join (c, VO_NHAI), ==, DC_JOIN_OK);
  g_assert_cmpint (dc_conference_admit_site (c, CHAIR, VO_NHAI), ==, DC_COMMAND_INVALID);
  join (f, VO_NHAI, T0 + 4 * MS);
  g_assert_cmpint (dc_conference_check_join (c, DAI_TU), ==, DC_JOIN_REMOVED);

  g_autoptr (GPtrArray) events = attendance_events (c);
  guint i = N_SITES + 1; /* after the joins and the floor start */
  assert_event (events, i++, DC_ATTENDANCE_REMOVED, "vo-nhai", NULL);
  assert_event (events, i++, DC_ATTENDANCE_LEFT, "vo-nhai", NULL);
  assert_event (events, i++, DC_ATTENDANCE_REMOVED, "dai-tu", NULL);
  assert_event (events, i++, DC_ATTENDANCE_LEFT, "dai-tu", NULL);
  assert_event (events, i++, DC_ATTENDANCE_FLOOR_END, "dai-tu", "rời hội nghị");
  assert_event (events, i++, DC_ATTENDANCE_JOINED, "vo-nhai", NULL);
  g_assert_cmpuint (events->len, ==, i);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD_CONFERENCE_TEST ("roles/refused", test_roles_refused);
  ADD_CONFERENCE_TEST ("roles/moderators", test_roles_moderators);
  ADD_CONFERENCE_TEST ("roles/unknown-site", test_unknown_site);
  ADD_CONFERENCE_TEST ("hand/raise", test_hand_raise);
  ADD_CONFERENCE_TEST ("hand/queue-order", test_hand_queue_order);
  ADD_CONFERENCE_TEST ("hand/lower", test_hand_lower);
  ADD_CONFERENCE_TEST ("hand/dropped-on-leave", test_hand_dropped_on_leave);
  ADD_CONFERENCE_TEST ("floor/give", test_floor_give);
  ADD_CONFERENCE_TEST ("floor/not-present", test_floor_not_present);
  ADD_CONFERENCE_TEST ("floor/give-to-chair", test_floor_give_to_chair);
  ADD_CONFERENCE_TEST ("floor/take-back", test_floor_take_back);
  ADD_CONFERENCE_TEST ("floor/take-next", test_floor_take_next);
  ADD_CONFERENCE_TEST ("floor/holder-leaves", test_floor_holder_leaves);
  ADD_CONFERENCE_TEST ("floor/timer", test_floor_timer);
  ADD_CONFERENCE_TEST ("floor/timer-signal", test_floor_timer_signal);
  ADD_CONFERENCE_TEST ("floor/timer-short", test_floor_timer_short);
  ADD_CONFERENCE_TEST ("floor/untimed", test_floor_untimed);
  ADD_CONFERENCE_TEST ("mutes", test_mutes);
  ADD_CONFERENCE_TEST ("video", test_video);
  ADD_CONFERENCE_TEST ("lock-then-rejoin", test_lock_then_rejoin);
  ADD_CONFERENCE_TEST ("remove-admit", test_remove_admit);
  return g_test_run ();
}
