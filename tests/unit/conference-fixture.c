#include "conference-fixture.h"
#include "token.h"

static char *
site_block (const char *id, const char *name, const char *role)
{
  g_autofree char *hash = dc_token_hash ("bi-mat");
  return g_strdup_printf ("[site:%s]\nname=%s\nrole=%s\ntoken-hash=%s\n\n", id, name, role, hash);
}

void
fixture_setup (Fixture *f, gconstpointer data)
{
  static const char *const sites[N_SITES][3] = {
    { "cntt", "Trung tâm CNTT tỉnh", "operator" },
    { "ubnd-tinh", "UBND tỉnh Thái Nguyên", "chair" },
    { "dinh-hoa", "Định Hóa", "district" },
    { "vo-nhai", "Võ Nhai", "district" },
    { "dai-tu", "Đại Từ", "district" },
    { "phu-binh", "Phú Bình", "district" },
    { "bao-chi", "Phóng viên báo chí", "observer" },
  };
  GString *data_text = g_string_new ("[meeting]\nfloor-expiry=mute\n\n[sip]\nenabled=true\n\n");
  for (guint i = 0; i < N_SITES; i++)
    {
      g_autofree char *block = site_block (sites[i][0], sites[i][1], sites[i][2]);
      g_string_append (data_text, block);
      /* Two districts have room systems the gateway can call. */
      if (i == DINH_HOA || i == VO_NHAI)
        g_string_append_printf (data_text, "sip-uri=sip:%s@192.0.2.%u\n\n", sites[i][0], i);
    }
  g_autoptr (GPtrArray) problems = NULL;
  f->config = dc_config_load_data (data_text->str, data_text->len, NULL, &problems);
  for (guint i = 0; problems && i < problems->len; i++)
    g_printerr ("problem: %s\n", (const char *) problems->pdata[i]);
  g_assert_nonnull (f->config);
  g_string_free (data_text, TRUE);
  f->conf = dc_conference_new (f->config, GPOINTER_TO_INT (data));
  g_assert_cmpuint (dc_conference_get_n_sites (f->conf), ==, N_SITES);
  g_assert_cmpint (dc_conference_find_slot (f->conf, "ubnd-tinh"), ==, CHAIR);
  g_assert_cmpint (dc_conference_find_slot (f->conf, "vo-nhai"), ==, VO_NHAI);
  g_assert_cmpint (dc_conference_find_slot (f->conf, "khong-co"), ==, -1);
}

void
fixture_teardown (Fixture *f, gconstpointer data)
{
  dc_conference_free (f->conf);
  dc_config_free (f->config);
}

void
join (Fixture *f, guint slot, gint64 now)
{
  g_assert_cmpint (dc_conference_check_join (f->conf, slot), ==, DC_JOIN_OK);
  dc_conference_set_present (f->conf, slot, TRUE, now);
  g_assert_cmpint (dc_conference_get_presence (f->conf, slot), ==, DC_PRESENCE_PRESENT);
}

void
join_all (Fixture *f)
{
  for (guint i = 0; i < N_SITES; i++)
    join (f, i, T0);
}

/* Everything observable about the state as one string, to prove a refusal changed nothing. */
char *
snapshot (const DcConference *c)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < N_SITES; i++)
    g_string_append_printf (s, "%u:p%d m%d v%d j%d h%d; ", i, dc_conference_get_presence (c, i),
                            dc_conference_is_muted (c, i), dc_conference_is_video_allowed (c, i),
                            dc_conference_check_join (c, i), dc_conference_get_hand_position (c, i));
  guint slots[DC_LAYOUT_MAX_SLOTS], order[DC_LAYOUT_MAX_SLOTS];
  gint64 raised[DC_LAYOUT_MAX_SLOTS];
  guint n = dc_conference_get_queue (c, slots, raised);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "q%u@%" G_GINT64_FORMAT " ", slots[i], raised[i]);
  dc_conference_get_tile_order (c, order);
  for (guint i = 0; i < N_SITES; i++)
    g_string_append_printf (s, "t%u ", order[i]);
  g_string_append_printf (s, "floor %d limit %u left %d locked %d layout %d speaking %d "
                             "present %u records %u",
                          dc_conference_get_floor (c), dc_conference_get_floor_limit (c),
                          dc_conference_get_floor_remaining (c, T0 + 10 * SEC),
                          dc_conference_is_locked (c), dc_conference_get_layout (c),
                          dc_conference_get_speaking (c), dc_conference_count_present (c),
                          dc_attendance_get_length (dc_conference_get_attendance (
                              (DcConference *) c)));
  return g_string_free (s, FALSE);
}

/* The attendance as "kind|site-id|detail" lines (the test names contain no comma). */
GPtrArray *
attendance_events (DcConference *c)
{
  g_autofree char *csv = dc_attendance_to_csv (dc_conference_get_attendance (c));
  g_auto (GStrv) lines = g_strsplit (csv, "\r\n", -1);
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], ",", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, 5);
      g_ptr_array_add (events, g_strjoin ("|", fields[3], fields[1], fields[4], NULL));
    }
  return events;
}

void
assert_event (GPtrArray *events, guint index, DcAttendanceKind kind, const char *id,
              const char *detail)
{
  g_autofree char *expected = g_strjoin ("|", dc_attendance_kind_to_string (kind), id ? id : "",
                                         detail ? detail : "", NULL);
  g_assert_cmpuint (index, <, events->len);
  g_assert_cmpstr (events->pdata[index], ==, expected);
}

/* Feeds levels every 100 ms over [from, to]: `slot` at `level`, `other` at `other_level`, the rest
 * quiet. Returns the speaking slot after the last step. */
int
speak (Fixture *f, int slot, float level, int other, float other_level, gint64 from, gint64 to)
{
  int speaking = -2;
  for (gint64 t = from; t <= to; t += 100 * MS)
    {
      float levels[N_SITES];
      for (guint i = 0; i < N_SITES; i++)
        levels[i] = QUIET;
      if (slot >= 0)
        levels[slot] = level;
      if (other >= 0)
        levels[other] = other_level;
      dc_conference_update_levels (f->conf, levels, t, &speaking);
      g_assert_cmpint (speaking, ==, dc_conference_get_speaking (f->conf));
    }
  return speaking;
}
