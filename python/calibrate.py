#!/usr/bin/env python3
"""Measure the CPython costs that task-advisor's model uses, on this machine.

    python3 python/calibrate.py [--out FILE] [--reps N] [--quick]

Prints one JSON object (and writes it to FILE with --out). Every figure is
the median of --reps repetitions (default 5) unless its entry says otherwise;
the raw repetitions are kept next to each median so the noise is visible.
Standard library only.

--quick measures only the figures the advisor's costs are read from, with
shorter runs (default 2 repetitions, ~10 s instead of ~1 min): it is what
`task-advisor calibrate` runs. src/advisor/costs/cpython-calibration.ts maps either
report to cost names.
"""

import argparse
import datetime
import json
import math
import os
import pickle
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, wait
import multiprocessing

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import make_bytes_cached, median, noop, payload_len, proc_cpu_ms, rnd, spin  # noqa: E402

MiB = 1 << 20


def now():
    return time.perf_counter()


def ms_since(t0):
    return (time.perf_counter() - t0) * 1000.0


def summarize(xs, nd=4):
    # min is kept beside the median: on a shared machine the minimum is the
    # closest to the intrinsic cost, the median to what a run typically pays.
    return {"median": rnd(median(xs), nd), "min": rnd(min(xs), nd),
            "repeats": [rnd(x, nd) for x in xs]}


# --------------------------------------------------------------------------
# Threads
# --------------------------------------------------------------------------


def thread_pool_cycle(k, force_all):
    """Create a pool of k threads, run k trivial tasks, shut it down.

    ThreadPoolExecutor starts threads lazily, one per submit, and only when
    no idle thread exists; with k truly no-op tasks, a thread that already
    finished its task is idle for the next submit, so fewer than k threads
    may be started. force_all makes each task wait on an event that is set
    only after the k-th submit, which guarantees k threads really start.
    Returns (wall ms, threads actually started).
    """
    ev = threading.Event()
    t0 = now()
    ex = ThreadPoolExecutor(max_workers=k)
    if force_all:
        futs = [ex.submit(ev.wait) for _ in range(k)]
        ev.set()
    else:
        futs = [ex.submit(noop) for _ in range(k)]
    for f in futs:
        f.result()
    started = len(ex._threads)
    ex.shutdown(wait=True)
    return ms_since(t0), started


def measure_thread_start(reps):
    # Cheap, so many more repetitions than the process figures.
    n = max(20, reps * 6)
    sizes = (1, 8, 32)
    forced = {k: [] for k in sizes}
    naive = {k: [] for k in sizes}
    naive_started = {k: [] for k in sizes}
    # Pool sizes are interleaved within each repetition so that a noisy
    # stretch of time on this shared machine hits all of them alike instead
    # of biasing whichever size happened to run during it.
    for _ in range(n):
        for k in sizes:
            forced[k].append(thread_pool_cycle(k, True)[0])
            w, s = thread_pool_cycle(k, False)
            naive[k].append(w)
            naive_started[k].append(s)
    out = {"repetitions": n, "poolSizes": {}}
    med = {k: median(forced[k]) for k in sizes}
    for k in sizes:
        out["poolSizes"][str(k)] = {
            "forcedAllThreadsMs": summarize(forced[k], 4),
            "forcedPerThreadMs": rnd(med[k] / k, 4),
            "noopTasksMs": rnd(median(naive[k]), 4),
            "noopTasksThreadsActuallyStarted": median(naive_started[k]),
        }
    # The marginal figure removes the fixed cost of creating/shutting down
    # the executor itself (queue, lock, shutdown join), leaving only what
    # each extra thread adds; that is what scales with k in the model.
    marg = [(med[k] - med[1]) / (k - 1) for k in (8, 32)]
    out["threadStartMs"] = rnd(median(marg), 4)
    out["poolFixedMs"] = rnd(med[1] - out["threadStartMs"], 4)
    out["method"] = (
        "threadStartMs = (T(k) - T(1)) / (k - 1), mean of k = 8 and k = 32, "
        "where T(k) is the median wall of: create ThreadPoolExecutor(k), "
        "submit k tasks that block on an Event set after the k-th submit "
        "(so all k threads really start), wait results, shutdown(wait=True). "
        "poolFixedMs = T(1) - threadStartMs. noopTasks* shows that with "
        "truly no-op tasks the executor starts fewer threads than k, because "
        "it reuses an idle thread instead of starting a new one. Sizes are "
        "interleaved within each repetition."
    )
    return out


