#!/usr/bin/env python3
"""Run task-advisor's probe on every workload of the harness and write the probed profiles.

    python3 bench/python/probe_cases.py [--out FILE] [--case ID]...

The cases are harness.py's, built the same way (the pure-Python loop timed before each case); each case's
function and inputs go to task_advisor_probe.probe() with tasks = the case's task count and the default
sample. `node dist/bench/probe-vs-declared.js` sets the profiles beside the harness's own (results.json)
and scores the advice on each against the pools the harness measured. Standard library only.
"""

import argparse
import datetime
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
import benchlib  # noqa: E402
import harness  # noqa: E402
from task_advisor_probe import probe  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--out", default=os.path.join(HERE, "..", "out", "probe-cases.json"))
    ap.add_argument("--case", action="append", default=[], help="probe only this case id (repeatable)")
    a = ap.parse_args()

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    started = time.perf_counter()
    rate = benchlib.calibrate_spin()
    units = harness.W.calibrate_units()
    cases = harness.build_cases(lambda ms: benchlib.iters_for_ms(rate, ms), units)
    if a.case:
        cases = [c for c in cases if c.id in a.case]
    env, http_proc, out = {}, None, []
    try:
        if any(c.needs_http for c in cases):
            http_proc, env["url"] = harness.start_http_server()
        for c in cases:
            # As the harness does: the loop's speed drifts over minutes, so it is timed again per case.
            rate_c = benchlib.calibrate_spin(probe_ms=15.0, reps=9, warm_ms=0)
            units_c = {k: v * rate / rate_c for k, v in units.items()}
            c = {x.id: x for x in harness.build_cases(lambda ms: benchlib.iters_for_ms(rate_c, ms), units_c)}[c.id]
            args = c.args(env) if callable(c.args) else c.args
            t0 = time.perf_counter()
            report = probe(c.fn, args, tasks=len(args), label=c.id)
            log(f"[probe] {c.id}: {json.dumps(report['profile'])} ({time.perf_counter() - t0:.1f}s)")
            out.append({
                "id": c.id,
                "profile": report["profile"],
                "figures": report["figures"],
                "sample": report["sample"],
                "notes": report["notes"],
            })
    finally:
        if http_proc is not None:
            harness.stop_http_server(http_proc)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump({
            "generatedAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join(["python3"] + sys.argv),
            "machine": benchlib.machine_info(),
            "elapsedS": round(time.perf_counter() - started, 1),
            "cases": out,
        }, f, indent=1)
        f.write("\n")
    log(f"[probe] wrote {a.out} in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
