"""Helpers to run the client window under Xvfb and read its test-mode output and screenshots."""
import os
import queue
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import conference  # noqa: E402


class Xvfb:
    def __init__(self, size="1280x800x24"):
        r, w = os.pipe()
        self.process = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", size,
                                         "-nolisten", "tcp"], pass_fds=[w],
                                        stderr=subprocess.DEVNULL)
        os.close(w)
        with os.fdopen(r) as f:
            self.display = ":" + f.readline().strip()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Window:
    """The client window in kiosk and test mode; its stdout lines are collected."""

    def __init__(self, client, conf, site_index, display, workdir, extra=()):
        site_id, _, _, tone, colour = conference.SITES[site_index]
        # dccalls: the chair panel logs what its call buttons show (window-calls.c).
        env = dict(os.environ, DISPLAY=display, LANG="C", XDG_CONFIG_HOME=workdir,
                   GST_DEBUG=os.environ.get("GST_DEBUG", "dcengine:4,dccalls:4"))
        env.pop("LANGUAGE", None)
        env.pop("LC_ALL", None)
        self.log_path = os.path.join(workdir, "window.log")
        self.stderr = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [client, "--server", conf.url, "--site", site_id, "--token-file",
             conf.tokens[site_id], "--fullscreen", "--test-mode", "--test-tone", str(tone),
             "--test-color", colour, "--ice-address", "127.0.0.1", *extra],
            stdout=subprocess.PIPE, stderr=self.stderr, env=env, text=True, encoding="utf-8")
        self.lines = []
        self.queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            self.queue.put(line)

    def wait_for(self, predicate, timeout):
        """Waits for a new line matching predicate; returns it or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.queue.get(timeout=max(0.05, deadline - time.time()))
            except queue.Empty:
                break
            if predicate(line):
                return line
        return None

    def log(self):
        """The window's stderr (its GStreamer debug log) so far."""
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_for_log(self, text, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log():
                return True
            time.sleep(0.1)
        return False

    def last(self, prefix):
        for line in reversed(self.lines):
            if line.startswith(prefix):
                return line
        return None

    def layout(self):
        """canvas (w, h) and tiles {site: (x, y, w, h)} from the newest layout printed."""
        start = max(i for i, l in enumerate(self.lines) if l.startswith("canvas "))
        cw, ch = (int(v) for v in self.lines[start].split()[1:3])
        tiles = {}
        for line in self.lines[start + 1:]:
            if not line.startswith("tile "):
                break
            parts = line.split()
            tiles[parts[1]] = tuple(int(v) for v in parts[2:6])
        return (cw, ch), tiles

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def screenshot(display, path):
    subprocess.run(["import", "-display", display, "-window", "root", path], check=True)
    raw = subprocess.run(["convert", path, "-depth", "8", "rgb:-"], check=True,
                         stdout=subprocess.PIPE).stdout
    size = subprocess.run(["identify", "-format", "%w %h", path], check=True,
                          stdout=subprocess.PIPE, text=True).stdout.split()
    return int(size[0]), int(size[1]), raw


def pixel_average(shot, x, y, half=3):
    w, h, raw = shot
    total = [0, 0, 0]
    n = 0
    for yy in range(max(0, y - half), min(h, y + half + 1)):
        for xx in range(max(0, x - half), min(w, x + half + 1)):
            i = (yy * w + xx) * 3
            for c in range(3):
                total[c] += raw[i + c]
            n += 1
    return "".join(f"{v // n:02x}" for v in total)


def tile_centre_on_screen(video_area, canvas, tile):
    """gtksink keeps the aspect ratio: the picture is centred in the widget, letterboxed."""
    vx, vy, vw, vh = video_area
    cw, ch = canvas
    scale = min(vw / cw, vh / ch)
    ox = vx + (vw - cw * scale) / 2
    oy = vy + (vh - ch * scale) / 2
    tx, ty, tw, th = tile
    # A bit above the centre: the tile's name label sits at its bottom.
    return int(ox + (tx + tw / 2) * scale), int(oy + (ty + th * 0.4) * scale)
