#include "sip-site.h"

#include <gst/app/app.h>
#include <gst/net/net.h>
#include <gst/video/video.h>
#include <stdio.h>

#include "site-media.h"
#include "srtp-keys.h"
#include "site-private.h"

GST_DEBUG_CATEGORY_STATIC (dc_sip_site_debug);
#define GST_CAT_DEFAULT dc_sip_site_debug

#define AUDIO_SESSION 0
#define VIDEO_SESSION 1
/* Keyframe requests to the hall closer together than this are one. */
#define HALL_KEYFRAME_INTERVAL_US (1000 * 1000)

/* How each audio codec is carried: RTP caps, and the gst_parse texts from the mixer's 48 kHz
 * samples to RTP (the payloader last, its payload type appended) and back. */
typedef struct
{
  const char *encoding_name;
  const char *encode; /* after audioresample to the codec's rate */
  const char *decode;
} AudioCodecPlumbing;

static const AudioCodecPlumbing audio_plumbing[] = {
  [DC_SIP_AUDIO_OPUS] = { "OPUS", "opusenc bitrate=48000 inband-fec=true ! rtpopuspay",
                          "rtpopusdepay ! opusdec plc=true use-inband-fec=true" },
  [DC_SIP_AUDIO_G722] = { "G722", "avenc_g722 ! rtpg722pay", "rtpg722depay ! avdec_g722" },
  [DC_SIP_AUDIO_PCMU] = { "PCMU", "mulawenc ! rtppcmupay", "rtppcmudepay ! mulawdec" },
  [DC_SIP_AUDIO_PCMA] = { "PCMA", "alawenc ! rtppcmapay", "rtppcmadepay ! alawdec" },
};

/* The return path of one port: where the hall said it listens, or where its packets really come
 * from once one has arrived (symmetric RTP: a hall behind NAT advertises an address nobody can
 * reach). Touched by the udpsrc's streaming thread and the main context. */
typedef struct
{
  GstElement *sink; /* the udpsink sending from the same socket */
  gint latched; /* atomic */
} ReturnPath;

typedef struct
{
  DcSite base;
  /* immutable after construction */
  DcSipMedia media;
  DcRtpPorts audio_ports, video_ports;
  gboolean has_video;
  GstElement *pipeline;
  ReturnPath paths[4]; /* audio RTP, audio RTCP, video RTP, video RTCP */
  GstCaps *srtp_keys[2]; /* what srtpdec asks for, per session, when the stream is SRTP */
  DcSipSignals signals;

  DcSiteOutputs outputs; /* the mixers' side, with its own lock (site-media.h) */

  GMutex keyframe_lock; /* protects last_hall_keyframe_us (streaming threads) */
  gint64 last_hall_keyframe_us; /* when the hall was last asked for a keyframe */
} SipSite;

#define SIP_SITE(site) ((SipSite *) (site))

/* ---- building ---- */

#define SRTP_SUITE                                                                             \
  "srtp-cipher=(string)aes-128-icm,srtp-auth=(string)hmac-sha1-80,"                           \
  "srtcp-cipher=(string)aes-128-icm,srtcp-auth=(string)hmac-sha1-80"

/* The hall's key as caps srtpdec reads (AES_CM_128_HMAC_SHA1_80, the only suite accepted). */
static char *
srtp_caps_fields (const DcSipStream *stream)
{
  g_autofree char *key = dc_srtp_key_to_caps_value (stream->remote_key);
  return g_strdup_printf ("srtp-key=%s," SRTP_SUITE, key);
}

/* The network side of one RTP session: udpsrc and udpsink on the session's sockets, with
 * srtpdec and srtpenc between them and rtpbin when the stream is SDES-SRTP. */
