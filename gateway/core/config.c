/* Gateway configuration: a GKeyFile checked against a table of known groups and keys.
 *
 * Every problem is collected (not only the first) as a sentence naming the group, the key, what is
 * wrong and what is expected, so an operator can fix the whole file in one pass. */
#include "config.h"

#include "config-values.h"
#include "token.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SITE_PREFIX "site:"
#define MIN_ICE_PORTS_PER_SITE 2

typedef enum
{
  KT_STRING,
  KT_STRING_LIST,
  KT_UINT,
  KT_BOOL,
  KT_CHOICE,
} KeyType;

typedef enum
{
  KF_NONE = 0,
  KF_REQUIRED = 1 << 0,
  KF_EMPTY_IS_UNSET = 1 << 1, /* "key=" leaves the default (NULL) in place */
  KF_EVEN = 1 << 2,
  KF_CHOICE_INDEX = 1 << 3, /* store the index of the choice (an enum) instead of the string */
} KeyFlags;

/* Extra check of one string value (or one list element): NULL when fine, else what is wrong. */
typedef char *(*ValueCheck) (const char *value);

typedef struct
{
  const char *key;
  KeyType type;
  KeyFlags flags;
  guint min, max;             /* KT_UINT */
  const char *const *choices; /* KT_CHOICE, NULL-terminated */
  ValueCheck check;           /* KT_STRING, KT_STRING_LIST */
  const char *expected;       /* for strings: what a good value looks like */
  gsize offset;               /* into DcConfig, or into DcSiteConfig for site keys */
} KeySpec;

typedef struct
{
  const char *name; /* "site" stands for every [site:ID] */
  const KeySpec *keys;
} GroupSpec;

G_STATIC_ASSERT (sizeof (DcRole) == sizeof (int));

static const char *const role_names[] = { "chair", "operator", "district", "observer", NULL };
/* The codec WebRTC sites get where they list it (room systems get theirs from the SDP). */
static const char *const codec_names[] = { "vp8", "h264", NULL };


#define CFG(member) offsetof (DcConfig, member)
#define SITE(member) offsetof (DcSiteConfig, member)

static const KeySpec gateway_keys[] = {
  { "listen-address", KT_STRING, KF_NONE, 0, 0, NULL, dc_config_check_ip_or_localhost,
    "an IP address or \"localhost\"", CFG (listen_address) },
  { "port", KT_UINT, KF_NONE, 1, 65535, NULL, NULL, NULL, CFG (port) },
  { "ice-addresses", KT_STRING_LIST, KF_NONE, 0, 0, NULL, dc_config_check_ip,
    "a list of local IP addresses separated by ';'", CFG (ice_addresses) },
  { "ice-port-min", KT_UINT, KF_NONE, 1024, 65535, NULL, NULL, NULL, CFG (ice_port_min) },
  { "ice-port-max", KT_UINT, KF_NONE, 1024, 65535, NULL, NULL, NULL, CFG (ice_port_max) },
  { "stun-server", KT_STRING, KF_EMPTY_IS_UNSET, 0, 0, NULL, dc_config_check_stun,
    "\"stun://host:port\"", CFG (stun_server) },
  { "turn-servers", KT_STRING_LIST, KF_NONE, 0, 0, NULL, dc_config_check_turn,
    "a list of \"turn://user:pass@host:port\" or \"turns://...\" separated by ';'",
    CFG (turn_servers) },
  { "tls-certificate", KT_STRING, KF_EMPTY_IS_UNSET, 0, 0, NULL, NULL, "the path of a PEM file",
    CFG (tls_certificate) },
  { "tls-key", KT_STRING, KF_EMPTY_IS_UNSET, 0, 0, NULL, NULL, "the path of a PEM file",
    CFG (tls_key) },
  { "allow-insecure-public", KT_BOOL, KF_NONE, 0, 0, NULL, NULL, NULL,
    CFG (allow_insecure_public) },
  { NULL },
};

