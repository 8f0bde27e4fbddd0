/* Gateway configuration: the shipped file, defaults, every validation problem, TLS files and the
 * config tool. */
#include "config-tool.h"
#include "config.h"
#include "token.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ---- */

static char *
site_block (const char *id, const char *name, const char *role)
{
  g_autofree char *hash = dc_token_hash ("secret");
  return g_strdup_printf ("[site:%s]\nname=%s\nrole=%s\ntoken-hash=%s\n", id, name, role, hash);
}

/* A valid chair and district, preceded by `head` (groups or keys of [gateway]). */
static char *
config_with (const char *head)
{
  g_autofree char *chair = site_block ("ubnd-tinh", "UBND tỉnh Thái Nguyên", "chair");
  g_autofree char *district = site_block ("dinh-hoa", "Định Hóa", "district");
  return g_strconcat (head, "\n", chair, district, NULL);
}

static DcConfig *
load (const char *data, const char *base_dir, GPtrArray **problems)
{
  return dc_config_load_data (data, strlen (data), base_dir, problems);
}

static GPtrArray *
load_problems (const char *data, const char *base_dir)
{
  GPtrArray *problems = NULL;
  g_autoptr (DcConfig) config = load (data, base_dir, &problems);

  g_assert_null (config);
  g_assert_nonnull (problems);
  g_assert_cmpuint (problems->len, >, 0);
  return problems;
}

/* Asserts one problem starts with `prefix` ("[group] key:") and contains `fragment`. */
static void
assert_problem (GPtrArray *problems, const char *prefix, const char *fragment)
{
  for (guint i = 0; i < problems->len; i++)
    {
      const char *p = g_ptr_array_index (problems, i);
      if (g_str_has_prefix (p, prefix) && strstr (p, fragment) != NULL)
        {
          /* Every sentence says what is expected. */
          g_assert_nonnull (strstr (p, "expected"));
          return;
        }
    }
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("problem: %s\n", (const char *) g_ptr_array_index (problems, i));
  g_error ("no problem starting with \"%s\" containing \"%s\"", prefix, fragment);
}

static void
expect_problem (const char *head, const char *prefix, const char *fragment)
{
  g_autofree char *data = config_with (head);
  g_autoptr (GPtrArray) problems = load_problems (data, NULL);

  assert_problem (problems, prefix, fragment);
}

/* A room system's address: accepted forms, each refusal with its reason. */
static void
test_sip_uri (void)
{
  static const char *const good[] = { "sip:dinh-hoa@10.30.1.20", "sip:10.30.1.20:5060",
                                      "sip:1000@[2001:db8::5]:5062;transport=tcp",
                                      "sip:codec@hall.example.vn" };
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *hall = site_block ("phu-luong", "Phú Lương", "district");
      g_autofree char *head = g_strdup_printf ("[sip]\nenabled=true\nredial-attempts=3\n%s"
                                               "sip-uri=%s\n", hall, good[i]);
      g_autofree char *data = config_with (head);
      g_autoptr (DcConfig) c = load (data, NULL, NULL);
      g_assert_nonnull (c);
      g_assert_cmpuint (c->sip_redial_attempts, ==, 3);
      g_assert_cmpstr (dc_config_find_site (c, "phu-luong")->sip_uri, ==, good[i]);
      g_assert_null (dc_config_find_site (c, "dinh-hoa")->sip_uri);
    }
  static const struct
  {
    const char *uri, *why;
  } bad[] = {
    { "dinh-hoa@10.30.1.20", "does not start with \"sip:\"" },
    { "sip:dinh-hoa@", "has no host" },
    { "sip:x@10.0.0.1:0", "port that is not 1..65535" },
    { "sip:x@10.0.0.1:70000", "port that is not 1..65535" },
    { "sip:x@[2001:db8::5", "has no host" },
    { "sip:<x@10.0.0.1>", "angle bracket" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *head = g_strdup_printf ("[site:tp-thai-nguyen]\nsip-uri=%s\n", bad[i].uri);
      expect_problem (head, "[site:tp-thai-nguyen] sip-uri:", bad[i].why);
    }
  expect_problem ("[sip]\nredial-attempts=11\n", "[sip] redial-attempts:", "out of range");
}

