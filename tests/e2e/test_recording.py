#!/usr/bin/env python3
"""End to end: the chair records the meeting, and a recording survives a crash.

Part one: the chair (red, its tone) and a district (green, its tone) meet; the district's "record"
is refused; the chair starts the recording at 2 s and stops it at 14 s. The segments are read by
ffprobe (VP8 at the canvas size and Opus, about 12 s in all); a frame ffmpeg decodes from them
shows the chair's colour and the district's at their tiles; their audio holds both tones (the
programme is everyone). Part two: a gateway with [recording] auto-start is killed with SIGKILL
14 s in; its first segment is whole and plays, and ffmpeg still decodes the one it was writing.
Usage: test_recording.py GATEWAY CLIENT
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "sip"))
import analysis  # noqa: E402
import conference as conf  # noqa: E402

GATEWAY, CLIENT = sys.argv[1], sys.argv[2]
CLIENT = os.environ.get("DC_TEST_CLIENT") or CLIENT
CHAIR, DISTRICT = 0, 1
START_AT, STOP_AT, DURATION_S = 2, 14, 18
KILL_AT = 14
# Segments end at the last two-second picture group that keeps them within ten seconds.
SEGMENT_MIN_S, SEGMENT_MAX_S = 6, 11


def command(at, **message):
    return ["--command", f"{at}:{json.dumps(message)}"]


def probe(path):
    """ffprobe's streams and duration of one file."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "stream=codec_name,codec_type,width,height:format=duration",
                          "-of", "json", path], capture_output=True, text=True, timeout=30)
    return json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr}


