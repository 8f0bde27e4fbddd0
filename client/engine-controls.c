/* DcEngine's controls for a window: playback and display sinks, microphone mute and camera stop
 * without renegotiation, level meters, connection statistics every second, raise hand. The
 * engine stays GTK-free: sinks arrive as plain GstElements. */
#include "engine-private.h"

#include <math.h>

GST_DEBUG_CATEGORY_EXTERN (dc_engine_debug);
#define GST_CAT_DEFAULT dc_engine_debug

#define SILENCE_DBFS -120.0

enum
{
  SIG_LEVELS,
  SIG_NETWORK_STATS,
  SIG_RECONNECT_COUNTDOWN,
  SIG_CONTROLS_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

void
dc_engine_controls_class_init (GObjectClass *klass)
{
  GType type = G_TYPE_FROM_CLASS (klass);
  signals[SIG_LEVELS] = g_signal_new ("levels", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[SIG_NETWORK_STATS]
      = g_signal_new ("network-stats", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                      3, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[SIG_RECONNECT_COUNTDOWN] = g_signal_new ("reconnect-countdown", type, G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIG_CONTROLS_CHANGED] = g_signal_new ("controls-changed", type, G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
dc_engine_controls_init (DcEngine *self, const DcEngineConfig *config)
{
  self->play_audio = config->play_audio;
  if (config->video_sink != NULL)
    self->video_sink = gst_object_ref_sink (config->video_sink);
  if (config->preview_sink != NULL)
    self->preview_sink = gst_object_ref_sink (config->preview_sink);
  self->reconnect = config->reconnect;
  self->accepted_fingerprint = g_strdup (config->accepted_fingerprint);
  dc_backoff_init (&self->backoff, DC_BACKOFF_CAP_S);
  self->reconnect_in = -1;
  self->mic_dbfs = self->rx_dbfs = SILENCE_DBFS;
}

void
dc_engine_controls_dispose (DcEngine *self)
{
  if (self->reconnect_timer != 0)
    {
      g_source_remove (self->reconnect_timer);
      self->reconnect_timer = 0;
    }
  dc_engine_controls_media_stopping (self);
  gst_clear_object (&self->video_sink);
  gst_clear_object (&self->preview_sink);
  for (guint i = 0; i < G_N_ELEMENTS (self->devices); i++)
    gst_clear_object (&self->devices[i]);
  if (self->monitor != NULL)
    gst_device_monitor_stop (self->monitor);
  gst_clear_object (&self->monitor);
  g_clear_pointer (&self->accepted_fingerprint, g_free);
  g_clear_pointer (&self->untrusted_fingerprint, g_free);
}

void
dc_engine_emit_reconnect_countdown (DcEngine *self)
{
  g_signal_emit (self, signals[SIG_RECONNECT_COUNTDOWN], 0, self->reconnect_in);
}

/* --- receive branches: measuring appsink plus the display / speaker --- */

char *
dc_engine_controls_receive_description (DcEngine *self, const char *media, const GstCaps *caps)
{
  const DcClientVideoCodec *codec = dc_client_video_codec_for_rtp (caps);
  if (g_strcmp0 (media, "video") == 0 && self->video_sink != NULL && codec != NULL)
    {
      /* The measuring branch sees at most 5 frames a second (thin_frames): converting every
       * 720p frame to RGB only to keep the last one would cost the hall PC more than showing
       * it. */
      g_autofree char *decode = dc_client_video_codec_decode_description (codec);
      return g_strdup_printf ("%s ! tee name=vtee ! queue max-size-buffers=3 leaky=downstream ! "
                              "videoconvert ! fakesink name=display "
                              "vtee. ! queue name=measureq max-size-buffers=1 leaky=downstream ! "
                              "videoconvert ! video/x-raw,format=RGB ! "
                              "appsink name=sink sync=false",
                              decode);
    }
  if (g_strcmp0 (media, "audio") == 0 && self->play_audio)
    return g_strdup ("queue ! rtpopusdepay ! opusdec ! audioconvert ! audioresample ! "
                     "audio/x-raw,format=F32LE,rate=48000,channels=1,layout=interleaved ! "
                     "level name=rxlevel interval=100000000 ! tee name=atee ! queue ! "
                     "appsink name=sink sync=false "
                     "atee. ! queue ! audioconvert ! audioresample ! fakesink name=speaker");
  return NULL;
}

#define MEASURE_INTERVAL_US (G_USEC_PER_SEC / 5)

/* Lets at most 5 frames a second into the measuring branch; the state is the probe's own. */
static GstPadProbeReturn
thin_frames (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  gint64 *last = user_data;
  gint64 now = g_get_monotonic_time ();
  if (*last != 0 && now - *last < MEASURE_INTERVAL_US)
    return GST_PAD_PROBE_DROP;
  *last = now;
  return GST_PAD_PROBE_OK;
}

/* Puts element where the placeholder named name sits in bin (one sink pad in, nothing out). */
static gboolean
replace_placeholder (GstElement *bin, const char *name, GstElement *element)
{
  g_autoptr (GstElement) placeholder = gst_bin_get_by_name (GST_BIN (bin), name);
  if (placeholder == NULL)
    return FALSE;
  g_autoptr (GstPad) sink = gst_element_get_static_pad (placeholder, "sink");
  g_autoptr (GstPad) peer = gst_pad_get_peer (sink);
  GstBin *parent = GST_BIN (gst_object_get_parent (GST_OBJECT (placeholder)));
  gst_pad_unlink (peer, sink);
  gst_element_set_state (placeholder, GST_STATE_NULL);
  gst_bin_remove (parent, placeholder);
  gst_bin_add (parent, element);
  g_autoptr (GstPad) new_sink = gst_element_get_static_pad (element, "sink");
  gboolean ok = gst_pad_link (peer, new_sink) == GST_PAD_LINK_OK;
  gst_element_sync_state_with_parent (element);
  gst_object_unref (parent);
  return ok;
}

void
dc_engine_controls_attach_sinks (DcEngine *self, GstElement *bin, const char *media)
{
  if (g_strcmp0 (media, "video") == 0 && self->video_sink != NULL)
    {
      if (!replace_placeholder (bin, "display", self->video_sink))
        GST_ERROR ("cannot link the display sink");
      g_autoptr (GstElement) queue = gst_bin_get_by_name (GST_BIN (bin), "measureq");
      g_autoptr (GstPad) pad = queue != NULL ? gst_element_get_static_pad (queue, "sink") : NULL;
      if (pad != NULL)
        gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, thin_frames, g_new0 (gint64, 1),
                           g_free);
    }
  else if (g_strcmp0 (media, "audio") == 0 && self->play_audio)
    {
      g_autoptr (GError) error = NULL;
      GstElement *speaker = dc_engine_devices_make_element (self, DC_DEVICE_SPEAKER, &error);
      if (speaker == NULL)
        GST_WARNING ("no speaker: %s", error->message);
      else
        {
          gst_element_set_name (speaker, "speaker-out");
          if (!replace_placeholder (bin, "speaker", speaker))
            GST_ERROR ("cannot link the speaker");
        }
    }
}

/* --- applied to every new pipeline --- */

static GstElement *
find (DcEngine *self, const char *name)
{
  return self->pipeline != NULL ? gst_bin_get_by_name (GST_BIN (self->pipeline), name) : NULL;
}

static void
apply_mute (DcEngine *self)
{
  g_autoptr (GstElement) volume = find (self, "micvol");
  if (volume != NULL)
    g_object_set (volume, "mute", self->mic_muted, NULL);
}

static void
apply_camera (DcEngine *self)
{
  g_autoptr (GstElement) balance = find (self, "camblank");
  if (balance == NULL)
    return;
  /* contrast 0 and brightness -1 give black; the defaults make videobalance a passthrough. */
  if (self->camera_stopped)
    g_object_set (balance, "contrast", 0.0, "brightness", -1.0, "saturation", 0.0, NULL);
  else
    g_object_set (balance, "contrast", 1.0, "brightness", 0.0, "saturation", 1.0, NULL);
}

static gboolean poll_stats (gpointer user_data);

void
dc_engine_controls_media_started (DcEngine *self)
{
  if (self->preview_sink != NULL && self->pipeline != NULL
      && !replace_placeholder (self->pipeline, "preview", self->preview_sink))
    GST_ERROR ("cannot link the self-preview");
  apply_mute (self);
  apply_camera (self);
  for (int kind = DC_DEVICE_CAMERA; kind <= DC_DEVICE_MICROPHONE; kind++)
    if (self->devices[kind] != NULL)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (GstDevice) device = gst_object_ref (self->devices[kind]);
        if (!dc_engine_set_device (self, kind, device, &error))
          GST_WARNING ("keeping the automatic device: %s", error->message);
      }
  self->last_rx_bytes = self->last_rx_packets = 0;
  self->last_rx_lost = 0;
  self->last_stats_us = 0;
  if (self->stats_timer == 0)
    {
      GSource *source = g_timeout_source_new (1000);
      g_source_set_callback (source, poll_stats, self, NULL);
      self->stats_timer = g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

void
dc_engine_controls_media_stopping (DcEngine *self)
{
  if (self->stats_timer != 0)
    {
      g_source_remove (self->stats_timer);
      self->stats_timer = 0;
    }
  if (self->mic_dbfs > SILENCE_DBFS || self->rx_dbfs > SILENCE_DBFS)
    {
      self->mic_dbfs = self->rx_dbfs = SILENCE_DBFS;
      g_signal_emit (self, signals[SIG_LEVELS], 0, self->mic_dbfs, self->rx_dbfs);
    }
}

/* --- levels --- */

static double
loudest_channel (const GstStructure *s)
{
  const GValue *rms = gst_structure_get_value (s, "rms");
  double best = SILENCE_DBFS;
  if (rms == NULL)
    return best;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS /* level still posts a GValueArray in 1.22 */
  GValueArray *array = g_value_get_boxed (rms);
  for (guint i = 0; array != NULL && i < array->n_values; i++)
    {
      double v = g_value_get_double (g_value_array_get_nth (array, i));
      if (isfinite (v))
        best = MAX (best, v);
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  return best;
}

gboolean
dc_engine_controls_bus_message (DcEngine *self, GstMessage *message)
{
  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT)
    return FALSE;
  const GstStructure *s = gst_message_get_structure (message);
  if (s == NULL || !gst_structure_has_name (s, "level"))
    return FALSE;
  const char *name = GST_OBJECT_NAME (GST_MESSAGE_SRC (message));
  if (g_strcmp0 (name, "miclevel") == 0)
    self->mic_dbfs = loudest_channel (s);
  else if (g_strcmp0 (name, "rxlevel") == 0)
    self->rx_dbfs = loudest_channel (s);
  else
    return FALSE;
  g_signal_emit (self, signals[SIG_LEVELS], 0, self->mic_dbfs, self->rx_dbfs);
  return TRUE;
}

/* --- statistics --- */

typedef struct
{
  double rtt_ms;
  guint64 bytes, packets;
  gint64 lost;
} Totals;

static gboolean
add_stats_entry (GQuark field, const GValue *value, gpointer user_data)
{
  Totals *t = user_data;
  const GstStructure *s;
  GstWebRTCStatsType type;
  if (!dc_media_stats_entry (value, &s, &type))
    return TRUE;
  double rtt;
  guint64 u = 0;
  gint64 lost = 0;
  if (type == GST_WEBRTC_STATS_REMOTE_INBOUND_RTP
      && gst_structure_get_double (s, "round-trip-time", &rtt))
    t->rtt_ms = MAX (t->rtt_ms, rtt * 1000.0);
  else if (type == GST_WEBRTC_STATS_INBOUND_RTP)
    {
      if (gst_structure_get_uint64 (s, "bytes-received", &u))
        t->bytes += u;
      if (gst_structure_get_uint64 (s, "packets-received", &u))
        t->packets += u;
      if (gst_structure_get_int64 (s, "packets-lost", &lost))
        t->lost += MAX (lost, 0);
    }
  return TRUE;
}

/* webrtcbin answers get-stats on its own thread within milliseconds; waiting on the main
 * context once a second is cheaper than another hand-over. */
static gboolean
poll_stats (gpointer user_data)
{
  DcEngine *self = user_data;
  if (self->webrtc == NULL || self->state != DC_ENGINE_STATE_CONNECTED)
    return G_SOURCE_CONTINUE;
  Totals t = { .rtt_ms = -1.0 };
  GstPromise *promise = gst_promise_new ();
  g_signal_emit_by_name (self->webrtc, "get-stats", NULL, promise);
  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED)
    gst_structure_foreach (gst_promise_get_reply (promise), add_stats_entry, &t);
  gst_promise_unref (promise);

  gint64 now = g_get_monotonic_time ();
  double kbps = 0, loss = 0;
  if (self->last_stats_us != 0 && now > self->last_stats_us)
    {
      kbps = (t.bytes - MIN (t.bytes, self->last_rx_bytes)) * 8.0 / 1000.0
             / ((now - self->last_stats_us) / 1e6);
      /* The loss of the last second, not a total that an old burst would keep high. */
      double lost = MAX (t.lost - self->last_rx_lost, 0);
      double got = t.packets - MIN (t.packets, self->last_rx_packets);
      loss = lost + got > 0 ? 100.0 * lost / (lost + got) : 0;
    }
  self->last_rx_bytes = t.bytes;
  self->last_rx_packets = t.packets;
  self->last_rx_lost = t.lost;
  self->last_stats_us = now;
  g_signal_emit (self, signals[SIG_NETWORK_STATS], 0, t.rtt_ms, loss, kbps);
  return G_SOURCE_CONTINUE;
}

/* --- public controls --- */

void
dc_engine_set_mic_muted (DcEngine *self, gboolean muted)
{
  g_return_if_fail (DC_IS_ENGINE (self));
  if (self->mic_muted == !!muted)
    return;
  self->mic_muted = !!muted;
  apply_mute (self);
  g_signal_emit (self, signals[SIG_CONTROLS_CHANGED], 0);
}

gboolean
dc_engine_get_mic_muted (DcEngine *self)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), FALSE);
  return self->mic_muted;
}

void
dc_engine_set_camera_stopped (DcEngine *self, gboolean stopped)
{
  g_return_if_fail (DC_IS_ENGINE (self));
  if (self->camera_stopped == !!stopped)
    return;
  self->camera_stopped = !!stopped;
  apply_camera (self);
  g_signal_emit (self, signals[SIG_CONTROLS_CHANGED], 0);
}

gboolean
dc_engine_get_camera_stopped (DcEngine *self)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), FALSE);
  return self->camera_stopped;
}

gboolean
dc_engine_raise_hand (DcEngine *self)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), FALSE);
  if (self->signaling == NULL || self->state < DC_ENGINE_STATE_JOINED
      || self->state > DC_ENGINE_STATE_CONNECTED)
    return FALSE;
  return dc_signaling_client_send (self->signaling, "{\"type\":\"raise-hand\"}");
}

int
dc_engine_get_reconnect_in (DcEngine *self)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), -1);
  return self->reconnect_in;
}

const char *
dc_engine_get_untrusted_fingerprint (DcEngine *self)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), NULL);
  return self->untrusted_fingerprint;
}
