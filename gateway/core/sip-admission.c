#include "sip-admission.h"

#include <gio/gio.h>
#include <string.h>

static int
find_site (const DcConfig *config, const char *id)
{
  for (guint i = 0; id && i < config->sites->len; i++)
    if (g_strcmp0 (((DcSiteConfig *) config->sites->pdata[i])->id, id) == 0)
      return i;
  return -1;
}

/* Compares addresses, not texts: "::ffff:10.0.0.5" and "10.0.0.5" are the same room system. */
static gboolean
same_address (const char *a, const char *b)
{
  g_autoptr (GInetAddress) x = g_inet_address_new_from_string (a);
  g_autoptr (GInetAddress) y = g_inet_address_new_from_string (b);
  if (x == NULL || y == NULL)
    return FALSE;
  if (g_inet_address_equal (x, y))
    return TRUE;
  /* An IPv4-mapped IPv6 source (a dual-stack socket) against an IPv4 entry. */
  GInetAddress *v6 = g_inet_address_get_family (x) == G_SOCKET_FAMILY_IPV6 ? x : y;
  GInetAddress *v4 = v6 == x ? y : x;
  if (g_inet_address_get_family (v4) != G_SOCKET_FAMILY_IPV4
      || g_inet_address_get_family (v6) != G_SOCKET_FAMILY_IPV6)
    return FALSE;
  const guint8 *bytes = g_inet_address_to_bytes (v6);
  static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  return memcmp (bytes, mapped_prefix, 12) == 0
         && memcmp (bytes + 12, g_inet_address_to_bytes (v4), 4) == 0;
}

static gboolean
address_allowed (const DcSiteConfig *site, const char *source)
{
  for (guint i = 0; source && site->sip_allowed_addresses && site->sip_allowed_addresses[i]; i++)
    if (same_address (site->sip_allowed_addresses[i], source))
      return TRUE;
  return FALSE;
}

/* The conference number without credentials: a room system known by its address alone. */
static int
find_site_by_address (const DcConfig *config, const char *source)
{
  for (guint i = 0; i < config->sites->len; i++)
    if (address_allowed (config->sites->pdata[i], source))
      return i;
  return -1;
}

static DcSipAdmission
check_digest (const DcConfig *config, const guint8 *nonce_key, const DcSipCaller *caller,
              const DcSiteConfig *site, char **why)
{
  if (caller->auth == NULL)
    return DC_SIP_ADMIT_CHALLENGE;
  if (g_strcmp0 (caller->auth->username, site->id) != 0)
    {
      *why = g_strdup_printf ("digest user \"%s\" is not site %s", caller->auth->username,
                              site->id);
      return DC_SIP_ADMIT_FORBIDDEN;
    }
  switch (dc_sip_digest_check (site->sip_ha1, config->sip_realm, nonce_key, caller->method,
                               caller->auth, caller->now_s))
    {
    case DC_DIGEST_OK:
      return DC_SIP_ADMIT_OK;
    case DC_DIGEST_STALE:
      return DC_SIP_ADMIT_STALE;
    case DC_DIGEST_MALFORMED:
      *why = g_strdup ("the Authorization header is malformed");
      return DC_SIP_ADMIT_BAD_REQUEST;
    case DC_DIGEST_WRONG:
      break;
    }
  *why = g_strdup_printf ("wrong SIP password for site %s", site->id);
  return DC_SIP_ADMIT_FORBIDDEN;
}

DcSipAdmission
dc_sip_admit (const DcConfig *config, const guint8 *nonce_key, const DcSipCaller *caller,
              int *slot, char **why)
{
  *slot = -1;
  *why = NULL;
  gboolean by_number = g_strcmp0 (caller->request_user, config->sip_conference_number) == 0;
  int found = -1;
  if (by_number)
    {
      found = caller->auth ? find_site (config, caller->auth->username)
                           : find_site_by_address (config, caller->source_address);
      if (found < 0 && caller->auth == NULL)
        return DC_SIP_ADMIT_CHALLENGE;
      if (found < 0)
        {
          *why = g_strdup_printf ("digest user \"%s\" is no site", caller->auth->username);
          return DC_SIP_ADMIT_FORBIDDEN;
        }
    }
  else
    {
      found = find_site (config, caller->request_user);
      if (found < 0)
        {
          *why = g_strdup_printf ("no site or number \"%s\"", caller->request_user);
          return DC_SIP_ADMIT_NOT_FOUND;
        }
    }
  const DcSiteConfig *site = config->sites->pdata[found];
  DcSipAdmission result = DC_SIP_ADMIT_OK;
  if (!address_allowed (site, caller->source_address))
    {
      if (site->sip_ha1 == NULL)
        {
          *why = g_strdup_printf ("site %s has no sip-ha1 and %s is not among its "
                                  "sip-allowed-addresses", site->id, caller->source_address);
          return DC_SIP_ADMIT_FORBIDDEN;
        }
      result = check_digest (config, nonce_key, caller, site, why);
    }
  if (result == DC_SIP_ADMIT_OK)
    *slot = found;
  return result;
}

const char *
dc_sip_admission_to_string (DcSipAdmission admission)
{
  switch (admission)
    {
    case DC_SIP_ADMIT_OK:
      return "admitted";
    case DC_SIP_ADMIT_CHALLENGE:
      return "challenged";
    case DC_SIP_ADMIT_STALE:
      return "challenged (stale nonce)";
    case DC_SIP_ADMIT_NOT_FOUND:
      return "not found";
    case DC_SIP_ADMIT_FORBIDDEN:
      return "forbidden";
    case DC_SIP_ADMIT_BAD_REQUEST:
      return "bad request";
    }
  return "?";
}
