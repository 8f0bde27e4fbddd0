#!/usr/bin/env python3
"""Join/leave soak: one site stays while others join and leave CYCLES times in total (two at a
time, each staying a few seconds with media). Prints the gateway's open file descriptors, threads
and RSS every 10 cycles; a leak shows as a steady climb. Bounded in count and time; loopback only.
Usage: soak-join-leave.py GATEWAY CLIENT [CYCLES]
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import conference as conf  # noqa: E402

GATEWAY, CLIENT = sys.argv[1], sys.argv[2]
CYCLES = int(sys.argv[3]) if len(sys.argv) > 3 else 100
TIME_LIMIT_S = 1200


def gateway_figures(pid):
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
    return fds, int(status["Threads"]), int(status["VmRSS"].split()[0]) // 1024


def main():
    c = conf.Conference(GATEWAY, width=320, height=180, framerate=10, bitrate=200)
    c.start()
    pid = c.process.pid
    keeper = conf.start_site(CLIENT, c, 0, TIME_LIMIT_S)
    time.sleep(3)
    print(f"{'cycles':>6} {'fds':>5} {'threads':>7} {'rss_mb':>6}")
    base = gateway_figures(pid)
    print(f"{0:>6} {base[0]:>5} {base[1]:>7} {base[2]:>6}")
    started = time.time()
    done = 0
    failures = 0
    rows = [base]
    while done < CYCLES and time.time() - started < TIME_LIMIT_S:
        pair = [conf.start_site(CLIENT, c, 1 + (done + k) % 9, 2) for k in range(2)]
        failures += sum(1 for p in pair if p.wait(timeout=60) != 0)
        done += len(pair)
        if done % 10 == 0:
            time.sleep(1.5)  # let teardown threads finish before counting
            row = gateway_figures(pid)
            rows.append(row)
            print(f"{done:>6} {row[0]:>5} {row[1]:>7} {row[2]:>6}", flush=True)
    keeper.terminate()
    keeper.wait(timeout=30)
    alive = c.process.poll() is None
    c.stop()
    first, last = rows[1] if len(rows) > 1 else base, rows[-1]
    print(f"cycles={done} failed_joins={failures} gateway_alive={alive} "
          f"fds {first[0]}->{last[0]} threads {first[1]}->{last[1]} rss_mb {first[2]}->{last[2]}")


if __name__ == "__main__":
    main()