static const KeySpec video_keys[] = {
  { "width", KT_UINT, KF_EVEN, 320, 3840, NULL, NULL, NULL, CFG (width) },
  { "height", KT_UINT, KF_EVEN, 180, 2160, NULL, NULL, NULL, CFG (height) },
  { "framerate", KT_UINT, KF_NONE, 1, 60, NULL, NULL, NULL, CFG (framerate) },
  { "bitrate-kbps", KT_UINT, KF_NONE, 100, 20000, NULL, NULL, NULL, CFG (bitrate_kbps) },
  { "codec", KT_CHOICE, KF_NONE, 0, 0, codec_names, NULL, NULL, CFG (codec) },
  { "tiers", KT_STRING_LIST, KF_NONE, 0, 0, NULL, dc_config_check_video_tier,
    "a list of WIDTHxHEIGHT@KBPS separated by ';'", CFG (video_tiers) },
  { NULL },
};

static const KeySpec audio_keys[] = {
  /* Opus accepts 6 to 510 kbit/s. */
  { "bitrate-kbps", KT_UINT, KF_NONE, 6, 510, NULL, NULL, NULL, CFG (audio_bitrate_kbps) },
  { NULL },
};

static const char *const expiry_names[] = { "mute", "signal", NULL };

static const KeySpec meeting_keys[] = {
  { "floor-expiry", KT_CHOICE, KF_CHOICE_INDEX, 0, 0, expiry_names, NULL,
    "one of mute|signal", CFG (floor_expiry) },
  { "attendance-dir", KT_STRING, KF_NONE, 0, 0, NULL, NULL, "a directory path",
    CFG (attendance_dir) },
  { NULL },
};

static const KeySpec recording_keys[] = {
  { "directory", KT_STRING, KF_NONE, 0, 0, NULL, NULL, "a directory path",
    CFG (recording_dir) },
  { "auto-start", KT_BOOL, KF_NONE, 0, 0, NULL, NULL, NULL, CFG (recording_auto_start) },
  { NULL },
};

static const KeySpec sip_keys[] = {
  { "enabled", KT_BOOL, KF_NONE, 0, 0, NULL, NULL, NULL, CFG (sip_enabled) },
  { "listen-address", KT_STRING, KF_EMPTY_IS_UNSET, 0, 0, NULL, dc_config_check_ip,
    "an IP address (unset: the [gateway] listen-address)", CFG (sip_listen_address) },
  { "port", KT_UINT, KF_NONE, 1, 65535, NULL, NULL, NULL, CFG (sip_port) },
  { "conference-number", KT_STRING, KF_NONE, 0, 0, NULL, dc_config_check_sip_user,
    "digits or letters a room system dials, e.g. 1000", CFG (sip_conference_number) },
  { "realm", KT_STRING, KF_NONE, 0, 0, NULL, dc_config_check_sip_user,
    "a word such as diemcau (the site's sip-ha1 depends on it)", CFG (sip_realm) },
  { "rtp-port-min", KT_UINT, KF_NONE, 1024, 65535, NULL, NULL, NULL, CFG (sip_rtp_port_min) },
  { "rtp-port-max", KT_UINT, KF_NONE, 1024, 65535, NULL, NULL, NULL, CFG (sip_rtp_port_max) },
  { "max-calls", KT_UINT, KF_NONE, 1, 256, NULL, NULL, NULL, CFG (sip_max_calls) },
  { "redial-attempts", KT_UINT, KF_NONE, 0, 10, NULL, NULL, NULL, CFG (sip_redial_attempts) },
  { NULL },
};

static const KeySpec site_keys[] = {
  { "name", KT_STRING, KF_REQUIRED, 0, 0, NULL, NULL, "the hall's display name",
    SITE (name) },
  { "role", KT_CHOICE, KF_REQUIRED | KF_CHOICE_INDEX, 0, 0, role_names, NULL,
    "one of chair|operator|district|observer", SITE (role) },
  { "token-hash", KT_STRING, KF_REQUIRED, 0, 0, NULL, dc_config_check_token_hash,
    "\"sha256:SALT:DIGEST\" (make one with scripts/make-token.sh)", SITE (token_hash) },
  { "sip-ha1", KT_STRING, KF_EMPTY_IS_UNSET, 0, 0, NULL, dc_config_check_sip_ha1,
    "\"md5:HEX\" (make one with diemcau-gateway --new-sip-password SITE)", SITE (sip_ha1) },
  { "sip-allowed-addresses", KT_STRING_LIST, KF_NONE, 0, 0, NULL, dc_config_check_ip,
    "a list of IP addresses separated by ';'", SITE (sip_allowed_addresses) },
  { "sip-uri", KT_STRING, KF_EMPTY_IS_UNSET, 0, 0, NULL, dc_config_check_sip_uri,
    "a SIP URI such as sip:dinh-hoa@10.30.1.20 or sip:10.30.1.20:5060", SITE (sip_uri) },
  { NULL },
};

