/* DcEngine's automatic reconnect: after a lost connection (not a refusal, not a bye) it waits
 * 1, 2, 4, 8, 10 s (backoff.c), counting down once a second, and starts the session again on
 * the same engine, so the window keeps its sinks and the hall needs no input. */
#include "engine-private.h"

GST_DEBUG_CATEGORY_EXTERN (dc_engine_debug);
#define GST_CAT_DEFAULT dc_engine_debug

void
dc_engine_reconnect_joined (DcEngine *self)
{
  self->ever_joined = TRUE;
  dc_backoff_reset (&self->backoff);
}

void
dc_engine_reconnect_cancel (DcEngine *self)
{
  if (self->reconnect_timer != 0)
    {
      g_source_remove (self->reconnect_timer);
      self->reconnect_timer = 0;
    }
  if (self->reconnect_in >= 0)
    {
      self->reconnect_in = -1;
      dc_engine_emit_reconnect_countdown (self);
    }
}

static void schedule (DcEngine *self);

/* Back to IDLE as if new: a fresh socket, a fresh pipeline, an offer awaited. */
static void
attempt (DcEngine *self)
{
  if (self->signaling != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->signaling, self);
      dc_signaling_client_close (self->signaling);
      g_clear_object (&self->signaling);
    }
  self->state = DC_ENGINE_STATE_IDLE;
  self->have_offer = FALSE;
  self->bye_received = FALSE;
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->error_code, g_free);
  g_clear_pointer (&self->untrusted_fingerprint, g_free);
  GST_INFO ("reconnecting to %s", self->server_url);

  g_autoptr (GError) error = NULL;
  if (!dc_engine_start (self, &error))
    {
      GST_WARNING ("reconnect failed to start: %s", error->message);
      self->error = g_strdup (error->message);
      self->state = DC_ENGINE_STATE_FAILED;
      g_object_notify (G_OBJECT (self), "state");
      schedule (self);
    }
}

static gboolean
on_tick (gpointer user_data)
{
  DcEngine *self = user_data;
  self->reconnect_in--;
  if (self->reconnect_in > 0)
    {
      dc_engine_emit_reconnect_countdown (self);
      return G_SOURCE_CONTINUE;
    }
  self->reconnect_timer = 0;
  self->reconnect_in = -1;
  dc_engine_emit_reconnect_countdown (self);
  attempt (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (DcEngine *self)
{
  if (self->reconnect_timer != 0)
    g_source_remove (self->reconnect_timer);
  self->reconnect_in = (int)dc_backoff_next (&self->backoff);
  GST_INFO ("next connection attempt in %d s", self->reconnect_in);
  GSource *source = g_timeout_source_new_seconds (1);
  g_source_set_callback (source, on_tick, self, NULL);
  self->reconnect_timer = g_source_attach (source, self->context);
  g_source_unref (source);
  dc_engine_emit_reconnect_countdown (self);
}

void
dc_engine_reconnect_consider (DcEngine *self, DcEngineState ending)
{
  /* A refusal (error code), a bye, a leave or an untrusted certificate need a person. */
  gboolean lost = ending == DC_ENGINE_STATE_FAILED && self->error_code == NULL
                  && !self->bye_received && self->untrusted_fingerprint == NULL;
  gboolean allowed
      = self->reconnect == DC_ENGINE_RECONNECT_ALWAYS
        || (self->reconnect == DC_ENGINE_RECONNECT_AFTER_JOIN && self->ever_joined);
  if (lost && allowed)
    schedule (self);
}
