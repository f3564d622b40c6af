"""Runs a command once; reports its wall time and its CPU time, every descendant it reaped included, as JSON on fd 3.

Usage: python3 python/measure.py <command> [args...]  (run by `task-advisor measure`; see src/cli/commands/measure.ts)
"""
import json, os, signal, sys, time
os.set_inheritable(3, False)
report = os.fdopen(3, "w")
argv = sys.argv[1:]
signal.signal(signal.SIGINT, signal.SIG_IGN)
start = time.monotonic()
try:
    pid = os.posix_spawnp(argv[0], argv, os.environ, setsigdef=(signal.SIGINT,))
except OSError as error:
    json.dump({"error": type(error).__name__, "message": str(error)}, report)
    sys.exit(0)
_, status, usage = os.wait4(pid, 0)
wall = time.monotonic() - start
result = {"wallMs": wall * 1000, "cpuMs": (usage.ru_utime + usage.ru_stime) * 1000}
if os.WIFSIGNALED(status):
    result["exitCode"] = 128 + os.WTERMSIG(status)
    result["signal"] = signal.Signals(os.WTERMSIG(status)).name
else:
    result["exitCode"] = os.WEXITSTATUS(status)
json.dump(result, report)
