"""Task functions run by harness.py.

They are module-level so they pickle by reference for process pools. Each
task takes exactly one argument (executor.map passes one item per task);
when a task needs several parameters they travel as a tuple. Work sizes
(loop counts, repetitions) are computed in the parent by the calibrate_*
functions below and passed in, so a task does the same work whatever
process runs it.
"""

import hashlib
import http.server
import json
import random
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
