#!/usr/bin/env python3
"""Self-test for sip_endpoints.py: real endpoints call each other on 127.0.0.1.

Run:  python3 tests/sip/test_endpoints_selftest.py [STEP-NAME-SUBSTRING ...]
Exit status is non-zero if any step fails. Every step is bounded by its own
waits and, as a backstop, by SIGALRM (STEP_TIMEOUT); endpoints are stopped
(and killed if needed) whatever happens.
"""

import contextlib
import hashlib
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import analysis  # noqa: E402
from sip_endpoints import Baresip, Linphone, EndpointError, free_sip_port  # noqa: E402

CALL_SECONDS = 5.0    # media time per audio call before hanging up
STEP_TIMEOUT = 60     # hard limit per step (SIGALRM)
TONE_A, TONE_B, TONE_LP = 440, 880, 660
RED, BLUE = (255, 0, 0), (0, 0, 255)
CODEC_RATE = {"PCMU": 8000, "G722": 16000, "opus": 48000}


class StepTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise StepTimeout("step exceeded %ds" % STEP_TIMEOUT)


@contextlib.contextmanager
def running(*endpoints):
    """Start endpoints in order; on error print their logs; always stop."""
    started = []
    try:
        for ep in endpoints:
            started.append(ep.start())
        yield started
    except BaseException:
        for ep in started:
            tail = ep.log_tail(25) if isinstance(ep, Baresip) else ep.output()[-2500:]
            print("---- log of %s ----\n%s" % (ep.name, tail), file=sys.stderr)
        raise
    finally:
        for ep in reversed(started):
            ep.stop()


def establish(a, b, timeout=10.0):
    a.dial(b.uri)
    a.wait_event("CALL_ESTABLISHED", timeout)
    b.wait_event("CALL_ESTABLISHED", timeout)


def hangup(a, b, timeout=10.0):
    a.hangup()
    a.wait_event("CALL_CLOSED", timeout)
    b.wait_event("CALL_CLOSED", timeout)
    time.sleep(0.3)  # let the call destructor sf_close() the WAV files


def _levels(rep, freqs):
    return " ".join("%d:%+.0f" % (f, rep["levels"][f]) for f in freqs)


# --------------------------------------------------------------------------
# steps: each returns a one-line detail string or raises
# --------------------------------------------------------------------------

def step_audio(codec, srtp=False):
    a = Baresip("a", free_sip_port(), codec=codec, tone_hz=TONE_A, srtp=srtp)
    b = Baresip("b", free_sip_port(), codec=codec, tone_hz=TONE_B, srtp=srtp)
    with running(b, a):
        establish(a, b)
        stat = a.command("callstat")["data"]
        time.sleep(CALL_SECONDS)
        hangup(a, b)
        _check_sdp(stat, codec, srtp)
        if srtp:
            _check_srtp_logs(a, b)
        ra = analysis.assert_tone(a.received_wav(), TONE_B, [TONE_A])
        rb = analysis.assert_tone(b.received_wav(), TONE_A, [TONE_B])
    for rep in (ra, rb):
        if rep["rate"] != CODEC_RATE[codec]:
            raise AssertionError("WAV rate %d, expected %d" % (rep["rate"], CODEC_RATE[codec]))
    return "A hears %s dB, B hears %s dB (%.1fs @%dHz)" % (
        _levels(ra, [TONE_B, TONE_A]), _levels(rb, [TONE_A, TONE_B]),
        rb["seconds"], rb["rate"])


def _check_sdp(callstat, codec, srtp):
    """callstat lists negotiated formats with a trailing '*'."""
    name = codec.upper() if codec != "opus" else "opus"
    if not re.search(r"%s/\d+/\d( \([^)]*\))? \*" % re.escape(name), callstat):
        raise AssertionError("codec %s not negotiated:\n%s" % (codec, callstat))
    proto = "audio RTP/SAVP" if srtp else "audio RTP/AVP"
    if proto not in callstat:
        raise AssertionError("%r not in callstat" % proto)


def _check_srtp_logs(*eps):
    for ep in eps:
        if "SRTP is Enabled" not in ep.log_text():
            raise AssertionError("%s: no 'SRTP is Enabled' in log" % ep.name)


