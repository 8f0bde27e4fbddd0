/* Who a SIP call is, and whether it may come in: the request's user (a site id, or the
 * conference number), its digest credentials and its source address, against the config.
 * Decided before any media port is opened. Pure: no SIP stack. */
#pragma once

#include "config.h"
#include "sip-digest.h"

G_BEGIN_DECLS

typedef enum
{
  DC_SIP_ADMIT_OK,          /* *slot is the calling site */
  DC_SIP_ADMIT_CHALLENGE,   /* 401 with a fresh nonce */
  DC_SIP_ADMIT_STALE,       /* 401 with stale=true: the credentials were right, the nonce old */
  DC_SIP_ADMIT_NOT_FOUND,   /* 404: no such site or number */
  DC_SIP_ADMIT_FORBIDDEN,   /* 403: wrong credentials, or the site has no SIP access */
  DC_SIP_ADMIT_BAD_REQUEST, /* 400: a malformed Authorization */
} DcSipAdmission;

typedef struct
{
  const char *request_user;     /* user part of the Request-URI */
  const char *source_address;   /* the packet's source IP, as text */
  const char *method;           /* "INVITE" */
  const DcDigestResponse *auth; /* NULL when the request carries no Authorization */
  gint64 now_s;                 /* wall-clock seconds, for the nonce */
} DcSipCaller;

/* sites: the config's sites in slot order. why gets a sentence for the log (never for the
 * caller: an unknown caller learns nothing but the status). */
DcSipAdmission dc_sip_admit (const DcConfig *config, const guint8 *nonce_key,
                             const DcSipCaller *caller, int *slot, char **why);

const char *dc_sip_admission_to_string (DcSipAdmission admission);

G_END_DECLS
