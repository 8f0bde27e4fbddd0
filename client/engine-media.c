/* DcEngine's media: one pipeline with the sources it sends, webrtcbin, and the decoders of what
 * the gateway sends back (kept in appsinks for measurement). */
#include "engine-private.h"
#include "ice-config.h"
#include "media-profile.h"

#include <gst/app/app.h>
#include "engine-codec.h"
#include "engine-load.h"
#include <gst/video/video.h>
#include <nice/agent.h>

GST_DEBUG_CATEGORY_EXTERN (dc_engine_debug);
#define GST_CAT_DEFAULT dc_engine_debug


static char *
video_send_description (DcEngine *self)
{
  g_autofree char *source = NULL;
  if (self->test_pattern)
    source = g_strdup_printf ("videotestsrc name=camsrc is-live=true pattern=%s",
                              self->test_pattern);
  else if (self->use_test_color)
    source = g_strdup_printf ("videotestsrc name=camsrc is-live=true pattern=solid-color "
                              "foreground-color=0x%08x",
                              0xff000000u | self->test_color);
  else
    source = g_strdup ("autovideosrc name=camsrc");
  /* camsrc can be swapped for another camera, camblank blanks the picture without a new
   * negotiation, and the optional tee feeds the self-preview (engine-controls.c). */
  const char *preview = self->preview_sink == NULL
                            ? ""
                            : "camtee. ! queue max-size-buffers=1 leaky=downstream ! "
                              "videoscale ! video/x-raw,width=192,height=108 ! "
                              "videoconvert ! fakesink name=preview sync=false";
  /* Modest bitrate and a keyframe every ~4 s; losses are repaired by PLI, not by the interval. */
  const DcClientVideoCodec *codec = self->video_codec;
  int kbps = dc_engine_default_kbps (self);
  g_autofree char *encoder = g_strdup_printf (codec->encoder, kbps, 60);
  g_autoptr (GstCaps) rtp_caps = dc_media_rtp_caps_new (codec->media_line);
  g_autofree char *setter = dc_media_payload_caps_setter (rtp_caps);
  g_autofree char *payload = g_strdup_printf (codec->payloader, codec->payload_type);
  g_autofree char *payloader
      = setter ? g_strdup_printf ("%s ! %s", payload, setter) : g_strdup (payload);
  return g_strdup_printf ("%s ! videoconvert name=camconv ! videoscale ! videorate ! "
                          "capsfilter name=camcaps caps=video/x-raw,width=%d,height=%d,"
                          "framerate=%d/1 ! "
                          "videobalance name=camblank ! videoconvert ! tee name=camtee ! "
                          "queue max-size-buffers=2 leaky=downstream ! %s ! %s %s",
                          source, self->width, self->height, self->fps, encoder, payloader,
                          preview);
}

static char *
audio_send_description (DcEngine *self)
{
  g_autofree char *source = NULL;
  if (self->test_tone_hz > 0)
    {
      char freq[G_ASCII_DTOSTR_BUF_SIZE], volume[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_dtostr (freq, sizeof freq, self->test_tone_hz);
      g_ascii_dtostr (volume, sizeof volume, self->test_tone_volume);
      source = g_strdup_printf ("audiotestsrc name=micsrc wave=sine freq=%s volume=%s "
                                "is-live=true",
                                freq, volume);
    }
  else
    source = g_strdup ("autoaudiosrc name=micsrc");
  /* micvol mutes without a new negotiation; miclevel feeds the microphone meter. */
  return g_strdup_printf ("%s ! audioconvert name=micconv ! audioresample ! volume name=micvol ! "
                          "level name=miclevel interval=100000000 ! queue ! "
                          "opusenc bitrate=32000 frame-size=20 ! rtpopuspay pt=%d",
                          source, DC_OPUS_PAYLOAD_TYPE);
}

/* Links a send branch into a new webrtcbin sink pad whose transceiver prefers exactly the codec
 * the gateway offers, so the answer matches the offer's m-line. */
static gboolean
add_send_branch (DcEngine *self, const char *description, DcMediaLine line, GError **error)
{
  g_autoptr (GstCaps) caps = dc_media_rtp_caps_new (line);
  GstElement *bin = gst_parse_bin_from_description (description, TRUE, error);
  if (bin == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (self->pipeline), bin);

  GstPadTemplate *templ = gst_element_get_pad_template (self->webrtc, "sink_%u");
  g_autoptr (GstPad) sink = gst_element_request_pad (self->webrtc, templ, NULL, caps);
  g_autoptr (GstPad) src = gst_element_get_static_pad (bin, "src");
  if (sink == NULL || gst_pad_link (src, sink) != GST_PAD_LINK_OK)
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                   "Cannot link the sending branch (%s) into webrtcbin.",
                   line == DC_MEDIA_AUDIO_OPUS ? "audio" : "video");
      return FALSE;
    }
  g_autoptr (GstWebRTCRTPTransceiver) trans = NULL;
  g_object_get (sink, "transceiver", &trans, NULL);
  if (trans != NULL)
    dc_media_configure_transceiver (trans, caps);
  return TRUE;
}