static char *
default_config_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "..", "..", "config", "diemcau.conf", NULL);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* ---- the shipped file and defaults ---- */

static void
test_default_file_valid (void)
{
  g_autofree char *path = default_config_path ();
  g_autoptr (GPtrArray) problems = NULL;
  g_autoptr (DcConfig) config = dc_config_load_file (path, &problems);
  const DcSiteConfig *site;

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    g_printerr ("problem: %s\n", (const char *) g_ptr_array_index (problems, i));
  g_assert_nonnull (config);
  g_assert_null (problems);
  g_assert_cmpstr (config->source_path, ==, path);
  g_assert_cmpuint (config->sites->len, ==, 10);
  g_assert_cmpstr (dc_config_chair (config)->id, ==, "ubnd-tinh");
  g_assert_cmpstr (dc_config_chair (config)->name, ==, "UBND tỉnh Thái Nguyên");
  g_assert_cmpstr (config->listen_address, ==, "127.0.0.1");
  g_assert_cmpuint (config->port, ==, 8443);
  g_assert_null (config->ice_addresses);

  site = dc_config_find_site (config, "dinh-hoa");
  g_assert_nonnull (site);
  g_assert_cmpstr (site->name, ==, "Định Hóa");
  g_assert_cmpint (site->role, ==, DC_ROLE_DISTRICT);
  g_assert_true (dc_token_hash_is_wellformed (site->token_hash));
  g_assert_cmpstr (dc_config_find_site (config, "tx-pho-yen")->name, ==, "TX Phổ Yên");
  g_assert_cmpstr (dc_config_find_site (config, "dong-hy")->name, ==, "Đồng Hỷ");
  g_assert_cmpint (dc_config_site_index (config, "ubnd-tinh"), ==, 0);
  g_assert_cmpint (dc_config_site_index (config, "phu-binh"), ==, 9);
  g_assert_cmpint (dc_config_site_index (config, "ha-noi"), ==, -1);
  g_assert_null (dc_config_find_site (config, "ha-noi"));
}

static void
test_defaults (void)
{
  g_autofree char *data = config_with ("");
  g_autoptr (GPtrArray) problems = NULL;
  g_autoptr (DcConfig) c = load (data, NULL, &problems);

  g_assert_nonnull (c);
  g_assert_null (problems);
  g_assert_cmpstr (c->listen_address, ==, "127.0.0.1");
  g_assert_cmpuint (c->port, ==, 8443);
  g_assert_null (c->ice_addresses);
  g_assert_cmpuint (c->ice_port_min, ==, 20000);
  g_assert_cmpuint (c->ice_port_max, ==, 20999);
  g_assert_null (c->stun_server);
  g_assert_null (c->turn_servers);
  g_assert_null (c->tls_certificate);
  g_assert_null (c->tls_key);
  g_assert_false (c->allow_insecure_public);
  g_assert_false (c->sip_enabled);
  g_assert_cmpstr (c->sip_listen_address, ==, "127.0.0.1");
  g_assert_cmpuint (c->sip_port, ==, 5060);
  g_assert_cmpstr (c->sip_conference_number, ==, "1000");
  g_assert_cmpstr (c->sip_realm, ==, "diemcau");
  g_assert_cmpuint (c->width, ==, 1280);
  g_assert_cmpuint (c->height, ==, 720);
  g_assert_cmpuint (c->framerate, ==, 25);
  g_assert_cmpuint (c->bitrate_kbps, ==, 2000);
  g_assert_cmpstr (c->codec, ==, "vp8");
  g_assert_cmpuint (c->audio_bitrate_kbps, ==, 64);
  g_assert_null (c->source_path);
  g_assert_cmpstr (dc_role_to_string (dc_config_chair (c)->role), ==, "chair");
}

