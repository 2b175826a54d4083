"""The speed work changes how a PDF is written, never what it shows: toolkit's PDF draws exactly
what WeasyPrint and pydyf alone would draw from the same page source, and bulk workers start with
WeasyPrint set up by their parent."""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import io
import sys
import zlib

import pydyf
import pytest

import toolkit
from toolkit import campaign
from toolkit.render import pdf, search_path

from conftest import DATE


def plain_weasyprint(tk: toolkit.Toolkit, doc) -> bytes:
    """The PDF as WeasyPrint and pydyf write it by themselves (every stream compressed by pydyf)."""
    path = search_path(None)
    return pdf.render(doc, doc.date, tk._env(path), tk._pdf_setup(path), finisher=pdf.stamp_fonts)


def font_programs(data: bytes) -> list:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    found = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor.get_object():
                        found.append(hashlib.sha256(descriptor.get_object()[key].get_object().get_data()).hexdigest())
    return sorted(set(found))


@pytest.mark.parametrize("document, place", [("letter", "santa-clara"), ("287g-records", "harris-tx"),
                                             ("resolution", "district-of-columbia")])
def test_pdf_draws_what_weasyprint_alone_draws(document, place):
    from pypdf import PdfReader

    tk = toolkit.Toolkit()
    doc = tk.compose(document, place, date=DATE)
    ours, theirs = tk.to_bytes(doc, "pdf"), plain_weasyprint(tk, doc)
    assert ours != theirs  # written differently (each stream compressed once, at level 6) ...
    ours_reader, theirs_reader = PdfReader(io.BytesIO(ours)), PdfReader(io.BytesIO(theirs))
    assert len(ours_reader.pages) == len(theirs_reader.pages) >= 1
    for mine, plain in zip(ours_reader.pages, theirs_reader.pages):  # ... drawing the same pages
        assert mine.get_contents().get_data() == plain.get_contents().get_data()
    assert font_programs(ours) == font_programs(theirs) and font_programs(ours)
    assert ours_reader.trailer["/ID"][0] == theirs_reader.trailer["/ID"][0]
    assert ours_reader.metadata == theirs_reader.metadata
    assert "/StructTreeRoot" in ours_reader.trailer["/Root"]  # still tagged (PDF/UA)
    assert abs(len(ours) - len(theirs)) < 0.03 * len(theirs)


def test_compress_streams_writes_what_pydyf_would_compress():
    document = pydyf.PDF()
    stream = pydyf.Stream([b"BT", 12.5, 3.0, "/F1 9 Tf", pydyf.String("é")], compress=True)
    raw_only = pydyf.Stream(list(stream.stream))  # uncompressed: pydyf's own serialization
    image = pydyf.Stream([b"\xff\xd8"], {"Filter": "/DCTDecode"}, compress=True)
    plain = pydyf.Stream([b"q Q"])
    for obj in (stream, image, plain):
        document.add_object(obj)
    pdf.compress_streams(document)
    assert stream.compress is False and stream.extra["Filter"] == "/FlateDecode"
    body = raw_only.data.split(b"\nstream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert zlib.decompress(stream.stream[0]) == body == b"BT\n12.5\n3\n/F1 9 Tf\n<feff00e9>"
    assert image.compress is True and image.stream == [b"\xff\xd8"]  # already encoded: left to pydyf
    assert plain.compress is False and plain.stream == [b"q Q"]
    written = io.BytesIO()
    document.write(written, identifier=b"x", compress=True)
    assert written.getvalue().count(b"/FlateDecode") >= 1


def _set_up_in_worker(_):
    from toolkit.api import default_toolkit

    return "weasyprint" in sys.modules and search_path(None) in getattr(default_toolkit()._local, "pdf", {})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_bulk_workers_start_with_weasyprint_set_up():
    campaign._prepare(["pdf"], None)
    with cf.ProcessPoolExecutor(2, mp_context=campaign._pool_context()) as pool:
        assert all(pool.map(_set_up_in_worker, range(4)))
