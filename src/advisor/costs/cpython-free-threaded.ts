import { cpythonCosts } from './cpython.js';
import type { RuntimeCostTable } from './types.js';

/** Free-threaded CPython (3.13t, PEP 703): the same pools without a GIL. */
export const cpythonFreeThreadedCosts: RuntimeCostTable = {
  ...cpythonCosts,
  gilSwitchIntervalMs: { value: 0, source: 'PEP 703 removes the GIL: no convoy behind it' },
  threadDispatchMs: {
    value: cpythonCosts.threadDispatchMs.value * 1.2,
    source:
      "CPython's measured figure plus 20%: PEP 703 reports a 5-20% single-thread cost from biased reference counting (no 3.13t build here)",
  },
  asyncDispatchMs: {
    value: cpythonCosts.asyncDispatchMs.value * 1.2,
    source: "CPython's measured figure plus 20%, as for thread dispatch: the event loop pays the same single-thread cost",
  },
};
