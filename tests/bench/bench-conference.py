#!/usr/bin/env python3
"""Conference benchmark: what one ten-hall conference costs the gateway, against the plain
GStreamer pipeline doing the same codec work (the floor), and how many conferences one machine
carries without dropping composed frames.

Usage: bench-conference.py GATEWAY CLIENT [--duration S] [--step-duration S] [--max-conferences N]
                           [--no-capacity] [--perf FILE] [--keep]

The sites run in load mode (diemcau-client --load-media): they send media encoded beforehand and
count what comes back without decoding, so nearly all CPU spent is the gateway's. The media is
generated here with gst-launch-1.0 into a temporary directory. Prints figures; it asserts nothing
(see docs/benchmarks.md)."""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import conference as conf  # noqa: E402

SOURCE_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CLOCK_TICK = os.sysconf("SC_CLK_TCK")

# The gateway's defaults (gateway/core/config.c); the benchmark writes them into its config explicitly.
WIDTH, HEIGHT, FPS, BITRATE_KBPS, AUDIO_KBPS = 1280, 720, 25, 2000, 64
# What a hall sends: the client's own test-source settings (client/engine-media.c).
SITE_W, SITE_H, SITE_FPS = 320, 180, 15
SITE_VP8 = ("vp8enc deadline=1 cpu-used=16 keyframe-max-dist=60 "
            f"target-bitrate={max(150000, SITE_W * SITE_H * SITE_FPS // 3)} "
            "error-resilient=partitions")
LOOP_SECONDS = 10
JOIN_SETTLE_S = 8  # joins, ICE, DTLS and the first keyframes are over by then
# The chair-large layout at 1280x720 (gateway/core/layout.c), used if no site reported the layout.
CHAIR_LARGE = [(0, 0, 1024, 576)] + [(1024, 144 * i, 256, 144) for i in range(4)] + \
    [(256 * i, 576, 256, 144) for i in range(5)]


def gateway_vp8_settings():
    """The composition encoder exactly as the gateway builds it (gateway/media/media-codec.c), with its
    bitrate and keyframe distance filled in the way gateway/media/video-mixer.c does."""
    with open(os.path.join(SOURCE_ROOT, "gateway", "media", "media-codec.c"), encoding="utf-8") as f:
        text = f.read()
    block = re.search(r'\.name = "vp8".*?\.encoder_description\s*=\s*((?:"[^"]*"\s*)+),', text,
                      re.S)
    if not block:
        raise RuntimeError("cannot find the vp8 encoder settings in gateway/media/media-codec.c")
    description = "".join(re.findall(r'"([^"]*)"', block.group(1)))
    return description.replace("%u", str(BITRATE_KBPS), 1).replace("%u", str(FPS * 10), 1)


