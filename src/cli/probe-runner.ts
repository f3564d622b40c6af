import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { EXECUTION_MODELS } from '../advisor/plan.js';
import { RUNTIMES } from '../advisor/profile.js';
import { CliError, EXIT } from './errors.js';
import { pythonScript } from './python-scripts.js';

const MODULE = 'task_advisor_probe';
/** python/, which holds the probe's package: put on PYTHONPATH so that `-m` finds it. */
const PYTHON_DIR = dirname(pythonScript(MODULE));

/** How often the watchdog reads the probe's progress record (python/task_advisor_probe/progress.py). */
const WATCH_EVERY_MS = 200;
const PROGRESS_BYTES = 12;

const FigureSchema = z.object({ value: z.number().nullable(), how: z.string() });
const SpreadSchema = z.object({ p50: z.number(), p95: z.number(), max: z.number(), how: z.string() });

export const ProbeReportSchema = z.object({
  function: z.string(),
  async: z.boolean(),
  runtime: z.enum(RUNTIMES),
  implementation: z.string(),
  startMethod: z.string(),
  cores: z.number().int().min(1),
  inputs: z.number().int().min(1),
  tasks: z.number().int().min(1),
  sample: z.object({ size: z.number().int().min(1), warmUpCalls: z.number().int(), seconds: z.number() }),
  figures: z.object({
    cpuMsPerTask: FigureSchema,
    waitMsPerTask: FigureSchema,
    callingThreadCpuMsPerTask: FigureSchema,
    runDelayMsPerTask: FigureSchema,
    gilReleasedShare: FigureSchema.extend({ threads: z.number().int().nullable() }),
    threadsPerTask: FigureSchema.extend({ cpuOverWall: z.number(), processThreads: z.number().int().nullable() }),
    payloadBytesPerTask: FigureSchema.extend({ inBytes: z.number(), outBytes: z.number() }),
    memoryMbPerWorker: FigureSchema.extend({ startMb: z.number().nullable() }),
    taskWallMs: SpreadSchema,
    taskCpuMs: SpreadSchema,
  }),
  /** Checked against the profile schema by the caller, after its own fields are added. */
  profile: z.record(z.string(), z.unknown()),
  notes: z.array(z.string()),
});
export type ProbeReport = z.infer<typeof ProbeReportSchema>;

export const PlanSchema = z.object({
  model: z.enum(EXECUTION_MODELS),
  processes: z.number().int().min(1),
  threadsPerProcess: z.number().int().min(1),
  chunkSize: z.number().int().min(1),
});
export type PlanToRun = z.infer<typeof PlanSchema>;

const VerifiedSchema = z.array(PlanSchema.extend({ wallMs: z.array(z.number()) }));
export type VerifiedRun = z.infer<typeof VerifiedSchema>[number];
/** The 1-minute load average before and after the verification's runs. */
const LoadSchema = z.tuple([z.number(), z.number()]);

const ErrorSchema = z.object({
  kind: z.string(),
  message: z.string(),
  details: z.array(z.string()),
});

/** Which message it is; each kind's own schema checks the rest (so no field is stripped here). */
const MessageSchema = z.union([
  z.looseObject({ report: z.unknown() }),
  z.looseObject({ verified: z.unknown() }),
  z.looseObject({ error: ErrorSchema }),
]);

/** The probe's error kinds, as the CLI's exit codes. */
const EXIT_FOR_KIND: Record<string, number> = {
  usage: EXIT.usage,
  missing: EXIT.file,
  json: EXIT.json,
  invalid: EXIT.profile,
  raised: EXIT.raised,
};

const PHASES: Record<number, { label: string; oneAtATime: boolean }> = {
  1: { label: 'while importing it', oneAtATime: false },
  2: { label: 'in the warm-up', oneAtATime: true },
  3: { label: 'in the sample run', oneAtATime: true },
  4: { label: 'while the sample ran on threads', oneAtATime: false },
  5: { label: 'in a worker process (memory)', oneAtATime: false },
  6: { label: 'while verifying the plans', oneAtATime: false },
};

export interface ProbeOptions {
  /** The interpreter: python3, pypy3 or a path. */
  python: string;
  /** The module's own arguments: the function, the inputs, --tasks, --sample. */
  args: string[];
  /** A call (or, on pools, a finished task) may take this long before the probe is stopped. */
  timeoutMs: number;
  verify: boolean;
}

export interface ProbeSession {
  report: ProbeReport;
  /** Runs the plans on the same sample, `rounds` times each in alternating order; only with `verify`. */
  verify(plans: PlanToRun[], rounds: number): Promise<{ runs: VerifiedRun[]; loadAverage: [number, number] }>;
  /** Ends the probe's process; waits for it. */
  close(): Promise<void>;
}

function fail(message: string): CliError {
  return new CliError(message, EXIT.harness);
}

/**
 * Runs `python -m task_advisor_probe --protocol` with python/ on PYTHONPATH: the report arrives on fd 3,
 * plans to verify go on fd 4, and the user's own output goes to our stderr so stdout carries only the
 * result. The probe runs in its own process group, so that a call that does not return within the
 * timeout is stopped with every pool process it started.
 */
export async function startProbe(options: ProbeOptions): Promise<ProbeSession> {
  const dir = await mkdtemp(join(tmpdir(), 'task-advisor-probe-'));
  const progressPath = join(dir, 'progress');
  const progress = await open(progressPath, 'w+');
  await progress.write(Buffer.alloc(PROGRESS_BYTES), 0, PROGRESS_BYTES, 0);

  const existing = process.env.PYTHONPATH;
  const child = spawn(
    options.python,
    ['-m', MODULE, '--protocol', '--progress', progressPath, ...(options.verify ? ['--verify'] : []), ...options.args],
    {
      stdio: ['ignore', 2, 'inherit', 'pipe', 'pipe'],
      detached: true,
      // No __pycache__ left in the installed python/ folder.
      env: { ...process.env, PYTHONPATH: existing ? `${PYTHON_DIR}:${existing}` : PYTHON_DIR, PYTHONDONTWRITEBYTECODE: '1' },
    },
  );
  return new Session(child, progress, dir, options).start();
}

