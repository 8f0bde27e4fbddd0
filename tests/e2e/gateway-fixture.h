/* A real diemcau-gateway process for end-to-end tests: a throwaway configuration with ten sites
 * on loopback, fresh join tokens made by the gateway itself, and optionally a self-signed TLS
 * certificate. The fixture starts the process, waits until it listens, and stops it. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  const char *id;
  const char *name;
  const char *role;
} DcFixtureSite;

/* The ten sites every fixture configures, in configuration order. */
extern const DcFixtureSite dc_fixture_sites[];
#define DC_FIXTURE_N_SITES 10

typedef enum
{
  DC_FIXTURE_PLAIN = 0,
  DC_FIXTURE_TLS = 1 << 0,        /* self-signed certificate for localhost / 127.0.0.1 */
  DC_FIXTURE_LISTEN_ANY = 1 << 1, /* listen-address=0.0.0.0 */
} DcFixtureFlags;

typedef struct
{
  char *gateway_exe;
  char *dir; /* temporary; removed by free */
  char *config_path;
  guint port;
  char *ws_url;           /* ws://127.0.0.1:PORT/ws, or wss:// with TLS */
  char *http_url;         /* http(s)://127.0.0.1:PORT */
  char *certificate_path; /* PEM, TLS only */
  GTlsCertificate *certificate;
  GSubprocess *process;
  GDataInputStream *output; /* the gateway's stdout and stderr */
  GString *log;
  gboolean output_done;
} DcGatewayFixture;

/* The gateway from argv[1], else $DIEMCAU_GATEWAY; NULL when neither is set. */
const char *dc_fixture_find_gateway (int argc, char **argv);

/* Writes the configuration and issues a token for every site (diemcau-gateway --new-token). */
DcGatewayFixture *dc_gateway_fixture_new (const char *gateway_exe, DcFixtureFlags flags,
                                          GError **error);
/* Spawns the gateway and waits (up to 20 s) for "Halls connect to:". */
gboolean dc_gateway_fixture_start (DcGatewayFixture *fixture, GError **error);
/* The token issued for a site, NULL for an unknown site. */
char *dc_gateway_fixture_token (DcGatewayFixture *fixture, const char *site_id);
/* SIGTERM, then waits up to 15 s; returns the exit status, or -1 when it was killed by a signal
 * or had to be killed. */
int dc_gateway_fixture_stop (DcGatewayFixture *fixture);
gboolean dc_gateway_fixture_is_running (DcGatewayFixture *fixture);
/* Everything the gateway printed so far. */
const char *dc_gateway_fixture_log (DcGatewayFixture *fixture);
void dc_gateway_fixture_free (DcGatewayFixture *fixture);

/* Iterates the default main context until done (data) is TRUE or timeout_ms passed; returns the
 * last value of done. */
gboolean dc_fixture_pump_until (gboolean (*done) (gpointer data), gpointer data, guint timeout_ms);
/* Iterates the default main context for this long. */
void dc_fixture_pump_for (guint ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcGatewayFixture, dc_gateway_fixture_free)

G_END_DECLS
