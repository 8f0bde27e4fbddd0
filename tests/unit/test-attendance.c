/* The attendance record: order of records, the CSV bytes (BOM, Vietnamese header and names, CRLF,
 * RFC 4180 quoting), the file written for the minutes, and clearing. Times come from a fake
 * clock; the local time zone is fixed to UTC+7 (Vietnam) so the formatted times are known. */
#include "attendance.h"

#include <glib/gstdio.h>
#include <string.h>

#define BOM "\xEF\xBB\xBF"
#define HEADER "Thời gian,Mã điểm cầu,Tên điểm cầu,Sự kiện,Chi tiết\r\n"

/* DcWallClock takes no user data, so the fake time lives here. */
static gint64 fake_now_us;

static gint64
fake_clock (void)
{
  return fake_now_us;
}

/* µs since the epoch of a wall-clock time in Vietnam (UTC+7). */
static gint64
vn_time (int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr (GDateTime) utc = g_date_time_new_utc (year, month, day, hour, minute, second);
  return g_date_time_to_unix (utc) * G_USEC_PER_SEC - (gint64) 7 * 3600 * G_USEC_PER_SEC;
}

static void
add_at (DcAttendance *a, gint64 when, DcAttendanceKind kind, const char *id, const char *name,
        const char *detail)
{
  fake_now_us = when;
  dc_attendance_add (a, kind, id, name, detail);
}

/* The opening of a review meeting: two halls join, one speaks with a limit, leaves, the end. */
static DcAttendance *
meeting_record (void)
{
  DcAttendance *a = dc_attendance_new (fake_clock);
  add_at (a, vn_time (2024, 7, 15, 8, 0, 5), DC_ATTENDANCE_JOINED, "ubnd-tinh",
          "UBND tỉnh Thái Nguyên", NULL);
  add_at (a, vn_time (2024, 7, 15, 8, 1, 30) + 999999, DC_ATTENDANCE_JOINED, "dinh-hoa",
          "Định Hóa", NULL);
  add_at (a, vn_time (2024, 7, 15, 9, 15, 0), DC_ATTENDANCE_FLOOR_START, "dinh-hoa", "Định Hóa",
          "giới hạn 120 giây");
  add_at (a, vn_time (2024, 7, 15, 9, 17, 0), DC_ATTENDANCE_FLOOR_END, "dinh-hoa", "Định Hóa",
          NULL);
  add_at (a, vn_time (2024, 7, 15, 10, 2, 45), DC_ATTENDANCE_LEFT, "dinh-hoa", "Định Hóa", NULL);
  add_at (a, vn_time (2024, 7, 15, 11, 30, 0), DC_ATTENDANCE_MEETING_END, NULL, NULL, NULL);
  return a;
}

static const char meeting_csv[]
    = BOM HEADER "2024-07-15 08:00:05,ubnd-tinh,UBND tỉnh Thái Nguyên,Tham gia,\r\n"
                 "2024-07-15 08:01:30,dinh-hoa,Định Hóa,Tham gia,\r\n"
                 "2024-07-15 09:15:00,dinh-hoa,Định Hóa,Bắt đầu phát biểu,giới hạn 120 giây\r\n"
                 "2024-07-15 09:17:00,dinh-hoa,Định Hóa,Kết thúc phát biểu,\r\n"
                 "2024-07-15 10:02:45,dinh-hoa,Định Hóa,Rời hội nghị,\r\n"
                 "2024-07-15 11:30:00,,,Kết thúc hội nghị,\r\n";

static void
test_records_in_order (void)
{
  g_autoptr (DcAttendance) a = meeting_record ();
  g_assert_cmpuint (dc_attendance_get_length (a), ==, 6);
  g_assert_cmpint (dc_attendance_get_started (a), ==, vn_time (2024, 7, 15, 8, 0, 5));

  g_autofree char *csv = dc_attendance_to_csv (a);
  g_assert_true (g_str_has_prefix (csv, BOM));
  g_assert_true (g_utf8_validate (csv, -1, NULL));
  g_assert_cmpstr (csv, ==, meeting_csv);
  /* Every line ends in CRLF; no bare LF or CR anywhere. */
  for (const char *p = csv; *p; p++)
    {
      if (*p == '\n')
        g_assert_true (p > csv && p[-1] == '\r');
      if (*p == '\r')
        g_assert_true (p[1] == '\n');
    }
  /* The names are the exact UTF-8 bytes (precomposed, as typed in the config). */
  g_assert_nonnull (strstr (csv, "UBND t\xe1\xbb\x89nh Th\xc3\xa1i Nguy\xc3\xaan"));
  g_assert_nonnull (strstr (csv, "\xc4\x90\xe1\xbb\x8bnh H\xc3\xb3" "a"));
}