static const GroupSpec groups[] = {
  { "gateway", gateway_keys },
  { "video", video_keys },
  { "audio", audio_keys },
  { "meeting", meeting_keys },
  { "sip", sip_keys },
  { "recording", recording_keys },
  { "site", site_keys },
};

/* Holds what one load needs to report problems. */
typedef struct
{
  GPtrArray *problems;
  char *base_dir;
} Loader;

G_GNUC_PRINTF (4, 5)
static void
add_problem (Loader *l, const char *group, const char *key, const char *fmt, ...)
{
  va_list args;
  g_autofree char *what = NULL;

  va_start (args, fmt);
  what = g_strdup_vprintf (fmt, args);
  va_end (args);
  if (key != NULL)
    g_ptr_array_add (l->problems, g_strdup_printf ("[%s] %s: %s", group, key, what));
  else
    g_ptr_array_add (l->problems, g_strdup_printf ("[%s]: %s", group, what));
}

const char *
dc_role_to_string (DcRole role)
{
  if ((guint) role < G_N_ELEMENTS (role_names) - 1)
    return role_names[role];
  return "unknown";
}

gboolean
dc_config_is_loopback_address (const char *address)
{
  g_autoptr (GInetAddress) inet = NULL;

  if (address == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (address, "localhost") == 0)
    return TRUE;
  inet = g_inet_address_new_from_string (address);
  /* GLib treats all of 127.0.0.0/8 and ::1 as loopback. */
  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

static gboolean
site_id_is_valid (const char *id)
{
  if (*id == '\0')
    return FALSE;
  for (const char *c = id; *c; c++)
    if (!(g_ascii_islower (*c) || g_ascii_isdigit (*c) || *c == '-'))
      return FALSE;
  return TRUE;
}

static const GroupSpec *
find_group_spec (const char *name)
{
  const char *spec_name = g_str_has_prefix (name, SITE_PREFIX) ? "site" : name;

  for (gsize i = 0; i < G_N_ELEMENTS (groups); i++)
    if (strcmp (groups[i].name, spec_name) == 0)
      return &groups[i];
  return NULL;
}

static const KeySpec *
find_key_spec (const GroupSpec *group, const char *key)
{
  for (const KeySpec *k = group->keys; k->key != NULL; k++)
    if (strcmp (k->key, key) == 0)
      return k;
  return NULL;
}

static char *
known_keys_text (const GroupSpec *group)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (const KeySpec *k = group->keys; k->key != NULL; k++)
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", k->key);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
choices_text (const char *const *choices)
{
  g_autofree char *joined = g_strjoinv ("|", (char **) choices);
  return g_strdup_printf ("one of %s", joined);
}

/* GKeyFile merges repeated groups silently, so repeats are found in the raw text. */
static void
find_duplicate_groups (Loader *l, const char *data, gsize length)
{
  g_autofree char *text = g_strndup (data, length);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GHashTable) first_line = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      gsize len = strlen (line);
      gpointer seen;

      if (len < 2 || line[0] != '[' || line[len - 1] != ']')
        continue;
      line[len - 1] = '\0';
      line++;
      if (!g_hash_table_lookup_extended (first_line, line, NULL, &seen))
        {
          g_hash_table_insert (first_line, g_strdup (line), GUINT_TO_POINTER (i + 1));
          continue;
        }
      if (g_str_has_prefix (line, SITE_PREFIX))
        add_problem (l, line, NULL,
                     "duplicate site id \"%s\" (lines %u and %u); expected each site once",
                     line + strlen (SITE_PREFIX), GPOINTER_TO_UINT (seen), i + 1);
      else
        add_problem (l, line, NULL, "the group appears twice (lines %u and %u); expected it once",
                     GPOINTER_TO_UINT (seen), i + 1);
    }
}