def measure_thread_dispatch(reps, quick):
    # Quick: only the pool of 2 that the headline reads. Not fewer tasks:
    # with 5000 the figure came out ~35% lower (a smaller backlog of futures
    # for the garbage collector to walk), so it would not match the full run.
    n_tasks = 20000
    out = {"tasks": n_tasks, "repetitions": reps, "poolSizes": {}}
    for k in ((2,) if quick else (1, 2, 8)):
        ex = ThreadPoolExecutor(max_workers=k)
        # Start all k threads up front so only dispatch is timed.
        ev = threading.Event()
        fs = [ex.submit(ev.wait) for _ in range(k)]
        ev.set()
        wait(fs)
        sub, mp, sub_cpu, map_cpu = [], [], [], []
        for _ in range(reps):
            c0, t0 = time.process_time(), now()
            futs = [ex.submit(noop, i) for i in range(n_tasks)]
            for f in futs:
                f.result()
            sub.append(ms_since(t0) / n_tasks)
            sub_cpu.append((time.process_time() - c0) * 1000 / n_tasks)
            c0, t0 = time.process_time(), now()
            list(ex.map(noop, range(n_tasks)))
            mp.append(ms_since(t0) / n_tasks)
            map_cpu.append((time.process_time() - c0) * 1000 / n_tasks)
        ex.shutdown()
        out["poolSizes"][str(k)] = {
            "submitResultMsPerTask": summarize(sub, 5),
            "mapMsPerTask": summarize(mp, 5),
            "submitResultCpuMsPerTask": rnd(median(sub_cpu), 5),
            "mapCpuMsPerTask": rnd(median(map_cpu), 5),
        }
    out["threadDispatchMs"] = out["poolSizes"]["2"]["mapMsPerTask"]["median"]
    out["method"] = (
        "Warm pool (all threads started beforehand). Per task = wall / tasks "
        "for 20000 no-op tasks, either submit-all then result-all, or "
        "list(executor.map(...)). threadDispatchMs is the map figure with 2 "
        "threads (= cores). CpuMsPerTask is process_time (all threads of the "
        "process) per task: dispatch is CPU work under the GIL, so it does "
        "not overlap with other Python work."
    )
    return out


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------


def process_pool_cycle(p, ctx):
    t0 = now()
    ex = ProcessPoolExecutor(max_workers=p, mp_context=ctx)
    futs = [ex.submit(noop) for _ in range(p)]
    for f in futs:
        f.result()
    started = len(ex._processes)
    ex.shutdown(wait=True)
    return ms_since(t0), started


