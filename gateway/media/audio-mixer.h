/* The audio side of the conference: a FIFO of decoded F32 samples per site, a 20 ms tick that
 * builds every site's mix-minus (mixminus.c) and encodes it with that site's own Opus encoder. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct DcAudioMixer DcAudioMixer;

/* What a slot's mix is handed over as: Opus for WebRTC sites, 48 kHz mono F32 for a transport
 * that encodes itself (SIP halls speak G.711, G.722 or Opus at their own rates). */
typedef enum
{
  DC_AUDIO_OUTPUT_OPUS,
  DC_AUDIO_OUTPUT_PCM,
} DcAudioOutputFormat;

/* Called on the mixer thread with one 20 ms frame for the site in slot: an Opus packet, or 960
 * F32 samples; GST_BUFFER_OFFSET is the tick number. */
typedef void (*DcAudioOutputFunc) (guint slot, GstBuffer *frame, gpointer user_data);

DcAudioMixer *dc_audio_mixer_new (guint n_slots, guint bitrate_kbps, DcAudioOutputFunc output,
                                  gpointer user_data);
void dc_audio_mixer_free (DcAudioMixer *mixer);
gboolean dc_audio_mixer_start (DcAudioMixer *mixer, GError **error);

/* A connected slot gets an encoder and an output; a disconnected one neither, and its FIFO is
 * emptied so a rejoin starts fresh. */
void dc_audio_mixer_set_connected (DcAudioMixer *mixer, guint slot, gboolean connected);
/* Opus unless told otherwise; kept across reconnections of the slot. */
void dc_audio_mixer_set_output_format (DcAudioMixer *mixer, guint slot,
                                       DcAudioOutputFormat format);
/* The loss the slot's link shows (percent, from its receiver reports): its Opus encoder spends
 * in-band FEC for it, from DC_AUDIO_MIN_LOSS_PCT up to DC_AUDIO_MAX_LOSS_PCT. */
#define DC_AUDIO_MIN_LOSS_PCT 5
#define DC_AUDIO_MAX_LOSS_PCT 30
void dc_audio_mixer_set_expected_loss (DcAudioMixer *mixer, guint slot, double loss_pct);
/* The programme: the mix of every hall as the meeting hears it (muted and held halls out), for
 * the recording. While on, the output is also called each tick with slot DC_AUDIO_PROGRAMME and
 * an Opus frame of it. */
#define DC_AUDIO_PROGRAMME G_MAXUINT
void dc_audio_mixer_set_programme (DcAudioMixer *mixer, gboolean on);
/* 0.0 mutes what the site sends (it still hears the others). */
void dc_audio_mixer_set_gain (DcAudioMixer *mixer, guint slot, float gain);
/* From streaming threads: 48 kHz mono F32. */
void dc_audio_mixer_write (DcAudioMixer *mixer, guint slot, const float *samples, guint n_samples);
/* Monotonic time (µs) of the slot's last write, 0 if none since it connected. */
gint64 dc_audio_mixer_last_input (DcAudioMixer *mixer, guint slot);
/* Level of what each slot sent over the last tick, dBFS; levels has n_slots entries. */
void dc_audio_mixer_get_levels (DcAudioMixer *mixer, float *levels);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcAudioMixer, dc_audio_mixer_free)

G_END_DECLS
