"""Task functions run by harness.py.

They are module-level so they pickle by reference for process pools. Each
task takes exactly one argument (executor.map passes one item per task);
when a task needs several parameters they travel as a tuple. Work sizes
(loop counts, repetitions) are computed in the parent by the calibrate_*
functions below and passed in, so a task does the same work whatever
process runs it.
"""

import asyncio
import hashlib
import http.server
import json
import os
import random
import socket
import threading
import time
import urllib.request
import zlib
from concurrent.futures import ThreadPoolExecutor

from benchlib import spin

MiB = 1 << 20

# --------------------------------------------------------------------------
# Pure Python CPU
# --------------------------------------------------------------------------


def spin_task(iters):
    return spin(iters)


def mixed_task(arg):
    """CPU under the GIL, then a wait that releases it (like a request
    handler that computes and then calls a slow service)."""
    iters, sleep_s = arg
    x = spin(iters)
    time.sleep(sleep_s)
    return x


# --------------------------------------------------------------------------
# Native work: hashlib and zlib release the GIL, json does not.
# --------------------------------------------------------------------------

HASH_BUF_BYTES = MiB
HASH_SMALL_BYTES = 1024


def hash_big_task(n_updates):
    # Built inside the task as the brief requires; b"x" * n is a memset in C
    # (~0.05 ms per MiB), negligible next to hashing it n times.
    buf = b"\xa5" * HASH_BUF_BYTES
    h = hashlib.sha256()
    for _ in range(n_updates):
        # hashlib releases the GIL while hashing any update of >= 2048 bytes
        # (HASHLIB_GIL_MINSIZE), so almost the whole task runs without it.
        h.update(buf)
    return h.hexdigest()[:16]


def hash_small_task(n_updates):
    # Same algorithm, but 1 KiB updates: below HASHLIB_GIL_MINSIZE the GIL is
    # kept during hashing, so this "native" work does not parallelize on
    # threads. A naive "hashlib releases the GIL" rule gets this wrong.
    chunk = b"\xa5" * HASH_SMALL_BYTES
    h = hashlib.sha256()
    for _ in range(n_updates):
        h.update(chunk)
    return h.hexdigest()[:16]


ZLIB_BLOCK_BYTES = 64 * 1024
_zlib_data = None


def zlib_block():
    """64 KiB of semi-compressible bytes, built once per process.

    random.Random(...).randbytes and bytes.translate are C loops holding the
    GIL, but at ~1 ms this is paid once per process, not per task. Mapping
    random bytes onto 16 symbols gives ~4 bits of entropy per byte, so zlib
    compresses it to about half: real work for deflate, not a degenerate
    all-zero or incompressible input.
    """
    global _zlib_data
    if _zlib_data is None:
        raw = random.Random(12345).randbytes(ZLIB_BLOCK_BYTES)
        table = bytes(b"abcdefghijklmnop"[i % 16] for i in range(256))
        _zlib_data = raw.translate(table)
    return _zlib_data


def zlib_task(n_blocks):
    data = zlib_block()
    out = 0
    for _ in range(n_blocks):
        # zlib.compress releases the GIL around deflate().
        out += len(zlib.compress(data, 6))
    return out


_json_doc = None


def json_doc():
    """A ~200 KB JSON document, built once per process."""
    global _json_doc
    if _json_doc is None:
        rng = random.Random(7)
        items = [
            {"id": i, "name": f"item-{i}", "price": rng.random() * 100,
             "tags": ["a", "b", str(i % 13)], "ok": i % 3 == 0}
            for i in range(2000)
        ]
        _json_doc = json.dumps(items)
    return _json_doc


def json_task(n_parses):
    # json.loads is C-accelerated but runs entirely with the GIL held: it
    # creates Python objects. "Native" is not the same as "GIL released".
    doc = json_doc()
    n = 0
    for _ in range(n_parses):
        n += len(json.loads(doc))
    return n


# --------------------------------------------------------------------------
# Payloads
# --------------------------------------------------------------------------


def payload_task(arg):
    """Receive a big bytes object, do a little CPU, return something small."""
    data, iters = arg
    spin(iters)
    return len(data), zlib.crc32(data[:4096])


def return_payload_task(arg):
    """Small in, big out: results travel back through the parent."""
    nbytes, iters = arg
    spin(iters)
    return b"\x5a" * nbytes


# --------------------------------------------------------------------------
# Waiting
# --------------------------------------------------------------------------


def sleep_task(seconds):
    time.sleep(seconds)
    return seconds


# An opener with no proxy handler: urllib would otherwise honour http_proxy
# variables and route 127.0.0.1 through a proxy if one were configured.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_task(url):
    with _opener.open(url, timeout=30) as r:
        return len(r.read())


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    delay_s = 0.02
    body = b"ok " * 10

    def do_GET(self):
        time.sleep(self.delay_s)
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *a):
        pass


class _Server(http.server.ThreadingHTTPServer):
    # The default listen backlog is 5: with 64+ concurrent clients, SYNs
    # beyond it are dropped and retried after ~1 s, which would measure TCP
    # retransmission instead of the pools.
    request_queue_size = 1024
    daemon_threads = True


def serve_http(port_conn):
    """Body of the server process: bind a free port, report it, serve."""
    srv = _Server(("127.0.0.1", 0), _SlowHandler)
    port_conn.send(srv.server_address[1])
    port_conn.close()
    srv.serve_forever(poll_interval=0.2)


# --------------------------------------------------------------------------
# Hybrid: a process pool whose workers each run a thread pool.
# --------------------------------------------------------------------------

