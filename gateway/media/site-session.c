#include "site-session.h"

#include <gio/gio.h>
#include <gst/app/app.h>
#include <gst/sdp/sdp.h>
#include <gst/video/video.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include "ice-config.h"

GST_DEBUG_CATEGORY_STATIC (dc_session_debug);
#define GST_CAT_DEFAULT dc_session_debug

struct DcSiteSession
{
  gatomicrefcount ref;
  GMutex lock; /* protects callbacks, user_data, closed, waiting_keyframe, tile_caps, audio_* */
  DcSiteSessionCallbacks callbacks;
  gpointer user_data;
  gboolean closed;
  gboolean waiting_keyframe;
  gboolean audio_anchored;
  GstClockTime audio_anchor_pts;
  guint64 audio_anchor_tick;
  GstClockTime video_anchor_pts; /* NONE until the first frame */
  GstClockTime video_anchor_source;
  GMainContext *owner_context;

  char *site_id;
  guint slot;
  const DcVideoCodec *codec;
  int tile_width, tile_height;
  GstElement *tile_caps; /* capsfilter of the decode branch, once the site's video arrives */

  GstElement *pipeline;
  GstElement *webrtc;
  GstAppSrc *video_src;
  GstAppSrc *audio_src;
};

static gboolean
is_closed (DcSiteSession *session)
{
  g_mutex_lock (&session->lock);
  gboolean closed = session->closed;
  g_mutex_unlock (&session->lock);
  return closed;
}

/* ---- handing work to the owner's main context ---- */

typedef enum
{
  EVENT_OFFER,
  EVENT_CANDIDATE,
  EVENT_FAILED,
} OwnerEventKind;

typedef struct
{
  DcSiteSession *session;
  OwnerEventKind kind;
  char *text;
  guint mline;
} OwnerEvent;

static void
owner_event_free (gpointer data)
{
  OwnerEvent *event = data;
  dc_site_session_unref (event->session);
  g_free (event->text);
  g_free (event);
}

static gboolean
owner_event_dispatch (gpointer data)
{
  OwnerEvent *event = data;
  DcSiteSession *session = event->session;

  g_mutex_lock (&session->lock);
  gboolean closed = session->closed;
  DcSiteSessionCallbacks callbacks = session->callbacks;
  gpointer user_data = session->user_data;
  g_mutex_unlock (&session->lock);
  if (closed)
    return G_SOURCE_REMOVE;

  switch (event->kind)
    {
    case EVENT_OFFER:
      callbacks.local_offer (session, event->text, user_data);
      break;
    case EVENT_CANDIDATE:
      callbacks.local_candidate (session, event->text, event->mline, user_data);
      break;
    case EVENT_FAILED:
      callbacks.failed (session, event->text, user_data);
      break;
    }
  return G_SOURCE_REMOVE;
}

/* A webrtcbin signal already under way when the last reference went (the teardown thread is
 * still stopping the pipeline) must not revive the session: that would tear it down twice. */
static gboolean
try_ref (DcSiteSession *session)
{
  gint old;
  do
    {
      old = g_atomic_int_get (&session->ref);
      if (old <= 0)
        return FALSE;
    }
  while (!g_atomic_int_compare_and_exchange (&session->ref, old, old + 1));
  return TRUE;
}

static void
post_to_owner (DcSiteSession *session, OwnerEventKind kind, const char *text, guint mline)
{
  if (!try_ref (session))
    return;
  OwnerEvent *event = g_new0 (OwnerEvent, 1);
  event->session = session;
  event->kind = kind;
  event->text = g_strdup (text);
  event->mline = mline;
  g_main_context_invoke_full (session->owner_context, G_PRIORITY_DEFAULT, owner_event_dispatch,
                              event, owner_event_free);
}

/* ---- offer / answer / candidates (webrtcbin's thread) ---- */