static void
load_uint (Loader *l, GKeyFile *kf, const char *group, const KeySpec *spec, gpointer slot)
{
  g_autofree char *raw = g_key_file_get_value (kf, group, spec->key, NULL);
  const char *even = (spec->flags & KF_EVEN) ? "an even" : "a whole";
  guint64 value;

  g_strstrip (raw);
  if (!g_ascii_string_to_unsigned (raw, 10, 0, G_MAXUINT, &value, NULL))
    {
      add_problem (l, group, spec->key,
                   "\"%s\" is not a whole number; expected %s number from %u to %u", raw, even,
                   spec->min, spec->max);
      return;
    }
  if (value < spec->min || value > spec->max || ((spec->flags & KF_EVEN) && value % 2 != 0))
    {
      add_problem (l, group, spec->key, "%s is out of range; expected %s number from %u to %u",
                   raw, even, spec->min, spec->max);
      return;
    }
  *(guint *) slot = (guint) value;
}

static void
load_string (Loader *l, GKeyFile *kf, const char *group, const KeySpec *spec, gpointer slot)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = g_key_file_get_string (kf, group, spec->key, &error);
  g_autofree char *wrong = NULL;

  if (value == NULL)
    {
      add_problem (l, group, spec->key, "%s; expected %s", error->message, spec->expected);
      return;
    }
  /* GKeyFile keeps trailing blanks, which nobody means in an address or a name. */
  g_strstrip (value);
  if (*value == '\0')
    {
      if (!(spec->flags & KF_EMPTY_IS_UNSET))
        add_problem (l, group, spec->key, "the value is empty; expected %s", spec->expected);
      return;
    }
  if (spec->check != NULL && (wrong = spec->check (value)) != NULL)
    {
      add_problem (l, group, spec->key, "%s; expected %s", wrong, spec->expected);
      return;
    }
  g_free (*(char **) slot);
  *(char **) slot = g_steal_pointer (&value);
}

static void
load_string_list (Loader *l, GKeyFile *kf, const char *group, const KeySpec *spec, gpointer slot)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) list = g_key_file_get_string_list (kf, group, spec->key, NULL, &error);
  gboolean ok = TRUE;

  if (list == NULL)
    {
      add_problem (l, group, spec->key, "%s; expected %s", error->message, spec->expected);
      return;
    }
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *wrong = spec->check ? spec->check (g_strstrip (list[i])) : NULL;
      if (wrong != NULL)
        {
          add_problem (l, group, spec->key, "%s; expected %s", wrong, spec->expected);
          ok = FALSE;
        }
    }
  if (!ok)
    return;
  g_strfreev (*(char ***) slot);
  *(char ***) slot = g_steal_pointer (&list);
}

static void
load_choice (Loader *l, GKeyFile *kf, const char *group, const KeySpec *spec, gpointer slot)
{
  g_autofree char *value = g_key_file_get_value (kf, group, spec->key, NULL);
  g_autofree char *expected = choices_text (spec->choices);

  g_strstrip (value);
  for (int i = 0; spec->choices[i] != NULL; i++)
    {
      if (strcmp (spec->choices[i], value) != 0)
        continue;
      if (spec->flags & KF_CHOICE_INDEX)
        *(int *) slot = i;
      else
        {
          g_free (*(char **) slot);
          *(char **) slot = g_strdup (value);
        }
      return;
    }
  add_problem (l, group, spec->key, "\"%s\" is not known; expected %s", value, expected);
}

