"""Tiny stdlib-only signal checks for the SIP endpoint tests.

- ``read_wav(path)``: samples of a 16-bit PCM WAV as floats in [-1, 1]
  (first channel only), tolerant of a header whose sizes were never
  finalised (baresip's sndfile writes the real sizes only on sf_close, so a
  process killed mid-call leaves "data size 0").
- ``tone_levels(path, freqs, start, duration)``: Goertzel power of each
  frequency relative to the total power of the window, in dB (0 dB means the
  whole signal is that one tone; a missing tone is far below, e.g. -40 dB).
- ``tone_report(...)``: the same plus the overall RMS level in dBFS, handy
  for asserting "440 Hz present, 880 Hz absent, and not silence".
- ``png_pixel(path, x, y)``: (r, g, b) of one pixel of an 8-bit PNG
  (baresip's snapshot module writes 8-bit RGB, non-interlaced).
"""

import math
import struct
import wave
import zlib
from array import array

FLOOR_DB = -120.0


def _parse_riff(path):
    """Return (rate, channels, sampwidth, raw_pcm) by walking RIFF chunks.

    Used instead of ``wave`` only so that a truncated / unfinalised data
    chunk is read up to the end of the file instead of as empty.
    """
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise ValueError("%s: not a RIFF/WAVE file" % path)
    pos, fmt = 12, None
    while pos + 8 <= len(blob):
        cid, size = blob[pos:pos + 4], struct.unpack("<I", blob[pos + 4:pos + 8])[0]
        body = pos + 8
        if cid == b"fmt ":
            tag, ch, rate, _, _, bits = struct.unpack("<HHIIHH", blob[body:body + 16])
            if tag not in (1, 0xFFFE):
                raise ValueError("%s: not PCM (format tag %d)" % (path, tag))
            fmt = (rate, ch, bits // 8)
        elif cid == b"data":
            if fmt is None:
                raise ValueError("%s: data chunk before fmt chunk" % path)
            end = len(blob) if size in (0, 0xFFFFFFFF) else min(len(blob), body + size)
            return fmt + (blob[body:end],)
        pos = body + size + (size & 1)
    raise ValueError("%s: no data chunk" % path)


def read_wav(path):
    """Return (sample_rate, [float samples of channel 0])."""
    rate, ch, width, raw = _parse_riff(path)
    if width != 2:
        # Fall back to the stdlib for anything unusual (it raises clearly).
        with wave.open(path, "rb") as w:
            raise ValueError("%s: only 16-bit PCM supported, got %d-bit"
                             % (path, 8 * w.getsampwidth()))
    pcm = array("h")
    pcm.frombytes(raw[:len(raw) - len(raw) % (2 * ch)])
    if struct.pack("=H", 1) != struct.pack("<H", 1):
        pcm.byteswap()
    return rate, [s / 32768.0 for s in pcm[::ch]]


def write_tone_wav(path, freq, seconds=10.0, rate=8000, amplitude=0.5):
    """Write a mono 16-bit sine WAV (e.g. as linphonec's microphone)."""
    n = int(seconds * rate)
    pcm = array("h", (int(amplitude * 32767 * math.sin(2 * math.pi * freq * i / rate))
                      for i in range(n)))
    if struct.pack("=H", 1) != struct.pack("<H", 1):
        pcm.byteswap()
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def goertzel_power(samples, rate, freq):
    """Power of ``freq`` in ``samples`` (same scale as mean square * N/2)."""
    n = len(samples)
    if n == 0:
        return 0.0
    k = round(n * freq / rate)  # nearest DFT bin avoids leakage from rounding
    w = 2.0 * math.pi * k / n
    coeff = 2.0 * math.cos(w)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    return (s1 * s1 + s2 * s2 - coeff * s1 * s2) * 2.0 / n


def _db(ratio):
    return 10.0 * math.log10(ratio) if ratio > 0 else FLOOR_DB


def window(samples, rate, start=0.0, duration=None):
    """Slice [start, start+duration) seconds (None = to the end)."""
    a = int(start * rate)
    b = len(samples) if duration is None else a + int(duration * rate)
    return samples[a:b]


def tone_levels(path, freqs, start=1.0, duration=None):
    """{freq: dB of that tone's power relative to the window's total power}.

    ``start`` defaults to 1 s to skip jitter-buffer / codec start-up.
    """
    rate, samples = read_wav(path)
    seg = window(samples, rate, start, duration)
    total = sum(x * x for x in seg) or 1e-30
    return {f: _db(goertzel_power(seg, rate, f) / total) for f in freqs}


def tone_report(path, freqs, start=1.0, duration=None):
    """Dict with 'rate', 'seconds', 'rms_dbfs' and 'levels' (see tone_levels)."""
    rate, samples = read_wav(path)
    seg = window(samples, rate, start, duration)
    ms = sum(x * x for x in seg) / len(seg) if seg else 0.0
    total = ms * len(seg) or 1e-30
    return {
        "rate": rate,
        "seconds": len(samples) / float(rate),
        "rms_dbfs": _db(ms * 2.0),  # +3 dB so a full-scale sine reads 0 dBFS
        "levels": {f: _db(goertzel_power(seg, rate, f) / total) for f in freqs},
    }


def assert_tone(path, present, absent=(), min_db=-3.0, max_absent_db=-20.0,
                min_margin_db=20.0, min_rms_dbfs=-50.0, start=1.0,
                duration=None):
    """Raise AssertionError unless ``present`` holds most of the power
    (>= ``min_db`` of total), each ``absent`` tone is <= ``max_absent_db``
    and at least ``min_margin_db`` below ``present``, and the window is not
    silence. Returns the report."""
    rep = tone_report(path, [present] + list(absent), start, duration)
    lv = rep["levels"]
    problems = []
    if rep["rms_dbfs"] < min_rms_dbfs:
        problems.append("near silence (%.1f dBFS)" % rep["rms_dbfs"])
    if lv[present] < min_db:
        problems.append("%g Hz only %.1f dB of total" % (present, lv[present]))
    for f in absent:
        if lv[f] > max_absent_db or lv[present] - lv[f] < min_margin_db:
            problems.append("%g Hz present at %.1f dB" % (f, lv[f]))
    if problems:
        raise AssertionError("%s: %s" % (path, "; ".join(problems)))
    return rep


# --------------------------------------------------------------------------
# PNG (8-bit greyscale/RGB/RGBA, non-interlaced) -- enough for snapshots
# --------------------------------------------------------------------------

_PNG_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def _png_chunks(blob):
    if blob[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos = 8
    while pos + 8 <= len(blob):
        size, ctype = struct.unpack(">I4s", blob[pos:pos + 8])
        yield ctype, blob[pos + 8:pos + 8 + size]
        pos += 12 + size


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter_row(ftype, row, prev, bpp):
    out = bytearray(row)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = (0, a, b, (a + b) // 2, _paeth(a, b, c))[ftype]
        out[i] = (out[i] + pred) & 0xFF
    return out


def png_decode(path, max_rows=None):
    """Return (width, height, channels, rows) with rows as bytearrays.

    Pure Python unfiltering is slow (~1 s for 640x360), so callers that
    need one pixel pass ``max_rows`` to stop early."""
    with open(path, "rb") as f:
        blob = f.read()
    idat, hdr = b"", None
    for ctype, data in _png_chunks(blob):
        if ctype == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", data)
        elif ctype == b"IDAT":
            idat += data
    width, height, depth, ctype, _, _, interlace = hdr
    if depth != 8 or interlace or ctype not in _PNG_CHANNELS:
        raise ValueError("%s: unsupported PNG (depth %d, type %d, interlace %d)"
                         % (path, depth, ctype, interlace))
    bpp = _PNG_CHANNELS[ctype]
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height if max_rows is None else min(height, max_rows)):
        base = y * (stride + 1)
        prev = _unfilter_row(raw[base], raw[base + 1:base + 1 + stride], prev, bpp)
        rows.append(prev)
    return width, height, bpp, rows


def png_pixel(path, x=None, y=None):
    """(r, g, b) at (x, y); default is the centre pixel."""
    width, height, _, _ = png_decode(path, max_rows=0)
    x = width // 2 if x is None else x
    y = height // 2 if y is None else y
    _, _, bpp, rows = png_decode(path, max_rows=y + 1)
    px = rows[y][x * bpp:(x + 1) * bpp]
    return (px[0],) * 3 if bpp < 3 else tuple(px[:3])


def colour_close(rgb, expected, tolerance=40):
    """True if every channel is within ``tolerance`` (YUV 4:2:0 + H.264
    turn pure red 255,0,0 into roughly 234,14,15)."""
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected))
