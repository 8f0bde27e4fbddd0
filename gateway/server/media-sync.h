/* Makes the media follow the conference after every change: each slot's gain, its tile
 * (rectangle, label, placeholder, highlight) and, when the layout or the tile order changed, the
 * size each site's decoder scales to. Main context only. */
#pragma once

#include "audio-mixer.h"
#include "conference.h"
#include "roster.h"
#include "video-mixer.h"

G_BEGIN_DECLS

typedef struct DcMediaSync DcMediaSync;

/* Borrows everything; they must outlive it. */
DcMediaSync *dc_media_sync_new (DcConference *conference, DcRoster *roster, DcAudioMixer *audio,
                                DcVideoMixer *video, int width, int height);
void dc_media_sync_free (DcMediaSync *sync);

/* Cheap when nothing changed. TRUE when the layout or the tile order changed (the layout message
 * should go out). */
gboolean dc_media_sync_apply (DcMediaSync *sync);
/* The current layout as a protocol message. */
char *dc_media_sync_layout_message_new (DcMediaSync *sync);
/* The slot's tile now (its size is what a new site should decode to). */
DcRect dc_media_sync_get_rect (DcMediaSync *sync, guint slot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcMediaSync, dc_media_sync_free)

G_END_DECLS
