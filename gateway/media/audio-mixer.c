#include "audio-mixer.h"

#include <gio/gio.h>
#include <math.h>
#include <opus.h>
#include <string.h>

#include "media-codec.h"
#include "mixminus.h"
#include "ticker.h"

GST_DEBUG_CATEGORY_STATIC (dc_audio_debug);
#define GST_CAT_DEFAULT dc_audio_debug

#define FIFO_CAPACITY (DC_AUDIO_RATE / 2) /* 500 ms */
/* After an underrun a site's samples are used again once this much is queued: absorbs jitter. */
#define FIFO_PRIME (2 * DC_AUDIO_FRAME_SAMPLES)
/* More than this queued means the site's clock runs fast or a burst came: drop the oldest. */
#define FIFO_HIGH_WATER (10 * DC_AUDIO_FRAME_SAMPLES)
#define TICK_US 20000

typedef struct
{
  float data[FIFO_CAPACITY];
  guint read_pos, count;
  gboolean primed;
  gboolean connected;
  float gain;
  float level_dbfs;
  gint64 last_input_us;
  OpusEncoder *encoder; /* created and destroyed only by the tick thread */
  gboolean reset_encoder;
  guint loss_pct;        /* what the hall's link loses: its encoder's in-band FEC is sized for it */
  guint applied_loss_pct; /* tick thread: what the encoder was last told */
  gboolean shared;       /* muted: gets the shared mix of everyone */
  DcAudioOutputFormat format;
  float input[DC_AUDIO_FRAME_SAMPLES];
  float output[DC_AUDIO_FRAME_SAMPLES];
  DcLimiter limiter;
} AudioSlot;

struct DcAudioMixer
{
  GMutex lock; /* protects slots' FIFO and flags; the tick copies out under it */
  DcTicker *ticker;
  OpusEncoder *shared_encoder; /* tick thread only */
  guint shared_loss_pct;       /* tick thread only: what the shared encoder was told */
  gboolean programme;          /* under the lock: the recording wants the programme */
  OpusEncoder *programme_encoder; /* tick thread only */
  DcLimiter programme_limiter;    /* tick thread only */
  float programme_pcm[DC_AUDIO_FRAME_SAMPLES]; /* tick thread only */
  gint64 started_us;            /* tick thread only */
  guint n_slots;
  guint bitrate_kbps;
  AudioSlot *slots;
  DcAudioOutputFunc output;
  gpointer user_data;
};

static void
fifo_write (AudioSlot *slot, const float *samples, guint n)
{
  if (n > FIFO_CAPACITY)
    {
      samples += n - FIFO_CAPACITY;
      n = FIFO_CAPACITY;
    }
  for (guint i = 0; i < n; i++)
    {
      if (slot->count == FIFO_CAPACITY)
        {
          slot->read_pos = (slot->read_pos + 1) % FIFO_CAPACITY;
          slot->count--;
        }
      slot->data[(slot->read_pos + slot->count) % FIFO_CAPACITY] = samples[i];
      slot->count++;
    }
  if (slot->count > FIFO_HIGH_WATER)
    {
      guint drop = slot->count - FIFO_PRIME;
      slot->read_pos = (slot->read_pos + drop) % FIFO_CAPACITY;
      slot->count -= drop;
    }
}

/* Takes one frame into slot->input; FALSE when the site has nothing to say this tick. */
static gboolean
fifo_read_frame (AudioSlot *slot)
{
  if (!slot->primed && slot->count >= FIFO_PRIME)
    slot->primed = TRUE;
  if (!slot->primed || slot->count < DC_AUDIO_FRAME_SAMPLES)
    {
      slot->primed = FALSE;
      return FALSE;
    }
  for (guint i = 0; i < DC_AUDIO_FRAME_SAMPLES; i++)
    slot->input[i] = slot->data[(slot->read_pos + i) % FIFO_CAPACITY];
  slot->read_pos = (slot->read_pos + DC_AUDIO_FRAME_SAMPLES) % FIFO_CAPACITY;
  slot->count -= DC_AUDIO_FRAME_SAMPLES;
  return TRUE;
}

static GstBuffer *
encode (OpusEncoder *encoder, const float *pcm, guint64 tick)
{
  guint8 packet[1500];
  opus_int32 size = opus_encode_float (encoder, pcm, DC_AUDIO_FRAME_SAMPLES, packet,
                                       sizeof packet);
  if (size <= 0)
    {
      GST_WARNING ("opus_encode_float failed: %s", opus_strerror (size));
      return NULL;
    }
  GstBuffer *buffer = gst_buffer_new_memdup (packet, size);
  GST_BUFFER_DURATION (buffer) = 20 * GST_MSECOND;
  /* The tick number lets each site stamp packets exactly 20 ms apart (see site-session.c). */
  GST_BUFFER_OFFSET (buffer) = tick;
  return buffer;
}

