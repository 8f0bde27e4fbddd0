/* Who may call in over SIP: by site id or conference number, by digest or by address, and what
 * an unknown, wrong or malformed caller gets. The digest responses are computed here as a room
 * system would (RFC 2617, qop=auth). */
#include <gio/gio.h>

#include "sip-admission.h"
#include "token.h"

static const guint8 key[DC_SIP_NONCE_KEY_BYTES] = { 7, 1, 2, 3 };
#define NOW 1800000000

typedef struct
{
  DcConfig *config;
} Fixture;

static char *
site_block (const char *id, const char *role, const char *extra)
{
  g_autofree char *hash = dc_token_hash ("secret");
  return g_strdup_printf ("[site:%s]\nname=%s\nrole=%s\ntoken-hash=%s\n%s\n", id, id, role, hash,
                          extra);
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autofree char *ha1_dinh_hoa = dc_sip_ha1_new ("dinh-hoa", "diemcau", "pass-dh");
  g_autofree char *extra_dh = g_strdup_printf ("sip-ha1=%s", ha1_dinh_hoa);
  g_autofree char *chair = site_block ("ubnd-tinh", "chair", "");
  g_autofree char *dinh_hoa = site_block ("dinh-hoa", "district", extra_dh);
  g_autofree char *vo_nhai
      = site_block ("vo-nhai", "district", "sip-allowed-addresses=10.1.2.3;2001:db8::5");
  g_autofree char *dai_tu = site_block ("dai-tu", "district", "");
  g_autofree char *text = g_strconcat ("[sip]\nenabled=true\n", chair, dinh_hoa, vo_nhai, dai_tu,
                                       NULL);
  g_autoptr (GPtrArray) problems = NULL;
  f->config = dc_config_load_data (text, strlen (text), ".", &problems);
  g_assert_nonnull (f->config);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  dc_config_free (f->config);
}

