#!/usr/bin/env python3
"""Self-test of netns.py: caps, loss and cleanup measured with real UDP traffic between the
namespaces. Needs root, iproute2 and nftables; exits 77 (skipped) without them. About 25 s."""
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import netns  # noqa: E402
import udp_probe  # noqa: E402

PROBE = os.path.join(HERE, "udp_probe.py")
SEND_KBIT = 2000      # what the sender offers
CAP_KBIT = 600        # the hall's uplink cap
RATE_TOLERANCE = 0.15
LOSS_PACKETS = 2000


def say(text):
    print("    " + text, flush=True)


def read_line(stream, timeout):
    """One line from a pipe, waiting at most timeout seconds."""
    with selectors.DefaultSelector() as sel:
        sel.register(stream, selectors.EVENT_READ)
        if not sel.select(timeout):
            raise AssertionError("no line within %.0f s" % timeout)
    return stream.readline()


def measure(receiver_ns, sender_ns, address, kbit, seconds=0.0, count=0, size=1000):
    """Sends from sender_ns to address in receiver_ns; returns (sent, received) reports."""
    recv = receiver_ns.popen([sys.executable, PROBE, "recv", address, "--idle", "0.5",
                              "--max-seconds", str(seconds + 15)],
                             stdout=subprocess.PIPE, text=True)
    try:
        ready = read_line(recv.stdout, 10).split()
        assert ready and ready[0] == "ready", ready
        args = [sys.executable, PROBE, "send", address, ready[1], "--rate-kbit", str(kbit),
                "--size", str(size)]
        args += ["--count", str(count)] if count else ["--seconds", str(seconds)]
        sent = sender_ns.run(args, timeout=seconds + 20, capture_output=True, text=True,
                             check=True)
        received = recv.communicate(timeout=seconds + 20)[0]
        return json.loads(sent.stdout), json.loads(received.splitlines()[-1])
    finally:
        if recv.poll() is None:
            recv.kill()
            recv.wait()


def gone(pid):
    """No such process, or only its zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def veths_in_root():
    out = subprocess.run(["ip", "-o", "link", "show", "type", "veth"], capture_output=True,
                         text=True, check=True).stdout
    return [line.split(":")[1].strip().split("@")[0] for line in out.splitlines()]


CHILD = r"""
import json, sys, time
sys.path.insert(0, %r)
import netns
lab = netns.NetLab()
hall = lab.add_hall()
hall.set_uplink(600)
hall.set_downlink(900)
hall.set_loss(uplink=5, downlink=5)
pids = [hall.namespace.popen(["sleep", "60"]).pid, lab.gateway.popen(["sleep", "60"]).pid,
        hall.namespace.popen(["sleep", "60"], die_with_parent=False).pid]
print(json.dumps({"names": lab.namespace_names, "pids": pids}), flush=True)
with lab:
    time.sleep(30)