class Session implements ProbeSession {
  report!: ProbeReport;
  private readonly messages: unknown[] = [];
  private waiting: { resolve: (message: unknown) => void; reject: (error: Error) => void } | undefined;
  private ended: CliError | undefined;
  private exited: Promise<void>;
  private watchdog: NodeJS.Timeout | undefined;
  private lastCount = -1;
  private lastChange = performance.now();
  private watching = true;
  private onInterrupt = () => this.stop(new CliError('interrupted: stopped the probe and its pools', 130));

  constructor(
    private readonly child: ChildProcess,
    private readonly progress: FileHandle,
    private readonly dir: string,
    private readonly options: ProbeOptions,
  ) {
    this.exited = new Promise((resolve) => child.on('close', () => resolve()));
  }

  async start(): Promise<this> {
    const { child, options } = this;
    process.once('SIGINT', this.onInterrupt);
    child.on('error', (error: NodeJS.ErrnoException) => {
      this.finish(
        fail(
          error.code === 'ENOENT'
            ? `cannot probe: ${options.python} is not on the PATH (it runs the probe, python/${MODULE}, standard library only)`
            : `cannot probe: starting ${options.python} failed: ${error.message}`,
        ),
      );
    });
    const lines = createInterface({ input: child.stdio[3] as Readable });
    lines.on('line', (line) => this.receive(line));
    child.on('close', (code, signal) => {
      this.finish(fail(`the probe (${options.python} -m ${MODULE}) ended with ${signal ?? `exit code ${code}`} before it reported`));
    });
    this.watchdog = setInterval(() => void this.watch(), WATCH_EVERY_MS);
    const message = await this.next();
    const parsed = ProbeReportSchema.safeParse((message as { report?: unknown }).report);
    if (!parsed.success) {
      await this.close();
      throw fail(`the probe sent a report without the expected figures: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    }
    this.report = parsed.data;
    // While the advice is worked out, the probe waits for plans and makes no progress by design.
    this.watching = false;
    return this;
  }

  async verify(plans: PlanToRun[], rounds: number): Promise<{ runs: VerifiedRun[]; loadAverage: [number, number] }> {
    this.lastChange = performance.now();
    this.watching = true;
    (this.child.stdio[4] as Writable).end(`${JSON.stringify({ plans, rounds })}\n`);
    const message = (await this.next()) as { verified?: unknown; loadAverage?: unknown };
    const runs = VerifiedSchema.safeParse(message.verified);
    const load = LoadSchema.safeParse(message.loadAverage);
    if (!runs.success || !load.success) throw fail('the probe sent a verification without the expected wall times');
    return { runs: runs.data, loadAverage: load.data };
  }

  async close(): Promise<void> {
    (this.child.stdio[4] as Writable | null)?.end();
    await this.exited;
    await this.cleanUp();
  }

  private async cleanUp(): Promise<void> {
    clearInterval(this.watchdog);
    process.off('SIGINT', this.onInterrupt);
    await this.progress.close().catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }

  private receive(line: string): void {
    let message: unknown;
    try {
      message = MessageSchema.parse(JSON.parse(line));
    } catch {
      this.finish(fail(`the probe sent a message that is not one of its own: ${line.slice(0, 200)}`));
      return;
    }
    if ('error' in (message as object)) {
      const { kind, message: text, details } = (message as { error: z.infer<typeof ErrorSchema> }).error;
      this.finish(new CliError(text, EXIT_FOR_KIND[kind] ?? EXIT.harness, details));
      return;
    }
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(message);
    } else {
      this.messages.push(message);
    }
  }

  private next(): Promise<unknown> {
    if (this.messages.length > 0) return Promise.resolve(this.messages.shift());
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The first reason the probe ended wins: an error it reported, a timeout, an interrupt, or its exit. */
  private finish(error: CliError): void {
    if (this.ended) return;
    this.ended = error;
    const waiting = this.waiting;
    this.waiting = undefined;
    void this.cleanUp().then(() => waiting?.reject(error));
  }

  private stop(error: CliError): void {
    this.finish(error);
    try {
      // The whole group: the probe, its threads and any pool processes it started.
      if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  private async watch(): Promise<void> {
    if (!this.watching || this.ended) return;
    const record = Buffer.alloc(PROGRESS_BYTES);
    try {
      await this.progress.read(record, 0, PROGRESS_BYTES, 0);
    } catch {
      return;
    }
    const count = record.readInt32LE(0);
    const now = performance.now();
    if (count !== this.lastCount) {
      this.lastCount = count;
      this.lastChange = now;
      return;
    }
    if (now - this.lastChange < this.options.timeoutMs) return;
    const phase = PHASES[record.readInt32LE(4)];
    const index = record.readInt32LE(8);
    const seconds = this.options.timeoutMs / 1000;
    const where =
      phase === undefined
        ? `no progress within ${seconds} s`
        : phase.oneAtATime && index >= 0
          ? `the function did not return within ${seconds} s on input #${index} (${phase.label.replace(/^in /, '')})`
          : `no task finished within ${seconds} s ${phase.label}`;
    this.stop(new CliError(`${where}; stopped the probe (--timeout ${seconds})`, EXIT.timeout));
  }
}