static void
on_offer_created (GstPromise *promise, gpointer data)
{
  DcSiteSession *session = data;
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *offer = NULL;
  if (reply != NULL)
    gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, NULL);
  gst_promise_unref (promise);
  if (offer == NULL)
    {
      post_to_owner (session, EVENT_FAILED, "the media engine could not create an offer", 0);
      dc_site_session_unref (session);
      return;
    }
  g_signal_emit_by_name (session->webrtc, "set-local-description", offer, NULL);
  g_autofree char *text = gst_sdp_message_as_text (offer->sdp);
  gst_webrtc_session_description_free (offer);
  post_to_owner (session, EVENT_OFFER, text, 0);
  dc_site_session_unref (session);
}

static void
on_ice_candidate (GstElement *webrtc, guint mline, const char *candidate, gpointer data)
{
  post_to_owner (data, EVENT_CANDIDATE, candidate, mline);
}

static void
on_ice_state (GObject *webrtc, GParamSpec *pspec, gpointer data)
{
  GstWebRTCICEConnectionState state;
  g_object_get (webrtc, "ice-connection-state", &state, NULL);
  GST_INFO ("site %s: ICE state %d", ((DcSiteSession *) data)->site_id, state);
  if (state == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    post_to_owner (data, EVENT_FAILED, "ICE connectivity failed", 0);
}

static void
on_answer_set (GstPromise *promise, gpointer data)
{
  DcSiteSession *session = data;
  const GstStructure *reply = gst_promise_get_reply (promise);
  if (reply != NULL && gst_structure_has_field (reply, "error"))
    {
      g_autoptr (GError) error = NULL;
      gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL);
      g_autofree char *why = g_strdup_printf ("the site's answer was rejected: %s",
                                              error ? error->message : "unknown reason");
      post_to_owner (session, EVENT_FAILED, why, 0);
    }
  gst_promise_unref (promise);
  dc_site_session_unref (session);
}

gboolean
dc_site_session_set_answer (DcSiteSession *session, const char *sdp, GError **error)
{
  g_return_val_if_fail (session != NULL && sdp != NULL, FALSE);
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
  GstPromise *promise
      = gst_promise_new_with_change_func (on_answer_set, dc_site_session_ref (session), NULL);
  g_signal_emit_by_name (session->webrtc, "set-remote-description", answer, promise);
  gst_webrtc_session_description_free (answer);
  return TRUE;
}

void
dc_site_session_add_candidate (DcSiteSession *session, const char *candidate, guint mline)
{
  g_return_if_fail (session != NULL && candidate != NULL);
  if (candidate[0] == '\0') /* end of candidates */
    return;
  g_signal_emit_by_name (session->webrtc, "add-ice-candidate", mline, candidate);
}

/* ---- received media (streaming threads) ---- */

static GstFlowReturn
on_audio_sample (GstAppSink *sink, gpointer data)
{
  DcSiteSession *session = data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_EOS;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  gboolean closed = is_closed (session);
  /* The callback only copies into the mixer; calling it unlocked avoids lock-order issues. */
  if (!closed && session->callbacks.decoded_audio)
    session->callbacks.decoded_audio (session, (const float *) map.data,
                                      map.size / sizeof (float), session->user_data);
  gst_buffer_unmap (buffer, &map);
  return GST_FLOW_OK;
}

static GstFlowReturn
on_video_sample (GstAppSink *sink, gpointer data)
{
  DcSiteSession *session = data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_EOS;
  gboolean closed = is_closed (session);
  if (!closed && session->callbacks.decoded_video)
    session->callbacks.decoded_video (session, sample, session->user_data);
  return GST_FLOW_OK;
}

static GstCaps *
tile_caps_new (int width, int height)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT,
                              width, "height", G_TYPE_INT, height, "pixel-aspect-ratio",
                              GST_TYPE_FRACTION, 1, 1, NULL);
}

