import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { renderAdvice, timeBars } from '../../src/cli/render.js';
import type { Advice } from '../../src/advisor/advice.js';
import { EXAMPLE_PROFILE } from '../../src/advisor/profile.js';
import { adviceFor } from '../helpers/advice.js';

const ESC = '\u001b[';
const mixed = adviceFor(EXAMPLE_PROFILE);
/** CPU-bound work that must be isolated: threads are not viable. */
const isolated = adviceFor({ tasks: 64, cpuMsPerTask: 200, waitMsPerTask: 0, cores: 8, needsIsolation: true });
/** Times within a factor of 10 of each other: a linear scale. */
const close = adviceFor({ tasks: 64, cpuMsPerTask: 200, waitMsPerTask: 0, gilReleasedShare: 0.95, cores: 8 });

function barLines(out: string): string[] {
  const start = out.split('\n').findIndex((line) => line.startsWith('Predicted wall time'));
  const after = out.split('\n').slice(start + 1);
  return after.slice(0, after.indexOf(''));
}

describe('the CLI table', () => {
  test('says "1 process" and "1 thread", never "procs"', () => {
    const one: Advice = structuredClone(mixed);
    const hybrid = one.estimates.find((e) => e.model === 'hybrid')!;
    Object.assign(hybrid, { processes: 1, threadsPerProcess: 1 });
    Object.assign(one.recommendation, { model: 'hybrid', inner: hybrid.inner, processes: 1, threadsPerProcess: 1, chunkSize: hybrid.chunkSize });
    const out = renderAdvice(one);
    assert.match(out, /^Recommendation: hybrid \(1 process x 1 thread, chunk \d+\)/m);
    assert.match(out, /^\* hybrid\s+1 process x 1 thread, chunk/m);
    assert.doesNotMatch(out, /procs|1 processes|1 threads/);
    assert.match(renderAdvice(mixed), /8 processes x \d+ threads/);
  });

  test('wraps each practice\'s detail under its title, within the width', () => {
    for (const width of [60, 80, 100]) {
      const out = renderAdvice(mixed, { color: false, width });
      const lines = out.split('\n');
      const practices = lines.slice(lines.indexOf('Practices:') + 1, lines.findIndex((line) => line.startsWith('Snippet (')) - 1);
      for (const line of practices) assert.ok(line.length <= width, `${line.length} > ${width}: ${line}`);
      for (const practice of mixed.practices) {
        const at = practices.findIndex((line) => line.startsWith('  - ') && practice.title.startsWith(line.slice(4)));
        assert.ok(at >= 0, practice.title);
        const title = [practices[at]!.slice(4)];
        const detail: string[] = [];
        for (const line of practices.slice(at + 1)) {
          if (line.startsWith('      ')) detail.push(line.trim());
          else if (line.startsWith('    ') && detail.length === 0) title.push(line.trim());
          else break;
        }
        assert.equal(title.join(' '), practice.title);
        assert.equal(detail.join(' '), practice.detail.replace(/\s+/g, ' '));
      }
    }
  });

  test('draws a bar per model, longest for the slowest, on a log scale when the times span a decade', () => {
    const out = renderAdvice(mixed);
    assert.match(out, /^Predicted wall time \(log scale\):$/m);
    const bars = barLines(out);
    assert.equal(bars.length, mixed.estimates.length);
    const lengths = bars.map((line) => (line.match(/#+/)?.[0] ?? '').length);
    const slowest = mixed.estimates.reduce((a, b) => (b.predictedWallMs > a.predictedWallMs ? b : a));
    assert.equal(Math.max(...lengths), lengths[mixed.estimates.indexOf(slowest)]);
    mixed.estimates.forEach((e, i) => {
      // async and hybrid come in two kinds, named apart (async+threads, hybrid+async); one of them is recommended.
      const recommended = e.model === mixed.recommendation.model && e.inner === mixed.recommendation.inner;
      assert.ok(bars[i]!.startsWith(`${recommended ? '* ' : '  '}${e.model}`), bars[i]);
      assert.ok(lengths[i]! > 0);
    });
    // Linear: bar lengths in proportion to the times.
    const linear = renderAdvice(close);
    assert.match(linear, /^Predicted wall time:$/m);
    const closeLengths = barLines(linear).map((line) => (line.match(/#+/)?.[0] ?? '').length);
    const longest = Math.max(...closeLengths);
    close.estimates.forEach((e, i) => {
      const expected = (e.predictedWallMs / Math.max(...close.estimates.map((x) => x.predictedWallMs))) * longest;
      assert.ok(Math.abs(closeLengths[i]! - expected) <= 1, `${e.model}: ${closeLengths[i]} vs ${expected}`);
    });
  });

  test('shows a model that is not viable with dashes, and says why once for all the models it rules out', () => {
    const threads = isolated.estimates.find((e) => e.model === 'threads')!;
    assert.equal(threads.viable, false);
    const out = renderAdvice(isolated);
    assert.match(out, /^ {2}threads\s+-+\s+\S+ \S+ {2}not viable$/m);
    const why = threads.reason!.replace(/^Not viable:\s*/, '');
    // The section's items, unwrapped: "sequential, async, ..., threads: needsIsolation: ...".
    const items = out.split('\nNot viable:\n  - ')[1]!.split('\n\n')[0]!.split('\n  - ').map((item) => item.replace(/\s+/g, ' '));
    const saying = items.filter((item) => item.endsWith(`: ${why}`));
    assert.equal(saying.length, 1, out);
    assert.deepEqual(saying[0]!.slice(0, -`: ${why}`.length).split(', '), ['sequential', 'async', 'async+threads', 'threads']);
    assert.equal(items.length, new Set(isolated.estimates.filter((e) => !e.viable).map((e) => e.reason)).size);
  });

  test('colours only when asked: the recommended bar green, models that are not viable dim', () => {
    assert.ok(!renderAdvice(isolated, { color: false, width: 80 }).includes(ESC));
    const bars = timeBars(isolated, { color: true, width: 80 });
    const recommended = isolated.recommendation.model;
    assert.ok(bars.find((line) => line.includes(` ${recommended} `))!.startsWith(`${ESC}32m`));
    assert.ok(bars.find((line) => line.includes(' threads '))!.startsWith(`${ESC}2m`));
  });

  test('on a terminal, NO_COLOR turns the colour off', () => {
    const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'task-advisor-render-'));
    try {
      const file = join(dir, 'profile.json');
      writeFileSync(file, JSON.stringify(EXAMPLE_PROFILE));
      // util-linux's script gives the CLI a pseudo-terminal, as a person's shell would.
      const inTerminal = (env: NodeJS.ProcessEnv) =>
        spawnSync('script', ['-qec', `"${process.execPath}" "${cli}" advise "${file}"`, '/dev/null'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      // A person's shell, not CI: with CI set, Node reports two colours and the CLI rightly draws none.
      const { NO_COLOR: _, FORCE_COLOR: __, CI: ___, ...env } = process.env;
      const coloured = inTerminal({ ...env, TERM: 'xterm-256color' });
      assert.equal(coloured.status, 0, coloured.stderr);
      assert.ok(coloured.stdout.includes(ESC), 'a terminal gets colour');
      const plain = inTerminal({ ...env, TERM: 'xterm-256color', NO_COLOR: '1' });
      assert.equal(plain.status, 0, plain.stderr);
      assert.match(plain.stdout, /Recommendation: hybrid/);
      assert.ok(!plain.stdout.includes(ESC), 'NO_COLOR: no escape codes');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
