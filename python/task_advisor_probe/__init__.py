"""Measure a sample of your own tasks and build a task-advisor profile from it.

    from task_advisor_probe import probe
    report = probe(resize, paths, tasks=10_000)
    report["profile"]   # a POST /advise profile, "basis": "probed"
    report["figures"]   # every figure with how it was obtained

or, from a shell, with this folder (python/ of task-advisor) on PYTHONPATH:

    PYTHONPATH=python python3 -m task_advisor_probe job.py:resize --inputs inputs.json

Standard library only, Python 3.9+ (CPython or PyPy). `task-advisor probe` runs this module and adds the
advice and, with --verify, the advice tried on the sample with real pools (`run_plan`).
"""

from .measure import ProbeError, TaskFailed, probe
from .pools import run_plan

__all__ = ["probe", "run_plan", "ProbeError", "TaskFailed"]
