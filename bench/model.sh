#!/usr/bin/env bash
# The model against real runs of every runtime it advises on (npm run bench:model, after npm run build):
# CPython on 2 cores and on 1 (taskset -c 0), PyPy, and Node, each measured twice (two interleaved rounds),
# then every case scored. Each harness takes a few minutes; don't run it beside other heavy work.
# BENCH_MODEL_ONLY=cpython|cpython-1core|pypy|node runs one of them; the scoring reads every recorded file.
set -euo pipefail
cd "$(dirname "$0")/.."

only="${BENCH_MODEL_ONLY:-}"
want() { [[ -z "$only" || "$only" == "$1" ]]; }

want cpython && python3 bench/python/harness.py --repeat 2
want cpython-1core && taskset -c 0 python3 bench/python/harness.py --set core --repeat 2
if want pypy; then
  bash bench/install-pypy.sh
  pypy3 python/calibrate.py --out python/calibration-pypy.json >/dev/null
  pypy3 bench/python/harness.py --set core --repeat 2
fi
want node && node dist/bench/node/harness.js --repeat 2
node dist/bench/score-model.js
