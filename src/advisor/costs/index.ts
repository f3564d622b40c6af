import type { Runtime } from '../profile.js';
import { cpythonFreeThreadedCosts } from './cpython-free-threaded.js';
import { cpythonCosts } from './cpython.js';
import { nodeCosts } from './node.js';
import { pypyCosts } from './pypy.js';
import { COST_NAMES, type CostName, type Costs, type RuntimeCostTable } from './types.js';

export const COST_TABLES: Record<Runtime, RuntimeCostTable> = {
  cpython: cpythonCosts,
  'cpython-free-threaded': cpythonFreeThreadedCosts,
  pypy: pypyCosts,
  node: nodeCosts,
};

/** The runtime's constants with the client's own measurements laid over them. */
export function costsFor(runtime: Runtime, overrides: Partial<Record<CostName, number>> = {}): Costs {
  const table = COST_TABLES[runtime];
  return Object.fromEntries(COST_NAMES.map((name) => [name, overrides[name] ?? table[name].value])) as Costs;
}

export { COST_NAMES, type CostName, type Costs, type RuntimeCostTable } from './types.js';
