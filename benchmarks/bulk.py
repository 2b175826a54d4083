#!/usr/bin/env python3
"""Campaign speed and memory, measured side by side in one run (ratios, not absolute timings).

Prints documents per second for DOCX bulk runs with 1 and 2 jobs, peak memory for 1,000 vs 10,000
DOCX documents, a rerun that skips everything, ``toolkit check`` (the sample it composes vs every
place), and the PDF time of a field at the length limit (why the limit is 4,000 characters). PDF
bulk beside one job and LibreOffice is measured by ``benchmarks/speed.py``.

Usage: python benchmarks/bulk.py [--places 25] [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import toolkit
from toolkit.campaign import select

DATE = "2026-11-23"
DOCS = [name for name, kind in toolkit.DOCUMENTS.items() if kind.standalone]  # what a campaign makes


def places(n: int):
    data = toolkit.load_jurisdictions()
    return [j.id for j in select(data, states=["VA", "NC", "GA", "TX"])][:n]


def timed_bulk(ids, fmt, jobs, out):
    start = time.perf_counter()
    result = toolkit.bulk(out, ids=ids, formats=[fmt], date=DATE, jobs=jobs, force=True)
    assert result.ok, result.summary()
    return result.count("written") / (time.perf_counter() - start)  # a refused document makes no file


def peak_memory(documents: int) -> float:
    """Peak RSS (MiB) of a fresh process making ``documents`` DOCX files with 2 jobs."""
    code = f"""
import resource, sys, tempfile, toolkit
from toolkit.campaign import select
data = toolkit.load_jurisdictions()
ids = [j.id for j in data][:{documents} // 4]
toolkit.bulk(tempfile.mkdtemp(), ids=ids, formats=["docx"], date="{DATE}", jobs=2)
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(own + kids)
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024


def rerun(ids, out) -> float:
    """Files per second of a rerun in which every file is unchanged (skipped after hashing)."""
    toolkit.bulk(out, ids=ids, formats=["docx"], date=DATE, jobs=1)
    start = time.perf_counter()
    result = toolkit.bulk(out, ids=ids, formats=["docx"], date=DATE, jobs=1)
    assert result.count("skipped") + result.count("refused") == len(result.rows)
    return len(result.rows) / (time.perf_counter() - start)


def check_times():
    """Seconds for ``toolkit check`` of the bundled data, and for composing every place."""
    import datetime as dt

    from toolkit.checking import check, compose_all

    start = time.perf_counter()
    report = check()
    sample = time.perf_counter() - start
    data = toolkit.load_jurisdictions()
    start = time.perf_counter()
    compose_all(data, list(data), dt.date(2026, 11, 23))
    return report.documents, sample, len(data) * len(DOCS), time.perf_counter() - start


def long_field_pdf(lengths=(100, 1000, 2000, 4000)):
    """PDF seconds of a letter whose signer is one unbroken word of each length."""
    out = []
    for n in lengths:
        start = time.perf_counter()
        toolkit.render("letter", "santa-clara", "pdf", date=DATE, signer="W" * n)
        out.append((n, time.perf_counter() - start))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=25, help="jurisdictions (x4 documents) per measurement")
    parser.add_argument("--quick", action="store_true", help="skip the 10,000-document memory run")
    args = parser.parse_args()
    ids = places(args.places)
    n = len(ids) * len(DOCS)
    work = Path(tempfile.mkdtemp(prefix="toolkit-bench-"))
    toolkit.render("letter", ids[0], "pdf", date=DATE)  # warm imports and caches for every contender
    print(f"{n} documents ({len(ids)} places x {len(DOCS)} kinds), {os.cpu_count()} cores")
    docx1 = timed_bulk(ids, "docx", 1, work / "d1")
    docx2 = timed_bulk(ids, "docx", 2, work / "d2")
    print(f"DOCX bulk   --jobs 1: {docx1:8.1f} docs/s")
    print(f"DOCX bulk   --jobs 2: {docx2:8.1f} docs/s   (target >= 200)")
    print("PDF bulk, beside one job and LibreOffice: benchmarks/speed.py")
    print(f"rerun, all unchanged (DOCX): {rerun(ids, work / 'r'):8.1f} files/s")
    sample_docs, sample, every_docs, every = check_times()
    print(f"toolkit check (bundled): {sample:.2f} s composing {sample_docs} documents;"
          f" composing all {every_docs} would take {every:.1f} s")
    for length, seconds in long_field_pdf():
        print(f"PDF letter, signer of {length:5d} characters without a space: {seconds:6.2f} s")
    if not args.quick:
        small, large = peak_memory(1000), peak_memory(10000)
        print(f"peak memory: 1,000 docs {small:.0f} MiB, 10,000 docs {large:.0f} MiB, ratio {large / small:4.2f}x"
              "   (target <= 1.2)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