static GstElement *
make_receive_branch (DcSiteSession *session, gboolean is_video, GError **error)
{
  g_autofree char *description = NULL;
  if (is_video)
    description = g_strdup_printf (
        "%s request-keyframe=true wait-for-keyframe=true ! %s ! videoscale ! videoconvert ! "
        /* delayed: frames already on their way at the old tile size still pass while the layout
         * changes; "immediate" would fail them as not-negotiated, and that error travels up
         * the shared receive path and silences the whole site. */
        "capsfilter name=tile_caps caps-change-mode=delayed ! "
        "appsink name=sink sync=false max-buffers=1 drop=true",
        session->codec->depayloader, session->codec->decoder);
  else
    description = g_strdup ("rtpopusdepay ! opusdec plc=true use-inband-fec=true ! audioconvert ! "
                            "audioresample ! audio/x-raw,format=F32LE,rate=48000,channels=1 ! "
                            "appsink name=sink sync=false");
  GstElement *bin = gst_parse_bin_from_description (description, TRUE, error);
  if (bin == NULL)
    return NULL;

  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (bin), "sink");
  GstAppSinkCallbacks callbacks = { 0 };
  callbacks.new_sample = is_video ? on_video_sample : on_audio_sample;
  /* No reference: the pipeline is stopped before the session is freed, and a reference here
   * would keep the session alive through its own pipeline. */
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, session, NULL);
  if (is_video)
    {
      GstElement *caps_filter = gst_bin_get_by_name (GST_BIN (bin), "tile_caps");
      g_mutex_lock (&session->lock);
      g_autoptr (GstCaps) caps = tile_caps_new (session->tile_width, session->tile_height);
      g_object_set (caps_filter, "caps", caps, NULL);
      gst_clear_object (&session->tile_caps);
      session->tile_caps = caps_filter;
      g_mutex_unlock (&session->lock);
    }
  return bin;
}

static void
on_pad_added (GstElement *webrtc, GstPad *pad, gpointer data)
{
  DcSiteSession *session = data;
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  const GstStructure *s = gst_caps_get_structure (caps, 0);
  const char *media = gst_structure_get_string (s, "media");
  gboolean is_video = g_strcmp0 (media, "video") == 0;
  if (!is_video && g_strcmp0 (media, "audio") != 0)
    return;

  g_autoptr (GError) error = NULL;
  GstElement *bin = make_receive_branch (session, is_video, &error);
  if (bin == NULL)
    {
      GST_ERROR ("site %s: no %s branch: %s", session->site_id, media, error->message);
      return;
    }
  gst_bin_add (GST_BIN (session->pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (bin, "sink");
  if (gst_pad_link (pad, sink_pad) != GST_PAD_LINK_OK)
    GST_ERROR ("site %s: could not link the received %s", session->site_id, media);
  else
    GST_INFO ("site %s: receiving %s", session->site_id, media);
}

/* An incoming PLI/FIR reaches the payloader as an upstream force-key-unit event. The shared
 * encoder is upstream of every session, so the request goes to the mixer, which coalesces. */
static GstPadProbeReturn
on_upstream_event (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  DcSiteSession *session = data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  if (!gst_video_event_is_force_key_unit (event))
    return GST_PAD_PROBE_OK;
  gboolean closed = is_closed (session);
  if (!closed && session->callbacks.keyframe_wanted)
    session->callbacks.keyframe_wanted (session, session->user_data);
  return GST_PAD_PROBE_DROP;
}

/* ---- construction ---- */

/* A streaming error in a site's pipeline ends that site at once (the others go on), instead of
 * leaving it silent until the media watchdog notices. */
static GstBusSyncReply
on_bus_message (GstBus *bus, GstMessage *message, gpointer data)
{
  DcSiteSession *session = data;
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR && !is_closed (session))
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *debug = NULL;
      gst_message_parse_error (message, &error, &debug);
      GST_ERROR ("site %s: %s (%s)", session->site_id, error->message, debug ? debug : "");
      g_autofree char *why = g_strdup_printf ("media error: %s", error->message);
      post_to_owner (session, EVENT_FAILED, why, 0);
    }
  gst_message_unref (message);
  return GST_BUS_DROP;
}

