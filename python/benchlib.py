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
        "affinityCores": len(os.sched_getaffinity(0)),
        "defaultStartMethod": multiprocessing.get_start_method(),
        "switchIntervalS": sys.getswitchinterval(),
        "loadAvgAtStart": list(load) if load else None,
    }
