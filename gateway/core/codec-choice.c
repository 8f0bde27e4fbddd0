#include "codec-choice.h"

static const char *
find (const char *const *names, const char *name)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (g_ascii_strcasecmp (names[i], name) == 0)
      return names[i];
  return NULL;
}

const char *
dc_codec_choice_for_site (const char *preferred, const char *const *listed,
                          const char *const *available)
{
  g_return_val_if_fail (available != NULL, NULL);
  if (listed == NULL)
    return find (available, DC_CODEC_CHOICE_DEFAULT);
  if (preferred != NULL && find (listed, preferred) != NULL)
    {
      const char *chosen = find (available, preferred);
      if (chosen != NULL)
        return chosen;
    }
  for (guint i = 0; listed[i] != NULL; i++)
    {
      const char *chosen = find (available, listed[i]);
      if (chosen != NULL)
        return chosen;
    }
  return NULL;
}
