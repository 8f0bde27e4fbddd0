/* The conference state machine: layouts and tile order, voice activity, the end of the meeting
 * and the site list. Every time is an explicit monotonic value, so nothing here sleeps. */
#include "conference-fixture.h"

#include <string.h>

#include "meeting-view.h"

/* ---- layouts and tile order ---- */

static void
assert_order (const DcConference *c, const guint *front, guint n_front)
{
  guint order[DC_LAYOUT_MAX_SLOTS];
  gboolean seen[N_SITES] = { FALSE };
  dc_conference_get_tile_order (c, order);
  for (guint i = 0; i < N_SITES; i++)
    {
      g_assert_cmpuint (order[i], <, N_SITES);
      g_assert_false (seen[order[i]]);
      seen[order[i]] = TRUE;
    }
  for (guint i = 0; i < n_front; i++)
    g_assert_cmpuint (order[i], ==, front[i]);
  /* The rest keep the configuration order. */
  for (guint i = n_front + 1; i < N_SITES; i++)
    g_assert_cmpuint (order[i - 1], <, order[i]);
}

#define ASSERT_ORDER(c, ...)                                                                      \
  do                                                                                              \
    {                                                                                             \
      const guint front_[] = { __VA_ARGS__ };                                                     \
      assert_order (c, front_, G_N_ELEMENTS (front_));                                            \
    }                                                                                             \
  while (0)

static void
test_layouts (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  const DcLayoutKind kinds[] = { DC_LAYOUT_GRID, DC_LAYOUT_SPEAKER_FOCUS, DC_LAYOUT_SIDE_BY_SIDE,
                                 DC_LAYOUT_CHAIR_LARGE };
  g_assert_cmpint (dc_conference_get_layout (c), ==, DC_LAYOUT_CHAIR_LARGE);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_assert_cmpint (dc_conference_set_layout (c, CHAIR, kinds[i]), ==, DC_COMMAND_OK);
      g_assert_cmpint (dc_conference_get_layout (c), ==, kinds[i]);
    }
}

static void
test_tile_order (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  /* Nobody speaking, no floor: the chair leads every layout. */
  ASSERT_ORDER (c, CHAIR, OPERATOR, DINH_HOA);
  const DcLayoutKind kinds[]
      = { DC_LAYOUT_GRID, DC_LAYOUT_SPEAKER_FOCUS, DC_LAYOUT_SIDE_BY_SIDE, DC_LAYOUT_CHAIR_LARGE };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      dc_conference_set_layout (c, CHAIR, kinds[i]);
      ASSERT_ORDER (c, CHAIR, OPERATOR, DINH_HOA);
    }

  /* Võ Nhai speaking, no floor. */
  g_assert_cmpint (speak (f, VO_NHAI, -20, -1, 0, T0, T0 + 500 * MS), ==, VO_NHAI);
  dc_conference_set_layout (c, CHAIR, DC_LAYOUT_CHAIR_LARGE);
  ASSERT_ORDER (c, CHAIR, OPERATOR, DINH_HOA);
  dc_conference_set_layout (c, CHAIR, DC_LAYOUT_SPEAKER_FOCUS);
  ASSERT_ORDER (c, VO_NHAI, CHAIR, OPERATOR, DINH_HOA, DAI_TU);
  dc_conference_set_layout (c, CHAIR, DC_LAYOUT_SIDE_BY_SIDE);
  ASSERT_ORDER (c, CHAIR, VO_NHAI, OPERATOR, DINH_HOA, DAI_TU);
  dc_conference_set_layout (c, CHAIR, DC_LAYOUT_GRID);
  ASSERT_ORDER (c, CHAIR, VO_NHAI, OPERATOR, DINH_HOA, DAI_TU);

  /* Đại Từ has the floor while Võ Nhai still speaks: the floor wins everywhere. */
  dc_conference_give_floor (c, CHAIR, DAI_TU, 0, DC_EXPIRY_MUTE, T0 + 600 * MS);
  g_assert_cmpint (dc_conference_get_speaking (c), ==, VO_NHAI);
  dc_conference_set_layout (c, CHAIR, DC_LAYOUT_CHAIR_LARGE);
  ASSERT_ORDER (c, DAI_TU, CHAIR, OPERATOR, DINH_HOA, VO_NHAI);
  dc_conference_set_layout (c, CHAIR, DC_LAYOUT_SPEAKER_FOCUS);
  ASSERT_ORDER (c, DAI_TU, CHAIR, OPERATOR, DINH_HOA, VO_NHAI);
  dc_conference_set_layout (c, CHAIR, DC_LAYOUT_SIDE_BY_SIDE);
  ASSERT_ORDER (c, CHAIR, DAI_TU, OPERATOR, DINH_HOA, VO_NHAI);
  dc_conference_set_layout (c, CHAIR, DC_LAYOUT_GRID);
  ASSERT_ORDER (c, CHAIR, DAI_TU, OPERATOR, DINH_HOA, VO_NHAI);

  /* The chair itself speaking in speaker focus: it leads, nobody is second. */
  dc_conference_take_floor (c, CHAIR, FALSE, 0, T0 + 700 * MS);
  dc_conference_set_layout (c, CHAIR, DC_LAYOUT_SPEAKER_FOCUS);
  g_assert_cmpint (speak (f, CHAIR, -10, -1, 0, T0 + 3000 * MS, T0 + 3500 * MS), ==, CHAIR);
  ASSERT_ORDER (c, CHAIR, OPERATOR, DINH_HOA, VO_NHAI);
}

