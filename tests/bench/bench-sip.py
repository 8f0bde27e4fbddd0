#!/usr/bin/env python3
"""Mixed-conference benchmark: what SIP room systems cost the gateway next to WebRTC halls, and
what the second (H.264) encode of the composition costs, each against a WebRTC-only baseline
measured in the same invocation on the same machine.

Usage: bench-sip.py GATEWAY CLIENT [--duration S] [--warmup S] [--rounds N]
                    [--hall-video-size WxH] [--runs A,A5,C0,C,B] [--keep]

Runs, one gateway each (1280x720 at 25 fps, VP8 and H.264 at 2000 kbit/s, Opus mixes 64 kbit/s):
  A   10 WebRTC load sites                        (the baseline)
  A5   5 WebRTC load sites                        (with A: the cost of one WebRTC site)
  B    5 WebRTC load sites + 5 SIP halls with video (the mixed conference)
  C   10 WebRTC load sites + 1 SIP hall with video (the H.264 encoder runs)
  C0  10 WebRTC load sites + 1 SIP hall, audio only (with C: the H.264 encode, bounded)
A WebRTC load site is diemcau-client --headless --load-media (as bench-conference.py); a SIP hall
is baresip 1.0 (tests/sip/sip_endpoints.py) with digest credentials, a tone, and H.264 from a lavfi
solid colour, the same size and rate as the load sites' VP8 unless told otherwise. It prints
figures and the method; it asserts nothing (see docs/benchmarks.md)."""
import argparse
import hashlib
import importlib.util
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "sip"))
import analysis  # noqa: E402
import conference as conf  # noqa: E402
from sip_endpoints import Baresip, EndpointError, free_sip_port  # noqa: E402