/* --- received media; appsink callbacks run on streaming threads --- */

static GstFlowReturn
on_video_sample (GstAppSink *sink, gpointer user_data)
{
  DcEngine *self = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_EOS;

  GstVideoInfo info;
  gboolean have_info = gst_video_info_from_caps (&info, gst_sample_get_caps (sample));
  gboolean first;
  g_mutex_lock (&self->lock);
  first = self->video_frames == 0;
  self->video_frames++;
  dc_gap_stats_add (&self->video_gaps, g_get_monotonic_time ());
  if (have_info)
    {
      self->video_width = GST_VIDEO_INFO_WIDTH (&info);
      self->video_height = GST_VIDEO_INFO_HEIGHT (&info);
    }
  g_clear_pointer (&self->last_frame, gst_sample_unref);
  self->last_frame = g_steal_pointer (&sample);
  g_mutex_unlock (&self->lock);

  if (first)
    dc_engine_link_invoke (self->link, dc_engine_emit_first_frame, NULL, NULL);
  return GST_FLOW_OK;
}

static GstFlowReturn
on_audio_sample (GstAppSink *sink, gpointer user_data)
{
  DcEngine *self = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_EOS;

  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;
  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  gsize n = map.size / sizeof (float);
  g_mutex_lock (&self->lock);
  self->audio_samples += n;
  dc_gap_stats_add (&self->audio_gaps, g_get_monotonic_time ());
  dc_sample_ring_push (&self->audio_ring, (const float *)map.data, n);
  g_mutex_unlock (&self->lock);
  gst_buffer_unmap (buffer, &map);
  return GST_FLOW_OK;
}

static char *
receive_description (const char *media, const GstCaps *caps)
{
  if (g_strcmp0 (media, "video") == 0)
    {
      const DcClientVideoCodec *codec = dc_client_video_codec_for_rtp (caps);
      if (codec == NULL)
        return NULL;
      g_autofree char *decode = dc_client_video_codec_decode_description (codec);
      return g_strdup_printf ("%s ! videoconvert ! video/x-raw,format=RGB ! "
                              "appsink name=sink sync=false", decode);
    }
  if (g_strcmp0 (media, "audio") == 0)
    return g_strdup ("queue ! rtpopusdepay ! opusdec ! audioconvert ! audioresample ! "
                     "audio/x-raw,format=F32LE,rate=48000,channels=1,layout=interleaved ! "
                     "appsink name=sink sync=false");
  return NULL;
}

/* Runs on a streaming thread and must link before data flows, so it is not deferred to the main
 * context; it only touches the pipeline, which is thread-safe. */
static void
on_pad_added (GstElement *webrtc, GstPad *pad, DcEngine *self)
{
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  /* Media arrives: the session exists, and the gateway adapts from this hall's reports. */
  dc_media_set_rtcp_interval (webrtc, DC_MEDIA_RTCP_INTERVAL_MS);
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  const char *media = gst_structure_get_string (gst_caps_get_structure (caps, 0), "media");
  if (dc_engine_get_load (self) != NULL)
    {
      dc_engine_load_link_receive (dc_engine_get_load (self), self->pipeline, pad, media);
      return;
    }
  g_autofree char *custom = dc_engine_controls_receive_description (self, media, caps);
  g_autofree char *description = custom != NULL ? g_steal_pointer (&custom)
                                                : receive_description (media, caps);
  if (description == NULL)
    {
      GST_WARNING ("ignoring a received stream with caps %" GST_PTR_FORMAT, caps);
      return;
    }

  g_autoptr (GError) error = NULL;
  GstElement *bin = gst_parse_bin_from_description (description, TRUE, &error);
  if (bin == NULL)
    {
      GST_ERROR ("cannot build the %s receive branch: %s", media, error->message);
      return;
    }
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (bin), "sink");
  GstAppSinkCallbacks callbacks = { 0 };
  callbacks.new_sample = g_str_equal (media, "video") ? on_video_sample : on_audio_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  dc_engine_controls_attach_sinks (self, bin, media);

  gst_bin_add (GST_BIN (self->pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  g_autoptr (GstPad) bin_sink = gst_element_get_static_pad (bin, "sink");
  if (gst_pad_link (pad, bin_sink) != GST_PAD_LINK_OK)
    GST_ERROR ("cannot link the received %s stream", media);
  else
    GST_INFO ("receiving %s", media);
}

static void
report_pipeline_error (DcEngine *self, gpointer data)
{
  /* A pipeline error is logged; the session carries on where it can (a lost camera should not
   * drop the hall from the conference). */
  g_printerr ("diemcau-client: media error: %s\n", (const char *)data);
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  DcEngine *self = user_data;
  if (dc_engine_controls_bus_message (self, message))
    return G_SOURCE_CONTINUE;
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *debug = NULL;
      gst_message_parse_error (message, &error, &debug);
      GST_WARNING ("pipeline error from %s: %s (%s)", GST_OBJECT_NAME (message->src),
                   error->message, debug);
      g_autofree char *text
          = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (message->src), error->message);
      report_pipeline_error (self, text);
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_WARNING)
    {
      g_autoptr (GError) error = NULL;
      gst_message_parse_warning (message, &error, NULL);
      GST_WARNING ("pipeline warning from %s: %s", GST_OBJECT_NAME (message->src), error->message);
    }
  return G_SOURCE_CONTINUE;
}

