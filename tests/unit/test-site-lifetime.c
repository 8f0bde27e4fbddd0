/* The site's lifetime rules with real media: a WebRTC site of the gateway and a peer webrtcbin
 * (the hall) in this process, connected on loopback. Closing while media streams stops every
 * callback before close returns; a replacement in the same slot never receives the old site's
 * media; queued events of a closed site are dropped; the teardown pool leaves no thread behind. */
#include <gst/gst.h>
#include <string.h>

#include "ice-config.h"
#include "media-profile.h"
#include "site-private.h"
#include "webrtc-site.h"

#define CONNECT_TIMEOUT_US (20 * G_USEC_PER_SEC)

typedef struct
{
  DcSite *site;
  GstElement *peer_pipeline;
  GstElement *peer;
  gint audio_calls;   /* atomic */
  gint video_calls;   /* atomic */
  gint late_calls;    /* atomic: callbacks that started after close returned */
  gint closed;        /* atomic: close has returned */
  gint in_callback;   /* atomic */
  gboolean failed;
} Link;

static int
count_threads (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  int n = 0;
  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

static void
note_call (Link *link, gint *counter)
{
  if (g_atomic_int_get (&link->closed))
    g_atomic_int_inc (&link->late_calls);
  g_atomic_int_inc (&link->in_callback);
  g_atomic_int_inc (counter);
  g_usleep (2000); /* widens the window in which close must wait for us */
  g_atomic_int_add (&link->in_callback, -1);
}

static void
on_audio (DcSite *site, const float *samples, guint n, gpointer data)
{
  note_call (data, &((Link *) data)->audio_calls);
}

static void
on_video (DcSite *site, GstSample *sample, gpointer data)
{
  note_call (data, &((Link *) data)->video_calls);
}

static void
on_keyframe (DcSite *site, gpointer data)
{
}

static void
on_failed (DcSite *site, const char *why, gpointer data)
{
  g_printerr ("site failed: %s\n", why);
  ((Link *) data)->failed = TRUE;
}

static const DcSiteCallbacks callbacks = {
  .decoded_audio = on_audio,
  .decoded_video = on_video,
  .keyframe_wanted = on_keyframe,
  .failed = on_failed,
};

/* ---- the peer: answers the site's offer ---- */

/* The peer's answer and candidates arrive on its thread; the site takes them on the main
 * context, and only while the test still holds it open: some sites are closed mid-handshake. */
typedef struct
{
  Link *link;
  char *text;
  int mline; /* -1: the answer */
} PeerCandidate;

static gboolean
deliver_peer_candidate (gpointer data)
{
  PeerCandidate *c = data;
  DcSite *site = c->link->site;
  if (site == NULL || dc_site_is_closed (site))
    return G_SOURCE_REMOVE;
  g_autoptr (GError) error = NULL;
  if (c->mline < 0)
    g_assert_true (dc_webrtc_site_set_answer (site, c->text, &error));
  else
    dc_webrtc_site_add_candidate (site, c->text, c->mline);
  return G_SOURCE_REMOVE;
}

static void
peer_candidate_free (gpointer data)
{
  PeerCandidate *c = data;
  g_free (c->text);
  g_free (c);
}

/* Takes text. */
static void
post_to_site (Link *link, char *text, int mline)
{
  PeerCandidate *c = g_new0 (PeerCandidate, 1);
  c->link = link;
  c->text = text;
  c->mline = mline;
  g_source_unref (dc_media_post (NULL, deliver_peer_candidate, c, peer_candidate_free));
}

static void
on_peer_answer (GstPromise *promise, gpointer data)
{
  Link *link = data;
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *answer = NULL;
  g_autoptr (GError) error = NULL;
  if (reply != NULL)
    gst_structure_get (reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer, NULL);
  if (answer == NULL && reply != NULL && gst_structure_has_field (reply, "error"))
    gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL);
  gst_promise_unref (promise);
  if (answer == NULL)
    g_error ("the peer made no answer: %s", error ? error->message : "no reply");
  g_signal_emit_by_name (link->peer, "set-local-description", answer, NULL);
  char *sdp = gst_sdp_message_as_text (answer->sdp);
  gst_webrtc_session_description_free (answer);
  post_to_site (link, sdp, -1);
}

static void
on_local_offer (DcSite *site, const char *sdp, gpointer data)
{
  Link *link = data;
  GstSDPMessage *message = NULL;
  gst_sdp_message_new_from_text (sdp, &message);
  GstWebRTCSessionDescription *offer
      = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_OFFER, message);
  g_signal_emit_by_name (link->peer, "set-remote-description", offer, NULL);
  gst_webrtc_session_description_free (offer);
  GstPromise *promise = gst_promise_new_with_change_func (on_peer_answer, link, NULL);
  g_signal_emit_by_name (link->peer, "create-answer", NULL, promise);
}

static void
on_local_candidate (DcSite *site, const char *candidate, guint mline, gpointer data)
{
  Link *link = data;
  g_signal_emit_by_name (link->peer, "add-ice-candidate", mline, candidate);
}

