"""Running tasks as the advice says: one after another, a thread pool, a process pool, or processes each
with a thread pool; and the worker process whose peak memory the probe reads.

Module level, so that worker processes can import what they run under every start method.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

try:
    import resource
except ImportError:  # Windows has no getrusage
    resource = None

MODELS = ("sequential", "threads", "async", "processes", "hybrid")


async def _in_flight(fn, values, limit, tick=None):
    """An async function's tasks on one event loop, at most `limit` awaiting at once, results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(value):
        async with gate:
            result = await fn(value)
        if tick is not None:
            tick()
        return result

    return await asyncio.gather(*(one(value) for value in values))


def run_chunk(fn, chunk, threads, is_async):
    """One message's worth of tasks inside a worker process: on its own thread pool (the hybrid), on one
    event loop for an async function, or one after another."""
    if is_async:
        return asyncio.run(_in_flight(fn, chunk, threads))
    if threads > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(fn, chunk))
    return [fn(value) for value in chunk]


def _chunks(values, size):
    return [values[i:i + size] for i in range(0, len(values), size)]


def _star_run_chunk(job):
    return run_chunk(*job)


def run_plan(fn, values, plan, is_async=None, progress=None):
    """Runs fn over values as `plan` says and returns the wall time in ms, pool start-up and shutdown
    included (as the advisor's predictions include them).

    plan: {"model": sequential|threads|async|processes|hybrid, "processes": p, "threadsPerProcess": k,
    "chunkSize": c}. An async function's "threads" (or "async") are k tasks in flight on one event loop;
    its processes each run their chunks on an event loop. Exceptions from fn propagate.
    """
    model = plan["model"]
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}: one of {', '.join(MODELS)}")
    processes = max(1, int(plan.get("processes", 1)))
    threads = max(1, int(plan.get("threadsPerProcess", 1)))
    chunk = max(1, int(plan.get("chunkSize", 1)))
    if is_async is None:
        is_async = inspect.iscoroutinefunction(fn)
    tick = progress.tick if progress is not None else (lambda: None)
    values = list(values)

    start = time.perf_counter()
    if model == "sequential":
        if is_async:
            asyncio.run(_in_flight(fn, values, 1, tick))
        else:
            for value in values:
                fn(value)
                tick()
    elif model in ("threads", "async"):
        if is_async:
            asyncio.run(_in_flight(fn, values, threads, tick))
        else:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                for _ in pool.map(fn, values):
                    tick()
    elif model == "processes" and not is_async:
        # Exactly what the advice's snippet runs: map with the advised chunk size.
        with ProcessPoolExecutor(max_workers=processes) as pool:
            for _ in pool.map(fn, values, chunksize=chunk):
                tick()
    else:
        per_process = threads if model == "hybrid" else 1
        jobs = [(fn, part, per_process, is_async) for part in _chunks(values, chunk)]
        with ProcessPoolExecutor(max_workers=processes) as pool:
            for _ in pool.map(_star_run_chunk, jobs):
                tick()
    return (time.perf_counter() - start) * 1000.0


def _peak_rss_bytes():
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return usage if sys.platform == "darwin" else usage * 1024


def peak_rss_after(fn, values, is_async):
    """Runs in a fresh worker process: its peak resident set before and after running `values`."""
    if resource is None:
        return {"unavailable": "resource.getrusage is not available on this platform"}
    start = _peak_rss_bytes()
    try:
        if is_async:
            asyncio.run(_in_flight(fn, values, 1))
        else:
            for value in values:
                fn(value)
    except Exception as error:  # reported to the parent, which names the input
        return {
            "raised": f"{type(error).__name__}: {error}",
            "traceback": traceback.format_exception(type(error), error, error.__traceback__),
        }
    return {"startBytes": start, "peakBytes": _peak_rss_bytes()}
