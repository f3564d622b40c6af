import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import ts from 'typescript';
import { snippetFor } from '../../../src/advisor/explain/snippets.js';
import { ProfileSchema } from '../../../src/advisor/profile.js';
import { resolveWork } from '../../../src/advisor/work.js';
import type { ExecutionModel, InnerModel } from '../../../src/advisor/plan.js';

const run = promisify(execFile);
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snippets-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function snippet(runtime: 'cpython' | 'node', model: ExecutionModel, extra: Record<string, unknown> = {}, inner?: InnerModel) {
  const work = resolveWork(ProfileSchema.parse({ runtime, tasks: 12, cpuMsPerTask: 1, waitMsPerTask: 2, cores: 2, ...extra }), 2);
  const plan = {
    model,
    processes: model === 'processes' || model === 'hybrid' ? 2 : 1,
    threadsPerProcess: model === 'sequential' || model === 'processes' ? 1 : 3,
    chunkSize: 4,
    ...(inner ? { inner } : {}),
  };
  return snippetFor(work, plan);
}

/** Every model with each kind of inside it has: an event loop alone or handing its CPU to threads, and a hybrid of either. */
const KINDS: Array<[ExecutionModel, InnerModel | undefined]> = [
  ['sequential', undefined],
  ['async', 'async'],
  ['async', 'threads'],
  ['threads', 'threads'],
  ['processes', undefined],
  ['hybrid', 'threads'],
  ['hybrid', 'async'],
];
const nameOf = (model: ExecutionModel, inner?: InnerModel) => (inner && inner !== model ? `${model} (${inner})` : model);

describe('Python snippets run as written', () => {
  for (const [model, inner] of KINDS) {
    test(nameOf(model, inner), async () => {
      const { language, code } = snippet('cpython', model, { threadsPerTask: 2 }, inner);
      assert.equal(language, 'python');
      if (model === 'async') assert.match(code, inner === 'threads' ? /asyncio\.to_thread/ : /^async def task/m);
      if (model === 'hybrid') assert.match(code, inner === 'async' ? /asyncio\.run\(run_all\(chunk\)\)/ : /ThreadPoolExecutor/);
      const file = join(dir, `${model}-${inner ?? 'none'}.py`);
      await writeFile(file, code);
      const { stdout } = await run('python3', [file], { timeout: 30_000 });
      assert.match(stdout, /^12 tasks in \d+\.\d+ s$/m);
      if (model !== 'sequential') assert.match(code, /OMP_NUM_THREADS/);
    });
  }
});

describe('TypeScript snippets compile', () => {
  for (const [model, inner] of KINDS) {
    test(nameOf(model, inner), () => {
      const { language, code } = snippet('node', model, {}, inner);
      if (model === 'async' || model === 'hybrid') assert.equal(/Piscina/.test(code), inner === 'threads');
      assert.equal(language, 'typescript');
      const out = ts.transpileModule(code, {
        reportDiagnostics: true,
        compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 },
      });
      assert.deepEqual(out.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
    });
  }

  test('the async snippet runs and does every task', async () => {
    const { code } = snippet('node', 'async');
    const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    const file = join(dir, 'async.mjs');
    await writeFile(file, js.outputText);
    const { stdout } = await run(process.execPath, [file], { timeout: 30_000 });
    assert.match(stdout, /^12 tasks in \d+ ms$/m);
  });
});