static char *
md5 (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

/* What the room system sends back after the 401. */
typedef struct
{
  char *nonce, *response;
  DcDigestResponse r;
} Answer;

static void
answer_init (Answer *a, const char *user, const char *password, const char *uri, gint64 nonce_at)
{
  a->nonce = dc_sip_nonce_new (key, nonce_at);
  g_autofree char *a1 = g_strdup_printf ("%s:diemcau:%s", user, password);
  g_autofree char *ha1 = md5 (a1);
  g_autofree char *a2 = g_strdup_printf ("INVITE:%s", uri);
  g_autofree char *ha2 = md5 (a2);
  g_autofree char *all = g_strdup_printf ("%s:%s:00000001:c0ffee:auth:%s", ha1, a->nonce, ha2);
  a->response = md5 (all);
  a->r = (DcDigestResponse){ .username = user, .realm = "diemcau", .nonce = a->nonce, .uri = uri,
                             .response = a->response, .qop = "auth", .nc = "00000001",
                             .cnonce = "c0ffee" };
}

static void
answer_clear (Answer *a)
{
  g_free (a->nonce);
  g_free (a->response);
}

static DcSipAdmission
admit (Fixture *f, const char *user, const char *source, const DcDigestResponse *auth, int *slot)
{
  DcSipCaller caller = { .request_user = user, .source_address = source, .method = "INVITE",
                         .auth = auth, .now_s = NOW };
  g_autofree char *why = NULL;
  DcSipAdmission result = dc_sip_admit (f->config, key, &caller, slot, &why);
  if (result == DC_SIP_ADMIT_OK)
    g_assert_null (why);
  else
    g_assert_cmpint (*slot, ==, -1);
  return result;
}

static void
test_site_id_with_digest (Fixture *f, gconstpointer data)
{
  int slot = 99;
  g_assert_cmpint (admit (f, "dinh-hoa", "192.0.2.9", NULL, &slot), ==, DC_SIP_ADMIT_CHALLENGE);
  Answer a;
  answer_init (&a, "dinh-hoa", "pass-dh", "sip:dinh-hoa@192.0.2.1", NOW - 10);
  g_assert_cmpint (admit (f, "dinh-hoa", "192.0.2.9", &a.r, &slot), ==, DC_SIP_ADMIT_OK);
  g_assert_cmpint (slot, ==, 1);
  answer_clear (&a);

  answer_init (&a, "dinh-hoa", "wrong", "sip:dinh-hoa@192.0.2.1", NOW - 10);
  g_assert_cmpint (admit (f, "dinh-hoa", "192.0.2.9", &a.r, &slot), ==, DC_SIP_ADMIT_FORBIDDEN);
  answer_clear (&a);

  /* Right password, a nonce from 20 minutes ago: challenged again, not refused. */
  answer_init (&a, "dinh-hoa", "pass-dh", "sip:dinh-hoa@192.0.2.1", NOW - 1200);
  g_assert_cmpint (admit (f, "dinh-hoa", "192.0.2.9", &a.r, &slot), ==, DC_SIP_ADMIT_STALE);
  answer_clear (&a);

  /* Another site's credentials for this site's number. */
  answer_init (&a, "vo-nhai", "pass-dh", "sip:dinh-hoa@192.0.2.1", NOW - 10);
  g_assert_cmpint (admit (f, "dinh-hoa", "192.0.2.9", &a.r, &slot), ==, DC_SIP_ADMIT_FORBIDDEN);
  answer_clear (&a);

  answer_init (&a, "dinh-hoa", "pass-dh", "sip:dinh-hoa@192.0.2.1", NOW - 10);
  a.r.cnonce = NULL;
  g_assert_cmpint (admit (f, "dinh-hoa", "192.0.2.9", &a.r, &slot), ==, DC_SIP_ADMIT_BAD_REQUEST);
  answer_clear (&a);
}

static void
test_conference_number (Fixture *f, gconstpointer data)
{
  int slot = 99;
  g_assert_cmpint (admit (f, "1000", "192.0.2.9", NULL, &slot), ==, DC_SIP_ADMIT_CHALLENGE);
  Answer a;
  answer_init (&a, "dinh-hoa", "pass-dh", "sip:1000@192.0.2.1", NOW - 1);
  g_assert_cmpint (admit (f, "1000", "192.0.2.9", &a.r, &slot), ==, DC_SIP_ADMIT_OK);
  g_assert_cmpint (slot, ==, 1);
  answer_clear (&a);

  answer_init (&a, "no-such-hall", "x", "sip:1000@192.0.2.1", NOW - 1);
  g_assert_cmpint (admit (f, "1000", "192.0.2.9", &a.r, &slot), ==, DC_SIP_ADMIT_FORBIDDEN);
  answer_clear (&a);

  /* A codec that cannot authenticate, known by its address, dials the number. */
  g_assert_cmpint (admit (f, "1000", "10.1.2.3", NULL, &slot), ==, DC_SIP_ADMIT_OK);
  g_assert_cmpint (slot, ==, 2);
  g_assert_cmpint (admit (f, "1000", "2001:db8:0:0::5", NULL, &slot), ==, DC_SIP_ADMIT_OK);
  g_assert_cmpint (slot, ==, 2);
}

static void
test_allowed_addresses (Fixture *f, gconstpointer data)
{
  int slot = 99;
  g_assert_cmpint (admit (f, "vo-nhai", "10.1.2.3", NULL, &slot), ==, DC_SIP_ADMIT_OK);
  g_assert_cmpint (slot, ==, 2);
  /* From a dual-stack socket the same codec shows as an IPv4-mapped address. */
  g_assert_cmpint (admit (f, "vo-nhai", "::ffff:10.1.2.3", NULL, &slot), ==, DC_SIP_ADMIT_OK);
  g_assert_cmpint (admit (f, "vo-nhai", "10.1.2.4", NULL, &slot), ==, DC_SIP_ADMIT_FORBIDDEN);
  g_assert_cmpint (admit (f, "vo-nhai", "garbage", NULL, &slot), ==, DC_SIP_ADMIT_FORBIDDEN);
}

static void
test_unknown_and_unprepared (Fixture *f, gconstpointer data)
{
  int slot = 99;
  g_assert_cmpint (admit (f, "ha-noi", "192.0.2.9", NULL, &slot), ==, DC_SIP_ADMIT_NOT_FOUND);
  g_assert_cmpint (admit (f, "", "192.0.2.9", NULL, &slot), ==, DC_SIP_ADMIT_NOT_FOUND);
  g_assert_cmpint (admit (f, NULL, "192.0.2.9", NULL, &slot), ==, DC_SIP_ADMIT_NOT_FOUND);
  /* A site with neither a SIP password nor an address list is not reachable over SIP. */
  g_assert_cmpint (admit (f, "dai-tu", "192.0.2.9", NULL, &slot), ==, DC_SIP_ADMIT_FORBIDDEN);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/sip/admission/site-id-digest", Fixture, NULL, setup, test_site_id_with_digest,
              teardown);
  g_test_add ("/sip/admission/conference-number", Fixture, NULL, setup, test_conference_number,
              teardown);
  g_test_add ("/sip/admission/allowed-addresses", Fixture, NULL, setup, test_allowed_addresses,
              teardown);
  g_test_add ("/sip/admission/unknown", Fixture, NULL, setup, test_unknown_and_unprepared,
              teardown);
  return g_test_run ();
}