def gst_launch(pipeline, timeout=120):
    """Runs gst-launch-1.0 to the end; returns (seconds of CPU, wall seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen(["gst-launch-1.0", "-q", *pipeline.split()],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            raise RuntimeError(f"gst-launch-1.0 ran over {timeout} s: {pipeline[:120]}...")
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"gst-launch-1.0 failed ({proc.stderr.read().decode()[-400:]}): "
                           f"{pipeline[:160]}")
    return usage.ru_utime + usage.ru_stime, time.monotonic() - start


def make_media(directory, seconds):
    """video.webm (VP8, what a hall's client sends) and audio.ogg (Opus, 20 ms frames) of a solid
    colour and a tone. 1.22 has no IVF muxer; the client reads any container parsebin knows."""
    os.makedirs(directory, exist_ok=True)
    gst_launch(f"videotestsrc num-buffers={seconds * SITE_FPS} pattern=solid-color "
               f"foreground-color=0xff2060c0 ! video/x-raw,width={SITE_W},height={SITE_H},"
               f"framerate={SITE_FPS}/1 ! videoconvert ! {SITE_VP8} ! webmmux ! "
               f"filesink location={directory}/video.webm")
    gst_launch(f"audiotestsrc num-buffers={seconds * 50} samplesperbuffer=960 wave=sine freq=440 "
               "volume=0.3 ! audio/x-raw,rate=48000,channels=1 ! "
               "opusenc bitrate=32000 frame-size=20 ! oggmux ! "
               f"filesink location={directory}/audio.ogg")
    return directory


def floor_pipeline(media, tiles):
    """Ten decodes scaled to their tiles, one composition encoded like the gateway's, ten Opus
    decodes and re-encodes like the gateway's mix-minus (gateway/media/audio-mixer.c)."""
    video = f"{media}/video.webm"
    audio = f"{media}/audio.ogg"
    parts = [f"compositor name=comp background=black "
             + " ".join(f"sink_{i}::xpos={x} sink_{i}::ypos={y}"
                        for i, (x, y, _, _) in enumerate(tiles))
             + f" ! video/x-raw,format=I420,width={WIDTH},height={HEIGHT},framerate={FPS}/1 ! "
             + f"{gateway_vp8_settings()} ! fakesink sync=false"]
    for i, (_, _, w, h) in enumerate(tiles):
        parts.append(f"filesrc location={video} ! matroskademux ! vp8dec ! videoscale ! "
                     f"video/x-raw,format=I420,width={w},height={h},pixel-aspect-ratio=1/1 ! "
                     f"comp.sink_{i}")
    for _ in tiles:
        parts.append(f"filesrc location={audio} ! oggdemux ! opusdec ! audioconvert ! "
                     "audio/x-raw,format=F32LE,rate=48000,channels=1 ! audioconvert ! "
                     f"opusenc audio-type=voice bitrate={AUDIO_KBPS * 1000} complexity=5 "
                     "inband-fec=true packet-loss-percentage=5 frame-size=20 ! fakesink sync=false")
    return "  ".join(parts)


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK  # utime, stime


def proc_peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def dropped(stats):
    """Composed frames that never went out: skipped ticks, plus frames the encoder's leaky queue
    dropped (a frame or two may still be in the encoder at exit)."""
    if not stats:
        return None
    lost_in_encoder = stats["frames_composed"] - stats["frames_encoded"]
    return stats["ticks_missed"] + (lost_in_encoder if lost_in_encoder > 2 else 0)


class Run:
    """N conferences of ten load sites each, all up at once."""

    def __init__(self, args, media, n, seconds, workdir, tag):
        self.args, self.media, self.seconds = args, media, seconds
        self.conferences = []
        for i in range(n):
            directory = os.path.join(workdir, f"{tag}-n{n}-c{i}")
            os.makedirs(directory)
            self.conferences.append(conf.Conference(
                args.gateway, workdir=directory, width=WIDTH, height=HEIGHT, framerate=FPS,
                bitrate=BITRATE_KBPS, ice_base=52000 + 100 * i))
        self.sites = []

    def run(self, perf=None):
        for c in self.conferences:
            c.start(env={"GST_DEBUG": "dc-*:2"})
        site_duration = JOIN_SETTLE_S + self.seconds + 5
        before = os.times()
        # Sites join a little apart, as halls do, so the join storm does not decide the figures.
        for index in range(len(conf.SITES)):
            for c in self.conferences:
                report = os.path.join(c.dir, f"report-{index}.json")
                self.sites.append((c, report, conf.start_site(
                    self.args.client, c, index, site_duration, report=report,
                    extra=["--load-media", self.media])))
            time.sleep(0.2)
        time.sleep(JOIN_SETTLE_S)
        pids = [c.process.pid for c in self.conferences]
        cpu_start = [proc_cpu_seconds(p) for p in pids]
        t0 = time.monotonic()
        recorder = None
        if perf:
            recorder = subprocess.Popen(["perf", "record", "-g", "-o", perf, "-p", str(pids[0]),
                                         "--", "sleep", str(min(self.seconds, 15))],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(self.seconds)
        window = time.monotonic() - t0
        cpu = [proc_cpu_seconds(p) - s for p, s in zip(pids, cpu_start)]
        rss = [proc_peak_rss_mb(p) for p in pids]
        if recorder:
            recorder.wait(timeout=60)
        self.wait_sites(timeout=site_duration + 30)
        after = os.times()  # the sites are reaped, the gateways not yet
        client_cpu = (after.children_user + after.children_system
                      - before.children_user - before.children_system)
        for c in self.conferences:
            c.stop()
        return {
            "window_s": window, "cpu_s": cpu, "rss_mb": rss, "client_cpu_s": client_cpu,
            "stats": [c.stats() for c in self.conferences],
            "reports": [r for _, r, _ in self.sites],
        }

    def wait_sites(self, timeout):
        deadline = time.monotonic() + timeout
        for _, _, proc in self.sites:
            remaining = max(1, deadline - time.monotonic())
            try:
                proc.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def cleanup(self):
        for _, _, proc in self.sites:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for c in self.conferences:
            c.stop()


def tiles_from_reports(reports):
    for path in reports:
        try:
            tiles = conf.load_report(path)["video"]["tiles"]
        except (OSError, ValueError, KeyError):
            continue
        if len(tiles) == len(conf.SITES):
            return [(t["x"], t["y"], t["width"], t["height"]) for t in tiles]
    return CHAIR_LARGE


def received_summary(reports):
    frames, packets, joined = [], [], 0
    for path in reports:
        try:
            r = conf.load_report(path)
        except (OSError, ValueError):
            continue
        joined += bool(r.get("joined"))
        frames.append(r["video"].get("frames_received", 0))
        packets.append(r["audio"].get("packets_received", 0))
    return joined, min(frames or [0]), min(packets or [0])


def one_conference(args, media, workdir):
    run = Run(args, media, 1, args.duration, workdir, "single")
    try:
        return run.run(perf=args.perf)
    finally:
        run.cleanup()


def capacity(args, media, workdir):
    """Largest N with no dropped output frame in any of N simultaneous conferences."""
    best, steps = 0, []
    for n in range(1, args.max_conferences + 1):
        run = Run(args, media, n, args.step_duration, workdir, "capacity")
        try:
            result = run.run()
        finally:
            run.cleanup()
        drops = [dropped(s) for s in result["stats"]]
        joined, _, _ = received_summary(result["reports"])
        ok = all(d == 0 for d in drops) and joined == 10 * n
        steps.append((n, sum(result["cpu_s"]) / result["window_s"], drops, joined))
        print(f"  N={n}: gateway CPU {sum(result['cpu_s']) / result['window_s']:.2f} cores, "
              f"dropped {drops}, sites joined {joined}/{10 * n}", flush=True)
        if not ok:
            break
        best = n
    return best, steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gateway")
    parser.add_argument("client")
    parser.add_argument("--duration", type=float, default=30, help="measured seconds (30)")
    parser.add_argument("--step-duration", type=float, default=20,
                        help="measured seconds per capacity step (20)")
    parser.add_argument("--max-conferences", type=int, default=8)
    parser.add_argument("--no-capacity", action="store_true", help="skip the N-conference steps")
    parser.add_argument("--perf", metavar="FILE",
                        help="perf record -g the gateway during the single conference")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    args.gateway, args.client = os.path.abspath(args.gateway), os.path.abspath(args.client)

    workdir = tempfile.mkdtemp(prefix="diemcau-bench-")
    try:
        print(f"media: {SITE_W}x{SITE_H} at {SITE_FPS} fps VP8 and 20 ms Opus, "
              f"{LOOP_SECONDS} s loop (generated in {workdir})", flush=True)
        media = make_media(os.path.join(workdir, "media"), LOOP_SECONDS)

        print(f"a. one conference, 10 load sites, {WIDTH}x{HEIGHT} at {FPS} fps, "
              f"{BITRATE_KBPS} kbit/s VP8, {args.duration:.0f} s measured", flush=True)
        single = one_conference(args, media, workdir)
        stats = single["stats"][0]
        joined, frames, packets = received_summary(single["reports"])
        gw_cpu = single["cpu_s"][0]

        print("b. codec floor: the same decode/scale/compose/encode and Opus work in one "
              "gst-launch-1.0 pipeline, not live", flush=True)
        floor_media = make_media(os.path.join(workdir, "floor-media"), round(single["window_s"]))
        tiles = tiles_from_reports(single["reports"])
        # CPU time swells when other work shares the cores; the least of two runs is the floor.
        floor_cpu, floor_wall = min(gst_launch(floor_pipeline(floor_media, tiles), timeout=600)
                                    for _ in range(2))
        print(f"  gateway {gw_cpu:.1f} s CPU, floor {floor_cpu:.1f} s CPU, "
              f"ratio {gw_cpu / floor_cpu:.2f}; stats {stats}", flush=True)

        best, steps = (None, [])
        if not args.no_capacity:
            print(f"c. simultaneous conferences, {args.step_duration:.0f} s each step", flush=True)
            best, steps = capacity(args, media, workdir)

        window = single["window_s"]
        rows = [
            ("measured window", f"{window:.1f} s after {JOIN_SETTLE_S} s of joining"),
            ("sites joined / min video frames / min audio packets received",
             f"{joined} / {frames} / {packets}"),
            ("gateway CPU in the window", f"{gw_cpu:.1f} s ({gw_cpu / window:.2f} cores)"),
            ("gateway peak RSS (VmHWM)", f"{single['rss_mb'][0]:.0f} MB"),
            ("frames composed / encoded (whole run)",
             f"{stats.get('frames_composed')} / {stats.get('frames_encoded')}"),
            ("ticks missed / dropped frames", f"{stats.get('ticks_missed')} / {dropped(stats)}"),
            ("keyframe requests / forced",
             f"{stats.get('keyframe_requests')} / {stats.get('keyframes_forced')}"),
            ("10 load sites' CPU (whole run)", f"{single['client_cpu_s']:.1f} s"),
            ("codec floor CPU (same media seconds, best of 2)",
             f"{floor_cpu:.1f} s (ran in {floor_wall:.1f} s)"),
            ("gateway / floor", f"{gw_cpu / floor_cpu:.2f} (target <= 1.3)"),
        ]
        if best is not None:
            rows.append(("conferences without dropped frames",
                         f"{best} (target >= 4; tried up to {steps[-1][0] if steps else 0})"))
        width = max(len(k) for k, _ in rows)
        print("\nconference benchmark")
        for k, v in rows:
            print(f"  {k:<{width}}  {v}")
        return 0
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
