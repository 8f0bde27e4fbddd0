#include "keypad.h"

#define EVENT_STAR 10

DcKeypadCommand
dc_keypad_feed (DcKeypad *keypad, int event, gint64 now_us)
{
  if (event == EVENT_STAR)
    {
      keypad->star = TRUE;
      keypad->star_at_us = now_us;
      return DC_KEYPAD_NONE;
    }
  gboolean after_star = keypad->star && now_us - keypad->star_at_us <= DC_KEYPAD_DIGIT_GAP_US;
  keypad->star = FALSE;
  if (!after_star)
    return DC_KEYPAD_NONE;
  switch (event)
    {
    case 1:
      return DC_KEYPAD_RAISE_HAND;
    case 0:
      return DC_KEYPAD_LOWER_HAND;
    default:
      return DC_KEYPAD_NONE;
    }
}
