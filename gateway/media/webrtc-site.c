#include "webrtc-site.h"

#include <gio/gio.h>
#include <gst/app/app.h>
#include <gst/sdp/sdp.h>
#include <gst/video/video.h>

#include "ice-config.h"
#include "media-profile.h"
#include "site-media.h"
#include "site-private.h"

GST_DEBUG_CATEGORY_STATIC (dc_webrtc_debug);
#define GST_CAT_DEFAULT dc_webrtc_debug

/* A receiver report block about one of the streams the gateway sends (the composition or the
 * hall's mix): cumulative lost packets and the highest sequence number it had seen. */
typedef struct
{
  guint ssrc; /* 0: none */
  guint ext_highest_seq;
  gint packets_lost;
  double jitter_ms, rtt_ms;
} ReportBlock;

#define REPORTED_STREAMS 2 /* video and audio */

/* The composition as sent: packets, and the NACKs the hall sent back for them. */
typedef struct
{
  gboolean found;
  guint64 packets_sent;
  guint nack_count;
} SentVideo;

typedef struct
{
  ReportBlock blocks[REPORTED_STREAMS];
  SentVideo sent;
} LinkFigures;

typedef struct
{
  DcSite base;
  /* immutable after construction */
  DcWebrtcSignals signals;
  const DcVideoCodec *codec;
  GstElement *pipeline;
  GstElement *webrtc;
  DcSiteOutputs outputs; /* the mixers' side, with its own lock (site-media.h) */

  GMutex stats_lock; /* protects what follows: main context and webrtcbin's thread */
  DcSiteStats stats; /* the receiver's last figures, from webrtcbin's get-stats */
  gboolean stats_asked;
  ReportBlock last_blocks[REPORTED_STREAMS];
  SentVideo last_sent;
  gboolean rtcp_tuned; /* main context only */
} WebrtcSite;

#define WEBRTC_SITE(site) ((WebrtcSite *) (site))

/* ---- handing signaling to the owner's main context ---- */

typedef struct
{
  char *text;
  guint mline;
} SignalEvent;

static void
signal_event_free (gpointer data)
{
  SignalEvent *event = data;
  g_free (event->text);
  g_free (event);
}

static void
run_offer (DcSite *site, gpointer data)
{
  SignalEvent *event = data;
  WEBRTC_SITE (site)->signals.local_offer (site, event->text, site->user_data);
}

static void
run_candidate (DcSite *site, gpointer data)
{
  SignalEvent *event = data;
  WEBRTC_SITE (site)->signals.local_candidate (site, event->text, event->mline, site->user_data);
}

static void
post_signal (WebrtcSite *self, DcSiteTask task, const char *text, guint mline)
{
  SignalEvent *event = g_new0 (SignalEvent, 1);
  event->text = g_strdup (text);
  event->mline = mline;
  dc_site_post (&self->base, task, event, signal_event_free);
}

/* ---- offer / answer / candidates (webrtcbin's thread) ---- */

/* Promise callbacks hold no reference: the pipeline, and with it webrtcbin's pending promises,
 * ends before the site is freed, and a closed site ignores them. */
static void
on_offer_created (GstPromise *promise, gpointer data)
{
  WebrtcSite *self = data;
  if (!dc_site_enter (&self->base))
    {
      gst_promise_unref (promise);
      return;
    }
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *offer = NULL;
  if (reply != NULL)
    gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, NULL);
  gst_promise_unref (promise);
  if (offer == NULL)
    dc_site_post_failed (&self->base, "the media engine could not create an offer");
  else
    {
      g_signal_emit_by_name (self->webrtc, "set-local-description", offer, NULL);
      g_autofree char *text = gst_sdp_message_as_text (offer->sdp);
      gst_webrtc_session_description_free (offer);
      post_signal (self, run_offer, text, 0);
    }
  dc_site_leave (&self->base);
}

