#!/usr/bin/env python3
"""Where toolkit's own speed stands, measured side by side in one run (ratios, CPU time).

1. **One PDF**: CPU milliseconds per document for toolkit's PDF path beside the code path it
   replaced (pydyf compressing every stream at level 9, then once more to hash the file for its
   identifier), on the same documents, interleaved, each document's best of ``--repeat`` runs.
   Both outputs are checked to read the same words on the same pages.
2. **Bulk PDF on all cores**: documents per second of ``toolkit.bulk`` with 2 jobs and with 1,
   and of one LibreOffice batch converting the same documents' DOCX (what a mail-merge user does).
3. **The command line**: wall seconds of ``toolkit letter santa-clara`` (both formats, and DOCX
   alone) beside the bare ``python -c "import weasyprint, docxtpl"``, interleaved, medians.

Usage: python benchmarks/speed.py [--places 6] [--repeat 5] [--runs 9] [--skip pdf,bulk,cli]
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import toolkit
from toolkit.campaign import select
from toolkit.render import pdf, search_path

DATE = dt.date(2026, 11, 23)
STATES = ["VA", "NC", "GA", "TX", "CA"]


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model or platform.processor() or platform.machine()}, " \
           f"Python {platform.python_version()}, WeasyPrint {__import__('weasyprint').__version__}, " \
           f"pydyf {__import__('pydyf').__version__}, HarfBuzz-subset {'yes' if pdf.fast_subsetting() else 'no'}"


def documents(places: int):
    tk = toolkit.Toolkit()
    data = tk.load_jurisdictions()
    chosen = select(data, states=STATES)[:places]
    kinds = [name for name, kind in toolkit.DOCUMENTS.items() if kind.standalone]
    docs = []
    for j in chosen:
        for kind in kinds:
            try:
                docs.append(tk.compose(kind, j, date=DATE))
            except toolkit.ToolkitError:  # a document state law refuses (NotApplicable)
                pass
    return tk, docs


def before(tk, doc) -> bytes:
    """The PDF path toolkit replaced: WeasyPrint and pydyf as they come (every stream compressed
    at level 9 while writing, and again to hash the file for its identifier)."""
    path = search_path(None)
    return pdf.render(doc, doc.date, tk._env(path), tk._pdf_setup(path), finisher=pdf.stamp_fonts)


def after(tk, doc) -> bytes:
    return tk.to_bytes(doc, "pdf")


def writing(tk, doc, finisher=None) -> float:
    """CPU seconds spent compressing and writing ``doc``'s PDF: toolkit's finisher (or
    ``finisher``) and pydyf's writing, from the end of WeasyPrint's drawing to the bytes."""
    marks = []

    def timed(written, date) -> None:
        pdf.stamp_fonts(written, date)  # not counted: both paths date the fonts
        marks.append(time.process_time())
        (finisher or pdf.compress_streams)(written)

    path = search_path(None)
    pdf.render(doc, doc.date, tk._env(path), tk._pdf_setup(path), finisher=timed)
    return time.process_time() - marks[0]


def text_of(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        return ""
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def one_pdf(places: int, repeat: int) -> None:
    tk, docs = documents(places)
    for doc in docs[:3]:  # warm up both paths
        before(tk, doc), after(tk, doc)
    best = {"before": [float("inf")] * len(docs), "after": [float("inf")] * len(docs)}
    sizes = {"before": 0, "after": 0}
    for _ in range(repeat):
        for i, doc in enumerate(docs):
            for name, make in (("before", before), ("after", after)) if i % 2 else (("after", after), ("before", before)):
                start = time.process_time()
                data = make(tk, doc)
                best[name][i] = min(best[name][i], time.process_time() - start)
                sizes[name] += len(data) if _ == 0 else 0
    write_before = [min(writing(tk, d, finisher=lambda _pdf: None) for _ in range(repeat)) for d in docs]
    write_after = [min(writing(tk, d) for _ in range(repeat)) for d in docs]
    same = all(text_of(before(tk, d)) == text_of(after(tk, d)) for d in docs)
    reproducible = all(after(tk, d) == after(tk, d) for d in docs[:4])
    b, a = (1000 * sum(best[k]) / len(docs) for k in ("before", "after"))
    print(f"\n1. One PDF ({len(docs)} documents, best of {repeat} each, CPU ms per document)")
    print(f"   before (pydyf's level 9, twice)   {b:6.1f} ms   {sizes['before'] / len(docs) / 1024:5.1f} KiB")
    print(f"   toolkit now                        {a:6.1f} ms   {sizes['after'] / len(docs) / 1024:5.1f} KiB")
    print(f"   now / before                       {a / b:6.3f}    (target 55/62 = 0.887)")
    wb, wa = (1000 * sum(w) / len(docs) for w in (write_before, write_after))
    print(f"   of which compressing and writing   {wb:6.1f} -> {wa:.1f} ms")
    print(f"   same words on the same pages: {'yes' if same else 'NO'}; same bytes twice: {'yes' if reproducible else 'NO'}")


def libreoffice(docx: list, out: Path):
    """Documents per second of one LibreOffice batch converting ``docx`` to PDF (None without it)."""
    program = shutil.which("libreoffice") or shutil.which("soffice")
    if not program:
        return None
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    subprocess.run([program, f"-env:UserInstallation=file://{profile}", "--headless", "--terminate_after_init"],
                   capture_output=True)  # LibreOffice makes its profile once, as it would on a user's machine
    start = time.perf_counter()
    subprocess.run([program, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, docx)], check=True, capture_output=True)
    return len(docx) / (time.perf_counter() - start)


def timed_bulk(ids, fmt: str, jobs: int, out: Path) -> float:
    start = time.perf_counter()
    result = toolkit.bulk(out, ids=ids, formats=[fmt], date=DATE, jobs=jobs, force=True)
    assert result.ok, result.summary()
    return result.count("written") / (time.perf_counter() - start)  # refused documents make no file


def fresh_campaign(ids, jobs: int, out: Path) -> float:
    """Wall seconds of a new Python process running a PDF campaign (start-up included)."""
    code = (f"import toolkit; r = toolkit.bulk({str(out)!r}, ids={list(ids)!r}, formats=['pdf'], "
            f"date={DATE.isoformat()!r}, jobs={jobs}, force=True); assert r.ok, r.summary()")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def bulk_pdf(places: int, runs: int) -> None:
    data = toolkit.load_jurisdictions()
    ids = [j.id for j in select(data, states=STATES)][:places]
    work = Path(tempfile.mkdtemp(prefix="toolkit-speed-"))
    toolkit.render("letter", ids[0], "pdf", date=DATE)  # warm for every contender
    docx = toolkit.bulk(work / "docx", ids=ids, formats=["docx"], date=DATE, jobs=2)
    files = sorted((work / "docx").rglob("*.docx"))
    two, one = [], []
    for _ in range(max(1, runs // 3)):
        two.append(timed_bulk(ids, "pdf", 2, work / "p2"))
        one.append(timed_bulk(ids, "pdf", 1, work / "p1"))
    lo = libreoffice(files, work / "lo")
    two_m, one_m = statistics.median(two), statistics.median(one)
    print(f"\n2. Bulk PDF ({len(files)} documents of {len(ids)} places, {os.cpu_count()} cores, medians of {len(two)})")
    print(f"   toolkit bulk, 2 jobs            {two_m:6.1f} documents/s")
    print(f"   toolkit bulk, 1 job             {one_m:6.1f} documents/s")
    print(f"   LibreOffice, one batch of DOCX  {lo:6.1f} documents/s" if lo else "   LibreOffice: not installed")
    print(f"   2 jobs / 1 job                  {two_m / one_m:6.2f}x   (target 1.85x)")
    if lo:
        print(f"   2 jobs / LibreOffice            {two_m / lo:6.2f}x   (target 3x)")
    small = ids[:max(1, 20 // max(1, docx.count("written") // len(ids)))]
    f2 = statistics.median(fresh_campaign(small, 2, work / "s2") for _ in range(3))
    f1 = statistics.median(fresh_campaign(small, 1, work / "s1") for _ in range(3))
    n = toolkit.bulk(work / "s3", ids=small, formats=["pdf"], date=DATE, jobs=1).count("written")
    print(f"   a new process's campaign of {n} PDFs: 2 jobs {f2:.2f} s, 1 job {f1:.2f} s"
          f" (WeasyPrint set up once, before the workers fork)")


PATCHES = Path(__file__).resolve().parent.parent / "patches"
PER_PDF = """
import hashlib, sys, time, warnings
warnings.simplefilter("ignore")
sys.argv = ["speed"]
sys.path.insert(0, {here!r})
import speed
tk, docs = speed.documents({places})
for doc in docs[:3]:
    speed.after(tk, doc)
