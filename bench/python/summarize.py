#!/usr/bin/env python3
"""Print the harness results as a Markdown table (for the README / reviews).

    python3 bench/python/summarize.py [results.json]
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ("sequential", "threads", "processes", "hybrid")


def cfg(run):
    m = run["model"]
    if m == "sequential":
        return ""
    if m == "threads":
        return f"k={run['threadsPerProcess']}"
    if m == "processes":
        return f"p={run['processes']},c={run['chunkSize']}"
    return f"p={run['processes']}x{run['threadsPerProcess']}"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "results.json")
    with open(path) as f:
        d = json.load(f)
    print(f"`{d['command']}` - {d['generatedAt']}, repeat={d['repeat']}, "
          f"took {d['elapsedS']} s\n")
    print("| case | cpu ms | wait ms | payload B | g | obs.par | "
          + " | ".join(MODELS) + " | chunk1 p=2 | fastest |")
    print("|" + "---|" * (8 + len(MODELS)))
    for c in d["cases"]:
        p = c["profile"]
        cells = []
        for m in MODELS:
            b = c["best"].get(m)
            if b is None:
                cells.append("-")
                continue
            mark = "**" if m == c["fastest"] else ""
            extra = f" ({cfg(b)})" if cfg(b) else ""
            cells.append(f"{mark}{b['wallMs']:.0f}{mark}{extra}")
        ch1 = c.get("processesChunk1")
        obs = c["observedParallelism"]
        print(f"| {c['id']} | {p['cpuMsPerTask']:.3g} | {p['waitMsPerTask']:.3g} | "
              f"{p['payloadBytesPerTask']} | {p['gilReleasedShare']} | "
              f"{'-' if obs is None else obs} | " + " | ".join(cells)
              + f" | {'-' if ch1 is None else format(ch1['wallMs'], '.0f')} | {c['fastest']} |")


if __name__ == "__main__":
    main()
