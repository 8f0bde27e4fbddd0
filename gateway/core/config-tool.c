/* Command-line helpers for operators: issue a join token or a SIP password, check a config
 * file. */
#include "config-tool.h"

#include "config.h"
#include "sip-digest.h"
#include "token.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Output is written as UTF-8 bytes with stdio rather than g_print, which would turn the
 * Vietnamese site names into '?' under a C locale (systemd units, cron, CI). */

static char *
known_sites_text (GKeyFile *kf)
{
  g_auto (GStrv) names = g_key_file_get_groups (kf, NULL);
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_prefix (names[i], "site:"))
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", names[i] + strlen ("site:"));
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Writes the token to a file only its owner can read, also when the file existed before. */
static gboolean
write_token_file (const char *path, const char *token, GError **error)
{
  g_autofree char *line = g_strconcat (token, "\n", NULL);
  gsize len = strlen (line), done = 0;
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0 || fchmod (fd, 0600) != 0)
    goto fail;
  while (done < len)
    {
      ssize_t n = write (fd, line + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      done += (gsize) n;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  return TRUE;

fail:
  {
    int saved = errno;
    if (fd >= 0)
      close (fd);
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot write \"%s\": %s",
                 path, g_strerror (saved));
    return FALSE;
  }
}

/* Replaces the config atomically, keeping its permissions; follows a symlink to its target so
 * a link in /etc stays a link. */
static gboolean
save_config (const char *config_path, GKeyFile *kf, GError **error)
{
  g_autofree char *target = realpath (config_path, NULL);
  g_autofree char *data = NULL;
  struct stat st;
  gsize length;
  int mode = 0644;

  if (target == NULL)
    target = g_strdup (config_path);
  if (g_stat (target, &st) == 0)
    mode = st.st_mode & 07777;
  data = g_key_file_to_data (kf, &length, NULL);
  return g_file_set_contents_full (target, data, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT,
                                   mode, error);
}

/* The secrets a hall can be issued: a join token (its salted hash stored) or a SIP digest
 * password (its HA1 for the configured realm stored). */
typedef enum
{
  SECRET_TOKEN,
  SECRET_SIP_PASSWORD,
} SecretKind;

static char *
sip_realm (GKeyFile *kf)
{
  char *realm = g_key_file_get_string (kf, "sip", "realm", NULL);
  return realm ? realm : g_strdup ("diemcau");
}

/* Makes the secret and stores what the config keeps of it in [site:ID]. */
static char *
new_secret (GKeyFile *kf, const char *group, const char *site_id, SecretKind kind)
{
  if (kind == SECRET_TOKEN)
    {
      char *token = dc_token_generate ();
      g_autofree char *hash = dc_token_hash (token);
      g_key_file_set_string (kf, group, "token-hash", hash);
      return token;
    }
  char *password = dc_sip_password_generate ();
  g_autofree char *realm = sip_realm (kf);
  g_autofree char *ha1 = dc_sip_ha1_new (site_id, realm, password);
  g_key_file_set_string (kf, group, "sip-ha1", ha1);
  return password;
}

static int
issue_secret (const char *config_path, const char *site_id, const char *out_path, SecretKind kind)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (config_path != NULL, 1);
  g_return_val_if_fail (site_id != NULL, 1);

  if (!g_key_file_load_from_file (kf, config_path,
                                  G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS, &error))
    {
      fprintf (stderr, "%s: cannot load: %s\n", config_path, error->message);
      return 1;
    }
  g_autofree char *group = g_strconcat ("site:", site_id, NULL);
  if (!g_key_file_has_group (kf, group))
    {
      g_autofree char *known = known_sites_text (kf);
      fprintf (stderr, "%s: no [%s] in this file; known sites: %s\n", config_path, group,
               known);
      return 1;
    }
  g_autofree char *secret = new_secret (kf, group, site_id, kind);

  /* The secret's file goes first: should the config write fail, an unused file is harmless,
   * while a stored hash whose secret was lost would lock the hall out. */
  if (out_path != NULL && !write_token_file (out_path, secret, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (!save_config (config_path, kf, &error))
    {
      fprintf (stderr, "%s: cannot save: %s\n", config_path, error->message);
      return 1;
    }

  fprintf (stdout, "%s\n", out_path != NULL ? out_path : secret);
  fflush (stdout);
  fprintf (stderr, "New %s stored for [%s] in %s; the %s is shown only this once.\n",
           kind == SECRET_TOKEN ? "token-hash" : "sip-ha1", group, config_path,
           kind == SECRET_TOKEN ? "token" : "SIP password");
  return 0;
}

int
dc_config_tool_new_token (const char *config_path, const char *site_id, const char *token_out_path)
{
  return issue_secret (config_path, site_id, token_out_path, SECRET_TOKEN);
}

int
dc_config_tool_new_sip_password (const char *config_path, const char *site_id,
                                 const char *out_path)
{
  return issue_secret (config_path, site_id, out_path, SECRET_SIP_PASSWORD);
}

int
dc_config_tool_check (const char *path)
{
  g_autoptr (GPtrArray) problems = NULL;
  g_autoptr (DcConfig) config = NULL;

  g_return_val_if_fail (path != NULL, 1);

  config = dc_config_load_file (path, &problems);
  if (config == NULL)
    {
      for (guint i = 0; problems != NULL && i < problems->len; i++)
        fprintf (stderr, "%s: %s\n", path, (const char *) g_ptr_array_index (problems, i));
      return 1;
    }
  fprintf (stdout, "%s: OK (%u sites, chair: %s)\n", path, config->sites->len,
           dc_config_chair (config)->name);
  return 0;
}
