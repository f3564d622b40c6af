"""python3 -m task_advisor_probe (FILE.py:FUNCTION | -m MODULE:FUNCTION) (--inputs FILE.json | --inputs-py FILE.py:NAME)

Prints the measured figures, each with how it was obtained, and the profile; --profile prints the profile
alone, for `task-advisor advise -` or POST /advise; --json the whole report. Exit codes as task-advisor's:
2 usage, 3 a file, module or name not found, 4 inputs not JSON, 5 inputs not a list, 7 the function (or
its module) raised. `task-advisor probe` runs this module with --protocol and adds advice and --verify.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .loading import LoadError, load_function, load_inputs_json, load_inputs_py
from .measure import ProbeError, TaskFailed, probe, sample_inputs
from .pools import run_plan
from .progress import Progress

EXIT = {"usage": 2, "missing": 3, "json": 4, "invalid": 5, "raised": 7}

FIGURE_LABELS = [
    ("cpuMsPerTask", "CPU per task", "ms"),
    ("waitMsPerTask", "wait per task", "ms"),
    ("callingThreadCpuMsPerTask", "calling thread's CPU", "ms"),
    ("runDelayMsPerTask", "run delay per task", "ms"),
    ("gilReleasedShare", "GIL released", ""),
    ("threadsPerTask", "threads per task", ""),
    ("payloadBytesPerTask", "payload per task", "B"),
    ("memoryMbPerWorker", "memory per worker", "MB"),
]


def _parser():
    parser = argparse.ArgumentParser(
        prog="python3 -m task_advisor_probe",
        description="Measure a sample of your own tasks and print task-advisor's profile for them.",
    )
    parser.add_argument("target", nargs="?", metavar="FILE.py:FUNCTION", help="the function, in a file")
    parser.add_argument("-m", dest="module", metavar="MODULE:FUNCTION", help="the function, in an importable module")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--inputs", metavar="FILE.json", help="a JSON array: one element per task, its single argument")
    source.add_argument("--inputs-py", metavar="FILE.py:NAME", help="a list in a Python file, or a function returning one")
    parser.add_argument("--tasks", type=int, help="tasks in the whole batch (default: the number of inputs)")
    parser.add_argument("--sample", type=int, help="tasks to run (default: about 1.5 s of them one after another)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the whole report as JSON")
    out.add_argument("--profile", action="store_true", help="print only the profile (JSON)")
    # For task-advisor's CLI: the report on fd 3, plans to verify read from fd 4, progress in a shared file.
    parser.add_argument("--protocol", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--progress", help=argparse.SUPPRESS)
    parser.add_argument("--verify", action="store_true", help=argparse.SUPPRESS)
    return parser


def _value(figure, unit):
    value = figure.get("value")
    if value is None:
        return "-"
    if unit == "B":
        return f"{value:,} B"
    return f"{value:g} {unit}".strip()


def render(report):
    sample = report["sample"]
    lines = [
        f"Probed {report['function']}: {sample['size']} sample tasks of {report['inputs']} inputs "
        f"(batch of {report['tasks']}), {report['implementation']}, {report['cores']} cores, {sample['seconds']:g} s",
        "",
    ]
    figures = report["figures"]
    for key, label, unit in FIGURE_LABELS:
        lines.append(f"{label:<22} {_value(figures[key], unit):>12}  {figures[key]['how']}")
    for key, label in (("taskWallMs", "task wall (ms)"), ("taskCpuMs", "task CPU (ms)")):
        s = figures[key]
        lines.append(f"{label:<22} {'p50 %g' % s['p50']:>12}  p95 {s['p95']:g}, max {s['max']:g}: {s['how']}")
    for note in report["notes"]:
        lines += ["", f"Note: {note}"]
    lines += ["", "Profile (POST /advise, or --profile | task-advisor advise -):", json.dumps(report["profile"], indent=2)]
    return "\n".join(lines) + "\n"


def _error_message(error):
    if isinstance(error, TaskFailed):
        return {"kind": "raised", "message": str(error), "details": error.traceback, "index": error.index,
                "input": error.input, "exception": error.exception, "phase": error.phase}
    if isinstance(error, LoadError):
        return {"kind": error.kind, "message": str(error), "details": error.details}
    return {"kind": "usage", "message": str(error), "details": []}


def _verify(fn, inputs, size, channel_in, channel_out, progress):
    """Runs each plan task-advisor sends on the same sample, in rounds whose order alternates so that the
    machine's drift does not favour one plan, and sends back every wall time."""
    request = json.loads(channel_in.readline() or "{}")
    plans = request.get("plans", [])
    rounds = max(1, int(request.get("rounds", 1)))
    values = [value for _, value in sample_inputs(inputs, size)]
    walls = [[] for _ in plans]
    load_before = os.getloadavg()[0]
    progress.phase("verify")
    for r in range(rounds):
        order = list(range(len(plans)))
        if r % 2:
            order.reverse()
        for i in order:
            try:
                walls[i].append(run_plan(fn, values, plans[i], progress=progress))
            except Exception as error:
                plan = plans[i]
                raise LoadError("raised", f"the function raised while verifying on {plan['model']} "
                                f"({plan.get('processes', 1)} x {plan.get('threadsPerProcess', 1)}): "
                                f"{type(error).__name__}: {error}") from None
    channel_out.write(json.dumps({
        "verified": [dict(plan, wallMs=w) for plan, w in zip(plans, walls)],
        # Predictions assume free cores; the 1-minute load average says how free they were.
        "loadAverage": [load_before, os.getloadavg()[0]],
    }) + "\n")
    channel_out.flush()


def main(argv=None):
    args = _parser().parse_args(argv)
    channel = os.fdopen(3, "w") if args.protocol else None
    progress = Progress(args.progress)

    def fail(error):
        message = _error_message(error)
        if channel is not None:
            channel.write(json.dumps({"error": message}) + "\n")
            channel.flush()
        else:
            print(f"task_advisor_probe: {message['message']}", file=sys.stderr)
            for line in message["details"]:
                print(line, file=sys.stderr)
        return EXIT.get(message["kind"], 1)

    try:
        if (args.target is None) == (args.module is None):
            raise ProbeError("give the function as FILE.py:FUNCTION or as -m MODULE:FUNCTION (one of them)")
        progress.phase("load")
        fn, label = load_function(args.target, args.module)
        inputs = load_inputs_json(args.inputs) if args.inputs else load_inputs_py(args.inputs_py)
        report = probe(fn, inputs, tasks=args.tasks, sample=args.sample, progress=progress, label=label)
        if channel is not None:
            channel.write(json.dumps({"report": report}) + "\n")
            channel.flush()
            if args.verify:
                with os.fdopen(4, "r") as plans_in:
                    _verify(fn, inputs, report["sample"]["size"], plans_in, channel, progress)
        elif args.profile:
            print(json.dumps(report["profile"], indent=2))
        elif args.json:
            print(json.dumps(report, indent=2))
        else:
            sys.stdout.write(render(report))
        return 0
    except ProbeError as error:
        return fail(error)


if __name__ == "__main__":
    sys.exit(main())