static char *
session_transport (const char *kind, guint session, const char *rtp_fields,
                   const DcSipStream *stream)
{
  if (!stream->srtp)
    return g_strdup_printf (
        "udpsrc name=%1$s_rtp_src caps=\"application/x-rtp,%3$s\" ! rtpbin.recv_rtp_sink_%2$u "
        "udpsrc name=%1$s_rtcp_src ! rtpbin.recv_rtcp_sink_%2$u "
        "rtpbin.send_rtp_src_%2$u ! udpsink name=%1$s_rtp_sink sync=false async=false "
        "rtpbin.send_rtcp_src_%2$u ! udpsink name=%1$s_rtcp_sink sync=false async=false ",
        kind, session, rtp_fields);
  g_autofree char *keys = srtp_caps_fields (stream);
  return g_strdup_printf (
      "srtpdec name=%1$s_srtpdec srtpenc name=%1$s_srtpenc "
      "udpsrc name=%1$s_rtp_src caps=\"application/x-srtp,%3$s,%4$s\" ! %1$s_srtpdec.rtp_sink "
      "%1$s_srtpdec.rtp_src ! rtpbin.recv_rtp_sink_%2$u "
      "udpsrc name=%1$s_rtcp_src caps=\"application/x-srtcp,%4$s\" ! %1$s_srtpdec.rtcp_sink "
      "%1$s_srtpdec.rtcp_src ! rtpbin.recv_rtcp_sink_%2$u "
      "rtpbin.send_rtp_src_%2$u ! %1$s_srtpenc.rtp_sink_0 "
      "%1$s_srtpenc.rtp_src_0 ! udpsink name=%1$s_rtp_sink sync=false async=false "
      "rtpbin.send_rtcp_src_%2$u ! %1$s_srtpenc.rtcp_sink_0 "
      "%1$s_srtpenc.rtcp_src_0 ! udpsink name=%1$s_rtcp_sink sync=false async=false ",
      kind, session, rtp_fields, keys);
}

static char *
audio_description (const SipSite *self)
{
  const DcSipMedia *m = &self->media;
  const AudioCodecPlumbing *codec = &audio_plumbing[m->audio_codec];
  guint rate = dc_sip_audio_codec_sample_rate (m->audio_codec);
  gboolean framed_by_ptime = m->audio_codec != DC_SIP_AUDIO_OPUS;
  g_autofree char *ptime = framed_by_ptime
                               ? g_strdup_printf (" min-ptime=%" G_GUINT64_FORMAT
                                                  " max-ptime=%" G_GUINT64_FORMAT,
                                                  (guint64) m->ptime_ms * GST_MSECOND,
                                                  (guint64) m->ptime_ms * GST_MSECOND)
                               : g_strdup ("");
  g_autofree char *fields = g_strdup_printf ("media=audio,payload=%u,clock-rate=%u,"
                                             "encoding-name=%s",
                                             m->audio.payload_type, m->audio.clock_rate,
                                             codec->encoding_name);
  g_autofree char *transport = session_transport ("audio", 0, fields, &m->audio);
  return g_strdup_printf (
      "%s appsrc name=audio_src is-live=true format=time max-bytes=200000 "
      "leaky-type=downstream "
      "caps=\"audio/x-raw,format=F32LE,rate=48000,channels=1,layout=interleaved\" ! "
      "audioconvert ! audioresample ! audio/x-raw,rate=%u,channels=1 ! %s pt=%u%s ! "
      "rtpbin.send_rtp_sink_0 ",
      transport, rate, codec->encode, m->audio.payload_type, ptime);
}

static char *
video_payloader (const SipSite *self, const DcVideoCodec *codec)
{
  if (self->media.video_codec != DC_SIP_VIDEO_H264)
    return g_strdup (codec->payloader_description);
  /* Mode 0 (single NAL unit) forbids aggregation; the encoder keeps every NAL under the MTU
   * (media-codec.c), so no fragmentation is ever needed either. */
  return g_strdup_printf ("rtph264pay config-interval=-1 mtu=1200 aggregate-mode=%s",
                          self->media.h264_packetization_mode == 0 ? "none" : "zero-latency");
}

static char *
video_description (const SipSite *self, const DcVideoCodec *codec)
{
  const DcSipMedia *m = &self->media;
  g_autofree char *payloader = video_payloader (self, codec);
  g_autofree char *fields = g_strdup_printf (
      "media=video,payload=%u,clock-rate=90000,encoding-name=%s%s%s", m->video.payload_type,
      codec->encoding_name, m->video_pli ? ",rtcp-fb-nack-pli=(boolean)true" : "",
      m->video_fir ? ",rtcp-fb-ccm-fir=(boolean)true" : "");
  g_autofree char *transport = session_transport ("video", 1, fields, &m->video);
  return g_strdup_printf (
      "%s appsrc name=video_src is-live=true format=time max-bytes=4000000 "
      "leaky-type=downstream caps=\"%s\" ! %s name=video_pay pt=%u ! rtpbin.send_rtp_sink_1 ",
      transport, codec->encoded_caps, payloader, m->video.payload_type);
}

static GstElement *
child (SipSite *self, const char *name)
{
  return gst_bin_get_by_name (GST_BIN (self->pipeline), name);
}