def measure_process_start(reps):
    out = {"repetitions": reps, "methods": {}}
    for m in ("fork", "forkserver", "spawn"):
        ctx = multiprocessing.get_context(m)
        # The first use of forkserver starts the fork server itself; that is
        # a once-per-program cost, recorded apart from the per-pool figures.
        try:
            warm_ms, _ = process_pool_cycle(1, ctx)
        except AttributeError as e:
            # Debian's PyPy 7.3.11 (3.9): ProcessPoolExecutor.submit calls a
            # missing _adjust_process_count with any start method but fork.
            out["methods"][m] = {"failed": f"{type(e).__name__}: {e}"}
            continue
        per = {}
        ws = {p: [] for p in (1, 2, 4)}
        started = {p: [] for p in (1, 2, 4)}
        for _ in range(reps):
            for p in (1, 2, 4):  # interleaved, see measure_thread_start
                w, s = process_pool_cycle(p, ctx)
                ws[p].append(w)
                started[p].append(s)
        for p in (1, 2, 4):
            per[p] = median(ws[p])
            per[str(p)] = {
                "poolMs": summarize(ws[p], 3),
                "perProcessMs": rnd(per[p] / p, 3),
                "processesStarted": median(started[p]),
            }
        marginal = (per[4] - per[1]) / 3
        out["methods"][m] = {
            "firstPoolEverMs": rnd(warm_ms, 3),
            "pools": {str(p): per[str(p)] for p in (1, 2, 4)},
            "fixedMs": rnd(per[1], 3),
            "perProcessMs": rnd(per[4] / 4, 3),
            "marginalPerProcessMs": rnd(marginal, 3),
        }
    out["processStartMs"] = {
        m: v["perProcessMs"] for m, v in out["methods"].items() if "failed" not in v
    }
    out["method"] = (
        "Wall of: create ProcessPoolExecutor(p, mp_context=get_context(m)), "
        "submit p no-op tasks, wait, shutdown(wait=True). fixedMs = whole "
        "cycle with p=1; perProcessMs = cycle(p=4)/4; marginalPerProcessMs = "
        "(cycle(4) - cycle(1)) / 3. firstPoolEverMs is one unrecorded warm-up "
        "cycle per method (for forkserver it includes starting the server). "
        "Note: with 2 cores, starting 4 spawn children is CPU-bound, so the "
        "marginal cost of processes beyond the core count is higher."
    )
    return out


def warm_process_pool(p):
    ex = ProcessPoolExecutor(max_workers=p)
    list(ex.map(noop, range(p * 4)))
    return ex


def measure_process_dispatch(reps, quick):
    p = 2
    out = {"processes": p, "repetitions": reps, "startMethod": multiprocessing.get_start_method()}
    ex = warm_process_pool(p)

    def run(n, chunksize):
        walls, cpus = [], []
        for _ in range(reps):
            c0, t0 = time.process_time(), now()
            list(ex.map(noop, range(n), chunksize=chunksize))
            walls.append(ms_since(t0) / n)
            cpus.append((time.process_time() - c0) * 1000 / n)
        return {
            "tasks": n,
            "chunksize": chunksize,
            "msPerTask": summarize(walls, 5),
            "parentCpuMsPerTask": rnd(median(cpus), 5),
        }

    out["chunk1"] = run(3000, 1)
    n = 100000
    largest = math.ceil(n / (4 * p))
    # Quick: the headline reads only the largest chunks; smaller ones show the trend.
    out["chunked"] = [run(n, c) for c in ((largest,) if quick else (10, 100, 1000, largest))]

    # One round trip at a time: the latency of a single dispatch, which is
    # what a lone task pays (and what serialization is measured against).
    lat = []
    for _ in range(reps):
        t0 = now()
        for i in range(500):
            ex.submit(noop, i).result()
        lat.append(ms_since(t0) / 500)
    out["roundTripLatencyMs"] = summarize(lat, 4)
    ex.shutdown()
    out["processDispatchMs"] = out["chunk1"]["msPerTask"]["median"]
    out["processDispatchChunkedMs"] = out["chunked"][-1]["msPerTask"]["median"]
    out["method"] = (
        "Warm pool of 2 processes (default start method). msPerTask = wall / "
        "tasks of list(executor.map(noop, range(n), chunksize=c)) - a "
        "throughput figure with both workers busy. parentCpuMsPerTask is "
        "the dispatcher's process_time per task (all its threads: the "
        "feeder thread pickles, the manager thread unpickles results); when "
        "it is close to msPerTask, the parent is the bottleneck. "
        "roundTripLatencyMs is submit(noop).result() one at a time."
    )
    return out


def _batch_roundtrip(ex, pid, fn, arg, count):
    """Time `count` sequential round trips; return per-call wall, parent CPU
    and child CPU in ms."""
    c0, k0, t0 = time.process_time(), proc_cpu_ms(pid), now()
    for _ in range(count):
        ex.submit(fn, arg).result()
    wall = ms_since(t0)
    return (wall / count, (time.process_time() - c0) * 1000 / count,
            (proc_cpu_ms(pid) - k0) / count)


