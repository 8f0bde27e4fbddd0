/* The attendance record of one meeting: every join and leave, every floor turn, with wall-clock
 * times. It goes into the minutes, so it is written as CSV that spreadsheet programs open with the
 * Vietnamese names intact (UTF-8 with a byte-order mark). Pure data, no I/O but the final write. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DC_ATTENDANCE_JOINED,
  DC_ATTENDANCE_LEFT,
  DC_ATTENDANCE_FLOOR_START,
  DC_ATTENDANCE_FLOOR_END,
  DC_ATTENDANCE_REMOVED,
  DC_ATTENDANCE_MEETING_END,
} DcAttendanceKind;

typedef struct DcAttendance DcAttendance;
typedef gint64 (*DcWallClock) (void); /* µs since the epoch */

DcAttendance *dc_attendance_new (DcWallClock clock); /* NULL = g_get_real_time */
void dc_attendance_free (DcAttendance *attendance);
/* site_id/site_name/detail may be NULL (meeting-wide records). */
void dc_attendance_add (DcAttendance *attendance, DcAttendanceKind kind, const char *site_id,
                        const char *site_name, const char *detail);
guint dc_attendance_get_length (const DcAttendance *attendance);
gint64 dc_attendance_get_started (const DcAttendance *attendance); /* first record, 0 if none */
void dc_attendance_clear (DcAttendance *attendance);
const char *dc_attendance_kind_to_string (DcAttendanceKind kind);
/* "\xEF\xBB\xBFThời gian,Mã điểm cầu,Tên điểm cầu,Sự kiện,Chi tiết\r\n..." (RFC 4180 quoting). */
char *dc_attendance_to_csv (const DcAttendance *attendance);
/* Writes DIR/diem-danh-YYYYMMDD-HHMMSS.csv (time of the first record); returns the path. */
char *dc_attendance_write (const DcAttendance *attendance, const char *dir, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DcAttendance, dc_attendance_free)

G_END_DECLS