def _load_bench_conference():
    """The conference benchmark's media, /proc readers and constants, shared rather than copied."""
    spec = importlib.util.spec_from_file_location("bench_conference",
                                                  os.path.join(HERE, "bench-conference.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bc = _load_bench_conference()
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
SOURCE_ROOT = bc.SOURCE_ROOT
ICE_BASE, GATEWAY_RTP_BASE, HALL_RTP_BASE = 52000, 53000, 54000
REALM = "diemcau"
# Every load site sends this colour (bench-conference.py make_media); the chair's tile shows it.
LOAD_COLOUR = "2060c0"
JOIN_STAGGER_S = 0.2
CALL_TIMEOUT_S = 15
SITE_EXIT_TIMEOUT_S = 20
# The halls of run B: the last five district sites, two codecs as the districts' systems have.
B_HALL_INDEXES = [5, 6, 7, 8, 9]
HALL_CODECS = ["G722", "PCMU"]
# Runs C and C0 add an eleventh site for their hall, so that all ten WebRTC sites stay.
EXTRA_HALL = ("hoi-truong", "Hội trường SIP", "district", 4300, "c0c0c0")
RUNS = {
    # name: (WebRTC site indexes, SIP halls as (site tuple, video), what it is)
    "A": (list(range(10)), [], "10 WebRTC"),
    "A5": (list(range(5)), [], "5 WebRTC"),
    "B": (list(range(5)), [(conf.SITES[i], True) for i in B_HALL_INDEXES],
          "5 WebRTC + 5 SIP (video)"),
    "C": (list(range(10)), [(EXTRA_HALL, True)], "10 WebRTC + 1 SIP (video)"),
    "C0": (list(range(10)), [(EXTRA_HALL, False)], "10 WebRTC + 1 SIP (audio only)"),
}
ORDER = ["A", "A5", "C0", "C", "B"]
HALL_DECODE_ERROR = re.compile(r"decode_slice_header error|concealing \d+ DC")
ENCODER_LINE = re.compile(r"^(\d+):(\d\d):(\d\d\.\d+) .*? (\w+) encoder "
                          r"(started|stopped after (\d+) frames)", re.M)


def password(site_id):
    return "bench-" + site_id


def ha1(site_id):
    digest = hashlib.md5(f"{site_id}:{REALM}:{password(site_id)}".encode()).hexdigest()
    return "md5:" + digest


def proc_cpu(pid):
    """utime + stime in seconds, or None once the process is gone."""
    try:
        return bc.proc_cpu_seconds(pid)
    except (OSError, IndexError, ValueError):
        return None


def machine_busy_seconds():
    """CPU seconds all cores spent on anything but idle and iowait, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICK


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def encoder_figures(log):
    """Frames and running seconds per composition encoder, from the dc-video DEBUG lines."""
    started, out = {}, {}
    for h, m, s, codec, what, frames in ENCODER_LINE.findall(log):
        t = int(h) * 3600 + int(m) * 60 + float(s)
        if what == "started":
            started[codec] = t
        elif codec in started:
            previous = out.get(codec, (0, 0.0))
            out[codec] = (previous[0] + int(frames), previous[1] + t - started.pop(codec))
    return out


class MixedRun:
    """One gateway with its WebRTC load sites and baresip halls; every process it starts is
    stopped by cleanup(), whatever happened before."""

    def __init__(self, args, media, name, workdir):
        self.args, self.media, self.name = args, media, name
        self.webrtc, halls, _ = RUNS[name]
        self.hall_specs = halls
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        self.sip_port = free_sip_port()
        extra = ""
        if any(site is EXTRA_HALL for site, _ in halls):
            site_id, site_name, role, _, _ = EXTRA_HALL
            extra = (f"\n[site:{site_id}]\nname={site_name}\nrole={role}\n"
                     f"token-hash=sha256:00:00\nsip-ha1={ha1(site_id)}")
        sip_group = (f"[sip]\nenabled=true\nlisten-address=127.0.0.1\nport={self.sip_port}\n"
                     f"realm={REALM}\nrtp-port-min={GATEWAY_RTP_BASE}\n"
                     f"rtp-port-max={GATEWAY_RTP_BASE + 99}" + extra)
        site_lines = {site[0]: [f"sip-ha1={ha1(site[0])}"] for site, _ in halls
                      if site is not EXTRA_HALL}
        self.conference = conf.Conference(
            args.gateway, workdir=self.dir, width=bc.WIDTH, height=bc.HEIGHT, framerate=bc.FPS,
            bitrate=bc.BITRATE_KBPS, ice_base=ICE_BASE, extra_groups=sip_group,
            site_lines=site_lines)
        if extra:  # the extra site's placeholder hash replaced by a real one, as for the others
            subprocess.run([args.gateway, "--config", self.conference.config, "--new-token",
                            EXTRA_HALL[0], "--token-file", os.path.join(self.dir, "extra.token")],
                           check=True, stdout=subprocess.DEVNULL, timeout=30)
        self.sites, self.halls, self.problems = [], [], []

    # -- the run -------------------------------------------------------------------------------

    def run(self):
        c = self.conference
        c.start(env={"GST_DEBUG": "dc-*:2,dc-video:5", "GST_DEBUG_NO_COLOR": "1"})
        # The sites' own limit only bounds a run that goes wrong: they get SIGTERM after the window.
        bound = 2 * CALL_TIMEOUT_S + self.args.warmup + self.args.duration + 30
        for index in self.webrtc:
            report = os.path.join(self.dir, f"report-{index}.json")
            self.sites.append((index, report, conf.start_site(
                self.args.client, c, index, bound, report=report,
                extra=["--load-media", self.media])))
            time.sleep(JOIN_STAGGER_S)
        self.call_halls()
        time.sleep(self.args.warmup)
        return self.measure()

    def call_halls(self):
        gateway = f"127.0.0.1:{self.sip_port}"
        w, h = self.args.hall_video_size
        for n, ((site_id, _, _, tone, colour), video) in enumerate(self.hall_specs):
            hall = Baresip(f"{self.name}-{site_id}", free_sip_port(),
                           codec=HALL_CODECS[n % len(HALL_CODECS)], tone_hz=tone, user=site_id,
                           domain=gateway, auth_user=site_id, auth_pass=password(site_id),
                           video=video, video_color="0x" + colour, video_size=(w, h),
                           video_fps=bc.SITE_FPS,
                           rtp_ports=(HALL_RTP_BASE + 40 * n, HALL_RTP_BASE + 40 * n + 39),
                           keep_dir=self.args.keep)
            self.halls.append((site_id, hall))
            hall.start()
            if self.args.keep:
                print(f"  hall {site_id}: {hall.dir}", flush=True)
            hall.dial(f"sip:{site_id}@{gateway}")
            time.sleep(JOIN_STAGGER_S)
        deadline = time.monotonic() + CALL_TIMEOUT_S
        for site_id, hall in self.halls:
            try:
                hall.wait_event("CALL_ESTABLISHED", timeout=max(1, deadline - time.monotonic()))
            except EndpointError as error:
                self.problems.append(f"SIP hall {site_id} did not connect: {error}")

    def pids(self):
        return ([("gateway", self.conference.process.pid)]
                + [("webrtc", p.pid) for _, _, p in self.sites]
                + [("sip", hall.proc.pid) for _, hall in self.halls])

    def measure(self):
        pids = self.pids()
        load = load_average()
        start = [proc_cpu(pid) for _, pid in pids]
        busy0, t0 = machine_busy_seconds(), time.monotonic()
        time.sleep(self.args.duration)
        end = [proc_cpu(pid) for _, pid in pids]
        busy1, window = machine_busy_seconds(), time.monotonic() - t0
        rss = bc.proc_peak_rss_mb(self.conference.process.pid)
        cpu = {"gateway": 0.0, "webrtc": 0.0, "sip": 0.0}
        for (kind, pid), a, b in zip(pids, start, end):
            if a is None or b is None:
                self.problems.append(f"{kind} process {pid} ended during the window")
                continue
            cpu[kind] += b - a
        for site_id, hall in self.halls:
            if any(e.get("type") == "CALL_CLOSED" for e in hall.ctrl.events):
                self.problems.append(f"SIP hall {site_id}'s call closed before the window ended")
        self.check_hall_pictures()
        result = {"window_s": window, "cpu_s": cpu, "rss_mb": rss, "load": load,
                  "machine_busy_s": busy1 - busy0}
        result.update(self.finish())
        return result

    def check_hall_pictures(self):
        """After the window: each video hall decodes the composition, the chair large in the
        middle of it."""
        chair_colour = LOAD_COLOUR
        for (site_id, hall), (_, video) in zip(self.halls, self.hall_specs):
            if not video:
                continue
            try:
                png = hall.snapshot_recv(os.path.join(self.dir, f"snap-{site_id}.png"))
                pixel = "%02x%02x%02x" % tuple(analysis.png_pixel(png)[:3])
            except (EndpointError, OSError, ValueError) as error:
                self.problems.append(f"SIP hall {site_id}: no picture received ({error})")
                continue
            if conf.colour_distance(pixel, chair_colour) > 48:
                self.problems.append(f"SIP hall {site_id} sees {pixel} where the chair's "
                                     f"{chair_colour} should be")

    def finish(self):
        """Sites leave (SIGTERM: each writes its report), halls hang up, the gateway stops."""
        for _, _, proc in self.sites:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + SITE_EXIT_TIMEOUT_S
        for _, _, proc in self.sites:
            try:
                proc.wait(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.problems.append(f"a WebRTC site (pid {proc.pid}) did not leave; killed")
                proc.kill()
                proc.wait()
        # What the halls' H.264 decoder (libavcodec) said about the composition it received.
        decode_errors = sum(len(HALL_DECODE_ERROR.findall(hall.log_text()))
                            for _, hall in self.halls)
        for _, hall in self.halls:
            hall.stop()
        self.conference.stop()
        joined, frames, packets = bc.received_summary([r for _, r, _ in self.sites])
        if joined != len(self.sites):
            self.problems.append(f"only {joined} of {len(self.sites)} WebRTC sites joined")
        log = self.conference.log()
        return {"stats": self.conference.stats(), "encoders": encoder_figures(log),
                "joined": joined, "decode_errors": decode_errors, "min_frames": frames,
                "min_packets": packets,
                "warnings": len(re.findall(r" (WARN|ERROR) ", log))}

    def cleanup(self):
        for _, _, proc in self.sites:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for _, hall in self.halls:
            hall.stop()
        self.conference.stop()


# -- figures ---------------------------------------------------------------------------------------

def cores(result):
    return result["cpu_s"]["gateway"] / result["window_s"]


def vp8_dropped(result):
    stats, vp8 = result["stats"], result["encoders"].get("vp8")
    if not stats or not vp8:
        return None
    lost = stats["frames_composed"] - vp8[0]
    return stats["ticks_missed"] + (lost if lost > 2 else 0)


def run_row(name, round_no, r):
    stats, enc = r["stats"], r["encoders"]
    vp8 = enc.get("vp8", (0, 0.0))
    h264 = enc.get("h264")
    h264_text = (f"{h264[0]}/{round(h264[1] * bc.FPS)}" if h264 else "-")
    w = r["window_s"]
    return [f"{name}#{round_no}", f"{cores(r):.3f}", f"{r['rss_mb']:.0f}",
            f"{stats.get('frames_composed', '?')}", f"{vp8[0]}", h264_text,
            f"{stats.get('ticks_missed', '?')}", f"{vp8_dropped(r)}",
            f"{stats.get('keyframe_requests', '?')}/{stats.get('keyframes_forced', '?')}",
            f"{r['decode_errors'] if r['stats'] and RUNS[name][1] else '-'}",
            f"{r['cpu_s']['webrtc'] / w:.2f}", f"{r['cpu_s']['sip'] / w:.2f}",
            f"{r['warnings']}", f"{r['machine_busy_s'] / w:.2f}", f"{r['load']:.1f}"]


def print_table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for row in [header] + rows:
        print("  " + "  ".join(str(x).rjust(wd) for x, wd in zip(row, widths)))


def derive(g):
    """The per-site and encoder figures from the median gateway CPU (cores) of each run, with a
    cost model linear in the sites (see the method printed with them and docs/benchmarks.md)."""
    w = (g["A"] - g["A5"]) / 5                     # one WebRTC site
    fixed = g["A"] - 10 * w                        # the gateway with nobody: compose + VP8 + idle
    s = (g["B"] - g["A5"] - (g["C"] - g["A"])) / 4  # one SIP hall with video, all included
    encode = (g["C"] - g["A"]) - s                 # the H.264 encoder (model)
    encode_bound = g["C"] - g["C0"]                # the same plus one hall's video in and out
    s_audio = g["C0"] - g["A"]                     # one SIP hall, audio only
    return {"w": w, "fixed": fixed, "s": s, "encode": encode, "encode_bound": encode_bound,
            "s_audio": s_audio}


def ratio(a, b):
    return f"{a / b:.2f}" if b > 0 else "n/a"


def print_summary(results, args):
    g = {name: statistics.median(cores(r) for r in results[name]) for name in ORDER}
    d = derive(g)
    rounds = len(results["A"])
    print(f"\nmixed conference benchmark ({rounds} round(s); medians of the gateway's CPU in "
          f"{args.duration:.0f} s windows, in cores)")
    rows = [
        ("A  10 WebRTC (baseline)", f"{g['A']:.3f}"),
        ("A5  5 WebRTC", f"{g['A5']:.3f}"),
        ("B   5 WebRTC + 5 SIP with video (mixed)", f"{g['B']:.3f}"),
        ("C  10 WebRTC + 1 SIP with video", f"{g['C']:.3f}"),
        ("C0 10 WebRTC + 1 SIP audio only", f"{g['C0']:.3f}"),
        ("B / A (mixed against WebRTC only)", ratio(g["B"], g["A"])),
        ("C - A (one SIP hall with video + the H.264 encode)", f"{g['C'] - g['A']:.3f}"),
        ("C - C0 (H.264 encode + one hall's video in/out)", f"{d['encode_bound']:.3f}"),
        ("w = (A - A5)/5: one WebRTC site", f"{d['w']:.3f}"),
        ("F = A - 10w: fixed (compose, VP8 encode, idle)", f"{d['fixed']:.3f}"),
        ("s = (B - A5 - (C - A))/4: one SIP hall with video", f"{d['s']:.3f}"),
        ("s_a = C0 - A: one SIP hall, audio only", f"{d['s_audio']:.3f}"),
        ("E = (C - A) - s: the H.264 encode (model)", f"{d['encode']:.3f}"),
        ("s / w (SIP hall against WebRTC site)", ratio(d["s"], d["w"])),
        ("E / F (second encode against the fixed part)", ratio(d["encode"], d["fixed"])),
        ("(C - C0) / F", ratio(d["encode_bound"], d["fixed"])),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")
    print("\nmethod: gateway CPU = utime+stime from /proc/PID/stat over the window, after the "
          f"joins and {args.warmup:.0f} s of warm-up. Model: gateway = F + n_webrtc*w + n_sip*s "
          "+ E (E only while an H.264 hall is present); four runs A, A5, B, C give F, w, s, E "
          "exactly; C0 bounds E from above without the model. Differences of noisy figures: "
          "read them with the spread of the rounds.")


def source_version():
    """The commit, and whether the tree had changes, for the figures' record."""
    try:
        head = subprocess.run(["git", "-C", SOURCE_ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", SOURCE_ROOT, "status", "--porcelain", "-uno"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (head or "unknown") + (" with local changes" if dirty else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gateway")
    parser.add_argument("client")
    parser.add_argument("--duration", type=float, default=30, help="measured seconds (30)")
    parser.add_argument("--warmup", type=float, default=5,
                        help="seconds after the last hall connected, before measuring (5)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of the five runs; the figures use each run's median (2)")
    parser.add_argument("--hall-video-size", default=f"{bc.SITE_W}x{bc.SITE_H}",
                        help="what a SIP hall sends (default: the load sites' size)")
    parser.add_argument("--runs", default=",".join(ORDER),
                        help="a subset of the runs, for trying the script (the derived figures "
                             "need all five)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    order = [name for name in args.runs.split(",") if name in RUNS]
    args.gateway, args.client = os.path.abspath(args.gateway), os.path.abspath(args.client)
    args.hall_video_size = tuple(int(v) for v in args.hall_video_size.split("x"))
    if not shutil.which("baresip"):
        print("baresip is not installed (see tests/sip/README.md): skipped")
        return 77

    workdir = tempfile.mkdtemp(prefix="diemcau-bench-sip-")
    results, problems = {name: [] for name in ORDER}, []
    try:
        print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
              f"source {source_version()}; media in {workdir}", flush=True)
        media = bc.make_media(os.path.join(workdir, "media"), bc.LOOP_SECONDS)
        header = ["run", "gw cores", "RSS MB", "composed", "vp8", "h264/expected",
                  "ticks missed", "vp8 dropped", "kf req/forced", "hall decode errors",
                  "webrtc cores", "baresip cores", "gw warnings", "machine busy", "load"]
        rows = []
        for round_no in range(1, args.rounds + 1):
            for name in order:
                print(f"run {name}#{round_no}: {RUNS[name][2]}", flush=True)
                run = MixedRun(args, media, name, os.path.join(workdir, f"round{round_no}"))
                try:
                    result = run.run()
                finally:
                    run.cleanup()
                results[name].append(result)
                problems += [f"{name}#{round_no}: {p}" for p in run.problems]
                rows.append(run_row(name, round_no, result))
                print(f"  gateway {cores(result):.3f} cores, stats {result['stats']}, "
                      f"encoders {result['encoders']}", flush=True)
        print("\nper run (frames over the gateway's whole life; cores over the window)")
        print_table(header, rows)
        if all(results[name] for name in ORDER):
            print_summary(results, args)
        print("\nproblems: " + ("; ".join(problems) if problems else "none"))
        return 0
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
