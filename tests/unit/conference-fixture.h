/* Shared by the conference state machine tests: a configuration of seven sites with every role,
 * the conference built on it, and helpers that drive it with explicit times. */
#pragma once

#include "conference.h"

G_BEGIN_DECLS

/* The chair is deliberately not slot 0, so nothing may assume it is. */
enum
{
  OPERATOR,
  CHAIR,
  DINH_HOA,
  VO_NHAI,
  DAI_TU,
  PHU_BINH,
  OBSERVER,
  N_SITES
};

#define SEC ((gint64) G_USEC_PER_SEC)
#define MS ((gint64) 1000)
#define T0 (1000 * SEC)
#define QUIET (-90.0f)

typedef struct
{
  DcConfig *config;
  DcConference *conf;
} Fixture;

void fixture_setup (Fixture *f, gconstpointer data);
void fixture_teardown (Fixture *f, gconstpointer data);
void join (Fixture *f, guint slot, gint64 now);
void join_all (Fixture *f);
/* Everything observable about the state as one string, to prove a refusal changed nothing. */
char *snapshot (const DcConference *c);
/* The attendance as "kind|site-id|detail" lines (the test names contain no comma). */
GPtrArray *attendance_events (DcConference *c);
void assert_event (GPtrArray *events, guint index, DcAttendanceKind kind, const char *id,
                   const char *detail);
/* Feeds levels every 100 ms over [from, to]: `slot` at `level`, `other` at `other_level`, the rest
 * quiet. Returns the speaking slot after the last step. */
int speak (Fixture *f, int slot, float level, int other, float other_level, gint64 from,
           gint64 to);

#define ADD_CONFERENCE_TEST(path, func)                                                          \
  g_test_add ("/conference/" path, Fixture, GINT_TO_POINTER (DC_EXPIRY_MUTE), fixture_setup,     \
              func, fixture_teardown)

G_END_DECLS
