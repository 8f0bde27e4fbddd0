/* The audio mixer in real time: three sites each send a tone; each site's Opus output, decoded,
 * holds the other two tones and not its own; a muted site leaves the others' mixes; a site that
 * is not connected gets nothing. */
#include <gst/gst.h>
#include <math.h>
#include <opus.h>
#include <string.h>

#include "audio-mixer.h"
#include "media-codec.h"

#define N_SITES 3
static const double tones[N_SITES] = { 440.0, 1000.0, 2300.0 };

typedef struct
{
  GMutex lock;
  OpusDecoder *decoders[N_SITES];
  GArray *decoded[N_SITES]; /* float */
  guint packets[N_SITES];
  GBytes *last_packet[N_SITES];
  gboolean pcm[N_SITES]; /* the slot gets F32 frames, not Opus */
} Output;

static void
on_output (guint slot, GstBuffer *opus, gpointer data)
{
  Output *out = data;
  GstMapInfo map;
  g_assert_true (gst_buffer_map (opus, &map, GST_MAP_READ));
  float pcm[DC_AUDIO_FRAME_SAMPLES];
  g_mutex_lock (&out->lock);
  if (out->pcm[slot])
    {
      g_assert_cmpuint (map.size, ==, sizeof pcm);
      memcpy (pcm, map.data, sizeof pcm);
    }
  else
    {
      int n = opus_decode_float (out->decoders[slot], map.data, map.size, pcm,
                                 G_N_ELEMENTS (pcm), 0);
      g_assert_cmpint (n, ==, DC_AUDIO_FRAME_SAMPLES);
    }
  g_array_append_vals (out->decoded[slot], pcm, DC_AUDIO_FRAME_SAMPLES);
  out->packets[slot]++;
  g_clear_pointer (&out->last_packet[slot], g_bytes_unref);
  out->last_packet[slot] = g_bytes_new (map.data, map.size);
  g_mutex_unlock (&out->lock);
  gst_buffer_unmap (opus, &map);
}

/* Level of one frequency over the last second of a slot's output, in dBFS of a sine's peak. */
static double
tone_dbfs (Output *out, guint slot, double freq)
{
  g_mutex_lock (&out->lock);
  GArray *a = out->decoded[slot];
  guint n = MIN (a->len, DC_AUDIO_RATE);
  const float *x = &g_array_index (a, float, a->len - n);
  double w = 2 * G_PI * freq / DC_AUDIO_RATE, s1 = 0, s2 = 0;
  for (guint i = 0; i < n; i++)
    {
      double s = x[i] + 2 * cos (w) * s1 - s2;
      s2 = s1;
      s1 = s;
    }
  g_mutex_unlock (&out->lock);
  double power = s1 * s1 + s2 * s2 - 2 * cos (w) * s1 * s2;
  double amplitude = n ? 2 * sqrt (MAX (power, 0)) / n : 0;
  return 20 * log10 (MAX (amplitude, 1e-7));
}

/* Feeds every connected site's tone in real time for the given time. */
static void
feed (DcAudioMixer *mixer, guint64 *phase, guint ms)
{
  float frame[DC_AUDIO_FRAME_SAMPLES];
  gint64 next = g_get_monotonic_time ();
  for (guint t = 0; t < ms / 20; t++)
    {
      for (guint site = 0; site < N_SITES; site++)
        {
          for (guint i = 0; i < DC_AUDIO_FRAME_SAMPLES; i++)
            frame[i] = 0.3f * sinf (2 * G_PI * tones[site] * (*phase + i) / DC_AUDIO_RATE);
          dc_audio_mixer_write (mixer, site, frame, DC_AUDIO_FRAME_SAMPLES);
        }
      *phase += DC_AUDIO_FRAME_SAMPLES;
      next += 20000;
      gint64 wait = next - g_get_monotonic_time ();
      if (wait > 0)
        g_usleep (wait);
    }
}

