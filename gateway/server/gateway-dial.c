/* Halls the gateway calls, as RMX operators do: the chair's "Gọi" (call-site) and "Gọi tất cả"
 * (call-all) dial a hall's sip-uri with the gateway's offer on ports bound for it; the answer
 * makes the hall's site; a failed call, or a dialled hall lost later, is called again after 5,
 * 10, 20, 40, 60 s while [sip] redial-attempts allows. The chair sees "calling" and "failed" in
 * the state message. Main context only. */
#include <gst/gst.h>
#include <string.h>

#include "gateway-sip-private.h"

GST_DEBUG_CATEGORY_STATIC (dc_gateway_dial_debug);
#define GST_CAT_DEFAULT dc_gateway_dial_debug

#define FIRST_REDIAL_S 5
#define LONGEST_REDIAL_S 60

/* The gateway offers plain RTP: a hall that insists on SRTP refuses it (488) and says so. */
static const DcSipPolicy offer_policy = {
  .allow_video = TRUE,
  .allow_opus = TRUE,
  .allow_srtp = FALSE,
  .require_srtp = FALSE,
};

static void
init_debug (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      GST_DEBUG_CATEGORY_INIT (dc_gateway_dial_debug, "dc-gateway-dial", 0,
                               "diemcau calls to halls");
      g_once_init_leave (&once, 1);
    }
}

static void
set_call_state (DcGateway *gateway, guint slot, DcCallState state)
{
  if (dc_conference_get_call_state (gateway->conference, slot) == state)
    return;
  dc_conference_set_call_state (gateway->conference, slot, state);
  dc_gateway_state_changed (gateway);
}

/* The host of a sip-uri when it is an IP literal, for picking the local address on a wildcard
 * listener; NULL for a name. */
static char *
uri_ip_host (const char *uri)
{
  const char *rest = strchr (uri, ':') + 1;
  const char *at = strrchr (rest, '@');
  const char *host = at ? at + 1 : rest;
  g_autofree char *text = host[0] == '['
                              ? g_strndup (host + 1, strcspn (host + 1, "]"))
                              : g_strndup (host, strcspn (host, ":;"));
  return g_hostname_is_ip_address (text) ? g_steal_pointer (&text) : NULL;
}

static gboolean
place_call (DcGateway *gateway, guint slot, GError **error)
{
  const char *uri = dc_conference_get_site (gateway->conference, slot)->sip_uri;
  DcSipLeg *leg = &gateway->sip->legs[slot];
  dc_gateway_sip_leg_clear (leg);
  g_autofree char *host = uri_ip_host (uri);
  if (!dc_gateway_sip_bind (gateway, host, TRUE, leg, &leg->offered_audio, &leg->offered_video,
                            error))
    return FALSE;
  g_autofree char *offer = dc_gateway_sip_offer_new (leg);
  if (!dc_sip_door_dial (gateway->sip->door, slot, uri, offer, error))
    {
      dc_gateway_sip_leg_clear (leg);
      return FALSE;
    }
  leg->dialled = TRUE;
  return TRUE;
}

static gboolean
on_redial (gpointer data);

static void
schedule_redial (DcGateway *gateway, guint slot, const char *why)
{
  DcSipLeg *leg = &gateway->sip->legs[slot];
  g_clear_handle_id (&leg->redial_id, g_source_remove);
  const char *id = dc_conference_get_site (gateway->conference, slot)->id;
  if (leg->redials_left == 0)
    {
      GST_WARNING ("site %s: %s; no redial left", id, why);
      set_call_state (gateway, slot, DC_CALL_FAILED);
      return;
    }
  leg->redials_left--;
  guint delay = leg->redial_delay_s ? leg->redial_delay_s : FIRST_REDIAL_S;
  leg->redial_delay_s = MIN (delay * 2, LONGEST_REDIAL_S);
  GST_INFO ("site %s: %s; calling again in %u s (%u more after that)", id, why, delay,
            leg->redials_left);
  /* The timer's data is the slot, the gateway found through it; it is removed before the
   * gateway goes (dc_gateway_dial_stop). */
  leg->redial_id = g_timeout_add_seconds (delay, on_redial, gateway);
  g_source_set_name_by_id (leg->redial_id, "dc-redial");
  set_call_state (gateway, slot, DC_CALL_CALLING);
}