/* ---- voice activity ---- */

static void
test_speaking_hold_in (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  g_assert_cmpint (dc_conference_get_speaking (c), ==, -1);
  /* Below the threshold is silence, however long. */
  g_assert_cmpint (speak (f, VO_NHAI, DC_SPEAKING_THRESHOLD_DBFS - 1, -1, 0, T0, T0 + 3000 * MS),
                   ==, -1);
  /* Just under the hold-in time: not yet. */
  g_assert_cmpint (speak (f, VO_NHAI, -30, -1, 0, T0 + 4000 * MS, T0 + 4300 * MS), ==, -1);
  float levels[N_SITES] = { QUIET, QUIET, QUIET, -30, QUIET, QUIET, QUIET };
  int speaking = -2;
  g_assert_true (dc_conference_update_levels (c, levels, T0 + 4400 * MS, &speaking));
  g_assert_cmpint (speaking, ==, VO_NHAI);
  g_assert_false (dc_conference_update_levels (c, levels, T0 + 4500 * MS, &speaking));
  g_assert_cmpint (speaking, ==, VO_NHAI);
}

static void
test_speaking_cough (Fixture *f, gconstpointer data)
{
  join_all (f);
  g_assert_cmpint (speak (f, DINH_HOA, -25, -1, 0, T0, T0 + 1000 * MS), ==, DINH_HOA);
  /* A 200 ms cough, much louder, does not take the highlight. */
  g_assert_cmpint (speak (f, DINH_HOA, -25, PHU_BINH, -5, T0 + 1100 * MS, T0 + 1300 * MS), ==,
                   DINH_HOA);
  g_assert_cmpint (speak (f, DINH_HOA, -25, -1, 0, T0 + 1400 * MS, T0 + 2000 * MS), ==, DINH_HOA);
  /* Neither does a cough from a quiet room. */
  g_assert_cmpint (speak (f, -1, 0, -1, 0, T0 + 10000 * MS, T0 + 13000 * MS), ==, -1);
  g_assert_cmpint (speak (f, PHU_BINH, -5, -1, 0, T0 + 13100 * MS, T0 + 13300 * MS), ==, -1);
  g_assert_cmpint (speak (f, -1, 0, -1, 0, T0 + 13400 * MS, T0 + 14000 * MS), ==, -1);
}

static void
test_speaking_hold_out (Fixture *f, gconstpointer data)
{
  join_all (f);
  g_assert_cmpint (speak (f, DINH_HOA, -25, -1, 0, T0, T0 + 1000 * MS), ==, DINH_HOA);
  /* Another site a little louder (less than 6 dB) talking over it: the speaker keeps it. */
  g_assert_cmpint (speak (f, DINH_HOA, -25, DAI_TU, -20, T0 + 1100 * MS, T0 + 5000 * MS), ==,
                   DINH_HOA);
  /* More than 6 dB louder for the hold-in time: it moves. */
  g_assert_cmpint (speak (f, DINH_HOA, -25, DAI_TU, -18, T0 + 5100 * MS, T0 + 5400 * MS), ==,
                   DINH_HOA);
  g_assert_cmpint (speak (f, DINH_HOA, -25, DAI_TU, -18, T0 + 5500 * MS, T0 + 5500 * MS), ==,
                   DAI_TU);
  /* A pause shorter than the hold-out keeps the highlight; a longer one clears it. */
  gint64 last_loud = T0 + 6000 * MS;
  g_assert_cmpint (speak (f, DAI_TU, -18, -1, 0, T0 + 5600 * MS, last_loud), ==, DAI_TU);
  g_assert_cmpint (speak (f, -1, 0, -1, 0, last_loud + 100 * MS,
                          last_loud + DC_SPEAKING_HOLD_OUT_US - 100 * MS),
                   ==, DAI_TU);
  g_assert_cmpint (speak (f, -1, 0, -1, 0, last_loud + DC_SPEAKING_HOLD_OUT_US,
                          last_loud + DC_SPEAKING_HOLD_OUT_US),
                   ==, -1);
}