static OpusEncoder *
encoder_new (guint bitrate_kbps)
{
  int status = 0;
  OpusEncoder *encoder = opus_encoder_create (DC_AUDIO_RATE, 1, OPUS_APPLICATION_VOIP, &status);
  if (encoder == NULL)
    {
      GST_ERROR ("opus_encoder_create: %s", opus_strerror (status));
      return NULL;
    }
  opus_encoder_ctl (encoder, OPUS_SET_BITRATE (bitrate_kbps * 1000));
  /* In-band FEC sized for the link (set_expected_loss); DTX stays off (libopus's default): a
   * chair's or a hall's silence is sent as silence, never as gaps. */
  opus_encoder_ctl (encoder, OPUS_SET_INBAND_FEC (1));
  opus_encoder_ctl (encoder, OPUS_SET_PACKET_LOSS_PERC (DC_AUDIO_MIN_LOSS_PCT));
  opus_encoder_ctl (encoder, OPUS_SET_COMPLEXITY (5));
  return encoder;
}

/* Encoders live on the tick thread alone, so the encode outside the lock never races a leave.
 * A muted site's mix is the mix of everyone (its own signal is already out at gain 0), the same
 * for every muted site: one shared encoder serves them all. In a review meeting most districts
 * are muted, so most mixes are encoded once. */
static void
update_encoders (DcAudioMixer *mixer)
{
  gboolean any_shared = FALSE;
  guint shared_loss = DC_AUDIO_MIN_LOSS_PCT;
  for (guint i = 0; i < mixer->n_slots; i++)
    {
      AudioSlot *slot = &mixer->slots[i];
      slot->shared = slot->connected && slot->gain == 0.0f;
      gboolean wants_opus = slot->format == DC_AUDIO_OUTPUT_OPUS;
      any_shared |= slot->shared && wants_opus;
      if (slot->encoder
          && (slot->reset_encoder || !slot->connected || slot->shared || !wants_opus))
        g_clear_pointer (&slot->encoder, opus_encoder_destroy);
      slot->reset_encoder = FALSE;
      if (slot->connected && !slot->shared && wants_opus && slot->encoder == NULL)
        {
          slot->encoder = encoder_new (mixer->bitrate_kbps);
          slot->applied_loss_pct = DC_AUDIO_MIN_LOSS_PCT;
        }
      if (slot->encoder && slot->applied_loss_pct != slot->loss_pct)
        {
          opus_encoder_ctl (slot->encoder, OPUS_SET_PACKET_LOSS_PERC ((int) slot->loss_pct));
          slot->applied_loss_pct = slot->loss_pct;
        }
      if (slot->shared && wants_opus)
        shared_loss = MAX (shared_loss, slot->loss_pct);
    }
  if (any_shared && mixer->shared_encoder == NULL)
    {
      mixer->shared_encoder = encoder_new (mixer->bitrate_kbps);
      mixer->shared_loss_pct = DC_AUDIO_MIN_LOSS_PCT;
    }
  else if (!any_shared && mixer->shared_encoder)
    g_clear_pointer (&mixer->shared_encoder, opus_encoder_destroy);
  /* The muted halls share one stream: it is protected for the worst of their links. */
  if (mixer->shared_encoder && mixer->shared_loss_pct != shared_loss)
    {
      opus_encoder_ctl (mixer->shared_encoder, OPUS_SET_PACKET_LOSS_PERC ((int) shared_loss));
      mixer->shared_loss_pct = shared_loss;
    }
}

static GstBuffer *
pcm_frame_new (const float *pcm, guint64 tick)
{
  GstBuffer *buffer = gst_buffer_new_memdup (pcm, DC_AUDIO_FRAME_SAMPLES * sizeof (float));
  GST_BUFFER_DURATION (buffer) = 20 * GST_MSECOND;
  GST_BUFFER_OFFSET (buffer) = tick;
  return buffer;
}

static void
send (DcAudioMixer *mixer, guint slot, GstBuffer *buffer)
{
  if (buffer)
    mixer->output (slot, buffer, mixer->user_data);
}

/* The one mix of everyone, encoded once and copied once for all the muted slots. */
static void
send_shared (DcAudioMixer *mixer, const gboolean *shared, const gboolean *pcm,
             const float *everyone, OpusEncoder *shared_encoder, guint64 tick)
{
  g_autoptr (GstBuffer) opus = NULL;
  g_autoptr (GstBuffer) raw = NULL;
  for (guint i = 0; i < mixer->n_slots; i++)
    {
      if (!shared[i])
        continue;
      if (pcm[i] && raw == NULL)
        raw = pcm_frame_new (everyone, tick);
      else if (!pcm[i] && opus == NULL && shared_encoder)
        opus = encode (shared_encoder, everyone, tick);
      send (mixer, i, pcm[i] ? raw : opus);
    }
}

