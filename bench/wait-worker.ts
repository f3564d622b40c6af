/** A task that only blocks, as a thread waiting on IO does: how many worker threads pay off for waits. */
const cell = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

export default function wait(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}