static void
set_destination (GstElement *sink, const char *address, guint port)
{
  g_object_set (sink, "host", address, "port", (int) port, NULL);
}

/* Both ends of a port use the one socket: udpsrc receives, udpsink sends from it. */
static void
wire_socket (SipSite *self, const char *src_name, const char *sink_name, GSocket *socket,
             const char *address, guint port, ReturnPath *path)
{
  g_autoptr (GstElement) src = child (self, src_name);
  g_autoptr (GstElement) sink = child (self, sink_name);
  g_object_set (src, "socket", socket, "close-socket", FALSE, NULL);
  g_object_set (sink, "socket", socket, "close-socket", FALSE, NULL);
  set_destination (sink, address, port);
  path->sink = gst_object_ref (sink);
}

/* ---- received media (streaming threads) ---- */

static GstPadProbeReturn
on_received_packet (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  ReturnPath *path = data;
  if (g_atomic_int_get (&path->latched))
    return GST_PAD_PROBE_OK;
  GstNetAddressMeta *meta = gst_buffer_get_net_address_meta (GST_PAD_PROBE_INFO_BUFFER (info));
  if (meta == NULL || !G_IS_INET_SOCKET_ADDRESS (meta->addr))
    return GST_PAD_PROBE_OK;
  GInetSocketAddress *from = G_INET_SOCKET_ADDRESS (meta->addr);
  g_autofree char *address = g_inet_address_to_string (g_inet_socket_address_get_address (from));
  guint port = g_inet_socket_address_get_port (from);
  set_destination (path->sink, address, port);
  g_atomic_int_set (&path->latched, TRUE);
  GST_INFO ("media now returns to %s:%u, where it comes from", address, port);
  return GST_PAD_PROBE_OK;
}

static void
watch_return_path (SipSite *self, const char *src_name, ReturnPath *path)
{
  g_autoptr (GstElement) src = child (self, src_name);
  g_autoptr (GstPad) pad = gst_element_get_static_pad (src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_received_packet, path, NULL);
}

/* rtpbin asks what a payload type is when a packet of one it has no caps for arrives: the
 * hall's telephone events share the audio session with its codec. */
static GstCaps *
on_request_pt_map (GstElement *rtpbin, guint session, guint pt, gpointer data)
{
  SipSite *self = data;
  if (session != AUDIO_SESSION || pt == 0 || pt != self->media.telephone_event_pt)
    return NULL;
  return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio", "payload",
                              G_TYPE_INT, (int) pt, "clock-rate", G_TYPE_INT, 8000,
                              "encoding-name", G_TYPE_STRING, "TELEPHONE-EVENT", NULL);
}

static GstElement *
make_receive_branch (SipSite *self, guint session, guint pt, GError **error)
{
  if (session == AUDIO_SESSION && pt != 0 && pt == self->media.telephone_event_pt)
    return gst_parse_bin_from_description ("rtpdtmfdepay ! fakesink sync=false async=false",
                                           TRUE, error);
  if (session == AUDIO_SESSION)
    return dc_site_media_audio_branch_new (&self->base,
                                           audio_plumbing[self->media.audio_codec].decode, error);
  const DcVideoCodec *codec = self->base.video_codec;
  g_autofree char *depay_decode
      = g_strdup_printf ("%s request-keyframe=true wait-for-keyframe=true ! %s",
                         codec->depayloader, codec->decoder);
  return dc_site_outputs_video_branch_new (&self->outputs, &self->base, depay_decode, error);
}

static void
run_keyframe_from_hall (DcSite *site, gpointer data)
{
  SIP_SITE (site)->signals.keyframe_from_hall (site, site->user_data);
}

/* The depayloader asks for a keyframe (a new stream, a lost packet) as an upstream event;
 * rtpbin turns it into PLI where the hall offered it, and the signaling sends INFO. */
static GstPadProbeReturn
on_decoder_wants_keyframe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  SipSite *self = data;
  if (!gst_video_event_is_force_key_unit (GST_PAD_PROBE_INFO_EVENT (info)))
    return GST_PAD_PROBE_OK;
  gint64 now = g_get_monotonic_time ();
  g_mutex_lock (&self->keyframe_lock);
  gboolean ask = self->signals.keyframe_from_hall
                 && now - self->last_hall_keyframe_us >= HALL_KEYFRAME_INTERVAL_US;
  if (ask)
    self->last_hall_keyframe_us = now;
  g_mutex_unlock (&self->keyframe_lock);
  if (ask)
    dc_site_post (&self->base, run_keyframe_from_hall, NULL, NULL);
  return GST_PAD_PROBE_OK;
}