static void
test_speaking_muted_or_gone (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  /* A muted site never becomes the speaker, however loud; an absent one neither. */
  dc_conference_set_muted (c, CHAIR, VO_NHAI, TRUE);
  g_assert_cmpint (speak (f, VO_NHAI, -3, -1, 0, T0, T0 + 3000 * MS), ==, -1);
  dc_conference_set_present (c, DAI_TU, FALSE, T0);
  g_assert_cmpint (speak (f, DAI_TU, -3, -1, 0, T0 + 3100 * MS, T0 + 6000 * MS), ==, -1);

  /* Muted while speaking: stops at once. */
  g_assert_cmpint (speak (f, DINH_HOA, -20, -1, 0, T0 + 7000 * MS, T0 + 8000 * MS), ==, DINH_HOA);
  dc_conference_set_muted (c, CHAIR, DINH_HOA, TRUE);
  g_assert_cmpint (dc_conference_get_speaking (c), ==, -1);
  g_assert_cmpint (speak (f, DINH_HOA, -20, -1, 0, T0 + 8100 * MS, T0 + 9000 * MS), ==, -1);

  /* Caught by mute-districts. */
  g_assert_cmpint (speak (f, PHU_BINH, -20, -1, 0, T0 + 10000 * MS, T0 + 11000 * MS), ==,
                   PHU_BINH);
  dc_conference_mute_districts (c, OPERATOR);
  g_assert_cmpint (dc_conference_get_speaking (c), ==, -1);

  /* Leaving while speaking. */
  g_assert_cmpint (speak (f, OBSERVER, -20, -1, 0, T0 + 12000 * MS, T0 + 13000 * MS), ==,
                   OBSERVER);
  dc_conference_set_present (c, OBSERVER, FALSE, T0 + 13000 * MS);
  g_assert_cmpint (dc_conference_get_speaking (c), ==, -1);

  /* Muted by the end of a timed speech while still talking. */
  dc_conference_give_floor (c, CHAIR, DINH_HOA, 10, DC_EXPIRY_MUTE, T0 + 20000 * MS);
  g_assert_cmpint (speak (f, DINH_HOA, -20, -1, 0, T0 + 20000 * MS, T0 + 29900 * MS), ==,
                   DINH_HOA);
  g_assert_cmpint (dc_conference_tick_floor (c, T0 + 30000 * MS), ==, DC_FLOOR_TICK_EXPIRED);
  g_assert_true (dc_conference_is_muted (c, DINH_HOA));
  g_assert_cmpint (dc_conference_get_speaking (c), ==, -1);
  g_assert_cmpint (speak (f, DINH_HOA, -20, -1, 0, T0 + 30100 * MS, T0 + 35000 * MS), ==, -1);
}

/* ---- end of the meeting ---- */