static void
load_key (Loader *l, GKeyFile *kf, const char *group, const KeySpec *spec, gpointer target)
{
  gpointer slot = G_STRUCT_MEMBER_P (target, spec->offset);
  g_autoptr (GError) error = NULL;
  gboolean b;

  switch (spec->type)
    {
    case KT_UINT:
      load_uint (l, kf, group, spec, slot);
      break;
    case KT_STRING:
      load_string (l, kf, group, spec, slot);
      break;
    case KT_STRING_LIST:
      load_string_list (l, kf, group, spec, slot);
      break;
    case KT_CHOICE:
      load_choice (l, kf, group, spec, slot);
      break;
    case KT_BOOL:
      b = g_key_file_get_boolean (kf, group, spec->key, &error);
      if (error != NULL)
        add_problem (l, group, spec->key, "not a boolean; expected true or false");
      else
        *(gboolean *) slot = b;
      break;
    }
}

static void
site_config_free (DcSiteConfig *site)
{
  g_free (site->id);
  g_free (site->name);
  g_free (site->token_hash);
  g_free (site->sip_ha1);
  g_strfreev (site->sip_allowed_addresses);
  g_free (site->sip_uri);
  g_free (site);
}

static DcConfig *
config_new_with_defaults (void)
{
  DcConfig *c = g_new0 (DcConfig, 1);

  c->listen_address = g_strdup ("127.0.0.1");
  c->port = 8443;
  c->ice_port_min = 20000;
  c->ice_port_max = 20999;
  c->attendance_dir = g_strdup ("attendance");
  c->recording_dir = g_strdup ("recordings");
  c->width = 1280;
  c->height = 720;
  c->framerate = 25;
  c->bitrate_kbps = 2000;
  c->codec = g_strdup ("vp8");
  c->audio_bitrate_kbps = 64;
  c->sip_port = 5060;
  c->sip_conference_number = g_strdup ("1000");
  c->sip_realm = g_strdup ("diemcau");
  c->sip_rtp_port_min = 30000;
  c->sip_rtp_port_max = 30999;
  c->sip_max_calls = 32;
  c->sites = g_ptr_array_new_with_free_func ((GDestroyNotify) site_config_free);
  return c;
}

void
dc_config_free (DcConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->listen_address);
  g_strfreev (c->ice_addresses);
  g_strfreev (c->video_tiers);
  g_free (c->stun_server);
  g_strfreev (c->turn_servers);
  g_free (c->tls_certificate);
  g_free (c->tls_key);
  g_free (c->attendance_dir);
  g_free (c->recording_dir);
  g_free (c->codec);
  g_free (c->sip_listen_address);
  g_free (c->sip_conference_number);
  g_free (c->sip_realm);
  g_ptr_array_unref (c->sites);
  g_free (c->source_path);
  g_free (c);
}

/* Loads the keys of one group into target, reporting unknown and missing keys. */
static void
load_group (Loader *l, GKeyFile *kf, const char *group, const GroupSpec *spec, gpointer target)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      const KeySpec *k = find_key_spec (spec, keys[i]);
      if (k == NULL)
        {
          g_autofree char *known = known_keys_text (spec);
          add_problem (l, group, keys[i], "unknown key; expected one of: %s", known);
          continue;
        }
      load_key (l, kf, group, k, target);
    }
  for (const KeySpec *k = spec->keys; k->key != NULL; k++)
    if ((k->flags & KF_REQUIRED) && !g_key_file_has_key (kf, group, k->key, NULL))
      add_problem (l, group, k->key, "missing; expected %s", k->expected);
}

static void
load_site (Loader *l, GKeyFile *kf, const char *group, const GroupSpec *spec, DcConfig *c)
{
  DcSiteConfig *site = g_new0 (DcSiteConfig, 1);

  site->id = g_strdup (group + strlen (SITE_PREFIX));
  site->role = (DcRole) -1; /* stays so when the role is missing or wrong */
  if (!site_id_is_valid (site->id))
    add_problem (l, group, NULL,
                 "site id \"%s\" is not valid; expected lowercase letters, digits and '-' only, "
                 "e.g. [site:dinh-hoa]",
                 site->id);
  load_group (l, kf, group, spec, site);
  g_ptr_array_add (c->sites, site);
}