""" % HERE


class NetLabSelfTest(unittest.TestCase):

    def start_child(self):
        child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE,
                                 text=True)
        self.addCleanup(child.stdout.close)
        self.addCleanup(lambda: child.poll() is None and (child.kill(), child.wait()))
        info = json.loads(read_line(child.stdout, 20))
        for name in info["names"]:
            self.assertIn(name, netns.list_namespaces())
        return child, info

    def assert_nothing_left(self, names, pids=()):
        left = set(names) & set(netns.list_namespaces())
        self.assertFalse(left, "namespaces left: %s" % left)
        self.assertFalse({"vgw"} & set(veths_in_root()) or
                         [v for v in veths_in_root() if v.startswith("vh")],
                         "a veth end reached the machine's namespace")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not all(gone(p) for p in pids):
            time.sleep(0.05)
        self.assertEqual([p for p in pids if not gone(p)], [], "processes left")

    def test_1_rate_cap(self):
        with netns.NetLab() as lab:
            hall = lab.add_hall()
            say("%s %s <-> %s %s" % (lab.gateway.name, hall.gateway_address,
                                     hall.namespace.name, hall.address))
            hall.set_uplink(CAP_KBIT)
            sent, got = measure(lab.gateway, hall.namespace, hall.gateway_address, SEND_KBIT, 3)
            say("uplink capped at %d kbit/s: sent %.0f kbit/s, received %.0f kbit/s "
                "(%d of %d packets over %.2f s)" % (CAP_KBIT, sent["kbit_per_s"],
                                                    got["kbit_per_s"], got["packets"],
                                                    sent["sent"], got["span"]))
            self.assertAlmostEqual(got["kbit_per_s"], CAP_KBIT, delta=CAP_KBIT * RATE_TOLERANCE)

            hall.set_uplink(2 * CAP_KBIT)  # changed in place
            sent, got = measure(lab.gateway, hall.namespace, hall.gateway_address, SEND_KBIT, 2)
            say("uplink cap changed to %d kbit/s: received %.0f kbit/s"
                % (2 * CAP_KBIT, got["kbit_per_s"]))
            self.assertAlmostEqual(got["kbit_per_s"], 2 * CAP_KBIT,
                                   delta=2 * CAP_KBIT * RATE_TOLERANCE)

            hall.lift_uplink()
            sent, got = measure(lab.gateway, hall.namespace, hall.gateway_address, SEND_KBIT, 3)
            say("uplink cap lifted: sent %.0f kbit/s, received %.0f kbit/s (%d of %d packets)"
                % (sent["kbit_per_s"], got["kbit_per_s"], got["packets"], sent["sent"]))
            self.assertAlmostEqual(got["kbit_per_s"], sent["kbit_per_s"],
                                   delta=sent["kbit_per_s"] * RATE_TOLERANCE)
            self.assertGreaterEqual(got["packets"], sent["sent"] * 0.99)

            hall.set_downlink(1000)
            sent, got = measure(hall.namespace, lab.gateway, hall.address, SEND_KBIT, 2)
            say("downlink capped at 1000 kbit/s: received %.0f kbit/s" % got["kbit_per_s"])
            self.assertAlmostEqual(got["kbit_per_s"], 1000, delta=1000 * RATE_TOLERANCE)

    def test_2_loss(self):
        with netns.NetLab() as lab:
            hall = lab.add_hall()
            for direction, percent, band in (("uplink", 5, (3, 7)), ("uplink", 20, (16, 24)),
                                             ("downlink", 20, (16, 24))):
                hall.set_loss(**{direction: percent})
                if direction == "uplink":
                    lost = self.uplink_loss(lab, hall)
                else:
                    sent, got = measure(hall.namespace, lab.gateway, hall.address, 4000,
                                        count=LOSS_PACKETS, size=200)
                    lost = 100.0 * (sent["sent"] - got["distinct"]) / sent["sent"]
                say("%s loss set to %d %%: %.2f %% of %d packets lost"
                    % (direction, percent, lost, LOSS_PACKETS))
                self.assertTrue(band[0] <= lost <= band[1], "%.2f %% lost" % lost)
                hall.set_loss(**{direction: 0})

    def uplink_loss(self, lab, hall):
        """Received in this process through a socket made in the gateway namespace."""
        with lab.gateway.socket() as s:
            udp_probe.set_receive_buffer(s, 4 << 20)
            s.bind((hall.gateway_address, 0))
            s.settimeout(0.5)
            port = s.getsockname()[1]
            sender = hall.namespace.popen([sys.executable, PROBE, "send", hall.gateway_address,
                                           str(port), "--rate-kbit", "4000", "--size", "200",
                                           "--count", str(LOSS_PACKETS)],
                                          stdout=subprocess.PIPE, text=True)
            seen = set()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and len(seen) < LOSS_PACKETS:
                try:
                    seen.add(int.from_bytes(s.recv(2048)[:4], "big"))
                except TimeoutError:
                    if sender.poll() is not None:
                        break
            sent = json.loads(sender.communicate(timeout=10)[0])
        return 100.0 * (sent["sent"] - len(seen)) / sent["sent"]

    def test_3_cleanup_on_exit(self):
        with netns.NetLab() as lab:
            hall = lab.add_hall()
            lab.add_hall()
            self.assertEqual(lab.ice_addresses(), "127.0.0.1;10.77.1.1;10.77.2.1")
            hall.set_uplink(600)
            hall.set_loss(uplink=5)
            sleeper = hall.namespace.popen(["sleep", "60"])
            names = lab.namespace_names
            self.assertTrue(set(names) <= set(netns.list_namespaces()))
        self.assert_nothing_left(names, [sleeper.pid])
        say("after the with-block: none of %s left" % ", ".join(names))

        with self.assertRaises(ZeroDivisionError):
            with netns.NetLab() as lab:
                lab.add_hall()
                names = lab.namespace_names
                1 / 0
        self.assert_nothing_left(names)
        say("after an exception in the with-block: none of %s left" % ", ".join(names))

    def test_4_sigterm(self):
        child, info = self.start_child()
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=20)
        self.assertEqual(child.returncode, -signal.SIGTERM)
        self.assert_nothing_left(info["names"], info["pids"])
        say("SIGTERM: the child cleaned %s and ended its 3 processes"
            % ", ".join(info["names"]))

    def test_5_stale_after_sigkill(self):
        child, info = self.start_child()
        child.kill()
        child.wait(timeout=10)
        self.assertTrue(set(info["names"]) <= set(netns.list_namespaces()))
        time.sleep(0.2)
        self.assertFalse(gone(info["pids"][2]), "the process started without pdeathsig ended")
        netns.remove_stale()  # a parallel run's remove_stale() may have taken some already
        self.assert_nothing_left(info["names"], info["pids"])
        say("SIGKILL: the next start removed %s and the process left inside"
            % ", ".join(info["names"]))

    def test_6_delay(self):
        with netns.NetLab() as lab:
            hall = lab.add_hall()
            hall.set_uplink(600)
            if lab.netem_available():
                hall.set_uplink(600, delay_ms=50, jitter_ms=10)
                rtt = self.ping(hall)
                say("netem: uplink delay 50 ms, ping %.1f ms" % rtt)
                self.assertGreater(rtt, 35)
                hall.set_uplink(600)
                say("netem: delay removed, ping %.1f ms" % self.ping(hall))
                return
            with self.assertRaises(netns.NetemUnavailable) as raised:
                hall.set_downlink(None, delay_ms=50)
            qdisc = hall.namespace.tc("qdisc", "show", "dev", hall.device).stdout
            self.assertIn("tbf", qdisc)  # the cap it had is untouched
            say("no sch_netem: delay refused: %s" % raised.exception)

    def ping(self, hall, count=5):
        """Median round trip in ms of a UDP datagram hall -> gateway -> hall, both ends
        sockets made in the namespaces."""
        with hall.namespace.socket() as near, hall.lab.gateway.socket() as far:
            far.bind((hall.gateway_address, 0))
            near.bind((hall.address, 0))
            near.settimeout(2)
            far.settimeout(2)
            rtts = []
            for i in range(count):
                start = time.monotonic()
                near.sendto(bytes([i]), far.getsockname())
                data, peer = far.recvfrom(16)
                far.sendto(data, peer)
                near.recv(16)
                rtts.append((time.monotonic() - start) * 1000)
        return sorted(rtts)[len(rtts) // 2]


def main():
    if os.geteuid() != 0 or not all(shutil.which(t) for t in ("ip", "tc", "nft", "setpriv")):
        print("skipped: needs root, ip, tc, nft and setpriv")
        return 77
    result = unittest.main(verbosity=2, exit=False).result
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