static void
on_ice_candidate (GstElement *webrtc, guint mline, const char *candidate, gpointer data)
{
  WebrtcSite *self = data;
  if (!dc_site_enter (&self->base))
    return;
  post_signal (self, run_candidate, candidate, mline);
  dc_site_leave (&self->base);
}

static void
on_ice_state (GObject *webrtc, GParamSpec *pspec, gpointer data)
{
  WebrtcSite *self = data;
  GstWebRTCICEConnectionState state;
  g_object_get (webrtc, "ice-connection-state", &state, NULL);
  GST_INFO ("site %s: ICE state %d", self->base.id, state);
  if (state == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    dc_site_post_failed (&self->base, "ICE connectivity failed");
}

static void
on_answer_set (GstPromise *promise, gpointer data)
{
  WebrtcSite *self = data;
  const GstStructure *reply = gst_promise_get_reply (promise);
  if (reply != NULL && gst_structure_has_field (reply, "error") && dc_site_enter (&self->base))
    {
      g_autoptr (GError) error = NULL;
      gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL);
      g_autofree char *why = g_strdup_printf ("the site's answer was rejected: %s",
                                              error ? error->message : "unknown reason");
      dc_site_post_failed (&self->base, why);
      dc_site_leave (&self->base);
    }
  gst_promise_unref (promise);
}

gboolean
dc_webrtc_site_set_answer (DcSite *site, const char *sdp, GError **error)
{
  g_return_val_if_fail (site != NULL && sdp != NULL, FALSE);
  WebrtcSite *self = WEBRTC_SITE (site);
  GstSDPMessage *message = NULL;
  gst_sdp_message_new (&message);
  if (gst_sdp_message_parse_buffer ((const guint8 *) sdp, strlen (sdp), message) != GST_SDP_OK
      || gst_sdp_message_medias_len (message) == 0)
    {
      gst_sdp_message_free (message);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the answer is not an SDP description with media sections");
      return FALSE;
    }
  GstWebRTCSessionDescription *answer
      = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, message);
  GstPromise *promise = gst_promise_new_with_change_func (on_answer_set, self, NULL);
  g_signal_emit_by_name (self->webrtc, "set-remote-description", answer, promise);
  gst_webrtc_session_description_free (answer);
  return TRUE;
}

void
dc_webrtc_site_add_candidate (DcSite *site, const char *candidate, guint mline)
{
  g_return_if_fail (site != NULL && candidate != NULL);
  if (candidate[0] == '\0') /* end of candidates */
    return;
  g_signal_emit_by_name (WEBRTC_SITE (site)->webrtc, "add-ice-candidate", mline, candidate);
}

/* ---- received media (streaming threads) ---- */

static GstElement *
make_receive_branch (WebrtcSite *self, gboolean is_video, GError **error)
{
  if (!is_video)
    return dc_site_media_audio_branch_new (&self->base,
                                           "rtpopusdepay ! opusdec plc=true use-inband-fec=true",
                                           error);
  g_autofree char *depay_decode
      = g_strdup_printf ("%s request-keyframe=true wait-for-keyframe=true ! %s",
                         self->codec->depayloader, self->codec->decoder);
  return dc_site_outputs_video_branch_new (&self->outputs, &self->base, depay_decode, error);
}

