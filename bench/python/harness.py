#!/usr/bin/env python3
"""Run real workloads on real pools and record what each execution model took.

    python3 bench/python/harness.py [--out FILE] [--case ID]... [--quick]
                                    [--repeat R] [--list]

For every case: a sequential loop, ThreadPoolExecutor(k), ProcessPoolExecutor(p)
(fresh pool per run, creation and shutdown inside the timing) and a hybrid
(p processes each with a k-thread pool); where tasks wait, also asyncio (one
event loop, k tasks in flight) and a hybrid of p processes each running a loop. Each configuration runs --repeat
times (default 3; 1 with --quick) and the median wall time is kept.
Writes bench/python/results.json by default. Standard library only.
"""

import argparse
import datetime
import json
import math
import multiprocessing
import os
import pickle
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# benchlib is shared with python/calibrate.py, which the CLI ships and runs.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import benchlib  # noqa: E402
import workloads as W  # noqa: E402
from benchlib import median, rnd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MiB = 1 << 20

# The advisor computes the process-pool chunksize with exactly this rule; the
# harness must use the same one or it would score a configuration the
# advisor never recommends. A chunk also carries at most 1 MiB of payload:
# python/calibrate.py measured 0.75 ms/MiB for 1 MiB messages and 2.7 for 8 MiB ones.
TARGET_CHUNK_MS = 50.0
MAX_CHUNK_PAYLOAD_BYTES = 1 << 20

# A configuration slower than HOPELESS_FACTOR x round 1's best and longer than HOPELESS_MIN_MS runs once
# only: it cannot be a best run, and repeating it would push the sweep past its time budget.
HOPELESS_FACTOR = 2.5
HOPELESS_MIN_MS = 2000.0

# A run that other programs disturbed (benchlib.disturbed: they took more than 15% of our cores' time during
# it) is run again, at most this many more times; the least disturbed attempt is kept and its foreign load
# recorded, so a run on a machine that stays busy still ends. (Under load the profile suffers too: time others
# take from the sequential run reads as wait.)
MAX_RETRIES = 3
# Runs longer than this are not retried: they are far from any case's best (chunksize 1 on 100,000 tasks),
# and retrying them would cost more time than a whole case.
RETRY_MAX_MS = 3000.0
# Before each case, and before retrying a disturbed run, wait (at most this long) for a moment when others
# leave our cores alone: retrying at once would mostly meet the same burst of their work.
QUIET_WAIT_S = 15.0
RETRY_QUIET_WAIT_S = 3.0
# The vCPU's own speed moves too, by more than the 10-20% drift the per-case loop timing absorbs: on 2026-12-01
# one configuration of one case ran 1,546 ms and then 924 ms (4 threads of pure-Python CPU, on one core), which
# no other program's CPU in /proc/stat explains. A short spin probe before and after each run compares the
# loop's speed with the case's; a run where it moved more than this share is treated as disturbed.
SPEED_DRIFT = 0.2

# Tasks run and discarded before the first timing, for at most this long: CPython warms its caches, PyPy's
# JIT compiles the task (a cold first task read 30-40% high), so the profile comes from warm samples.
WARM_UP_MS = 300.0
WARM_UP_MAX_TASKS = 3000

# The cases PyPy and the 1-core runs measure (--set core): one of each kind of work, so that each runtime's
# sweep takes a few minutes. http needs no second runtime to show what sleep shows.
CORE_CASES = (
    "pure-cpu-32x50ms", "pure-cpu-3x100ms", "startup-4x10ms", "hash-big-32x30ms", "json-32x30ms",
    "sleep-200x20ms", "mixed-60x(20cpu+40sleep)", "tiny-100000x5us", "small-2000x0.5ms",
    "payload-in-32x2MiB+20ms",
)


