"""Uneven links for the end-to-end tests: halls behind capped, lossy links in network namespaces.

A NetLab makes one namespace for the gateway side, "dc-gw-<pid>-<n>", and one per impaired hall,
"dc-hall-<pid>-<k>". Each hall is joined to the gateway side by its own veth pair created
directly between the two namespaces, so nothing is added to the machine's own interfaces,
routes or firewall:

    gateway namespace                          hall namespace k
    lo 127.0.0.1 (gateway, clean halls)
    vh<k> 10.77.k.1/30  <------ veth ------>   vgw 10.77.k.2/30 (the impaired hall)
      downlink: tbf (and netem) egress           uplink: tbf (and netem) egress
      uplink loss: nftables ingress              downlink loss: nftables ingress

Caps are tbf qdiscs on the sending side of each direction (tc qdisc replace, so they change at
run time without losing the queue); lift_uplink() / lift_downlink() remove them. A cap counts
Ethernet frames and holds the hall's signaling (WebSocket) as well as its media. Being the
sender's own qdisc, it slows TCP by backpressure rather than loss, and UDP it drops silently
(a socket with IP_RECVERR would see ENOBUFS). Loss is a
random drop (nftables numgen) where the packets arrive, in a netdev table of the receiving
namespace bound to the veth device: senders see nothing of it, as on a real lossy link. Only
IPv4 packets are dropped (ARP is left alone). Everything is removed when the NetLab closes: on
leaving the with-block (also on an exception), at exit, and on SIGTERM or SIGINT; namespaces left
by an earlier run that was killed outright (their pid is gone) are removed when a NetLab starts.

Use in a test (the gateway in the gateway namespace, one hall behind a 600 kbit/s link):

    from netns import NetLab

    with NetLab() as lab:
        hall = lab.add_hall()            # hall.gateway_address 10.77.1.1, hall.address 10.77.1.2
        # the gateway's [gateway] group, with every hall added before the gateway starts:
        #   listen-address=0.0.0.0       (or hall.gateway_address; it logs
        #                                 "Halls connect to: ws://0.0.0.0:PORT/ws")
        #   allow-insecure-public=true   (no TLS on a non-loopback address; nothing outside
        #                                 the namespaces can reach it)
        #   ice-addresses=127.0.0.1;10.77.1.1      (lab.ice_addresses())
        # (tests/e2e/conference.py writes 127.0.0.1 for both: replace those two lines)
        gateway = lab.gateway.popen([gateway_exe, "--config", config], stdout=log, stderr=log)
        clean = lab.gateway.popen([client, "--headless", "--server", f"ws://127.0.0.1:{port}/ws",
                                   "--ice-address", "127.0.0.1", ...])
        uneven = hall.namespace.popen([client, "--headless",
                                       "--server", f"ws://{hall.gateway_address}:{port}/ws",
                                       "--ice-address", hall.address, ...])
        hall.set_uplink(600)             # kbit/s, hall -> gateway
        hall.set_loss(uplink=5)          # percent; later set_loss(uplink=20), set_loss(uplink=0)
        hall.lift_uplink()               # the cap lifted

The test process itself stays in the machine's namespace: it cannot reach 127.0.0.1 of the
gateway namespace directly. Either run the probe there (namespace.run / popen) or take a
socket made inside it with namespace.socket() (the gateway's log line "Halls connect to:" is
also a fine readiness signal). Processes started with popen() are killed if the test process
dies (setpriv --pdeathsig: the kernel sends it when the thread that started the process ends,
so start them from the main thread or pass die_with_parent=False) and are ended by the NetLab
when it closes.

Delay and jitter need the kernel's sch_netem. Where it is missing (tc says "Specified qdisc kind
is unknown"), set_uplink()/set_downlink() with delay_ms or jitter_ms raise NetemUnavailable and
change nothing; lab.netem_available() tells beforehand. Where it exists, netem is the root qdisc
and the tbf cap its child.

Needs root, iproute2 (ip, tc), nftables (nft) and util-linux (setpriv).
"""
import atexit
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

