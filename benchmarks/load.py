#!/usr/bin/env python3
"""Loading all bundled jurisdictions vs importing WeasyPrint, side by side in fresh processes.

Prints the median of several runs of each and their ratio (target: loading well under a fifth of
WeasyPrint's import time). Usage: python benchmarks/load.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

LOAD = ("import time, toolkit; t = time.perf_counter(); d = toolkit.load_jurisdictions(); "
        "print(time.perf_counter() - t, len(d))")
IMPORT = "import time; t = time.perf_counter(); import weasyprint; print(time.perf_counter() - t, 0)"


def run(code: str) -> tuple:
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    loads, imports, count = [], [], 0
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        seconds, count = run(LOAD)
        loads.append(seconds)
        imports.append(run(IMPORT)[0])
    load, imp = statistics.median(loads), statistics.median(imports)
    print(f"load_jurisdictions(): {count} jurisdictions in {load * 1000:.1f} ms (median of {args.runs})")
    print(f"import weasyprint:    {imp * 1000:.1f} ms")
    print(f"ratio load / import:  {load / imp:.3f}   (target well under 0.2)")


if __name__ == "__main__":
    main()
