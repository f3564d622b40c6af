"""Helpers shared by calibrate.py and bench/python/harness.py.

They live in python/, beside calibrate.py, because `task-advisor calibrate`
runs calibrate.py wherever the CLI is installed, and the Docker image does
not ship bench/.

Everything a pool worker may need to call lives in an importable module (this
one or bench/python/workloads.py) rather than in a __main__ script: with the spawn and
forkserver start methods the children import functions by module name, and
a function defined only in the script that was run would be re-imported as
__mp_main__, which works but re-runs the script's top level in every child.
"""

import multiprocessing
import os
import platform
import statistics
import sys
import time

# --------------------------------------------------------------------------
# The calibrated pure-Python CPU loop.
#
# Every "~N ms of CPU" in the benchmarks is spin(iterations) with the
# iteration count derived from a timing taken at start-up on this machine, so
# that the work really takes the intended time here rather than on the
# machine the code was written on. The count is passed to the tasks as an
# argument, so children never need to calibrate (and cannot disagree).
# --------------------------------------------------------------------------


def spin(n):
    """Pure-Python integer loop: holds the GIL for its whole duration."""
    x = 0
    for i in range(n):
        # The modulo keeps x a small int, so the cost per iteration is
        # constant and does not drift as a big int would.
        x = (x + i * 7) % 1000003
    return x


def calibrate_spin(probe_ms=20.0, reps=15, warm_ms=400.0):
    """Return iterations of spin() per millisecond on this machine.

    A first rough probe sizes the loop to ~probe_ms, then the median of
    `reps` timings of that size gives the rate. The median, not the minimum,
    because the tasks will run under the same noise as the calibration, and
    the minimum would make every task systematically longer than intended.
    """
    if warm_ms:
        warm_up(warm_ms)
    n = 20000
    while True:
        t0 = time.perf_counter()
        spin(n)
        dt = (time.perf_counter() - t0) * 1000
        if dt > 2.0:
            break
        n *= 2
    n = max(1000, int(n * probe_ms / dt))
    rates = []
    for _ in range(reps):
        t0 = time.perf_counter()
        spin(n)
        dt = (time.perf_counter() - t0) * 1000
        rates.append(n / dt)
    return statistics.median(rates)


def warm_up(ms=400.0):
    """Spin for a while before any timing.

    On this (virtualized, shared) machine the first few hundred ms of a
    CPU-bound loop run measurably slower than later ones (frequency ramp,
    cold caches); calibrating during that window made "50 ms" tasks take
    ~40 ms afterwards.
    """
    t_end = time.perf_counter() + ms / 1000.0
    while time.perf_counter() < t_end:
        spin(10000)


def iters_for_ms(iters_per_ms, ms):
    return max(1, int(round(iters_per_ms * ms)))


def burn_until(stop, cpu):
    """Keep one core busy (pinned to `cpu`) until the event is set."""
    os.sched_setaffinity(0, {cpu})
    while not stop.is_set():
        spin(20000)


def noop(x=None):
    """A task that does nothing, to expose pure pool overhead."""
    return x


def payload_len(data):
    return len(data)


_bytes_cache = {}


def make_bytes_cached(n):
    """Return an n-byte object without creating it per call, so the timing
    shows only the cost of sending it back."""
    b = _bytes_cache.get(n)
    if b is None:
        b = _bytes_cache[n] = b"\x00" * n
    return b


def median(xs):
    return statistics.median(xs)


def rnd(x, nd=3):
    """Round for the JSON; None passes through."""
    return None if x is None else round(float(x), nd)


def proc_cpu_ms(pid):
    """User+system CPU of another process, from /proc (Linux only).

    Needed to see whether the pool workers or the parent bears a cost:
    time.process_time() only covers the calling process. Resolution is one
    clock tick (usually 10 ms), so callers must measure long enough batches.
    """
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    # The command name (field 2) may contain spaces; parse after its ')'.
    fields = data[data.rindex(")") + 2:].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) * 1000.0 / os.sysconf("SC_CLK_TCK")


