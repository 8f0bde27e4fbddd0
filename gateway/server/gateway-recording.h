/* The meeting's recording (gateway-recording.c). */
#pragma once

#include "gateway.h"
#include "media-codec.h"
#include "recorder.h"

G_BEGIN_DECLS

/* Main context: start or stop so that it matches the conference's recording flag. */
void dc_gateway_recording_apply (DcGateway *gateway);
/* Main context, before the mixers go: the last segment is closed. */
void dc_gateway_recording_stop (DcGateway *gateway);
/* Mixer threads. */
void dc_gateway_recording_push_video (DcGateway *gateway, const DcVideoCodec *codec, guint tier,
                                      GstBuffer *encoded);
void dc_gateway_recording_push_audio (DcGateway *gateway, GstBuffer *opus);

G_END_DECLS
