#include "web-assets.h"

#include <gio/gio.h>
#include <string.h>

#define RESOURCE_PREFIX "/org/diemcau/web/"
#define STATIC_PREFIX "/static/"

static const struct
{
  const char *suffix;
  const char *content_type;
} content_types[] = {
  { ".html", "text/html; charset=utf-8" },
  { ".js", "text/javascript; charset=utf-8" },
  { ".css", "text/css; charset=utf-8" },
  { ".svg", "image/svg+xml" },
  { ".png", "image/png" },
  { ".ico", "image/x-icon" },
};

static const char *
content_type_for (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (content_types); i++)
    if (g_str_has_suffix (name, content_types[i].suffix))
      return content_types[i].content_type;
  return "application/octet-stream";
}

/* Asset names are flat: one path segment of plain characters. Anything else (sub-folders, "..",
 * escapes) cannot name a page file, so it is refused before looking anything up. */
static gboolean
name_is_plain (const char *name)
{
  if (name[0] == '\0' || name[0] == '.')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static void
respond_asset (SoupServerMessage *msg, const char *name)
{
  const char *method = soup_server_message_get_method (msg);
  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Allow",
                                   "GET, HEAD");
      return;
    }
  g_autoptr (GBytes) bytes = NULL;
  if (name && name_is_plain (name))
    {
      g_autofree char *resource = g_strconcat (RESOURCE_PREFIX, name, NULL);
      bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    }
  if (bytes == NULL)
    {
      static const char not_found[] = "Not found\n";
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                        not_found, strlen (not_found));
      return;
    }
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  /* The page changes with the gateway binary: a hall PC must never keep an old copy. */
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Content-Type", content_type_for (name));
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static void
on_root (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer data)
{
  /* libsoup routes every path without a more specific handler here. */
  respond_asset (msg, g_strcmp0 (path, "/") == 0 || g_strcmp0 (path, "/index.html") == 0
                          ? "index.html"
                          : NULL);
}

static void
on_static (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
           gpointer data)
{
  respond_asset (msg, g_str_has_prefix (path, STATIC_PREFIX) ? path + strlen (STATIC_PREFIX)
                                                              : NULL);
}

void
dc_web_assets_register (SoupServer *server)
{
  g_return_if_fail (SOUP_IS_SERVER (server));
  soup_server_add_handler (server, "/", on_root, NULL, NULL);
  soup_server_add_handler (server, "/static", on_static, NULL, NULL);
}
