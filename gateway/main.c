/* diemcau-gateway: the conference server. See README.md and docs/protocol.md. */
#include <glib-unix.h>
#include <gst/gst.h>
#include <locale.h>
#include <stdio.h>

#include "config-tool.h"
#include "config.h"
#include "dc-build-config.h"
#include "gateway.h"

static gboolean
on_quit_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* GStreamer's streaming threads go back to GLib's shared pool when their pipelines stop; such
 * a thread still exiting (running its thread-local destructors) while the process runs its exit
 * handlers aborted one stop in a few dozen in pthread_setspecific. Stop them and give them a
 * moment (2 s at most) to be gone. */
static void
wait_for_pool_threads (void)
{
  gst_task_cleanup_all ();
  g_thread_pool_stop_unused_threads ();
  for (int tries = 0; tries < 200; tries++)
    {
      g_autoptr (GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
      gboolean pool_left = FALSE;
      for (const char *task; tasks && !pool_left && (task = g_dir_read_name (tasks));)
        {
          g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/comm", task);
          g_autofree char *name = NULL;
          pool_left = g_file_get_contents (path, &name, NULL, NULL)
                      && !g_str_has_prefix (name, "diemcau-gateway")
                      && !g_str_has_prefix (name, "gmain") && !g_str_has_prefix (name, "GstSystemClock");
        }
      if (!pool_left)
        return;
      g_usleep (10 * 1000);
    }
}

static int
run_gateway (const char *config_path)
{
  g_autoptr (GPtrArray) problems = NULL;
  DcConfig *config = dc_config_load_file (config_path, &problems);
  if (config == NULL)
    {
      fprintf (stderr, "%s: the configuration has problems:\n", config_path);
      for (guint i = 0; problems && i < problems->len; i++)
        fprintf (stderr, "  %s\n", (char *) problems->pdata[i]);
      fprintf (stderr, "Check it with: diemcau-gateway --check-config %s\n", config_path);
      return 2;
    }
  guint n_sites = config->sites->len;
  g_autoptr (GError) error = NULL;
  g_autoptr (DcGateway) gateway = dc_gateway_new (config, &error);
  if (gateway == NULL || !dc_gateway_start (gateway, &error))
    {
      fprintf (stderr, "diemcau-gateway: cannot start: %s\n", error->message);
      return 1;
    }
  g_auto (GStrv) urls = dc_gateway_get_urls (gateway);
  printf ("diemcau-gateway %s: %u sites, config %s\n", DC_VERSION, n_sites, config_path);
  for (guint i = 0; urls[i]; i++)
    printf ("Halls connect to: %s\n", urls[i]);
  if (dc_gateway_get_sip_url (gateway))
    printf ("Room systems dial: %s\n", dc_gateway_get_sip_url (gateway));
  fflush (stdout);

  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_quit_signal, loop);
  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_main_loop_run (loop);

  g_autofree char *stats = dc_gateway_describe_stats (gateway);
  printf ("diemcau-gateway: stopping; %s\n", stats);
  fflush (stdout);
  g_clear_pointer (&gateway, dc_gateway_free);
  wait_for_pool_threads ();
  return 0;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_autofree char *config_path = NULL;
  g_autofree char *check_path = NULL;
  g_autofree char *new_token_site = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *new_sip_site = NULL;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Configuration file (default config/diemcau.conf)", "FILE" },
    { "check-config", 0, 0, G_OPTION_ARG_FILENAME, &check_path,
      "Validate a configuration file, name every problem, and exit", "FILE" },
    { "new-token", 0, 0, G_OPTION_ARG_STRING, &new_token_site,
      "Make a join token for a site, store its hash in the --config file, print the token once",
      "SITE" },
    { "new-sip-password", 0, 0, G_OPTION_ARG_STRING, &new_sip_site,
      "Make a SIP digest password for a site's room system, store its hash in the --config file, "
      "print the password once", "SITE" },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file,
      "With --new-token or --new-sip-password: write the secret to this file (mode 0600) instead "
      "of printing it", "FILE" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- diemcau conference gateway");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "diemcau-gateway: %s (see --help)\n", error->message);
      return 2;
    }
  if (version)
    {
      printf ("diemcau-gateway %s\n", DC_VERSION);
      return 0;
    }
  if (check_path)
    return dc_config_tool_check (check_path);
  if (config_path == NULL)
    config_path = g_strdup ("config/diemcau.conf");
  if (new_token_site)
    return dc_config_tool_new_token (config_path, new_token_site, token_file);
  if (new_sip_site)
    return dc_config_tool_new_sip_password (config_path, new_sip_site, token_file);
  return run_gateway (config_path);
}
