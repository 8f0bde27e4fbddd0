"""Drive third-party SIP endpoints (baresip, linphonec) from Python tests.

Stdlib only. Everything listens on 127.0.0.1. See README.md next to this file
for the verified behaviour of the Debian 12 builds (baresip 1.0.0,
linphonec 5.1.65) that these classes rely on.

Typical use::

    with Baresip("bob", sip_port=5080, tone_hz=880) as bob, \\
         Baresip("alice", sip_port=5070, tone_hz=440) as alice:
        alice.dial(bob.uri)
        alice.wait_event("CALL_ESTABLISHED", 10)
        time.sleep(5)
        alice.hangup()
        bob.wait_event("CALL_CLOSED", 10)
        wav = bob.received_wav()
"""

import glob
import json
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import wave

BARESIP = "baresip"
LINPHONEC = "linphonec"
MODULE_PATH = "/usr/lib/baresip/modules"

# Name used in the account's ;audio_codecs= list -> module providing it.
# baresip 1.0 matches "name/srate/ch" and defaults srate to 8000 and ch to 1,
# so G722 (registered as 16000 Hz) and opus must be spelled out in full.
AUDIO_CODECS = {
    "PCMU": ("PCMU/8000/1", "g711.so"),
    "PCMA": ("PCMA/8000/1", "g711.so"),
    "G722": ("G722/16000/1", "g722.so"),
    "opus": ("opus/48000/2", "opus.so"),
}


class EndpointError(RuntimeError):
    """An endpoint did not start, answer or behave within its timeout."""


