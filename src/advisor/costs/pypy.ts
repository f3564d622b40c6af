import { cpythonCosts } from './cpython.js';
import type { RuntimeCostTable } from './types.js';

const NOT_HERE = "No PyPy on this machine: CPython's measured figure is assumed";

/** PyPy keeps a GIL and the same concurrent.futures pools; its JIT speeds up the tasks, not the pool machinery. */
export const pypyCosts: RuntimeCostTable = {
  ...cpythonCosts,
  threadStartMs: { value: cpythonCosts.threadStartMs.value, source: NOT_HERE },
  threadDispatchMs: { value: cpythonCosts.threadDispatchMs.value, source: NOT_HERE },
  processPoolStartMs: { value: cpythonCosts.processPoolStartMs.value, source: NOT_HERE },
  processStartMs: {
    value: cpythonCosts.processStartMs.value * 2,
    source: `${NOT_HERE}, doubled: a PyPy process carries a larger heap and a cold JIT`,
  },
  processDispatchMs: { value: cpythonCosts.processDispatchMs.value, source: NOT_HERE },
  serializeMsPerMB: { value: cpythonCosts.serializeMsPerMB.value, source: NOT_HERE },
  deserializeMsPerMB: { value: cpythonCosts.deserializeMsPerMB.value, source: NOT_HERE },
};