/* Tick thread: every hall at its gain, limited like any mix, encoded for the recording. */
static void
send_programme (DcAudioMixer *mixer, gboolean on, const float *const *inputs,
                const float *gains, guint64 tick)
{
  if (!on)
    {
      g_clear_pointer (&mixer->programme_encoder, opus_encoder_destroy);
      return;
    }
  if (mixer->programme_encoder == NULL)
    {
      mixer->programme_encoder = encoder_new (mixer->bitrate_kbps);
      dc_limiter_init (&mixer->programme_limiter);
      if (mixer->programme_encoder == NULL)
        return;
    }
  float *pcm = mixer->programme_pcm;
  memset (pcm, 0, sizeof mixer->programme_pcm);
  for (guint i = 0; i < mixer->n_slots; i++)
    for (guint k = 0; inputs[i] && k < DC_AUDIO_FRAME_SAMPLES; k++)
      pcm[k] += gains[i] * inputs[i][k];
  dc_limiter_process (&mixer->programme_limiter, pcm, DC_AUDIO_FRAME_SAMPLES);
  g_autoptr (GstBuffer) opus = encode (mixer->programme_encoder, pcm, tick);
  send (mixer, DC_AUDIO_PROGRAMME, opus);
}

static void
mixer_tick (DcAudioMixer *mixer)
{
  const float *inputs[mixer->n_slots];
  float *outputs[mixer->n_slots];
  float gains[mixer->n_slots];
  DcLimiter limiters[mixer->n_slots];
  OpusEncoder *encoders[mixer->n_slots];
  gboolean shared[mixer->n_slots];
  gboolean pcm[mixer->n_slots];
  int first_shared = -1;

  /* Counted on the clock, so ticks the machine skipped still advance it. */
  gint64 now = g_get_monotonic_time ();
  if (mixer->started_us == 0)
    mixer->started_us = now;
  guint64 tick = (now - mixer->started_us + TICK_US / 2) / TICK_US;

  g_mutex_lock (&mixer->lock);
  update_encoders (mixer);
  OpusEncoder *shared_encoder = mixer->shared_encoder;
  gboolean programme = mixer->programme;
  for (guint i = 0; i < mixer->n_slots; i++)
    {
      AudioSlot *slot = &mixer->slots[i];
      shared[i] = slot->shared;
      if (slot->shared && first_shared < 0)
        first_shared = i;
      gboolean has_frame = slot->connected && fifo_read_frame (slot);
      inputs[i] = has_frame ? slot->input : NULL;
      slot->level_dbfs = has_frame ? dc_audio_level_dbfs (slot->input, DC_AUDIO_FRAME_SAMPLES)
                                   : -127.0f;
      outputs[i] = slot->output;
      gains[i] = slot->gain;
      limiters[i] = slot->limiter;
      encoders[i] = slot->connected ? slot->encoder : NULL;
      pcm[i] = slot->connected && slot->format == DC_AUDIO_OUTPUT_PCM;
    }
  g_mutex_unlock (&mixer->lock);

  /* Buffers stay valid outside the lock: only this thread reads input/output arrays. */
  dc_mixminus_process (inputs, gains, mixer->n_slots, DC_AUDIO_FRAME_SAMPLES, outputs, limiters);

  g_mutex_lock (&mixer->lock);
  for (guint i = 0; i < mixer->n_slots; i++)
    mixer->slots[i].limiter = limiters[i];
  g_mutex_unlock (&mixer->lock);

  for (guint i = 0; i < mixer->n_slots; i++)
    if (encoders[i] || (pcm[i] && !shared[i]))
      {
        g_autoptr (GstBuffer) own = encoders[i] ? encode (encoders[i], outputs[i], tick)
                                                : pcm_frame_new (outputs[i], tick);
        send (mixer, i, own);
      }
  if (first_shared >= 0)
    send_shared (mixer, shared, pcm, outputs[first_shared], shared_encoder, tick);
  send_programme (mixer, programme, inputs, gains, tick);
}

static void
on_tick (gpointer data)
{
  mixer_tick (data);
}

