/* The video side of the conference: keeps each site's latest decoded tile, composes the canvas
 * (canvas.c) at the configured frame rate and encodes it ONCE; every site gets the same
 * encoded buffers. Keyframe requests from all sites are coalesced into one. */
#pragma once

#include <gst/gst.h>
#include "canvas.h"
#include "conference.h"
#include "media-codec.h"

G_BEGIN_DECLS

typedef struct DcVideoMixer DcVideoMixer;

/* Called on the encoder's streaming thread with each encoded frame. */
typedef void (*DcVideoOutputFunc) (GstBuffer *encoded, gpointer user_data);

typedef struct
{
  guint n_slots;
  int width, height;
  guint framerate;
  guint bitrate_kbps;
  const DcVideoCodec *codec;
} DcVideoMixerParams;

typedef struct
{
  guint64 frames_composed;
  guint64 frames_encoded;
  guint64 ticks_missed;     /* ticks that came too late and were skipped */
  guint64 keyframes_forced;
  guint64 keyframe_requests;
} DcVideoMixerStats;

DcVideoMixer *dc_video_mixer_new (const DcVideoMixerParams *params, DcVideoOutputFunc output,
                                  gpointer user_data, GError **error);
void dc_video_mixer_free (DcVideoMixer *mixer);
gboolean dc_video_mixer_start (DcVideoMixer *mixer, GError **error);

/* video_allowed FALSE shows the placeholder even while frames arrive (the chair stopped it). */
void dc_video_mixer_set_slot (DcVideoMixer *mixer, guint slot, const DcRect *rect,
                              const char *label, DcPresence presence, gboolean video_allowed,
                              gboolean highlight);
/* From streaming threads: an I420 sample at (ideally) the slot's size. */
void dc_video_mixer_put_frame (DcVideoMixer *mixer, guint slot, GstSample *sample);
/* Any site's PLI/FIR, or a site that just joined. */
void dc_video_mixer_request_keyframe (DcVideoMixer *mixer);
void dc_video_mixer_get_stats (DcVideoMixer *mixer, DcVideoMixerStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcVideoMixer, dc_video_mixer_free)

G_END_DECLS
