#include "gateway-fixture.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

const DcFixtureSite dc_fixture_sites[DC_FIXTURE_N_SITES] = {
  { "ubnd-tinh", "UBND tỉnh Thái Nguyên", "chair" },
  { "tp-thai-nguyen", "TP Thái Nguyên", "district" },
  { "tp-song-cong", "TP Sông Công", "district" },
  { "tx-pho-yen", "TX Phổ Yên", "district" },
  { "dinh-hoa", "Định Hóa", "district" },
  { "dai-tu", "Đại Từ", "district" },
  { "phu-luong", "Phú Lương", "district" },
  { "dong-hy", "Đồng Hỷ", "district" },
  { "vo-nhai", "Võ Nhai", "district" },
  { "phu-binh", "Phú Bình", "district" },
};

const char *
dc_fixture_find_gateway (int argc, char **argv)
{
  if (argc > 1 && argv[1][0] != '\0')
    return argv[1];
  return g_getenv ("DIEMCAU_GATEWAY");
}

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
dc_fixture_pump_until (gboolean (*done) (gpointer data), gpointer data, guint timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, on_deadline, &expired);
  gboolean result;
  while (!(result = done (data)) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return result;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
dc_fixture_pump_for (guint ms)
{
  dc_fixture_pump_until (never, NULL, ms);
}

/* A port the kernel just handed out on loopback; free again when the gateway binds it. */
static guint
pick_free_port (GError **error)
{
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return 0;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_bind (socket, any, FALSE, error))
    return 0;
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
run_command (const char *const *argv, GError **error)
{
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &output, &errors,
                     &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s failed (%s): ", argv[0], errors);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_certificate (DcGatewayFixture *fixture, const char *key_path, GError **error)
{
  /* An EC key keeps generation instant; the SAN makes wss://127.0.0.1 verify by name. */
  const char *argv[] = { "openssl",
                         "req",
                         "-x509",
                         "-newkey",
                         "ec",
                         "-pkeyopt",
                         "ec_paramgen_curve:prime256v1",
                         "-nodes",
                         "-keyout",
                         key_path,
                         "-out",
                         fixture->certificate_path,
                         "-days",
                         "2",
                         "-subj",
                         "/CN=localhost",
                         "-addext",
                         "subjectAltName=IP:127.0.0.1,DNS:localhost",
                         NULL };
  if (!run_command (argv, error))
    return FALSE;
  fixture->certificate = g_tls_certificate_new_from_file (fixture->certificate_path, error);
  return fixture->certificate != NULL;
}

static char *
config_text (DcGatewayFixture *fixture, DcFixtureFlags flags, const char *key_path)
{
  guint ice_base = 30000 + (fixture->port % 200) * 100;
  GString *text = g_string_new ("[gateway]\n");
  g_string_append_printf (text, "listen-address=%s\n",
                          flags & DC_FIXTURE_LISTEN_ANY ? "0.0.0.0" : "127.0.0.1");
  g_string_append_printf (text, "port=%u\nice-addresses=127.0.0.1\n", fixture->port);
  g_string_append_printf (text, "ice-port-min=%u\nice-port-max=%u\n", ice_base, ice_base + 99);
  if (flags & DC_FIXTURE_TLS)
    g_string_append_printf (text, "tls-certificate=%s\ntls-key=%s\n", fixture->certificate_path,
                            key_path);
  g_string_append (text, "[video]\nwidth=320\nheight=180\nframerate=10\nbitrate-kbps=200\n"
                         "[audio]\nbitrate-kbps=32\n");
  for (guint i = 0; i < DC_FIXTURE_N_SITES; i++)
    g_string_append_printf (text, "[site:%s]\nname=%s\nrole=%s\ntoken-hash=sha256:00:00\n",
                            dc_fixture_sites[i].id, dc_fixture_sites[i].name,
                            dc_fixture_sites[i].role);
  return g_string_free (text, FALSE);
}

static char *
token_path (DcGatewayFixture *fixture, const char *site_id)
{
  g_autofree char *name = g_strconcat (site_id, ".token", NULL);
  return g_build_filename (fixture->dir, name, NULL);
}

DcGatewayFixture *
dc_gateway_fixture_new (const char *gateway_exe, DcFixtureFlags flags, GError **error)
{
  g_return_val_if_fail (gateway_exe != NULL, NULL);
  g_autoptr (DcGatewayFixture) fixture = g_new0 (DcGatewayFixture, 1);
  fixture->gateway_exe = g_strdup (gateway_exe);
  fixture->log = g_string_new (NULL);
  fixture->output_done = TRUE;
  fixture->dir = g_dir_make_tmp ("diemcau-e2e-XXXXXX", error);
  if (fixture->dir == NULL || (fixture->port = pick_free_port (error)) == 0)
    return NULL;
  gboolean tls = (flags & DC_FIXTURE_TLS) != 0;
  fixture->ws_url = g_strdup_printf ("%s://127.0.0.1:%u/ws", tls ? "wss" : "ws", fixture->port);
  fixture->http_url = g_strdup_printf ("%s://127.0.0.1:%u", tls ? "https" : "http", fixture->port);
  g_autofree char *key_path = g_build_filename (fixture->dir, "gateway.key", NULL);
  if (tls)
    {
      fixture->certificate_path = g_build_filename (fixture->dir, "gateway.crt", NULL);
      if (!make_certificate (fixture, key_path, error))
        return NULL;
    }
  fixture->config_path = g_build_filename (fixture->dir, "diemcau.conf", NULL);
  g_autofree char *text = config_text (fixture, flags, key_path);
  if (!g_file_set_contents (fixture->config_path, text, -1, error))
    return NULL;
  for (guint i = 0; i < DC_FIXTURE_N_SITES; i++)
    {
      g_autofree char *path = token_path (fixture, dc_fixture_sites[i].id);
      const char *argv[] = { gateway_exe,
                             "--config",
                             fixture->config_path,
                             "--new-token",
                             dc_fixture_sites[i].id,
                             "--token-file",
                             path,
                             NULL };
      if (!run_command (argv, error))
        return NULL;
    }
  return g_steal_pointer (&fixture);
}

char *
dc_gateway_fixture_token (DcGatewayFixture *fixture, const char *site_id)
{
  g_autofree char *path = token_path (fixture, site_id);
  char *token = NULL;
  if (!g_file_get_contents (path, &token, NULL, NULL))
    return NULL;
  return g_strstrip (token);
}

static void read_next_line (DcGatewayFixture *fixture);

static void
on_line (GObject *source, GAsyncResult *result, gpointer data)
{
  DcGatewayFixture *fixture = data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, NULL);
  if (line == NULL)
    {
      fixture->output_done = TRUE;
      return;
    }
  g_string_append_printf (fixture->log, "%s\n", line);
  if (g_getenv ("DC_TEST_GATEWAY_OUTPUT"))
    g_printerr ("gateway: %s\n", line);
  read_next_line (fixture);
}

static void
read_next_line (DcGatewayFixture *fixture)
{
  g_data_input_stream_read_line_async (fixture->output, G_PRIORITY_DEFAULT, NULL, on_line, fixture);
}

static gboolean
listening_or_gone (gpointer data)
{
  DcGatewayFixture *fixture = data;
  return strstr (fixture->log->str, "Halls connect to:") != NULL || fixture->output_done;
}

gboolean
dc_gateway_fixture_start (DcGatewayFixture *fixture, GError **error)
{
  g_return_val_if_fail (fixture->process == NULL, FALSE);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  if (g_getenv ("GST_DEBUG") == NULL)
    g_subprocess_launcher_setenv (launcher, "GST_DEBUG", "dc-*:4", TRUE);
  fixture->process = g_subprocess_launcher_spawn (launcher, error, fixture->gateway_exe, "--config",
                                                  fixture->config_path, NULL);
  if (fixture->process == NULL)
    return FALSE;
  fixture->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->process));
  fixture->output_done = FALSE;
  read_next_line (fixture);
  if (!dc_fixture_pump_until (listening_or_gone, fixture, 20000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "the gateway did not listen within 20 s:\n%s", fixture->log->str);
      return FALSE;
    }
  if (strstr (fixture->log->str, "Halls connect to:") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the gateway exited at start:\n%s",
                   fixture->log->str);
      return FALSE;
    }
  return TRUE;
}