static void
link_receive_branch (WebrtcSite *self, GstPad *pad)
{
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  const GstStructure *s = gst_caps_get_structure (caps, 0);
  const char *media = gst_structure_get_string (s, "media");
  gboolean is_video = g_strcmp0 (media, "video") == 0;
  if (!is_video && g_strcmp0 (media, "audio") != 0)
    return;

  g_autoptr (GError) error = NULL;
  GstElement *bin = make_receive_branch (self, is_video, &error);
  if (bin == NULL)
    {
      GST_ERROR ("site %s: no %s branch: %s", self->base.id, media, error->message);
      return;
    }
  gst_bin_add (GST_BIN (self->pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (bin, "sink");
  if (gst_pad_link (pad, sink_pad) != GST_PAD_LINK_OK)
    GST_ERROR ("site %s: could not link the received %s", self->base.id, media);
  else
    GST_INFO ("site %s: receiving %s", self->base.id, media);
}

static void
on_pad_added (GstElement *webrtc, GstPad *pad, gpointer data)
{
  WebrtcSite *self = data;
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || !dc_site_enter (&self->base))
    return;
  link_receive_branch (self, pad);
  dc_site_leave (&self->base);
}

/* An incoming PLI/FIR reaches the payloader as an upstream force-key-unit event. The shared
 * encoder is upstream of every site, so the request goes to the mixer, which coalesces. */
static GstPadProbeReturn
on_upstream_event (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  WebrtcSite *self = data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  if (!gst_video_event_is_force_key_unit (event))
    return GST_PAD_PROBE_OK;
  dc_site_deliver_keyframe_wanted (&self->base);
  return GST_PAD_PROBE_DROP;
}

/* ---- construction ---- */

/* A streaming error in a site's pipeline ends that site at once (the others go on), instead of
 * leaving it silent until the media watchdog notices. */
static GstBusSyncReply
on_bus_message (GstBus *bus, GstMessage *message, gpointer data)
{
  WebrtcSite *self = data;
  dc_site_media_report_error (&self->base, message);
  gst_message_unref (message);
  return GST_BUS_DROP;
}

/* Transceivers exist once the send branches are linked; each gets its codec and NACK now,
 * because 1.22 cannot change a transceiver after negotiation. */
static void
configure_transceiver (WebrtcSite *self, const char *pad_name, const GstCaps *caps)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (self->webrtc, pad_name);
  g_autoptr (GstWebRTCRTPTransceiver) transceiver = NULL;
  g_object_get (pad, "transceiver", &transceiver, NULL);
  dc_media_configure_transceiver (transceiver, caps);
}

/* The video m-line: the codec's, with H.264's level the composition needs. */
static GstCaps *
video_rtp_caps_new (const DcVideoCodec *codec, guint h264_level)
{
  if (codec->media_line == DC_MEDIA_VIDEO_H264)
    return dc_media_h264_rtp_caps_new (h264_level);
  return dc_media_rtp_caps_new (codec->media_line);
}

static void
watch_keyframe_requests (WebrtcSite *self)
{
  g_autoptr (GstPad) webrtc_video_pad = gst_element_get_static_pad (self->webrtc, "sink_0");
  g_autoptr (GstPad) payloader_src = gst_pad_get_peer (webrtc_video_pad);
  g_autoptr (GstElement) payloader = gst_pad_get_parent_element (payloader_src);
  g_autoptr (GstPad) payloader_sink = gst_element_get_static_pad (payloader, "sink");
  gst_pad_add_probe (payloader_sink, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_upstream_event, self,
                     NULL);
}

static gboolean
configure_ice (WebrtcSite *self, const DcWebrtcSiteParams *params, GError **error)
{
  if (params->stun_server && params->stun_server[0])
    g_object_set (self->webrtc, "stun-server", params->stun_server, NULL);
  for (guint i = 0; params->turn_servers && params->turn_servers[i]; i++)
    {
      gboolean added = FALSE;
      g_signal_emit_by_name (self->webrtc, "add-turn-server", params->turn_servers[i], &added);
    }
  return dc_ice_configure (self->webrtc, params->ice_addresses, params->ice_port_min,
                           params->ice_port_max, error);
}

