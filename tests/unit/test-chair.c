/* The chairing table: each message maps to its conference rule, a refusal carries the right
 * protocol code and a sentence, and a success names what the server must do next. */
#include "conference-fixture.h"

#include <string.h>

#include "chair.h"
#include "meeting-view.h"

static DcMessage *
message (const char *json)
{
  g_autoptr (GError) error = NULL;
  DcMessage *m = dc_message_parse (json, strlen (json), DC_SENDER_SITE, &error);
  g_assert_no_error (error);
  return m;
}

static gboolean
apply (Fixture *f, guint sender, const char *json, DcChairOutcome *outcome)
{
  g_autoptr (DcMessage) m = message (json);
  return dc_chair_apply (f->conf, DC_EXPIRY_MUTE, sender, m, T0 + SEC, outcome);
}

static void
test_not_chairing (Fixture *f, gconstpointer data)
{
  DcChairOutcome outcome = { .target = 42 };
  g_assert_false (apply (f, CHAIR, "{\"type\":\"leave\"}", &outcome));
  g_assert_cmpint (outcome.target, ==, 42);
}

static void
test_refusals (Fixture *f, gconstpointer data)
{
  join_all (f);
  g_autofree char *before = snapshot (f->conf);
  DcChairOutcome outcome;
  g_assert_true (apply (f, DINH_HOA, "{\"type\":\"mute\",\"site\":\"vo-nhai\",\"muted\":true}",
                        &outcome));
  g_assert_cmpint (outcome.result, ==, DC_COMMAND_NOT_PERMITTED);
  g_assert_cmpint (outcome.error_code, ==, DC_ERR_NOT_PERMITTED);
  g_assert_cmpstr (outcome.refusal, ==, "only the chair may send \"mute\"");
  g_assert_cmpint (outcome.effects, ==, 0);
  dc_chair_outcome_clear (&outcome);

  g_assert_true (apply (f, CHAIR, "{\"type\":\"give-floor\",\"site\":\"ha-noi\"}", &outcome));
  g_assert_cmpint (outcome.error_code, ==, DC_ERR_UNKNOWN_SITE);
  g_assert_nonnull (strstr (outcome.refusal, "\"ha-noi\""));
  dc_chair_outcome_clear (&outcome);

  g_assert_true (apply (f, CHAIR, "{\"type\":\"take-floor\"}", &outcome));
  g_assert_cmpint (outcome.error_code, ==, DC_ERR_NOTHING_TO_DO);
  dc_chair_outcome_clear (&outcome);
  g_autofree char *after = snapshot (f->conf);
  g_assert_cmpstr (before, ==, after);
}

static void
test_effects (Fixture *f, gconstpointer data)
{
  join_all (f);
  DcChairOutcome outcome;
  g_assert_true (apply (f, CHAIR, "{\"type\":\"give-floor\",\"site\":\"dinh-hoa\"}", &outcome));
  g_assert_null (outcome.refusal);
  g_assert_cmpint (outcome.effects, ==, DC_CHAIR_STATE_CHANGED);
  g_assert_cmpint (dc_conference_get_floor (f->conf), ==, DINH_HOA);
  dc_chair_outcome_clear (&outcome);

  g_assert_true (apply (f, CHAIR, "{\"type\":\"remove\",\"site\":\"vo-nhai\"}", &outcome));
  g_assert_cmpint (outcome.target, ==, VO_NHAI);
  g_assert_cmpint (outcome.effects, ==, DC_CHAIR_STATE_CHANGED | DC_CHAIR_DISMISS_TARGET);
  dc_chair_outcome_clear (&outcome);

  g_assert_true (apply (f, CHAIR, "{\"type\":\"get-attendance\"}", &outcome));
  g_assert_cmpint (outcome.effects, ==, 0);
  g_assert_true (g_str_has_prefix (outcome.reply, "{"));
  g_assert_nonnull (strstr (outcome.reply, "\"attendance\""));
  dc_chair_outcome_clear (&outcome);

  g_assert_true (apply (f, CHAIR, "{\"type\":\"end-meeting\"}", &outcome));
  g_assert_cmpint (outcome.effects, ==, DC_CHAIR_END_MEETING);
  g_assert_cmpuint (dc_conference_count_present (f->conf), ==, 0);
  dc_chair_outcome_clear (&outcome);
}

/* One site's entry of a state message, as the client reads it. */
static JsonObject *
site_state (const char *state, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DcMessage) m = dc_message_parse (state, strlen (state), DC_SENDER_GATEWAY, &error);
  g_assert_no_error (error);
  JsonArray *sites = json_object_get_array_member (m->body, "sites");
  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      JsonObject *site = json_array_get_object_element (sites, i);
      if (g_strcmp0 (json_object_get_string_member (site, "id"), id) == 0)
        return json_object_ref (site);
    }
  g_assert_not_reached ();
}

