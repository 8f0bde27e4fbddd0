#!/usr/bin/env python3
"""A paced UDP sender and a counting receiver for measuring an emulated link (stdlib only).

  udp_probe.py recv ADDRESS [--max-seconds S] [--idle S]
      binds ADDRESS on a free port, prints "ready PORT", counts datagrams until none came for
      --idle seconds after the first (or --max-seconds in all), then prints one JSON line.
  udp_probe.py send ADDRESS PORT --rate-kbit R --size B (--seconds S | --count N)
      sends numbered datagrams of B payload bytes paced to R kbit/s counted in Ethernet frames
      (payload + 42 bytes of UDP, IPv4 and Ethernet headers: what tbf counts), prints one JSON line.
"""
import argparse
import json
import socket
import struct
import sys
import time

FRAME_OVERHEAD = 42  # UDP 8 + IPv4 20 + Ethernet 14
MAX_PACKETS = 1_000_000
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # Linux


def set_receive_buffer(s, size):
    """SO_RCVBUFFORCE (root, above net.core.rmem_max), else SO_RCVBUF."""
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, size)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)


def receive(address, max_seconds, idle):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        set_receive_buffer(s, 4 << 20)
        s.bind((address, 0))
        print("ready", s.getsockname()[1], flush=True)
        seen = set()
        packets = frame_bytes = 0
        first = last = None
        start = time.monotonic()
        while packets < MAX_PACKETS:
            now = time.monotonic()
            if now - start > max_seconds or (last is not None and now - last > idle):
                break
            wait = idle if last is None else idle - (now - last)
            s.settimeout(max(0.01, min(wait, max_seconds - (now - start))))
            try:
                data = s.recv(65536)
            except socket.timeout:
                continue
            last = time.monotonic()
            if first is None:
                first = last
            packets += 1
            frame_bytes += len(data) + FRAME_OVERHEAD
            if len(data) >= 4:
                seen.add(struct.unpack_from("!I", data)[0])
        span = (last - first) if first is not None else 0.0
        return {"packets": packets, "distinct": len(seen), "frame_bytes": frame_bytes,
                "span": span,
                "kbit_per_s": frame_bytes * 8 / span / 1000 if span > 0 else 0.0}


def send(address, port, rate_kbit, size, seconds, count):
    interval = (size + FRAME_OVERHEAD) * 8 / (rate_kbit * 1000)
    total = count if count else int(seconds / interval)
    total = min(total, MAX_PACKETS)
    payload = bytearray(size)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        start = time.monotonic()
        for seq in range(total):
            delay = start + seq * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            struct.pack_into("!I", payload, 0, seq)
            s.sendto(payload, (address, port))
        elapsed = time.monotonic() - start
    return {"sent": total, "frame_bytes": total * (size + FRAME_OVERHEAD), "elapsed": elapsed,
            "kbit_per_s": total * (size + FRAME_OVERHEAD) * 8 / elapsed / 1000 if elapsed else 0}


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("recv")
    r.add_argument("address")
    r.add_argument("--max-seconds", type=float, default=15.0)
    r.add_argument("--idle", type=float, default=1.0)
    t = sub.add_parser("send")
    t.add_argument("address")
    t.add_argument("port", type=int)
    t.add_argument("--rate-kbit", type=float, required=True)
    t.add_argument("--size", type=int, default=1000)
    t.add_argument("--seconds", type=float, default=3.0)
    t.add_argument("--count", type=int, default=0)
    a = parser.parse_args()
    if a.mode == "recv":
        result = receive(a.address, a.max_seconds, a.idle)
    else:
        result = send(a.address, a.port, a.rate_kbit, a.size, a.seconds, a.count)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
