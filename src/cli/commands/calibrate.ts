import { START_METHODS, type StartMethod } from '../../advisor/costs/cpython-calibration.js';
import { fmtMs } from '../../advisor/format.js';
import { CostsOverrideSchema } from '../../advisor/profile.js';
import { toFieldIssues } from '../../http/validation-issues.js';
import { parse } from '../args.js';
import { CALIBRATED_RUNTIMES, costsObject, type CalibratedRuntime } from '../calibration.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { renderCalibration } from '../render.js';
import { calibrateNode } from './calibrate-node.js';
import { calibratePython } from './calibrate-python.js';

const CALIBRATE_USAGE = `Usage: task-advisor calibrate [--runtime ${CALIBRATED_RUNTIMES.join('|')}] [--start-method ${START_METHODS.join('|')}] [--json]

Measures this machine's costs that the model uses and prints them as a profile's "costs" object, so advice
fits the machine the work will run on; each replaces the runtime's default (see GET /costs).
  cpython, pypy  python/calibrate.py --quick run by python3 or pypy3 (standard library only, about 10 s):
                 thread and process pool start-up (each start method), per-task dispatch, payload
                 transfer, the GIL convoy. --start-method picks whose process start-up figures are printed
                 (default: the interpreter's default start method).
  node           measured in this process (a few seconds): worker thread and forked child start-up,
                 message round trips, a 1 MiB payload to each.
--json prints only the costs object; the table shows each cost beside its default and how it was measured.
`;

export async function runCalibrate(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      runtime: { type: 'string' },
      'start-method': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    io.stdout(CALIBRATE_USAGE);
    return EXIT.ok;
  }
  const runtime = (values.runtime ?? 'cpython') as CalibratedRuntime;
  if (!CALIBRATED_RUNTIMES.includes(runtime)) {
    throw new UsageError(`--runtime ${JSON.stringify(values.runtime)}: calibrate measures ${CALIBRATED_RUNTIMES.join(', ')}`);
  }
  const startMethod = values['start-method'] as StartMethod | undefined;
  if (startMethod !== undefined && !START_METHODS.includes(startMethod)) {
    throw new UsageError(`--start-method ${JSON.stringify(startMethod)} is not one of ${START_METHODS.join(', ')}`);
  }
  if (startMethod !== undefined && runtime === 'node') throw new UsageError('--start-method is for cpython and pypy');

  io.stderr(`task-advisor: measuring ${runtime}'s costs on this machine...\n`);
  const started = performance.now();
  const result = runtime === 'node' ? await calibrateNode() : await calibratePython(runtime, startMethod);
  const costs = costsObject(result);
  // A figure a noisy run pushed out of range must not reach a profile that the server would then refuse.
  const valid = CostsOverrideSchema.safeParse(costs);
  if (!valid.success) {
    throw new CliError(
      'a measurement came out of range (a noisy run?); run calibrate again',
      EXIT.harness,
      toFieldIssues(valid.error.issues).map((issue) => `  ${issue.path}: ${issue.message}`),
    );
  }
  io.stderr(`task-advisor: calibrated ${runtime} in ${fmtMs(performance.now() - started)}\n`);
  io.stdout(values.json ? `${JSON.stringify(costs, null, 2)}\n` : renderCalibration(result));
  return EXIT.ok;
}