gboolean
dc_gateway_fixture_is_running (DcGatewayFixture *fixture)
{
  return fixture->process != NULL && g_subprocess_get_identifier (fixture->process) != NULL;
}

static void
on_waited (GObject *source, GAsyncResult *result, gpointer data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *)data = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *)data;
}

int
dc_gateway_fixture_stop (DcGatewayFixture *fixture)
{
  g_return_val_if_fail (fixture->process != NULL, -1);
  gboolean waited = FALSE;
  if (dc_gateway_fixture_is_running (fixture))
    g_subprocess_send_signal (fixture->process, SIGTERM);
  g_subprocess_wait_async (fixture->process, NULL, on_waited, &waited);
  if (!dc_fixture_pump_until (flag_is_set, &waited, 15000))
    {
      g_subprocess_force_exit (fixture->process);
      dc_fixture_pump_until (flag_is_set, &waited, 5000);
      return -1;
    }
  /* Collect the last lines (the stop statistics) before anyone reads the log. */
  dc_fixture_pump_until (flag_is_set, &fixture->output_done, 2000);
  if (!g_subprocess_get_if_exited (fixture->process))
    return -1;
  return g_subprocess_get_exit_status (fixture->process);
}

const char *
dc_gateway_fixture_log (DcGatewayFixture *fixture)
{
  return fixture->log->str;
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  while (handle && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

void
dc_gateway_fixture_free (DcGatewayFixture *fixture)
{
  if (fixture == NULL)
    return;
  if (dc_gateway_fixture_is_running (fixture))
    {
      g_subprocess_force_exit (fixture->process);
      g_subprocess_wait (fixture->process, NULL, NULL);
    }
  /* The pending line read points at this fixture: let it see the end of the pipe first. */
  dc_fixture_pump_until (flag_is_set, &fixture->output_done, 5000);
  g_clear_object (&fixture->output);
  g_clear_object (&fixture->process);
  g_clear_object (&fixture->certificate);
  if (fixture->dir)
    remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->gateway_exe);
  g_free (fixture->config_path);
  g_free (fixture->ws_url);
  g_free (fixture->http_url);
  g_free (fixture->certificate_path);
  g_string_free (fixture->log, TRUE);
  g_free (fixture);
}