PREFIX = "dc"
SUBNET = "10.77"
HALL_DEVICE = "vgw"            # the veth end in a hall namespace
COMMAND_TIMEOUT = 15           # seconds for one ip/tc/nft command
STOP_TIMEOUT = 5.0             # seconds a process gets between SIGTERM and SIGKILL
MAX_HALLS = 250
_NAME_RE = re.compile(r"^%s-(?:gw|hall)-(\d+)(?:-\d+)+$" % PREFIX)
_CLONE_NEWNET = 0x40000000


class NetLabError(RuntimeError):
    """An ip, tc or nft command failed."""


class NetemUnavailable(NetLabError):
    """Delay or jitter was asked for but the kernel has no sch_netem."""


def _run(args, timeout=COMMAND_TIMEOUT, check=True, input=None):
    try:
        p = subprocess.run(args, input=input, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise NetLabError("%s: no answer within %d s" % (" ".join(args), timeout)) from e
    if check and p.returncode != 0:
        raise NetLabError("%s: %s" % (" ".join(args), (p.stderr or p.stdout).strip()))
    return p


def list_namespaces():
    """Names of the machine's named network namespaces (ip netns list)."""
    out = _run(["ip", "netns", "list"]).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def _namespace_pids(name):
    p = _run(["ip", "netns", "pids", name], check=False)
    return [int(x) for x in p.stdout.split() if x.isdigit()] if p.returncode == 0 else []


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_pids(pids, timeout=STOP_TIMEOUT):
    """SIGTERM, then SIGKILL after timeout; bounded."""
    pids = [p for p in pids if p != os.getpid()]
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 2.0)):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait
        while pids and time.monotonic() < deadline:
            for pid in list(pids):
                try:  # reap our own children; others vanish by themselves
                    done, _ = os.waitpid(pid, os.WNOHANG)
                    if done:
                        pids.remove(pid)
                        continue
                except ChildProcessError:
                    pass
                if not _alive(pid):
                    pids.remove(pid)
            time.sleep(0.05)
        if not pids:
            return