static gboolean
build_pipeline (WebrtcSite *self, const DcWebrtcSiteParams *params, GError **error)
{
  const DcVideoCodec *codec = self->codec;
  g_autoptr (GstCaps) video_caps = video_rtp_caps_new (codec, params->h264_level);
  g_autoptr (GstCaps) audio_caps = dc_media_rtp_caps_new (DC_MEDIA_AUDIO_OPUS);
  g_autofree char *setter = dc_media_payload_caps_setter (video_caps);
  g_autofree char *description = g_strdup_printf (
      "webrtcbin name=webrtc bundle-policy=max-bundle latency=%u "
      "appsrc name=video_src is-live=true format=time max-bytes=4000000 "
      "leaky-type=downstream caps=\"%s\" ! %s%s%s pt=%u%s%s ! webrtc.sink_0 "
      "appsrc name=audio_src is-live=true format=time max-bytes=200000 "
      "leaky-type=downstream "
      "caps=\"audio/x-opus,channel-mapping-family=0,channels=1,rate=48000\" ! "
      "rtpopuspay pt=%u ! webrtc.sink_1",
      params->jitter_latency_ms, codec->encoded_caps, codec->parser ? codec->parser : "",
      codec->parser ? " ! " : "", codec->payloader_description, codec->payload_type,
      setter ? " ! " : "", setter ? setter : "", DC_OPUS_PAYLOAD_TYPE);
  self->pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (self->pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (self->pipeline);
  g_autofree char *name = g_strdup_printf ("site-%s", self->base.id);
  gst_object_set_name (GST_OBJECT (self->pipeline), name);

  self->webrtc = gst_bin_get_by_name (GST_BIN (self->pipeline), "webrtc");
  self->outputs.pipeline = self->pipeline;
  self->outputs.video_src
      = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (self->pipeline), "video_src"));
  self->outputs.audio_src
      = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (self->pipeline), "audio_src"));
  if (!configure_ice (self, params, error))
    return FALSE;
  configure_transceiver (self, "sink_0", video_caps);
  configure_transceiver (self, "sink_1", audio_caps);
  watch_keyframe_requests (self);

  g_autoptr (GstBus) bus = gst_element_get_bus (self->pipeline);
  gst_bus_set_sync_handler (bus, on_bus_message, self, NULL);
  g_signal_connect (self->webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), self);
  g_signal_connect (self->webrtc, "notify::ice-connection-state", G_CALLBACK (on_ice_state),
                    self);
  g_signal_connect (self->webrtc, "pad-added", G_CALLBACK (on_pad_added), self);
  return TRUE;
}

/* ---- sending the mixers' output (mixer threads) ---- */

static void
webrtc_push_video (DcSite *site, GstBuffer *encoded)
{
  dc_site_outputs_push_video (&WEBRTC_SITE (site)->outputs, site, encoded);
}

static void
webrtc_push_audio (DcSite *site, GstBuffer *opus)
{
  dc_site_outputs_push_audio (&WEBRTC_SITE (site)->outputs, site, opus);
}

static void
webrtc_set_tile_size (DcSite *site, int width, int height)
{
  dc_site_outputs_set_tile_size (&WEBRTC_SITE (site)->outputs, width, height);
}

/* ---- link figures (webrtcbin's thread, main context) ---- */

/* remote-inbound-rtp: its gst-rtpsource-stats hold the report block itself, whose highest
 * sequence number tells a fresh report from one already counted (webrtcbin 1.22's own
 * fraction-lost stays 0). Which of the two streams it speaks of varies (1.22 keeps the last block
 * of each report): both cross the same link, so either will do. */