def measure_serialization(reps, quick):
    # Quick: the 8 MiB messages the pipelined figure uses; smaller sizes show
    # how the cost per MiB grows with the message.
    sizes = [("8MiB", 8 * MiB)] if quick else [("64KiB", 64 * 1024), ("1MiB", MiB), ("8MiB", 8 * MiB)]
    out = {"repetitions": reps, "unit": "MiB (2^20 bytes)", "sizes": {}}
    ex = ProcessPoolExecutor(max_workers=1)
    ex.submit(noop).result()
    pid = next(iter(ex._processes))

    rt0_all = []
    for name, size in sizes:
        mb = size / MiB
        # Enough calls that each batch moves ~128 MiB: makes the 10 ms
        # /proc CPU tick resolution negligible.
        count = max(12, min(2000, int(128 * MiB / size)))
        payload = os.urandom(size)
        ex.submit(make_bytes_cached, size).result()  # warm child cache
        rec = {"callsPerBatch": count}
        for direction, fn, arg in (("bytesIn", payload_len, payload),
                                   ("bytesOut", make_bytes_cached, size)):
            wall, pcpu, ccpu, rts = [], [], [], []
            for _ in range(reps):
                # A no-op batch right before each payload batch, so that the
                # subtraction is not skewed by noise drifting between them.
                b = _batch_roundtrip(ex, pid, noop, 1, 500)
                r = _batch_roundtrip(ex, pid, fn, arg, count)
                rt0_all.append(b[0])
                rts.append(r[0])
                wall.append((r[0] - b[0]) / mb)
                pcpu.append((r[1] - b[1]) / mb)
                ccpu.append((r[2] - b[2]) / mb)
            w = median(wall)
            rec[direction] = {
                "roundTripMs": rnd(median(rts), 4),
                "msPerMiBBeyondNoop": summarize(wall, 4),
                "MiBps": rnd(1000 / w, 1) if w > 0 else None,
                "parentCpuMsPerMiB": rnd(median(pcpu), 4),
                "childCpuMsPerMiB": rnd(median(ccpu), 4),
            }
        pk = []
        for _ in range(reps):
            n = max(4, int(64 * MiB / size))
            t0 = now()
            for _ in range(n):
                pickle.loads(pickle.dumps(payload))
            pk.append(ms_since(t0) / n / mb)
        rec["pickleDumpsLoadsMsPerMiB"] = summarize(pk, 4)
        out["sizes"][name] = rec
    ex.shutdown()
    out["noopRoundTripMs"] = rnd(median(rt0_all), 4)

    # Pipelined: many large payloads in flight to 2 workers at once. If the
    # parent serializes for everybody, throughput is capped by the parent's
    # CPU no matter how many workers there are.
    pipe = {}
    ex = ProcessPoolExecutor(max_workers=2)
    list(ex.map(noop, range(8)))
    payloads = [os.urandom(8 * MiB) for _ in range(4)]
    n = 32
    for direction in ("bytesIn", "bytesOut"):
        walls, cpus = [], []
        for _ in range(reps):
            c0, t0 = time.process_time(), now()
            if direction == "bytesIn":
                fs = [ex.submit(payload_len, payloads[i % 4]) for i in range(n)]
            else:
                fs = [ex.submit(make_bytes_cached, 8 * MiB) for _ in range(n)]
            for f in fs:
                f.result()
            walls.append(ms_since(t0))
            cpus.append((time.process_time() - c0) * 1000)
        w, c = median(walls), median(cpus)
        pipe[direction] = {
            "tasks": n, "MiBPerTask": 8, "wallMs": rnd(w, 2),
            "MiBps": rnd(n * 8 / (w / 1000), 1),
            "parentCpuMs": rnd(c, 2),
            "parentBusyShare": rnd(c / w, 3),
        }
    ex.shutdown()
    out["pipelined2Workers"] = pipe
    out["serializationMsPerMiB"] = {
        name: {
            "in": out["sizes"][name]["bytesIn"]["msPerMiBBeyondNoop"]["median"],
            "out": out["sizes"][name]["bytesOut"]["msPerMiBBeyondNoop"]["median"],
        }
        for name, _ in sizes
    }
    out["method"] = (
        "Warm pool of 1 process. Round trip of submit(fn, arg).result(), one "
        "at a time, minus the no-op round trip, divided by the payload size. "
        "bytesIn: parent sends a bytes object, child returns len(). "
        "bytesOut: parent sends an int, child returns a cached bytes object of "
        "that size. Parent CPU = process_time delta (all parent threads); "
        "child CPU = utime+stime of the worker from /proc, both beyond the "
        "no-op. pickleDumpsLoadsMsPerMiB is pickle.loads(pickle.dumps(b)) in "
        "one process, for comparison. pipelined2Workers keeps 32 x 8 MiB "
        "tasks in flight on 2 workers: parentBusyShare near 1 means the "
        "dispatching parent is the serial bottleneck."
    )
    return out


