import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProfileSchema } from '../../src/advisor/profile.js';
import { summarise, toFieldIssues } from '../../src/http/validation-issues.js';

const issuesOf = (input: unknown) => {
  const parsed = ProfileSchema.safeParse(input);
  assert.ok(!parsed.success, 'the input is invalid');
  return toFieldIssues(parsed.error.issues);
};

describe('field issues from validation issues', () => {
  test('a bound names the field by its dotted path, with the limit it broke', () => {
    const [issue, ...rest] = issuesOf({ tasks: 10, measurement: { wallMs: 1e16, cpuMs: 1 } });
    assert.deepEqual(rest, []);
    assert.equal(issue?.path, 'measurement.wallMs');
    assert.equal(issue?.code, 'too_big');
    assert.equal(issue?.limit, 1e15);
    assert.match(issue!.message, /1000000000000000/);
  });

  test('a value outside an enumeration lists the values allowed', () => {
    const [issue] = issuesOf({ tasks: 10, cpuMsPerTask: 1, waitMsPerTask: 1, runtime: 'ruby' });
    assert.equal(issue?.path, 'runtime');
    assert.deepEqual(issue?.allowed, ['cpython', 'cpython-free-threaded', 'pypy', 'node']);
    assert.equal(issue?.limit, undefined);
  });

  test('each unknown key is its own issue, named in its message', () => {
    const issues = issuesOf({ tasks: 10, cpuMsPerTask: 1, waitMsPerTask: 1, bogus: 1, costs: { nope: 2 } });
    assert.deepEqual(issues.map((issue) => issue.path).sort(), ['bogus', 'costs.nope']);
    for (const issue of issues) {
      assert.equal(issue.code, 'unrecognized_keys');
      assert.match(issue.message, new RegExp(`Unknown field "${issue.path.split('.').pop()}"`));
    }
  });

  test('a prefix places the issues inside a larger body; an empty path is the body itself', () => {
    const [inBatch] = toFieldIssues([{ path: ['tasks'], code: 'too_small', message: 'too small', minimum: 1 }], ['profiles', 3]);
    assert.deepEqual(inBatch, { path: 'profiles.3.tasks', code: 'too_small', message: 'too small', limit: 1 });
    const [body] = toFieldIssues([{ path: [], code: 'invalid_type', message: 'expected object' }]);
    assert.equal(body?.path, '(body)');
  });

  test('a bigint limit is reported as a number', () => {
    const [issue] = toFieldIssues([{ path: ['n'], code: 'too_big', message: 'too big', maximum: 10n }]);
    assert.equal(issue?.limit, 10);
  });

  test('the summary lists the first five issues and counts the rest', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({ path: `f${i}`, code: 'custom', message: `bad ${i}` }));
    assert.equal(summarise(issues.slice(0, 2)), 'f0: bad 0; f1: bad 1');
    assert.equal(summarise(issues), 'f0: bad 0; f1: bad 1; f2: bad 2; f3: bad 3; f4: bad 4; and 2 more');
  });
});
