import { parentPort, workerData } from 'node:worker_threads';
import { checkRoute, type RouteOperation } from './route-properties.js';

/** Runs the properties of some routes in a worker thread, one after another, posting each report or failure as text. */
for (const operationId of workerData as RouteOperation[]) {
  try {
    parentPort!.postMessage({ operationId, ok: true, report: await checkRoute(operationId) });
  } catch (error) {
    parentPort!.postMessage({ operationId, ok: false, message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
  }
}