gboolean
dc_engine_media_start (DcEngine *self, GError **error)
{
  self->pipeline = gst_pipeline_new ("diemcau-client");
  self->webrtc = gst_element_factory_make ("webrtcbin", "webrtc");
  if (self->webrtc == NULL)
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                   "The GStreamer element webrtcbin is missing (install gstreamer1.0-plugins-bad "
                   "and gstreamer1.0-nice).");
      return FALSE;
    }
  g_object_set (self->webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, "latency", 100,
                NULL);
  gst_bin_add (GST_BIN (self->pipeline), self->webrtc);
  g_signal_connect (self->webrtc, "pad-added", G_CALLBACK (on_pad_added), self);

  DcEngineLoad *load = dc_engine_get_load (self);
  g_autofree char *video
      = load != NULL ? dc_engine_load_video_description (load) : video_send_description (self);
  g_autofree char *audio
      = load != NULL ? dc_engine_load_audio_description (load) : audio_send_description (self);
  if (!dc_ice_configure (self->webrtc, (const char *const *) self->ice_addresses, 0, 0, error)
      || !add_send_branch (self, video, self->video_codec->media_line, error)
      || !add_send_branch (self, audio, DC_MEDIA_AUDIO_OPUS, error))
    {
      dc_engine_media_stop (self);
      return FALSE;
    }
  dc_engine_controls_media_started (self);

  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
                   "The media pipeline does not start (is a camera or microphone missing? "
                   "--test-color and --test-tone replace them).");
      dc_engine_media_stop (self);
      return FALSE;
    }
  if (load != NULL && !dc_engine_load_start (load, self->pipeline, error))
    {
      dc_engine_media_stop (self);
      return FALSE;
    }
  return TRUE;
}

void
dc_engine_media_stop (DcEngine *self)
{
  dc_engine_controls_media_stopping (self);
  if (self->bus_watch != 0)
    {
      g_source_remove (self->bus_watch);
      self->bus_watch = 0;
    }
  if (dc_engine_get_load (self) != NULL)
    dc_engine_load_stop (dc_engine_get_load (self));
  if (self->pipeline != NULL)
    {
      /* Setting NULL joins the streaming threads: no appsink callback runs after this. */
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_clear_object (&self->pipeline);
    }
  self->webrtc = NULL; /* owned by the pipeline */
}

/* --- what the gateway asks the camera to send (send-limits) --- */

int
dc_engine_default_kbps (DcEngine *self)
{
  return MAX (150, self->width * self->height * self->fps / 3000);
}

/* Within both the hall's own size and the gateway's limits, 16:9 kept by the smaller scale,
 * even sizes. The encoder re-initialises at the new size (a keyframe) and its rate follows. */
void
dc_engine_media_apply_send_limits (DcEngine *self, int max_width, int max_height, int max_kbps)
{
  if (self->pipeline == NULL || dc_engine_get_load (self) != NULL)
    return;
  double scale = MIN (1.0, MIN ((double) max_width / self->width,
                                (double) max_height / self->height));
  int width = MAX (16, (int) (self->width * scale) & ~1);
  int height = MAX (16, (int) (self->height * scale) & ~1);
  int kbps = MIN (max_kbps, dc_engine_default_kbps (self));
  g_autoptr (GstElement) caps = gst_bin_get_by_name (GST_BIN (self->pipeline), "camcaps");
  g_autoptr (GstElement) encoder = gst_bin_get_by_name (GST_BIN (self->pipeline), "camenc");
  if (caps == NULL || encoder == NULL)
    return;
  if (width != self->send_width || height != self->send_height)
    {
      g_autoptr (GstCaps) filter
          = gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, width, "height", G_TYPE_INT,
                                 height, "framerate", GST_TYPE_FRACTION, self->fps, 1, NULL);
      g_object_set (caps, "caps", filter, NULL);
    }
  if (kbps != self->send_kbps)
    g_object_set (encoder, self->video_codec->bitrate_property,
                  (guint) (kbps * 1000 / self->video_codec->bitrate_unit), NULL);
  GST_INFO ("sending %dx%d at %d kbit/s (the gateway asks at most %dx%d, %d kbit/s)", width,
            height, kbps, max_width, max_height, max_kbps);
  self->send_width = width;
  self->send_height = height;
  self->send_kbps = kbps;
}

