"""The figures task-advisor's profile needs, measured on a sample of the user's own tasks.

Each figure comes with how it was obtained. No interpreter start-up and no import is in any of them:
the function is loaded first, called once or twice to warm it (first calls run 30-40% slow: imports,
caches, first-call paths), and only then timed, task by task.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import multiprocessing
import os
import pickle
import platform
import reprlib
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from . import pools
from .progress import Progress

# A default sample runs about this long one task after another, so that the whole probe (the sample,
# the same tasks on threads, a worker process) takes a few seconds.
SAMPLE_BUDGET_MS = 1500.0
# Two tasks side by side are the least the GIL measurement needs.
MIN_SAMPLE = 2
# With few inputs, a default sample repeats them up to this many tasks, for a steadier median.
REPEAT_INPUTS_UP_TO = 64
MAX_SAMPLE = 20000
WARM_CALLS = 2
# A second warm-up call only when the first was short: a 10 s task is warm enough after one.
SECOND_WARM_CALL_BELOW_MS = 1000.0
# The worker process whose memory is read runs the longest sample task, then others up to this long.
MEMORY_BUDGET_MS = 500.0
MAX_GIL_THREADS = 16
# During the run on threads: a thread queued for the GIL wakes every switch interval, and on a busy
# machine each wake-up waits for a core, which would read as run delay rather than as GIL queueing.
# Tried on the 2 loaded cores here: at 5 ms a pure-Python loop read 0.35, at 50 ms 0 (hashlib 1.0 at both).
GIL_RUN_SWITCH_INTERVAL_S = 0.05
# The run on threads repeats the sample until it holds this much CPU, 20 switch intervals: threads
# that each finish their share within one interval would never have run side by side.
GIL_RUN_CPU_MS = 1000.0
# Below this share of CPU, how much of it releases the GIL changes no plan, so it is not measured.
MIN_CPU_SHARE_FOR_GIL = 0.05
# Process CPU over wall time above this means a task computes on more than one thread.
NATIVE_THREADS_ABOVE = 1.2
# A task this many times the median is a straggler worth a note.
STRAGGLER_OVER_MEDIAN = 4.0
BYTES_PER_MB = 1 << 20
# A forked worker starting above this (an interpreter with its imports is 10-30 MB) holds the parent's data.
FORK_NOTE_ABOVE_BYTES = 100 * BYTES_PER_MB

_now = time.perf_counter
_thread_cpu = time.thread_time
_process_cpu = time.process_time


class ProbeError(Exception):
    """What was given to the probe cannot be measured (no inputs, a bad sample size)."""


class TaskFailed(ProbeError):
    """The function raised on one input: which one, the exception, and the traceback from the user's code."""

    def __init__(self, index, value, error, phase):
        self.index = index
        self.input = _short(value)
        self.phase = phase
        self.exception = traceback.format_exception_only(type(error), error)[-1].strip()
        self.traceback = _user_frames(error.__traceback__)
        super().__init__(f"the function raised on input #{index} ({self.input}) in the {phase}: {self.exception}")


_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60


def _short(value):
    return _repr.repr(value)


def _user_frames(tb):
    """The traceback's lines from the first frame outside this package on: the user's code, not ours."""
    frames = traceback.extract_tb(tb)
    here = os.path.dirname(os.path.abspath(__file__))
    first = 0
    while first < len(frames) and os.path.abspath(frames[first].filename).startswith(here + os.sep):
        first += 1
    return [line.rstrip("\n") for line in traceback.format_list(frames[first:])]


def _sig(x, digits=4):
    return float(f"{x:.{digits}g}") if x else 0.0


def _percentile(sorted_values, p):
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def _spread(values, how):
    ordered = sorted(values)
    return {
        "p50": _sig(_percentile(ordered, 50)),
        "p95": _sig(_percentile(ordered, 95)),
        "max": _sig(ordered[-1]),
        "how": how,
    }