# --------------------------------------------------------------------------
# GIL
# --------------------------------------------------------------------------


def measure_gil(reps, iters_per_ms, quick):
    out = {"repetitions": reps}
    # Quick: the costs read only the convoy; contention takes ~3 s a repetition.
    if not quick:
        out.update(gil_contention(reps, iters_per_ms))
    out["convoy"] = gil_convoy(reps)
    out["method"] = (
        "16 tasks of ~50 ms of pure-Python loop: wall on ThreadPoolExecutor(k) "
        "/ sequential wall. Convoy: the main thread times 100 x "
        "time.sleep(0.001) while another thread spins a pure-Python loop; "
        "after every sleep the sleeper must get the GIL back, and the "
        "spinning thread only yields it when the switch interval expires. "
        "Also shown with sys.setswitchinterval(0.0005) for comparison."
    )
    return out


def gil_contention(reps, iters_per_ms):
    task_iters = benchlib.iters_for_ms(iters_per_ms, 50)
    n = 16
    out = {"tasks": n, "taskMs": 50, "threads": {}}
    # Sequential and each pool size are interleaved within a repetition:
    # the loop speed drifts by several % over seconds on this machine, and
    # measuring all sequential runs first once made threads look 12% faster
    # than sequential on pure-Python work, which is drift, not a real effect.
    walls = {"seq": [], 2: [], 4: [], 8: []}
    benchlib.warm_up()
    for _ in range(reps):
        t0 = now()
        for _ in range(n):
            spin(task_iters)
        walls["seq"].append(ms_since(t0))
        for k in (2, 4, 8):
            t0 = now()
            with ThreadPoolExecutor(k) as ex:
                list(ex.map(spin, [task_iters] * n))
            walls[k].append(ms_since(t0))
    out["sequentialMs"] = summarize(walls["seq"], 2)
    for k in (2, 4, 8):
        # Ratio per repetition (each against its own sequential run), then
        # the median: cancels slow drift better than a ratio of medians.
        ratios = [w / s for w, s in zip(walls[k], walls["seq"])]
        out["threads"][str(k)] = {
            "wallMs": summarize(walls[k], 2),
            "ratioToSequential": rnd(median(ratios), 3),
            "ratioRepeats": [rnd(r, 3) for r in ratios],
        }
    out["gilContention"] = {k: out["threads"][k]["ratioToSequential"] for k in out["threads"]}
    return out


