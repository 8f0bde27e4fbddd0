#include "conference.h"

#include <json-glib/json-glib.h>

typedef struct
{
  DcPresence presence;
  gint64 changed_at;
} SiteState;

struct DcConference
{
  const DcConfig *config; /* borrowed; outlives the conference */
  guint n_sites;
  SiteState *sites;
  guint *tile_order;
  int speaking;
  int candidate;          /* loudest site waiting out the hold-in time */
  gint64 candidate_since;
  gint64 speaking_last_loud;
};

DcConference *
dc_conference_new (const DcConfig *config)
{
  g_return_val_if_fail (config != NULL && config->sites->len > 0, NULL);
  DcConference *conference = g_new0 (DcConference, 1);
  conference->config = config;
  conference->n_sites = config->sites->len;
  conference->sites = g_new0 (SiteState, conference->n_sites);
  conference->tile_order = g_new0 (guint, conference->n_sites);
  conference->speaking = -1;
  conference->candidate = -1;

  guint next = 0;
  for (guint i = 0; i < conference->n_sites; i++)
    if (((DcSiteConfig *) config->sites->pdata[i])->role == DC_ROLE_CHAIR)
      conference->tile_order[next++] = i;
  for (guint i = 0; i < conference->n_sites; i++)
    if (((DcSiteConfig *) config->sites->pdata[i])->role != DC_ROLE_CHAIR)
      conference->tile_order[next++] = i;
  return conference;
}

void
dc_conference_free (DcConference *conference)
{
  if (conference == NULL)
    return;
  g_free (conference->sites);
  g_free (conference->tile_order);
  g_free (conference);
}

guint
dc_conference_get_n_sites (const DcConference *conference)
{
  return conference->n_sites;
}

const DcSiteConfig *
dc_conference_get_site (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, NULL);
  return conference->config->sites->pdata[slot];
}

int
dc_conference_find_slot (const DcConference *conference, const char *site_id)
{
  return dc_config_site_index (conference->config, site_id);
}

void
dc_conference_set_present (DcConference *conference, guint slot, gboolean present, gint64 now_us)
{
  g_return_if_fail (slot < conference->n_sites);
  SiteState *site = &conference->sites[slot];
  site->presence = present ? DC_PRESENCE_PRESENT : DC_PRESENCE_LEFT;
  site->changed_at = now_us;
  if (!present && conference->speaking == (int) slot)
    conference->speaking = -1;
  if (!present && conference->candidate == (int) slot)
    conference->candidate = -1;
}

DcPresence
dc_conference_get_presence (const DcConference *conference, guint slot)
{
  g_return_val_if_fail (slot < conference->n_sites, DC_PRESENCE_ABSENT);
  return conference->sites[slot].presence;
}

guint
dc_conference_count_present (const DcConference *conference)
{
  guint count = 0;
  for (guint i = 0; i < conference->n_sites; i++)
    count += conference->sites[i].presence == DC_PRESENCE_PRESENT;
  return count;
}

const guint *
dc_conference_get_tile_order (const DcConference *conference)
{
  return conference->tile_order;
}

static int
loudest_present (const DcConference *conference, const float *levels)
{
  int loudest = -1;
  for (guint i = 0; i < conference->n_sites; i++)
    if (conference->sites[i].presence == DC_PRESENCE_PRESENT
        && levels[i] > DC_SPEAKING_THRESHOLD_DBFS
        && (loudest < 0 || levels[i] > levels[loudest]))
      loudest = i;
  return loudest;
}

gboolean
dc_conference_update_levels (DcConference *conference, const float *levels, gint64 now_us,
                             int *speaking)
{
  int before = conference->speaking;
  int loudest = loudest_present (conference, levels);

  if (conference->speaking >= 0 && levels[conference->speaking] > DC_SPEAKING_THRESHOLD_DBFS)
    conference->speaking_last_loud = now_us;

  if (loudest != conference->candidate)
    {
      conference->candidate = loudest;
      conference->candidate_since = now_us;
    }
  gboolean speaker_quiet = conference->speaking < 0
                           || now_us - conference->speaking_last_loud >= DC_SPEAKING_HOLD_OUT_US;
  if (loudest >= 0 && loudest != conference->speaking
      && now_us - conference->candidate_since >= DC_SPEAKING_HOLD_IN_US
      && (speaker_quiet || levels[loudest] > levels[conference->speaking] + 6.0f))
    {
      conference->speaking = loudest;
      conference->speaking_last_loud = now_us;
    }
  else if (loudest < 0 && conference->speaking >= 0 && speaker_quiet)
    conference->speaking = -1;

  if (speaking)
    *speaking = conference->speaking;
  return before != conference->speaking;
}

int
dc_conference_get_speaking (const DcConference *conference)
{
  return conference->speaking;
}

char *
dc_conference_site_list_json (const DcConference *conference)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < conference->n_sites; i++)
    {
      const DcSiteConfig *site = dc_conference_get_site (conference, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, site->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, site->name);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, dc_role_to_string (site->role));
      json_builder_set_member_name (builder, "present");
      json_builder_add_boolean_value (builder,
                                      conference->sites[i].presence == DC_PRESENCE_PRESENT);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