static void
test_end_meeting (Fixture *f, gconstpointer data)
{
  DcConference *c = f->conf;
  join_all (f);
  dc_conference_set_present (c, OBSERVER, FALSE, T0);
  g_assert_cmpint (dc_conference_raise_hand (c, VO_NHAI, T0), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_give_floor (c, CHAIR, DAI_TU, 60, DC_EXPIRY_MUTE, T0), ==,
                   DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_remove_site (c, CHAIR, PHU_BINH, T0), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_set_locked (c, CHAIR, TRUE), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_set_layout (c, CHAIR, DC_LAYOUT_GRID), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_set_muted (c, CHAIR, DINH_HOA, TRUE), ==, DC_COMMAND_OK);
  g_assert_cmpint (dc_conference_set_video_allowed (c, CHAIR, DINH_HOA, FALSE), ==, DC_COMMAND_OK);
  g_autoptr (GPtrArray) before = attendance_events (c);

  g_assert_cmpint (dc_conference_end_meeting (c, CHAIR, T0 + 60 * MS), ==, DC_COMMAND_OK);
  g_assert_cmpuint (dc_conference_count_present (c), ==, 0);
  for (guint i = 0; i < N_SITES; i++)
    {
      g_assert_cmpint (dc_conference_get_presence (c, i), !=, DC_PRESENCE_PRESENT);
      g_assert_cmpint (dc_conference_check_join (c, i), ==, DC_JOIN_OK);
      g_assert_cmpint (dc_conference_get_hand_position (c, i), ==, 0);
      g_assert_false (dc_conference_is_muted (c, i));
      g_assert_true (dc_conference_is_video_allowed (c, i));
    }
  g_assert_cmpint (dc_conference_get_floor (c), ==, -1);
  g_assert_cmpint (dc_conference_tick_floor (c, T0 + 600 * SEC), ==,
                   DC_FLOOR_TICK_NONE);
  g_assert_false (dc_conference_is_locked (c));
  g_assert_cmpint (dc_conference_get_layout (c), ==, DC_LAYOUT_CHAIR_LARGE);
  g_assert_cmpint (dc_conference_get_speaking (c), ==, -1);

  /* The record: the floor ends, every present site leaves, then the meeting ends. */
  g_autoptr (GPtrArray) events = attendance_events (c);
  guint i = before->len;
  assert_event (events, i++, DC_ATTENDANCE_FLOOR_END, "dai-tu", NULL);
  assert_event (events, i++, DC_ATTENDANCE_LEFT, "cntt", NULL);
  assert_event (events, i++, DC_ATTENDANCE_LEFT, "ubnd-tinh", NULL);
  assert_event (events, i++, DC_ATTENDANCE_LEFT, "dinh-hoa", NULL);
  assert_event (events, i++, DC_ATTENDANCE_LEFT, "vo-nhai", NULL);
  assert_event (events, i++, DC_ATTENDANCE_LEFT, "dai-tu", NULL);
  assert_event (events, i++, DC_ATTENDANCE_MEETING_END, NULL, NULL);
  g_assert_cmpuint (events->len, ==, i);

  /* A fresh meeting: everyone may join again. */
  join (f, PHU_BINH, T0 + 120 * MS);
  g_assert_cmpint (dc_conference_take_floor (c, CHAIR, FALSE, 0, T0), ==, DC_COMMAND_INVALID);
}

static JsonObject *
site_in_list (JsonArray *sites, const char *id)
{
  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      JsonObject *site = json_array_get_object_element (sites, i);
      if (g_strcmp0 (json_object_get_string_member (site, "id"), id) == 0)
        return site;
    }
  return NULL;
}

static void
test_site_list_message (Fixture *f, gconstpointer data)
{
  join (f, CHAIR, T0);
  g_autofree char *text = dc_meeting_site_list_new (f->conf);
  g_autoptr (GError) error = NULL;
  g_autoptr (DcMessage) message = dc_message_parse (text, strlen (text), DC_SENDER_GATEWAY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (message->type, ==, DC_MSG_SITE_LIST);
  JsonArray *sites = dc_message_get_array (message, "sites");
  g_assert_cmpuint (json_array_get_length (sites), ==, N_SITES);

  JsonObject *chair = site_in_list (sites, "ubnd-tinh");
  g_assert_nonnull (chair);
  g_assert_cmpstr (json_object_get_string_member (chair, "name"), ==, "UBND tỉnh Thái Nguyên");
  g_assert_cmpstr (json_object_get_string_member (chair, "role"), ==, "chair");
  g_assert_true (json_object_get_boolean_member (chair, "present"));
  JsonObject *district = site_in_list (sites, "dinh-hoa");
  g_assert_nonnull (district);
  g_assert_cmpstr (json_object_get_string_member (district, "name"), ==, "Định Hóa");
  g_assert_cmpstr (json_object_get_string_member (district, "role"), ==, "district");
  g_assert_false (json_object_get_boolean_member (district, "present"));
  g_assert_nonnull (strstr (text, "\"role\":\"observer\""));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD_CONFERENCE_TEST ("layout/set", test_layouts);
  ADD_CONFERENCE_TEST ("layout/tile-order", test_tile_order);
  ADD_CONFERENCE_TEST ("speaking/hold-in", test_speaking_hold_in);
  ADD_CONFERENCE_TEST ("speaking/cough", test_speaking_cough);
  ADD_CONFERENCE_TEST ("speaking/hold-out", test_speaking_hold_out);
  ADD_CONFERENCE_TEST ("speaking/muted-or-gone", test_speaking_muted_or_gone);
  ADD_CONFERENCE_TEST ("end-meeting", test_end_meeting);
  ADD_CONFERENCE_TEST ("site-list-message", test_site_list_message);
  return g_test_run ();
}