def step_aufile():
    """A's microphone is a WAV file (aufile) instead of ausine."""
    tmp = tempfile.mkdtemp(prefix="bs-wav-")
    try:
        src = analysis.write_tone_wav(os.path.join(tmp, "t.wav"), TONE_LP, 10, 16000)
        a = Baresip("a", free_sip_port(), codec="G722", audio_file=src)
        b = Baresip("b", free_sip_port(), codec="G722", tone_hz=TONE_B)
        with running(b, a):
            establish(a, b)
            time.sleep(3.0)
            hangup(a, b)
            rb = analysis.assert_tone(b.received_wav(), TONE_LP, [TONE_B])
        return "B hears %s dB" % _levels(rb, [TONE_LP, TONE_B])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def step_srtp_refused():
    """srtp-mand caller vs plain RTP callee: the call must not establish."""
    a = Baresip("a", free_sip_port(), tone_hz=TONE_A, srtp=True)
    b = Baresip("b", free_sip_port(), tone_hz=TONE_B)
    with running(b, a):
        a.dial(b.uri)
        ev = a.wait_event(lambda e: e.get("type") in
                          ("CALL_ESTABLISHED", "CALL_CLOSED"), 10)
    if ev["type"] != "CALL_CLOSED":
        raise AssertionError("plain endpoint accepted an srtp-mand offer")
    return "closed: %s" % ev.get("param")


def step_dtmf_hold():
    a = Baresip("a", free_sip_port(), tone_hz=TONE_A)
    b = Baresip("b", free_sip_port(), tone_hz=TONE_B)
    with running(b, a):
        establish(a, b)
        time.sleep(0.5)
        a.send_dtmf("159#")
        keys = [b.wait_event("CALL_DTMF_START", 5)["param"] for _ in range(4)]
        if keys != list("159#"):
            raise AssertionError("B got DTMF %r" % keys)
        a.hold()
        time.sleep(0.5)
        held = _rx_growth(b), "(on hold)" in a.command("listcalls")["data"]
        a.resume()
        time.sleep(2.0)
        resumed = _rx_growth(b)
        hangup(a, b)
    if held != (0, True):
        raise AssertionError("hold: B still receiving %d B/s or not on hold" % held[0])
    return "DTMF %s ok; hold stops media; after resume B rx %d B/s%s" % (
        "".join(keys), resumed, "" if resumed else " (baresip 1.0 limitation)")


def _rx_growth(ep, seconds=1.0):
    path = ep.received_wav()
    before = os.path.getsize(path)
    time.sleep(seconds)
    return os.path.getsize(path) - before


def step_video():
    a = Baresip("a", free_sip_port(), tone_hz=TONE_A, video=True, video_color="red")
    b = Baresip("b", free_sip_port(), tone_hz=TONE_B, video=True, video_color="blue")
    with running(b, a):
        establish(a, b)
        if "H264/90000/1 (packetization" not in a.command("callstat")["data"]:
            raise AssertionError("H264 not negotiated")
        _wait_log(b, "video: receiving with resolution", 10)
        _wait_log(a, "video: receiving with resolution", 10)
        pb, pa = b.snapshot_recv(), a.snapshot_recv()
        cb, ca = analysis.png_pixel(pb), analysis.png_pixel(pa)
        hangup(a, b)
    if not (analysis.colour_close(cb, RED) and analysis.colour_close(ca, BLUE)):
        raise AssertionError("centre pixels: B saw %s (want red), A saw %s (want blue)" % (cb, ca))
    return "B centre %s (red sent), A centre %s (blue sent)" % (cb, ca)


def _wait_log(ep, text, timeout):
    end = time.monotonic() + timeout
    while text not in ep.log_text():
        if time.monotonic() > end:
            raise EndpointError("%s: %r not logged" % (ep.name, text))
        time.sleep(0.1)


def step_digest():
    """baresip answers a 401 challenge with a correct MD5 digest."""
    uas = ChallengingUas("diemcau", "alice", "s3cret")
    a = Baresip("alice", free_sip_port(), tone_hz=TONE_A,
                domain="127.0.0.1:%d" % uas.port, auth_user="alice",
                auth_pass="s3cret")
    try:
        with running(a):
            a.dial("sip:conf@127.0.0.1:%d" % uas.port)
            ev = a.wait_event("CALL_CLOSED", 10)
    finally:
        uas.close()
    if not uas.verified:
        raise AssertionError("no valid Authorization seen: %r" % uas.log)
    return "digest ok (%s); call closed: %s" % (uas.verified, ev.get("param"))