static void
check_chair (Loader *l, DcConfig *c)
{
  const DcSiteConfig *chair = NULL;

  for (guint i = 0; i < c->sites->len; i++)
    {
      const DcSiteConfig *site = g_ptr_array_index (c->sites, i);
      g_autofree char *group = g_strconcat (SITE_PREFIX, site->id, NULL);

      if (site->role != DC_ROLE_CHAIR)
        continue;
      if (chair != NULL)
        add_problem (l, group, "role",
                     "a second chair (the first is [site:%s]); expected exactly one site with "
                     "role=chair",
                     chair->id);
      else
        chair = site;
    }
  if (chair == NULL)
    add_problem (l, "site:*", "role", "no site has role=chair; expected exactly one chair");
}

static void
check_port_range (Loader *l, DcConfig *c)
{
  guint ports, needed = MIN_ICE_PORTS_PER_SITE * MAX (c->sites->len, 1);

  if (c->ice_port_min > c->ice_port_max)
    {
      add_problem (l, "gateway", "ice-port-min",
                   "%u is above ice-port-max %u; expected ice-port-min <= ice-port-max",
                   c->ice_port_min, c->ice_port_max);
      return;
    }
  ports = c->ice_port_max - c->ice_port_min + 1;
  if (ports < needed)
    add_problem (l, "gateway", "ice-port-max",
                 "the range %u..%u holds %u ports but %u sites need %u; expected at least %d "
                 "ports per site",
                 c->ice_port_min, c->ice_port_max, ports, c->sites->len, needed,
                 MIN_ICE_PORTS_PER_SITE);
}

static void
check_sip (Loader *l, DcConfig *c)
{
  if (c->sip_rtp_port_min > c->sip_rtp_port_max)
    add_problem (l, "sip", "rtp-port-min",
                 "%u is above rtp-port-max %u; expected rtp-port-min <= rtp-port-max",
                 c->sip_rtp_port_min, c->sip_rtp_port_max);
  if (c->sip_listen_address == NULL)
    c->sip_listen_address = g_strdup (g_ascii_strcasecmp (c->listen_address, "localhost") == 0
                                          ? "127.0.0.1"
                                          : c->listen_address);
}

/* NULL when path opens as a regular file, else why not. */
static char *
unreadable_reason (const char *path)
{
  struct stat st;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean regular;

  if (fd < 0)
    return g_strdup (g_strerror (errno));
  regular = fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
  close (fd);
  return regular ? NULL : g_strdup ("not a regular file");
}

/* Makes a relative path relative to the config file's directory; FALSE when it cannot be read. */
static gboolean
resolve_readable (Loader *l, const char *key, char **path)
{
  g_autofree char *reason = NULL;

  if (!g_path_is_absolute (*path))
    {
      char *abs = g_build_filename (l->base_dir, *path, NULL);
      g_free (*path);
      *path = abs;
    }
  reason = unreadable_reason (*path);
  if (reason != NULL)
    add_problem (l, "gateway", key, "cannot read \"%s\" (%s); expected a readable PEM file", *path,
                 reason);
  return reason == NULL;
}

static void
check_tls (Loader *l, DcConfig *c)
{
  g_autoptr (GTlsCertificate) cert = NULL;
  g_autoptr (GError) error = NULL;
  gboolean cert_ok, key_ok;

  if (c->tls_certificate == NULL && c->tls_key == NULL)
    return;
  if (c->tls_key == NULL)
    {
      add_problem (l, "gateway", "tls-certificate",
                   "set without tls-key; expected both tls-certificate and tls-key, or neither");
      return;
    }
  if (c->tls_certificate == NULL)
    {
      add_problem (l, "gateway", "tls-key",
                   "set without tls-certificate; expected both tls-certificate and tls-key, or "
                   "neither");
      return;
    }
  cert_ok = resolve_readable (l, "tls-certificate", &c->tls_certificate);
  key_ok = resolve_readable (l, "tls-key", &c->tls_key);
  if (!cert_ok || !key_ok)
    return;
  cert = g_tls_certificate_new_from_files (c->tls_certificate, c->tls_key, &error);
  if (cert == NULL)
    add_problem (l, "gateway", "tls-certificate",
                 "\"%s\" with tls-key \"%s\" does not load (%s); expected a PEM certificate and "
                 "its private key",
                 c->tls_certificate, c->tls_key, error->message);
}