def free_port(kind=socket.SOCK_STREAM):
    """A port the kernel currently considers free on 127.0.0.1."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_HANDED_OUT = set()
_STATUS_RE = re.compile(r"\[\d+:\d\d:\d\d\] audio=\S+ \(bit/s\)\s*(video=\S+ \(bit/s\)\s*)?")


def free_sip_port(lo=20000, hi=40000, tries=200):
    """Port P with P and P+1 free for both UDP and TCP on 127.0.0.1.

    baresip 1.0 listens on P (UDP+TCP) and P+1 (TLS); linphonec only on P.
    """
    rng = random.Random()
    for _ in range(tries):
        port = rng.randrange(lo, hi - 1)
        # Ports handed out earlier may not be bound yet: never reuse them.
        if any(abs(port - p) < 2 for p in _HANDED_OUT):
            continue
        if all(_port_free(p, k) for p in (port, port + 1)
               for k in (socket.SOCK_STREAM, socket.SOCK_DGRAM)):
            _HANDED_OUT.add(port)
            return port
    raise EndpointError("no free SIP port pair found")


def _port_free(port, kind):
    with socket.socket(socket.AF_INET, kind) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _wait_until(predicate, timeout, interval=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()


def _stop_process(proc, timeout):
    """Wait for ``proc`` to exit; SIGTERM then SIGKILL if it does not."""
    for action in (None, proc.terminate, proc.kill):
        if action:
            action()
        try:
            proc.wait(timeout)
            return
        except subprocess.TimeoutExpired:
            continue


# --------------------------------------------------------------------------
# netstring framing used by baresip's ctrl_tcp module
# --------------------------------------------------------------------------

def netstring_encode(obj):
    """JSON-encode ``obj`` and frame it as ``LEN:JSON,``."""
    payload = json.dumps(obj).encode()
    return str(len(payload)).encode() + b":" + payload + b","


def netstring_split(buf):
    """Split complete netstrings off ``buf``; return ([payloads], rest)."""
    out = []
    while True:
        colon = buf.find(b":")
        if colon < 0:
            return out, buf
        length = int(buf[:colon])
        end = colon + 1 + length
        if len(buf) < end + 1:
            return out, buf
        if buf[end:end + 1] != b",":
            raise ValueError("bad netstring terminator")
        out.append(buf[colon + 1:end])
        buf = buf[end + 1:]


class CtrlTcp:
    """Client for baresip's ctrl_tcp: commands, responses and events.

    A reader thread sorts incoming messages into responses (matched by
    token) and events (kept in arrival order, consumed by wait_event).
    ctrl_tcp sends events only to the single connected client, so connect
    right after start.
    """

    def __init__(self, port, connect_timeout=10.0):
        self._sock = self._connect(port, connect_timeout)
        self._cond = threading.Condition()
        self._responses = {}
        self.events = []          # every event dict, in arrival order
        self._consumed = set()    # indexes already returned by wait_event
        self._token = 0
        self._closed = False
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    @staticmethod
    def _connect(port, timeout):
        end = time.monotonic() + timeout
        while True:
            try:
                return socket.create_connection(("127.0.0.1", port), 1.0)
            except OSError:
                if time.monotonic() > end:
                    raise EndpointError("ctrl_tcp port %d never opened" % port)
                time.sleep(0.05)

    def _read_loop(self):
        buf = b""
        self._sock.settimeout(None)
        while True:
            try:
                chunk = self._sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            msgs, buf = netstring_split(buf + chunk)
            for raw in msgs:
                self._dispatch(json.loads(raw.decode("utf-8", "replace")))
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _dispatch(self, msg):
        with self._cond:
            if msg.get("response"):
                self._responses[msg.get("token")] = msg
            else:
                self.events.append(msg)
            self._cond.notify_all()

    def command(self, name, params=None, timeout=5.0):
        """Run a baresip long command; return the response dict
        ``{"response": true, "ok": bool, "data": str, "token": str}``."""
        with self._cond:
            self._token += 1
            token = str(self._token)
        msg = {"command": name, "token": token}
        if params is not None:
            msg["params"] = str(params)
        self._sock.sendall(netstring_encode(msg))
        with self._cond:
            if not self._cond.wait_for(
                    lambda: token in self._responses or self._closed, timeout):
                raise EndpointError("no response to %r" % name)
            if token not in self._responses:
                raise EndpointError("ctrl_tcp closed during %r" % name)
            return self._responses.pop(token)

    def wait_event(self, predicate, timeout):
        """First not-yet-consumed event matching ``predicate``.

        ``predicate`` is an event type string (e.g. "CALL_ESTABLISHED") or a
        callable taking the event dict. Raises EndpointError on timeout.
        """
        if isinstance(predicate, str):
            etype = predicate
            predicate = lambda ev: ev.get("type") == etype  # noqa: E731

        def find():
            for i, ev in enumerate(self.events):
                if i not in self._consumed and predicate(ev):
                    self._consumed.add(i)
                    return ev
            return None

        with self._cond:
            found = self._cond.wait_for(find, timeout)
        if not found:
            raise EndpointError("event not seen within %.1fs; got types %s" % (
                timeout, [e.get("type") for e in self.events]))
        return found

    def close(self):
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        self._reader.join(2.0)


# --------------------------------------------------------------------------
# baresip
# --------------------------------------------------------------------------

class Baresip:
    """One baresip 1.0 process with a private config dir (``-f DIR``).

    Ports: baresip binds ``sip_port`` for UDP+TCP *and* ``sip_port + 1`` for
    TLS (not configurable in 1.0), so space instances at least 2 apart.

    Media options:
      codec      one of AUDIO_CODECS (only that codec is offered/accepted)
      tone_hz    ausine tone as microphone (``audio_source ausine,FREQ``)
      audio_file 16-bit WAV as microphone (``aufile``); played once, not
                 looped -- make it longer than the call
      video      True to offer H.264 video (avcodec module)
      video_color lavfi colour name/hex for the avformat source, e.g. "red"
      srtp       True -> ``;mediaenc=srtp-mand`` (SDES, RTP/SAVP)
    Account options:
      user, domain (default 127.0.0.1:sip_port), auth_user, auth_pass,
      regint (0 = never REGISTER), outbound (proxy URI), answermode.
    """

    def __init__(self, name, sip_port, ctrl_port=None, codec="PCMU",
                 tone_hz=None, audio_file=None, video=False,
                 video_color="red", video_size=(640, 360), video_fps=15,
                 srtp=False, user=None, domain=None, auth_user=None,
                 auth_pass=None, regint=0, outbound=None, answermode="auto",
                 rtp_ports=None, keep_dir=False, extra_config=(), address="127.0.0.1"):
        if codec not in AUDIO_CODECS:
            raise ValueError("codec must be one of %s" % sorted(AUDIO_CODECS))
        self.name, self.sip_port, self.codec = name, sip_port, codec
        # Another loopback address (127.0.0.2) makes a hall with its own source address.
        self.address = address
        self.ctrl_port = ctrl_port or free_port()
        self.tone_hz, self.audio_file = tone_hz, audio_file
        self.video, self.video_color = video, video_color
        self.video_size, self.video_fps = video_size, video_fps
        self.srtp, self.answermode = srtp, answermode
        self.user = user or name
        self.domain = domain or "127.0.0.1:%d" % sip_port
        self.auth_user, self.auth_pass = auth_user, auth_pass
        self.regint, self.outbound = regint, outbound
        self.rtp_ports, self.keep_dir = rtp_ports, keep_dir
        self.extra_config = list(extra_config)
        self.dir = None
        self.proc = None
        self.ctrl = None
        self._log = None

    # -- configuration files -------------------------------------------

    @property
    def uri(self):
        """SIP URI other endpoints dial to reach this one directly."""
        return "sip:%s@%s:%d" % (self.user, self.address, self.sip_port)

    @property
    def rec_dir(self):
        return os.path.join(self.dir, "rec")

    def _audio_source_lines(self):
        if self.tone_hz:
            # ausine only accepts 48 kHz stereo; baresip resamples to codec.
            return ["audio_source ausine,%d" % self.tone_hz,
                    "ausrc_srate 48000", "ausrc_channels 2"]
        if self.audio_file:
            # aufile insists the file's rate/channels equal ausrc_*.
            with wave.open(self.audio_file, "rb") as w:
                rate, ch = w.getframerate(), w.getnchannels()
            return ["audio_source aufile,%s" % os.path.abspath(self.audio_file),
                    "ausrc_srate %d" % rate, "ausrc_channels %d" % ch]
        return ["audio_source"]

    def _video_lines(self):
        if not self.video:
            return []
        w, h = self.video_size
        # avformat splits "FORMAT,DEVICE" at the first comma: the lavfi
        # graph itself must therefore contain no comma.
        src = "avformat,lavfi,color=c=%s:s=%dx%d:r=%d" % (
            self.video_color, w, h, self.video_fps)
        return ["video_source %s" % src,
                "video_display fakevideo,nil",  # null display; filters still run
                "video_size %dx%d" % (w, h),
                "video_fps %d" % self.video_fps,
                "video_bitrate 1000000"]

    def _modules(self):
        mods = ["g711.so", "g722.so", "opus.so", "ausine.so", "aufile.so",
                "sndfile.so"]
        if self.srtp:
            mods.append("srtp.so")
        if self.video:
            mods += ["avcodec.so", "avformat.so", "fakevideo.so",
                     "snapshot.so"]
        return mods

    def config_text(self):
        lines = [
            "poll_method epoll",
            "sip_listen %s:%d" % (self.address, self.sip_port),
            "net_interface %s" % self.address,  # SDP c= this address, not eth0 ("lo" fails)
            "call_local_timeout 120",
            "call_max_calls 4",
            "audio_player",              # no sound card: decode path still runs
            "audio_alert",
            "audio_level no",
            # menu would redraw "[0:00:01] audio=64000/64000 (bit/s)" into
            # the log 10 times a second during calls.
            "statmode_default off",
            "rtcp_mux no",
            "jitter_buffer_delay 5-10",
            "snd_path %s" % self.rec_dir,
            "ctrl_tcp_listen 127.0.0.1:%d" % self.ctrl_port,
            "module_path %s" % MODULE_PATH,
        ]
        lines += self._audio_source_lines() + self._video_lines()
        if self.rtp_ports:
            lines.append("rtp_ports %d-%d" % tuple(self.rtp_ports))
        lines += ["module %s" % m for m in self._modules()]
        lines += ["module_app account.so", "module_app contact.so",
                  "module_app menu.so", "module_app ctrl_tcp.so"]
        return "\n".join(lines + self.extra_config) + "\n"

    def account_line(self):
        params = ["regint=%d" % self.regint,
                  "answermode=%s" % self.answermode,
                  "audio_codecs=%s" % AUDIO_CODECS[self.codec][0]]
        if self.video:
            params.append("video_codecs=H264")
        if self.srtp:
            params.append("mediaenc=srtp-mand")
        if self.auth_user:
            params.append("auth_user=%s" % self.auth_user)
        if self.auth_pass:
            params.append("auth_pass=%s" % self.auth_pass)
        if self.outbound:
            params.append('outbound="%s"' % self.outbound)
        return "<sip:%s@%s>;%s\n" % (self.user, self.domain, ";".join(params))

    def write_config(self):
        self.dir = tempfile.mkdtemp(prefix="bs-%s-" % self.name)
        os.mkdir(self.rec_dir)
        files = {"config": self.config_text(),
                 "accounts": self.account_line(), "contacts": ""}
        for fname, text in files.items():
            with open(os.path.join(self.dir, fname), "w") as f:
                f.write(text)

    # -- lifecycle -------------------------------------------------------

    def start(self, timeout=10.0):
        """Write the config, start baresip, connect to ctrl_tcp."""
        self.write_config()
        self._log = open(self.log_path, "wb")
        # cwd = private dir: /snapshot writes relative file names there.
        self.proc = subprocess.Popen(
            [BARESIP, "-f", self.dir], cwd=self.dir, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self.ctrl = CtrlTcp(self.ctrl_port, timeout)
            self._wait_ready(timeout)
        except Exception:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout):
        if not _wait_until(lambda: "baresip is ready" in self.log_text()
                           or self.proc.poll() is not None, timeout):
            raise EndpointError("%s: not ready\n%s" % (self.name, self.log_tail()))
        if self.proc.poll() is not None:
            raise EndpointError("%s: exited %s\n%s" % (
                self.name, self.proc.returncode, self.log_tail()))

    def stop(self, timeout=5.0, keep_dir=None):
        """Hang up, quit (SIGTERM/SIGKILL after ``timeout``), remove dir."""
        if self.ctrl:
            for cmd in ("hangup", "quit"):
                try:
                    self.ctrl.command(cmd, timeout=2.0)
                except (EndpointError, OSError):
                    break
            self.ctrl.close()
            self.ctrl = None
        if self.proc:
            _stop_process(self.proc, timeout)
        if self._log:
            self._log.close()
            self._log = None
        keep = self.keep_dir if keep_dir is None else keep_dir
        if self.dir and not keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- logs --------------------------------------------------------------

    @property
    def log_path(self):
        return os.path.join(self.dir, "baresip.log")

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, n=40):
        """Last ``n`` meaningful log lines (menu status redraws removed)."""
        text = _STATUS_RE.sub("", self.log_text())
        kept = [ln for ln in text.splitlines() if ln.strip()]
        return "\n".join(kept[-n:])

    # -- commands ------------------------------------------------------

    def command(self, name, params=None, timeout=5.0):
        """Any baresip long command (``help`` lists them); returns dict."""
        return self.ctrl.command(name, params, timeout)

    def _ok(self, name, params=None):
        resp = self.command(name, params)
        if not resp.get("ok"):
            raise EndpointError("%s %s failed: %s" % (name, params or "",
                                                      resp.get("data")))
        return resp

    def wait_event(self, predicate, timeout=10.0):
        return self.ctrl.wait_event(predicate, timeout)

    def dial(self, uri):
        return self._ok("dial", uri)

    def accept(self):
        """Answer an incoming call (when answermode is manual)."""
        return self._ok("accept")

    def hangup(self):
        return self._ok("hangup")

    def send_dtmf(self, digits):
        """RFC 4733 telephone-events on the current call (``sndcode``)."""
        return self._ok("sndcode", digits)

    def hold(self):
        return self._ok("hold")

    def resume(self):
        return self._ok("resume")

    def snapshot_recv(self, path=None, timeout=5.0):
        """Save the next received video frame as PNG; return its path.

        The path buffer inside the snapshot module is 100 bytes.
        """
        path = path or os.path.join(self.dir, "recv-%d.png" % time.time())
        self._ok("snapshot_recv", path)
        if not _wait_until(lambda: os.path.exists(path) and
                           os.path.getsize(path) > 0, timeout):
            raise EndpointError("%s: no snapshot written to %s" % (self.name, path))
        time.sleep(0.2)  # libpng writes in chunks; let it finish
        return path

    # -- recordings ------------------------------------------------------

    def recordings(self, kind="dec"):
        """sndfile dumps, oldest first: kind "dec" = what we heard,
        "enc" = what we sent. Names: dump-YYYY-MM-DD-HH-MM-SS-{enc,dec}.wav
        (one-second resolution: two calls in the same second collide)."""
        return sorted(glob.glob(os.path.join(self.rec_dir, "dump-*-%s.wav" % kind)),
                      key=os.path.getmtime)

    def received_wav(self):
        recs = self.recordings("dec")
        if not recs:
            raise EndpointError("%s: no decoded audio recorded" % self.name)
        return recs[-1]

    def sent_wav(self):
        recs = self.recordings("enc")
        if not recs:
            raise EndpointError("%s: no encoded audio recorded" % self.name)
        return recs[-1]


# --------------------------------------------------------------------------
# linphonec
# --------------------------------------------------------------------------

class Linphone:
    """linphonec 5.1.65 driven through its stdin, audio only.

    ``soundcard use files`` switches the core to WAV files instead of a sound
    card; then ``play FILE`` is the microphone and ``record FILE`` receives
    what the far end sends (both verified). Call progress is read from
    linphonec's stdout, e.g. "Call 1 with sip:... connected." -- see
    CALL_STATES.
    """

    # state name -> text linphonec prints for it (linphonec.c, 5.1.65)
    CALL_STATES = {
        "progress": " in progress.",
        "ringing": " ringing.",
        "incoming": "Receiving new incoming call from",
        "connected": " connected.",
        "media": "Media streams established",
        "ended": " ended (",
        "error": " error.",
        "paused_by_peer": " has been paused by ",
        "resumed": "Resuming call ",
    }

    def __init__(self, name, sip_port, play_wav=None, record_wav=None,
                 user=None, rtp_port=None, auto_answer=False, keep_dir=False,
                 address="127.0.0.1", auth_pass=None, realm=None):
        self.name, self.sip_port = name, sip_port
        self.address = address
        # Digest credentials ([auth_info_0]) for a challenge from realm.
        self.auth_pass, self.realm = auth_pass, realm
        self.user = user or name
        self.play_wav, self.record_wav = play_wav, record_wav
        self.auto_answer, self.keep_dir = auto_answer, keep_dir
        self.rtp_port = rtp_port or free_port(socket.SOCK_DGRAM)
        self.dir = None
        self.proc = None
        self._out = []
        self._cond = threading.Condition()
        self._reader = None

    @property
    def uri(self):
        return "sip:%s@%s:%d" % (self.user, self.address, self.sip_port)

    def _auth_lines(self):
        if not self.auth_pass:
            return []
        return ["[auth_info_0]", "username=%s" % self.user, "passwd=%s" % self.auth_pass,
                "realm=%s" % (self.realm or ""), "algorithm=MD5"]

    def config_text(self):
        # linphonerc keys, checked against liblinphone 5.1.65 sources.
        return "\n".join([
            "[sip]",
            "sip_port=%d" % self.sip_port,     # UDP; TCP/TLS disabled
            "sip_tcp_port=0",
            "sip_tls_port=0",
            "bind_address=%s" % self.address,  # SIP listening address
            "ipv6=0",
            "contact=sip:%s@%s:%d" % (self.user, self.address, self.sip_port),
            "[rtp]",
            "bind_address=%s" % self.address,  # RTP socket + SDP c= line
            "audio_rtp_port=%d" % self.rtp_port,
            "[storage]",
            # Without a writable DB linphone_core_start() aborts silently
            # before creating any SIP listening point.
            "uri=%s" % os.path.join(self.dir, "linphone.db"),
            "[sound]",
            "echocancellation=0",
            "[video]",
            "enabled=0",
            "capture=0",
            "display=0",
        ] + self._auth_lines() + [""])

    def start(self, timeout=10.0):
        """Write linphonerc into a temp HOME, start linphonec, set up files."""
        self.dir = tempfile.mkdtemp(prefix="lp-%s-" % self.name)
        # Other sqlite files (call history, zrtp) go under $HOME/.local.
        os.makedirs(os.path.join(self.dir, ".local", "share", "linphone"))
        cfg = os.path.join(self.dir, "linphonerc")
        with open(cfg, "w") as f:
            f.write(self.config_text())
        env = dict(os.environ, HOME=self.dir)  # keep ~/.linphone* private
        args = [LINPHONEC, "-c", cfg] + (["-a"] if self.auto_answer else [])
        self.proc = subprocess.Popen(
            args, cwd=self.dir, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        try:
            self._setup_files(timeout)
        except Exception:
            self.stop()
            raise
        return self

    def _setup_files(self, timeout):
        self.send("soundcard use files")
        self.wait_output("Using wav files instead of soundcard", timeout)
        if self.play_wav:
            self.send("play %s" % os.path.abspath(self.play_wav))
        if self.record_wav:
            self.send("record %s" % os.path.abspath(self.record_wav))

    def _read_loop(self):
        for raw in iter(self.proc.stdout.readline, b""):
            with self._cond:
                self._out.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def send(self, line):
        """Write one command line to linphonec's stdin."""
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def output(self):
        with self._cond:
            return "\n".join(self._out)

    def mark(self):
        """Current output position, to pass as ``since`` to wait_*()."""
        with self._cond:
            return len(self._out)

    def wait_output(self, text, timeout=10.0, since=0):
        """Wait for a stdout line containing ``text``; return its index."""
        def find():
            for i in range(since, len(self._out)):
                if text in self._out[i]:
                    return i + 1
            return None
        with self._cond:
            idx = self._cond.wait_for(find, timeout)
        if not idx:
            raise EndpointError("linphonec %s: %r not seen in %.1fs\n%s" % (
                self.name, text, timeout, "\n".join(self._out[-30:])))
        return idx - 1

    def wait_state(self, state, timeout=10.0, since=0):
        """Wait for a call state from CALL_STATES ("connected", "ended"...)."""
        return self.wait_output(self.CALL_STATES[state], timeout, since)

    def call(self, uri):
        self.send("call %s" % uri)

    def answer(self):
        self.send("answer")

    def terminate(self):
        self.send("terminate")

    def stop(self, timeout=5.0):
        """terminate + quit; SIGTERM/SIGKILL after ``timeout``; rm temp dir."""
        if self.proc and self.proc.poll() is None:
            try:
                self.send("terminate")
                self.send("quit")
                self.proc.stdin.close()
            except OSError:
                pass
            _stop_process(self.proc, timeout)
        if self._reader:
            self._reader.join(2.0)
        if self.dir and not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