/* "Gọi" and "Gọi tất cả": who may call, whom, and what the gateway is asked to dial. */
static void
test_calls (Fixture *f, gconstpointer data)
{
  join (f, CHAIR, T0);
  join (f, DAI_TU, T0);
  DcChairOutcome outcome;
  g_assert_true (apply (f, DAI_TU, "{\"type\":\"call-all\"}", &outcome));
  g_assert_cmpint (outcome.error_code, ==, DC_ERR_NOT_PERMITTED);
  g_assert_cmpuint (outcome.n_calls, ==, 0);
  dc_chair_outcome_clear (&outcome);

  g_assert_true (apply (f, CHAIR, "{\"type\":\"call-site\",\"site\":\"phu-binh\"}", &outcome));
  g_assert_cmpint (outcome.error_code, ==, DC_ERR_NOT_DIALABLE);
  g_assert_cmpstr (outcome.refusal, ==, "the site \"phu-binh\" has no room system to call "
                                        "(no sip-uri, or SIP is off)");
  dc_chair_outcome_clear (&outcome);

  g_assert_true (apply (f, CHAIR, "{\"type\":\"call-site\",\"site\":\"dinh-hoa\"}", &outcome));
  g_assert_null (outcome.refusal);
  g_assert_cmpint (outcome.effects, ==, DC_CHAIR_CALL | DC_CHAIR_STATE_CHANGED);
  g_assert_cmpuint (outcome.n_calls, ==, 1);
  g_assert_cmpuint (outcome.calls[0], ==, DINH_HOA);
  dc_chair_outcome_clear (&outcome);

  /* Being called already: not again; call-all takes only the other absent dialable hall. */
  dc_conference_set_call_state (f->conf, DINH_HOA, DC_CALL_CALLING);
  g_assert_true (apply (f, CHAIR, "{\"type\":\"call-site\",\"site\":\"dinh-hoa\"}", &outcome));
  g_assert_cmpint (outcome.error_code, ==, DC_ERR_NOTHING_TO_DO);
  dc_chair_outcome_clear (&outcome);
  g_assert_true (apply (f, CHAIR, "{\"type\":\"call-all\"}", &outcome));
  g_assert_cmpuint (outcome.n_calls, ==, 1);
  g_assert_cmpuint (outcome.calls[0], ==, VO_NHAI);
  dc_chair_outcome_clear (&outcome);

  g_autofree char *state = dc_meeting_state_new (f->conf, T0);
  g_autoptr (JsonObject) dinh_hoa = site_state (state, "dinh-hoa");
  g_assert_true (json_object_get_boolean_member (dinh_hoa, "dialable"));
  g_assert_cmpstr (json_object_get_string_member (dinh_hoa, "call"), ==, "calling");
  g_autoptr (JsonObject) dai_tu = site_state (state, "dai-tu");
  g_assert_false (json_object_get_boolean_member (dai_tu, "dialable"));
  g_assert_cmpstr (json_object_get_string_member (dai_tu, "call"), ==, "none");

  /* A failed hall may be called again; one that is present, or removed, may not. */
  dc_conference_set_call_state (f->conf, DINH_HOA, DC_CALL_FAILED);
  join (f, VO_NHAI, T0);
  g_assert_true (apply (f, CHAIR, "{\"type\":\"call-all\"}", &outcome));
  g_assert_cmpuint (outcome.n_calls, ==, 1);
  g_assert_cmpuint (outcome.calls[0], ==, DINH_HOA);
  dc_chair_outcome_clear (&outcome);
  g_assert_true (apply (f, CHAIR, "{\"type\":\"remove\",\"site\":\"vo-nhai\"}", &outcome));
  dc_chair_outcome_clear (&outcome);
  dc_conference_set_present (f->conf, VO_NHAI, FALSE, T0 + SEC);
  g_assert_true (apply (f, CHAIR, "{\"type\":\"call-site\",\"site\":\"vo-nhai\"}", &outcome));
  g_assert_cmpint (outcome.error_code, ==, DC_ERR_NOTHING_TO_DO);
  dc_chair_outcome_clear (&outcome);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD_CONFERENCE_TEST ("chair/not-chairing", test_not_chairing);
  ADD_CONFERENCE_TEST ("chair/refusals", test_refusals);
  ADD_CONFERENCE_TEST ("chair/effects", test_effects);
  ADD_CONFERENCE_TEST ("chair/calls", test_calls);
  return g_test_run ();
}