best = [float("inf")] * len(docs)
for _ in range({repeat}):
    for i, doc in enumerate(docs):
        start = time.process_time()
        speed.after(tk, doc)
        best[i] = min(best[i], time.process_time() - start)
write = [min(speed.writing(tk, doc) for _ in range({repeat})) for doc in docs]
print(1000 * sum(best) / len(docs), hashlib.sha256(b"".join(speed.after(tk, d) for d in docs)).hexdigest(),
      1000 * sum(write) / len(docs))
"""


def patched(package: str, diff: str, version: str, where: Path):
    """A copy of the installed ``package`` with ``patches/diff`` applied, or None (another
    version installed, or no ``patch`` program)."""
    module = __import__(package)
    if module.__version__ != version or not shutil.which("patch"):
        return None
    copy = where / package
    shutil.copytree(Path(module.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(["patch", "-p1", "-s", "-d", str(where), "-i", str(PATCHES / diff)], capture_output=True)
    if done.returncode != 0:
        return None
    compileall.compile_dir(str(copy), quiet=1)  # as installed: byte-compiled, so both sides load .pyc files
    return where


def with_path(path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path or ""), env.get("PYTHONPATH", "")]))
    return env


def upstream_patches(places: int, repeat: int, runs: int) -> None:
    """What the two patches prepared for upstream (patches/) would save, measured on copies of the
    installed packages with each applied; toolkit ships neither."""
    where = Path(tempfile.mkdtemp(prefix="toolkit-patched-"))
    print("\n4. Patches prepared for upstream (patches/; not shipped), on patched copies of the installed packages")
    pydyf_dir = patched("pydyf", "pydyf-0.13.0-identifier-serialize-once.diff", "0.13.0", where / "pydyf")
    if pydyf_dir:
        code = PER_PDF.format(here=str(Path(__file__).resolve().parent), places=places, repeat=repeat)
        stock, fixed = [], []
        for _ in range(2):
            for path, into in ((None, stock), (pydyf_dir, fixed)):
                out = subprocess.run([sys.executable, "-c", code], env=with_path(path), check=True,
                                     capture_output=True, text=True).stdout.split()
                into.append((float(out[0]), out[1], float(out[2])))
        s, f = min(stock)[0], min(fixed)[0]
        sw, fw = min(w for *_, w in stock), min(w for *_, w in fixed)
        same = {h for _, h, _ in stock} == {h for _, h, _ in fixed}
        print(f"   pydyf, identifier hashed from the bytes written: writing {sw:.1f} -> {fw:.1f} ms CPU a PDF;"
              f" one PDF {s:.1f} -> {f:.1f} ms ({f / s:.3f}x); same bytes: {'yes' if same else 'NO'}")
    else:
        print("   pydyf patch: needs pydyf 0.13.0 and the 'patch' program")
    wp_dir = patched("weasyprint", "weasyprint-70.0-dlopen-platform-names-first.diff", "70.0", where / "weasyprint")
    if wp_dir:
        stock_t, fixed_t = [], []
        for _ in range(runs):
            for path, into in ((None, stock_t), (wp_dir, fixed_t)):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", "import weasyprint"], env=with_path(path), check=True)
                into.append(time.perf_counter() - start)
        s, f = statistics.median(stock_t), statistics.median(fixed_t)
        print(f"   WeasyPrint, platform's library names first: import weasyprint {s:.3f} -> {f:.3f} s"
              f" ({1000 * (s - f):.0f} ms less; medians of {runs})")
    else:
        print("   WeasyPrint patch: needs WeasyPrint 70.0 and the 'patch' program")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--bulk-places", type=int, default=20)
    parser.add_argument("--skip", default="")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print("machine:", machine())
    if "pdf" not in skip:
        one_pdf(args.places, args.repeat)
    if "bulk" not in skip:
        bulk_pdf(args.bulk_places, args.runs)
    if "patches" not in skip:
        upstream_patches(args.places, args.repeat, args.runs)


if __name__ == "__main__":
    sys.exit(main())