static void
test_mix_minus_in_real_time (void)
{
  Output out = { 0 };
  g_mutex_init (&out.lock);
  for (guint i = 0; i < N_SITES; i++)
    {
      out.decoders[i] = opus_decoder_create (DC_AUDIO_RATE, 1, NULL);
      out.decoded[i] = g_array_new (FALSE, FALSE, sizeof (float));
    }
  DcAudioMixer *mixer = dc_audio_mixer_new (N_SITES, 64, on_output, &out);
  g_autoptr (GError) error = NULL;
  g_assert_true (dc_audio_mixer_start (mixer, &error));
  dc_audio_mixer_set_connected (mixer, 0, TRUE);
  dc_audio_mixer_set_connected (mixer, 1, TRUE);
  /* Site 2 sends (it is connected) but we check it gets output only once connected. */
  dc_audio_mixer_set_connected (mixer, 2, TRUE);
  guint64 phase = 0;
  feed (mixer, &phase, 1500);

  for (guint slot = 0; slot < N_SITES; slot++)
    for (guint tone = 0; tone < N_SITES; tone++)
      {
        double level = tone_dbfs (&out, slot, tones[tone]);
        if (tone == slot)
          g_assert_cmpfloat (level, <, -50.0);
        else
          g_assert_cmpfloat (level, >, -16.0); /* 0.3 peak is -10.5 dBFS */
      }
  float levels[N_SITES];
  dc_audio_mixer_get_levels (mixer, levels);
  for (guint i = 0; i < N_SITES; i++)
    g_assert_cmpfloat (levels[i], >, -20.0);
  g_assert_cmpint (dc_audio_mixer_last_input (mixer, 0), >, 0);

  /* The chair mutes site 1: its tone leaves the others' mixes. */
  dc_audio_mixer_set_gain (mixer, 1, 0.0f);
  feed (mixer, &phase, 1500);
  g_assert_cmpfloat (tone_dbfs (&out, 0, tones[1]), <, -50.0);
  g_assert_cmpfloat (tone_dbfs (&out, 2, tones[1]), <, -50.0);
  g_assert_cmpfloat (tone_dbfs (&out, 0, tones[2]), >, -16.0);
  /* The muted site still hears everyone else, and still not itself. */
  g_assert_cmpfloat (tone_dbfs (&out, 1, tones[0]), >, -16.0);
  g_assert_cmpfloat (tone_dbfs (&out, 1, tones[2]), >, -16.0);
  g_assert_cmpfloat (tone_dbfs (&out, 1, tones[1]), <, -50.0);

  /* Two muted sites hear the same mix of everyone: one encode serves both, byte for byte. */
  dc_audio_mixer_set_gain (mixer, 0, 0.0f);
  feed (mixer, &phase, 300);
  g_mutex_lock (&out.lock);
  g_assert_true (g_bytes_equal (out.last_packet[0], out.last_packet[1]));
  g_assert_false (g_bytes_equal (out.last_packet[0], out.last_packet[2]));
  g_mutex_unlock (&out.lock);
  dc_audio_mixer_set_gain (mixer, 0, 1.0f);
  feed (mixer, &phase, 1500);
  g_assert_cmpfloat (tone_dbfs (&out, 1, tones[0]), >, -16.0);
  g_assert_cmpfloat (tone_dbfs (&out, 0, tones[0]), <, -50.0);

  /* Site 2 leaves: it gets no more output and the others no longer hear it. */
  dc_audio_mixer_set_connected (mixer, 2, FALSE);
  g_usleep (100 * 1000);
  g_mutex_lock (&out.lock);
  guint packets_before = out.packets[2];
  g_mutex_unlock (&out.lock);
  feed (mixer, &phase, 1500);
  g_mutex_lock (&out.lock);
  g_assert_cmpuint (out.packets[2], ==, packets_before);
  g_mutex_unlock (&out.lock);
  g_assert_cmpfloat (tone_dbfs (&out, 0, tones[2]), <, -50.0);
  g_assert_cmpint (dc_audio_mixer_last_input (mixer, 2), ==, 0);

  dc_audio_mixer_free (mixer);
  for (guint i = 0; i < N_SITES; i++)
    {
      opus_decoder_destroy (out.decoders[i]);
      g_clear_pointer (&out.last_packet[i], g_bytes_unref);
      g_array_unref (out.decoded[i]);
    }
  g_mutex_clear (&out.lock);
}

/* A SIP hall's slot takes its mix as samples; muted, it shares the mix of everyone with a
 * muted WebRTC site (one as samples, one as Opus). */
static void
test_pcm_output (void)
{
  Output out = { .pcm = { FALSE, TRUE, TRUE } };
  g_mutex_init (&out.lock);
  for (guint i = 0; i < N_SITES; i++)
    {
      out.decoders[i] = opus_decoder_create (DC_AUDIO_RATE, 1, NULL);
      out.decoded[i] = g_array_new (FALSE, FALSE, sizeof (float));
    }
  DcAudioMixer *mixer = dc_audio_mixer_new (N_SITES, 64, on_output, &out);
  g_autoptr (GError) error = NULL;
  g_assert_true (dc_audio_mixer_start (mixer, &error));
  for (guint i = 0; i < N_SITES; i++)
    {
      dc_audio_mixer_set_output_format (mixer, i, out.pcm[i] ? DC_AUDIO_OUTPUT_PCM
                                                             : DC_AUDIO_OUTPUT_OPUS);
      dc_audio_mixer_set_connected (mixer, i, TRUE);
    }
  guint64 phase = 0;
  feed (mixer, &phase, 1000);
  for (guint slot = 0; slot < N_SITES; slot++)
    for (guint tone = 0; tone < N_SITES; tone++)
      if (tone == slot)
        g_assert_cmpfloat (tone_dbfs (&out, slot, tones[tone]), <, -50.0);
      else
        g_assert_cmpfloat (tone_dbfs (&out, slot, tones[tone]), >, -16.0);

  dc_audio_mixer_set_gain (mixer, 0, 0.0f);
  dc_audio_mixer_set_gain (mixer, 2, 0.0f);
  feed (mixer, &phase, 1000);
  /* Both muted hear site 1 (and not site 0 or 2, whose signals are out of every mix). */
  g_assert_cmpfloat (tone_dbfs (&out, 0, tones[1]), >, -16.0);
  g_assert_cmpfloat (tone_dbfs (&out, 2, tones[1]), >, -16.0);
  g_assert_cmpfloat (tone_dbfs (&out, 2, tones[0]), <, -50.0);
  g_assert_cmpfloat (tone_dbfs (&out, 1, tones[0]), <, -50.0);
  g_assert_cmpfloat (tone_dbfs (&out, 1, tones[2]), <, -50.0);

  dc_audio_mixer_free (mixer);
  for (guint i = 0; i < N_SITES; i++)
    {
      opus_decoder_destroy (out.decoders[i]);
      g_clear_pointer (&out.last_packet[i], g_bytes_unref);
      g_array_unref (out.decoded[i]);
    }
  g_mutex_clear (&out.lock);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio-mixer/mix-minus-in-real-time", test_mix_minus_in_real_time);
  g_test_add_func ("/audio-mixer/pcm-output", test_pcm_output);
  return g_test_run ();
}