static void
test_values_read (void)
{
  g_autofree char *data = config_with (
      "[gateway]\nlisten-address=::1 \nport=9443\nice-addresses=127.0.0.1; ::1\n"
      "ice-port-min=30000\nice-port-max=30100\nstun-server=stun://127.0.0.1:3478\n"
      "turn-servers=turn://u:p@127.0.0.1:3478;turns://u:p@127.0.0.1:5349\n"
      "[sip]\nenabled=true\nlisten-address=127.0.0.2\nport=5070\nconference-number=2000\n"
      "rtp-port-min=31000\nrtp-port-max=31100\n"
      "[video]\nwidth=1920\nheight=1080\nframerate=30\nbitrate-kbps=4000\ncodec=h264\n"
      "[audio]\nbitrate-kbps=64\n");
  g_autoptr (DcConfig) c = load (data, NULL, NULL);

  g_assert_nonnull (c);
  g_assert_cmpstr (c->listen_address, ==, "::1");
  g_assert_cmpuint (c->port, ==, 9443);
  g_assert_cmpuint (g_strv_length (c->ice_addresses), ==, 2);
  g_assert_cmpstr (c->ice_addresses[1], ==, "::1");
  g_assert_cmpuint (c->ice_port_min, ==, 30000);
  g_assert_cmpuint (c->ice_port_max, ==, 30100);
  g_assert_cmpstr (c->stun_server, ==, "stun://127.0.0.1:3478");
  g_assert_cmpstr (c->turn_servers[1], ==, "turns://u:p@127.0.0.1:5349");
  g_assert_true (c->sip_enabled);
  g_assert_cmpstr (c->sip_listen_address, ==, "127.0.0.2");
  g_assert_cmpuint (c->sip_port, ==, 5070);
  g_assert_cmpstr (c->sip_conference_number, ==, "2000");
  g_assert_cmpuint (c->sip_rtp_port_min, ==, 31000);
  g_assert_cmpuint (c->width, ==, 1920);
  g_assert_cmpuint (c->height, ==, 1080);
  g_assert_cmpuint (c->framerate, ==, 30);
  g_assert_cmpuint (c->bitrate_kbps, ==, 4000);
  g_assert_cmpstr (c->codec, ==, "h264");
  g_assert_cmpuint (c->audio_bitrate_kbps, ==, 64);
}

