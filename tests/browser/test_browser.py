#!/usr/bin/env python3
"""End to end with a real browser: Debian's Chromium joins through the gateway's own page.

A gateway on loopback, three headless sites (each its own tone and colour) and headless Chromium
with its fake camera and microphone joining as a fourth site through http://127.0.0.1:PORT/.
Checked both ways: the sites see Chromium's moving picture in its tile and hear its beep; the page
plays the composed video and its WebAudio hears the three tones. The page's error and rejoin
paths run too: a lost connection rejoins after a countdown, a wrong token and a replaced session
are explained in Vietnamese (and English after the language switch). The district's page has no
call buttons; meanwhile a second gateway with SIP on has Chromium as its chair, whose panel calls
an absent district's room system at an address where nothing answers: "Gọi", then "Gọi lại".
Usage: test_browser.py GATEWAY CLIENT
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "sip"))
import conference as conf  # noqa: E402
from sip_endpoints import free_sip_port  # noqa: E402

GATEWAY, CLIENT = sys.argv[1], sys.argv[2]
HEADLESS = [0, 1, 2]
BROWSER = 3  # tx-pho-yen
WRONG_SITE = 5  # dai-tu: absent, so a wrong token for it disturbs nobody
SITES_S = 50
# Chromium's fake microphone beeps at 400 Hz (measured: about -36 dBFS in a 1 s window at the
# sites, against -65 dBFS or less at 400 Hz when Chromium is away).
BEEP_HZ = 400
BEEP_PRESENT_DBFS = -50.0
BEEP_ABOVE_ABSENT_DB = 10.0
PLACEHOLDER = "3a4250"
TONE_ABOVE_MEDIAN_DB = 20.0
CHAIR = 0
CALLED = 8  # vo-nhai: absent from both meetings


def node_driver_args(url, token, artifacts):
    tones = [conf.SITES[i][3] for i in HEADLESS] + [conf.SITES[BROWSER][3]]
    return ["node", os.path.join(HERE, "join-page.mjs"), "--url", url,
            "--site", conf.SITES[BROWSER][0], "--token", token,
            "--probe", ",".join(str(t) for t in tones),
            "--screenshot", os.path.join(artifacts, "browser.png"),
            "--hold", "6", "--checks", "--wrong-site", conf.SITES[WRONG_SITE][0]]


def chair_calls(artifacts, ice_base):
    """A gateway with SIP on where Chromium is the chair and clicks vo-nhai's "Gọi". At its room
    system's address a socket takes the INVITE and says nothing, so the call rings ("Đang gọi…");
    once the page shows that, the socket closes, the INVITE's retransmission finds nobody (503)
    and, without redials, the call fails. Returns the driver's result and the gateway log."""
    workdir = os.path.join(artifacts, "e2e-browser-chair")
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    sip_port, nobody = free_sip_port(), free_sip_port()
    rtp_base = 50000 + (sip_port % 50) * 100
    c = conf.Conference(
        GATEWAY, workdir=workdir, ice_base=ice_base,
        extra_groups=(f"[sip]\nenabled=true\nlisten-address=127.0.0.1\nport={sip_port}\n"
                      f"redial-attempts=0\nrtp-port-min={rtp_base}\nrtp-port-max={rtp_base + 99}"),
        site_lines={conf.SITES[CALLED][0]: [f"sip-uri=sip:x@127.0.0.1:{nobody}"]})
    hall = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    hall.bind(("127.0.0.1", nobody))
    lines = []
    errors = open(os.path.join(workdir, "driver.log"), "w+", encoding="utf-8")
    try:
        c.start()
        with open(c.tokens[conf.SITES[CHAIR][0]], encoding="utf-8") as f:
            token = f.read().strip()
        driver = subprocess.Popen(
            ["node", os.path.join(HERE, "join-page.mjs"), "--url", f"http://127.0.0.1:{c.port}/",
             "--site", conf.SITES[CHAIR][0], "--token", token,
             "--call-site", conf.SITES[CALLED][0],
             "--panel-screenshot", os.path.join(artifacts, "browser-chair.png")],
            stdout=subprocess.PIPE, stderr=errors, text=True, encoding="utf-8")
        for line in driver.stdout:
            lines.append(line.strip())
            if lines[-1] == "calling":
                hall.close()
        driver.wait(timeout=60)
    finally:
        hall.close()
        c.stop()
    with errors:
        errors.seek(0)
        result = json.loads(lines[-1]) if driver.returncode == 0 and lines \
            else {"error": errors.read()[-4000:]}
    with open(os.path.join(workdir, "chair-page.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
    return result, c.log()


class BrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        build = os.environ.get("DC_TEST_ARTIFACTS") or tempfile.mkdtemp(prefix="diemcau-browser-")
        cls.artifacts = build
        os.makedirs(build, exist_ok=True)
        workdir = os.path.join(build, "e2e-browser")
        shutil.rmtree(workdir, ignore_errors=True)
        os.makedirs(workdir)
        c = cls.conference = conf.Conference(GATEWAY, workdir=workdir)
        c.start()
        probes = [str(s[3]) for s in conf.SITES[:4]] + [str(BEEP_HZ)]
        cls.reports, cls.started, procs = {}, {}, {}
        for i in HEADLESS:
            site_id = conf.SITES[i][0]
            cls.reports[site_id] = os.path.join(c.dir, f"{site_id}.json")
            cls.started[site_id] = time.time()
            procs[site_id] = conf.start_site(
                CLIENT, c, i, SITES_S, report=cls.reports[site_id],
                snapshot=os.path.join(c.dir, f"{site_id}.png"),
                extra=("--probe-tones", ",".join(probes)))
        time.sleep(2)
        with open(c.tokens[conf.SITES[BROWSER][0]], encoding="utf-8") as f:
            token = f.read().strip()
        driver = subprocess.run(node_driver_args(f"http://127.0.0.1:{c.port}/", token, build),
                                capture_output=True, text=True, timeout=180)
        cls.driver_log = driver.stderr
        cls.page = json.loads(driver.stdout.strip().splitlines()[-1]) if driver.returncode == 0 \
            else None
        if cls.page is None:
            for p in procs.values():
                p.terminate()
        # While the sites finish their run: the chair's calls, on a gateway of their own.
        cls.chair, cls.chair_log = chair_calls(build, c.ice_ports.start + 100
                                               if c.ice_ports.start < 49000 else 30000)
        cls.exit_codes = {s: p.wait(timeout=SITES_S + 60) for s, p in procs.items()}
        cls.gateway_alive = c.process.poll() is None
        cls.gateway_exit = c.stop()
        with open(os.path.join(c.dir, "page.json"), "w", encoding="utf-8") as f:
            json.dump(cls.page, f, indent=1)

    def setUp(self):
        self.assertIsNotNone(self.page, "the browser driver failed:\n" + self.driver_log[-4000:])

    def samples_while_browser_in(self, site_id):
        """Timeline samples of a headless site taken while Chromium was in and being measured."""
        report = conf.load_report(self.reports[site_id])
        start = self.page["connected_at"] / 1000 - self.started[site_id] + 2
        end = self.page["measured_until"] / 1000 - self.started[site_id] - 1
        samples = [s for s in report["timeline"] if start <= s["t"] <= end]
        self.assertGreaterEqual(len(samples), 5, f"{site_id}: too few samples in [{start}, {end}]")
        return samples

    def test_everyone_ran(self):
        self.assertTrue(self.gateway_alive, "the gateway died during the meeting")
        self.assertEqual(self.gateway_exit, 0)
        for site_id, code in self.exit_codes.items():
            self.assertEqual(code, 0, f"{site_id} exited with {code}")
        errors = [line for line in self.page["console"] if line.startswith("pageerror")]
        self.assertEqual(errors, [])

    def test_sites_see_chromium_camera(self):
        browser_id = conf.SITES[BROWSER][0]
        seen = []
        for i in HEADLESS:
            site_id = conf.SITES[i][0]
            colours = [s["tiles"][browser_id] for s in self.samples_while_browser_in(site_id)]
            seen += colours
            with self.subTest(site=site_id):
                for colour in colours:
                    self.assertGreater(conf.colour_distance(colour, PLACEHOLDER), 40,
                                       f"{site_id} sees the placeholder in Chromium's tile: {colours}")
        # The fake camera's figure turns over a green ground, so the tile centre the sites sample
        # is sometimes the ground and sometimes the figure: the picture moves.
        spread = max(conf.colour_distance(a, seen[0]) for a in seen)
        # (A still picture through VP8 stays within a few steps of its colour.)
        self.assertGreater(spread, 12, f"Chromium's tile does not change: {seen}")

    def test_sites_hear_chromium_beep(self):
        # The beep's frequency while Chromium is in, against the same frequency after it left.
        for i in HEADLESS:
            site_id = conf.SITES[i][0]
            during = [s["probes"][str(BEEP_HZ)] for s in self.samples_while_browser_in(site_id)]
            report = conf.load_report(self.reports[site_id])
            gone = self.page["left_at"] / 1000 - self.started[site_id] + 3
            after = [s["probes"][str(BEEP_HZ)] for s in report["timeline"] if s["t"] >= gone]
            with self.subTest(site=site_id):
                self.assertGreaterEqual(len(after), 3, f"{site_id}: no samples after Chromium left")
                self.assertGreater(min(during), BEEP_PRESENT_DBFS,
                                   f"{site_id} does not hear the beep all along: {during}")
                self.assertGreater(min(during) - max(after), BEEP_ABOVE_ABSENT_DB,
                                   f"{site_id}: beep {during}, after Chromium left {after}")

    def test_chromium_camera_comes_back_in_its_tile(self):
        own = self.page["own_tile"]
        self.assertEqual((own["tile"]["width"], own["tile"]["height"]), (128, 72))
        placeholder = [int(PLACEHOLDER[i:i + 2], 16) for i in (0, 2, 4)]
        for mean in own["samples"]:
            self.assertGreater(max(abs(a - b) for a, b in zip(mean, placeholder)), 40, own)
        # Mean colour of the whole tile: the fake camera's figure turns, so it moves.
        self.assertGreaterEqual(len({tuple(m) for m in own["samples"]}), 3, own)

    def test_page_sends_what_its_tile_needs(self):
        """Its 128x72 thumbnail needs 320x180 at 150 kbit/s (send-limits): Chromium scales its
        640x480 fake camera down and caps the bitrate."""
        send = self.page["send"]
        self.assertEqual(send["limits"], {"type": "send-limits", "max_width": 320,
                                          "max_height": 180, "max_kbps": 150}, send)
        self.assertIsNotNone(send["applied"], send)
        self.assertEqual(send["applied"]["maxBitrate"], 150000)
        out = self.page["rtp"]["outbound-rtp-video"]
        self.assertLessEqual(out["frameHeight"], 180, out)
        self.assertLessEqual(out["frameWidth"], 320, out)

    def test_page_plays_composed_video(self):
        video = self.page["video"]
        self.assertEqual((video["width"], video["height"]), (640, 360))
        self.assertGreater(video["fps"], 8, video)
        self.assertGreater(video["seconds"], 2.0, video)

    def test_page_raises_its_hand(self):
        hand = self.page["hand"]
        self.assertEqual(hand["button"], "Hủy đăng ký phát biểu")
        self.assertIn("Chủ trì đang điều hành", hand["floor"])
        self.assertIn("vị trí 1", hand["floor"])

    def test_page_hears_the_sites_and_not_itself(self):
        levels = self.page["audio"]["levels"]
        for i in HEADLESS:
            tone = str(conf.SITES[i][3])
            self.assertGreater(levels[tone], TONE_ABOVE_MEDIAN_DB,
                               f"the page does not hear {conf.SITES[i][0]} at {tone} Hz: {levels}")
        # Nobody sends the page's own site tone: what stands there is codec and mixing noise,
        # far below the tones that are really in the mix.
        others = min(levels[str(conf.SITES[i][3])] for i in HEADLESS)
        self.assertLess(levels[str(conf.SITES[BROWSER][3])], others - 30.0, levels)

    def test_page_rejoins_after_a_lost_connection(self):
        rejoin = self.page["rejoin"]
        self.assertIn("Tự động vào lại sau 5 giây", rejoin["countdown"])
        self.assertTrue(rejoin["rejoined"])

    def test_district_page_has_no_call_buttons(self):
        calls = self.page["district_calls"]
        self.assertEqual(calls["buttons"], [])
        self.assertTrue(calls["panelHidden"])

    def test_chair_page_calls_a_hall(self):
        chair = self.chair
        self.assertNotIn("error", chair, chair.get("error"))
        before = chair["chair"]["before"]
        # Before the click: vo-nhai is the one dialable hall; nothing is being called.
        self.assertEqual(before["buttons"], ["Gọi tất cả", "Gọi"])
        self.assertFalse(before["callAllDisabled"])
        labels = chair["chair"]["labels"]
        # Disabled at the click, "Đang gọi…" while it rings, "Gọi lại" once it failed.
        self.assertEqual([l for l in labels if l != "Gọi (disabled)"],
                         ["Gọi", "Đang gọi… (disabled)", "Gọi lại"], labels)
        during = chair["chair"]["during"]
        self.assertTrue(during["callAllDisabled"], "nothing else to call while vo-nhai rings")
        self.assertNotIn("Gọi không được", during["rowText"])
        self.assertIn("Gọi không được", chair["chair"]["rowText"])
        self.assertEqual(chair["chair"]["state"]["call"], "failed", chair["chair"])
        # A failed hall may be called again, also by "Gọi tất cả".
        self.assertFalse(chair["chair"]["callAllDisabled"])
        self.assertIn("calling sip:x@127.0.0.1", self.chair_log)
        errors = [line for line in chair["console"] if line.startswith("pageerror")]
        self.assertEqual(errors, [])

    def test_wrong_token_is_explained(self):
        wrong = self.page["wrong_token"]
        self.assertIn("Mã truy cập không đúng", wrong["vi"])
        self.assertIn("access token is wrong", wrong["en"])
        self.assertEqual(wrong["button"], "Join")

    def test_replaced_session_stays_out(self):
        replaced = self.page["replaced"]
        self.assertIn("kết nối ở nơi khác", replaced["notice"])
        self.assertEqual(replaced["state"], "idle")
        self.assertTrue(replaced["joinShown"])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
