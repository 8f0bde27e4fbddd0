/* DcEngine's devices: lists cameras, microphones and speakers (GstDeviceMonitor) and swaps them
 * in the running pipeline. The sent caps stay the same (the converters after the source adapt
 * any camera), so nothing is renegotiated with the gateway. */
#include "engine-private.h"

GST_DEBUG_CATEGORY_EXTERN (dc_engine_debug);
#define GST_CAT_DEFAULT dc_engine_debug

static const struct
{
  const char *klass;   /* device class filter */
  const char *element; /* name of the element in the pipeline */
  const char *next;    /* the element it links to (sources) */
  const char *automatic;
} kinds[] = {
  [DC_DEVICE_CAMERA] = { "Video/Source", "camsrc", "camconv", "autovideosrc" },
  [DC_DEVICE_MICROPHONE] = { "Audio/Source", "micsrc", "micconv", "autoaudiosrc" },
  [DC_DEVICE_SPEAKER] = { "Audio/Sink", "speaker-out", NULL, "autoaudiosink" },
};

static GstDeviceMonitor *
ensure_monitor (DcEngine *self)
{
  if (self->monitor == NULL)
    {
      self->monitor = gst_device_monitor_new ();
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        gst_device_monitor_add_filter (self->monitor, kinds[i].klass, NULL);
      /* Keeps the list current as devices come and go. */
      if (!gst_device_monitor_start (self->monitor))
        GST_WARNING ("the device monitor did not start; lists may be empty");
    }
  return self->monitor;
}

GPtrArray *
dc_engine_list_devices (DcEngine *self, DcDeviceKind kind)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), NULL);
  g_return_val_if_fail (kind <= DC_DEVICE_SPEAKER, NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func (gst_object_unref);
  GList *devices = gst_device_monitor_get_devices (ensure_monitor (self));
  for (GList *l = devices; l != NULL; l = l->next)
    if (gst_device_has_classes (l->data, kinds[kind].klass))
      g_ptr_array_add (out, gst_object_ref (l->data));
  g_list_free_full (devices, gst_object_unref);
  return out;
}

GstElement *
dc_engine_devices_make_element (DcEngine *self, DcDeviceKind kind, GError **error)
{
  g_mutex_lock (&self->lock);
  GstDevice *device = self->devices[kind] != NULL ? gst_object_ref (self->devices[kind]) : NULL;
  g_mutex_unlock (&self->lock);
  GstElement *element = device != NULL ? gst_device_create_element (device, NULL)
                                       : gst_element_factory_make (kinds[kind].automatic, NULL);
  if (element == NULL)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                 "Cannot open the device \"%s\".",
                 device != NULL ? gst_device_get_display_name (device) : kinds[kind].automatic);
  gst_clear_object (&device);
  return element;
}

/* A live source is stopped first (its thread joins), then unlinked; the new one links to the
 * same converter and starts with the running pipeline's clock. */
static gboolean
swap_source (DcEngine *self, DcDeviceKind kind, GstElement *element, GError **error)
{
  g_autoptr (GstElement) old = gst_bin_get_by_name (GST_BIN (self->pipeline), kinds[kind].element);
  g_autoptr (GstElement) next = gst_bin_get_by_name (GST_BIN (self->pipeline), kinds[kind].next);
  if (old == NULL || next == NULL)
    {
      gst_object_unref (element);
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
                   "This session sends a test signal; there is no device to switch.");
      return FALSE;
    }
  GstBin *parent = GST_BIN (gst_object_get_parent (GST_OBJECT (old)));
  gst_element_set_state (old, GST_STATE_NULL);
  gst_element_unlink (old, next);
  gst_bin_remove (parent, old);
  gst_element_set_name (element, kinds[kind].element);
  gst_bin_add (parent, element);
  gboolean ok = gst_element_link (element, next);
  gst_object_unref (parent);
  if (!ok || !gst_element_sync_state_with_parent (element))
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                   "The new device cannot be connected to the sending pipeline.");
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GstElement *element;
  gboolean done;
} SinkSwap;

/* Runs when no buffer is passing the speaker's input: safe to replace the sink there. */
static GstPadProbeReturn
swap_sink_idle (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  SinkSwap *swap = user_data;
  if (swap->done)
    return GST_PAD_PROBE_REMOVE;
  swap->done = TRUE;
  g_autoptr (GstPad) old_sink = gst_pad_get_peer (pad);
  g_autoptr (GstElement) old = gst_pad_get_parent_element (old_sink);
  GstBin *parent = GST_BIN (gst_object_get_parent (GST_OBJECT (old)));
  gst_pad_unlink (pad, old_sink);
  gst_element_set_state (old, GST_STATE_NULL);
  gst_bin_remove (parent, old);
  gst_element_set_name (swap->element, kinds[DC_DEVICE_SPEAKER].element);
  gst_bin_add (parent, swap->element);
  g_autoptr (GstPad) sink = gst_element_get_static_pad (swap->element, "sink");
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    GST_ERROR ("cannot link the new speaker");
  gst_element_sync_state_with_parent (swap->element);
  gst_object_unref (parent);
  return GST_PAD_PROBE_REMOVE;
}

static gboolean
swap_sink (DcEngine *self, GstElement *element, GError **error)
{
  g_autoptr (GstElement) old
      = gst_bin_get_by_name (GST_BIN (self->pipeline), kinds[DC_DEVICE_SPEAKER].element);
  if (old == NULL)
    {
      /* Nothing received yet: the branch built later picks the chosen device. */
      gst_object_unref (element);
      return TRUE;
    }
  g_autoptr (GstPad) sink = gst_element_get_static_pad (old, "sink");
  g_autoptr (GstPad) peer = gst_pad_get_peer (sink);
  SinkSwap *swap = g_new0 (SinkSwap, 1);
  swap->element = element;
  gst_pad_add_probe (peer, GST_PAD_PROBE_TYPE_IDLE, swap_sink_idle, swap, g_free);
  return TRUE;
}

gboolean
dc_engine_set_device (DcEngine *self, DcDeviceKind kind, GstDevice *device, GError **error)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (kind <= DC_DEVICE_SPEAKER, FALSE);

  g_mutex_lock (&self->lock);
  if (self->devices[kind] != device)
    {
      gst_clear_object (&self->devices[kind]);
      self->devices[kind] = device != NULL ? gst_object_ref (device) : NULL;
    }
  g_mutex_unlock (&self->lock);
  if (self->pipeline == NULL)
    return TRUE; /* used when the next session starts */

  GstElement *element = dc_engine_devices_make_element (self, kind, error);
  if (element == NULL)
    return FALSE;
  if (kind == DC_DEVICE_SPEAKER)
    return self->play_audio ? swap_sink (self, element, error) : (gst_object_unref (element), TRUE);
  return swap_source (self, kind, element, error);
}