static void
test_loopback (void)
{
  const char *yes[] = { "127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "localhost",
                        "LocalHost" };
  const char *no[] = { "0.0.0.0", "::", "192.0.2.10", "128.0.0.1", "2001:db8::1", "example",
                       "" };

  for (gsize i = 0; i < G_N_ELEMENTS (yes); i++)
    g_assert_true (dc_config_is_loopback_address (yes[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (no); i++)
    g_assert_false (dc_config_is_loopback_address (no[i]));
  g_assert_false (dc_config_is_loopback_address (NULL));
}

/* ---- one test per problem ---- */

static void
test_syntax_error (void)
{
  g_autoptr (GPtrArray) problems = load_problems ("this is not a key file\n", NULL);
  assert_problem (problems, "[file]:", "GKeyFile syntax");
}

static void
test_unknown_group (void)
{
  expect_problem ("[gatway]\nport=8443\n", "[gatway]:", "unknown group");
}

static void
test_unknown_key (void)
{
  expect_problem ("[video]\ndepth=8\n", "[video] depth:", "unknown key; expected one of: width");
  expect_problem ("[gateway]\nprot=8443\n", "[gateway] prot:", "unknown key");
  expect_problem ("[site:vo-nhai]\nname[vi]=Võ Nhai\n", "[site:vo-nhai] name[vi]:", "unknown key");
}

static void
test_wrong_type (void)
{
  expect_problem ("[gateway]\nport=https\n", "[gateway] port:", "not a whole number");
  expect_problem ("[gateway]\nport=-1\n", "[gateway] port:", "not a whole number");
  expect_problem ("[gateway]\nport=70000\n", "[gateway] port:", "out of range");
  expect_problem ("[gateway]\nallow-insecure-public=maybe\n", "[gateway] allow-insecure-public:",
                  "true or false");
  expect_problem ("[audio]\nbitrate-kbps=1000\n", "[audio] bitrate-kbps:", "from 6 to 510");
  expect_problem ("[video]\nbitrate-kbps=10\n", "[video] bitrate-kbps:", "out of range");
  expect_problem ("[gateway]\nlisten-address=gateway.local\n", "[gateway] listen-address:",
                  "not an IP address");
  expect_problem ("[gateway]\nice-addresses=127.0.0.1;eth0\n", "[gateway] ice-addresses:",
                  "\"eth0\" is not an IP address");
  expect_problem ("[gateway]\nstun-server=127.0.0.1:3478\n", "[gateway] stun-server:",
                  "stun://");
  expect_problem ("[gateway]\nturn-servers=turn://127.0.0.1:3478\n", "[gateway] turn-servers:",
                  "credentials");
  /* A key that does nothing yet is refused like any unknown key. */
  expect_problem ("[gateway]\nrecordings-dir=recordings\n", "[gateway] recordings-dir:",
                  "unknown key");
  expect_problem ("[sip]\nconference-number=10 00\n", "[sip] conference-number:",
                  "other than letters");
  expect_problem ("[sip]\nrtp-port-min=32000\nrtp-port-max=31000\n", "[sip] rtp-port-min:",
                  "above rtp-port-max");
}

static void
test_duplicate_site (void)
{
  g_autofree char *again = site_block ("dinh-hoa", "Định Hóa 2", "district");
  expect_problem (again, "[site:dinh-hoa]:", "duplicate site id \"dinh-hoa\"");
  expect_problem ("[video]\nwidth=640\n[video]\nheight=360\n", "[video]:", "appears twice");
}

static void
test_no_chair (void)
{
  g_autofree char *a = site_block ("dinh-hoa", "Định Hóa", "district");
  g_autofree char *b = site_block ("dai-tu", "Đại Từ", "observer");
  g_autofree char *data = g_strconcat (a, b, NULL);
  g_autoptr (GPtrArray) problems = load_problems (data, NULL);

  assert_problem (problems, "[site:*] role:", "no site has role=chair");
}

static void
test_two_chairs (void)
{
  g_autofree char *second = site_block ("dai-tu", "Đại Từ", "chair");
  /* The second chair in file order is the one reported. */
  expect_problem (second, "[site:ubnd-tinh] role:", "second chair (the first is [site:dai-tu])");
}

static void
test_port_range (void)
{
  expect_problem ("[gateway]\nice-port-min=21000\nice-port-max=20000\n", "[gateway] ice-port-min:",
                  "above ice-port-max");
  expect_problem ("[gateway]\nice-port-min=80\n", "[gateway] ice-port-min:",
                  "from 1024 to 65535");
  expect_problem ("[gateway]\nice-port-max=65536\n", "[gateway] ice-port-max:", "out of range");
  /* Two sites need four ports. */
  expect_problem ("[gateway]\nice-port-min=20000\nice-port-max=20002\n", "[gateway] ice-port-max:",
                  "holds 3 ports but 2 sites need 4");
}

static void
test_bad_site_id (void)
{
  g_autofree char *bad = site_block ("Dinh_Hoa", "Định Hóa", "district");
  expect_problem (bad, "[site:Dinh_Hoa]:", "site id \"Dinh_Hoa\" is not valid");
  expect_problem ("[site:]\nname=x\nrole=observer\n", "[site:]:", "is not valid");
}

static void
test_missing_site_keys (void)
{
  g_autofree char *data = config_with ("[site:vo-nhai]\n");
  g_autoptr (GPtrArray) problems = load_problems (data, NULL);

  assert_problem (problems, "[site:vo-nhai] name:", "missing");
  assert_problem (problems, "[site:vo-nhai] role:", "missing; expected one of chair|");
  assert_problem (problems, "[site:vo-nhai] token-hash:", "missing");
  expect_problem ("[site:vo-nhai]\nname=\nrole=district\ntoken-hash=sha256:x:y\n",
                  "[site:vo-nhai] name:", "empty");
  expect_problem ("[site:vo-nhai]\nname=Võ Nhai\nrole=guest\n", "[site:vo-nhai] role:",
                  "\"guest\" is not known");
}

static void
test_token_in_clear (void)
{
  g_autofree char *token = dc_token_generate ();
  g_autofree char *clear = g_strdup_printf ("[site:phu-luong]\nname=Phú Lương\nrole=district\n"
                                            "token-hash=%s\n",
                                            token);
  g_autofree char *data = config_with (clear);
  g_autoptr (GPtrArray) problems = load_problems (data, NULL);
  const char *expected = "[site:phu-luong] token-hash: looks like a token stored in clear; "
                         "expected \"sha256:SALT:DIGEST\" (make one with scripts/make-token.sh)";
  gboolean found = FALSE;

  for (guint i = 0; i < problems->len; i++)
    found |= g_strcmp0 (g_ptr_array_index (problems, i), expected) == 0;
  g_assert_true (found);
  expect_problem ("[site:phu-luong]\nname=Phú Lương\nrole=district\ntoken-hash=sha256:abc:def\n",
                  "[site:phu-luong] token-hash:", "not a well-formed hash");
}

static void
test_video (void)
{
  expect_problem ("[video]\nwidth=1279\n", "[video] width:", "even number from 320");
  expect_problem ("[video]\nwidth=160\n", "[video] width:", "out of range");
  expect_problem ("[video]\nheight=721\n", "[video] height:", "even number from 180");
  expect_problem ("[video]\nheight=120\n", "[video] height:", "out of range");
  expect_problem ("[video]\nframerate=0\n", "[video] framerate:", "from 1 to 60");
  expect_problem ("[video]\nframerate=61\n", "[video] framerate:", "from 1 to 60");
  expect_problem ("[video]\ncodec=av1\n", "[video] codec:", "\"av1\" is not known; expected one "
                                                            "of vp8|h264");
}

static void
test_public_listen_needs_tls (void)
{
  g_autofree char *insecure = config_with ("[gateway]\nlisten-address=0.0.0.0\n"
                                           "allow-insecure-public=true\n");
  g_autoptr (DcConfig) c = load (insecure, NULL, NULL);

  expect_problem ("[gateway]\nlisten-address=0.0.0.0\n", "[gateway] listen-address:",
                  "no TLS is configured");
  g_assert_nonnull (c);
  g_assert_true (c->allow_insecure_public);
}

static void
test_every_problem_reported (void)
{
  g_autofree char *data = config_with ("[gateway]\nport=0\nbogus=1\n[video]\nframerate=99\n"
                                       "codec=theora\n[extra]\n");
  g_autoptr (GPtrArray) problems = load_problems (data, NULL);

  g_assert_cmpuint (problems->len, ==, 5);
  assert_problem (problems, "[gateway] port:", "out of range");
  assert_problem (problems, "[gateway] bogus:", "unknown key");
  assert_problem (problems, "[video] framerate:", "out of range");
  assert_problem (problems, "[video] codec:", "not known");
  assert_problem (problems, "[extra]:", "unknown group");
}

/* ---- TLS files ---- */

static void
make_certificate (const char *dir)
{
  g_autofree char *key = g_build_filename (dir, "gateway.key", NULL);
  g_autofree char *crt = g_build_filename (dir, "gateway.crt", NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                         "/CN=localhost", "-keyout", key, "-out", crt, NULL };
  g_autoptr (GError) error = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                                   | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_tls_loads (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dc-config-XXXXXX", NULL);
  g_autofree char *data = config_with ("[gateway]\nlisten-address=0.0.0.0\n"
                                       "tls-certificate=gateway.crt\ntls-key=gateway.key\n");
  g_autofree char *crt = NULL;
  g_autoptr (GPtrArray) problems = NULL;
  DcConfig *c;

  make_certificate (dir);
  crt = g_build_filename (dir, "gateway.crt", NULL);
  /* Relative paths are taken from base_dir and stored resolved. */
  c = load (data, dir, &problems);
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    g_printerr ("problem: %s\n", (const char *) g_ptr_array_index (problems, i));
  g_assert_nonnull (c);
  g_assert_cmpstr (c->tls_certificate, ==, crt);
  g_assert_true (g_str_has_suffix (c->tls_key, "/gateway.key"));
  dc_config_free (c);
  remove_tree (dir);
}

static void
test_tls_problems (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dc-config-XXXXXX", NULL);
  g_autofree char *junk = g_build_filename (dir, "junk.pem", NULL);
  g_autofree char *missing = config_with ("[gateway]\ntls-certificate=nowhere.crt\n"
                                          "tls-key=gateway.key\n");
  g_autofree char *bad = config_with ("[gateway]\ntls-certificate=junk.pem\ntls-key=junk.pem\n");
  g_autoptr (GPtrArray) p1 = NULL;
  g_autoptr (GPtrArray) p2 = NULL;

  expect_problem ("[gateway]\ntls-certificate=gateway.crt\n", "[gateway] tls-certificate:",
                  "set without tls-key");
  expect_problem ("[gateway]\ntls-key=gateway.key\n", "[gateway] tls-key:",
                  "set without tls-certificate");

  make_certificate (dir);
  p1 = load_problems (missing, dir);
  g_assert_cmpuint (p1->len, ==, 1);
  assert_problem (p1, "[gateway] tls-certificate:", "cannot read");
  assert_problem (p1, "[gateway] tls-certificate:", "nowhere.crt\" (No such file or directory)");

  g_assert_true (g_file_set_contents (junk, "not a certificate\n", -1, NULL));
  p2 = load_problems (bad, dir);
  assert_problem (p2, "[gateway] tls-certificate:", "does not load");
  remove_tree (dir);
}

/* ---- config tool ---- */

static char *
copy_default_config (const char *dir)
{
  g_autofree char *src = default_config_path ();
  g_autofree char *data = NULL;
  char *dst = g_build_filename (dir, "diemcau.conf", NULL);
  gsize len;

  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  g_assert_true (g_file_set_contents (dst, data, (gssize) len, NULL));
  return dst;
}

static void
assert_only_site_changed (const char *before, const char *after, const char *site)
{
  g_auto (GStrv) a = g_strsplit (before, "\n", -1);
  g_auto (GStrv) b = g_strsplit (after, "\n", -1);
  g_autofree char *header = g_strdup_printf ("[site:%s]", site);
  gboolean in_site = FALSE;
  guint changed = 0;

  g_assert_cmpuint (g_strv_length (a), ==, g_strv_length (b));
  for (guint i = 0; a[i] != NULL; i++)
    {
      if (a[i][0] == '[')
        in_site = strcmp (a[i], header) == 0;
      if (strcmp (a[i], b[i]) == 0)
        continue;
      g_assert_true (in_site);
      g_assert_true (g_str_has_prefix (b[i], "token-hash=sha256:"));
      changed++;
    }
  g_assert_cmpuint (changed, ==, 1);
}

typedef struct
{
  const char *conf;
  const char *site;
  const char *token_file;
} ToolArgs;

static int
call_new_token (const ToolArgs *a)
{
  return dc_config_tool_new_token (a->conf, a->site, a->token_file);
}

static int
call_check (const ToolArgs *a)
{
  return dc_config_tool_check (a->conf);
}

/* Runs a tool entry point with stdout sent to a file; returns what it printed. */
static char *
capture_stdout (int (*fn) (const ToolArgs *), const ToolArgs *args, int *rc)
{
  g_autofree char *out_path = g_strconcat (args->conf, ".out", NULL);
  char *out = NULL;
  int saved, fd;

  fflush (stdout);
  saved = dup (STDOUT_FILENO);
  fd = g_open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  dup2 (fd, STDOUT_FILENO);
  close (fd);
  *rc = fn (args);
  fflush (stdout);
  dup2 (saved, STDOUT_FILENO);
  close (saved);
  g_assert_true (g_file_get_contents (out_path, &out, NULL, NULL));
  g_remove (out_path);
  return out;
}

static void
test_tool_new_token_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dc-config-XXXXXX", NULL);
  g_autofree char *conf = copy_default_config (dir);
  g_autofree char *token_path = g_build_filename (dir, "dinh-hoa.token", NULL);
  g_autofree char *before = NULL, *after = NULL, *token = NULL;
  g_autoptr (DcConfig) c = NULL;
  struct stat st;

  ToolArgs args = { conf, "dinh-hoa", token_path };
  g_autofree char *printed = NULL;
  int rc = -1;

  g_assert_true (g_file_get_contents (conf, &before, NULL, NULL));
  printed = capture_stdout (call_new_token, &args, &rc);
  g_assert_cmpint (rc, ==, 0);
  /* Only the path is printed: the token stays off the terminal. */
  g_assert_true (g_str_has_prefix (printed, token_path));

  g_assert_cmpint (g_stat (token_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (token_path, &token, NULL, NULL));
  g_strchomp (token);
  g_assert_cmpuint (strlen (token), ==, 64);

  g_assert_true (g_file_get_contents (conf, &after, NULL, NULL));
  g_assert_nonnull (strstr (after, "# One group per hall"));
  g_assert_nonnull (strstr (after, "#ice-addresses=127.0.0.1"));
  assert_only_site_changed (before, after, "dinh-hoa");

  c = dc_config_load_file (conf, NULL);
  g_assert_nonnull (c);
  g_assert_true (dc_token_verify (dc_config_find_site (c, "dinh-hoa")->token_hash, token));
  g_assert_false (dc_token_verify (dc_config_find_site (c, "dai-tu")->token_hash, token));
  remove_tree (dir);
}

static void
test_tool_new_token_stdout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dc-config-XXXXXX", NULL);
  g_autofree char *conf = copy_default_config (dir);
  g_autofree char *printed = NULL;
  g_autoptr (DcConfig) c = NULL;
  struct stat st;
  int rc = -1;

  ToolArgs args = { conf, "ubnd-tinh", NULL };

  g_assert_cmpint (g_chmod (conf, 0640), ==, 0);
  printed = capture_stdout (call_new_token, &args, &rc);
  g_assert_cmpint (rc, ==, 0);
  g_strchomp (printed);
  g_assert_cmpuint (strlen (printed), ==, 64);

  c = dc_config_load_file (conf, NULL);
  g_assert_nonnull (c);
  g_assert_true (dc_token_verify (dc_config_chair (c)->token_hash, printed));
  /* The atomic rewrite keeps the file's permissions. */
  g_assert_cmpint (g_stat (conf, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  remove_tree (dir);
}

static void
test_tool_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dc-config-XXXXXX", NULL);
  g_autofree char *conf = copy_default_config (dir);
  g_autofree char *absent = g_build_filename (dir, "absent.conf", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.conf", NULL);
  g_autofree char *before = NULL, *after = NULL;

  g_assert_true (g_file_get_contents (conf, &before, NULL, NULL));
  g_assert_cmpint (dc_config_tool_new_token (conf, "ha-noi", NULL), ==, 1);
  g_assert_cmpint (dc_config_tool_new_token (absent, "dai-tu", NULL), ==, 1);
  g_assert_true (g_file_get_contents (conf, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);

  ToolArgs check_args = { conf, NULL, NULL };
  g_autofree char *printed = NULL;
  g_autofree char *expected = g_strdup_printf ("%s: OK (10 sites, chair: UBND tỉnh Thái Nguyên)\n",
                                               conf);
  int rc = -1;

  printed = capture_stdout (call_check, &check_args, &rc);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpstr (printed, ==, expected);
  g_assert_cmpint (dc_config_tool_check (absent), ==, 1);
  g_assert_true (g_file_set_contents (bad, "[gateway]\nport=0\n", -1, NULL));
  g_assert_cmpint (dc_config_tool_check (bad), ==, 1);
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/default-file-valid", test_default_file_valid);
  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/values-read", test_values_read);
  g_test_add_func ("/config/loopback", test_loopback);
  g_test_add_func ("/config/problem/syntax", test_syntax_error);
  g_test_add_func ("/config/problem/unknown-group", test_unknown_group);
  g_test_add_func ("/config/problem/unknown-key", test_unknown_key);
  g_test_add_func ("/config/problem/wrong-type", test_wrong_type);
  g_test_add_func ("/config/problem/duplicate-site", test_duplicate_site);
  g_test_add_func ("/config/problem/no-chair", test_no_chair);
  g_test_add_func ("/config/problem/two-chairs", test_two_chairs);
  g_test_add_func ("/config/problem/port-range", test_port_range);
  g_test_add_func ("/config/problem/bad-site-id", test_bad_site_id);
  g_test_add_func ("/config/problem/missing-site-keys", test_missing_site_keys);
  g_test_add_func ("/config/problem/token-in-clear", test_token_in_clear);
  g_test_add_func ("/config/problem/video", test_video);
  g_test_add_func ("/config/problem/public-listen-needs-tls", test_public_listen_needs_tls);
  g_test_add_func ("/config/problem/every-problem-reported", test_every_problem_reported);
  g_test_add_func ("/config/tls/loads", test_tls_loads);
  g_test_add_func ("/config/tls/problems", test_tls_problems);
  g_test_add_func ("/config/tool/new-token-file", test_tool_new_token_file);
  g_test_add_func ("/config/tool/new-token-stdout", test_tool_new_token_stdout);
  g_test_add_func ("/config/tool/errors", test_tool_errors);
  g_test_add_func ("/config/sip-uri", test_sip_uri);
  return g_test_run ();
}
