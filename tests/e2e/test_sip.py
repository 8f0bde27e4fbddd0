#!/usr/bin/env python3
"""End to end: room systems join over SIP in the same meeting as a WebRTC chair.

Three baresip halls and a Linphone hall call the gateway the ways a district's codec does: G.722 dialing the
conference number with its digest credentials, PCMU dialing its own site id with digest, Opus
dialing its site id from an address the config allows. The chair (the desktop client, WebRTC)
hears every hall, every hall hears the chair and the other halls but never itself, the chair's
mute takes a hall out of every mix, and a hall that hangs up leaves the meeting. Callers with a
wrong password, an unknown number or no SIP access are refused before any media port opens, and
garbage on the SIP port disturbs nobody.
Usage: test_sip.py GATEWAY CLIENT
"""
import hashlib
import os
import random
import shutil
import socket
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "sip"))
import analysis  # noqa: E402
import conference as conf  # noqa: E402
from sip_endpoints import Baresip, Linphone, free_sip_port  # noqa: E402

GATEWAY, CLIENT = sys.argv[1], sys.argv[2]
CLIENT = os.environ.get("DC_TEST_CLIENT") or CLIENT
CHAIR = 0
CHAIR_TONE = conf.SITES[CHAIR][3]
# site index, codec, how it dials ("number" = the conference number), password or None
HALLS = {
    "dinh-hoa": ("G722", "number", "mat-khau-dinh-hoa"),  # with SDES-SRTP, as baresip requires
    "dai-tu": ("PCMU", "site", "mat-khau-dai-tu"),
    "vo-nhai": ("opus", "site", None),  # known by its address; sends and receives H.264
}
VIDEO_HALL = "vo-nhai"
# A second, independent SIP stack: linphonec plays a WAV of its tone and records what it hears.
LINPHONE_HALL, LINPHONE_PASSWORD = "tp-song-cong", "mat-khau-song-cong"
SRTP_HALL = "dinh-hoa"
REFUSED = {
    # who dials, with which password, and the status it must get
    "phu-binh": ("sai-mat-khau", "403"),   # has a password, this is not it
    "ha-noi": ("x", "404"),                # no such site
    "dong-hy": ("x", "403"),               # no SIP access configured
}
# Halls the gateway calls when the chair says "Gọi tất cả" (call-all): one answers, one is
# nowhere (its call fails, is tried once more after 5 s, then shows "failed").
DIALLED_HALL, UNREACHABLE_HALL = "tx-pho-yen", "phu-luong"
CALL_ALL_AT_S = 4
MUTED_HALL = "dai-tu"
# The muted hall's remote: "*1" raises its hand, "*0" lowers it (RFC 4733 telephone events).
HAND_UP_AT_S, HAND_DOWN_AT_S = 7, 11
# A hall that puts its call on hold (re-INVITE sendonly) and resumes: it stays in the meeting
# though it sends nothing for longer than the media watchdog's 5 s.
HOLD_HALL, HOLD_PASSWORD, HOLD_AT_S, RESUME_AT_S = "tp-thai-nguyen", "mat-khau-tn", 9, 17
# The hall known by its address calls from its own loopback address.
OWN_ADDRESS = "127.0.0.2"
DURATION_S = 30
CALLS_AT_S = 2
MUTE_AT_S = 14
HANGUP_AT_S = 22
SIP_PASSWORD_OF_PHU_BINH = "dung-mat-khau"


def tone_of(site_id):
    return next(s[3] for s in conf.SITES if s[0] == site_id)


def ha1(site_id, password):
    return "md5:" + hashlib.md5(f"{site_id}:diemcau:{password}".encode()).hexdigest()


def command(at, **message):
    import json
    return ["--command", f"{at}:{json.dumps(message)}"]


