/* The keypad's two commands, and what must not count as one. */
#include "keypad.h"

#define SEC G_USEC_PER_SEC

static void
test_commands (void)
{
  DcKeypad k = { 0 };
  g_assert_cmpint (dc_keypad_feed (&k, 10, 1 * SEC), ==, DC_KEYPAD_NONE);
  g_assert_cmpint (dc_keypad_feed (&k, 1, 2 * SEC), ==, DC_KEYPAD_RAISE_HAND);
  /* The star is used up: a lone 1 afterwards is nothing. */
  g_assert_cmpint (dc_keypad_feed (&k, 1, 2 * SEC + 1), ==, DC_KEYPAD_NONE);
  g_assert_cmpint (dc_keypad_feed (&k, 10, 5 * SEC), ==, DC_KEYPAD_NONE);
  g_assert_cmpint (dc_keypad_feed (&k, 0, 5 * SEC + 100), ==, DC_KEYPAD_LOWER_HAND);
}

static void
test_not_commands (void)
{
  DcKeypad k = { 0 };
  /* Too slow. */
  dc_keypad_feed (&k, 10, 0);
  g_assert_cmpint (dc_keypad_feed (&k, 1, DC_KEYPAD_DIGIT_GAP_US + 1), ==, DC_KEYPAD_NONE);
  /* Another digit, '#', or a second star that restarts the wait. */
  dc_keypad_feed (&k, 10, 10 * SEC);
  g_assert_cmpint (dc_keypad_feed (&k, 5, 10 * SEC + 1), ==, DC_KEYPAD_NONE);
  dc_keypad_feed (&k, 10, 20 * SEC);
  g_assert_cmpint (dc_keypad_feed (&k, 11, 20 * SEC + 1), ==, DC_KEYPAD_NONE);
  dc_keypad_feed (&k, 10, 30 * SEC);
  dc_keypad_feed (&k, 10, 32 * SEC);
  g_assert_cmpint (dc_keypad_feed (&k, 1, 34 * SEC), ==, DC_KEYPAD_RAISE_HAND);
  /* Out-of-range events from a broken codec. */
  g_assert_cmpint (dc_keypad_feed (&k, 255, 40 * SEC), ==, DC_KEYPAD_NONE);
  g_assert_cmpint (dc_keypad_feed (&k, -3, 40 * SEC), ==, DC_KEYPAD_NONE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/keypad/commands", test_commands);
  g_test_add_func ("/keypad/not-commands", test_not_commands);
  return g_test_run ();
}
