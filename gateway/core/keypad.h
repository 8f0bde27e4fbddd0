/* A room system's remote control as a hand: the hall's keypad (RFC 4733 telephone events) typed
 * "*1" raises its hand, "*0" lowers it. Pure: digits in with their times, a command out. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A command's digits belong together when typed within this of each other. */
#define DC_KEYPAD_DIGIT_GAP_US (3 * G_USEC_PER_SEC)

typedef enum
{
  DC_KEYPAD_NONE,
  DC_KEYPAD_RAISE_HAND,
  DC_KEYPAD_LOWER_HAND,
} DcKeypadCommand;

typedef struct
{
  gboolean star;      /* '*' typed, waiting for the command digit */
  gint64 star_at_us;
} DcKeypad;

/* event: 0..9 digits, 10 '*', 11 '#', as RFC 4733 numbers them. */
DcKeypadCommand dc_keypad_feed (DcKeypad *keypad, int event, gint64 now_us);

G_END_DECLS