static gboolean
read_link_figures (GQuark field, const GValue *value, gpointer data)
{
  LinkFigures *figures = data;
  ReportBlock *blocks = figures->blocks;
  const GstStructure *s;
  GstWebRTCStatsType type;
  if (!dc_media_stats_entry (value, &s, &type))
    return TRUE;
  if (type == GST_WEBRTC_STATS_OUTBOUND_RTP
      && g_strcmp0 (gst_structure_get_string (s, "kind"), "video") == 0)
    {
      figures->sent.found = gst_structure_get_uint64 (s, "packets-sent", &figures->sent.packets_sent)
                            && gst_structure_get_uint (s, "nack-count", &figures->sent.nack_count);
      return TRUE;
    }
  if (type != GST_WEBRTC_STATS_REMOTE_INBOUND_RTP)
    return TRUE;
  GST_LOG ("%" GST_PTR_FORMAT, s);
  const GValue *nested = gst_structure_get_value (s, "gst-rtpsource-stats");
  ReportBlock block = { 0 };
  gboolean have_rb = FALSE;
  if (nested == NULL || !GST_VALUE_HOLDS_STRUCTURE (nested))
    return TRUE;
  const GstStructure *source = gst_value_get_structure (nested);
  if (!gst_structure_get_boolean (source, "have-rb", &have_rb) || !have_rb
      || !gst_structure_get_uint (source, "rb-ssrc", &block.ssrc)
      || !gst_structure_get_uint (source, "rb-exthighestseq", &block.ext_highest_seq)
      || !gst_structure_get_int (source, "rb-packetslost", &block.packets_lost))
    return TRUE;
  gst_structure_get_double (s, "jitter", &block.jitter_ms);
  gst_structure_get_double (s, "round-trip-time", &block.rtt_ms);
  block.jitter_ms *= 1000.0;
  block.rtt_ms *= 1000.0;
  for (guint i = 0; i < REPORTED_STREAMS; i++)
    if (blocks[i].ssrc == 0 || blocks[i].ssrc == block.ssrc)
      {
        blocks[i] = block;
        break;
      }
  return TRUE;
}

/* Under stats_lock: a fresh report block becomes the loss since the one before it. */
static void
take_report_block (WebrtcSite *self, const ReportBlock *block)
{
  ReportBlock *last = NULL;
  for (guint i = 0; i < REPORTED_STREAMS && last == NULL; i++)
    if (self->last_blocks[i].ssrc == block->ssrc || self->last_blocks[i].ssrc == 0)
      last = &self->last_blocks[i];
  if (last == NULL || block->ext_highest_seq == last->ext_highest_seq)
    return;
  DcSiteStats *stats = &self->stats;
  if (last->ssrc != 0 && block->ext_highest_seq > last->ext_highest_seq)
    {
      double expected = block->ext_highest_seq - last->ext_highest_seq;
      double lost = MAX (block->packets_lost - last->packets_lost, 0);
      double fraction = CLAMP (lost / expected, 0.0, 1.0);
      stats->fraction_lost = stats->have_report ? MAX (stats->fraction_lost, fraction) : fraction;
      stats->have_report = TRUE;
    }
  stats->jitter_ms = block->jitter_ms;
  stats->rtt_ms = block->rtt_ms;
  stats->packets_lost = (guint64) MAX (block->packets_lost, 0);
  *last = *block;
}

/* Under stats_lock. Retransmissions hide loss from the receiver's reports (a packet that came
 * again counts as received) until they too are lost, which on a capped link takes seconds; the
 * hall's NACKs tell it at once: their share of the packets sent counts as loss. */
static void
take_sent_video (WebrtcSite *self, const SentVideo *sent)
{
  SentVideo *last = &self->last_sent;
  if (!sent->found)
    return;
  if (last->found && sent->packets_sent > last->packets_sent && sent->nack_count > last->nack_count)
    {
      double fraction = (double) (sent->nack_count - last->nack_count)
                        / (double) (sent->packets_sent - last->packets_sent);
      fraction = CLAMP (fraction, 0.0, 1.0);
      DcSiteStats *stats = &self->stats;
      stats->fraction_lost = stats->have_report ? MAX (stats->fraction_lost, fraction) : fraction;
      stats->have_report = TRUE;
    }
  *last = *sent;
}

static void
on_stats (GstPromise *promise, gpointer data)
{
  WebrtcSite *self = data;
  LinkFigures figures = { 0 };
  const GstStructure *reply = gst_promise_get_reply (promise);
  if (reply != NULL && dc_site_enter (&self->base))
    {
      gst_structure_foreach (reply, read_link_figures, &figures);
      g_mutex_lock (&self->stats_lock);
      for (guint i = 0; i < REPORTED_STREAMS; i++)
        if (figures.blocks[i].ssrc != 0)
          take_report_block (self, &figures.blocks[i]);
      take_sent_video (self, &figures.sent);
      self->stats_asked = FALSE;
      g_mutex_unlock (&self->stats_lock);
      dc_site_leave (&self->base);
    }
  gst_promise_unref (promise);
}

