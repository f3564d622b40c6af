#!/usr/bin/env bash
# Benchmarks, as ratios inside one run (the machine is shared and noisy). Run from the repo root after
# `npm run build` (npm run bench does both). Writes bench/out/*.json and prints the figures:
# POST /advise under load beside a bare route, then sample jobs on real pools (bench/jobs.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out

if ! command -v wrk >/dev/null; then
  echo "installing wrk from Debian (autocannon saturates before the server does here)" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

DURATION=${BENCH_SECONDS:-8}
ADVISE_PORT=3100
BARE_PORT=3101
export BODY='{"tasks":500,"cpuMsPerTask":100,"waitMsPerTask":200,"cores":8}'

PORT=$ADVISE_PORT LOG_LEVEL=warn node dist/src/server.js & advise_pid=$!
PORT=$BARE_PORT node dist/bench/bare-server.js & bare_pid=$!
trap 'kill $advise_pid $bare_pid 2>/dev/null || true' EXIT
for port in $ADVISE_PORT $BARE_PORT; do
  for _ in $(seq 50); do curl -sf -o /dev/null "localhost:$port/advise" -X POST -H 'content-type: application/json' -d "$BODY" && break; sleep 0.1; done
done

# wrk prints "Requests/sec: N" and, with --latency, "99%  X.XXms"; turn both into numbers.
measure() {
  local port=$1 connections=$2
  local out
  out=$(wrk -t2 -c"$connections" -d"${DURATION}s" --latency -s bench/post.lua "http://127.0.0.1:$port/advise")
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  echo "{\"rps\":$rps,\"p99Ms\":$p99}"
}

results=()
for connections in 10 100; do
  # Interleaved, twice each, so drift on the shared machine hits both sides alike.
  a1=$(measure $ADVISE_PORT $connections); b1=$(measure $BARE_PORT $connections)
  a2=$(measure $ADVISE_PORT $connections); b2=$(measure $BARE_PORT $connections)
  results+=("{\"connections\":$connections,\"advise\":[$a1,$a2],\"bare\":[$b1,$b2]}")
done
http=$(IFS=,; echo "[${results[*]}]")
model=$(node dist/bench/model-cost.js)
echo "{\"date\":\"$(date -u +%FT%TZ)\",\"seconds\":$DURATION,\"http\":$http,\"model\":$model}" > bench/out/http.json
node -e '
const r = require("./bench/out/http.json");
const mean = (xs, k) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
console.log("POST /advise vs a bare fastify route with the same validation (wrk, " + r.seconds + " s x 2 each, interleaved)");
for (const row of r.http) {
  const a = mean(row.advise, "rps"), b = mean(row.bare, "rps");
  console.log(`  ${row.connections} connections: advise ${a.toFixed(0)} req/s (p99 ${mean(row.advise, "p99Ms").toFixed(2)} ms), bare ${b.toFixed(0)} req/s (p99 ${mean(row.bare, "p99Ms").toFixed(2)} ms), ratio ${(a / b).toFixed(2)}`);
}
console.log("advise() in-process, per profile:");
for (const m of r.model) console.log(`  ${m.profile}: ${m.microsecondsPerAdvice} us`);
'

echo "sample jobs on real pools (node dist/bench/jobs.js, median of ${BENCH_ROUNDS:-3} rounds)"
kill $advise_pid $bare_pid 2>/dev/null || true
node dist/bench/jobs.js > bench/out/jobs.json
node -e '
const r = require("./bench/out/jobs.json");
const f = (x) => x.toFixed(2);
const s = r.cpu.speedups;
console.log(`  16 x 50 ms CPU on 2 cores, speed-up over sequential: threads ${f(s.threads)}, processes ${f(s.processes)}, hybrid ${f(s.hybrid)}, threads with the emulated GIL ${f(s.threadsWithGil)}`);
console.log(`  200 waits of 20 ms, wall / ideal: async ${f(r.waits.asyncOverIdeal)}, 32 threads ${f(r.waits.threads32OverIdeal)}`);
const d = r.dispatch.microsecondsPerTask;
console.log(`  no-op task, us each: threads ${d.threads.toFixed(0)} (bare piscina ${d.barePiscina.toFixed(0)}), processes ${d.processes.toFixed(0)} (bare fork IPC ${d.bareFork.toFixed(0)}), processes chunked ${d.processesChunked.toFixed(1)}, hybrid ${d.hybrid.toFixed(0)}, async ${d.async.toFixed(1)}`);
for (const [route, v] of Object.entries(r.whileJobsSaturateTheCores)) console.log(`  ${route} p99 while a CPU job holds both cores: ${f(v.busyP99Ms)} ms, idle ${f(v.idleP99Ms)} ms, ratio ${f(v.ratio)}`);
console.log(`  256 waits on bare piscina, wall / ideal by threads: ${Object.entries(r.threadScaling.overIdeal).map(([t, v]) => t + ": " + f(v)).join(", ")}`);
for (const [name, c] of Object.entries(r.compare)) {
  console.log(`  compare ${name}: recommended ${c.recommended}, fastest ${c.fastest}, ${c.agree ? "agree" : "DISAGREE"}; ` + c.rows.map((row) => `${row.model} ${row.predictedMs}/${row.measuredMs} ms`).join(", "));
}
'
