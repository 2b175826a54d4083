#!/usr/bin/env python3
"""Where one PDF's time goes, and what laying out many documents in one WeasyPrint pass saves.

The campaign issue expected most of a PDF's time to be font subsetting and per-document setup, so
that laying out a batch of documents in one pass and splitting it by page ranges would be about
3x faster per document. This script measures that premise side by side in one run, twice: with
HarfBuzz-subset (what toolkit's CI and README install) and with fontTools subsetting (WeasyPrint's
fallback when libharfbuzz-subset is missing).

For each: milliseconds per document for (a) one document per WeasyPrint pass, split into layout,
drawing and writing, and font subsetting; (b) ``--batch`` documents laid out in one pass, each
then written on its own from its page range (``Document.copy``, tags kept); (c) the same batch
written as one PDF and cut into documents with pypdf (fonts subset once, tags lost). Usage:
python benchmarks/pdf_time.py [--places 6] [--batch 12]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import re
import time
from contextlib import contextmanager

import weasyprint
import weasyprint.pdf.fonts as pdf_fonts

import toolkit
from toolkit.campaign import select
from toolkit.render import pdf, search_path, template_file
from toolkit.templating import render as render_template

DATE = dt.date(2026, 11, 23)
BODY = re.compile(r"<body>(.*)</body>", re.S)


class Clock:
    """Seconds spent inside WeasyPrint's font subsetting, however it is done."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._subset = pdf_fonts.Font.subset

    @contextmanager
    def counting(self):
        clock, original = self, self._subset

        def subset(font, *args, **kwargs):
            start = time.perf_counter()
            try:
                return original(font, *args, **kwargs)
            finally:
                clock.seconds += time.perf_counter() - start

        pdf_fonts.Font.subset = subset
        try:
            yield
        finally:
            pdf_fonts.Font.subset = original


def sources(places: int):
    tk = toolkit.Toolkit()
    data = tk.load_jurisdictions()
    env = tk._env(search_path(None))
    chosen = select(data, states=["VA", "NC", "GA", "TX"])[:places]
    stamp = f"{DATE}T00:00:00Z"
    out = []
    for j in chosen:
        for name, kind in toolkit.DOCUMENTS.items():
            if not kind.standalone:  # follow-ups and appeals answer a logged request
                continue
            try:
                doc = tk.compose(name, j, date=DATE)
            except toolkit.NotApplicable:  # state law refuses it there, by design
                continue
            out.append(render_template(env, "shell.html.j2", {"doc": doc, "stamp": stamp}))
    return out


def one_by_one(htmls, setup, clock):
    """Per document: layout ms, drawing+writing ms, subsetting ms; and each document's page count."""
    fetch, css, fonts = setup
    layout = write = 0.0
    pages = []
    clock.seconds = 0.0
    for source in htmls:
        start = time.perf_counter()
        document = weasyprint.HTML(string=source, url_fetcher=fetch).render(stylesheets=css, font_config=fonts)
        middle = time.perf_counter()
        document.write_pdf(pdf_variant=pdf.PDF_VARIANT)
        layout += middle - start
        write += time.perf_counter() - middle
        pages.append(len(document.pages))
    n = len(htmls)
    return 1000 * layout / n, 1000 * write / n, 1000 * clock.seconds / n, pages


def batches(htmls, size, setup):
    """Lay out ``size`` documents at a time in one WeasyPrint pass; yield each laid-out batch."""
    fetch, css, fonts = setup
    for first in range(0, len(htmls), size):
        group = htmls[first:first + size]
        bodies = "".join(f'<section style="break-before: page">{BODY.search(h).group(1)}</section>' for h in group)
        yield first, weasyprint.HTML(string=BODY.sub(lambda _, b=bodies: f"<body>{b}</body>", group[0], count=1),
                                     url_fetcher=fetch).render(stylesheets=css, font_config=fonts)


def split_by_copy(htmls, pages, size, setup):
    """Per document ms: batches laid out together, each document written (tagged) from its pages."""
    start = time.perf_counter()
    for first, document in batches(htmls, size, setup):
        at = 0
        for count in pages[first:first + size]:
            document.copy(document.pages[at:at + count]).write_pdf(pdf_variant=pdf.PDF_VARIANT)
            at += count
    return 1000 * (time.perf_counter() - start) / len(htmls)


def split_written(htmls, pages, size, setup):
    """Per document ms: each batch written as one PDF (fonts subset once), then cut into documents
    with pypdf. The cut files lose the tags, so toolkit does not do this."""
    from pypdf import PdfReader, PdfWriter

    start = time.perf_counter()
    for first, document in batches(htmls, size, setup):
        reader = PdfReader(io.BytesIO(document.write_pdf()))
        at = 0
        for count in pages[first:first + size]:
            writer = PdfWriter()
            for page in reader.pages[at:at + count]:
                writer.add_page(page)
            writer.write(io.BytesIO())
            at += count
    return 1000 * (time.perf_counter() - start) / len(htmls)


def measure(label, htmls, size, setup, clock):
    one_by_one(htmls[:2], setup, clock)  # warm caches
    with clock.counting():
        layout, write, subset, pages = one_by_one(htmls, setup, clock)
    copied = split_by_copy(htmls, pages, size, setup)
    written = split_written(htmls, pages, size, setup)
    single = layout + write
    print(f"{label}:")
    print(f"  one document per pass: {single:6.1f} ms/doc  (layout {layout:.1f}, drawing and writing {write:.1f},"
          f" of which font subsetting {subset:.1f} = {100 * subset / single:.0f}%)")
    print(f"  {size} per pass, each written from its pages (tagged): {copied:6.1f} ms/doc  -> {single / copied:4.2f}x")
    print(f"  {size} per pass, one PDF cut with pypdf (untagged):   {written:6.1f} ms/doc  -> {single / written:4.2f}x")
    return single


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=6, help="jurisdictions (x4 documents)")
    parser.add_argument("--batch", type=int, default=12, help="documents laid out in one pass")
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # the fontTools fallback warns once per font
    htmls = sources(args.places)
    roots = search_path(None)
    made = pdf.Setup(roots, template_file(roots, "style.css"))
    setup = (made.fetch, made.stylesheets, made.font_config)
    clock = Clock()
    print(f"{len(htmls)} documents, WeasyPrint {weasyprint.__version__}")
    hb = measure("HarfBuzz-subset", htmls, args.batch, setup, clock)
    saved, pdf_fonts.harfbuzz_subset = pdf_fonts.harfbuzz_subset, None
    try:
        ft = measure("fontTools subsetting (no libharfbuzz-subset)", htmls, args.batch, setup, clock)
    finally:
        pdf_fonts.harfbuzz_subset = saved
    print(f"one document per pass, fontTools / HarfBuzz-subset: {ft / hb:4.2f}x")


if __name__ == "__main__":
    main()