/* rtpbin names its pads recv_rtp_src_SESSION_SSRC_PT; a new SSRC (a hall that restarted its
 * stream) gets a new pad and a new branch. */
static void
on_pad_added (GstElement *rtpbin, GstPad *pad, gpointer data)
{
  SipSite *self = data;
  guint session = 0, ssrc = 0, pt = 0;
  g_autofree char *name = gst_pad_get_name (pad);
  if (sscanf (name, "recv_rtp_src_%u_%u_%u", &session, &ssrc, &pt) != 3
      || !dc_site_enter (&self->base))
    return;
  g_autoptr (GError) error = NULL;
  GstElement *bin = make_receive_branch (self, session, pt, &error);
  if (bin == NULL)
    GST_ERROR ("site %s: no branch for session %u: %s", self->base.id, session, error->message);
  else
    {
      gst_bin_add (GST_BIN (self->pipeline), bin);
      gst_element_sync_state_with_parent (bin);
      g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (bin, "sink");
      if (session == VIDEO_SESSION)
        gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_decoder_wants_keyframe,
                           self, NULL);
      if (gst_pad_link (pad, sink_pad) != GST_PAD_LINK_OK)
        GST_ERROR ("site %s: could not link %s", self->base.id, name);
      else
        GST_INFO ("site %s: receiving %s (SSRC %08x, pt %u)", self->base.id,
                  session == AUDIO_SESSION ? "audio" : "video", ssrc, pt);
    }
  dc_site_leave (&self->base);
}

/* A PLI or FIR from the hall reaches the payloader as an upstream force-key-unit event; the
 * shared encoder is the mixer's, which coalesces the requests of every site. */
static GstPadProbeReturn
on_upstream_event (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  SipSite *self = data;
  if (!gst_video_event_is_force_key_unit (GST_PAD_PROBE_INFO_EVENT (info)))
    return GST_PAD_PROBE_OK;
  dc_site_deliver_keyframe_wanted (&self->base);
  return GST_PAD_PROBE_DROP;
}

static void
run_key_pressed (DcSite *site, gpointer data)
{
  if (SIP_SITE (site)->signals.key_pressed)
    SIP_SITE (site)->signals.key_pressed (site, GPOINTER_TO_INT (data), site->user_data);
}

/* rtpdtmfdepay tells each telephone event's start as a "dtmf-event" element message. */
static void
take_key (SipSite *self, GstMessage *message)
{
  const GstStructure *s = gst_message_get_structure (message);
  int event = -1;
  if (s && gst_structure_has_name (s, "dtmf-event")
      && gst_structure_get_int (s, "number", &event))
    {
      GST_INFO ("site %s: key %d", self->base.id, event);
      dc_site_post (&self->base, run_key_pressed, GINT_TO_POINTER (event), NULL);
    }
}

static GstBusSyncReply
on_bus_message (GstBus *bus, GstMessage *message, gpointer data)
{
  SipSite *self = data;
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ELEMENT)
    take_key (self, message);
  else
    dc_site_media_report_error (&self->base, message);
  gst_message_unref (message);
  return GST_BUS_DROP;
}

static void
wire_video (SipSite *self)
{
  const DcSipStream *video = &self->media.video;
  wire_socket (self, "video_rtp_src", "video_rtp_sink", self->video_ports.rtp, video->address,
               video->port, &self->paths[2]);
  wire_socket (self, "video_rtcp_src", "video_rtcp_sink", self->video_ports.rtcp,
               video->address, video->port + 1, &self->paths[3]);
  self->outputs.video_src = GST_APP_SRC (child (self, "video_src"));
  g_autoptr (GstElement) payloader = child (self, "video_pay");
  g_autoptr (GstPad) sink = gst_element_get_static_pad (payloader, "sink");
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_upstream_event, self, NULL);
}

/* srtpdec asks for a key for every new SSRC; the hall has one key per stream (SDES). */
static GstCaps *
on_request_key (GstElement *srtpdec, guint ssrc, gpointer data)
{
  return gst_caps_copy (data);
}

