/* Gateway configuration: one GKeyFile, validated against a table of known groups and keys. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DC_ROLE_CHAIR,
  DC_ROLE_OPERATOR,
  DC_ROLE_DISTRICT,
  DC_ROLE_OBSERVER,
} DcRole;

const char *dc_role_to_string (DcRole role);

typedef struct
{
  char *id;         /* from the group name "site:ID"; [a-z0-9-]+ */
  char *name;       /* Vietnamese display name, shown on the tile */
  DcRole role;
  char *token_hash; /* "sha256:SALT_HEX:DIGEST_HEX", see token.h */
  char *sip_ha1;    /* "md5:HEX" of "ID:REALM:PASSWORD" (sip-digest.h), or NULL: no SIP digest */
  char **sip_allowed_addresses; /* room systems that cannot authenticate, or NULL */
  char *sip_uri;    /* where the gateway dials this hall's room system, or NULL */
} DcSiteConfig;

typedef struct
{
  /* [gateway] */
  char *listen_address;   /* default 127.0.0.1 */
  guint port;             /* default 8443 */
  char **ice_addresses;   /* local addresses ICE may use; NULL or empty = all interfaces */
  guint ice_port_min;     /* default 20000 */
  guint ice_port_max;     /* default 20999 */
  char *stun_server;      /* "stun://host:port" or NULL */
  char **turn_servers;    /* "turn(s)://user:pass@host:port" list or NULL */
  char *tls_certificate;  /* PEM path or NULL */
  char *tls_key;          /* PEM path or NULL */
  gboolean allow_insecure_public; /* listen beyond loopback without TLS */
  /* [video] */
  guint width, height;    /* default 1280x720 */
  guint framerate;        /* default 25 */
  guint bitrate_kbps;     /* default 2000 */
  char *codec;            /* "vp8" (default) or "h264": what WebRTC sites get where they can */
  char **video_tiers;     /* lower tiers, "WxH@KBPS", best first; NULL (default): 3/4 of
                           * the canvas at half its bitrate and half the canvas at 9/40 of it
                           * (960x540@1000, 640x360@450 for 1280x720@2000) */
  /* [audio] */
  guint audio_bitrate_kbps; /* default 64 */
  /* [meeting] */
  int floor_expiry;       /* what ends a timed speech: 0 mute (default), 1 signal only */
  char *attendance_dir;   /* default "attendance"; relative to the working directory */
  /* [recording] */
  char *recording_dir;    /* default "recordings"; relative to the working directory */
  gboolean recording_auto_start; /* default FALSE: the chair starts it */
  /* [sip] */
  gboolean sip_enabled;   /* default FALSE (the shipped config turns it on) */
  char *sip_listen_address; /* default: listen_address */
  guint sip_port;         /* default 5060, UDP and TCP */
  char *sip_conference_number; /* default "1000": callers named by their digest user */
  char *sip_realm;        /* default "diemcau" */
  guint sip_rtp_port_min, sip_rtp_port_max; /* default 30000..30999 */
  guint sip_max_calls;    /* default 32: INVITEs beyond get 486 */
  guint sip_redial_attempts; /* default 0: a failed or dropped dialled call is not retried */
  /* [site:*] in file order; the chair is always present exactly once after validation */
  GPtrArray *sites;       /* of DcSiteConfig*, owned */
  char *source_path;      /* file it was loaded from, or NULL */
} DcConfig;

/* Parses and validates. On any problem returns NULL and, when problems is not NULL, sets it to a
 * GPtrArray of sentences "[group] key: what is wrong; expected ..." (owned by the caller). */
DcConfig *dc_config_load_data (const char *data, gsize length, const char *base_dir,
                               GPtrArray **problems);
DcConfig *dc_config_load_file (const char *path, GPtrArray **problems);
void dc_config_free (DcConfig *config);
const DcSiteConfig *dc_config_find_site (const DcConfig *config, const char *id);
const DcSiteConfig *dc_config_chair (const DcConfig *config);
/* Index of a site in config->sites, or -1. */
int dc_config_site_index (const DcConfig *config, const char *id);
gboolean dc_config_is_loopback_address (const char *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcConfig, dc_config_free)

G_END_DECLS