def decoded_frames(path):
    """How many video frames ffmpeg decodes from the file, and whether it complained."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-f", "null", "-"],
                         capture_output=True, text=True, timeout=60)
    frames = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                             "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path],
                            capture_output=True, text=True, timeout=60)
    count = int(frames.stdout.strip() or 0) if frames.returncode == 0 else 0
    return count, out.returncode


class RecordingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        artifacts = os.environ.get("DC_TEST_ARTIFACTS") or tempfile.mkdtemp(prefix="diemcau-")
        cls.workdir = os.path.join(artifacts, "e2e-recording")
        shutil.rmtree(cls.workdir, ignore_errors=True)
        os.makedirs(cls.workdir)
        cls.record_meeting()
        cls.crash_while_recording()

    @classmethod
    def recording_gateway(cls, name, auto_start):
        """A started gateway recording into its own folder; returns it and that folder."""
        workdir = os.path.join(cls.workdir, name)
        os.makedirs(workdir)
        recordings = os.path.join(workdir, "recordings")
        c = conf.Conference(GATEWAY, workdir=workdir,
                            extra_groups=(f"[recording]\ndirectory={recordings}\n"
                                          f"auto-start={'true' if auto_start else 'false'}"))
        c.start()
        return c, recordings

    @classmethod
    def record_meeting(cls):
        c, cls.recordings = cls.recording_gateway("meeting", auto_start=False)
        workdir = c.dir
        cls.chair_report = os.path.join(workdir, "chair.json")
        cls.district_report = os.path.join(workdir, "district.json")
        chair = conf.start_site(CLIENT, c, CHAIR, DURATION_S, report=cls.chair_report,
                                extra=command(START_AT, type="record", recording=True)
                                + command(STOP_AT, type="record", recording=False))
        time.sleep(0.3)
        district = conf.start_site(CLIENT, c, DISTRICT, DURATION_S, report=cls.district_report,
                                   extra=command(4, type="record", recording=False))
        cls.exits = [chair.wait(timeout=DURATION_S + 60), district.wait(timeout=DURATION_S + 60)]
        cls.gateway_exit = c.stop()
        cls.segments = sorted(glob.glob(os.path.join(cls.recordings, "*.mkv")))

    @classmethod
    def crash_while_recording(cls):
        c, cls.crash_recordings = cls.recording_gateway("crash", auto_start=True)
        started = time.time()
        hall = conf.start_site(CLIENT, c, CHAIR, KILL_AT + 10)
        time.sleep(max(0.0, started + KILL_AT - time.time()))
        c.process.send_signal(signal.SIGKILL)
        c.process.wait(timeout=10)
        hall.wait(timeout=60)
        cls.crash_segments = sorted(glob.glob(os.path.join(cls.crash_recordings, "*.mkv")))

    def test_everyone_ran(self):
        self.assertEqual(self.exits, [0, 0])
        self.assertEqual(self.gateway_exit, 0)

    def test_state_says_recording(self):
        chair = conf.load_report(self.chair_report)
        states = [(m["t"], m["message"]["recording"]) for m in chair["messages"]
                  if m["message"]["type"] == "state"]
        self.assertIn(True, [r for t, r in states if START_AT <= t < STOP_AT], states)
        self.assertFalse(states[-1][1], states)

    def test_district_may_not_record(self):
        events = conf.load_report(self.district_report)["events"]
        refusals = [e for e in events if e["type"] == "error" and "not-permitted" in e["reason"]]
        self.assertEqual(len(refusals), 1, events)

    def test_segments_play(self):
        self.assertGreaterEqual(len(self.segments), 2, self.segments)
        total = 0.0
        for path in self.segments:
            with self.subTest(segment=os.path.basename(path)):
                info = probe(path)
                kinds = {s["codec_type"]: s for s in info.get("streams", [])}
                self.assertEqual(kinds["video"]["codec_name"], "vp8", info)
                self.assertEqual((kinds["video"]["width"], kinds["video"]["height"]), (640, 360))
                self.assertEqual(kinds["audio"]["codec_name"], "opus", info)
                total += float(info["format"]["duration"])
        print(f"{len(self.segments)} segments, {total:.1f} s recorded", file=sys.stderr)
        self.assertAlmostEqual(total, STOP_AT - START_AT, delta=2.0)

    def test_recording_shows_the_meeting(self):
        png = os.path.join(self.workdir, "recorded-frame.png")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", "5", "-i", self.segments[0],
                        "-frames:v", "1", png], check=True, timeout=60)
        layout = [m["message"] for m in conf.load_report(self.chair_report)["messages"]
                  if m["message"]["type"] == "layout"][-1]
        tiles = {t["site"]: t for t in layout["tiles"]}
        for index in (CHAIR, DISTRICT):
            site_id, colour = conf.SITES[index][0], conf.SITES[index][4]
            tile = tiles[site_id]
            pixel = analysis.png_pixel(png, tile["x"] + tile["width"] // 2,
                                       tile["y"] + tile["height"] // 3)
            got = "%02x%02x%02x" % tuple(pixel[:3])
            with self.subTest(site=site_id):
                self.assertLessEqual(conf.colour_distance(got, colour), 48, got)

    def test_recording_holds_everyone(self):
        wav = os.path.join(self.workdir, "recorded.wav")
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", self.segments[0], "-map", "0:a",
                        "-ac", "1", "-ar", "48000", "-c:a", "pcm_s16le", wav],
                       check=True, timeout=60)
        tones = [conf.SITES[CHAIR][3], conf.SITES[DISTRICT][3], conf.SITES[2][3]]
        levels = analysis.tone_levels(wav, tones, start=2.0)
        print(f"recorded tones: {levels}", file=sys.stderr)
        self.assertGreater(levels[tones[0]], -10, levels)
        self.assertGreater(levels[tones[1]], -10, levels)
        self.assertLess(levels[tones[2]], -30, levels)  # nobody sent this one

    def test_crash_loses_only_the_last_seconds(self):
        self.assertGreaterEqual(len(self.crash_segments), 2, self.crash_segments)
        whole = probe(self.crash_segments[0])
        duration = float(whole["format"]["duration"])
        self.assertTrue(SEGMENT_MIN_S <= duration <= SEGMENT_MAX_S, whole)
        frames, status = decoded_frames(self.crash_segments[0])
        self.assertEqual(status, 0)
        self.assertGreater(frames, duration * 15 * 0.8)
        # The segment being written when the gateway died: its frames up to the crash decode
        # (about the last two seconds are lost: the picture group splitmuxsink still held).
        partial, _ = decoded_frames(self.crash_segments[-1])
        print(f"after SIGKILL: first segment {frames} frames, the one being written {partial}",
              file=sys.stderr)
        self.assertGreater(partial, 15, self.crash_segments[-1])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