static gboolean
wire_srtp (SipSite *self, const char *kind, guint session, const DcSipStream *stream,
           const char *local_key, GError **error)
{
  g_autoptr (GstBuffer) key = dc_srtp_key_decode (local_key);
  g_autofree char *remote = dc_srtp_key_to_caps_value (stream->remote_key);
  if (key == NULL || remote == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the %s stream's SRTP keys are missing or not 30 bytes", kind);
      return FALSE;
    }
  g_autofree char *enc_name = g_strdup_printf ("%s_srtpenc", kind);
  g_autofree char *dec_name = g_strdup_printf ("%s_srtpdec", kind);
  g_autoptr (GstElement) enc = child (self, enc_name);
  g_autoptr (GstElement) dec = child (self, dec_name);
  g_object_set (enc, "key", key, NULL);
  g_autofree char *caps_text = g_strdup_printf ("application/x-srtp,srtp-key=%s," SRTP_SUITE,
                                                remote);
  self->srtp_keys[session] = gst_caps_from_string (caps_text);
  g_signal_connect (dec, "request-key", G_CALLBACK (on_request_key), self->srtp_keys[session]);
  return TRUE;
}

static gboolean
build_pipeline (SipSite *self, const DcSipSiteParams *params, GError **error)
{
  guint latency_ms = params->jitter_latency_ms;
  g_autofree char *audio = audio_description (self);
  g_autofree char *video = self->has_video ? video_description (self, self->base.video_codec)
                                           : g_strdup ("");
  /* AVPF: keyframe requests go out at once, not at the next regular RTCP interval. */
  g_autofree char *description
      = g_strdup_printf ("rtpbin name=rtpbin latency=%u rtp-profile=avpf %s%s", latency_ms,
                         audio, video);
  self->pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (self->pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (self->pipeline);
  g_autofree char *name = g_strdup_printf ("sip-site-%s", self->base.id);
  gst_object_set_name (GST_OBJECT (self->pipeline), name);

  const DcSipStream *audio_stream = &self->media.audio;
  wire_socket (self, "audio_rtp_src", "audio_rtp_sink", self->audio_ports.rtp,
               audio_stream->address, audio_stream->port, &self->paths[0]);
  wire_socket (self, "audio_rtcp_src", "audio_rtcp_sink", self->audio_ports.rtcp,
               audio_stream->address, audio_stream->port + 1, &self->paths[1]);
  self->outputs.pipeline = self->pipeline;
  self->outputs.audio_src = GST_APP_SRC (child (self, "audio_src"));
  if (self->has_video)
    wire_video (self);
  if ((self->media.audio.srtp
       && !wire_srtp (self, "audio", 0, &self->media.audio, params->audio_local_key, error))
      || (self->has_video && self->media.video.srtp
          && !wire_srtp (self, "video", 1, &self->media.video, params->video_local_key, error)))
    return FALSE;
  static const char *const sources[] = { "audio_rtp_src", "audio_rtcp_src", "video_rtp_src",
                                         "video_rtcp_src" };
  for (guint i = 0; i < (self->has_video ? 4u : 2u); i++)
    watch_return_path (self, sources[i], &self->paths[i]);

  g_autoptr (GstBus) bus = gst_element_get_bus (self->pipeline);
  gst_bus_set_sync_handler (bus, on_bus_message, self, NULL);
  g_autoptr (GstElement) rtpbin = child (self, "rtpbin");
  g_signal_connect (rtpbin, "pad-added", G_CALLBACK (on_pad_added), self);
  g_signal_connect (rtpbin, "request-pt-map", G_CALLBACK (on_request_pt_map), self);
  return TRUE;
}

/* ---- sending the mixers' output (mixer threads) ---- */

static void
sip_push_video (DcSite *site, GstBuffer *encoded)
{
  dc_site_outputs_push_video (&SIP_SITE (site)->outputs, site, encoded);
}

static void
sip_push_audio (DcSite *site, GstBuffer *pcm)
{
  dc_site_outputs_push_audio (&SIP_SITE (site)->outputs, site, pcm);
}

static void
sip_set_tile_size (DcSite *site, int width, int height)
{
  dc_site_outputs_set_tile_size (&SIP_SITE (site)->outputs, width, height);
}

/* ---- lifetime ---- */

static void
sip_detach (DcSite *site)
{
  SipSite *self = SIP_SITE (site);
  g_autoptr (GstElement) rtpbin = self->pipeline ? child (self, "rtpbin") : NULL;
  if (rtpbin)
    g_signal_handlers_disconnect_by_data (rtpbin, self);
}

static void
close_ports (DcRtpPorts *ports)
{
  if (ports->rtp)
    g_socket_close (ports->rtp, NULL);
  if (ports->rtcp)
    g_socket_close (ports->rtcp, NULL);
  dc_rtp_ports_clear (ports);
}

static void
sip_finalize (DcSite *site)
{
  SipSite *self = SIP_SITE (site);
  if (self->pipeline)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_autoptr (GstBus) bus = gst_element_get_bus (self->pipeline);
      gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->paths); i++)
    gst_clear_object (&self->paths[i].sink);
  for (guint i = 0; i < G_N_ELEMENTS (self->srtp_keys); i++)
    gst_clear_caps (&self->srtp_keys[i]);
  dc_site_outputs_clear (&self->outputs);
  gst_clear_object (&self->pipeline);
  /* Closed only now: the stopped pipeline no longer reads or writes them. */
  close_ports (&self->audio_ports);
  close_ports (&self->video_ports);
  dc_sip_media_clear (&self->media);
  g_mutex_clear (&self->keyframe_lock);
}

