"""Helpers to run a diemcau conference on loopback for the end-to-end tests and the benchmark:
a config with fresh tokens, the gateway process, headless sites."""
import json
import os
import random
import re
import signal
import socket
import subprocess
import tempfile
import time

# The tones are chosen so that no sum, difference or 2a-b product of any of them lands within
# 20 Hz of another, and they stay 200 Hz apart so Opus's quantisation noise around one
# tone does not read as another: the limiter and Opus create such products when nine tones are mixed loud,
# and one landing on a site's own frequency would look like its own voice coming back.
SITES = [
    # id, name, role, tone Hz, colour
    ("ubnd-tinh", "UBND tỉnh Thái Nguyên", "chair", 510, "e02020"),
    ("tp-thai-nguyen", "TP Thái Nguyên", "district", 730, "20c020"),
    ("tp-song-cong", "TP Sông Công", "district", 1430, "2040e0"),
    ("tx-pho-yen", "TX Phổ Yên", "district", 1810, "e0e020"),
    ("dinh-hoa", "Định Hóa", "district", 2100, "e020e0"),
    ("dai-tu", "Đại Từ", "district", 2450, "20e0e0"),
    ("phu-luong", "Phú Lương", "district", 3040, "f08000"),
    ("dong-hy", "Đồng Hỷ", "district", 3280, "8000f0"),
    ("vo-nhai", "Võ Nhai", "district", 3590, "ffffff"),
    ("phu-binh", "Phú Bình", "district", 3850, "006040"),
]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Conference:
    """A gateway on 127.0.0.1 with its own config and tokens in a temporary directory."""

    def __init__(self, gateway, workdir=None, width=640, height=360, framerate=15,
                 bitrate=600, ice_base=None, extra_gateway="", extra_groups="",
                 site_lines=None, codec="vp8", tiers=""):
        self.gateway_exe = gateway
        self.dir = workdir or tempfile.mkdtemp(prefix="diemcau-e2e-")
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}/ws"
        ice_base = ice_base or 30000 + (self.port % 200) * 100
        self.ice_ports = range(ice_base, ice_base + 100)
        self.config = os.path.join(self.dir, "diemcau.conf")
        lines = [
            "[gateway]",
            "listen-address=127.0.0.1",
            f"port={self.port}",
            "ice-addresses=127.0.0.1",
            f"ice-port-min={ice_base}",
            f"ice-port-max={ice_base + 99}",
            extra_gateway,
            "[video]",
            f"width={width}",
            f"height={height}",
            f"framerate={framerate}",
            f"bitrate-kbps={bitrate}",
            f"codec={codec}",
            # One tier unless a test is about links: a busy 2-core machine can drop packets on
            # loopback, and a hall moved down a tier would change what other tests measure.
            f"tiers={tiers}" if tiers is not None else "",
            "[audio]",
            "bitrate-kbps=64",
            "[meeting]",
            f"attendance-dir={os.path.join(self.dir, 'attendance')}",
            extra_groups,
        ]
        for site_id, name, role, _, _ in SITES:
            lines += [f"[site:{site_id}]", f"name={name}", f"role={role}",
                      "token-hash=sha256:00:00"]
            lines += (site_lines or {}).get(site_id, [])
        with open(self.config, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        self.tokens = {}
        for site_id, *_ in SITES:
            path = os.path.join(self.dir, f"{site_id}.token")
            subprocess.run([gateway, "--config", self.config, "--new-token", site_id,
                            "--token-file", path], check=True, stdout=subprocess.DEVNULL)
            self.tokens[site_id] = path
        self.process = None
        self.log_path = os.path.join(self.dir, "gateway.log")

    def start(self, env=None, popen=subprocess.Popen):
        """popen: how to start it (a network namespace's popen, say)."""
        log = open(self.log_path, "w")
        full_env = dict(os.environ)
        full_env.setdefault("GST_DEBUG", "dc-*:4")
        full_env.update(env or {})
        self.process = popen([self.gateway_exe, "--config", self.config],
                             stdout=log, stderr=subprocess.STDOUT, env=full_env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gateway exited at start:\n" + self.log())
            if "Halls connect to:" in self.log():
                return
            time.sleep(0.1)
        raise RuntimeError("gateway did not start listening within 20 s:\n" + self.log())

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode if self.process else None

    def stats(self):
        match = re.findall(r"stopping; (.*)", self.log())
        if not match:
            return {}
        return {k: int(v) for k, v in (kv.split("=") for kv in match[-1].split())}


def start_site(client, conference, index, duration, report=None, snapshot=None, token=None,
               extra=(), volume=None, popen=subprocess.Popen, url=None, address="127.0.0.1"):
    """url and address: where the hall reaches the gateway and its own ICE address (a hall in
    a network namespace of its own); popen: how to start it there."""
    site_id, _, _, tone, colour = SITES[index]
    probes = ",".join(str(s[3]) for s in SITES)
    args = [client, "--headless", "--server", url or conference.url, "--site", site_id,
            "--token-file", token or conference.tokens[site_id], "--test-tone", str(tone),
            "--test-color", colour, "--duration", str(duration), "--probe-tones", probes,
            "--ice-address", address, *extra]
    if volume is not None:
        args += ["--test-volume", str(volume)]
    if report:
        args += ["--report", report]
    if snapshot:
        args += ["--snapshot", snapshot]
    log_path = os.path.join(conference.dir, f"client-{site_id}-{time.time():.0f}.log")
    with open(log_path, "w") as log:
        return popen(args, stdout=log, stderr=subprocess.STDOUT)


def send_garbage(ports, packets_per_port=20, seconds=4.0):
    """Sends random UDP datagrams to the gateway's ICE ports on 127.0.0.1: shapeless bytes, and
    bytes that start like RTP (0x80), RTCP (0x81 0xc8) and STUN (0x00 0x01). Bounded in count and
    time. Returns how many were sent."""
    rng = random.Random(7)
    heads = [b"", b"\x80", b"\x81\xc8", b"\x00\x01\x00\x08\x21\x12\xa4\x42", b"\x16\xfe\xfd"]
    sent = 0
    deadline = time.time() + seconds
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(packets_per_port):
            for port in ports:
                if time.time() > deadline:
                    return sent
                body = heads[rng.randrange(len(heads))]
                body += rng.randbytes(rng.randrange(1, 1200))
                s.sendto(body, ("127.0.0.1", port))
                sent += 1
            time.sleep(seconds / packets_per_port / 2)
    return sent


def load_report(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def colour_distance(a, b):
    a = [int(a[i:i + 2], 16) for i in (0, 2, 4)]
    b = [int(b[i:i + 2], 16) for i in (0, 2, 4)]
    return max(abs(x - y) for x, y in zip(a, b))
