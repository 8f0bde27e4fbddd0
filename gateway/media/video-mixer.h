/* The video side of the conference: keeps each site's latest decoded tile, composes the canvas
 * (canvas.c) once per tick at the configured frame rate and encodes it ONCE PER STREAM in use, a
 * stream being a codec at a quality tier (tier 0 the canvas itself, lower tiers scaled down at
 * a lower bitrate): every site of one stream gets the same encoded buffers. Keyframe requests
 * are coalesced per stream.
 *
 * Threads and locks
 *
 * Each codec in use has its own encoder branch, a small pipeline of its own
 * (appsrc ! leaky queue ! encoder [! parser] ! appsink). dc_video_mixer_use_codec builds and
 * starts one at a codec's first use; dc_video_mixer_release_codec stops and frees it at the
 * last release. Both run on the main context only (they are not serialized against each other
 * otherwise), and neither holds the mixer's lock across a GStreamer call:
 *
 *  - the tick thread takes the lock only to copy out the slots and a reference to the appsrc
 *    (and, when a keyframe is due, the encoder) of each running branch; it composes and pushes
 *    outside the lock, the same raw buffer to every appsrc;
 *  - release takes the branch out of the running set under the lock, then, with no lock held,
 *    sets its pipeline to NULL. That waits for the branch's streaming thread to finish a frame
 *    and return from the output callback (a few milliseconds), never for the tick thread: a
 *    push the tick was making into the stopped appsrc just returns FLUSHING on the reference it
 *    holds;
 *  - the output callback runs on the branch's streaming thread with no mixer lock held (only
 *    the statistics are counted under it, before the call).
 *
 * So: when release returns, the output is never called again for that codec. The output must
 * not wait on the main context, nor call use/release itself, since release waits for it. */
#pragma once

#include <gst/gst.h>
#include "canvas.h"
#include "conference.h"
#include "media-codec.h"

G_BEGIN_DECLS

typedef struct DcVideoMixer DcVideoMixer;

/* Called on the stream's encoder streaming thread with each encoded frame of that stream. */
typedef void (*DcVideoOutputFunc) (const DcVideoCodec *codec, guint tier, GstBuffer *encoded,
                                   gpointer user_data);

typedef struct
{
  guint n_slots;
  int width, height;     /* the canvas, which tier 0 sends as it is */
  guint framerate;
  guint bitrate_kbps;    /* tier 0's */
  /* Tiers 1.. : smaller pictures at lower bitrates, best first; n_tiers counts tier 0. */
  guint n_tiers;
  DcVideoTier tiers[DC_VIDEO_TIERS_MAX];
} DcVideoMixerParams;

typedef struct
{
  guint64 frames_composed;
  guint64 frames_encoded;   /* summed over every encoder that ran */
  guint64 ticks_missed;     /* ticks that came too late and were skipped */
  guint64 keyframes_forced; /* summed over every encoder */
  guint64 keyframe_requests;
  guint encoders_running;
} DcVideoMixerStats;

/* One running encoder's figures since it started. */
typedef struct
{
  guint users;
  guint64 frames_encoded;
  guint64 keyframes_forced;
} DcVideoEncoderStats;

DcVideoMixer *dc_video_mixer_new (const DcVideoMixerParams *params, DcVideoOutputFunc output,
                                  gpointer user_data, GError **error);
/* Stops the tick, then any encoder still in use. */
void dc_video_mixer_free (DcVideoMixer *mixer);
/* Starts the tick. Nothing is composed while no site is present or no codec is in use. */
gboolean dc_video_mixer_start (DcVideoMixer *mixer, GError **error);

/* Main context. Counted: the first use builds and starts the stream's encoder (its stream
 * starts with a keyframe); FALSE (nothing counted) if the encoder cannot be built. Each
 * successful use is matched by one release; the last one stops the encoder (see above). */
gboolean dc_video_mixer_use_codec (DcVideoMixer *mixer, const DcVideoCodec *codec, guint tier,
                                   GError **error);
void dc_video_mixer_release_codec (DcVideoMixer *mixer, const DcVideoCodec *codec, guint tier);
guint dc_video_mixer_get_n_tiers (DcVideoMixer *mixer);

/* How a slot's tile looks. */
typedef struct
{
  DcRect rect;
  const char *label;
  DcPresence presence;
  gboolean video_allowed; /* FALSE: the placeholder even while frames arrive (the chair stopped it) */
  gboolean on_hold;       /* the hall put its call on hold: the placeholder says so */
  gboolean highlight;
} DcSlotLook;

void dc_video_mixer_set_slot (DcVideoMixer *mixer, guint slot, const DcSlotLook *look);
/* From streaming threads: an I420 sample at (ideally) the slot's size. */
void dc_video_mixer_put_frame (DcVideoMixer *mixer, guint slot, GstSample *sample);
/* Any thread: a site's PLI/FIR, or a site that just joined. codec NULL asks every running
 * encoder; a stream not in use is ignored. Requests closer together than a few hundred
 * milliseconds share one keyframe, per stream. */
void dc_video_mixer_request_keyframe (DcVideoMixer *mixer, const DcVideoCodec *codec, guint tier);
void dc_video_mixer_get_stats (DcVideoMixer *mixer, DcVideoMixerStats *stats);
/* FALSE when the stream is not in use. */
gboolean dc_video_mixer_get_encoder_stats (DcVideoMixer *mixer, const DcVideoCodec *codec,
                                           guint tier, DcVideoEncoderStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcVideoMixer, dc_video_mixer_free)

G_END_DECLS
