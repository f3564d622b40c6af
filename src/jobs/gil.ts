/**
 * An emulation of CPython's GIL for worker threads: one lock per process, held while a thread computes
 * and handed over at the switch interval. It is a ticket lock in shared memory, so waiting threads get
 * it in arrival order, as CPython's forced switching roughly gives them. It is an emulation: the real
 * GIL's convoy effects and priority requests are not reproduced.
 */
const NEXT_TICKET = 0;
const NOW_SERVING = 1;

/** The shared memory behind one emulated GIL; pass it to every thread of the process. */
export function createGilMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

export class EmulatedGil {
  readonly #cells: Int32Array;

  constructor(memory: SharedArrayBuffer) {
    this.#cells = new Int32Array(memory);
  }

  acquire(): void {
    const ticket = Atomics.add(this.#cells, NEXT_TICKET, 1);
    for (;;) {
      const serving = Atomics.load(this.#cells, NOW_SERVING);
      if (serving === ticket) return;
      Atomics.wait(this.#cells, NOW_SERVING, serving);
    }
  }

  release(): void {
    Atomics.add(this.#cells, NOW_SERVING, 1);
    Atomics.notify(this.#cells, NOW_SERVING);
  }
}