static void
check_public_listen (Loader *l, DcConfig *c)
{
  gboolean has_tls = c->tls_certificate != NULL && c->tls_key != NULL;

  if (dc_config_is_loopback_address (c->listen_address) || has_tls || c->allow_insecure_public)
    return;
  add_problem (l, "gateway", "listen-address",
               "%s is reachable from other machines but no TLS is configured; expected "
               "tls-certificate and tls-key, a loopback address such as 127.0.0.1, or "
               "allow-insecure-public=true",
               c->listen_address);
}

static void
load_groups (Loader *l, GKeyFile *kf, DcConfig *c)
{
  g_auto (GStrv) names = g_key_file_get_groups (kf, NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      const GroupSpec *spec = find_group_spec (names[i]);

      if (spec == NULL)
        add_problem (l, names[i], NULL,
                     "unknown group; expected one of [gateway], [video], [audio], [meeting], "
                     "[sip], [recording], [site:ID]");
      else if (g_str_has_prefix (names[i], SITE_PREFIX))
        load_site (l, kf, names[i], spec, c);
      else
        load_group (l, kf, names[i], spec, c);
    }
}

DcConfig *
dc_config_load_data (const char *data, gsize length, const char *base_dir, GPtrArray **problems)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (DcConfig) c = NULL;
  Loader l = { 0 };

  g_return_val_if_fail (data != NULL, NULL);

  if (problems != NULL)
    *problems = NULL;
  l.problems = g_ptr_array_new_with_free_func (g_free);
  l.base_dir = base_dir ? g_strdup (base_dir) : g_get_current_dir ();

  find_duplicate_groups (&l, data, length);
  /* Translations are kept so that "name[vi]=" shows up as an unknown key instead of vanishing. */
  if (!g_key_file_load_from_data (kf, data, length, G_KEY_FILE_KEEP_TRANSLATIONS, &error))
    {
      add_problem (&l, "file", NULL, "%s; expected GKeyFile syntax (\"[group]\", \"key=value\")",
                   error->message);
    }
  else
    {
      c = config_new_with_defaults ();
      load_groups (&l, kf, c);
      check_chair (&l, c);
      check_port_range (&l, c);
      check_sip (&l, c);
      check_tls (&l, c);
      check_public_listen (&l, c);
    }

  g_free (l.base_dir);
  if (l.problems->len == 0)
    {
      g_ptr_array_unref (l.problems);
      return g_steal_pointer (&c);
    }
  if (problems != NULL)
    *problems = l.problems;
  else
    g_ptr_array_unref (l.problems);
  return NULL;
}

DcConfig *
dc_config_load_file (const char *path, GPtrArray **problems)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *dir = NULL;
  gsize length;
  DcConfig *c;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &error))
    {
      if (problems != NULL)
        {
          *problems = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (*problems, g_strdup_printf ("[file]: %s; expected a readable "
                                                       "configuration file",
                                                       error->message));
        }
      return NULL;
    }
  dir = g_path_get_dirname (path);
  c = dc_config_load_data (data, length, dir, problems);
  if (c != NULL)
    c->source_path = g_strdup (path);
  return c;
}

const DcSiteConfig *
dc_config_find_site (const DcConfig *config, const char *id)
{
  int i = dc_config_site_index (config, id);

  return i < 0 ? NULL : g_ptr_array_index (config->sites, i);
}

const DcSiteConfig *
dc_config_chair (const DcConfig *config)
{
  g_return_val_if_fail (config != NULL, NULL);

  for (guint i = 0; i < config->sites->len; i++)
    {
      const DcSiteConfig *site = g_ptr_array_index (config->sites, i);
      if (site->role == DC_ROLE_CHAIR)
        return site;
    }
  return NULL;
}

int
dc_config_site_index (const DcConfig *config, const char *id)
{
  g_return_val_if_fail (config != NULL, -1);
  g_return_val_if_fail (id != NULL, -1);

  for (guint i = 0; i < config->sites->len; i++)
    {
      const DcSiteConfig *site = g_ptr_array_index (config->sites, i);
      if (strcmp (site->id, id) == 0)
        return (int) i;
    }
  return -1;
}