static GstCaps *
offer_caps_new (const DcVideoCodec *codec, gboolean is_video)
{
  g_autofree char *text = NULL;
  if (is_video)
    text = g_strdup_printf ("application/x-rtp,media=video,encoding-name=%s,payload=%u,"
                            "clock-rate=90000,rtcp-fb-nack=(boolean)true,"
                            "rtcp-fb-nack-pli=(boolean)true,rtcp-fb-ccm-fir=(boolean)true%s",
                            codec->encoding_name, codec->payload_type, codec->extra_rtp_fields);
  else
    /* opus/48000/2 with explicit fmtp: a mono/stereo mismatch can leave 1.22 receive-only. */
    text = g_strdup_printf ("application/x-rtp,media=audio,encoding-name=OPUS,payload=%u,"
                            "clock-rate=48000,encoding-params=(string)2,minptime=(string)10,"
                            "useinbandfec=(string)1",
                            DC_OPUS_PAYLOAD_TYPE);
  return gst_caps_from_string (text);
}

/* Transceivers exist once the send branches are linked; each gets its codec and NACK now,
 * because 1.22 cannot change a transceiver after negotiation. */
static void
configure_transceiver (DcSiteSession *session, const char *pad_name, gboolean is_video)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (session->webrtc, pad_name);
  g_autoptr (GstWebRTCRTPTransceiver) transceiver = NULL;
  g_object_get (pad, "transceiver", &transceiver, NULL);
  g_autoptr (GstCaps) caps = offer_caps_new (session->codec, is_video);
  g_object_set (transceiver, "codec-preferences", caps, "do-nack", is_video, "direction",
                GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, NULL);
}

static gboolean
build_pipeline (DcSiteSession *session, const DcSiteSessionParams *params, GError **error)
{
  const DcVideoCodec *codec = session->codec;
  g_autofree char *video_caps = g_strcmp0 (codec->name, "h264") == 0
                                    ? g_strdup ("video/x-h264,stream-format=byte-stream,alignment=au")
                                    : g_strdup ("video/x-vp8");
  g_autofree char *description = g_strdup_printf (
      "webrtcbin name=webrtc bundle-policy=max-bundle latency=%u "
      "appsrc name=video_src is-live=true format=time max-bytes=4000000 "
      "leaky-type=downstream caps=\"%s\" ! %s%s%s pt=%u ! webrtc.sink_0 "
      "appsrc name=audio_src is-live=true format=time max-bytes=200000 "
      "leaky-type=downstream "
      "caps=\"audio/x-opus,channel-mapping-family=0,channels=1,rate=48000\" ! "
      "rtpopuspay pt=%u ! webrtc.sink_1",
      params->jitter_latency_ms, video_caps, codec->parser ? codec->parser : "",
      codec->parser ? " ! " : "", codec->payloader_description, codec->payload_type,
      DC_OPUS_PAYLOAD_TYPE);
  session->pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (session->pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (session->pipeline);
  g_autofree char *name = g_strdup_printf ("site-%s", session->site_id);
  gst_object_set_name (GST_OBJECT (session->pipeline), name);

  session->webrtc = gst_bin_get_by_name (GST_BIN (session->pipeline), "webrtc");
  session->video_src = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (session->pipeline), "video_src"));
  session->audio_src = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (session->pipeline), "audio_src"));

  if (params->stun_server && params->stun_server[0])
    g_object_set (session->webrtc, "stun-server", params->stun_server, NULL);
  for (guint i = 0; params->turn_servers && params->turn_servers[i]; i++)
    {
      gboolean added = FALSE;
      g_signal_emit_by_name (session->webrtc, "add-turn-server", params->turn_servers[i], &added);
    }
  if (!dc_ice_configure (session->webrtc, params->ice_addresses, params->ice_port_min,
                         params->ice_port_max, error))
    return FALSE;

  configure_transceiver (session, "sink_0", TRUE);
  configure_transceiver (session, "sink_1", FALSE);

  g_autoptr (GstElement) payloader = NULL;
  g_autoptr (GstPad) webrtc_video_pad = gst_element_get_static_pad (session->webrtc, "sink_0");
  g_autoptr (GstPad) payloader_src = gst_pad_get_peer (webrtc_video_pad);
  payloader = gst_pad_get_parent_element (payloader_src);
  g_autoptr (GstPad) payloader_sink = gst_element_get_static_pad (payloader, "sink");
  gst_pad_add_probe (payloader_sink, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_upstream_event,
                     session, NULL);

  g_autoptr (GstBus) bus = gst_element_get_bus (session->pipeline);
  gst_bus_set_sync_handler (bus, on_bus_message, session, NULL);

  g_signal_connect (session->webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), session);
  g_signal_connect (session->webrtc, "notify::ice-connection-state", G_CALLBACK (on_ice_state),
                    session);
  g_signal_connect (session->webrtc, "pad-added", G_CALLBACK (on_pad_added), session);
  return TRUE;
}