def _start_time(pid):
    """When process pid started (seconds since the epoch), or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/stat") as f:
            btime = next(int(line.split()[1]) for line in f if line.startswith("btime"))
        return btime + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, StopIteration, ValueError, IndexError):
        return None


def _delete_namespace(name):
    """Ends the processes inside, removes the veth ends and the name; bounded."""
    _kill_pids(_namespace_pids(name))
    links = _run(["ip", "-n", name, "-o", "link", "show", "type", "veth"], check=False).stdout
    for line in links.splitlines():
        dev = line.split(":")[1].strip().split("@")[0]
        _run(["ip", "-n", name, "link", "del", dev], check=False)
    _run(["ip", "netns", "del", name], check=False)


def remove_stale():
    """Removes namespaces named like ours whose process is gone (or whose pid was reused by a
    process started after the namespace). Returns their names."""
    removed = []
    for name in list_namespaces():
        m = _NAME_RE.match(name)
        if not m:
            continue
        pid = int(m.group(1))
        if pid == os.getpid():
            continue
        if _alive(pid):
            try:
                created = os.stat(os.path.join("/run/netns", name)).st_mtime
            except OSError:
                continue
            started = _start_time(pid)
            if started is None or started <= created + 1.0:
                continue  # its owner still runs
        _delete_namespace(name)
        removed.append(name)
    return removed


class Namespace:
    """A network namespace of a NetLab, with lo up."""

    def __init__(self, lab, name):
        self.lab = lab
        self.name = name

    def __repr__(self):
        return "Namespace(%r)" % self.name

    def command(self, args, die_with_parent=True):
        """args prefixed to run inside this namespace."""
        prefix = ["ip", "netns", "exec", self.name]
        if die_with_parent:
            prefix += ["setpriv", "--pdeathsig", "KILL", "--"]
        return prefix + [str(a) for a in args]

    def popen(self, args, die_with_parent=True, **kwargs):
        """Starts args inside this namespace; returns the subprocess.Popen (its pid is the
        program's: ip and setpriv exec it). The NetLab ends it when it closes if it still runs."""
        p = subprocess.Popen(self.command(args, die_with_parent), **kwargs)
        self.lab._processes.append(p)
        return p

    def run(self, args, timeout=60, **kwargs):
        """Runs args inside this namespace to the end (subprocess.run, bounded by timeout)."""
        return subprocess.run(self.command(args), timeout=timeout, **kwargs)

    def socket(self, family=socket.AF_INET, type=socket.SOCK_DGRAM, proto=0):
        """A socket created inside this namespace (it stays there: bind, connect and send
        work on this namespace's addresses), for the test process's own probes."""
        result = {}

        def make():
            try:
                libc = ctypes.CDLL(None, use_errno=True)
                with open(os.path.join("/run/netns", self.name)) as f:
                    if libc.setns(f.fileno(), _CLONE_NEWNET) != 0:
                        raise OSError(ctypes.get_errno(), "setns into " + self.name)
                result["socket"] = socket.socket(family, type, proto)
            except BaseException as e:  # handed to the caller
                result["error"] = e

        # setns changes only the calling thread, which ends right after making the socket.
        t = threading.Thread(target=make, name="netns-socket")
        t.start()
        t.join(COMMAND_TIMEOUT)
        if "error" in result:
            raise result["error"]
        if "socket" not in result:
            raise NetLabError("no socket made in " + self.name)
        return result["socket"]

    def ip(self, *args, check=True):
        return _run(["ip", "-n", self.name, *args], check=check)

    def tc(self, *args, check=True):
        return _run(["tc", "-n", self.name, *args], check=check)

    def nft(self, script):
        return _run(["ip", "netns", "exec", self.name, "nft", "-f", "-"], input=script)


class Hall:
    """One impaired hall: its namespace, its veth link to the gateway namespace, its shaping.

    address: the hall's address (10.77.k.2), for its --ice-address.
    gateway_address: the gateway side of its link (10.77.k.1), for --server and ice-addresses.
    uplink / downlink: the current shaping of each direction (a dict, or None when uncapped).
    loss: the current loss in percent, {"uplink": p, "downlink": p}.
    """

    def __init__(self, lab, index, namespace):
        self.lab = lab
        self.index = index
        self.namespace = namespace
        self.device = HALL_DEVICE
        self.gateway_device = "vh%d" % index
        self.address = "%s.%d.2" % (SUBNET, index)
        self.gateway_address = "%s.%d.1" % (SUBNET, index)
        self.uplink = None
        self.downlink = None
        self.loss = {"uplink": 0.0, "downlink": 0.0}

    def __repr__(self):
        return "Hall(%s, %s)" % (self.namespace.name, self.address)

    def _link_end(self, direction):
        if direction == "uplink":
            return self.namespace, self.device
        return self.lab.gateway, self.gateway_device

    def set_uplink(self, rate_kbit, burst_bytes=None, latency_ms=100, delay_ms=0, jitter_ms=0):
        """Caps hall -> gateway at rate_kbit (Ethernet frames, as tbf counts), with a bucket of
        burst_bytes (default 20 ms of the rate, at least two frames) and at most latency_ms of
        queue; delay_ms/jitter_ms need netem. rate_kbit None with a delay: delay only."""
        self._shape("uplink", rate_kbit, burst_bytes, latency_ms, delay_ms, jitter_ms)

    def set_downlink(self, rate_kbit, burst_bytes=None, latency_ms=100, delay_ms=0, jitter_ms=0):
        """Caps gateway -> hall, as set_uplink."""
        self._shape("downlink", rate_kbit, burst_bytes, latency_ms, delay_ms, jitter_ms)

    def lift_uplink(self):
        self._lift("uplink")

    def lift_downlink(self):
        self._lift("downlink")

    def lift(self):
        """Lifts both caps and all loss."""
        self.lift_uplink()
        self.lift_downlink()
        self.set_loss(uplink=0, downlink=0)

    def _shape(self, direction, rate_kbit, burst_bytes, latency_ms, delay_ms, jitter_ms):
        if rate_kbit is None and not (delay_ms or jitter_ms):
            self._lift(direction)
            return
        if rate_kbit is not None and rate_kbit <= 0:
            raise ValueError("rate_kbit must be positive")
        if jitter_ms and not delay_ms:
            raise ValueError("jitter_ms needs delay_ms")
        if (delay_ms or jitter_ms) and not self.lab.netem_available():
            raise NetemUnavailable(
                "delay and jitter need the kernel's sch_netem, which this kernel lacks "
                "(tc: Specified qdisc kind is unknown); only rate caps and loss are available")
        ns, dev = self._link_end(direction)
        tbf = []
        if rate_kbit is not None:
            burst = burst_bytes or max(3028, int(rate_kbit * 1000 / 8 / 50))
            tbf = ["tbf", "rate", "%dkbit" % rate_kbit, "burst", str(burst),
                   "latency", "%dms" % latency_ms]
        layout = ("netem" if delay_ms else "tbf", bool(tbf))
        current = getattr(self, direction)
        if current is not None and current["layout"] != layout:
            ns.tc("qdisc", "del", "dev", dev, "root", check=False)
        if delay_ms:
            netem = ["netem", "delay", "%dms" % delay_ms] + (["%dms" % jitter_ms] if jitter_ms else [])
            ns.tc("qdisc", "replace", "dev", dev, "root", "handle", "1:", *netem)
            if tbf:
                ns.tc("qdisc", "replace", "dev", dev, "parent", "1:1", "handle", "10:", *tbf)
        else:
            ns.tc("qdisc", "replace", "dev", dev, "root", "handle", "1:", *tbf)
        setattr(self, direction, {"rate_kbit": rate_kbit, "burst_bytes": tbf and int(tbf[4]),
                                  "latency_ms": latency_ms, "delay_ms": delay_ms,
                                  "jitter_ms": jitter_ms, "layout": layout})

    def _lift(self, direction):
        ns, dev = self._link_end(direction)
        if getattr(self, direction) is not None:
            ns.tc("qdisc", "del", "dev", dev, "root")
        setattr(self, direction, None)

    def _loss_table(self, direction):
        """Loss is applied where the packets arrive: (namespace, table, device)."""
        if direction == "downlink":
            return self.namespace, "dc_loss", self.device
        return self.lab.gateway, "dc_loss_h%d" % self.index, self.gateway_device

    def set_loss(self, uplink=None, downlink=None):
        """Random loss in percent (0..100, steps of 0.01) per direction; None leaves a direction
        as it is, 0 removes its loss. Changes at run time in one nft transaction."""
        for direction, percent in (("uplink", uplink), ("downlink", downlink)):
            if percent is None:
                continue
            if not 0 <= percent <= 100:
                raise ValueError("loss must be 0..100 percent")
            ns, table, dev = self._loss_table(direction)
            script = "table netdev %s {}\ndelete table netdev %s\n" % (table, table)
            if percent > 0:
                script += ("table netdev %s {\n chain %s {\n  type filter hook ingress device "
                           "\"%s\" priority 0; policy accept;\n  meta protocol ip numgen random "
                           "mod 10000 < %d drop\n }\n}\n"
                           % (table, direction, dev, round(percent * 100)))
            ns.nft(script)
            self.loss[direction] = float(percent)


_labs = set()
_labs_lock = threading.Lock()
_handlers_installed = False
_serial = [0, 0]   # labs, halls made by this process


def close_all():
    """Closes every NetLab of this process (atexit and the signal handlers call it)."""
    with _labs_lock:
        labs = list(_labs)
    for lab in labs:
        lab.close()


def _on_signal(signum, frame):
    if _closing[0]:
        _pending.append(signum)  # a close is under way in this thread: let it finish first
        return
    close_all()
    previous = _previous_handlers.get(signum, signal.SIG_DFL)
    signal.signal(signum, previous)
    if callable(previous):
        previous(signum, frame)
    elif previous == signal.SIG_DFL:
        os.kill(os.getpid(), signum)


_previous_handlers = {}
_closing = [0]     # closes under way
_pending = []      # signals that came during one


def _install_handlers():
    global _handlers_installed
    if _handlers_installed:
        return
    _handlers_installed = True
    atexit.register(close_all)
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread; atexit still holds
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if previous is _on_signal or previous == signal.SIG_IGN:
            continue
        _previous_handlers[sig] = previous if previous is not None else signal.SIG_DFL
        signal.signal(sig, _on_signal)


class NetLab:
    """The gateway namespace and the halls' namespaces of one test; a context manager.

    gateway: the gateway side's Namespace (lo up, one veth end per hall).
    halls: the Halls added, in order.
    """

    def __init__(self):
        if os.geteuid() != 0:
            raise NetLabError("network namespaces need root")
        self.removed_stale = remove_stale()
        _install_handlers()
        _serial[0] += 1
        self.gateway = None
        self.halls = []
        self._namespaces = []
        self._processes = []
        self._netem = None
        self._closed = False
        with _labs_lock:
            _labs.add(self)
        try:
            self.gateway = self._add_namespace("%s-gw-%d-%d" % (PREFIX, os.getpid(), _serial[0]))
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _add_namespace(self, name):
        _run(["ip", "netns", "add", name])
        ns = Namespace(self, name)
        self._namespaces.append(ns)
        ns.ip("link", "set", "lo", "up")
        return ns

    @property
    def namespace_names(self):
        return [ns.name for ns in self._namespaces]

    def add_hall(self):
        """A new hall namespace linked to the gateway namespace by a veth pair; no cap, no loss."""
        if self._closed:
            raise NetLabError("the NetLab is closed")
        if len(self.halls) >= MAX_HALLS:
            raise NetLabError("at most %d halls" % MAX_HALLS)
        _serial[1] += 1
        index = len(self.halls) + 1
        ns = self._add_namespace("%s-hall-%d-%d" % (PREFIX, os.getpid(), _serial[1]))
        hall = Hall(self, index, ns)
        _run(["ip", "link", "add", hall.gateway_device, "netns", self.gateway.name, "type", "veth",
              "peer", "name", hall.device, "netns", ns.name])
        self.halls.append(hall)
        for side, dev, addr in ((self.gateway, hall.gateway_device, hall.gateway_address),
                                (ns, hall.device, hall.address)):
            # No IPv6 on the link: its chatter would count against the caps.
            _run(["ip", "netns", "exec", side.name, "sysctl", "-q", "-w",
                  "net.ipv6.conf.%s.disable_ipv6=1" % dev], check=False)
            side.ip("addr", "add", addr + "/30", "dev", dev)
            side.ip("link", "set", dev, "up")
        return hall

    def ice_addresses(self):
        """The gateway's ice-addresses value: its loopback and its end of every hall's link."""
        return ";".join(["127.0.0.1"] + [h.gateway_address for h in self.halls])

    def netem_available(self):
        """Whether the kernel has sch_netem (tried once on the gateway namespace's lo)."""
        if self._netem is None:
            p = self.gateway.tc("qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms",
                                check=False)
            self._netem = p.returncode == 0
            if self._netem:
                self.gateway.tc("qdisc", "del", "dev", "lo", "root", check=False)
        return self._netem

    def close(self):
        """Ends the processes started in the namespaces and removes every namespace, veth and
        table of this NetLab. Safe to call again; never raises for what is already gone."""
        if self._closed:
            return
        self._closed = True
        _closing[0] += 1
        problems = []
        try:
            alive = [p for p in self._processes if p.poll() is None]
            _kill_pids([p.pid for p in alive])
            for p in alive:
                try:
                    p.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    problems.append("pid %d did not end" % p.pid)
            for hall in self.halls:
                _run(["ip", "-n", self.gateway.name, "link", "del", hall.gateway_device],
                     check=False)
            for ns in reversed(self._namespaces):
                _delete_namespace(ns.name)
            left = set(self.namespace_names) & set(list_namespaces())
            if left:
                problems.append("namespaces left: " + ", ".join(sorted(left)))
        except Exception as e:  # report, never mask what the test raised
            problems.append(str(e))
        finally:
            with _labs_lock:
                _labs.discard(self)
            _closing[0] -= 1
        if problems:
            print("netns: cleanup: " + "; ".join(problems), file=sys.stderr)
        if _pending and not _closing[0]:
            _on_signal(_pending.pop(0), None)
