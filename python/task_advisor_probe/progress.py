"""Where the probe is, for whoever watches it (task-advisor's CLI stops a call that does not return).

The record is three little-endian int32 in a shared file: a counter bumped by every call and every
finished task, the phase, and the input being called (-1 when tasks run side by side). It is a memory
store, not a write to a pipe, so even 5-microsecond tasks are not slowed by being watched.
"""

from __future__ import annotations

import mmap
import struct

PHASES = {"load": 1, "warm-up": 2, "sample": 3, "threads": 4, "memory": 5, "verify": 6}
RECORD = struct.Struct("<iii")


class Progress:
    """A no-op unless given a file of at least RECORD.size bytes to map."""

    def __init__(self, path: str | None = None) -> None:
        self._map = None
        self._count = 0
        self._phase = 0
        if path:
            with open(path, "r+b") as f:
                self._map = mmap.mmap(f.fileno(), RECORD.size)

    def _store(self, index: int) -> None:
        if self._map is not None:
            # Threads may bump it at once; a lost increment only delays the watcher's next look.
            self._count = (self._count + 1) & 0x7FFFFFFF
            RECORD.pack_into(self._map, 0, self._count, self._phase, index)

    def phase(self, name: str) -> None:
        self._phase = PHASES[name]
        self._store(-1)

    def call(self, index: int) -> None:
        self._store(index)

    def tick(self) -> None:
        self._store(-1)
