"""PDF output: the document's blocks laid into ``templates/shell.html.j2`` and ``style.css``, then
WeasyPrint makes a tagged PDF/UA-1 file (US Letter, fonts embedded, title and language set).

WeasyPrint fetches nothing but the stylesheet and images inside the templates folders: the
:func:`fetcher` refuses every other URL (``file:///etc/...``, the network), whatever a template
asks for. The PDF's dates come from the document's date and its identifier from a hash of its
content, so the same inputs always give the same bytes.

Rendering changes no process-wide state. Fonts subset by fontTools (where the HarfBuzz-subset
library is missing) carry the time of subsetting in their ``head`` table, which fontTools takes
from the ``SOURCE_DATE_EPOCH`` environment variable; rather than set it (a race between threads, a
surprise for the program using toolkit), :func:`stamp_fonts` rewrites that stamp in each embedded
font to the document's date before the PDF is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import struct
import zlib
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence
from urllib.parse import unquote, urlparse

from ..blocks import Document
from ..errors import TemplateError
from ..templating import render as render_template

PDF_VARIANT = "pdf/ua-1"
#: zlib's own default. pydyf compresses every stream at level 9, and a second time to compute the
#: file identifier; compressing each stream once, here, at level 6 makes a PDF about a tenth
#: faster for under 1% more bytes (benchmarks/speed.py).
COMPRESSION_LEVEL = 6
#: fonts' ``head`` dates count seconds from 1904-01-01
_FONT_EPOCH = dt.datetime(1904, 1, 1, tzinfo=dt.timezone.utc)


def fetcher(roots: Sequence[str]):
    """A WeasyPrint URL fetcher that serves only ``file:`` URLs inside ``roots`` and refuses the
    rest (other files, the network) with ValueError, which WeasyPrint reports and skips."""
    from weasyprint import urls

    real_roots = [os.path.realpath(r) for r in roots]

    def check(url: str) -> None:
        parsed = urlparse(url)
        path = os.path.realpath(unquote(parsed.path)) if parsed.scheme == "file" else None
        if path is None or not any(path == root or path.startswith(root + os.sep) for root in real_roots):
            raise ValueError(f"toolkit does not fetch {url!r}: only files inside the templates folder")

    if hasattr(urls, "URLFetcher"):  # WeasyPrint >= 68

        class SafeFetcher(urls.URLFetcher):
            def fetch(self, url, headers=None):
                check(url)
                return super().fetch(url, headers)

        return SafeFetcher(allowed_protocols=("file",))

    def fetch(url: str, timeout: int = 10, ssl_context=None):  # older WeasyPrint
        check(url)
        return urls.default_url_fetcher(url, timeout, ssl_context)

    return fetch


class Setup:
    """What every PDF from one templates search path shares: the URL fetcher, the parsed
    ``style.css`` and its font configuration. Making them once, not for every document, saves a
    PDF about a tenth of its time. One Setup serves one thread at a time (a Toolkit keeps one per
    thread)."""

    def __init__(self, roots: Sequence[str], stylesheet: str) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.roots = tuple(roots)
        self.fetch = fetcher(roots)
        self.font_config = FontConfiguration()
        self.stylesheets = [CSS(filename=stylesheet, url_fetcher=self.fetch, font_config=self.font_config)]


def fast_subsetting() -> bool:
    """Whether WeasyPrint found the HarfBuzz-subset library. Without it WeasyPrint subsets each
    PDF's fonts with fontTools, which makes a PDF about 3x slower (benchmarks/pdf_time.py)."""
    from weasyprint.text import ffi

    return getattr(ffi, "harfbuzz_subset", True) is not None


def _font_stamp(date: dt.date) -> int:
    return int((dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc) - _FONT_EPOCH).total_seconds())


