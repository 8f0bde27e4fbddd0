#include "attendance.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  gint64 time_us;
  DcAttendanceKind kind;
  char *site_id;
  char *site_name;
  char *detail;
} Record;

struct DcAttendance
{
  DcWallClock clock;
  GArray *records; /* of Record */
};

static void
record_clear (gpointer data)
{
  Record *r = data;
  g_free (r->site_id);
  g_free (r->site_name);
  g_free (r->detail);
}

DcAttendance *
dc_attendance_new (DcWallClock clock)
{
  DcAttendance *attendance = g_new0 (DcAttendance, 1);
  attendance->clock = clock ? clock : g_get_real_time;
  attendance->records = g_array_new (FALSE, TRUE, sizeof (Record));
  g_array_set_clear_func (attendance->records, record_clear);
  return attendance;
}

void
dc_attendance_free (DcAttendance *attendance)
{
  if (attendance == NULL)
    return;
  g_array_unref (attendance->records);
  g_free (attendance);
}

void
dc_attendance_add (DcAttendance *attendance, DcAttendanceKind kind, const char *site_id,
                   const char *site_name, const char *detail)
{
  g_return_if_fail (attendance != NULL);
  Record r = {
    .time_us = attendance->clock (),
    .kind = kind,
    .site_id = g_strdup (site_id),
    .site_name = g_strdup (site_name),
    .detail = g_strdup (detail),
  };
  g_array_append_val (attendance->records, r);
}

guint
dc_attendance_get_length (const DcAttendance *attendance)
{
  return attendance->records->len;
}

gint64
dc_attendance_get_started (const DcAttendance *attendance)
{
  if (attendance->records->len == 0)
    return 0;
  return g_array_index (attendance->records, Record, 0).time_us;
}

void
dc_attendance_clear (DcAttendance *attendance)
{
  g_array_set_size (attendance->records, 0);
}

const char *
dc_attendance_kind_to_string (DcAttendanceKind kind)
{
  /* The minutes are written in Vietnamese. */
  switch (kind)
    {
    case DC_ATTENDANCE_JOINED:
      return "Tham gia";
    case DC_ATTENDANCE_LEFT:
      return "Rời hội nghị";
    case DC_ATTENDANCE_FLOOR_START:
      return "Bắt đầu phát biểu";
    case DC_ATTENDANCE_FLOOR_END:
      return "Kết thúc phát biểu";
    case DC_ATTENDANCE_REMOVED:
      return "Bị mời ra";
    case DC_ATTENDANCE_MEETING_END:
      return "Kết thúc hội nghị";
    }
  return "?";
}

static void
append_field (GString *csv, const char *value, gboolean last)
{
  value = value ? value : "";
  if (strpbrk (value, ",\"\r\n") != NULL)
    {
      g_string_append_c (csv, '"');
      for (const char *p = value; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (csv, '"');
          g_string_append_c (csv, *p);
        }
      g_string_append_c (csv, '"');
    }
  else
    g_string_append (csv, value);
  g_string_append (csv, last ? "\r\n" : ",");
}

char *
dc_attendance_to_csv (const DcAttendance *attendance)
{
  GString *csv = g_string_new ("\xEF\xBB\xBF");
  g_string_append (csv, "Thời gian,Mã điểm cầu,Tên điểm cầu,Sự kiện,Chi tiết\r\n");
  for (guint i = 0; i < attendance->records->len; i++)
    {
      const Record *r = &g_array_index (attendance->records, Record, i);
      g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (r->time_us / G_USEC_PER_SEC);
      g_autofree char *time_text = g_date_time_format (when, "%Y-%m-%d %H:%M:%S");
      append_field (csv, time_text, FALSE);
      append_field (csv, r->site_id, FALSE);
      append_field (csv, r->site_name, FALSE);
      append_field (csv, dc_attendance_kind_to_string (r->kind), FALSE);
      append_field (csv, r->detail, TRUE);
    }
  return g_string_free (csv, FALSE);
}

char *
dc_attendance_write (const DcAttendance *attendance, const char *dir, GError **error)
{
  g_return_val_if_fail (attendance != NULL && dir != NULL, NULL);
  if (g_mkdir_with_parents (dir, 0750) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "cannot create the directory %s: %s", dir, g_strerror (errno));
      return NULL;
    }
  gint64 started = dc_attendance_get_started (attendance);
  g_autoptr (GDateTime) when
      = g_date_time_new_from_unix_local ((started ? started : g_get_real_time ()) / G_USEC_PER_SEC);
  g_autofree char *stamp = g_date_time_format (when, "%Y%m%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("diem-danh-%s.csv", stamp);
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *csv = dc_attendance_to_csv (attendance);
  if (!g_file_set_contents (path, csv, -1, error))
    {
      g_free (path);
      return NULL;
    }
  return path;
}
