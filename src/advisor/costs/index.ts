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

function costsOf(table: RuntimeCostTable, overrides: Partial<Record<CostName, number>>): Costs {
  // Built field by field in COST_NAMES' order, so every Costs object has one shape: the model reads them in
  // its hottest code, where Object.fromEntries's objects were slower.
  const costs = {} as Costs;
  for (const name of COST_NAMES) costs[name] = overrides[name] ?? table[name].value;
  return costs;
}

/** Each runtime's own constants, built once: most profiles lay nothing over them. */
const TABLE_COSTS = new Map(Object.entries(COST_TABLES).map(([runtime, table]) => [runtime, Object.freeze(costsOf(table, {}))]));

/** The runtime's constants with the client's own measurements laid over them. */
export function costsFor(runtime: Runtime, overrides?: Partial<Record<CostName, number>>): Costs {
  return overrides === undefined ? TABLE_COSTS.get(runtime)! : costsOf(COST_TABLES[runtime], overrides);
}

export { COST_NAMES, type CostName, type Costs, type RuntimeCostTable } from './types.js';