static const DcSiteOps sip_site_ops = {
  .transport = "sip",
  .takes_pcm_audio = TRUE,
  .push_video = sip_push_video,
  .push_audio = sip_push_audio,
  .set_tile_size = sip_set_tile_size,
  .detach = sip_detach,
  .finalize = sip_finalize,
};

static void
copy_stream (DcSipStream *to, const DcSipStream *from)
{
  *to = *from;
  to->address = g_strdup (from->address);
  to->remote_key = g_strdup (from->remote_key);
}

DcSite *
dc_sip_site_new (const DcSipSiteParams *params, const DcSiteCallbacks *callbacks,
                 const DcSipSignals *signals, gpointer user_data, DcTeardownPool *teardown,
                 GError **error)
{
  g_return_val_if_fail (params != NULL && params->media != NULL && callbacks != NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (dc_sip_site_debug, "dc-sip-site", 0, "diemcau SIP hall media");

  SipSite *self = g_new0 (SipSite, 1);
  dc_site_init (&self->base, &sip_site_ops, params->site_id, params->slot, callbacks, user_data,
                teardown);
  g_mutex_init (&self->keyframe_lock);
  if (signals)
    self->signals = *signals;
  self->media = *params->media;
  copy_stream (&self->media.audio, &params->media->audio);
  copy_stream (&self->media.video, &params->media->video);
  self->audio_ports = *params->audio_ports;
  *params->audio_ports = (DcRtpPorts){ 0 };
  self->has_video = params->media->video.port != 0 && params->video_codec != NULL
                    && params->video_ports != NULL;
  if (self->has_video)
    {
      self->video_ports = *params->video_ports;
      *params->video_ports = (DcRtpPorts){ 0 };
      self->base.video_codec = params->video_codec;
    }
  dc_site_outputs_init (&self->outputs, params->tile_width, params->tile_height);

  DcSite *site = &self->base;
  if (!build_pipeline (self, params, error))
    {
      dc_site_close (site);
      dc_site_unref (site);
      return NULL;
    }
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the hall's media pipeline did not start");
      dc_site_close (site);
      dc_site_unref (site);
      return NULL;
    }
  GST_INFO ("site %s: %s to %s:%u from port %u%s", site->id,
            dc_sip_audio_codec_name (self->media.audio_codec), self->media.audio.address,
            self->media.audio.port, self->audio_ports.port,
            self->has_video ? ", with video" : ", audio only");
  return site;
}

/* A re-INVITE that moves the hall (a new address, or back from hold) sends there until its
 * packets show where they really come from. */
void
dc_sip_site_update (DcSite *site, const DcSipMedia *media)
{
  SipSite *self = SIP_SITE (site);
  const DcSipStream *streams[2] = { &media->audio, &media->video };
  for (guint s = 0; s < (self->has_video ? 2u : 1u); s++)
    {
      /* Port 0 is a refused stream, 0.0.0.0 an old-style hold: the path stays as it is. */
      if (streams[s]->port == 0 || streams[s]->address == NULL
          || g_strcmp0 (streams[s]->address, "0.0.0.0") == 0)
        continue;
      set_destination (self->paths[2 * s].sink, streams[s]->address, streams[s]->port);
      set_destination (self->paths[2 * s + 1].sink, streams[s]->address, streams[s]->port + 1);
      g_atomic_int_set (&self->paths[2 * s].latched, FALSE);
      g_atomic_int_set (&self->paths[2 * s + 1].latched, FALSE);
    }
}