def gil_convoy(reps):
    def convoy(with_cpu, switch=None):
        old = sys.getswitchinterval()
        if switch:
            sys.setswitchinterval(switch)
        stop = []

        def burner():
            x = 0
            while not stop:
                x = (x + 1) % 7

        th = None
        if with_cpu:
            th = threading.Thread(target=burner)
            th.start()
            time.sleep(0.02)  # let it get going and own the GIL
        t0 = now()
        for _ in range(100):
            time.sleep(0.001)
        wall = ms_since(t0)
        stop.append(1)
        if th:
            th.join()
        sys.setswitchinterval(old)
        return wall

    base = [convoy(False) for _ in range(reps)]
    with_cpu = [convoy(True) for _ in range(reps)]
    fast = [convoy(True, 0.0005) for _ in range(reps)]
    return {
        "sleeps": 100, "sleepMs": 1,
        "aloneMs": summarize(base, 2),
        "withCpuThreadMs": summarize(with_cpu, 2),
        "extraVs100msMs": rnd(median(with_cpu) - 100, 2),
        "extraPerSleepVsAloneMs": rnd((median(with_cpu) - median(base)) / 100, 3),
        "slowdownVsAlone": rnd(median(with_cpu) / median(base), 2),
        "switchIntervalS": sys.getswitchinterval(),
        "withCpuThreadSwitchInterval0_5msMs": summarize(fast, 2),
    }


def measure_idle_core_penalty(reps, iters_per_ms):
    """Speed of a single-threaded loop with the other core idle vs busy.

    On this VM a lone busy vCPU runs pure-Python code measurably slower
    when its sibling vCPU is idle than when the sibling is busy too (a
    host/hypervisor effect, not Python). It matters for the model: the
    sequential run used to derive a profile leaves the other core idle, so
    its cpuMsPerTask overstates what the same work costs on a fully busy
    machine, and it makes 2 GIL-bound threads look slightly faster than a
    plain loop.
    """
    cores = benchlib.allowed_cpus()
    if len(cores) < 2:
        return {"skipped": "needs 2 cores"}
    if not hasattr(os, "sched_setaffinity"):
        return {"skipped": "needs os.sched_setaffinity, which this interpreter lacks"}
    old_aff = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cores[0]})
    n = benchlib.iters_for_ms(iters_per_ms, 200)
    idle, busy = [], []
    try:
        for _ in range(reps + 2):
            t0 = now()
            spin(n)
            idle.append(ms_since(t0))
            stop = multiprocessing.Event()
            pr = multiprocessing.Process(target=benchlib.burn_until, args=(stop, cores[1]))
            pr.start()
            time.sleep(0.1)
            t0 = now()
            spin(n)
            busy.append(ms_since(t0))
            stop.set()
            pr.join()
    finally:
        os.sched_setaffinity(0, old_aff)
    ratios = [b / i for b, i in zip(busy, idle)]
    return {
        "loopMs": 200, "repetitions": reps + 2,
        "otherCoreIdleMs": summarize(idle, 2),
        "otherCoreBusyMs": summarize(busy, 2),
        "busyOverIdleRatio": rnd(median(ratios), 3),
        "method": "main process pinned to one core runs a ~200 ms pure-Python "
                  "loop, alternately with the other core idle and with a "
                  "separate process spinning on it; ratio per pair, median.",
    }