static const DcWebrtcSignals signals = {
  .local_offer = on_local_offer,
  .local_candidate = on_local_candidate,
};

static void
on_peer_candidate (GstElement *webrtc, guint mline, const char *candidate, gpointer data)
{
  post_to_site (data, g_strdup (candidate), mline);
}

static void
on_peer_pad (GstElement *webrtc, GstPad *pad, gpointer data)
{
  Link *link = data;
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "async", FALSE, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (link->peer_pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_link (pad, sink_pad);
}

static void
add_peer_branch (Link *link, const char *description, DcMediaLine line)
{
  g_autoptr (GError) error = NULL;
  GstElement *bin = gst_parse_bin_from_description (description, TRUE, &error);
  g_assert_no_error (error);
  gst_bin_add (GST_BIN (link->peer_pipeline), bin);
  g_autoptr (GstCaps) caps = dc_media_rtp_caps_new (line);
  GstPadTemplate *templ = gst_element_get_pad_template (link->peer, "sink_%u");
  g_autoptr (GstPad) sink = gst_element_request_pad (link->peer, templ, NULL, caps);
  g_autoptr (GstPad) src = gst_element_get_static_pad (bin, "src");
  g_assert_cmpint (gst_pad_link (src, sink), ==, GST_PAD_LINK_OK);
  g_autoptr (GstWebRTCRTPTransceiver) transceiver = NULL;
  g_object_get (sink, "transceiver", &transceiver, NULL);
  dc_media_configure_transceiver (transceiver, caps);
}

static void
start_peer (Link *link)
{
  link->peer_pipeline = gst_pipeline_new ("peer");
  link->peer = gst_element_factory_make ("webrtcbin", "peer-webrtc");
  g_object_set (link->peer, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  gst_bin_add (GST_BIN (link->peer_pipeline), link->peer);
  const char *loopback[] = { "127.0.0.1", NULL };
  g_assert_true (dc_ice_configure (link->peer, loopback, 0, 0, NULL));
  g_autofree char *video = g_strdup_printf (
      "videotestsrc is-live=true pattern=solid-color foreground-color=0xff00ff00 ! "
      "video/x-raw,width=160,height=90,framerate=15/1 ! vp8enc deadline=1 ! "
      "rtpvp8pay picture-id-mode=15-bit pt=%d", DC_VP8_PAYLOAD_TYPE);
  g_autofree char *audio = g_strdup_printf (
      "audiotestsrc is-live=true freq=440 ! audioconvert ! audioresample ! "
      "opusenc frame-size=20 ! rtpopuspay pt=%d", DC_OPUS_PAYLOAD_TYPE);
  add_peer_branch (link, video, DC_MEDIA_VIDEO_VP8);
  add_peer_branch (link, audio, DC_MEDIA_AUDIO_OPUS);
  g_signal_connect (link->peer, "on-ice-candidate", G_CALLBACK (on_peer_candidate), link);
  g_signal_connect (link->peer, "pad-added", G_CALLBACK (on_peer_pad), link);
  gst_element_set_state (link->peer_pipeline, GST_STATE_PLAYING);
}

/* After the site is dropped; what the peer posted for it is run (and ignored) while the link
 * still exists. */
static void
stop_peer (Link *link)
{
  g_assert_null (link->site);
  g_signal_handlers_disconnect_by_data (link->peer, link);
  gst_element_set_state (link->peer_pipeline, GST_STATE_NULL);
  gst_clear_object (&link->peer_pipeline);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
drop_site (Link *link)
{
  dc_site_unref (g_steal_pointer (&link->site));
}

static DcSite *
start_site (Link *link, DcTeardownPool *pool, guint slot)
{
  const char *loopback[] = { "127.0.0.1", NULL };
  DcWebrtcSiteParams params = {
    .site_id = "dinh-hoa",
    .slot = slot,
    .codec = dc_video_codec_find ("vp8"),
    .tile_width = 160,
    .tile_height = 90,
    .jitter_latency_ms = 50,
    .ice_addresses = loopback,
  };
  g_autoptr (GError) error = NULL;
  DcSite *site = dc_webrtc_site_new (&params, &callbacks, &signals, link, pool, &error);
  g_assert_no_error (error);
  link->site = site;
  return site;
}

static gboolean
pump_until_media (Link *link)
{
  gint64 deadline = g_get_monotonic_time () + CONNECT_TIMEOUT_US;
  while (g_get_monotonic_time () < deadline && !link->failed
         && (g_atomic_int_get (&link->audio_calls) < 25 || g_atomic_int_get (&link->video_calls) < 3))
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  return g_atomic_int_get (&link->audio_calls) >= 25 && g_atomic_int_get (&link->video_calls) >= 3;
}

static void
pump_for (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
}

/* Close in the middle of streaming: no callback is running when close returns, none starts
 * after it, though the pipeline goes on until the teardown pool stops it. */
static void
test_close_while_streaming (void)
{
  g_autoptr (DcTeardownPool) pool = dc_teardown_pool_new ();
  for (int round = 0; round < 3; round++)
    {
      Link link = { 0 };
      start_peer (&link);
      DcSite *site = start_site (&link, pool, 0);
      g_assert_true (pump_until_media (&link));
      dc_site_close (site);
      g_assert_cmpint (g_atomic_int_get (&link.in_callback), ==, 0);
      g_atomic_int_set (&link.closed, TRUE);
      gint audio = g_atomic_int_get (&link.audio_calls);
      pump_for (300); /* the peer goes on sending into the closed site */
      g_assert_cmpint (g_atomic_int_get (&link.audio_calls), ==, audio);
      g_assert_cmpint (g_atomic_int_get (&link.late_calls), ==, 0);
      drop_site (&link);
      dc_teardown_pool_drain (pool);
      stop_peer (&link);
    }
}

/* A hall that joins again: the old site is closed before the new one takes the slot, and not
 * one of the old site's samples lands in the new one's count afterwards. */
static void
test_replacement_under_media (void)
{
  g_autoptr (DcTeardownPool) pool = dc_teardown_pool_new ();
  Link old_link = { 0 };
  start_peer (&old_link);
  DcSite *old_site = start_site (&old_link, pool, 3);
  g_assert_true (pump_until_media (&old_link));

  dc_site_close (old_site);
  g_atomic_int_set (&old_link.closed, TRUE);
  Link new_link = { 0 };
  start_peer (&new_link);
  DcSite *new_site = start_site (&new_link, pool, 3);
  g_assert_true (pump_until_media (&new_link));
  g_assert_cmpint (g_atomic_int_get (&old_link.late_calls), ==, 0);
  g_assert_cmpuint (dc_site_get_slot (new_site), ==, 3);

  drop_site (&old_link);
  dc_site_close (new_site);
  drop_site (&new_link);
  dc_teardown_pool_drain (pool);
  stop_peer (&old_link);
  stop_peer (&new_link);
}

typedef struct
{
  int ran;
  int destroyed;
} PostCount;

static void
count_task (DcSite *site, gpointer data)
{
  ((PostCount *) data)->ran++;
}

static void
count_destroy (gpointer data)
{
  ((PostCount *) data)->destroyed++;
}

/* Events are never delivered inside the call that raised them (the owner may still be storing
 * the site), and a closed site's queued events are dropped, their data freed. */
static void
test_posted_events (void)
{
  g_autoptr (DcTeardownPool) pool = dc_teardown_pool_new ();
  Link link = { 0 };
  start_peer (&link);
  DcSite *site = start_site (&link, pool, 1);
  PostCount count = { 0 };
  dc_site_post (site, count_task, &count, count_destroy);
  g_assert_cmpint (count.ran, ==, 0);
  pump_for (50);
  g_assert_cmpint (count.ran, ==, 1);
  g_assert_cmpint (count.destroyed, ==, 1);

  dc_site_post (site, count_task, &count, count_destroy);
  dc_site_close (site);
  g_assert_cmpint (count.destroyed, ==, 2);
  pump_for (50);
  g_assert_cmpint (count.ran, ==, 1);
  dc_site_post (site, count_task, &count, count_destroy);
  g_assert_cmpint (count.destroyed, ==, 3);
  drop_site (&link);
  dc_teardown_pool_drain (pool);
  stop_peer (&link);
}

/* Twenty sites come and go: afterwards the process has no more threads than when it began
 * (the pool's own two aside), so no transport is left stopping or running. */
static void
test_no_thread_left (void)
{
  g_autoptr (DcTeardownPool) pool = dc_teardown_pool_new ();
  /* One full cycle first, so GStreamer's own lasting threads (and the pool's) exist already. */
  Link warm = { 0 };
  start_peer (&warm);
  DcSite *site = start_site (&warm, pool, 0);
  g_assert_true (pump_until_media (&warm));
  dc_site_close (site);
  drop_site (&warm);
  dc_teardown_pool_drain (pool);
  stop_peer (&warm);
  pump_for (200);
  int before = count_threads ();

  for (int i = 0; i < 20; i++)
    {
      Link link = { 0 };
      start_peer (&link);
      site = start_site (&link, pool, i % 10);
      pump_for (i % 4 == 0 ? 400 : 40); /* some mid-handshake, some streaming */
      dc_site_close (site);
      drop_site (&link);
      stop_peer (&link);
    }
  dc_teardown_pool_drain (pool);
  g_assert_cmpuint (dc_teardown_pool_get_pending (pool), ==, 0);
  pump_for (500);
  int after = count_threads ();
  g_assert_cmpint (after, <=, before + 2);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/site/close-while-streaming", test_close_while_streaming);
  g_test_add_func ("/site/replacement-under-media", test_replacement_under_media);
  g_test_add_func ("/site/posted-events", test_posted_events);
  g_test_add_func ("/site/no-thread-left", test_no_thread_left);
  return g_test_run ();
}