static void
test_quoting (void)
{
  g_autoptr (DcAttendance) a = dc_attendance_new (fake_clock);
  gint64 t = vn_time (2024, 12, 31, 23, 59, 59);
  add_at (a, t, DC_ATTENDANCE_JOINED, "phu-binh", "Huyện \"Phú Bình\", điểm cầu 2", NULL);
  add_at (a, t, DC_ATTENDANCE_FLOOR_END, "phu-binh", "Phú Bình", "dòng 1\ndòng 2");
  add_at (a, t, DC_ATTENDANCE_REMOVED, "vo-nhai", "Võ Nhai", "\"");
  g_autofree char *csv = dc_attendance_to_csv (a);
  g_assert_cmpstr (csv, ==,
                   BOM HEADER
                   "2024-12-31 23:59:59,phu-binh,\"Huyện \"\"Phú Bình\"\", điểm cầu 2\",Tham gia,\r\n"
                   "2024-12-31 23:59:59,phu-binh,Phú Bình,Kết thúc phát biểu,\"dòng 1\ndòng 2\"\r\n"
                   "2024-12-31 23:59:59,vo-nhai,Võ Nhai,Bị mời ra,\"\"\"\"\r\n");
}

static void
test_kind_names (void)
{
  g_assert_cmpstr (dc_attendance_kind_to_string (DC_ATTENDANCE_JOINED), ==, "Tham gia");
  g_assert_cmpstr (dc_attendance_kind_to_string (DC_ATTENDANCE_LEFT), ==, "Rời hội nghị");
  g_assert_cmpstr (dc_attendance_kind_to_string (DC_ATTENDANCE_FLOOR_START), ==,
                   "Bắt đầu phát biểu");
  g_assert_cmpstr (dc_attendance_kind_to_string (DC_ATTENDANCE_FLOOR_END), ==,
                   "Kết thúc phát biểu");
  g_assert_cmpstr (dc_attendance_kind_to_string (DC_ATTENDANCE_REMOVED), ==, "Bị mời ra");
  g_assert_cmpstr (dc_attendance_kind_to_string (DC_ATTENDANCE_MEETING_END), ==,
                   "Kết thúc hội nghị");
}

static void
test_write (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("diemcau-attendance-XXXXXX", &error);
  g_assert_no_error (error);
  /* A directory that does not exist yet is created. */
  g_autofree char *dir = g_build_filename (tmp, "bien-ban", "2024", NULL);
  g_autoptr (DcAttendance) a = meeting_record ();

  g_autofree char *path = dc_attendance_write (a, dir, &error);
  g_assert_no_error (error);
  g_autofree char *expected = g_build_filename (dir, "diem-danh-20240715-080005.csv", NULL);
  g_assert_cmpstr (path, ==, expected);
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, strlen (meeting_csv));
  g_assert_cmpmem (contents, length, meeting_csv, strlen (meeting_csv));

  /* A directory that cannot be made: a plain file is in the way. */
  g_autofree char *blocker = g_build_filename (tmp, "tep", NULL);
  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  g_autofree char *under_file = g_build_filename (blocker, "thu-muc", NULL);
  g_autofree char *failed = dc_attendance_write (a, under_file, &error);
  g_assert_null (failed);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_remove (dir), ==, 0);
  g_autofree char *parent = g_path_get_dirname (dir);
  g_assert_cmpint (g_remove (parent), ==, 0);
  g_assert_cmpint (g_remove (blocker), ==, 0);
  g_assert_cmpint (g_remove (tmp), ==, 0);
}

static void
test_clear (void)
{
  g_autoptr (DcAttendance) a = meeting_record ();
  dc_attendance_clear (a);
  g_assert_cmpuint (dc_attendance_get_length (a), ==, 0);
  g_assert_cmpint (dc_attendance_get_started (a), ==, 0);
  g_autofree char *empty = dc_attendance_to_csv (a);
  g_assert_cmpstr (empty, ==, BOM HEADER);

  /* The next meeting starts a fresh record on the same object. */
  add_at (a, vn_time (2024, 12, 20, 14, 0, 0), DC_ATTENDANCE_JOINED, "vo-nhai", "Võ Nhai", NULL);
  g_assert_cmpuint (dc_attendance_get_length (a), ==, 1);
  g_assert_cmpint (dc_attendance_get_started (a), ==, vn_time (2024, 12, 20, 14, 0, 0));
  g_autofree char *csv = dc_attendance_to_csv (a);
  g_assert_cmpstr (csv, ==, BOM HEADER "2024-12-20 14:00:00,vo-nhai,Võ Nhai,Tham gia,\r\n");
}

static void
test_real_clock (void)
{
  g_autoptr (DcAttendance) a = dc_attendance_new (NULL);
  g_assert_cmpint (dc_attendance_get_started (a), ==, 0);
  gint64 before = g_get_real_time ();
  dc_attendance_add (a, DC_ATTENDANCE_JOINED, "ubnd-tinh", "UBND tỉnh Thái Nguyên", NULL);
  gint64 after = g_get_real_time ();
  g_assert_cmpint (dc_attendance_get_started (a), >=, before);
  g_assert_cmpint (dc_attendance_get_started (a), <=, after);
}

int
main (int argc, char **argv)
{
  /* A POSIX rule needs no tz database: Vietnam, UTC+7, no daylight saving. */
  g_setenv ("TZ", "ICT-7", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/attendance/records-in-order", test_records_in_order);
  g_test_add_func ("/attendance/quoting", test_quoting);
  g_test_add_func ("/attendance/kind-names", test_kind_names);
  g_test_add_func ("/attendance/write", test_write);
  g_test_add_func ("/attendance/clear", test_clear);
  g_test_add_func ("/attendance/real-clock", test_real_clock);
  return g_test_run ();
}