def rule_chunksize(tasks, processes, per_task_ms, payload_bytes=0):
    per_task_ms = max(per_task_ms, 1e-9)
    by_payload = max(1, MAX_CHUNK_PAYLOAD_BYTES // payload_bytes) if payload_bytes > 0 else tasks
    size = max(1, min(math.ceil(tasks / (4 * processes)),
                      math.ceil(TARGET_CHUNK_MS / per_task_ms),
                      by_payload))
    # As many rounds, in chunks that share out evenly: 32 tasks in chunks of 3 leave a process 17.
    rounds = math.ceil(tasks / (processes * size))
    return max(1, tasks // (processes * rounds))


def measured_costs(calibrator, runtime, log):
    """This machine's costs as the advisor takes them in a profile. The shared machine's speed changes between
    hosts (17,705 spin iterations per ms on 2026-11-28, 8,079 on 12-01), and its recorded defaults came from one
    of them: a run scored with another's costs measures the costs' drift as much as the model."""
    t0 = time.perf_counter()
    out = subprocess.run(f"{calibrator} --runtime {runtime} --json", shell=True, capture_output=True,
                         text=True, timeout=300, check=True)
    log(f"[harness] calibrated {runtime} costs in {time.perf_counter() - t0:.1f}s")
    return json.loads(out.stdout)


def advised_plan(advisor, profile):
    """The advisor's recommended plan for a profile, from `advisor` (a command reading JSON on stdin)."""
    if not advisor:
        return None
    out = subprocess.run(advisor, shell=True, input=json.dumps(profile), capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(out.stdout)


# --------------------------------------------------------------------------
# Execution models. Each returns (wall ms, parent CPU ms, results).
# Pool creation and shutdown are inside the timed region on purpose: the
# question is "how long does the batch take if I do it this way", and a
# short batch cannot amortize a pool it has to create.
# --------------------------------------------------------------------------


def _timed(body):
    c0, t0 = time.process_time(), time.perf_counter()
    results = body()
    return ((time.perf_counter() - t0) * 1000.0,
            (time.process_time() - c0) * 1000.0, results)


def cpu_speed(reference_rate):
    """The spin loop's speed now against `reference_rate` (the case's): a 5 ms probe, median of 3."""
    return benchlib.calibrate_spin(probe_ms=5.0, reps=3, warm_ms=0) / reference_rate


def undisturbed(run, helper_pids=(), reference_rate=None):
    """run() -> (wall, cpu, results), repeated while other programs disturbed it or the CPU's speed moved (at
    most MAX_RETRIES more times). Returns the least disturbed attempt, the CPU others used during it (ms), the
    loop's speed around it against the case's (the further of the two probes from 1; None unprobed) and the
    attempts made."""
    cores = benchlib.available_cores()
    best = None
    for attempt in range(1 + MAX_RETRIES):
        probe = benchlib.ForeignLoad(helper_pids)
        before = cpu_speed(reference_rate) if reference_rate else None
        w, c, res = run()
        foreign = probe.foreign_ms()
        after = cpu_speed(reference_rate) if reference_rate else None
        speed = None if before is None else max(before, after, key=lambda r: abs(r - 1.0))
        steady = speed is None or abs(speed - 1.0) <= SPEED_DRIFT
        ok = steady and not benchlib.disturbed(foreign, w, cores)
        # Prefer a steady attempt, then the one others disturbed least.
        rank = (not steady, foreign or 0.0)
        if best is None or rank < best[0]:
            best = (rank, (w, c, res, foreign, speed))
        if w > RETRY_MAX_MS or ok:
            break
        # A machine that stays busy past the wait will not be quiet for a retry either.
        if attempt == MAX_RETRIES or benchlib.wait_for_quiet(RETRY_QUIET_WAIT_S) >= RETRY_QUIET_WAIT_S:
            break
    return best[1] + (attempt + 1,)


def run_sequential(fn, args):
    return _timed(lambda: [fn(a) for a in args])


def queued_sequential(fn, args):
    """run_sequential, with the ms it spent waiting for a CPU (0 where the kernel does not say)."""
    q0 = benchlib.runqueue_ms()
    w, c, res = run_sequential(fn, args)
    q1 = benchlib.runqueue_ms()
    return w, c, (res, 0.0 if q0 is None or q1 is None else q1 - q0)


def run_threads(fn, args, k):
    def body():
        with ThreadPoolExecutor(max_workers=k) as ex:
            return list(ex.map(fn, args))
    return _timed(body)


def run_processes(fn, args, p, chunksize):
    def body():
        with ProcessPoolExecutor(max_workers=p) as ex:
            return list(ex.map(fn, args, chunksize=chunksize))
    return _timed(body)


def hybrid_layout(tasks, p, k):
    """Chunks for the hybrid model: p*m contiguous chunks.

    m (chunks per process) is "a few" (up to 4) for load balancing, but not
    so many that a chunk holds fewer than k tasks: a process runs one chunk
    at a time on its k threads, so a chunk smaller than k would leave
    threads idle and cap concurrency below what was asked for.
    """
    m = max(1, min(4, tasks // (p * k)))
    n_chunks = min(tasks, p * m)
    size = math.ceil(tasks / n_chunks)
    return m, n_chunks, size


def run_async(afn, args, k, offload=False):
    """One event loop, k tasks in flight; with offload each task's CPU goes to a thread per core."""
    cores = benchlib.available_cores()
    return _timed(lambda: W.run_loop(afn, args, k, offload=offload, cores=cores))


def run_hybrid_async(afn, args, p, k):
    """p processes, each running its chunks on an event loop with k tasks in flight."""
    _, _, size = hybrid_layout(len(args), p, k)
    chunks = [args[i:i + size] for i in range(0, len(args), size)]

    def body():
        with ProcessPoolExecutor(max_workers=p) as ex:
            futs = [ex.submit(W.hybrid_async_chunk, (afn, k, c)) for c in chunks]
            out = []
            for f in futs:
                out.extend(f.result())
            return out
    return _timed(body)


def run_hybrid(fn, args, p, k):
    _, _, size = hybrid_layout(len(args), p, k)
    chunks = [args[i:i + size] for i in range(0, len(args), size)]

    def body():
        with ProcessPoolExecutor(max_workers=p) as ex:
            futs = [ex.submit(W.hybrid_chunk, (fn, k, c)) for c in chunks]
            out = []
            for f in futs:
                out.extend(f.result())
            return out
    return _timed(body)


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------


class Case:
    def __init__(self, id, description, fn, args, g, gil_note, threads,
                 hybrid, quick_threads=None, quick_hybrid=None,
                 cpu_part=None, target_cpu_ms=None, target_wait_ms=None,
                 needs_http=False, afn=None, async_in_flight=(), hybrid_async=(),
                 procs=None, max_concurrency=None, seq_sample=None,
                 needs_delay=False):
        self.id = id
        self.description = description
        self.fn = fn
        self.args = args  # a list, or a callable(env) -> list
        self.g = g
        self.gil_note = gil_note
        self.threads = threads
        self.hybrid = hybrid
        self.quick_threads = quick_threads or threads[:1] + threads[-1:]
        self.quick_hybrid = quick_hybrid or hybrid[:1]
        # cpu_part: "same" -> observedParallelism from the sequential and
        # 2-thread runs of the case itself; (fn, args) -> measured apart on
        # the CPU part only; None -> not meaningful (pure waiting).
        self.cpu_part = cpu_part
        self.target_cpu_ms = target_cpu_ms
        self.target_wait_ms = target_wait_ms
        self.needs_http = needs_http
        # The task on an event loop (awaiting its waits), for the asyncio sweep and for an advised async
        # plan; a task that never waits runs its CPU on the loop.
        self.afn = afn or W.AsyncOf(fn)
        self.async_in_flight = list(async_in_flight)
        self.hybrid_async = list(hybrid_async)
        # Process counts to sweep (default 1, 2, 4); [] where processes only hold one wait each.
        self.procs = procs
        # The downstream's limit, stated in the profile; the sweep stays within it.
        self.max_concurrency = max_concurrency
        # Run only this many tasks sequentially, and scale: the whole batch one by one would take minutes.
        self.seq_sample = seq_sample
        self.needs_delay = needs_delay


G_PURE = ("0: pure-Python bytecode holds the GIL throughout; threads can only "
          "interleave it, never run it in parallel.")


def build_cases(it, units):
    """it(ms) -> spin iterations for ~ms of pure-Python CPU on this machine;
    units: measured ms per unit of each native workload."""
    def n_for(ms, ms_per_unit):
        return max(1, round(ms / ms_per_unit))

    io_threads = [2, 4, 8, 16, 32, 64, 128, 256]
    cases = [
        Case("pure-cpu-32x50ms",
             "32 tasks of ~50 ms pure-Python integer loop.",
             W.spin_task, [it(50)] * 32, 0.0, G_PURE,
             threads=[2, 4, 8], hybrid=[2, 4], quick_threads=[2],
             cpu_part="same", target_cpu_ms=50),
        Case("pure-cpu-2x200ms",
             "Few tasks: 2 tasks of ~200 ms pure-Python loop (fewer tasks than "
             "a rule like 'one process per core, chunk by 4' assumes).",
             W.spin_task, [it(200)] * 2, 0.0, G_PURE,
             threads=[2], hybrid=[2], cpu_part="same", target_cpu_ms=200),
        Case("pure-cpu-3x100ms",
             "Few tasks: 3 tasks of ~100 ms on 2 cores - the third task "
             "runs alone, so 2 processes cannot halve the time.",
             W.spin_task, [it(100)] * 3, 0.0, G_PURE,
             threads=[2, 4], hybrid=[2], quick_threads=[2],
             cpu_part="same", target_cpu_ms=100),
        Case("startup-4x10ms",
             "4 tasks of ~10 ms pure Python: so little work that pool "
             "start-up is most of the cost.",
             W.spin_task, [it(10)] * 4, 0.0, G_PURE,
             threads=[2, 4], hybrid=[2], quick_threads=[2],
             cpu_part="same", target_cpu_ms=10),
        Case("skewed-31x5ms+1x300ms",
             "32 tasks: 31 of ~5 ms then one of ~300 ms last. The mean "
             "(~14 ms) hides a straggler that alone bounds the wall time.",
             W.spin_task, [it(5)] * 31 + [it(300)], 0.0, G_PURE,
             threads=[2, 4], hybrid=[2], quick_threads=[2],
             cpu_part="same", target_cpu_ms=(31 * 5 + 300) / 32),
        Case("hash-big-32x30ms",
             "32 tasks: SHA-256 over a 1 MiB buffer built in the task, "
             "updated repeatedly for ~30 ms.",
             W.hash_big_task, [n_for(30, units["hashBigMsPerMiB"])] * 32, 0.97,
             "~0.97: hashlib releases the GIL while hashing any update of "
             ">= 2048 bytes; only the buffer build (a C memset) and a few "
             "bytecodes per 1 MiB update hold it.",
             threads=[2, 4, 8], hybrid=[2, 4], quick_threads=[2],
             cpu_part="same", target_cpu_ms=30),
        Case("hash-small-32x30ms",
             "32 tasks: SHA-256 fed in 1 KiB updates for ~30 ms - same "
             "algorithm as hash-big, but below hashlib's 2048-byte threshold "
             "for releasing the GIL.",
             W.hash_small_task,
             [n_for(30, units["hashSmallMsPerKiB"])] * 32, 0.0,
             "0: hashlib keeps the GIL for updates < 2048 bytes "
             "(HASHLIB_GIL_MINSIZE), and the Python loop around update() "
             "holds it too. Native code, yet no thread parallelism.",
             threads=[2, 4], hybrid=[2, 4], quick_threads=[2],
             cpu_part="same", target_cpu_ms=30),
        Case("zlib-32x30ms",
             "32 tasks: zlib.compress(level 6) of a 64 KiB semi-compressible "
             "block (built once per process), repeated for ~30 ms.",
             W.zlib_task, [n_for(30, units["zlibMsPer64KiB"])] * 32, 0.95,
             "~0.95: zlib.compress releases the GIL around deflate(); the "
             "block is cached per process so its (GIL-holding) construction "
             "is paid once, not per task.",
             threads=[2, 4, 8], hybrid=[2, 4], quick_threads=[2],
             cpu_part="same", target_cpu_ms=30),
        Case("json-32x30ms",
             "32 tasks: json.loads of a ~200 KB document (cached per process) "
             "repeated for ~30 ms.",
             W.json_task, [n_for(30, units["jsonMsPerParse"])] * 32, 0.0,
             "0: the json C accelerator never releases the GIL (it builds "
             "Python objects). 'Native' does not mean 'GIL released'.",
             threads=[2, 4], hybrid=[2], quick_threads=[2],
             cpu_part="same", target_cpu_ms=30),
        Case("sleep-200x20ms",
             "200 tasks of time.sleep(0.02): pure waiting.",
             W.sleep_task, [0.02] * 200, 0.0,
             "0 (irrelevant): there is almost no CPU; the wait itself "
             "releases the GIL and is accounted as waitMsPerTask.",
             threads=io_threads, hybrid=[2, 4, 8, 16, 32],
             quick_threads=[8, 64, 256], quick_hybrid=[32],
             cpu_part=None, target_wait_ms=20,
             afn=W.async_sleep_task, async_in_flight=[100, 200], hybrid_async=[50, 100]),
        Case("http-100x20ms",
             "100 tasks: urllib GET to a loopback ThreadingHTTPServer (in its "
             "own process) whose handler sleeps 20 ms, new connection each.",
             W.http_task, lambda env: [env["url"]] * 100, 0.0,
             "~0: the client-side CPU is urllib/http.client Python code; "
             "socket calls release the GIL but are a small share. The "
             "server's CPU is in another process and counts as wait.",
             threads=[2, 4, 8, 16, 32, 64, 128], hybrid=[2, 4, 8, 16, 32],
             quick_threads=[8, 64], quick_hybrid=[32],
             cpu_part=None, target_wait_ms=20, needs_http=True,
             afn=W.async_http_task, async_in_flight=[100], hybrid_async=[50]),
        Case("mixed-60x(20cpu+40sleep)",
             "60 tasks of ~20 ms pure-Python CPU then a 40 ms sleep.",
             W.mixed_task, [(it(20), 0.04)] * 60, 0.0,
             "0 for the CPU part (pure Python); the sleep releases the GIL "
             "and is the wait.",
             threads=[2, 4, 8, 16, 32], hybrid=[2, 4, 8, 16],
             quick_threads=[4, 32], quick_hybrid=[8],
             cpu_part=(W.spin_task, [it(20)] * 16),
             target_cpu_ms=20, target_wait_ms=40,
             afn=W.async_mixed_task, async_in_flight=[4, 16], hybrid_async=[8, 16]),
        Case("mixed-40x(50cpu+50sleep)",
             "40 tasks of ~50 ms pure-Python CPU then a 50 ms sleep.",
             W.mixed_task, [(it(50), 0.05)] * 40, 0.0,
             "0 for the CPU part (pure Python); the sleep releases the GIL "
             "and is the wait.",
             threads=[2, 4, 8], hybrid=[2, 4, 8],
             quick_threads=[4], quick_hybrid=[4],
             cpu_part=(W.spin_task, [it(50)] * 16),
             target_cpu_ms=50, target_wait_ms=50,
             afn=W.async_mixed_task, async_in_flight=[4], hybrid_async=[4, 8]),
        Case("tiny-100000x5us",
             "100000 tasks of ~5 us pure Python: dispatch overhead dwarfs "
             "the work.",
             W.spin_task, [it(0.005)] * 100000, 0.0, G_PURE,
             threads=[2, 8], hybrid=[2], quick_threads=[2],
             cpu_part="same", target_cpu_ms=0.005),
        Case("small-2000x0.5ms",
             "2000 tasks of ~0.5 ms pure Python.",
             W.spin_task, [it(0.5)] * 2000, 0.0, G_PURE,
             threads=[2, 8], hybrid=[2, 4], quick_threads=[2],
             cpu_part="same", target_cpu_ms=0.5),
        Case("payload-in-32x8MiB",
             "32 tasks each passed its own 8 MiB bytes object made in the "
             "parent; ~1.5 ms CPU; returns (len, crc32 of the first 4 KiB).",
             W.payload_task,
             lambda env: [(bytes([i]) * (8 * MiB), it(1.5)) for i in range(32)],
             0.0,
             "0: the task's own CPU is a pure-Python loop. (Process pools "
             "pay pickling + pipe transfer of 8 MiB per task; threads share "
             "the object for free.)",
             threads=[2, 4, 8], hybrid=[2, 4], quick_threads=[2],
             cpu_part="same", target_cpu_ms=1.5),
        Case("payload-in-32x2MiB+20ms",
             "32 tasks each passed its own 2 MiB bytes object and doing "
             "~20 ms pure-Python CPU.",
             W.payload_task,
             lambda env: [(bytes([i]) * (2 * MiB), it(20)) for i in range(32)],
             0.0, G_PURE,
             threads=[2, 4], hybrid=[2, 4], quick_threads=[2],
             cpu_part="same", target_cpu_ms=20),
        Case("payload-out-32x4MiB+5ms",
             "32 tasks: small argument in, ~5 ms pure-Python CPU, then return "
             "a 4 MiB bytes object built in the task: results are unpickled "
             "by the parent, one at a time.",
             W.return_payload_task, [(4 * MiB, it(5))] * 32, 0.0,
             "0: pure-Python loop plus a C memset (holds the GIL) to build "
             "the result.",
             threads=[2, 4, 8], hybrid=[2], quick_threads=[2],
             cpu_part="same", target_cpu_ms=5),
    ]
    cases += [aio_case(it, *spec) for spec in AIO_CASES]
    return cases


# asyncio against threads: requests to a loopback service that answers after
# a delay (benchlib.serve_delay, its own process), each client thread or loop
# task slot on a persistent connection, at the in-flight limit the profile
# states. Real sockets rather than asyncio.sleep against time.sleep: a sleep
# costs an event loop one timer, while a request costs it a selector
# registration, a read callback and a future, which is the per-task cost that
# decides where one loop stops keeping up; a thread pays its blocking calls
# and a GIL hand-off on every wake. Processes are not swept: each holds one
# wait at a time, so 2,000 waits of 100 ms on 4 of them take 50 s.
# (tasks, delay ms, cpu ms, in-flight limit, threads, asyncio in flight, hybrid per process, sequential sample)
AIO_CASES = [
    (2000, 20, 0, 100, [50, 100], [100], [50], 50),
    (2000, 100, 0, 500, [100, 250, 500], [250, 500], [250], 20),
    (2000, 300, 0, 2000, [256, 1000, 2000], [1000, 2000], [1000], 10),
    (1000, 50, 2, 200, [100, 200], [100, 200], [50, 100], 40),
]


def aio_case(it, tasks, delay_ms, cpu_ms, limit, threads, in_flight, hybrid, sample):
    what = f"{cpu_ms}cpu+{delay_ms}ms" if cpu_ms else f"{delay_ms}ms"
    return Case(f"aio-{tasks}x{what}-limit{limit}",
                f"{tasks} requests to a loopback service that answers after {delay_ms} ms"
                + (f", each after ~{cpu_ms} ms of pure-Python CPU" if cpu_ms else "")
                + f"; the downstream allows {limit} in flight.",
                W.delay_task,
                lambda env: [(env["delay_port"], delay_ms, it(cpu_ms) if cpu_ms else 0)] * tasks,
                0.0,
                "0: the client's CPU is socket calls and (where there is some) a pure-Python loop; "
                "the service's CPU is in another process and counts as wait.",
                threads=threads, hybrid=hybrid, quick_threads=threads[-1:], quick_hybrid=hybrid[-1:],
                cpu_part=None, target_cpu_ms=cpu_ms, target_wait_ms=delay_ms,
                afn=W.async_delay_task, async_in_flight=in_flight, hybrid_async=hybrid,
                procs=[], max_concurrency=limit, seq_sample=sample, needs_delay=True)


# --------------------------------------------------------------------------
# Loopback HTTP server (a separate process, so its CPU is not ours)
# --------------------------------------------------------------------------


def start_http_server():
    parent_conn, child_conn = multiprocessing.Pipe()
    proc = multiprocessing.Process(target=W.serve_http, args=(child_conn,),
                                   daemon=True)
    proc.start()
    port = parent_conn.recv()
    url = f"http://127.0.0.1:{port}/"
    W.http_task(url)  # make sure it answers before any timing
    return proc, url


def stop_http_server(proc):
    proc.terminate()
    proc.join(5)


# --------------------------------------------------------------------------
# Running one case
# --------------------------------------------------------------------------


def payload_bytes_per_task(args, results):
    """Mean pickled size of (args,) plus result, over a sample of tasks.

    Sampled because pickling 100000 tiny tasks would take longer than the
    point deserves; tasks within a case are alike or evenly spread.
    """
    n = len(args)
    idx = sorted(set(range(0, n, max(1, n // 64))) | {n - 1})
    tot = sum(len(pickle.dumps((args[i],))) + len(pickle.dumps(results[i]))
              for i in idx)
    return round(tot / len(idx))


def spread(values):
    """(max - min) / median of the repetitions: how far apart they were."""
    return rnd((max(values) - min(values)) / median(values), 3) if values and median(values) > 0 else None


def make_run(model, p, k, chunk, walls, cpus, repeat, load=None, **extra):
    r = {"model": model, "processes": p, "threadsPerProcess": k,
         "chunkSize": chunk, "wallMs": rnd(median(walls), 2),
         "repeats": [rnd(w, 2) for w in walls],
         "spread": spread(walls),
         "parentCpuMs": rnd(median(cpus), 2)}
    if load:
        # Other programs' CPU (ms) during each kept repetition, and the attempts each took (retried when disturbed).
        r["foreignCpuMs"] = [None if f is None else rnd(f, 0) for f, _, _ in load]
        r["attempts"] = [a for _, a, _ in load]
        # The spin loop's speed around each kept repetition against the case's (SPEED_DRIFT).
        r["cpuSpeedRatio"] = [None if v is None else rnd(v, 3) for _, _, v in load]
    r.update(extra)
    if len(walls) < repeat:
        r["repeatsNote"] = (f"run once, not {repeat} times: in round 1 it took "
                            f"> {HOPELESS_FACTOR:g}x the case's best and > "
                            f"{HOPELESS_MIN_MS:g} ms")
    return r


def observed_parallelism(fn, args, repeat):
    """Sequential wall / 2-thread wall of a CPU part measured on its own,
    the two interleaved per repetition so drift affects both alike."""
    ratios = []
    for _ in range(repeat):
        s = run_sequential(fn, args)[0]
        t = run_threads(fn, args, 2)[0]
        ratios.append(s / t)
    return median(ratios)


def advised_config(plan):
    """The sweep's key for an advised plan; None for sequential, which every round runs anyway."""
    if plan is None or plan["model"] == "sequential":
        return None
    if plan["model"] == "threads":
        return ("threads", 1, plan["threadsPerProcess"], 1)
    if plan["model"] == "async":
        return ("async+threads" if plan.get("inner") == "threads" else "async", 1, plan["threadsPerProcess"], 1)
    if plan["model"] == "processes":
        return ("processes", plan["processes"], 1, plan["chunkSize"])
    return ("hybrid+async" if plan.get("inner") == "async" else "hybrid",
            plan["processes"], plan["threadsPerProcess"], None)


def warm_up(fn, args):
    """Run tasks untimed for up to WARM_UP_MS: imports, per-process caches (zlib block, json document), the
    first-call paths and PyPy's JIT are warm in the parent, as they are in forked children, so neither the
    sequential baseline nor the profile read from it pays them. Returns the tasks run."""
    t_end = time.perf_counter() + WARM_UP_MS / 1000.0
    done = 0
    for a in args[:WARM_UP_MAX_TASKS]:
        fn(a)
        done += 1
        if time.perf_counter() >= t_end:
            break
    return done


def run_case(case, env, repeat, quick, log, advisor=None, with_chunk1=True, costs=None):
    t_case = time.perf_counter()
    args = case.args(env) if callable(case.args) else case.args
    fn = case.fn
    n = len(args)
    start_method = multiprocessing.get_start_method()
    runtime = benchlib.runtime_name()
    cores = benchlib.available_cores()
    g = case.g
    helpers = env.get("helperPids", ())
    warm_tasks = warm_up(fn, args)

    threads = case.quick_threads if quick else case.threads
    hybrid_ks = case.quick_hybrid if quick else case.hybrid
    async_ks = case.async_in_flight[-1:] if quick else case.async_in_flight
    hybrid_async_ks = case.hybrid_async[-1:] if quick else case.hybrid_async
    # --quick drops the 1-process pool: it only shows the overhead of a
    # process pool over the plain loop, never wins, and is slow on the long
    # cases.
    procs = case.procs if case.procs is not None else [2, 4] if quick else [1, 2, 4]
    sample = min(n, case.seq_sample or n)

    seq_w, seq_c, seq_load, seq_queued = [], [], [], []
    hopeless = set()
    results = None
    cfg = {}  # key -> (walls, cpus, [(foreign ms, attempts, cpu speed ratio)])
    chunk_for = {}
    advised, advised_key, advised_walls = None, None, []
    for rep in range(repeat):
        # Every round starts with a sequential run and then goes through all
        # configurations; rounds rather than "all repeats of one config in
        # a row" so slow drift of this shared machine spreads over all of
        # them instead of favouring whichever ran in a quiet moment.
        w, c, (res, queued), foreign, speed, attempts = undisturbed(
            lambda: queued_sequential(fn, args[:sample]), helpers, env.get("spinRate"))
        if len(res) != sample:
            raise RuntimeError(f"{case.id}: sequential returned {len(res)} results")
        # A sample stands for the whole batch: the tasks of a case are alike.
        w, c, queued = w * n / sample, c * n / sample, queued * n / sample
        seq_queued.append(queued)
        seq_w.append(w)
        seq_c.append(c)
        seq_load.append((foreign, attempts, speed))
        results = res
        if rep == 0:
            per_task = w / n  # cpu + wait per task = wall per task
            payload = payload_bytes_per_task(args[:sample], res)
            chunk_for = {p: rule_chunksize(n, p, per_task, payload) for p in procs}
            chunk_rule_per_task = per_task
            # The advice for the profile as measured so far; its exact plan is run beside the sweep.
            advised = advised_plan(advisor, {
                "runtime": runtime, "tasks": n, "cpuMsPerTask": c / n,
                "waitMsPerTask": max(0.0, (w - queued - c) / n), "payloadBytesPerTask": payload,
                "gilReleasedShare": g, "cores": cores,
                **({"maxConcurrency": case.max_concurrency} if case.max_concurrency else {}),
                **({"costs": costs} if costs else {}),
            })
            advised_key = advised_config(advised)
        plan = [("threads", 1, k, 1) for k in threads]
        plan += [("processes", p, 1, chunk_for[p]) for p in procs]
        if with_chunk1 and procs:
            plan += [("processes_chunk1", 2, 1, 1)]
        plan += [("hybrid", 2, k, None) for k in hybrid_ks]
        plan += [("async", 1, k, 1) for k in async_ks]
        plan += [("hybrid+async", 2, k, None) for k in hybrid_async_ks]
        if advised_key is not None and advised_key not in plan:
            plan.append(advised_key)
        if rep == 1:
            # Configurations that were hopeless in round 1 (slower than
            # HOPELESS_FACTOR x the round's best and longer than
            # HOPELESS_MIN_MS) are not repeated: they cannot become a best
            # run of any consequence, and repeating them (e.g. 100000 tasks
            # at chunksize 1, or 200 sleeps on 1 process) would push the
            # whole sweep past its time budget. They are marked in the JSON.
            best_r1 = min([seq_w[0]] + [v[0][0] for v in cfg.values()])
            hopeless = {key for key, (walls, _, _) in cfg.items()
                        if walls[0] > max(HOPELESS_MIN_MS, HOPELESS_FACTOR * best_r1)
                        and key != advised_key}
        if rep >= 1:
            plan = [c for c in plan if c not in hopeless]
        for model, p, k, chunk in plan:
            if model == "threads":
                run = lambda: run_threads(fn, args, k)  # noqa: E731
            elif model.startswith("processes"):
                run = lambda: run_processes(fn, args, p, chunk)  # noqa: E731
            elif model in ("async", "async+threads"):
                run = lambda: run_async(case.afn, args, k, offload=model == "async+threads")  # noqa: E731
            elif model == "hybrid+async":
                run = lambda: run_hybrid_async(case.afn, args, p, k)  # noqa: E731
            else:
                run = lambda: run_hybrid(fn, args, p, k)  # noqa: E731
            w, c, res, foreign, speed, attempts = undisturbed(run, helpers, env.get("spinRate"))
            if (model, p, k, chunk) == advised_key and len(advised_walls) < rep + 1:
                advised_walls.append(w)
            if len(res) != n:
                raise RuntimeError(f"{case.id}: {model} returned {len(res)} results")
            walls, cpus, load = cfg.setdefault((model, p, k, chunk), ([], [], []))
            walls.append(w)
            cpus.append(c)
            load.append((foreign, attempts, speed))
        log(f"  round {rep + 1}/{repeat} done at {time.perf_counter() - t_case:.1f}s")

    seq_wall, seq_cpu = median(seq_w), median(seq_c)
    cpu_pt = seq_cpu / n
    wait_pt = max(0.0, median([w - q for w, q in zip(seq_w, seq_queued)]) / n - cpu_pt)
    profile = {
        "runtime": runtime,
        "tasks": n,
        "cpuMsPerTask": rnd(cpu_pt, 4),
        "waitMsPerTask": rnd(wait_pt, 4),
        "payloadBytesPerTask": payload_bytes_per_task(args[:sample], results),
        "gilReleasedShare": g,
        "cores": cores,
        **({"maxConcurrency": case.max_concurrency} if case.max_concurrency else {}),
        **({"costs": costs} if costs else {}),
    }

    runs = [make_run("sequential", 1, 1, 1, seq_w, seq_c, repeat, seq_load,
                     **({"scaledFromTasks": sample} if sample < n else {}))]
    chunk1 = None
    for (model, p, k, chunk), (walls, cpus, load) in cfg.items():
        if model == "processes_chunk1":
            chunk1 = make_run("processes", p, k, 1, walls, cpus, repeat, load,
                              startMethod=start_method)
        elif model == "processes":
            runs.append(make_run(model, p, k, chunk, walls, cpus, repeat, load,
                                 startMethod=start_method))
        elif model in ("hybrid", "hybrid+async"):
            m, n_chunks, size = hybrid_layout(n, p, k)
            runs.append(make_run("hybrid", p, k, size, walls, cpus, repeat, load,
                                 inner="async" if model == "hybrid+async" else "threads",
                                 chunks=n_chunks, chunksPerProcess=m,
                                 startMethod=start_method))
        elif model in ("async", "async+threads"):
            runs.append(make_run("async", p, k, chunk, walls, cpus, repeat, load,
                                 inner="threads" if model == "async+threads" else "async"))
        else:
            runs.append(make_run(model, p, k, chunk, walls, cpus, repeat, load,
                                 **({"inner": "threads"} if model == "threads" else {})))

    best = {}
    for r in runs:
        b = best.get(r["model"])
        if b is None or r["wallMs"] < b["wallMs"]:
            best[r["model"]] = r
    fastest = min(best, key=lambda m: best[m]["wallMs"])
    ratio = {m: rnd(best[m]["wallMs"] / best[fastest]["wallMs"], 3) for m in best}

    if case.cpu_part == "same":
        t2 = [r for r in runs if r["model"] == "threads" and r["threadsPerProcess"] == 2]
        obs = seq_wall / t2[0]["wallMs"] if t2 else None
        obs_note = "sequential wall / ThreadPoolExecutor(2) wall of this case"
    elif case.cpu_part is None:
        obs = None
        obs_note = "not meaningful: the task is (almost) all waiting"
    else:
        obs = observed_parallelism(case.cpu_part[0], case.cpu_part[1], repeat)
        obs_note = (f"measured on the CPU part alone ({len(case.cpu_part[1])} "
                    "tasks without the sleep): sequential / 2 threads")

    # The advisor would derive the chunksize from the final (median)
    # profile; the runs used the first sequential repetition. Flag any
    # difference instead of hiding it.
    final_chunks = {str(p): rule_chunksize(n, p, cpu_pt + wait_pt, profile["payloadBytesPerTask"]) for p in procs}
    if advised is not None:
        advised["measuredWallMs"] = rnd(median(advised_walls), 2) if advised_walls else rnd(median(seq_w), 2)

    return {
        "id": case.id,
        "description": case.description,
        "gilNote": case.gil_note,
        "profile": profile,
        "warmUpTasks": warm_tasks,
        "sequentialCpuSpread": spread(seq_c),
        "observedParallelism": rnd(obs, 3),
        "observedParallelismNote": obs_note,
        "target": {"cpuMsPerTask": case.target_cpu_ms,
                   "waitMsPerTask": case.target_wait_ms},
        "sequentialCpuMsRepeats": [rnd(c, 2) for c in seq_c],
        # Time the sequential runs waited for a CPU others held: left out of the profile's wait.
        "sequentialRunQueueMsRepeats": [rnd(q, 2) for q in seq_queued],
        "chunkRule": {
            "perTaskMsUsed": rnd(chunk_rule_per_task, 4),
            "chunkSizeUsed": {str(p): chunk_for[p] for p in procs},
            "chunkSizeFromFinalProfile": final_chunks,
        },
        "runs": runs,
        "processesChunk1": chunk1,
        "advised": advised,
        "best": best,
        "fastest": fastest,
        "ratioToFastest": ratio,
        "elapsedS": rnd(time.perf_counter() - t_case, 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--out", help="default: results.json for CPython on every core with --set all, else "
                                  "results-<runtime>-<cores>core.json, beside this script")
    ap.add_argument("--set", choices=("all", "core"), default="all",
                    help="all cases, or the core ones PyPy and the 1-core runs measure")
    ap.add_argument("--case", action="append", default=[],
                    help="run only this case id (repeatable)")
    ap.add_argument("--quick", action="store_true",
                    help="fewer pool sizes and 1 repetition (under ~2 min)")
    ap.add_argument("--repeat", type=int, default=None,
                    help="repetitions per configuration, median kept "
                         "(default 3, or 1 with --quick)")
    ap.add_argument("--list", action="store_true", help="list case ids and exit")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other cases already in --out: replace the ones run, add new ones "
                         "(each case carries its own measuredAt and load)")
    ap.add_argument("--costs", choices=("calibrate", "defaults"), default="calibrate",
                    help="calibrate (default): measure this machine's costs first with `task-advisor calibrate` "
                         "(about 10 s) and put them in every profile, so the advice is scored with the costs of "
                         "the machine that ran it; defaults: the advisor's recorded costs")
    ap.add_argument("--calibrator", default="node dist/src/cli/main.js calibrate",
                    help="command that prints a costs object for --runtime and --json")
    ap.add_argument("--advisor", default="node dist/bench/advise-plan.js",
                    help="command that reads a profile on stdin and prints the advised plan "
                         "(run from the repo root after npm run build); '' to skip")
    a = ap.parse_args()
    repeat = a.repeat if a.repeat is not None else (1 if a.quick else 3)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    t_start = time.perf_counter()
    machine = benchlib.machine_info()
    rate = benchlib.calibrate_spin()
    units = W.calibrate_units()
    cases = build_cases(lambda ms: benchlib.iters_for_ms(rate, ms), units)
    if a.list:
        for c in cases:
            print(c.id)
        return
    ids = [c.id for c in cases]
    for cid in a.case:
        if cid not in ids:
            ap.error(f"unknown case {cid!r}; known: {', '.join(ids)}")
    if a.case:
        cases = [c for c in cases if c.id in a.case]
    elif a.set == "core":
        cases = [c for c in cases if c.id in CORE_CASES]
    runtime, cores = benchlib.runtime_name(), benchlib.available_cores()
    if a.out is None:
        every_core = cores == (os.cpu_count() or cores)
        name = ("results.json" if runtime == "cpython" and every_core and a.set == "all"
                else f"results-{runtime}-{cores}core.json")
        a.out = os.path.join(HERE, name)

    costs = measured_costs(a.calibrator, runtime, log) if a.costs == "calibrate" and a.advisor else None

    env = {}
    http_proc = delay_proc = None
    out_cases = []
    try:
        if any(c.needs_http for c in cases):
            http_proc, env["url"] = start_http_server()
            # The server's CPU is the case's own (it answers the tasks), not foreign load.
            env.setdefault("helperPids", []).append(http_proc.pid)
        if any(c.needs_delay for c in cases):
            delay_proc, env["delay_port"] = benchlib.start_delay_server()
            env.setdefault("helperPids", []).append(delay_proc.pid)
        for c in cases:
            # The vCPU speed of this shared machine drifts by 10-20% over
            # minutes, so a loop count fixed at start-up made "50 ms" tasks
            # take 57 ms a few minutes later. Re-time the loop before each
            # case (short probe, ~0.15 s) and rebuild the case with it. The
            # native workloads' unit costs are scaled by the same factor
            # rather than re-measured: the drift is the CPU's, not Python's.
            rate_c = benchlib.calibrate_spin(probe_ms=15.0, reps=9, warm_ms=0)
            scale = rate / rate_c
            units_c = {k: v * scale for k, v in units.items()}
            c = {x.id: x for x in build_cases(
                lambda ms: benchlib.iters_for_ms(rate_c, ms), units_c)}[c.id]
            log(f"[harness] {c.id} (loop speed {rate_c / rate:.3f}x start-up)")
            env["spinRate"] = rate_c
            waited = benchlib.wait_for_quiet(QUIET_WAIT_S)
            load_before = os.getloadavg()[0]
            out_cases.append(run_case(c, env, repeat, a.quick, log, a.advisor, with_chunk1=a.set == "all", costs=costs))
            out_cases[-1]["waitedForQuietS"] = rnd(waited, 1)
            out_cases[-1]["spinItersPerMs"] = rnd(rate_c, 1)
            out_cases[-1]["measuredAt"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
            out_cases[-1]["loadAvg1mBeforeAfter"] = [rnd(load_before, 2), rnd(os.getloadavg()[0], 2)]
            r = out_cases[-1]
            log(f"[harness] {c.id}: fastest={r['fastest']} "
                + " ".join(f"{m}={b['wallMs']}" for m, b in r["best"].items())
                + f" ({r['elapsedS']}s)")
    finally:
        if http_proc is not None:
            stop_http_server(http_proc)
        if delay_proc is not None:
            stop_http_server(delay_proc)

    machine["loadAvgAtEnd"] = list(os.getloadavg())
    machine["spinItersPerMs"] = rnd(rate, 1)
    machine["nativeUnitsMs"] = {k: rnd(v, 6) for k, v in units.items()}
    out = {
        "machine": machine,
        "generatedAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "runtime": runtime,
        "cores": cores,
        "caseSet": a.set,
        "foreignLoadRule": (f"a run is repeated (at most {MAX_RETRIES} more times, the least disturbed kept) when "
                            f"other programs used more than {benchlib.FOREIGN_SHARE:.0%} of our cores' time "
                            f"during it and more than {benchlib.FOREIGN_MIN_MS:g} ms (from /proc/stat)"),
        "repeat": repeat,
        "quick": a.quick,
        "targetChunkMs": TARGET_CHUNK_MS,
        "chunkRule": "chunksize = max(1, min(ceil(tasks / (4 * p)), "
                     "ceil(TARGET_CHUNK_MS / per_task_ms))), per_task_ms = "
                     "sequential wall / tasks (= cpu + wait per task)",
        "elapsedS": rnd(time.perf_counter() - t_start, 1),
        "cases": out_cases,
    }
    if a.merge and os.path.exists(a.out):
        with open(a.out) as f:
            previous = json.load(f)
        run_ids = [c["id"] for c in out_cases]
        kept = [c for c in previous["cases"] if c["id"] not in run_ids]
        order = [x.id for x in build_cases(lambda ms: 1, units)]
        out["cases"] = sorted(kept + out_cases, key=lambda c: order.index(c["id"]) if c["id"] in order else len(order))
        out["mergedInto"] = {"previousGeneratedAt": previous.get("generatedAt"),
                             "previousCommand": previous.get("command"), "casesRunNow": run_ids}
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    log(f"[harness] wrote {a.out} in {out['elapsedS']}s")


if __name__ == "__main__":
    main()
