import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  CalibrationReportSchema,
  costsFromCalibration,
  type CalibrationReport,
  type StartMethod,
} from '../../advisor/costs/cpython-calibration.js';
import type { CalibrationResult } from '../calibration.js';
import { CliError, EXIT } from '../errors.js';
import { pythonScript } from '../python-scripts.js';

const INTERPRETERS = { cpython: 'python3', pypy: 'pypy3' } as const;

const SCRIPT = pythonScript('calibrate.py');

/** Runs python/calibrate.py --quick; its progress goes to our stderr as it comes, its report to stdout. */
function runCalibrator(interpreter: string): Promise<unknown> {
  if (!existsSync(SCRIPT)) {
    return Promise.reject(new CliError(`cannot calibrate: ${SCRIPT} is missing from this installation`, EXIT.harness));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(interpreter, [SCRIPT, '--quick'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      // A calibration should leave no __pycache__ in the installed package (its pool children import benchlib).
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new CliError(
          error.code === 'ENOENT'
            ? `cannot calibrate: ${interpreter} is not on the PATH (it runs python/calibrate.py, standard library only)`
            : `cannot calibrate: starting ${interpreter} failed: ${error.message}`,
          EXIT.harness,
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(
          new CliError(`the calibrator (${interpreter} ${SCRIPT} --quick) failed with ${signal ?? `exit code ${code}`}`, EXIT.harness),
        );
        return;
      }
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new CliError(`the calibrator (${interpreter}) printed no JSON report`, EXIT.harness));
      }
    });
  });
}

function checked(report: unknown, interpreter: string): CalibrationReport {
  const parsed = CalibrationReportSchema.safeParse(report);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
  throw new CliError(`the calibrator (${interpreter}) sent a report without the expected figures: ${where}`, EXIT.harness);
}

/** Measures a Python runtime's costs on this machine with python/calibrate.py and maps them as cpython.ts does. */
export async function calibratePython(
  runtime: keyof typeof INTERPRETERS,
  startMethod: StartMethod | undefined,
): Promise<CalibrationResult> {
  const interpreter = INTERPRETERS[runtime];
  const report = checked(await runCalibrator(interpreter), interpreter);
  const method = startMethod ?? report.machine.defaultStartMethod;
  if (report.processStartMs[method] === undefined) {
    throw new CliError(`cannot calibrate ${method} on ${interpreter}: its process pools failed with that start method`, EXIT.harness);
  }
  return {
    runtime,
    measuredOn: `${report.machine.implementation} ${report.machine.python} (${interpreter}), start method ${method}`,
    costs: costsFromCalibration(report, method),
  };
}