DcSiteSession *
dc_site_session_new (const DcSiteSessionParams *params, const DcSiteSessionCallbacks *callbacks,
                     gpointer user_data, GError **error)
{
  g_return_val_if_fail (params != NULL && params->codec != NULL && callbacks != NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (dc_session_debug, "dc-session", 0, "diemcau site session");

  DcSiteSession *session = g_new0 (DcSiteSession, 1);
  g_atomic_ref_count_init (&session->ref);
  g_mutex_init (&session->lock);
  session->callbacks = *callbacks;
  session->user_data = user_data;
  session->owner_context = g_main_context_ref_thread_default ();
  session->site_id = g_strdup (params->site_id);
  session->slot = params->slot;
  session->codec = params->codec;
  session->tile_width = params->tile_width;
  session->tile_height = params->tile_height;
  session->waiting_keyframe = TRUE;
  session->video_anchor_pts = GST_CLOCK_TIME_NONE;

  if (!build_pipeline (session, params, error))
    {
      dc_site_session_unref (session);
      return NULL;
    }
  if (gst_element_set_state (session->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the site's media pipeline did not start");
      dc_site_session_unref (session);
      return NULL;
    }
  /* The gateway always offers; on-negotiation-needed may fire several times and is ignored. */
  GstPromise *promise
      = gst_promise_new_with_change_func (on_offer_created, dc_site_session_ref (session), NULL);
  g_signal_emit_by_name (session->webrtc, "create-offer", NULL, promise);
  return session;
}

/* ---- sending the mixers' output (mixer threads) ---- */

/* The composition's frames carry a steady clock (video-mixer.c); each site's copy keeps those
 * intervals, shifted so its first frame lands at this pipeline's running time. */
void
dc_site_session_push_video (DcSiteSession *session, GstBuffer *encoded)
{
  gboolean is_delta = GST_BUFFER_FLAG_IS_SET (encoded, GST_BUFFER_FLAG_DELTA_UNIT);
  GstClockTime source_pts = GST_BUFFER_PTS (encoded);
  g_mutex_lock (&session->lock);
  gboolean send = !session->closed && !(session->waiting_keyframe && is_delta)
                  && GST_CLOCK_TIME_IS_VALID (source_pts);
  if (send && !GST_CLOCK_TIME_IS_VALID (session->video_anchor_pts))
    {
      GstClockTime now = gst_element_get_current_running_time (session->pipeline);
      session->video_anchor_pts = GST_CLOCK_TIME_IS_VALID (now) ? now : 0;
      session->video_anchor_source = source_pts;
    }
  send = send && source_pts >= session->video_anchor_source;
  GstClockTime pts = send ? session->video_anchor_pts + (source_pts - session->video_anchor_source)
                          : GST_CLOCK_TIME_NONE;
  if (send)
    session->waiting_keyframe = FALSE;
  g_mutex_unlock (&session->lock);
  if (!send)
    return;
  /* The encoded picture is shared by every site: push a metadata copy (same memory). */
  GstBuffer *copy = gst_buffer_copy (encoded);
  GST_BUFFER_PTS (copy) = pts;
  GST_BUFFER_DTS (copy) = pts;
  gst_app_src_push_buffer (session->video_src, copy);
}

/* Audio packets are stamped exactly 20 ms apart from the mixer's tick number, not from when
 * they happen to be pushed: browsers' jitter buffers read timestamp jitter as loss and conceal,
 * which distorts the mix. The first packet anchors the count to this pipeline's running time. */
void
dc_site_session_push_audio (DcSiteSession *session, GstBuffer *opus)
{
  if (is_closed (session))
    return;
  guint64 tick = GST_BUFFER_OFFSET (opus);
  g_mutex_lock (&session->lock);
  if (!session->audio_anchored)
    {
      GstClockTime now = gst_element_get_current_running_time (session->pipeline);
      session->audio_anchor_pts = GST_CLOCK_TIME_IS_VALID (now) ? now : 0;
      session->audio_anchor_tick = tick;
      session->audio_anchored = TRUE;
    }
  GstClockTime pts = tick >= session->audio_anchor_tick
                         ? session->audio_anchor_pts
                               + (tick - session->audio_anchor_tick) * 20 * GST_MSECOND
                         : GST_CLOCK_TIME_NONE;
  g_mutex_unlock (&session->lock);
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return;
  GstBuffer *copy = gst_buffer_copy (opus);
  GST_BUFFER_PTS (copy) = pts;
  GST_BUFFER_DTS (copy) = pts;
  gst_app_src_push_buffer (session->audio_src, copy);
}

void
dc_site_session_set_tile_size (DcSiteSession *session, int width, int height)
{
  g_mutex_lock (&session->lock);
  session->tile_width = width;
  session->tile_height = height;
  GstElement *caps_filter = session->tile_caps ? gst_object_ref (session->tile_caps) : NULL;
  g_mutex_unlock (&session->lock);
  if (caps_filter)
    {
      g_autoptr (GstCaps) caps = tile_caps_new (width, height);
      g_object_set (caps_filter, "caps", caps, NULL);
      gst_object_unref (caps_filter);
    }
}

/* ---- lifetime ---- */

const char *
dc_site_session_get_site_id (DcSiteSession *session)
{
  return session->site_id;
}

guint
dc_site_session_get_slot (DcSiteSession *session)
{
  return session->slot;
}

DcSiteSession *
dc_site_session_ref (DcSiteSession *session)
{
  g_atomic_ref_count_inc (&session->ref);
  return session;
}

void
dc_site_session_close (DcSiteSession *session)
{
  g_mutex_lock (&session->lock);
  session->closed = TRUE;
  g_mutex_unlock (&session->lock);
  /* Candidates and state changes of a closed session are of no use to anyone. */
  g_signal_handlers_disconnect_by_data (session->webrtc, session);
}

/* Stopping a webrtcbin pipeline can take a while (DTLS, ICE threads); never on the main loop. */
static gpointer
teardown_thread (gpointer data)
{
  DcSiteSession *session = data;
  if (session->pipeline)
    {
      gst_element_set_state (session->pipeline, GST_STATE_NULL);
      GST_INFO ("site %s: pipeline stopped", session->site_id);
    }
  gst_clear_object (&session->tile_caps);
  gst_clear_object (&session->webrtc);
  gst_clear_object (&session->video_src);
  gst_clear_object (&session->audio_src);
  gst_clear_object (&session->pipeline);
  g_main_context_unref (session->owner_context);
  g_mutex_clear (&session->lock);
  g_free (session->site_id);
  g_free (session);
  return NULL;
}

void
dc_site_session_unref (DcSiteSession *session)
{
  if (!g_atomic_ref_count_dec (&session->ref))
    return;
  g_thread_unref (g_thread_new ("dc-teardown", teardown_thread, session));
}