_hybrid_pool = None
_hybrid_k = None


def hybrid_chunk(arg):
    """Run one chunk of tasks on this process's thread pool.

    The thread pool is created lazily once per process and reused for every
    chunk the process receives, as a long-lived hybrid worker would.
    """
    global _hybrid_pool, _hybrid_k
    fn, k, items = arg
    if _hybrid_pool is None or _hybrid_k != k:
        if _hybrid_pool is not None:
            _hybrid_pool.shutdown()
        _hybrid_pool = ThreadPoolExecutor(max_workers=k)
        _hybrid_k = k
    return list(_hybrid_pool.map(fn, items))


# --------------------------------------------------------------------------
# The same tasks on an event loop: `afn(arg, offload)` awaits where the sync
# task blocks; with offload its CPU part runs on a thread (asyncio.to_thread),
# as a loop that hands CPU to a small pool would.
# --------------------------------------------------------------------------


async def _cpu(fn, arg, offload):
    return await asyncio.to_thread(fn, arg) if offload else fn(arg)


class AsyncOf:
    """A task with no wait, on the loop: its CPU runs there (or on a thread). Pickles, for hybrid children."""

    def __init__(self, fn):
        self.fn = fn

    async def __call__(self, arg, offload=False):
        return await _cpu(self.fn, arg, offload)


async def async_spin_task(arg, offload=False):
    return await _cpu(spin, arg, offload)


async def async_sleep_task(seconds, offload=False):
    await asyncio.sleep(seconds)
    return seconds


async def async_mixed_task(arg, offload=False):
    iters, sleep_s = arg
    x = await _cpu(spin, iters, offload)
    await asyncio.sleep(sleep_s)
    return x


async def async_http_task(url, offload=False):
    """The urllib GET of http_task with asyncio streams: a new connection, HTTP/1.0, read to the end."""
    host, port = url.split("//")[1].rstrip("/").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET / HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n".encode())
    data = await reader.read()
    writer.close()
    return len(data.split(b"\r\n\r\n", 1)[1])


# A loopback service that answers after a delay (benchlib.serve_delay), on a
# persistent connection per thread, or per task slot of an event loop, as a
# client with a connection pool keeps them.

_delay_local = threading.local()


def _delay_conn(port):
    """This thread's connection; a forked child opens its own rather than share its parent's socket."""
    conn = getattr(_delay_local, "conn", None)
    if conn is None or conn[0] != os.getpid():
        sock = socket.create_connection(("127.0.0.1", port))
        conn = _delay_local.conn = (os.getpid(), sock, sock.makefile("rb"))
    return conn


def delay_task(arg):
    """(port, delay ms, spin iterations): compute, then one request the service answers after the delay."""
    port, delay_ms, iters = arg
    x = spin(iters) if iters else 0
    _, sock, reader = _delay_conn(port)
    sock.sendall(f"{delay_ms}\n".encode())
    reader.readline()
    return x


_loop_conns = {}


async def async_delay_task(arg, offload=False):
    port, delay_ms, iters = arg
    x = await _cpu(spin, iters, offload) if iters else 0
    idle = _loop_conns.setdefault(id(asyncio.get_running_loop()), [])
    reader, writer = idle.pop() if idle else await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{delay_ms}\n".encode())
    await reader.readline()
    idle.append((reader, writer))
    return x


def close_loop_conns():
    """Close the running loop's pooled connections (call at the end of the loop's main)."""
    for _, writer in _loop_conns.pop(id(asyncio.get_running_loop()), []):
        writer.close()


async def run_lanes(afn, items, in_flight, offload=False):
    """`in_flight` lanes each take the next item when their last one is done: at most in_flight at once."""
    results = [None] * len(items)
    it = iter(range(len(items)))

    async def lane():
        for i in it:
            results[i] = await afn(items[i], offload)

    await asyncio.gather(*(lane() for _ in range(min(in_flight, len(items)))))
    return results


def run_loop(afn, items, in_flight, offload=False, cores=None):
    """One event loop over the items; with offload its default executor has a thread per core."""
    async def main():
        if offload:
            asyncio.get_running_loop().set_default_executor(
                ThreadPoolExecutor(max_workers=max(1, min(cores or 1, in_flight))))
        try:
            return await run_lanes(afn, items, in_flight, offload)
        finally:
            close_loop_conns()
    return asyncio.run(main())


_hybrid_loop = None


def hybrid_async_chunk(arg):
    """Run one chunk of tasks on this process's event loop, `k` in flight.

    The loop (and the connections its tasks pooled) is created once per
    process and kept for every chunk the process receives, as the thread
    pool of hybrid_chunk is.
    """
    global _hybrid_loop
    afn, k, items = arg
    if _hybrid_loop is None:
        _hybrid_loop = asyncio.new_event_loop()
    return _hybrid_loop.run_until_complete(run_lanes(afn, items, k))


# --------------------------------------------------------------------------
# Calibration of the native workloads (run in the parent at start-up).
# --------------------------------------------------------------------------


def _median_ms(fn, reps=5):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


def calibrate_units():
    """ms per unit of work for each native workload, on this machine."""
    zlib_block()
    json_doc()
    return {
        "hashBigMsPerMiB": _median_ms(lambda: hash_big_task(20)) / 20,
        "hashSmallMsPerKiB": _median_ms(lambda: hash_small_task(20000)) / 20000,
        "zlibMsPer64KiB": _median_ms(lambda: zlib_task(10)) / 10,
        "jsonMsPerParse": _median_ms(lambda: json_task(5)) / 5,
    }