DcAudioMixer *
dc_audio_mixer_new (guint n_slots, guint bitrate_kbps, DcAudioOutputFunc output,
                    gpointer user_data)
{
  g_return_val_if_fail (n_slots > 0 && output != NULL, NULL);
  GST_DEBUG_CATEGORY_INIT (dc_audio_debug, "dc-audio", 0, "diemcau audio mix-minus");
  DcAudioMixer *mixer = g_new0 (DcAudioMixer, 1);
  g_mutex_init (&mixer->lock);
  mixer->n_slots = n_slots;
  mixer->bitrate_kbps = bitrate_kbps;
  mixer->slots = g_new0 (AudioSlot, n_slots);
  for (guint i = 0; i < n_slots; i++)
    {
      mixer->slots[i].gain = 1.0f;
      mixer->slots[i].loss_pct = DC_AUDIO_MIN_LOSS_PCT;
      mixer->slots[i].level_dbfs = -127.0f;
      dc_limiter_init (&mixer->slots[i].limiter);
    }
  mixer->output = output;
  mixer->user_data = user_data;
  return mixer;
}

gboolean
dc_audio_mixer_start (DcAudioMixer *mixer, GError **error)
{
  mixer->ticker = dc_ticker_new ("dc-audio-mix", TICK_US, on_tick, mixer);
  return dc_ticker_start (mixer->ticker, error);
}

void
dc_audio_mixer_free (DcAudioMixer *mixer)
{
  if (mixer == NULL)
    return;
  g_clear_pointer (&mixer->ticker, dc_ticker_free);
  for (guint i = 0; i < mixer->n_slots; i++)
    if (mixer->slots[i].encoder)
      opus_encoder_destroy (mixer->slots[i].encoder);
  g_clear_pointer (&mixer->shared_encoder, opus_encoder_destroy);
  g_clear_pointer (&mixer->programme_encoder, opus_encoder_destroy);
  g_free (mixer->slots);
  g_mutex_clear (&mixer->lock);
  g_free (mixer);
}

void
dc_audio_mixer_set_connected (DcAudioMixer *mixer, guint slot_index, gboolean connected)
{
  g_return_if_fail (slot_index < mixer->n_slots);
  g_mutex_lock (&mixer->lock);
  AudioSlot *slot = &mixer->slots[slot_index];
  slot->connected = connected;
  slot->reset_encoder = TRUE;
  slot->loss_pct = DC_AUDIO_MIN_LOSS_PCT;
  slot->count = slot->read_pos = 0;
  slot->primed = FALSE;
  slot->last_input_us = 0;
  dc_limiter_init (&slot->limiter);
  g_mutex_unlock (&mixer->lock);
}

void
dc_audio_mixer_set_output_format (DcAudioMixer *mixer, guint slot, DcAudioOutputFormat format)
{
  g_return_if_fail (slot < mixer->n_slots);
  g_mutex_lock (&mixer->lock);
  mixer->slots[slot].format = format;
  g_mutex_unlock (&mixer->lock);
}

void
dc_audio_mixer_set_programme (DcAudioMixer *mixer, gboolean on)
{
  g_mutex_lock (&mixer->lock);
  mixer->programme = on;
  g_mutex_unlock (&mixer->lock);
}

void
dc_audio_mixer_set_expected_loss (DcAudioMixer *mixer, guint slot, double loss_pct)
{
  g_return_if_fail (slot < mixer->n_slots);
  guint pct = (guint) CLAMP (ceil (loss_pct), DC_AUDIO_MIN_LOSS_PCT, DC_AUDIO_MAX_LOSS_PCT);
  g_mutex_lock (&mixer->lock);
  mixer->slots[slot].loss_pct = pct;
  g_mutex_unlock (&mixer->lock);
}

void
dc_audio_mixer_set_gain (DcAudioMixer *mixer, guint slot, float gain)
{
  g_return_if_fail (slot < mixer->n_slots);
  g_mutex_lock (&mixer->lock);
  mixer->slots[slot].gain = gain;
  g_mutex_unlock (&mixer->lock);
}

void
dc_audio_mixer_write (DcAudioMixer *mixer, guint slot, const float *samples, guint n_samples)
{
  g_return_if_fail (slot < mixer->n_slots);
  g_mutex_lock (&mixer->lock);
  if (mixer->slots[slot].connected)
    {
      fifo_write (&mixer->slots[slot], samples, n_samples);
      mixer->slots[slot].last_input_us = g_get_monotonic_time ();
    }
  g_mutex_unlock (&mixer->lock);
}

gint64
dc_audio_mixer_last_input (DcAudioMixer *mixer, guint slot)
{
  g_return_val_if_fail (slot < mixer->n_slots, 0);
  g_mutex_lock (&mixer->lock);
  gint64 t = mixer->slots[slot].last_input_us;
  g_mutex_unlock (&mixer->lock);
  return t;
}

void
dc_audio_mixer_get_levels (DcAudioMixer *mixer, float *levels)
{
  g_mutex_lock (&mixer->lock);
  for (guint i = 0; i < mixer->n_slots; i++)
    levels[i] = mixer->slots[i].level_dbfs;
  g_mutex_unlock (&mixer->lock);
}