def measure_thread_wait(reps):
    waves = 5
    out = {"sleepMs": 20, "waves": waves, "repetitions": reps, "threads": {}}
    for k in (16, 64, 256):
        tasks = k * waves
        ideal = waves * 20.0
        ws = []
        for _ in range(reps):
            t0 = now()
            with ThreadPoolExecutor(k) as ex:
                list(ex.map(time.sleep, [0.02] * tasks))
            ws.append(ms_since(t0))
        w = median(ws)
        out["threads"][str(k)] = {
            "tasks": tasks, "idealMs": ideal, "wallMs": summarize(ws, 2),
            "extraMs": rnd(w - ideal, 2),
            "extraMsPerTaskLatency": rnd((w - ideal) / waves, 3),
            "extraMsPerTaskAmortized": rnd((w - ideal) / tasks, 4),
        }
    out["threadWaitOverheadMs"] = {
        k: v["extraMsPerTaskAmortized"] for k, v in out["threads"].items()
    }
    out["method"] = (
        "ThreadPoolExecutor(k) (creation and shutdown included) maps "
        "time.sleep(0.02) over k*5 tasks; ideal = 5 * 20 ms. "
        "extraMsPerTaskLatency = (wall - ideal) / 5: how much later than "
        "20 ms each task on a thread completes on average. "
        "extraMsPerTaskAmortized = (wall - ideal) / tasks: the serial cost "
        "per task (thread start, dispatch, wake-up under the GIL), which is "
        "the figure that scales with the number of tasks. "
        "threadWaitOverheadMs reports the amortized figure."
    )
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--out", help="also write the JSON here")
    ap.add_argument("--reps", type=int, help="repetitions per figure (median taken; default 5, 2 with --quick)")
    ap.add_argument("--quick", action="store_true",
                    help="only the figures task-advisor's costs read, from shorter runs (~10 s)")
    args = ap.parse_args()
    reps = args.reps or (2 if args.quick else 5)
    t_start = now()

    res = {
        "generatedAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
        "machine": benchlib.machine_info(),
        "repetitions": reps,
        "quick": args.quick,
    }
    # The calibrated loop only drives the GIL-contention and idle-core
    # figures, which --quick leaves out.
    iters_per_ms = None
    if not args.quick:
        iters_per_ms = benchlib.calibrate_spin()
        check = []
        for _ in range(5):
            t0 = now()
            spin(benchlib.iters_for_ms(iters_per_ms, 50))
            check.append(ms_since(t0))
        res["loopCalibration"] = {
            "spinItersPerMs": rnd(iters_per_ms, 1),
            "check50msTaskMs": summarize(check, 2),
        }
    steps = [
        ("threadStart", lambda: measure_thread_start(reps)),
        ("threadDispatch", lambda: measure_thread_dispatch(reps, args.quick)),
        ("processStart", lambda: measure_process_start(reps)),
        ("processDispatch", lambda: measure_process_dispatch(reps, args.quick)),
        ("serialization", lambda: measure_serialization(reps, args.quick)),
        ("gil", lambda: measure_gil(reps if args.quick else max(3, reps - 2), iters_per_ms, args.quick)),
    ]
    if not args.quick:
        steps += [
            ("threadWait", lambda: measure_thread_wait(reps)),
            ("idleCorePenalty", lambda: measure_idle_core_penalty(reps, iters_per_ms)),
        ]
    details = {}
    for name, fn in steps:
        t0 = now()
        details[name] = fn()
        print(f"[calibrate] {name}: {ms_since(t0) / 1000:.1f}s", file=sys.stderr)

    # The headline figures the advisor's model reads; details below.
    res["threadStartMs"] = details["threadStart"]["threadStartMs"]
    res["threadPoolFixedMs"] = details["threadStart"]["poolFixedMs"]
    res["threadDispatchMs"] = details["threadDispatch"]["threadDispatchMs"]
    res["processStartMs"] = details["processStart"]["processStartMs"]
    res["processPoolFixedMs"] = {
        m: v["fixedMs"] for m, v in details["processStart"]["methods"].items() if "failed" not in v
    }
    res["processDispatchMs"] = details["processDispatch"]["processDispatchMs"]
    res["processDispatchChunkedMs"] = details["processDispatch"]["processDispatchChunkedMs"]
    res["serializationMsPerMiB"] = details["serialization"]["serializationMsPerMiB"]
    if not args.quick:
        res["gilContention"] = details["gil"]["gilContention"]
    res["gilConvoy"] = details["gil"]["convoy"]
    if not args.quick:
        res["threadWaitOverheadMs"] = details["threadWait"]["threadWaitOverheadMs"]
        res["cpuSpeedOtherCoreBusyOverIdle"] = details["idleCorePenalty"].get("busyOverIdleRatio")
    res["details"] = details
    load = os.getloadavg()
    res["machine"]["loadAvgAtEnd"] = list(load)
    res["elapsedS"] = rnd((now() - t_start), 1)

    text = json.dumps(res, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