def send_sip_garbage(port, count=60):
    """Malformed SIP and random bytes to the SIP port over UDP: bounded in count."""
    rng = random.Random(9)
    junk = [b"INVITE sip:dai-tu@127.0.0.1 SIP/2.0\r\n\r\n",
            b"INVITE \r\nVia: ???\r\nContent-Length: 99999\r\n\r\nv=0",
            b"BYE sip:x@127.0.0.1 SIP/2.0\r\nCall-ID: nobody\r\nCSeq: 1 BYE\r\n\r\n",
            b"SIP/2.0 200 OK\r\n\r\n"]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(count):
            body = junk[i % len(junk)] if i % 2 else rng.randbytes(rng.randrange(1, 1400))
            s.sendto(body, ("127.0.0.1", port))
            time.sleep(0.01)


# In a hall's WAV, a tone's power against the whole window's: with five or six voices in a mix
# each holds -7 to -10 dB of it; a voice that is not there stays below ABSENT_DB (codec noise).
PRESENT_DB, ABSENT_DB = -25, -35
FLOOD = 200


def sip_request(method, target, port, local_port, n, body=b""):
    head = (f"{method} sip:{target}@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch=z9hG4bK-flood-{n};rport\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:flood@127.0.0.1>;tag=f{n}\r\n"
            f"To: <sip:{target}@127.0.0.1>\r\n"
            f"Call-ID: flood-{n}@127.0.0.1\r\n"
            f"CSeq: 1 {method}\r\n"
            f"Contact: <sip:flood@127.0.0.1:{local_port}>\r\n"
            + ("Content-Type: application/sdp\r\n" if body else "")
            + f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def probe_sip(port):
    """An INVITE flood without credentials, an OPTIONS scan, a BYE for a dialog nobody has:
    the final status each got, by Call-ID. Bounded: FLOOD requests, 5 s of reading."""
    sdp = (b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           b"m=audio 40000 RTP/AVP 0\r\n")
    statuses = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        local = s.getsockname()[1]
        s.sendto(sip_request("OPTIONS", "1000", port, local, "options"), ("127.0.0.1", port))
        s.sendto(sip_request("BYE", "dai-tu", port, local, "bye"), ("127.0.0.1", port))
        for n in range(FLOOD):
            s.sendto(sip_request("INVITE", "dinh-hoa", port, local, n, sdp), ("127.0.0.1", port))
            if n % 20 == 19:
                time.sleep(0.005)  # bursts of 20: what a scanner sends, not a socket overrun
        s.settimeout(0.5)
        deadline = time.time() + 5
        while time.time() < deadline and len(statuses) < FLOOD + 2:
            try:
                data = s.recv(65536).decode("utf-8", "replace")
            except socket.timeout:
                continue
            status = int(data.split(" ", 2)[1]) if data.startswith("SIP/2.0 ") else 0
            call_id = next((line.split(":", 1)[1].strip() for line in data.split("\r\n")
                            if line.lower().startswith(("call-id:", "i:"))), "")
            if status >= 200:
                statuses[call_id] = status
    return statuses


DELAYED_OFFER_HALL, DELAYED_OFFER_ADDRESS, DELAYED_OFFER_AT_S = "phu-luong", "127.0.0.3", 18


def delayed_offer_call(port):
    """A codec that sends INVITE without SDP (as some Cisco systems do): the gateway's 200 must
    hold an offer; the answer goes in the ACK; then the gateway's RTP must arrive. Bounded."""
    result = {"status": 0, "offer": "", "rtp": 0}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sip, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rtp:
        sip.bind((DELAYED_OFFER_ADDRESS, 0))
        rtp.bind((DELAYED_OFFER_ADDRESS, 0))
        local, rtp_port = sip.getsockname()[1], rtp.getsockname()[1]
        invite = sip_request("INVITE", DELAYED_OFFER_HALL, port, local, "delayed").decode()
        invite = invite.replace("127.0.0.1:%d;branch" % local, f"{DELAYED_OFFER_ADDRESS}:{local};branch")
        invite = invite.replace(f"<sip:flood@127.0.0.1:{local}>", f"<sip:codec@{DELAYED_OFFER_ADDRESS}:{local}>")
        sip.sendto(invite.encode(), ("127.0.0.1", port))
        sip.settimeout(0.5)
        deadline, reply = time.time() + 5, ""
        while time.time() < deadline and result["status"] < 200:
            try:
                reply = sip.recv(65536).decode("utf-8", "replace")
            except socket.timeout:
                continue
            result["status"] = int(reply.split(" ", 2)[1])
        if result["status"] != 200:
            return result
        head, _, body = reply.partition("\r\n\r\n")
        result["offer"] = body
        to = next(line for line in head.split("\r\n") if line.lower().startswith(("to:", "t:")))
        answer = (f"v=0\r\no=- 2 2 IN IP4 {DELAYED_OFFER_ADDRESS}\r\ns=-\r\n"
                  f"c=IN IP4 {DELAYED_OFFER_ADDRESS}\r\nt=0 0\r\n"
                  f"m=audio {rtp_port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n")
        ack = (f"ACK sip:{DELAYED_OFFER_HALL}@127.0.0.1:{port} SIP/2.0\r\n"
               f"Via: SIP/2.0/UDP {DELAYED_OFFER_ADDRESS}:{local};branch=z9hG4bK-ack-delayed\r\n"
               "Max-Forwards: 70\r\nFrom: <sip:flood@127.0.0.1>;tag=fdelayed\r\n"
               f"{to}\r\nCall-ID: flood-delayed@127.0.0.1\r\nCSeq: 1 ACK\r\n"
               "Content-Type: application/sdp\r\n"
               f"Content-Length: {len(answer)}\r\n\r\n{answer}")
        sip.sendto(ack.encode(), ("127.0.0.1", port))
        rtp.settimeout(0.2)
        deadline = time.time() + 3
        while time.time() < deadline:
            try:
                packet = rtp.recv(2048)
            except socket.timeout:
                continue
            if len(packet) > 12 and packet[0] >> 6 == 2 and packet[1] & 0x7F == 0:
                result["rtp"] += 1
    return result


class SipTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        artifacts = os.environ.get("DC_TEST_ARTIFACTS")
        workdir = os.path.join(artifacts, "e2e-sip") if artifacts else None
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
            os.makedirs(workdir)
        cls.sip_port = free_sip_port()
        rtp_base = 42000 + (cls.sip_port % 50) * 100
        site_lines = {site: [f"sip-ha1={ha1(site, pw)}"]
                      for site, (_, _, pw) in HALLS.items() if pw}
        site_lines["vo-nhai"] = [f"sip-allowed-addresses={OWN_ADDRESS}"]
        site_lines["phu-binh"] = [f"sip-ha1={ha1('phu-binh', SIP_PASSWORD_OF_PHU_BINH)}"]
        site_lines[LINPHONE_HALL] = [f"sip-ha1={ha1(LINPHONE_HALL, LINPHONE_PASSWORD)}"]
        site_lines[HOLD_HALL] = [f"sip-ha1={ha1(HOLD_HALL, HOLD_PASSWORD)}"]
        cls.dialled_port, unreachable_port = free_sip_port(), free_sip_port()
        site_lines[DIALLED_HALL] = [f"sip-uri=sip:{DIALLED_HALL}@127.0.0.1:{cls.dialled_port}"]
        site_lines[UNREACHABLE_HALL] = [f"sip-uri=sip:x@127.0.0.1:{unreachable_port}",
                                        f"sip-allowed-addresses={DELAYED_OFFER_ADDRESS}"]
        c = cls.conference = conf.Conference(
            GATEWAY, workdir=workdir,
            extra_groups=(f"[sip]\nenabled=true\nlisten-address=127.0.0.1\nport={cls.sip_port}\n"
                          "redial-attempts=1\n"
                          f"rtp-port-min={rtp_base}\nrtp-port-max={rtp_base + 99}"),
            site_lines=site_lines)
        c.start()
        cls.started = time.time()
        cls.chair_report = os.path.join(c.dir, "sip-chair.json")
        chair = conf.start_site(CLIENT, c, CHAIR, DURATION_S, report=cls.chair_report,
                                extra=command(MUTE_AT_S, type="mute", site=MUTED_HALL,
                                              muted=True)
                                + command(CALL_ALL_AT_S, type="call-all")
                                + command(CALL_ALL_AT_S + 1, type="call-site", site="dai-tu")
                                + command(CALL_ALL_AT_S + 1, type="call-site",
                                          site=DIALLED_HALL))
        cls.halls, cls.refused = {}, {}
        try:
            cls.run_calls()
        finally:
            for hall in (list(cls.halls.values()) + list(cls.refused.values())
                         + list(getattr(cls, "halls_called", {}).values())):
                hall.stop(keep_dir=workdir)
            if getattr(cls, "linphone", None):
                cls.linphone.stop()
            cls.chair_exit = chair.wait(timeout=DURATION_S + 60)
            cls.gateway_exit = c.stop()

    @classmethod
    def sleep_until(cls, t):
        time.sleep(max(0.0, cls.started + t - time.time()))

    @classmethod
    def run_calls(cls):
        cls.sleep_until(CALLS_AT_S)
        gateway = f"127.0.0.1:{cls.sip_port}"
        for site, (codec, dials, password) in HALLS.items():
            hall = Baresip(site, free_sip_port(), codec=codec, tone_hz=tone_of(site), user=site,
                           video=site == VIDEO_HALL, video_color="white", srtp=site == SRTP_HALL,
                           domain=gateway, auth_user=site if password else None,
                           auth_pass=password,
                           address="127.0.0.1" if password else OWN_ADDRESS)
            cls.halls[site] = hall.start()
            target = "1000" if dials == "number" else site
            hall.dial(f"sip:{target}@{gateway}")
        # The hall the chair will call waits, as a room system does, answering automatically.
        cls.dialled = Baresip(DIALLED_HALL, cls.dialled_port, codec="PCMA",
                              tone_hz=tone_of(DIALLED_HALL), user=DIALLED_HALL)
        cls.halls_called = {DIALLED_HALL: cls.dialled.start()}
        cls.holder = Baresip(HOLD_HALL, free_sip_port(), codec="PCMU", tone_hz=tone_of(HOLD_HALL),
                             user=HOLD_HALL, domain=gateway, auth_user=HOLD_HALL,
                             auth_pass=HOLD_PASSWORD)
        cls.halls_called[HOLD_HALL] = cls.holder.start()
        cls.holder.dial(f"sip:{HOLD_HALL}@{gateway}")
        mic = os.path.join(cls.conference.dir, "linphone-mic.wav")
        analysis.write_tone_wav(mic, tone_of(LINPHONE_HALL), seconds=DURATION_S, rate=16000)
        cls.linphone_wav = os.path.join(cls.conference.dir, "linphone-hears.wav")
        cls.linphone = Linphone(LINPHONE_HALL, free_sip_port(), play_wav=mic,
                                record_wav=cls.linphone_wav, user=LINPHONE_HALL,
                                auth_pass=LINPHONE_PASSWORD, realm="diemcau").start()
        cls.linphone.call(f"sip:{LINPHONE_HALL}@{gateway}")
        for site, (password, _) in REFUSED.items():
            caller = Baresip(f"x-{site}", free_sip_port(), codec="PCMU", tone_hz=440, user=site,
                             domain=gateway, auth_user=site, auth_pass=password)
            cls.refused[site] = caller.start()
            caller.dial(f"sip:{site}@{gateway}")
        cls.established = {}
        for site, hall in cls.halls.items():
            try:
                hall.wait_event("CALL_ESTABLISHED", timeout=10)
                cls.established[site] = time.time() - cls.started
            except Exception as error:  # reported by test_halls_join
                print(f"{site}: {error}\n{hall.log_tail()}", file=sys.stderr)
        try:
            cls.linphone.wait_state("connected", timeout=10)
            cls.established[LINPHONE_HALL] = time.time() - cls.started
        except Exception as error:
            print(f"linphone: {error}", file=sys.stderr)
        try:
            cls.dialled_call = cls.dialled.wait_event("CALL_ESTABLISHED", timeout=15)
            cls.established[DIALLED_HALL] = time.time() - cls.started
        except Exception as error:
            cls.dialled_call = {}
            print(f"dialled hall: {error}\n{cls.dialled.log_tail()}", file=sys.stderr)
        cls.closed = {}
        for site, caller in cls.refused.items():
            try:
                cls.closed[site] = caller.wait_event("CALL_CLOSED", timeout=10)
            except Exception as error:
                cls.closed[site] = {"param": str(error)}
        cls.sleep_until(HAND_UP_AT_S)
        cls.halls[MUTED_HALL].send_dtmf("*1")
        cls.sleep_until(HOLD_AT_S)
        cls.holder.hold()
        cls.sleep_until(MUTE_AT_S - 5)
        cls.snapshot = None
        try:
            cls.snapshot = cls.halls[VIDEO_HALL].snapshot_recv(
                os.path.join(cls.conference.dir, "sip-hall-receives.png"))
        except Exception as error:  # reported by test_room_system_sees_the_composition
            print(f"snapshot: {error}", file=sys.stderr)
        cls.sleep_until(HAND_DOWN_AT_S)
        cls.halls[MUTED_HALL].send_dtmf("*0")
        send_sip_garbage(cls.sip_port)
        cls.sip_probe = probe_sip(cls.sip_port)
        cls.sleep_until(RESUME_AT_S)
        cls.holder.resume()
        cls.sleep_until(DELAYED_OFFER_AT_S)
        cls.delayed = delayed_offer_call(cls.sip_port)
        cls.sleep_until(HANGUP_AT_S)
        cls.wavs = {site: hall.received_wav() for site, hall in cls.halls.items()}
        cls.dialled_wav = cls.dialled.received_wav()
        cls.callstats = {site: hall.command("callstat")["data"] for site, hall in cls.halls.items()}
        cls.rtcp_events = {site: [e for e in hall.ctrl.events if e.get("type") == "CALL_RTCP"]
                           for site, hall in cls.halls.items()}
        for hall in list(cls.halls.values()) + [cls.holder]:
            hall.hangup()
        cls.linphone.terminate()
        time.sleep(2)
        cls.hall_logs = {site: hall.log_text() for site, hall in cls.halls.items()}

    # ---- helpers ----

    def chair(self):
        return conf.load_report(self.chair_report)

    def probe(self, tone, start, end):
        samples = [s for s in self.chair()["timeline"] if start <= s["t"] <= end and "probes" in s]
        self.assertTrue(samples, f"no timeline samples in [{start}, {end}]")
        return max(s["probes"][str(tone)] for s in samples)

    def hall_window(self, site, start, end):
        """A hall's WAV window in meeting time (its recording starts at its call)."""
        offset = self.established[site]
        return max(0.5, start - offset), end - start

    # ---- tests ----

    def test_everyone_ran(self):
        self.assertEqual(self.chair_exit, 0)
        self.assertEqual(self.gateway_exit, 0, self.conference.log()[-3000:])

    def test_halls_join(self):
        self.assertEqual(sorted(self.established),
                         sorted(list(HALLS) + [LINPHONE_HALL, DIALLED_HALL]))
        joined = [e["site"] for e in self.chair()["events"] if e["type"] == "site-joined"]
        for site in list(HALLS) + [LINPHONE_HALL]:
            self.assertIn(site, joined)

    def test_srtp_hall_is_encrypted_both_ways(self):
        """baresip with srtp-mand refuses plain RTP; it says so and decrypts what it hears (its
        tones are checked with the others)."""
        log = self.hall_logs[SRTP_HALL]
        self.assertIn("SRTP is Enabled", log)
        self.assertIn("audio RTP/SAVP", self.callstats[SRTP_HALL])
        self.assertNotIn("srtp: audio: unprotect", log)  # no authentication failures

    def test_linphone_hall_hears_the_meeting(self):
        self.assertIn(LINPHONE_HALL, self.established)
        start, duration = self.hall_window(LINPHONE_HALL, 7, MUTE_AT_S - 0.5)
        tones = [CHAIR_TONE, tone_of("dinh-hoa"), tone_of(LINPHONE_HALL)]
        levels = analysis.tone_levels(self.linphone_wav, tones, start=start, duration=duration)
        self.assertGreater(levels[CHAIR_TONE], PRESENT_DB, levels)
        self.assertGreater(levels[tone_of("dinh-hoa")], PRESENT_DB, levels)
        self.assertLess(levels[tone_of(LINPHONE_HALL)], ABSENT_DB, levels)

    def test_gateway_sends_rtcp(self):
        """Every hall's baresip reports RTCP from the gateway (sender and receiver reports)."""
        for site in HALLS:
            with self.subTest(site=site):
                self.assertTrue(self.rtcp_events[site], "no RTCP reached the hall")

    def test_chair_hears_every_hall(self):
        for site in list(HALLS) + [LINPHONE_HALL]:
            with self.subTest(site=site):
                self.assertGreater(self.probe(tone_of(site), 7, MUTE_AT_S - 0.5), -40)

    def test_each_hall_hears_the_others_not_itself(self):
        for site, (codec, _, _) in HALLS.items():
            with self.subTest(site=site, codec=codec):
                start, duration = self.hall_window(site, 7, MUTE_AT_S - 0.5)
                narrowband = codec == "PCMU"
                others = [CHAIR_TONE] + [tone_of(o) for o in HALLS if o != site
                                         and not (narrowband and tone_of(o) > 3400)]
                levels = analysis.tone_levels(self.wavs[site], others + [tone_of(site)],
                                              start=start, duration=duration)
                for tone in others:
                    self.assertGreater(levels[tone], PRESENT_DB, levels)
                # Its own voice does not come back (only codec noise where it was).
                self.assertLess(levels[tone_of(site)], ABSENT_DB, levels)
                self.assertGreater(min(levels[t] for t in others) - levels[tone_of(site)], 20)

    def test_chair_mute_takes_a_hall_out_of_every_mix(self):
        tone = tone_of(MUTED_HALL)
        before = self.probe(tone, 7, MUTE_AT_S - 0.5)
        after = self.probe(tone, MUTE_AT_S + 2, HANGUP_AT_S - 0.5)
        self.assertGreater(before - after, 30)
        for site, (codec, _, _) in HALLS.items():
            if site == MUTED_HALL or (codec == "PCMU" and tone > 3400):
                continue
            with self.subTest(site=site):
                start, duration = self.hall_window(site, MUTE_AT_S + 2, HANGUP_AT_S - 0.5)
                levels = analysis.tone_levels(self.wavs[site], [tone, CHAIR_TONE], start=start,
                                              duration=duration)
                self.assertLess(levels[tone], ABSENT_DB, levels)
                self.assertGreater(levels[CHAIR_TONE], PRESENT_DB, levels)

    def test_gateway_asks_the_room_system_for_keyframes_by_info(self):
        """SIP INFO picture_fast_update, what Poly and Cisco codecs listen to; baresip answers."""
        self.assertRegex(self.conference.log(), r"slot \d+ answered the keyframe request: 200")

    def test_room_systems_video_is_in_its_tile(self):
        samples = [s for s in self.chair()["timeline"] if 8 <= s["t"] <= MUTE_AT_S and "tiles" in s]
        self.assertTrue(samples)
        colour = samples[len(samples) // 2]["tiles"][VIDEO_HALL]
        self.assertLessEqual(conf.colour_distance(colour, "ffffff"), 48, colour)
        # After the hall hangs up its tile is the placeholder again, not a frozen picture.
        late = [s for s in self.chair()["timeline"]
                if HANGUP_AT_S + 3 <= s["t"] <= DURATION_S - 1 and "tiles" in s]
        self.assertTrue(late)
        gone = late[len(late) // 2]["tiles"][VIDEO_HALL]
        self.assertGreater(conf.colour_distance(gone, "ffffff"), 120, gone)

    def test_room_system_sees_the_composition(self):
        """The H.264 picture the hall decodes: the chair large in its colour, the hall's own
        white camera in its tile, where the layout message puts them."""
        self.assertIsNotNone(self.snapshot)
        layout = [m["message"] for m in self.chair()["messages"]
                  if m["message"]["type"] == "layout" and m["t"] <= MUTE_AT_S - 5][-1]
        tiles = {t["site"]: t for t in layout["tiles"]}
        for site, expected in ((conf.SITES[CHAIR][0], conf.SITES[CHAIR][4]), (VIDEO_HALL, "ffffff")):
            with self.subTest(site=site):
                tile = tiles[site]
                # Above the label strip at the bottom of each tile.
                x, y = tile["x"] + tile["width"] // 2, tile["y"] + tile["height"] // 3
                pixel = analysis.png_pixel(self.snapshot, x, y)
                got = "%02x%02x%02x" % tuple(pixel[:3])
                self.assertLessEqual(conf.colour_distance(got, expected), 48, (site, got))

    def site_states(self, site):
        """(t, the site's entry) of every state message the chair got."""
        return [(m["t"], next(s for s in m["message"]["sites"] if s["id"] == site))
                for m in self.chair()["messages"] if m["message"]["type"] == "state"]

    def call_states(self, site):
        """(t, call, present, dialable) of a site in every state message the chair got."""
        return [(t, e.get("call"), e["present"], e.get("dialable"))
                for t, e in self.site_states(site)]

    def test_chair_calls_a_hall_that_answers(self):
        self.assertEqual(self.dialled_call.get("direction"), "incoming", self.dialled_call)
        states = self.call_states(DIALLED_HALL)
        self.assertTrue(all(dialable for _, _, _, dialable in states))
        calling = [t for t, call, _, _ in states if call == "calling"]
        present = [t for t, call, here, _ in states if here and call == "none"]
        self.assertTrue(calling and present, states)
        self.assertLess(min(calling), min(present))
        start, duration = self.hall_window(DIALLED_HALL, 7, MUTE_AT_S - 0.5)
        levels = analysis.tone_levels(self.dialled_wav, [CHAIR_TONE, tone_of(DIALLED_HALL)],
                                      start=start, duration=duration)
        self.assertGreater(levels[CHAIR_TONE], PRESENT_DB, levels)
        self.assertLess(levels[tone_of(DIALLED_HALL)], ABSENT_DB, levels)
        self.assertGreater(self.probe(tone_of(DIALLED_HALL), 8, MUTE_AT_S - 0.5), -40)

    def test_unreachable_hall_is_called_again_then_failed(self):
        states = self.call_states(UNREACHABLE_HALL)
        calls = [call for t, call, _, _ in states if t < DELAYED_OFFER_AT_S - 1.5]
        self.assertIn("calling", calls)
        self.assertEqual(calls[-1], "failed", states)
        first_calling = min(t for t, call, _, _ in states if call == "calling")
        failed = min(t for t, call, _, _ in states if call == "failed")
        self.assertGreaterEqual(failed - first_calling, 4.5)  # one redial, 5 s later
        log = self.conference.log()
        self.assertEqual(log.count(f"calling sip:x@127.0.0.1"), 2, "one call and one redial")

    def test_calls_the_chair_cannot_make_are_refused(self):
        errors = [e for e in self.chair()["events"] if e["type"] == "error"]
        reasons = " ".join(e.get("reason", "") for e in errors)
        self.assertIn("not-dialable", reasons)    # dai-tu has no sip-uri
        self.assertIn("nothing-to-do", reasons)   # the dialled hall was already being called
        for t, call, _, dialable in self.call_states("dai-tu"):
            self.assertFalse(dialable)
            self.assertEqual(call, "none")

    def test_wrong_callers_are_refused_without_media(self):
        log = self.conference.log()
        for site, (_, status) in REFUSED.items():
            with self.subTest(site=site):
                self.assertIn(status, self.closed[site].get("param", ""), self.closed[site])
                self.assertNotIn(f"site {site}: PCMU to", log)
                self.assertNotIn(f"site {site} joined over SIP", log)

    def test_hangup_leaves_the_meeting(self):
        left = {e["site"]: e.get("reason") for e in self.chair()["events"]
                if e["type"] == "site-left"}
        for site in list(HALLS) + [LINPHONE_HALL]:
            self.assertEqual(left.get(site), "left", left)

    def test_hold_keeps_the_hall_out_of_the_mix_and_in_the_meeting(self):
        states = [(t, entry) for t, entry in self.site_states(HOLD_HALL)]
        held = [t for t, e in states if e.get("on_hold")]
        self.assertTrue(held, "the hall was never shown on hold")
        self.assertLess(abs(min(held) - HOLD_AT_S), 2.5)
        resumed = [t for t, e in states if t > min(held) and not e.get("on_hold")]
        self.assertTrue(resumed and abs(min(resumed) - RESUME_AT_S) < 2.5, states[-3:])
        # Present all along: more than 5 s without media did not count as lost.
        for t, e in states:
            if HOLD_AT_S - 1 <= t <= HANGUP_AT_S - 0.5:
                self.assertTrue(e["present"], (t, e))
        before = self.probe(tone_of(HOLD_HALL), 5, HOLD_AT_S - 0.5)
        during = self.probe(tone_of(HOLD_HALL), HOLD_AT_S + 1.5, RESUME_AT_S - 0.5)
        self.assertGreater(before, -40)
        self.assertLess(during, -50)

    def test_keypad_raises_and_lowers_the_hand(self):
        queued = [t for t, e in self.site_states(MUTED_HALL) if e["hand"] > 0]
        self.assertTrue(queued, "*1 did not raise the hand")
        self.assertLess(abs(min(queued) - HAND_UP_AT_S), 2.5)
        self.assertLess(max(queued), HAND_DOWN_AT_S + 2.5, "*0 did not lower it")

    def test_invite_without_offer_gets_the_gateways_offer(self):
        self.assertEqual(self.delayed["status"], 200, self.delayed)
        offer = self.delayed["offer"]
        self.assertIn("m=audio ", offer)
        self.assertIn("PCMU/8000", offer)
        self.assertIn("m=video ", offer)
        self.assertGreater(self.delayed["rtp"], 20, "the gateway's PCMU did not arrive")
        joined = [e["t"] for e in self.chair()["events"]
                  if e["type"] == "site-joined" and e["site"] == DELAYED_OFFER_HALL]
        self.assertTrue(joined and min(joined) >= DELAYED_OFFER_AT_S - 1, joined)

    def test_flood_scan_and_stray_bye_get_clear_answers(self):
        invites = [status for call_id, status in self.sip_probe.items() if call_id.startswith("flood-")
                   and not call_id.startswith(("flood-options", "flood-bye"))]
        self.assertGreaterEqual(len(invites), FLOOD * 0.9, "most INVITEs answered in 5 s")
        self.assertEqual(set(invites), {401}, "challenged, never let in")
        self.assertEqual(self.sip_probe.get("flood-options@127.0.0.1"), 200)
        self.assertEqual(self.sip_probe.get("flood-bye@127.0.0.1"), 481)
        # None of them got a media port.
        self.assertNotIn("to 127.0.0.1:40000", self.conference.log())

    def test_garbage_on_the_sip_port_disturbs_nobody(self):
        # The garbage went in before the mute; every hall is still heard after it.
        for site in HALLS:
            if site != MUTED_HALL:
                self.assertGreater(self.probe(tone_of(site), MUTE_AT_S + 2, HANGUP_AT_S - 0.5),
                                   -40)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
