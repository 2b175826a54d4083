#!/usr/bin/env python3
"""Wall-clock latency of ``toolkit letter santa-clara`` against the bare import of its renderers.

Runs, interleaved (so all three see the same machine load), N times each in fresh processes:

- ``python -c "import weasyprint, docxtpl"`` (the floor: no toolkit at all),
- ``python -m toolkit letter santa-clara --out TMP`` (both formats),
- ``python -m toolkit letter santa-clara --format docx --out TMP`` (DOCX only),

first with a warm cache (one unmeasured run of each command first), then with a cold one (the
cache folder emptied before every run). The cache lives in a temporary folder
(``TOOLKIT_CACHE_DIR``), never the user's. Python's own bytecode (``__pycache__``) is written and
used, as for an installed package (``PYTHONDONTWRITEBYTECODE`` is dropped from the environment), so
"cold" means toolkit's cache only. Prints medians in seconds and the targets of issue 19: both
formats within 1.15x the bare import, DOCX only under 0.25 s.

Usage: python benchmarks/cli_latency.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(argv: list, env: dict) -> float:
    start = time.perf_counter()
    # run in the checkout: "python -m toolkit" imports toolkit from the current folder first
    subprocess.run(argv, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(runs: int, cold: bool, cache: Path, out: Path, env: dict) -> dict:
    commands = {
        "bare": [sys.executable, "-c", "import weasyprint, docxtpl"],
        "both": [sys.executable, "-m", "toolkit", "letter", "santa-clara", "--out", str(out)],
        "docx": [sys.executable, "-m", "toolkit", "letter", "santa-clara", "--format", "docx", "--out", str(out)],
    }
    if not cold:
        for argv in commands.values():  # fill the cache (and the OS's file cache)
            timed(argv, env)
    times: dict = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            if cold:
                shutil.rmtree(cache, ignore_errors=True)
            times[name].append(timed(argv, env))
    return {name: statistics.median(values) for name, values in times.items()}


def report(title: str, medians: dict, runs: int) -> None:
    bare, both, docx = medians["bare"], medians["both"], medians["docx"]
    print(f"{title} (median of {runs}):")
    print(f"  import weasyprint, docxtpl     {bare:6.3f} s")
    print(f"  letter, both formats           {both:6.3f} s   {both / bare:.2f}x the bare import (target <= 1.15x)")
    print(f"  letter, --format docx          {docx:6.3f} s   (target < 0.25 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--warm-only", action="store_true", help="Skip the cold-cache runs.")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}"
          f" ({platform.python_implementation()}), {platform.system()} {platform.release()}")
    with tempfile.TemporaryDirectory(prefix="toolkit-latency-") as tmp:
        cache, out = Path(tmp, "cache"), Path(tmp, "out")
        env = dict(os.environ, TOOLKIT_CACHE_DIR=str(cache))
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed toolkit has its .pyc files, as its libraries do
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "toolkit")], env=env, check=True)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        report("warm cache", measure(args.runs, False, cache, out, env), args.runs)
        if not args.warm_only:
            report("cold cache (emptied before each run)", measure(args.runs, True, cache, out, env), args.runs)


if __name__ == "__main__":
    main()
