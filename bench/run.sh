#!/usr/bin/env bash
# Benchmarks, as ratios inside one run (the machine is shared and noisy). Run from the repo root after
# `npm run build` (npm run bench does both). Writes bench/out/*.json and prints the figures: HTTP load on
# the server run as a real process (bench/load.ts, bench/flood.ts), the accept ramp on Node 20 and 24
# (bench/ramp.ts), /health while heavy batches compute (bench/heavy.ts), the model's own cost per profile
# (beside a build of BENCH_AGAINST=<git ref> when set), then sample jobs on real pools (bench/jobs.ts).
# BENCH_SECONDS sets the length of each load run (default 5). The soak is apart: npm run bench:soak.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out

if ! command -v wrk >/dev/null; then
  echo "installing wrk from Debian (a C client: it leaves more of the 2 cores to the server than autocannon)" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

node dist/bench/load.js
node dist/bench/flood.js
node dist/bench/ramp.js
node dist/bench/heavy.js

node dist/bench/model-cost.js > bench/out/model.json
node -e '
console.log("advise() in-process, per profile: from cold (no queueing solution shared with earlier profiles), warm" + (process.env.BENCH_AGAINST ? ", and " + process.env.BENCH_AGAINST : ""));
for (const m of require("./bench/out/model.json")) {
  console.log(`  ${m.profile}: ${m.microsecondsPerAdvice} us, warm ${m.warmMicroseconds} us` + (m.against ? `; ${m.against} ${m.againstMicroseconds} us, ratio ${m.ratio}` : ""));
}
'

echo "sample jobs on real pools (node dist/bench/jobs.js, median of ${BENCH_ROUNDS:-3} rounds)"
node dist/bench/jobs.js > bench/out/jobs.json
node -e '
const r = require("./bench/out/jobs.json");
const f = (x) => x.toFixed(2);
const s = r.cpu.speedups;
console.log(`  16 x 50 ms CPU on 2 cores, speed-up over sequential: threads ${f(s.threads)}, processes ${f(s.processes)}, hybrid ${f(s.hybrid)}, threads with the emulated GIL ${f(s.threadsWithGil)}`);
console.log(`  200 waits of 20 ms, wall / ideal: async ${f(r.waits.asyncOverIdeal)}, 32 threads ${f(r.waits.threads32OverIdeal)}`);
const d = r.dispatch.microsecondsPerTask;
console.log(`  no-op task, us each: threads ${d.threads.toFixed(0)} (bare piscina ${d.barePiscina.toFixed(0)}), processes ${d.processes.toFixed(0)} (bare fork IPC ${d.bareFork.toFixed(0)}), processes chunked ${d.processesChunked.toFixed(1)}, hybrid ${d.hybrid.toFixed(0)}, async ${d.async.toFixed(1)}`);
console.log(`  256 waits on bare piscina, wall / ideal by threads: ${Object.entries(r.threadScaling.overIdeal).map(([t, v]) => t + ": " + f(v)).join(", ")}`);
for (const [name, c] of Object.entries(r.compare)) {
  console.log(`  compare ${name}: recommended ${c.recommended}, fastest ${c.fastest}, ${c.agree ? "agree" : "DISAGREE"}; ` + c.rows.map((row) => `${row.model} ${row.predictedMs}/${row.measuredMs} ms`).join(", "));
}
'