/* The figures of the last answer (a second old at most when asked every second), and a new
 * question to webrtcbin, which answers on its own thread. */
static void
webrtc_get_stats (DcSite *site, DcSiteStats *out)
{
  WebrtcSite *self = WEBRTC_SITE (site);
  g_mutex_lock (&self->stats_lock);
  *out = self->stats;
  self->stats.have_report = FALSE;
  gboolean ask = !self->stats_asked;
  self->stats_asked = TRUE;
  g_mutex_unlock (&self->stats_lock);
  if (!self->rtcp_tuned)
    self->rtcp_tuned = dc_media_set_rtcp_interval (self->webrtc, DC_MEDIA_RTCP_INTERVAL_MS);
  if (ask)
    g_signal_emit_by_name (self->webrtc, "get-stats", NULL,
                           gst_promise_new_with_change_func (on_stats, self, NULL));
}

/* ---- lifetime ---- */

/* Candidates and state changes of a closed site are of no use to anyone. */
static void
webrtc_detach (DcSite *site)
{
  WebrtcSite *self = WEBRTC_SITE (site);
  if (self->webrtc)
    g_signal_handlers_disconnect_by_data (self->webrtc, self);
}

/* On a teardown-pool thread: stopping webrtcbin can take a while (DTLS, ICE threads). */
static void
webrtc_finalize (DcSite *site)
{
  WebrtcSite *self = WEBRTC_SITE (site);
  if (self->pipeline)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      /* Stopped first, so nothing uses the ICE streams once they are released; the agent and
       * its thread live until webrtcbin goes. */
      dc_ice_release_streams (self->webrtc);
      g_autoptr (GstBus) bus = gst_element_get_bus (self->pipeline);
      gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
      GST_INFO ("site %s: pipeline stopped", site->id);
    }
  dc_site_outputs_clear (&self->outputs);
  g_mutex_clear (&self->stats_lock);
  gst_clear_object (&self->webrtc);
  gst_clear_object (&self->pipeline);
}

static const DcSiteOps webrtc_site_ops = {
  .transport = "webrtc",
  .push_video = webrtc_push_video,
  .push_audio = webrtc_push_audio,
  .set_tile_size = webrtc_set_tile_size,
  .get_stats = webrtc_get_stats,
  .detach = webrtc_detach,
  .finalize = webrtc_finalize,
};

DcSite *
dc_webrtc_site_new (const DcWebrtcSiteParams *params, const DcSiteCallbacks *callbacks,
                    const DcWebrtcSignals *signals, gpointer user_data, DcTeardownPool *teardown,
                    GError **error)
{
  g_return_val_if_fail (params != NULL && params->codec != NULL && callbacks != NULL, NULL);
  g_return_val_if_fail (signals != NULL && teardown != NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (dc_webrtc_debug, "dc-webrtc", 0, "diemcau WebRTC site");

  WebrtcSite *self = g_new0 (WebrtcSite, 1);
  dc_site_init (&self->base, &webrtc_site_ops, params->site_id, params->slot, callbacks,
                user_data, teardown);
  self->signals = *signals;
  self->codec = params->codec;
  self->base.video_codec = params->codec;
  dc_site_outputs_init (&self->outputs, params->tile_width, params->tile_height);
  g_mutex_init (&self->stats_lock);

  DcSite *site = &self->base;
  if (!build_pipeline (self, params, error))
    {
      dc_site_close (site);
      dc_site_unref (site);
      return NULL;
    }
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the site's media pipeline did not start");
      dc_site_close (site);
      dc_site_unref (site);
      return NULL;
    }
  /* The gateway always offers; on-negotiation-needed may fire several times and is ignored. */
  GstPromise *promise = gst_promise_new_with_change_func (on_offer_created, self, NULL);
  g_signal_emit_by_name (self->webrtc, "create-offer", NULL, promise);
  return site;
}
