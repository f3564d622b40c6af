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
import type { ExecutionModel } from '../../../src/advisor/plan.js';

const run = promisify(execFile);
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snippets-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function snippet(runtime: 'cpython' | 'node', model: ExecutionModel, extra: Record<string, unknown> = {}) {
  const work = resolveWork(ProfileSchema.parse({ runtime, tasks: 12, cpuMsPerTask: 1, waitMsPerTask: 2, cores: 2, ...extra }), 2);
  const plan = { model, processes: model === 'processes' || model === 'hybrid' ? 2 : 1, threadsPerProcess: model === 'sequential' || model === 'processes' ? 1 : 3, chunkSize: 4 };
  return snippetFor(work, plan);
}

describe('Python snippets run as written', () => {
  for (const model of ['sequential', 'threads', 'processes', 'hybrid'] as const) {
    test(model, async () => {
      const { language, code } = snippet('cpython', model, { threadsPerTask: 2 });
      assert.equal(language, 'python');
      const file = join(dir, `${model}.py`);
      await writeFile(file, code);
      const { stdout } = await run('python3', [file], { timeout: 30_000 });
      assert.match(stdout, /^12 tasks in \d+\.\d+ s$/m);
      if (model !== 'sequential') assert.match(code, /OMP_NUM_THREADS/);
    });
  }
});

describe('TypeScript snippets compile', () => {
  for (const model of ['sequential', 'async', 'threads', 'processes', 'hybrid'] as const) {
    test(model, () => {
      const { language, code } = snippet('node', model);
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