def step_linphone():
    tmp = tempfile.mkdtemp(prefix="lp-wav-")
    try:
        src = analysis.write_tone_wav(os.path.join(tmp, "tone.wav"), TONE_LP, 20)
        heard = os.path.join(tmp, "heard.wav")
        b = Baresip("b", free_sip_port(), codec="PCMU", tone_hz=TONE_B)
        lp = Linphone("lp", free_sip_port(), play_wav=src, record_wav=heard)
        with running(b, lp):
            lp.call(b.uri)
            b.wait_event("CALL_ESTABLISHED", 15)
            lp.wait_state("connected", 10)
            time.sleep(CALL_SECONDS)
            lp.terminate()
            lp.wait_state("ended", 10)
            b.wait_event("CALL_CLOSED", 10)
            time.sleep(0.5)
            rb = analysis.assert_tone(b.received_wav(), TONE_LP, [TONE_B])
            rl = analysis.assert_tone(heard, TONE_B, [TONE_LP])
        return "B hears %s dB; linphone records %s dB" % (
            _levels(rb, [TONE_LP, TONE_B]), _levels(rl, [TONE_B, TONE_LP]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------
# a minimal UDP UAS that challenges INVITE with 401 and checks the digest
# --------------------------------------------------------------------------

class ChallengingUas:
    """Answers INVITE without credentials with 401, verifies the retried
    INVITE's Digest response (RFC 2617, qop=auth, MD5), then 486 Busy."""

    def __init__(self, realm, user, password):
        self.realm, self.user, self.password = realm, user, password
        self.nonce = hashlib.md5(os.urandom(8)).hexdigest()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.verified, self.log, self._run = None, [], True
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        while self._run:
            try:
                data, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            self._handle(data.decode("utf-8", "replace"), peer)

    def _handle(self, msg, peer):
        head = msg.split("\r\n\r\n", 1)[0].split("\r\n")
        method = head[0].split(" ", 1)[0]
        self.log.append(head[0])
        if method != "INVITE":
            return  # ACK etc.
        auth = next((h for h in head if h.lower().startswith("authorization:")), None)
        if auth is None:
            extra = ['WWW-Authenticate: Digest realm="%s", nonce="%s", '
                     'algorithm=MD5, qop="auth"' % (self.realm, self.nonce)]
            self._reply(head, peer, "401 Unauthorized", extra)
        elif self._check(auth):
            self.verified = "user=%s qop=auth" % self.user
            self._reply(head, peer, "486 Busy Here")
        else:
            self._reply(head, peer, "403 Forbidden")

    def _check(self, header):
        p = dict(re.findall(r'(\w+)="?([^",]*)"?', header.split(":", 1)[1]))
        md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
        ha1 = md5("%s:%s:%s" % (self.user, self.realm, self.password))
        ha2 = md5("INVITE:%s" % p.get("uri", ""))
        want = md5(":".join([ha1, p.get("nonce", ""), p.get("nc", ""),
                             p.get("cnonce", ""), p.get("qop", ""), ha2]))
        return p.get("username") == self.user and p.get("response") == want

    def _reply(self, head, peer, status, extra=()):
        keep = ("via:", "from:", "to:", "call-id:", "cseq:")
        lines = ["SIP/2.0 " + status]
        for h in head[1:]:
            if h.lower().startswith(keep):
                if h.lower().startswith("to:") and ";tag=" not in h:
                    h += ";tag=uas1"
                lines.append(h)
        lines += list(extra) + ["Content-Length: 0", "", ""]
        self.sock.sendto("\r\n".join(lines).encode(), peer)

    def close(self):
        self._run = False
        self._thread.join(2.0)
        self.sock.close()


# --------------------------------------------------------------------------

STEPS = [
    ("audio G722 baresip->baresip", lambda: step_audio("G722")),
    ("audio PCMU baresip->baresip", lambda: step_audio("PCMU")),
    ("audio opus baresip->baresip", lambda: step_audio("opus")),
    ("audio G722 + SDES-SRTP mandatory", lambda: step_audio("G722", srtp=True)),
    ("srtp-mand vs plain is refused", step_srtp_refused),
    ("audio from WAV file (aufile)", step_aufile),
    ("DTMF + hold/resume", step_dtmf_hold),
    ("video H.264 colour snapshot", step_video),
    ("digest auth on 401", step_digest),
    ("linphonec->baresip audio", step_linphone),
]


def run_step(name, func):
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(STEP_TIMEOUT)
    t0 = time.monotonic()
    try:
        detail, ok = func(), True
    except Exception as exc:  # noqa: BLE001 -- report any failure as a row
        detail, ok = "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0] if str(exc) else ""), False
    finally:
        signal.alarm(0)
    return ok, time.monotonic() - t0, detail


def main(argv):
    wanted = [s for s in STEPS if not argv[1:] or any(a in s[0] for a in argv[1:])]
    results = []
    for name, func in wanted:
        print("... %s" % name, flush=True)
        results.append((name,) + run_step(name, func))
    print("\n%-34s %-4s %6s  %s" % ("step", "ok", "time", "detail"))
    for name, ok, secs, detail in results:
        print("%-34s %-4s %5.1fs  %s" % (name, "PASS" if ok else "FAIL", secs, detail))
    failed = sum(1 for r in results if not r[1])
    print("\n%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