class _RunDelay:
    """Seconds this thread was runnable but waiting for a core (Linux: /proc/thread-self/schedstat).

    That time is the machine's other load, not the task's own waiting, so it is taken out of the wait.
    Opened by the thread it measures.
    """

    def __init__(self):
        try:
            self._fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
        except OSError:
            self._fd = None

    @property
    def available(self):
        return self._fd is not None

    def read(self):
        if self._fd is None:
            return 0.0
        return int(os.pread(self._fd, 64, 0).split()[1]) / 1e9

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _noop(value):
    return value


def _timer_overhead():
    """What the timers around one call cost by themselves (median of 200 empty calls), in seconds."""
    stat = _RunDelay()
    walls, threads, processes = [], [], []
    for _ in range(200):
        stat.read()
        w0, p0, t0 = _now(), _process_cpu(), _thread_cpu()
        _noop(None)
        t1, p1, w1 = _thread_cpu(), _process_cpu(), _now()
        stat.read()
        walls.append(w1 - w0)
        threads.append(t1 - t0)
        processes.append(p1 - p0)
    stat.close()
    return [sorted(v)[len(v) // 2] for v in (walls, threads, processes)]


class _Payload:
    """Pickled sizes of each argument and result, as a process pool would send them."""

    def __init__(self):
        self.in_bytes = []
        self.out_bytes = []
        self.problem = None
        self._arg_sizes = {}

    def record(self, index, value, result):
        if self.problem is not None:
            return
        try:
            if index not in self._arg_sizes:
                self._arg_sizes[index] = len(pickle.dumps(value))
            self.in_bytes.append(self._arg_sizes[index])
            self.out_bytes.append(len(pickle.dumps(result)))
        except Exception as error:  # a lambda, a generator, an open file: what a process pool cannot send
            which = "argument" if index not in self._arg_sizes else "result"
            self.problem = f"the {which} of input #{index} cannot be pickled ({type(error).__name__}: {error})"


def _rows_from(calls, overhead):
    """(index, wall, thread CPU, process CPU, run delay) in ms, the timers' own cost taken out."""
    ow, ot, op = overhead
    return [
        (i, max(0.0, w - ow) * 1000, max(0.0, t - ot) * 1000, max(0.0, p - op) * 1000, max(0.0, d) * 1000)
        for i, w, t, p, d in calls
    ]


def _call_each(fn, indexed, progress, phase, payload):
    stat = _RunDelay()
    calls = []
    try:
        for index, value in indexed:
            progress.call(index)
            d0 = stat.read()
            w0, p0, t0 = _now(), _process_cpu(), _thread_cpu()
            try:
                result = fn(value)
            except (Exception, SystemExit) as error:
                raise TaskFailed(index, value, error, phase) from None
            t1, p1, w1 = _thread_cpu(), _process_cpu(), _now()
            d1 = stat.read()
            calls.append((index, w1 - w0, t1 - t0, p1 - p0, d1 - d0))
            if payload is not None:
                payload.record(index, value, result)
    finally:
        stat.close()
    return calls


async def _await_each(fn, indexed, progress, phase, payload):
    stat = _RunDelay()
    calls = []
    try:
        for index, value in indexed:
            progress.call(index)
            d0 = stat.read()
            w0, p0, t0 = _now(), _process_cpu(), _thread_cpu()
            try:
                result = await fn(value)
            except (Exception, SystemExit) as error:
                raise TaskFailed(index, value, error, phase) from None
            t1, p1, w1 = _thread_cpu(), _process_cpu(), _now()
            d1 = stat.read()
            calls.append((index, w1 - w0, t1 - t0, p1 - p0, d1 - d0))
            if payload is not None:
                payload.record(index, value, result)
    finally:
        stat.close()
    return calls


def _sequential(fn, is_async, indexed, progress, phase, payload=None):
    if is_async:
        return asyncio.run(_await_each(fn, indexed, progress, phase, payload))
    return _call_each(fn, indexed, progress, phase, payload)


def _on_threads(fn, indexed, threads, progress):
    """The tasks side by side on `threads` threads, thread j taking every threads-th one; each thread
    accounts for its own wall time (from the moment all are released), CPU time and run delay."""
    started = []
    # The last thread to arrive records the start while it holds the GIL, just before releasing the
    # others: a thread that must first win the GIL back to read the clock would start late.
    barrier = threading.Barrier(threads, action=lambda: started.append(_now()))
    accounts = [None] * threads
    failures = []

    def work(j):
        stat = _RunDelay()
        mine = indexed[j::threads]
        t0, d0 = _thread_cpu(), stat.read()
        barrier.wait()
        for index, value in mine:
            try:
                fn(value)
            except (Exception, SystemExit) as error:
                failures.append((index, value, error))
                break
            progress.tick()
        accounts[j] = (_now() - started[0], _thread_cpu() - t0, stat.read() - d0, len(mine))
        stat.close()

    workers = [threading.Thread(target=work, args=(j,), daemon=True) for j in range(threads)]
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(GIL_RUN_SWITCH_INTERVAL_S)
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(switch_interval)
    if failures:
        index, value, error = failures[0]
        raise TaskFailed(index, value, error, f"run on {threads} threads")
    return accounts


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _runtime():
    if platform.python_implementation() == "PyPy":
        return "pypy"
    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
    if is_gil_enabled is not None and not is_gil_enabled():
        return "cpython-free-threaded"
    return "cpython"


def _process_threads():
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def sample_inputs(inputs, size):
    """The sample: (index, input) pairs evenly spread over the inputs, or the inputs in turn when the
    sample is larger. The same for the same size, so a later run (the verification) takes the same tasks."""
    n = len(inputs)
    indices = [i * n // size for i in range(size)] if size <= n else [i % n for i in range(size)]
    return [(i, inputs[i]) for i in indices]


def _default_sample_size(n_inputs, per_task_ms):
    by_budget = int(SAMPLE_BUDGET_MS / max(per_task_ms, 0.001))
    return max(MIN_SAMPLE, min(by_budget, MAX_SAMPLE, max(n_inputs, REPEAT_INPUTS_UP_TO)))


def _gil_threads(cpu_ms, wait_ms, sample):
    """Enough threads that the tasks' waits cannot hide their queueing for the GIL: while one task waits
    w, others must want more than w of GIL-held CPU, so more than 1 + w / cpu tasks side by side."""
    wanted = round(2 * (1 + wait_ms / cpu_ms))
    return max(2, min(wanted, MAX_GIL_THREADS, sample))


def _gil_share(accounts, wait_ms, threads):
    """The share r of CPU time that releases the GIL, from each thread's own account.

    When `threads` tasks start side by side and only the GIL-held part (1 - r) of each one's CPU time c
    must take turns, they finish in (threads (1 - r) + r) c: two threads finish two tasks in (2 - r) task
    times. A thread's wall time less its CPU time, its run delay (waiting for a core, not for the GIL)
    and its tasks' own waits is its time queued for the GIL: (threads - 1)(1 - r) c per task.
    """
    tasks = sum(a[3] for a in accounts)
    cpu = sum(a[1] for a in accounts) / tasks * 1000
    queued = sum(max(0.0, wall - cpu_s - delay - n * wait_ms / 1000) for wall, cpu_s, delay, n in accounts)
    queued_per_task = queued / tasks * 1000
    share = 1 - queued_per_task / ((threads - 1) * cpu) if cpu > 0 else 0.0
    return min(1.0, max(0.0, share)), cpu, queued_per_task


def _worker_memory(fn, indexed, is_async, rows_by_index, progress):
    """A fresh worker process (the default start method) runs the longest sample task, then others up to
    MEMORY_BUDGET_MS; its peak RSS is what one worker of a process pool holds."""
    longest = max(indexed, key=lambda item: rows_by_index[item[0]])
    chosen, total = [longest], rows_by_index[longest[0]]
    for item in indexed:
        if total >= MEMORY_BUDGET_MS:
            break
        if item is not longest:
            chosen.append(item)
            total += rows_by_index[item[0]]
    progress.phase("memory")
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            outcome = pool.submit(pools.peak_rss_after, fn, [value for _, value in chosen], is_async).result()
    except BrokenProcessPool as error:
        return None, None, f"not measured: the worker process died ({error})", len(chosen)
    except Exception as error:  # pickling the function or an input for the worker
        return None, None, f"not measured: the task cannot be sent to a worker process ({type(error).__name__}: {error})", len(chosen)
    if "unavailable" in outcome:
        return None, None, f"not measured: {outcome['unavailable']}", len(chosen)
    if "raised" in outcome:
        return None, None, f"not measured: the function raised in a worker process: {outcome['raised']}", len(chosen)
    return outcome["startBytes"], outcome["peakBytes"], None, len(chosen)


def probe(fn, inputs, tasks=None, sample=None, progress=None, label=None):
    """Measures fn on a sample of inputs (each one task's single argument) and returns the report:
    {"figures": each figure with how it was obtained, "profile": a POST /advise profile with
    "basis": "probed", "sample": what ran, "notes": what to know}.

    tasks: the whole batch's size (default: the number of inputs). sample: tasks to run (default: about
    SAMPLE_BUDGET_MS of them one after another). Raises TaskFailed when fn raises, ProbeError on bad
    arguments.
    """
    inputs = list(inputs)
    if not inputs:
        raise ProbeError("no inputs: give at least one, each the single argument of one task")
    if tasks is None:
        tasks = len(inputs)
    if not isinstance(tasks, int) or tasks < 1:
        raise ProbeError(f"tasks must be a whole number of at least 1, got {tasks!r}")
    if sample is not None and (not isinstance(sample, int) or sample < MIN_SAMPLE):
        raise ProbeError(f"sample must be a whole number of at least {MIN_SAMPLE}, got {sample!r}")
    progress = progress or Progress()
    is_async = inspect.iscoroutinefunction(fn)
    cores = _cores()
    started = _now()
    notes = []
    threads_before = _process_threads()

    progress.phase("warm-up")
    # Sized by the task's own time (wall less run delay), not by how busy the machine happens to be.
    warm = _sequential(fn, is_async, [(0, inputs[0])], progress, "warm-up")[0]
    warm_ms = (warm[1] - warm[4]) * 1000
    warm_calls = 1
    if warm_ms < SECOND_WARM_CALL_BELOW_MS:
        second = (1 % len(inputs), inputs[1 % len(inputs)])
        warm = _sequential(fn, is_async, [second], progress, "warm-up")[0]
        warm_ms = (warm[1] - warm[4]) * 1000
        warm_calls = 2

    size = sample if sample is not None else _default_sample_size(len(inputs), warm_ms)
    indexed = sample_inputs(inputs, size)

    progress.phase("sample")
    overhead = _timer_overhead()
    payload = _Payload()
    rows = _rows_from(_sequential(fn, is_async, indexed, progress, "sample run", payload), overhead)
    threads_after = _process_threads()
    walls = [r[1] for r in rows]
    thread_cpus = [r[2] for r in rows]
    cpus = [r[3] for r in rows]
    delays = [r[4] for r in rows]
    wall_total = sum(walls)
    cpu_total = sum(cpus)
    delay_known = _RunDelay().available

    # Against the time the calling thread had a core: a busy machine must not read as fewer threads.
    running_total = wall_total - sum(delays)
    cpu_over_wall = cpu_total / running_total if running_total > 0 else 0.0
    # Other threads must have done the extra CPU: for microsecond tasks the ratio alone is timer noise.
    helpers_computed = cpu_total > NATIVE_THREADS_ABOVE * sum(thread_cpus)
    threads_per_task = max(1, round(cpu_over_wall)) if helpers_computed and cpu_over_wall > NATIVE_THREADS_ABOVE else 1
    cpu_ms = cpu_total / size
    waits = [max(0.0, w - c / threads_per_task - d) for w, c, d in zip(walls, cpus, delays)]
    wait_ms = sum(waits) / size
    delay_ms = sum(delays) / size

    figures = {
        "cpuMsPerTask": {
            "value": _sig(cpu_ms),
            "how": f"time.process_time() around each call (CPU of every thread of the process), mean of {size} "
            f"sample tasks after {warm_calls} warm-up call{'s' if warm_calls > 1 else ''}",
        },
        "waitMsPerTask": {
            "value": _sig(wait_ms),
            "how": "wall time (time.perf_counter) less CPU time"
            + (f" / {threads_per_task} threads" if threads_per_task > 1 else "")
            + (" less the time runnable but waiting for a core (/proc/thread-self/schedstat: the machine's other load)"
               if delay_known else "")
            + ", per task, mean; no interpreter start-up or import is in it",
        },
        "callingThreadCpuMsPerTask": {
            "value": _sig(sum(thread_cpus) / size),
            "how": "time.thread_time() around each call: the CPU of the thread that called the function",
        },
        "runDelayMsPerTask": {
            "value": _sig(delay_ms) if delay_known else None,
            "how": "time the calling thread was runnable but waiting for a core, per task (/proc/thread-self/schedstat); "
            "taken out of the wait" if delay_known else "not available on this system (no /proc/thread-self/schedstat)",
        },
        "taskWallMs": _spread(walls, f"wall time of each of the {size} sample tasks, one after another"),
        "taskCpuMs": _spread(cpus, "process CPU time of each sample task"),
    }

    threads_how = (
        f"process CPU over the tasks' wall time less run delay: {cpu_over_wall:.2f}"
        + (f" (above {NATIVE_THREADS_ABOVE}, with other threads' CPU beside the caller's: the tasks compute on about "
           f"{threads_per_task} threads at once; no more than the {cores} cores can show)" if threads_per_task > 1 else
           " (one thread computes: at most {0}, or no CPU on other threads)".format(NATIVE_THREADS_ABOVE))
        + (f"; the process ran {threads_after} thread{'s' if threads_after != 1 else ''} after the sample "
           f"({threads_before} before the first call, /proc/self/task)" if threads_after is not None else "")
    )
    figures["threadsPerTask"] = {
        "value": threads_per_task,
        "how": threads_how,
        "cpuOverWall": _sig(cpu_over_wall, 3),
        "processThreads": threads_after,
    }

    # The GIL: the same tasks side by side on threads.
    gil = {"value": 0.0, "threads": None}
    if is_async:
        gil["how"] = ("not measured: an async function's tasks share one event loop, whose thread runs their CPU "
                      "one at a time whatever releases the GIL; 0 in the profile")
    elif cores < 2:
        gil["how"] = ("not measured: one core, where two threads cannot compute at once whatever they release; "
                      "0 in the profile, which changes no prediction on one core")
    elif cpu_ms <= 0 or cpu_ms / (cpu_ms + wait_ms) < MIN_CPU_SHARE_FOR_GIL:
        gil["how"] = (f"not measured: the tasks spend under {MIN_CPU_SHARE_FOR_GIL:.0%} of their time on CPU, "
                      "so the share changes no plan; 0 in the profile")
    else:
        threads = _gil_threads(cpu_ms, wait_ms, size)
        per_thread = max(1, math.ceil(GIL_RUN_CPU_MS / (threads * cpu_ms)))
        side_by_side = [indexed[i % size] for i in range(threads * per_thread)]
        progress.phase("threads")
        accounts = _on_threads(fn, side_by_side, threads, progress)
        share, cpu_on_threads, queued = _gil_share(accounts, wait_ms, threads)
        gil = {
            "value": round(share, 2),
            "threads": threads,
            "how": (
                f"{len(side_by_side)} sample tasks (repeated to {GIL_RUN_CPU_MS:g} ms of CPU) on {threads} threads: each thread's wall time less its CPU "
                f"time, its run delay and its tasks' waits is its time queued for the GIL, {queued:.3g} ms per task of "
                f"{cpu_on_threads:.3g} ms CPU; r = 1 - queued / (({threads} - 1) x CPU), since {threads} tasks side by "
                f"side whose GIL-held part (1 - r) takes turns finish in ({threads}(1 - r) + r) task times "
                f"(2 threads: 2 tasks in (2 - r)); switch interval {GIL_RUN_SWITCH_INTERVAL_S * 1000:g} ms during the run"
            ),
        }
        if threads_per_task > 1:
            gil["how"] += "; with native threads per task, only the calling threads' CPU is counted"

    figures["gilReleasedShare"] = gil

    in_mean = sum(payload.in_bytes) / len(payload.in_bytes) if payload.in_bytes else 0
    out_mean = sum(payload.out_bytes) / len(payload.out_bytes) if payload.out_bytes else 0
    figures["payloadBytesPerTask"] = {
        "value": round(in_mean + out_mean) if payload.problem is None else None,
        "inBytes": round(in_mean),
        "outBytes": round(out_mean),
        "how": "len(pickle.dumps(argument)) + len(pickle.dumps(result)), mean over the sample: what a process pool "
        "sends each way" if payload.problem is None else f"not measured: {payload.problem}",
    }
    if payload.problem is not None:
        notes.append(f"A process pool cannot run these tasks as they are: {payload.problem}. "
                     "The process and hybrid plans need picklable arguments and results.")

    rows_by_index = {}
    for row in rows:
        rows_by_index[row[0]] = max(rows_by_index.get(row[0], 0.0), row[1])
    start_bytes, peak_bytes, memory_problem, memory_tasks = _worker_memory(fn, indexed, is_async, rows_by_index, progress)
    start_method = multiprocessing.get_start_method()
    if memory_problem is None and start_method == "fork" and start_bytes > max(peak_bytes / 2, FORK_NOTE_ABOVE_BYTES):
        notes.append(
            f"The worker started with {start_bytes / BYTES_PER_MB:.0f} MB of its {peak_bytes / BYTES_PER_MB:.0f} MB peak "
            "resident: pages of the parent that fork shares until written. Against a memoryLimitMb, its own growth "
            f"({(peak_bytes - start_bytes) / BYTES_PER_MB:.0f} MB) is what each further worker adds."
        )
    if memory_problem is None:
        figures["memoryMbPerWorker"] = {
            "value": round(peak_bytes / BYTES_PER_MB, 1),
            "startMb": round(start_bytes / BYTES_PER_MB, 1),
            "how": f"peak RSS (resource.getrusage ru_maxrss) of a fresh worker process ({start_method} start method) "
            f"after {memory_tasks} sample task{'s' if memory_tasks > 1 else ''}, the longest included; "
            f"{start_bytes / BYTES_PER_MB:.1f} MB before its first task"
            + (", pages shared with the parent included" if start_method == "fork" else ""),
        }
    else:
        figures["memoryMbPerWorker"] = {"value": None, "startMb": None, "how": memory_problem}
        notes.append(f"Memory per worker was {memory_problem}.")

    median_wall = figures["taskWallMs"]["p50"]
    if median_wall > 0 and figures["taskWallMs"]["max"] > STRAGGLER_OVER_MEDIAN * median_wall:
        notes.append(
            f"The longest sample task took {figures['taskWallMs']['max']:.3g} ms, {figures['taskWallMs']['max'] / median_wall:.0f}x "
            f"the median ({median_wall:.3g} ms): the profile carries the mean, and a few long tasks can set the wall "
            "time of a plan with few workers or large chunks."
        )
    if size > len(inputs):
        notes.append(f"The sample repeats the {len(inputs)} input{'s' if len(inputs) > 1 else ''} to make {size} tasks.")

    runtime = _runtime()
    profile = {
        "runtime": runtime,
        "tasks": tasks,
        "cpuMsPerTask": figures["cpuMsPerTask"]["value"],
        "waitMsPerTask": figures["waitMsPerTask"]["value"],
        "gilReleasedShare": figures["gilReleasedShare"]["value"],
        "threadsPerTask": threads_per_task,
        "cores": cores,
        "basis": "probed",
    }
    if not is_async:
        # A plain function blocks in its waits: an event loop could run it only rewritten as a coroutine.
        profile["blockingWaits"] = True
    if label:
        profile = {"name": f"probe of {label}"[:120], **profile}
    if figures["payloadBytesPerTask"]["value"] is not None:
        profile["payloadBytesPerTask"] = figures["payloadBytesPerTask"]["value"]
    if figures["memoryMbPerWorker"]["value"]:
        profile["memoryMbPerWorker"] = figures["memoryMbPerWorker"]["value"]

    return {
        "function": label,
        "async": is_async,
        "runtime": runtime,
        "implementation": f"{platform.python_implementation()} {platform.python_version()}",
        "startMethod": start_method,
        "cores": cores,
        "inputs": len(inputs),
        "tasks": tasks,
        "sample": {"size": size, "warmUpCalls": warm_calls, "seconds": round(_now() - started, 2)},
        "figures": figures,
        "profile": profile,
        "notes": notes,
    }
