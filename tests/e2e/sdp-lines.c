/* Reading and bending SDP for end-to-end tests (see sdp-lines.h). */
#include "sdp-lines.h"

#include <stdio.h>

/* The lines of the SDP section of the first m-line of this media kind. */
GPtrArray *
sdp_section (const char *sdp, const char *kind)
{
  g_auto (GStrv) lines = g_strsplit (sdp, "\r\n", -1);
  g_autofree char *start = g_strconcat ("m=", kind, " ", NULL);
  GPtrArray *section = g_ptr_array_new_with_free_func (g_free);
  gboolean inside = FALSE;
  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "m="))
        {
          if (inside)
            break;
          inside = g_str_has_prefix (lines[i], start);
        }
      if (inside)
        g_ptr_array_add (section, g_strdup (lines[i]));
    }
  return section;
}

gboolean
section_has (GPtrArray *section, const char *line)
{
  for (guint i = 0; i < section->len; i++)
    if (g_strcmp0 (section->pdata[i], line) == 0)
      return TRUE;
  return FALSE;
}

/* The payload type that section's rtpmap gives this encoding, -1 when absent. */
int
section_payload (GPtrArray *section, const char *encoding)
{
  for (guint i = 0; i < section->len; i++)
    {
      const char *line = section->pdata[i];
      int pt = -1;
      char name[64] = "";
      /* Encoding names are case-insensitive (RFC 4566); webrtcbin writes OPUS. */
      if (sscanf (line, "a=rtpmap:%d %63s", &pt, name) == 2
          && g_ascii_strcasecmp (name, encoding) == 0)
        return pt;
    }
  return -1;
}

/* The gateway's offer made into an answer that webrtcbin takes but that can never connect: our
 * own ICE credentials, no candidate ever sent. */
char *
answer_from_offer (const char *offer)
{
  g_auto (GStrv) lines = g_strsplit (offer, "\r\n", -1);
  GString *answer = g_string_new (NULL);
  for (guint i = 0; lines[i] && *lines[i]; i++)
    {
      const char *line = lines[i];
      if (g_str_has_prefix (line, "a=ssrc"))
        continue;
      if (g_str_has_prefix (line, "a=setup:"))
        line = "a=setup:active";
      else if (g_str_has_prefix (line, "a=ice-ufrag:"))
        line = "a=ice-ufrag:dctest";
      else if (g_str_has_prefix (line, "a=ice-pwd:"))
        line = "a=ice-pwd:dctestdctestdctestdctest00";
      g_string_append_printf (answer, "%s\r\n", line);
    }
  return g_string_free (answer, FALSE);
}