static void
dial_now (DcGateway *gateway, guint slot)
{
  g_autoptr (GError) error = NULL;
  if (place_call (gateway, slot, &error))
    {
      set_call_state (gateway, slot, DC_CALL_CALLING);
      return;
    }
  g_autofree char *why = g_strdup_printf ("cannot call: %s", error->message);
  schedule_redial (gateway, slot, why);
}

static gboolean
on_redial (gpointer data)
{
  DcGateway *gateway = data;
  for (guint slot = 0; slot < gateway->n_sites; slot++)
    {
      DcSipLeg *leg = &gateway->sip->legs[slot];
      if (leg->redial_id != g_source_get_id (g_main_current_source ()))
        continue;
      leg->redial_id = 0;
      if (dc_roster_get_site (gateway->roster, slot) == NULL)
        dial_now (gateway, slot);
      else
        set_call_state (gateway, slot, DC_CALL_NONE); /* it came by itself meanwhile */
    }
  return G_SOURCE_REMOVE;
}

void
dc_gateway_dial (DcGateway *gateway, guint slot)
{
  init_debug ();
  if (gateway->sip == NULL)
    return;
  DcSipLeg *leg = &gateway->sip->legs[slot];
  g_clear_handle_id (&leg->redial_id, g_source_remove);
  leg->redials_left = gateway->config->sip_redial_attempts;
  leg->redial_delay_s = FIRST_REDIAL_S;
  dial_now (gateway, slot);
}

char *
dc_gateway_sip_offer_new (DcSipLeg *leg)
{
  DcSipLocal local = dc_gateway_sip_local (leg, NULL);
  return dc_sip_sdp_offer_new (&offer_policy, &local);
}

gboolean
dc_gateway_dial_answered (DcGateway *gateway, int slot, const char *sdp, gsize length)
{
  DcSipLeg *leg = &gateway->sip->legs[slot];
  const char *id = dc_conference_get_site (gateway->conference, slot)->id;
  g_auto (DcSipMedia) media = { 0 };
  g_autoptr (GError) error = NULL;
  /* A hall that joined by itself while its room system rang keeps its place. */
  if (dc_roster_get_site (gateway->roster, slot) != NULL)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_EXISTS, "the hall is already present");
  else if (dc_sip_sdp_read_answer (sdp, length, &offer_policy, &media, &error))
    {
      DcRtpPorts audio = leg->offered_audio, video = leg->offered_video;
      leg->offered_audio = leg->offered_video = (DcRtpPorts){ 0 };
      DcSite *site = dc_gateway_sip_site_new (gateway, slot, &media, leg, &audio, &video, &error);
      if (site)
        {
          set_call_state (gateway, slot, DC_CALL_NONE);
          leg->redials_left = gateway->config->sip_redial_attempts;
          leg->redial_delay_s = FIRST_REDIAL_S;
          dc_gateway_admit_site (gateway, slot, NULL, site);
          return TRUE;
        }
    }
  GST_WARNING ("site %s answered, but: %s", id, error->message);
  dc_gateway_sip_leg_clear (leg);
  set_call_state (gateway, slot, DC_CALL_FAILED);
  return FALSE;
}

void
dc_gateway_dial_failed (DcGateway *gateway, int slot, guint status, const char *phrase)
{
  dc_gateway_sip_leg_clear (&gateway->sip->legs[slot]);
  g_autofree char *why = g_strdup_printf ("the call failed (%u %s)", status, phrase);
  schedule_redial (gateway, slot, why);
}

void
dc_gateway_dial_site_ended (DcGateway *gateway, guint slot, const char *reason)
{
  init_debug ();
  DcSipLeg *leg = &gateway->sip->legs[slot];
  if (leg->dialled && g_strcmp0 (reason, "lost") == 0 && gateway->config->sip_redial_attempts)
    {
      schedule_redial (gateway, slot, "the call was lost");
      return;
    }
  dc_gateway_dial_stop (gateway, slot);
}

void
dc_gateway_dial_stop (DcGateway *gateway, guint slot)
{
  DcSipLeg *leg = &gateway->sip->legs[slot];
  g_clear_handle_id (&leg->redial_id, g_source_remove);
  leg->redials_left = 0;
  if (dc_conference_get_call_state (gateway->conference, slot) == DC_CALL_CALLING)
    set_call_state (gateway, slot, DC_CALL_NONE);
}
