import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';

/** The server as `npm start` runs it (scripts/start.mjs, which compiles only stale sources), on a free port. */
function startServer(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  return { child, listening, output: () => output };
}

test('SIGTERM closes the server gracefully: exit 0, with a log line', async () => {
  const server = startServer();
  try {
    const url = await server.listening;
    const res = await fetch(`${url}/advise`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tasks: 10, cpuMsPerTask: 5, waitMsPerTask: 5 }),
    });
    assert.equal(res.status, 200);
    await res.json();
    const exited = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
    // Read after exit: the log is flushed by then.
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    const requests = lines.filter((line) => line.msg === 'request');
    assert.equal(requests.length, 1, 'one log line per request');
    assert.ok(requests[0].reqId, 'with its request id');
    assert.equal(requests[0].statusCode, 200);
    assert.ok(lines.some((line) => line.msg === 'closing' && line.signal === 'SIGTERM'));
    assert.doesNotMatch(server.output(), /compiling/, 'a start after a build serves without compiling again');
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
});

test('a bad setting stops the start with a message that names it', async () => {
  const server = startServer({ PORT: 'eighty' });
  await assert.rejects(server.listening, /PORT/);
  assert.notEqual(server.child.exitCode, 0);
});

test('SIGTERM lets a running job finish, cancels what is left at the grace period, and leaves no worker behind', async () => {
  const server = startServer({ SHUTDOWN_GRACE_MS: '2000' });
  try {
    const url = await server.listening;
    const post = (body: object) =>
      fetch(`${url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const short = post({ pool: 'processes', tasks: 2, cpuMsPerTask: 0, waitMsPerTask: 300 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const long = post({ pool: 'threads', tasks: 8, cpuMsPerTask: 0, waitMsPerTask: 1_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const workers = execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.child.pid)]).toString().split(/\s+/).filter(Boolean).map(Number);
    assert.ok(workers.length >= 2, 'the pools run child processes');
    const exited = once(server.child, 'exit');
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');

    assert.equal((await short).status, 200, 'the running job finishes');
    const cancelled = await long;
    assert.equal(cancelled.status, 503, 'the job still running at 80% of the grace period is cancelled');
    assert.match((await cancelled.json()).message, /shutting down/);
    const [code] = await exited;
    assert.equal(code, 0, server.output());
    assert.ok(Date.now() - signalledAt < 2_000, 'within the grace period');
    const alive = workers.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    assert.deepEqual(alive, [], 'no pool process outlives the server');
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
});

test('SIGTERM under load: every request the server took is answered, later ones are refused, exit 0', async () => {
  const server = startServer({ SHUTDOWN_GRACE_MS: '3000' });
  try {
    const url = await server.listening;
    const body = JSON.stringify({ tasks: 500, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 8 });
    const outcomes: (number | 'refused')[] = [];
    let sent = 0;
    const exited = once(server.child, 'exit');
    const lane = async () => {
      while (sent < 400) {
        sent++;
        if (sent === 150) server.child.kill('SIGTERM');
        try {
          const res = await fetch(`${url}/advise`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await res.arrayBuffer();
          outcomes.push(res.status);
        } catch {
          // Connection refused or closed before the server took the request: the client knows it failed.
          outcomes.push('refused');
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, lane));
    const [code] = await exited;
    assert.equal(code, 0, server.output());
    const answered = outcomes.filter((outcome) => outcome === 200).length;
    assert.ok(answered >= 140, `requests before the signal are answered (${answered})`);
    assert.ok(outcomes.every((outcome) => outcome === 200 || outcome === 503 || outcome === 'refused'), String(outcomes));
    assert.ok(outcomes.includes('refused') || outcomes.includes(503), 'requests after the close are refused');
    // The server's log has a line per request it handled: each of them reached its client.
    const handled = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'request' && line.statusCode === 200).length;
    assert.equal(handled, answered, 'no request the server answered with 200 was lost on the way');
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
});
