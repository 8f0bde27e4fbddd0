/* The meeting's recording as the conference says (the chair's "record", [recording]
 * auto-start): the recorder is made and ended on the main context and fed from the mixers'
 * threads under recording_lock. It holds a use of the configured codec's top tier, so the
 * picture it records is the one the halls of that codec receive. */
#include "gateway-recording.h"

#include "gateway-private.h"

GST_DEBUG_CATEGORY_STATIC (dc_recording_debug);
#define GST_CAT_DEFAULT dc_recording_debug

static char *
recording_name (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  return g_date_time_format (now, "hoi-nghi-%Y%m%d-%H%M%S");
}

/* A keyframe every DC_RECORDER_KEYFRAME_S: what the recorder has not written yet is at most
 * that (recorder.h), and each segment starts on one. */
static gboolean
on_segment_due (gpointer data)
{
  DcGateway *gateway = data;
  dc_video_mixer_request_keyframe (gateway->video, gateway->codec, 0);
  return G_SOURCE_CONTINUE;
}

static void
start (DcGateway *gateway)
{
  const DcConfig *config = gateway->config;
  g_autoptr (GError) error = NULL;
  if (!dc_video_mixer_use_codec (gateway->video, gateway->codec, 0, &error))
    {
      GST_ERROR ("no recording: %s", error->message);
      dc_conference_force_recording (gateway->conference, FALSE);
      return;
    }
  g_autofree char *name = recording_name ();
  DcRecorderParams params = { .directory = config->recording_dir, .name = name,
                              .codec = gateway->codec, .width = (int) config->width,
                              .height = (int) config->height, .framerate = config->framerate };
  DcRecorder *recorder = dc_recorder_new (&params, &error);
  if (recorder == NULL)
    {
      GST_ERROR ("no recording: %s", error->message);
      dc_video_mixer_release_codec (gateway->video, gateway->codec, 0);
      dc_conference_force_recording (gateway->conference, FALSE);
      return;
    }
  g_print ("diemcau-gateway: recording to %s\n", dc_recorder_get_location (recorder));
  g_mutex_lock (&gateway->recording_lock);
  gateway->recorder = recorder;
  g_mutex_unlock (&gateway->recording_lock);
  dc_audio_mixer_set_programme (gateway->audio, TRUE);
  dc_video_mixer_request_keyframe (gateway->video, gateway->codec, 0);
  gateway->segment_timer = g_timeout_add_seconds (DC_RECORDER_KEYFRAME_S, on_segment_due,
                                                  gateway);
}

static void
stop (DcGateway *gateway)
{
  g_mutex_lock (&gateway->recording_lock);
  DcRecorder *recorder = g_steal_pointer (&gateway->recorder);
  g_mutex_unlock (&gateway->recording_lock);
  if (recorder == NULL)
    return;
  g_clear_handle_id (&gateway->segment_timer, g_source_remove);
  dc_audio_mixer_set_programme (gateway->audio, FALSE);
  g_print ("diemcau-gateway: recording to %s stopped\n", dc_recorder_get_location (recorder));
  dc_recorder_free (recorder);
  dc_video_mixer_release_codec (gateway->video, gateway->codec, 0);
}

void
dc_gateway_recording_apply (DcGateway *gateway)
{
  GST_DEBUG_CATEGORY_INIT (dc_recording_debug, "dc-recording", 0, "diemcau recording");
  gboolean wanted = dc_conference_is_recording (gateway->conference);
  if (wanted && gateway->recorder == NULL)
    start (gateway);
  else if (!wanted && gateway->recorder != NULL)
    stop (gateway);
}

void
dc_gateway_recording_stop (DcGateway *gateway)
{
  stop (gateway);
}

void
dc_gateway_recording_push_video (DcGateway *gateway, const DcVideoCodec *codec, guint tier,
                                 GstBuffer *encoded)
{
  if (codec != gateway->codec || tier != 0)
    return;
  g_mutex_lock (&gateway->recording_lock);
  if (gateway->recorder)
    dc_recorder_push_video (gateway->recorder, encoded);
  g_mutex_unlock (&gateway->recording_lock);
}

void
dc_gateway_recording_push_audio (DcGateway *gateway, GstBuffer *opus)
{
  g_mutex_lock (&gateway->recording_lock);
  if (gateway->recorder)
    dc_recorder_push_audio (gateway->recorder, opus);
  g_mutex_unlock (&gateway->recording_lock);
}
