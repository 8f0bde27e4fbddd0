#include "headless-commands.h"

#include <gst/gst.h>
#include <string.h>

#include "protocol.h"

typedef struct
{
  double at_s;
  char *json;
  guint timer;
  DcEngine *engine; /* weak: the schedule lives no longer than the run */
} Command;

struct DcCommandSchedule
{
  GPtrArray *commands; /* of Command* */
};

static void
command_free (gpointer data)
{
  Command *c = data;
  g_clear_handle_id (&c->timer, g_source_remove);
  g_free (c->json);
  g_free (c);
}

DcCommandSchedule *
dc_command_schedule_new (const char *const *specs, GError **error)
{
  g_autoptr (GPtrArray) commands = g_ptr_array_new_with_free_func (command_free);
  for (guint i = 0; specs && specs[i]; i++)
    {
      const char *colon = strchr (specs[i], ':');
      char *end = NULL;
      double at = colon ? g_ascii_strtod (specs[i], &end) : -1;
      if (colon == NULL || end != colon || at < 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--command \"%s\": expected SECONDS:JSON", specs[i]);
          return NULL;
        }
      g_autoptr (GError) parse_error = NULL;
      g_autoptr (DcMessage) message
          = dc_message_parse (colon + 1, strlen (colon + 1), DC_SENDER_SITE, &parse_error);
      if (message == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--command \"%s\": %s",
                       specs[i], parse_error->message);
          return NULL;
        }
      Command *c = g_new0 (Command, 1);
      c->at_s = at;
      c->json = g_strdup (colon + 1);
      g_ptr_array_add (commands, c);
    }
  DcCommandSchedule *schedule = g_new0 (DcCommandSchedule, 1);
  schedule->commands = g_steal_pointer (&commands);
  return schedule;
}

void
dc_command_schedule_free (DcCommandSchedule *schedule)
{
  if (schedule == NULL)
    return;
  g_ptr_array_unref (schedule->commands);
  g_free (schedule);
}

static gboolean
send_command (gpointer data)
{
  Command *c = data;
  c->timer = 0;
  if (!dc_engine_send (c->engine, c->json))
    g_printerr ("diemcau-client: not in the meeting; did not send %s\n", c->json);
  return G_SOURCE_REMOVE;
}

void
dc_command_schedule_start (DcCommandSchedule *schedule, DcEngine *engine)
{
  for (guint i = 0; i < schedule->commands->len; i++)
    {
      Command *c = schedule->commands->pdata[i];
      if (c->timer != 0)
        continue; /* already scheduled: a rejoin does not replay the script */
      c->engine = engine;
      c->timer = g_timeout_add ((guint) (c->at_s * 1000), send_command, c);
    }
}
