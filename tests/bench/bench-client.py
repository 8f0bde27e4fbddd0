"""Client window cost: CPU and peak RSS of the window while it receives the gateway's 1280x720
composition and sends 640x360, beside a baseline measured in the same run: gst-launch-1.0
decoding and showing a 1280x720 VP8 stream of the same frame rate (made first, not timed) in a
gtksink. Both under the same Xvfb. Target: window / baseline <= 1.5 (CPU).
Usage: bench-client.py GATEWAY CLIENT [SECONDS]"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "client"))
from window_harness import Window, Xvfb, conference  # noqa: E402

FPS = 15


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(pid, seconds):
    start = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - start) / seconds * 100, peak_rss_mib(pid)


def baseline(display, seconds, workdir):
    stream = os.path.join(workdir, "composition.webm")
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "pattern=smpte", f"num-buffers={FPS * (seconds + 5)}",
                    "!", f"video/x-raw,width=1280,height=720,framerate={FPS}/1", "!", "vp8enc",
                    "deadline=1", "cpu-used=16", "target-bitrate=1500000", "!", "webmmux", "!",
                    "filesink", f"location={stream}"], check=True)
    env = dict(os.environ, DISPLAY=display)
    p = subprocess.Popen(["gst-launch-1.0", "-q", "filesrc", f"location={stream}", "!",
                          "matroskademux", "!", "vp8dec", "!", "videoconvert", "!", "gtksink"],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    result = measure(p.pid, seconds)
    p.terminate()
    p.wait()
    return result


def main():
    gateway, client = sys.argv[1], sys.argv[2]
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    workdir = tempfile.mkdtemp(prefix="dc-bench-client-")
    xvfb = Xvfb()
    conf = conference.Conference(gateway, width=1280, height=720, framerate=FPS, bitrate=1500)
    sites, window = [], None
    try:
        conf.start()
        sites = [conference.start_site(client, conf, i, seconds + 60) for i in (1, 2)]
        window = Window(client, conf, 0, xvfb.display, workdir)
        if window.wait_for(lambda l: l == "state connected", 30) is None:
            raise RuntimeError("the window did not connect")
        time.sleep(3)
        win_cpu, win_rss = measure(window.process.pid, seconds)
    finally:
        if window is not None:
            window.stop()
        for s in sites:
            s.terminate()
            s.wait()
        conf.stop()
    base_cpu, base_rss = baseline(xvfb.display, seconds, workdir)
    xvfb.stop()
    print(f"window:   CPU {win_cpu:6.1f} %  peak RSS {win_rss:6.1f} MiB "
          f"(receives 1280x720 at {FPS} fps, sends 640x360)")
    print(f"baseline: CPU {base_cpu:6.1f} %  peak RSS {base_rss:6.1f} MiB "
          f"(gst-launch: decode 1280x720 VP8 at {FPS} fps into gtksink)")
    ratio = win_cpu / base_cpu if base_cpu > 0 else float("inf")
    print(f"CPU ratio window/baseline: {ratio:.2f} (target <= 1.5)")
    print(f"RSS ratio window/baseline: {win_rss / base_rss:.2f}")


if __name__ == "__main__":
    main()
