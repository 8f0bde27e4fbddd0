/* Reading a message's text into a JSON object under the rules of docs/protocol.md §2: size,
 * UTF-8, strict JSON (json-glib is more lenient), nesting depth, 64-bit integers and no repeated
 * member. json-glib does the parsing; this file only refuses what it would let through. */
#define G_LOG_DOMAIN "dc-protocol"

#include "protocol-json.h"

#include <string.h>

/* Deeper nesting is refused before json-glib sees it. Our messages nest three levels at most. */
#define MAX_NESTING 32

/* TRUE when the integer literal (no fraction or exponent) fits in 64 bits: json-glib 1.6 silently
 * wraps larger ones, so "protocol": 18446744073709551617 would otherwise read as 1. */
static gboolean
integer_literal_fits (const char *start, gsize length)
{
  char buf[32];

  if (memchr (start, '.', length) || memchr (start, 'e', length) || memchr (start, 'E', length))
    return TRUE;
  if (length >= sizeof buf)
    return FALSE;
  memcpy (buf, start, length);
  buf[length] = '\0';
  return g_ascii_string_to_signed (buf, 10, G_MININT64, G_MAXINT64, NULL, NULL);
}

static int
hex4 (const char *p)
{
  int v = 0;

  for (int k = 0; k < 4; k++)
    {
      int d = g_ascii_xdigit_value (p[k]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* Length of the \u escape at data[i] (a backslash): 5, or 11 for a surrogate pair. 0 when refused:
 * not 4 hex digits, U+0000 (json-glib cuts the string there, so "site\u0000x" would read as
 * "site"), or an unpaired surrogate (json-glib would store invalid UTF-8). */
static gsize
unicode_escape_length (const char *data, gsize length, gsize i)
{
  int unit = length - i >= 6 ? hex4 (data + i + 2) : -1;

  if (unit <= 0 || (unit >= 0xdc00 && unit <= 0xdfff))
    return 0;
  if (unit >= 0xd800 && unit <= 0xdbff)
    {
      int low = -1;
      if (length - i >= 12 && data[i + 6] == '\\' && data[i + 7] == 'u')
        low = hex4 (data + i + 8);
      return low >= 0xdc00 && low <= 0xdfff ? 11 : 0;
    }
  return 5;
}

/* One character inside a string, other than its closing quote. json-glib accepts raw control
 * characters and any escape, reading "\ud8" followed by junk as a lone surrogate, so strings are
 * held to strict JSON here: that keeps every accepted string valid UTF-8. */
static gboolean
check_string_char (const char *data, gsize length, gsize *i, GError **error)
{
  char c = data[*i];
  gsize skip = 0;

  if ((guchar)c < 0x20)
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON,
                   "The message holds a control character inside a string at byte %" G_GSIZE_FORMAT
                   "; it must be escaped.",
                   *i);
      return FALSE;
    }
  if (c != '\\' || *i + 1 >= length)
    return TRUE; /* an unterminated string is json-glib's to report */

  char e = data[*i + 1];
  if (e != '\0' && strchr ("\"\\/bfnrt", e) != NULL)
    skip = 1;
  else if (e == 'u')
    skip = unicode_escape_length (data, length, *i);
  if (skip == 0)
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON,
                   "The message holds an invalid escape at byte %" G_GSIZE_FORMAT
                   " (\\u0000 and unpaired surrogates are refused too).",
                   *i);
      return FALSE;
    }
  *i += skip;
  return TRUE;
}

/* One character outside strings: only what strict JSON allows there (json-glib also takes comments
 * and single quotes, which would hide strings from these checks), nesting depth (json-glib's parser
 * recurses, and 64 KiB of '[' would cost tens of megabytes of stack) and integers beyond 64 bits.
 */
static gboolean
check_structure_char (const char *data, gsize length, gsize *i, int *depth, GError **error)
{
  char c = data[*i];

  if (c == '[' || c == '{')
    {
      if (++*depth > MAX_NESTING)
        {
          g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON,
                       "The message nests arrays or objects more than %d levels deep.",
                       MAX_NESTING);
          return FALSE;
        }
    }
  else if (c == ']' || c == '}')
    --*depth;
  else if (!g_ascii_islower (c) && strchr (" \t\r\n:,-+.0123456789E", c) == NULL)
    {
      g_set_error (
          error, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON,
          "The message holds an unexpected character outside strings at byte %" G_GSIZE_FORMAT ".",
          *i);
      return FALSE;
    }
  else if (c == '-' || g_ascii_isdigit (c))
    {
      gsize end = *i;
      while (end < length && data[end] && strchr ("+-.eE0123456789", data[end]) != NULL)
        end++;
      if (!integer_literal_fits (data + *i, end - *i))
        {
          g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON,
                       "The message holds an integer that does not fit in 64 bits.");
          return FALSE;
        }
      *i = end - 1;
    }
  return TRUE;
}