/* --- getters --- */

void
dc_engine_take_gap_windows (DcEngine *self, double *video_gap_ms, double *audio_gap_ms)
{
  g_return_if_fail (DC_IS_ENGINE (self));
  gint64 now = g_get_monotonic_time ();
  g_mutex_lock (&self->lock);
  *video_gap_ms = dc_gap_stats_take_window (&self->video_gaps, now);
  *audio_gap_ms = dc_gap_stats_take_window (&self->audio_gaps, now);
  g_mutex_unlock (&self->lock);
}

void
dc_engine_get_media_stats (DcEngine *self, DcEngineMediaStats *out)
{
  g_return_if_fail (DC_IS_ENGINE (self) && out != NULL);
  g_mutex_lock (&self->lock);
  out->video_frames = self->video_frames;
  out->video_width = self->video_width;
  out->video_height = self->video_height;
  out->video_gaps = self->video_gaps;
  out->audio_samples = self->audio_samples;
  out->audio_gaps = self->audio_gaps;
  g_mutex_unlock (&self->lock);
}

GstSample *
dc_engine_dup_last_frame (DcEngine *self)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), NULL);
  g_mutex_lock (&self->lock);
  GstSample *sample = self->last_frame != NULL ? gst_sample_ref (self->last_frame) : NULL;
  g_mutex_unlock (&self->lock);
  return sample;
}

gsize
dc_engine_copy_audio_tail (DcEngine *self, float *out, gsize max_samples)
{
  g_return_val_if_fail (DC_IS_ENGINE (self), 0);
  g_mutex_lock (&self->lock);
  gsize n = dc_sample_ring_copy (&self->audio_ring, out, max_samples);
  g_mutex_unlock (&self->lock);
  return n;
}

static gboolean
read_stats_entry (GQuark field, const GValue *value, gpointer user_data)
{
  DcEngineNetworkStats *out = user_data;
  const GstStructure *s;
  GstWebRTCStatsType type;
  if (!dc_media_stats_entry (value, &s, &type))
    return TRUE;
  GST_LOG ("stats %" GST_PTR_FORMAT, s);

  if (type == GST_WEBRTC_STATS_OUTBOUND_RTP
      && g_strcmp0 (gst_structure_get_string (s, "kind"), "video") == 0)
    {
      guint64 sent = 0;
      if (gst_structure_get_uint64 (s, "bytes-sent", &sent))
        out->video_bytes_sent += sent;
    }
  else if (type == GST_WEBRTC_STATS_REMOTE_INBOUND_RTP)
    {
      double rtt;
      if (gst_structure_get_double (s, "round-trip-time", &rtt))
        out->rtt_ms = MAX (out->rtt_ms, rtt * 1000.0);
    }
  else if (type == GST_WEBRTC_STATS_INBOUND_RTP)
    {
      gint64 lost = 0;
      guint64 bytes = 0;
      if (gst_structure_get_int64 (s, "packets-lost", &lost))
        out->packets_lost += MAX (lost, 0);
      gst_structure_get_uint64 (s, "bytes-received", &bytes);
      /* Our receive ssrcs carry the gateway's video at 90 kHz and audio at 48 kHz. */
      guint clock_rate = 0;
      const char *codec_id = gst_structure_get_string (s, "codec-id");
      if (gst_structure_get_uint (s, "clock-rate", &clock_rate) && clock_rate == 48000)
        out->audio_bytes_received += bytes;
      else if (codec_id != NULL && strstr (codec_id, "111") != NULL)
        out->audio_bytes_received += bytes;
      else
        out->video_bytes_received += bytes;
    }
  return TRUE;
}

gboolean
dc_engine_get_network_stats (DcEngine *self, DcEngineNetworkStats *out)
{
  g_return_val_if_fail (DC_IS_ENGINE (self) && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  out->rtt_ms = -1.0;
  out->send_width = self->send_width;
  out->send_height = self->send_height;
  out->send_kbps = self->send_kbps;
  if (self->webrtc == NULL)
    return FALSE;

  /* webrtcbin answers on its own thread; waiting here does not need our main loop. */
  GstPromise *promise = gst_promise_new ();
  g_signal_emit_by_name (self->webrtc, "get-stats", NULL, promise);
  gboolean ok = gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED;
  if (ok)
    gst_structure_foreach (gst_promise_get_reply (promise), read_stats_entry, out);
  gst_promise_unref (promise);
  return ok;
}
