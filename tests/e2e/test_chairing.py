#!/usr/bin/env python3
"""End to end: the chair runs the meeting through the gateway.

A district's moderation command is refused; the chair mutes a district and its tone leaves every
other site's mix; the chair gives the floor to a district with a raised hand and that district's
colour appears in the large (speaker) position; the attendance lists what happened, both as the
chair downloads it and as the gateway writes it when it stops.
Usage: test_chairing.py GATEWAY CLIENT
"""
import glob
import json
import os
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conference as conf  # noqa: E402

GATEWAY, CLIENT = sys.argv[1], sys.argv[2]
# The sanitizer run checks the gateway; its halls are the plain build's clients (scripts/test.sh).
CLIENT = os.environ.get("DC_TEST_CLIENT") or CLIENT
CHAIR, SPEAKER, MUTED, DISTRICT = 0, 2, 3, 1  # ubnd-tinh, tp-song-cong, tx-pho-yen, tp-thai-nguyen
DURATION_S = 26
MUTE_AT_S = 7
FLOOR_AT_S = 13
ATTENDANCE_AT_S = 20
GRID_AT_S = 22


def command(at, **message):
    return ["--command", f"{at}:{json.dumps(message)}"]


class ChairingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        artifacts = os.environ.get("DC_TEST_ARTIFACTS")
        workdir = os.path.join(artifacts, "e2e-chairing") if artifacts else None
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)  # a clean record for this run
            os.makedirs(workdir)
        c = cls.conference = conf.Conference(GATEWAY, workdir=workdir)
        c.start()
        scripts = {
            CHAIR: command(MUTE_AT_S, type="mute", site=conf.SITES[MUTED][0], muted=True)
            + command(FLOOR_AT_S, type="give-floor", site=conf.SITES[SPEAKER][0], limit_s=120)
            + command(ATTENDANCE_AT_S, type="get-attendance")
            + command(GRID_AT_S, type="set-layout", layout="grid"),
            DISTRICT: command(3, type="mute", site=conf.SITES[SPEAKER][0], muted=True)
            + command(4, type="lock", locked=True),
            SPEAKER: command(4, type="raise-hand"),
        }
        cls.reports = {}
        procs = []
        for i in (CHAIR, DISTRICT, SPEAKER, MUTED):
            site_id = conf.SITES[i][0]
            cls.reports[i] = os.path.join(c.dir, f"chairing-{site_id}.json")
            # The speaker stays longest, so every other site's last layout still has it large.
            duration = DURATION_S + 6 if i == SPEAKER else DURATION_S
            # The speaker's camera could send 640x360: what it sends follows its tile.
            size = ["--video-size", "640x360"] if i == SPEAKER else []
            procs.append(conf.start_site(CLIENT, c, i, duration, report=cls.reports[i],
                                         snapshot=os.path.join(c.dir, f"chairing-{site_id}.png"),
                                         extra=scripts.get(i, []) + size))
            time.sleep(0.3)
        cls.exit_codes = [p.wait(timeout=DURATION_S + 60) for p in procs]
        cls.gateway_exit = c.stop()

    def report(self, index):
        return conf.load_report(self.reports[index])

    def probe_at(self, report, tone, start, end):
        samples = [s for s in report["timeline"] if start <= s["t"] <= end and "probes" in s]
        self.assertTrue(samples, f"no timeline samples in [{start}, {end}]")
        return max(s["probes"][str(tone)] for s in samples)

    def messages(self, report, kind):
        return [m["message"] for m in report["messages"] if m["message"]["type"] == kind]

    def test_everyone_ran(self):
        self.assertEqual(self.exit_codes, [0, 0, 0, 0])
        self.assertEqual(self.gateway_exit, 0)

    def test_district_moderation_is_refused(self):
        events = self.report(DISTRICT)["events"]
        refusals = [e for e in events if e["type"] == "error" and "not-permitted" in e["reason"]]
        self.assertEqual(len(refusals), 2, events)
        # Nothing changed: the speaker's tone is still heard before the chair acts, the
        # conference was never locked.
        tone = conf.SITES[SPEAKER][3]
        self.assertGreater(self.probe_at(self.report(CHAIR), tone, 4.5, MUTE_AT_S - 0.5), -40)
        for state in self.messages(self.report(CHAIR), "state"):
            self.assertFalse(state["locked"])

    def test_muted_district_leaves_every_mix(self):
        tone = conf.SITES[MUTED][3]
        for i in (CHAIR, DISTRICT, SPEAKER):
            with self.subTest(site=conf.SITES[i][0]):
                r = self.report(i)
                before = self.probe_at(r, tone, 3, MUTE_AT_S - 0.5)
                after = self.probe_at(r, tone, MUTE_AT_S + 2, FLOOR_AT_S - 0.5)
                # Gone: only codec noise remains where the tone was (about -60 dBFS).
                self.assertGreater(before, -40)
                self.assertLess(after, -50)
                self.assertGreater(before - after, 30)
                # The others are still there.
                other = self.probe_at(r, conf.SITES[DISTRICT if i != DISTRICT else CHAIR][3],
                                      MUTE_AT_S + 2, FLOOR_AT_S - 0.5)
                self.assertGreater(other, -40)

    def test_speaker_sends_what_its_tile_needs(self):
        """A thumbnail (128x72 of the 640x360 canvas) needs 320x180 at 150 kbit/s; the large
        speaker tile 640x360; the grid's 160x90 tiles 320x180 again."""
        points = [p for p in self.report(SPEAKER)["timeline"] if "send_height" in p]
        self.assertTrue(points)

        def sizes(start, end):
            return {(p["send_width"], p["send_height"]) for p in points if start <= p["t"] <= end}

        shift = self.JOIN_SPREAD_S
        self.assertEqual(sizes(3, FLOOR_AT_S - shift), {(320, 180)}, points)
        small = [p["sent_kbps"] for p in points
                 if 4 <= p["t"] <= FLOOR_AT_S - shift and "sent_kbps" in p]
        self.assertTrue(small and max(small) <= 200, small)
        # Within 2 s of the floor (the chair's clock; this site joined up to shift s later).
        self.assertEqual(sizes(FLOOR_AT_S + 2, GRID_AT_S - 0.5), {(640, 360)}, points)
        self.assertEqual(sizes(GRID_AT_S + 2 + shift, DURATION_S + 6), {(320, 180)}, points)

    # Each site's report counts from its own join; the sites start 0.3 s apart and join up to
    # about 1.5 s after the chair (more under the sanitizer), so its clock runs that much behind.
    JOIN_SPREAD_S = 2.5

    def layout_after(self, report, t, kind):
        for m in report["messages"]:
            if m["t"] >= t and m["message"]["type"] == "layout" and m["message"]["kind"] == kind:
                return {tile["site"]: tile for tile in m["message"]["tiles"]}
        self.fail(f"no {kind} layout after t={t}")

    def test_floor_holder_is_shown_large(self):
        r = self.report(MUTED)
        tiles = self.layout_after(r, FLOOR_AT_S - self.JOIN_SPREAD_S, "chair-large")
        speaker = tiles[conf.SITES[SPEAKER][0]]
        self.assertEqual((speaker["x"], speaker["y"], speaker["width"], speaker["height"]),
                         (0, 0, 512, 288))
        late = [s for s in r["timeline"] if FLOOR_AT_S + 3 <= s["t"] <= GRID_AT_S - 1]
        self.assertTrue(late)
        sample = late[len(late) // 2]["tiles"]
        self.assertLessEqual(conf.colour_distance(sample[conf.SITES[SPEAKER][0]],
                                                  conf.SITES[SPEAKER][4]), 48)
        self.assertLessEqual(conf.colour_distance(sample[conf.SITES[CHAIR][0]],
                                                  conf.SITES[CHAIR][4]), 48)
        # The speaker is heard, with the floor it was unmuted and its hand went down.
        final = self.messages(self.report(CHAIR), "state")[-1]
        self.assertEqual(final["floor"], conf.SITES[SPEAKER][0])
        self.assertEqual(final["queue"], [])
        self.assertGreater(final["floor_remaining_s"], 90)
        muted = {s["id"]: s["muted"] for s in final["sites"]}
        self.assertTrue(muted[conf.SITES[MUTED][0]])
        self.assertFalse(muted[conf.SITES[SPEAKER][0]])

    def test_layout_switch_reaches_everyone_without_a_stall(self):
        for i in (CHAIR, DISTRICT, MUTED):
            with self.subTest(site=conf.SITES[i][0]):
                r = self.report(i)
                tiles = self.layout_after(r, GRID_AT_S - self.JOIN_SPREAD_S, "grid")
                # 4 columns of 160x90 on 640x360: the chair first, the floor holder second.
                self.assertEqual((tiles["ubnd-tinh"]["x"], tiles["ubnd-tinh"]["width"]), (0, 160))
                self.assertEqual(tiles[conf.SITES[SPEAKER][0]]["x"], 160)
                self.assertLess(r["video"]["max_gap_ms"], 1000)
        late = [s for s in self.report(MUTED)["timeline"] if s["t"] >= GRID_AT_S + 2]
        self.assertTrue(late)
        self.assertLessEqual(conf.colour_distance(late[-1]["tiles"][conf.SITES[SPEAKER][0]],
                                                  conf.SITES[SPEAKER][4]), 48)

    def test_hand_queue_was_shown(self):
        states = self.messages(self.report(CHAIR), "state")
        queued = [s for s in states if s["queue"]]
        self.assertTrue(queued, "no state with a raised hand")
        self.assertEqual(queued[0]["queue"][0]["site"], conf.SITES[SPEAKER][0])

    def check_csv(self, csv):
        self.assertTrue(csv.startswith("\ufeffThời gian,Mã điểm cầu,Tên điểm cầu,Sự kiện"))
        for i in (CHAIR, DISTRICT, SPEAKER, MUTED):
            self.assertIn(f"{conf.SITES[i][0]},{conf.SITES[i][1]},Tham gia", csv)
        self.assertIn(f"{conf.SITES[SPEAKER][0]},{conf.SITES[SPEAKER][1]},Bắt đầu phát biểu,"
                      "giới hạn 120 giây", csv)

    def test_chair_downloads_attendance(self):
        sent = self.messages(self.report(CHAIR), "attendance")
        self.assertEqual(len(sent), 1)
        self.check_csv(sent[0]["csv"])

    def test_attendance_written_when_gateway_stops(self):
        files = glob.glob(os.path.join(self.conference.dir, "attendance", "diem-danh-*.csv"))
        self.assertEqual(len(files), 1, files)
        with open(files[0], encoding="utf-8") as f:
            csv = f.read()
        self.check_csv(csv)
        self.assertIn(f"{conf.SITES[CHAIR][0]},{conf.SITES[CHAIR][1]},Rời hội nghị", csv)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
