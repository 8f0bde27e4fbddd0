#!/usr/bin/env python3
"""What a hall PC pays to be in a call: diemcau-client against Debian's Chromium.

One gateway on loopback and two headless sites make the call. A third site joins it twice, one
after the other, each time for the same 30 s: first diemcau-client (headless, test tone and colour,
decoding the composition), then headless Chromium through the gateway's page (fake camera and
microphone, playing the composition). For each: CPU seconds (user + system) and peak RSS over
the 30 s, Chromium summed over its whole process tree; the gateway's CPU over the same window.
Usage: bench-browser.py GATEWAY CLIENT [SECONDS]
"""
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import conference as conf  # noqa: E402

GATEWAY, CLIENT = sys.argv[1], sys.argv[2]
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
JOINER = 3  # tx-pho-yen
TICK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
DRIVER = os.path.join(HERE, "..", "browser", "join-page.mjs")


def children_map():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def tree(root, skip_root=False):
    kids, out, todo = children_map(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += kids.get(pid, [])
    return out[1:] if skip_root else out


def cpu_and_rss(pids):
    """CPU seconds so far and resident bytes now, summed over pids (gone ones count zero)."""
    cpu = rss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / TICK
        rss += int(fields[21]) * PAGE_SIZE
    return cpu, rss


def pss(pid):
    """Proportional set size: shared pages split among their users, so a tree's sum is fair."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def prime(root, skip_root):
    """CPU counters at the start of the window, so work done while joining is not counted."""
    return {pid: cpu_and_rss([pid])[0] for pid in tree(root, skip_root)}


def run_client(c):
    site_id, _, _, tone, colour = conf.SITES[JOINER]
    proc = subprocess.Popen(
        [CLIENT, "--headless", "--server", c.url, "--site", site_id, "--token-file",
         c.tokens[site_id], "--test-tone", str(tone), "--test-color", colour,
         "--video-size", "640x360", "--duration", str(SECONDS + 8), "--ice-address", "127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4)  # joined and media flowing
    result = window(proc.pid, c.process.pid, skip_root=False)
    proc.wait(timeout=30)
    return result


def run_chromium(c):
    site_id = conf.SITES[JOINER][0]
    with open(c.tokens[site_id], encoding="utf-8") as f:
        token = f.read().strip()
    node = subprocess.Popen(
        ["node", DRIVER, "--url", f"http://127.0.0.1:{c.port}/", "--site", site_id,
         "--token", token, "--hold", str(SECONDS + 4), "--bench"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = node.stdout.readline().strip()
    if line != "connected":
        node.kill()
        raise RuntimeError(f"Chromium did not join the call (driver said {line!r})")
    time.sleep(2)
    # The tree below node is Chromium: browser, renderer, GPU (software), network, audio...
    result = window(node.pid, c.process.pid, skip_root=True)
    node.wait(timeout=60)
    return result


def window(root, gateway_pid, skip_root):
    """CPU seconds of the tree over SECONDS, peaks of its summed RSS and PSS, gateway CPU."""
    start = prime(root, skip_root)
    g0, _ = cpu_and_rss([gateway_pid])
    peak = peak_pss = 0
    end = time.time() + SECONDS
    seen = dict(start)
    last = {}
    while time.time() < end:
        pids = tree(root, skip_root)
        rss_sum = pss_sum = 0
        for pid in pids:
            cpu, rss = cpu_and_rss([pid])
            seen.setdefault(pid, 0.0)  # started inside the window: all its CPU is in it
            last[pid] = cpu
            rss_sum += rss
            pss_sum += pss(pid)
        peak = max(peak, rss_sum)
        peak_pss = max(peak_pss, pss_sum)
        time.sleep(0.25)
    g1, _ = cpu_and_rss([gateway_pid])
    cpu = sum(last[p] - seen[p] for p in last)
    return cpu, peak, peak_pss, g1 - g0


def main():
    c = conf.Conference(GATEWAY, width=640, height=360, framerate=15)
    c.start()
    sites = [conf.start_site(CLIENT, c, i, 3 * SECONDS + 60) for i in (0, 1)]
    try:
        time.sleep(3)
        client = run_client(c)
        time.sleep(3)
        chromium = run_chromium(c)
    finally:
        for p in sites:
            p.terminate()
            p.wait(timeout=15)
        c.stop()
        shutil.rmtree(c.dir, ignore_errors=True)
    print(f"One site in a 3-site call on loopback, 640x360 at 15 fps, over {SECONDS:.0f} s:")
    print(f"{'joined by':<34}{'CPU s':>8}{'CPU %':>8}{'peak RSS MiB':>14}{'peak PSS MiB':>14}"
          f"{'gateway CPU s':>15}")
    for name, (cpu, peak, peak_pss, gateway_cpu) in (
            ("diemcau-client --headless", client), ("Chromium headless (process tree)", chromium)):
        print(f"{name:<34}{cpu:>8.2f}{100 * cpu / SECONDS:>8.1f}{peak / 2**20:>14.1f}"
              f"{peak_pss / 2**20:>14.1f}{gateway_cpu:>15.2f}")
    print("RSS sums count pages shared between processes once per process; PSS splits them.")
    if client[0] <= 0 or chromium[0] <= 0:
        sys.exit("a joiner used no CPU: it was not in the call")


if __name__ == "__main__":
    main()