def allowed_cpus():
    """The CPUs this process may run on (taskset, cgroup cpusets); PyPy has no os.sched_getaffinity."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Cpus_allowed_list:"):
                    cpus = []
                    for part in line.split(":", 1)[1].strip().split(","):
                        lo, _, hi = part.partition("-")
                        cpus.extend(range(int(lo), int(hi or lo) + 1))
                    return cpus
    except OSError:
        pass
    return list(range(os.cpu_count() or 1))


def available_cores():
    return len(allowed_cpus())


def runtime_name():
    """The advisor's name for the interpreter running this script."""
    return "pypy" if platform.python_implementation() == "PyPy" else "cpython"


def machine_info():
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpuCount": os.cpu_count(),
        "affinityCores": available_cores(),
        "defaultStartMethod": multiprocessing.get_start_method(),
        "switchIntervalS": sys.getswitchinterval(),
        "loadAvgAtStart": list(load) if load else None,
    }


# --------------------------------------------------------------------------
# Foreign load: other programs' CPU on this machine while a run is timed.
#
# The machine is shared: other programs' tests take the cores at any moment, and a run that lost a core to
# them measures them, not the pool. /proc/stat counts every CPU's busy time; /proc/self/stat our own (its
# children's once they are reaped, as pool workers are at shutdown) and /proc/<pid>/stat that of helpers we
# keep running (the HTTP server). The difference is somebody else's.
# --------------------------------------------------------------------------

_TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 10.0

# A run is disturbed when others took more than this share of the machine's CPU time during it, and more
# than FOREIGN_MIN_MS in all (a few clock ticks of 10 ms are sampling noise, not load).
FOREIGN_SHARE = 0.15
FOREIGN_MIN_MS = 40.0


def _machine_busy_ticks(cpus):
    """Busy ticks of the CPUs we may run on (under taskset -c 0, load on the other core is no one's concern)."""
    names = {f"cpu{c}" for c in cpus}
    busy = 0
    with open("/proc/stat") as f:
        for line in f:
            parts = line.split()
            if parts and parts[0] in names:
                fields = [int(x) for x in parts[1:]]
                # user nice system idle iowait irq softirq steal ...: busy is all but idle, iowait and steal.
                busy += fields[0] + fields[1] + fields[2] + fields[5] + fields[6]
    return busy


def _proc_ticks(path, with_children):
    with open(path) as f:
        data = f.read()
    fields = data[data.rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])
    if with_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks


class ForeignLoad:
    """Snapshot before a run; `foreign_ms()` after it gives the CPU others used meanwhile (None without /proc)."""

    def __init__(self, helper_pids=()):
        self.helper_pids = list(helper_pids)
        self.cpus = allowed_cpus()
        self.start = self._sample()

    def _sample(self):
        try:
            own = _proc_ticks("/proc/self/stat", True)
            own += sum(_proc_ticks(f"/proc/{pid}/stat", False) for pid in self.helper_pids)
            return _machine_busy_ticks(self.cpus), own
        except (OSError, ValueError, IndexError):
            return None

    def foreign_ms(self):
        end = self._sample()
        if self.start is None or end is None:
            return None
        return max(0.0, ((end[0] - self.start[0]) - (end[1] - self.start[1])) * _TICK_MS)


def disturbed(foreign_ms, wall_ms, cores):
    return (foreign_ms is not None and foreign_ms > FOREIGN_MIN_MS
            and foreign_ms > FOREIGN_SHARE * wall_ms * cores)


def wait_for_quiet(max_s, probe_s=0.5):
    """Wait until others leave our cores alone for one probe (or max_s passes); returns the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < max_s:
        probe = ForeignLoad()
        time.sleep(probe_s)
        if not disturbed(probe.foreign_ms(), probe_s * 1000.0, available_cores()):
            break
    return time.perf_counter() - t0


def runqueue_ms():
    """How long this thread has waited for a CPU while runnable (Linux schedstat), or None.

    Time others take from a sequential run makes its wall time exceed its CPU time, which would read as the
    task's wait; the profile subtracts this instead.
    """
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[1]) / 1e6
    except (OSError, ValueError, IndexError):
        return None
