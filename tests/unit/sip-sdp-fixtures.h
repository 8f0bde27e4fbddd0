/* Shared by the SIP SDP tests (test-sip-sdp-read.c, test-sip-sdp-write.c): offers modelled on
 * what room systems send (Poly Group 500, Cisco SX20, baresip 1.0, Linphone 5, an old phone),
 * SDES keys, policies, the gateway's local side, and helpers that edit SDP text and check what
 * the gateway wrote by parsing it back with GstSDPMessage. */
#pragma once

#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <string.h>

#include "sip-sdp.h"

G_BEGIN_DECLS

#define POLY_KEY "cG9seS1ncm91cC01MDAtc3J0cC1tYXN0ZXItazEw"
#define CISCO_KEY_1 "Y2lzY28tc3gyMC10YW5kYmVyZy1rZXktdGFnLTEw"
#define CISCO_KEY_2 "Y2lzY28tc3gyMC10YW5kYmVyZy1rZXktdGFnLTIw"
#define BARESIP_KEY_32 "YmFyZXNpcC0xLjAuMC1zaGExLTMyLWtleVhYWFgw"
#define BARESIP_KEY_80 "YmFyZXNpcC0xLjAuMC1zaGExLTgwLWtleVlZWVkw"
#define LOCAL_AUDIO_KEY "ZGllbWNhdS1nYXRld2F5LWxvY2FsLWF1ZGlvLWsw"
#define LOCAL_VIDEO_KEY "ZGllbWNhdS1nYXRld2F5LWxvY2FsLXZpZGVvLWsw"
#define KEY_OF_29_BYTES "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg="

/* Written with \n for reading; with_crlf () gives what travels in a SIP body. */
extern const char poly_group_500[];
extern const char cisco_sx20[];
extern const char baresip[];
extern const char linphone[];
/* An old desk or room phone: static payload types only, no a=rtpmap at all (RFC 3551). */
extern const char static_only[];

extern const DcSipPolicy open_policy; /* video, Opus and SRTP allowed */
extern const DcSipPolicy g711_policy; /* neither video nor Opus */
extern const DcSipLocal local_v4;     /* 192.0.2.1, ports 40000 and 40002, both keys */

char *with_crlf (const char *text);
/* sdp (LF or CRLF) with its first `old` (written with LF) replaced, in CRLF. */
char *edited (const char *sdp, const char *old, const char *replacement);
/* Parses text with GstSDPMessage, asserting that it is SDP. */
GstSDPMessage *parse_back (const char *text);
/* Reads the offer (which must succeed) and parses the answer to it back. */
GstSDPMessage *answer_to (const char *lf_text, const DcSipPolicy *policy, const DcSipLocal *local,
                          DcSipMedia *media);
/* The m-line at index, asserting its kind, port, proto and formats ("9 101"). */
const GstSDPMedia *assert_media (const GstSDPMessage *msg, guint index, const char *kind,
                                 guint port, const char *proto, const char *formats);
/* The media's direction attribute, asserting there is exactly one. */
const char *direction_of (const GstSDPMedia *m);
guint count_attribute (const GstSDPMedia *m, const char *key, const char *value);
/* The o=, s= and c= lines the gateway writes for local_v4's session (id 4242). */
void assert_session (const GstSDPMessage *msg, const char *addrtype, const char *address,
                     const char *version);

G_END_DECLS