def restamp_font(data: bytes, stamp: int) -> bytes:
    """An OpenType/TrueType font with its ``head`` table's modified date set to ``stamp``
    (seconds since 1904) and its checksums made right again; other data is returned as it is."""
    if len(data) < 12 or data[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        return data
    tables = struct.unpack(">H", data[4:6])[0]
    for i in range(tables):
        entry = 12 + 16 * i
        if entry + 16 > len(data):
            return data
        tag, _, offset, length = struct.unpack(">4sIII", data[entry:entry + 16])
        if tag != b"head":
            continue
        if length < 36 or offset + length > len(data):
            return data
        font = bytearray(data)
        font[offset + 28:offset + 36] = struct.pack(">q", stamp)  # head.modified
        font[offset + 8:offset + 12] = b"\0\0\0\0"  # head.checkSumAdjustment, counted as 0
        font[entry + 4:entry + 8] = struct.pack(">I", _checksum(font[offset:offset + length]))
        font[offset + 8:offset + 12] = struct.pack(">I", (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF)
        return bytes(font)
    return data


def _checksum(data: Any) -> int:
    padded = bytes(data) + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def stamp_fonts(pdf: Any, date: dt.date) -> None:
    """Give every font embedded in ``pdf`` (a pydyf.PDF, before it is written) the date ``date``."""
    stamp = _font_stamp(date)
    for obj in pdf.objects:
        stream: List[Any] = getattr(obj, "stream", None) or []
        for i, part in enumerate(stream):
            if isinstance(part, (bytes, bytearray)) and part[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
                stream[i] = restamp_font(bytes(part), stamp)


def _stream_bytes(items: Sequence[Any]) -> bytes:
    """A pydyf stream's content as pydyf writes it: its items, each as PDF bytes, one per line."""
    parts = []
    for item in items:
        if isinstance(item, (bytes, bytearray)):
            parts.append(bytes(item))
        elif isinstance(item, float):
            parts.append((str(int(item)) if item.is_integer() else f"{item:f}".rstrip("0")).encode("ascii"))
        elif hasattr(item, "data"):  # a pydyf object inside the stream
            parts.append(item.data)
        else:
            parts.append(str(item).encode("ascii"))
    return b"\n".join(parts)


def compress_streams(pdf: Any, level: Optional[int] = None) -> None:
    """Compress once, at ``level``, every stream of ``pdf`` (a pydyf.PDF, before it is written)
    that pydyf would compress on writing: its data becomes the Flate-encoded bytes, its
    ``/Filter`` says so, and pydyf, finding nothing left to compress, writes those bytes as they
    are, both when it writes the stream and when it hashes the file for its identifier."""
    level = COMPRESSION_LEVEL if level is None else level
    for obj in pdf.objects:
        if getattr(obj, "compress", False) and isinstance(getattr(obj, "stream", None), list) \
                and "Filter" not in obj.extra:
            obj.stream = [zlib.compress(_stream_bytes(obj.stream), level)]
            obj.extra["Filter"] = "/FlateDecode"
            obj.compress = False


def finish(pdf: Any, date: dt.date) -> None:
    """What toolkit does to each PDF between WeasyPrint's drawing and pydyf's writing: fonts dated
    ``date`` (:func:`stamp_fonts`), streams compressed once (:func:`compress_streams`)."""
    stamp_fonts(pdf, date)
    compress_streams(pdf)


def render(document: Document, date: dt.date, env, setup: Setup,
           finisher: Callable[[Any, dt.date], None] = finish) -> bytes:
    """The PDF bytes of ``document``, laid out with ``env``'s ``shell.html.j2`` and ``setup``;
    ``finisher(pdf, date)`` runs between drawing and writing (:func:`finish`; the benchmarks and
    tests give others to compare with WeasyPrint and pydyf as they come)."""
    from weasyprint import HTML  # imported late: a DOCX-only run never pays ~0.5 s for it

    stamp = f"{date.isoformat()}T00:00:00Z"
    source = render_template(env, "shell.html.j2", {"doc": document, "stamp": stamp})
    identifier = hashlib.sha256(source.encode("utf-8")).hexdigest()[:32].encode("ascii")
    try:
        return HTML(string=source, base_url=Path(setup.roots[0]).as_uri() + "/", url_fetcher=setup.fetch).write_pdf(
            stylesheets=setup.stylesheets, font_config=setup.font_config, pdf_variant=PDF_VARIANT,
            pdf_identifier=identifier, finisher=lambda _document, pdf: finisher(pdf, date),
        )
    except TemplateError:
        raise
    except ValueError as exc:
        raise TemplateError(f"the PDF could not be made: {exc}", template="shell.html.j2") from None