/* Lexical checks json-glib does not make, in one pass over the text. */
static gboolean
prescan (const char *data, gsize length, GError **error)
{
  int depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];
      if (!in_string)
        {
          if (c == '"')
            in_string = TRUE;
          else if (!check_structure_char (data, length, &i, &depth, error))
            return FALSE;
        }
      else if (c == '"')
        in_string = FALSE;
      else if (!check_string_char (data, length, &i, error))
        return FALSE;
    }
  return TRUE;
}

/* json-glib keeps the last of repeated members without a word. Its object-member signal comes
 * after the member is stored, so a member that did not make its object grow was there before.
 * One count per object being read: json-glib reports the members of a nested object before the
 * member that holds it. */
typedef struct
{
  GArray *counts; /* guint: members read so far in each open object, the innermost last */
  char *repeated; /* the first repeated member's name */
} MemberWatch;

static void
on_object_start (JsonParser *parser, gpointer data)
{
  MemberWatch *watch = data;
  guint none = 0;
  g_array_append_val (watch->counts, none);
}

static void
on_object_member (JsonParser *parser, JsonObject *object, const char *name, gpointer data)
{
  MemberWatch *watch = data;
  guint *count = &g_array_index (watch->counts, guint, watch->counts->len - 1);
  if (json_object_get_size (object) <= (*count)++ && watch->repeated == NULL)
    watch->repeated = g_strdup (name);
}

static void
on_object_end (JsonParser *parser, JsonObject *object, gpointer data)
{
  MemberWatch *watch = data;
  g_array_set_size (watch->counts, watch->counts->len - 1);
}

/* json-glib's parse, refusing repeated members; returns the root (a new reference). */
static JsonNode *
load (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  MemberWatch watch = { counts, NULL };
  g_signal_connect (parser, "object-start", G_CALLBACK (on_object_start), &watch);
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &watch);
  g_signal_connect (parser, "object-end", G_CALLBACK (on_object_end), &watch);

  g_autoptr (GError) json_error = NULL;
  gboolean loaded = json_parser_load_from_data (parser, data, (gssize)length, &json_error);
  g_autofree char *repeated = watch.repeated;
  if (!loaded)
    {
      /* json-glib quotes the offending bytes, which may be a lone surrogate: the sentence goes
       * back to the peer inside a JSON string, so it must be valid UTF-8. */
      g_autofree char *detail = g_utf8_make_valid (json_error->message, -1);
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON, "The message is not valid JSON: %s.",
                   detail);
      return NULL;
    }
  if (repeated != NULL)
    {
      g_autofree char *shown = g_utf8_make_valid (repeated, MIN (strlen (repeated), 64));
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON,
                   "The message repeats the member \"%s\"; each member may appear once.", shown);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  return root != NULL ? json_node_ref (root) : NULL;
}

JsonObject *
dc_protocol_read_object (const char *data, gsize length, GError **error)
{
  if (length > DC_PROTOCOL_MAX_MESSAGE)
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_TOO_LARGE,
                   "The message is %" G_GSIZE_FORMAT " bytes long; at most %d are allowed.", length,
                   DC_PROTOCOL_MAX_MESSAGE);
      return NULL;
    }
  /* With an explicit length, g_utf8_validate also refuses NUL bytes. */
  if (length == 0 || !g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON,
                   length == 0 ? "The message is empty." : "The message is not valid UTF-8.");
      return NULL;
    }
  if (!prescan (data, length, error))
    return NULL;

  g_autoptr (GError) load_error = NULL;
  g_autoptr (JsonNode) root = load (data, length, &load_error);
  if (load_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&load_error));
      return NULL;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DC_PROTOCOL_ERROR, DC_ERR_BAD_JSON, "The message is not a JSON object.");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}
