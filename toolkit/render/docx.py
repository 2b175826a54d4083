"""DOCX output: the document's blocks poured into the docxtpl shell (``templates/shell.docx``).

A :class:`Shell` is the shell loaded, its XML pre-processed by docxtpl and its Jinja template
compiled once (docxtpl alone re-reads and re-compiles on every render; a :class:`toolkit.Toolkit`
keeps its shells, which makes a DOCX take a few milliseconds, as bulk campaigns need). Each render fills in the body, writes
``docProps/core.xml`` (title, language, dates from the document's date) and zips the parts with fixed
timestamps, so the same inputs always give the same bytes. The shell's unchanging parts are
compressed once and copied into every file (:func:`zip_parts`), which halves the time of a DOCX.
"""

from __future__ import annotations

import datetime as dt
import io
import marshal
import re
import struct
import sys
import zipfile
import zlib
from typing import Dict, List, Tuple

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .. import diskcache
from ..blocks import Document, Run
from ..errors import TemplateError

BLANK = "_" * 28
FILL_BLANK = "_" * 40
SIGNATURE_LINE = "_" * 32  # the signature itself (the PDF's 2.6 in)
SIGNATURE_BLANK = "_" * 18  # a blank after a label in the signature block (the PDF's 1.6 in)

# block kind -> Word style of each of its paragraphs
STYLE = {
    "date": "Dateline", "re": "Subject", "h1": "Title", "h2": "Heading 2", "p": "Body Text",
    "fill": "Fill", "spacer": "Spacer",
}
NBSP = "\u00a0"
#: "§ 552", "U.S.C. § 552": a section sign stays on the line of the number it cites
_SECTION = re.compile(r"(§+|U\.S\.C\.) ")


class _Xml:
    """Run XML that docxtpl's ``{{r ...}}`` inserts as-is (autoescape honours ``__html__``)."""

    __slots__ = ("xml",)

    def __init__(self, xml: str) -> None:
        self.xml = xml

    def __html__(self) -> str:
        return self.xml


def escape(text: str, entities: Dict[str, str] = {}) -> str:  # noqa: B006 (read, never written)
    """``xml.sax.saxutils.escape``, without importing ``xml.sax`` (it imports ``urllib.request``)."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for key, value in entities.items():
        text = text.replace(key, value)
    return text


def _text(text: str) -> str:
    # Braces become character references so that docxtpl's post-render clean-up ("{_{" -> "{{")
    # can never touch text from the data; Word reads them back as plain braces.
    return escape(text, {'"': "&quot;"}).replace("{", "&#123;").replace("}", "&#125;")


def _runs(runs: List[Run], blank: str = BLANK) -> _Xml:
    parts = []
    for run in runs:
        props = ("<w:b/>" if run.bold else "") + ("<w:i/>" if run.italic else "")
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        text = blank if run.blank else _SECTION.sub(lambda m: m.group(1) + NBSP, run.text)
        if run.keep:  # Word has no "no wrap": non-breaking spaces keep the words on one line
            text = text.replace(" ", NBSP)
        parts.append(f'<w:r>{rpr}<w:t xml:space="preserve">{_text(text)}</w:t></w:r>')
    return _Xml("".join(parts))


def paragraphs(document: Document) -> List[Dict[str, object]]:
    """One entry per Word paragraph: its style and its runs."""
    out: List[Dict[str, object]] = []
    for block in document.blocks:
        kind = block.kind
        if kind == "letterhead":
            for i, line in enumerate(block.lines):
                out.append({"style": "Letterhead" if i else "Letterhead Name", "runs": _runs(line)})
        elif kind in ("address", "signature", "cc"):
            style = {"address": "Address", "signature": "Signature", "cc": "Copies"}[kind]
            out.append({"style": "Spacer", "runs": _Xml("")})
            for i, line in enumerate(block.lines):
                blank = BLANK if kind != "signature" else SIGNATURE_BLANK if i else SIGNATURE_LINE
                out.append({"style": style, "runs": _runs(line, blank)})
        elif kind in ("ol", "ul"):
            for i, item in enumerate(block.lines, start=1):
                marker = f"{i}.\t" if kind == "ol" else "•\t"
                out.append({"style": "List Item", "runs": _runs([Run(marker)] + item)})
        elif kind == "fill":
            out.append({"style": "Fill", "runs": _runs([Run(f"{block.label}: ", bold=True), Run("", blank=True)],
                                                      FILL_BLANK)})
        else:
            style = "Recital" if kind == "p" and block.css_class == "recital" else STYLE[kind]
            if block.lead_in:
                style = "Lead-in"
            out.append({"style": style, "runs": _runs(block.runs)})
    return out


_CHAIN = re.compile(r"para\.style\s*==\s*'([^']+)'")
_SOURCE = diskcache.source_hash(__file__)


class Shell:
    """A loaded, pre-processed and compiled DOCX shell."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                self.parts = {info.filename: archive.read(info) for info in archive.infolist()}
            document_xml = self.parts["word/document.xml"].decode("utf-8")
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            raise TemplateError(f"the DOCX shell cannot be read ({exc})", template=path, path=path) from None
        env = ImmutableSandboxedEnvironment(autoescape=True)
        env.globals["unknown_style"] = self._unknown
        # docxtpl's clean-up of the XML and Jinja's compiling depend only on the shell's bytes and
        # the libraries' code: a fresh process takes both from the cache (and never imports docxtpl)
        source, code = diskcache.cached("docx-shell", raw, lambda: self._prepare(env, document_xml),
                                        extra=(diskcache.package_hash("docxtpl", ("__init__.py", "template.py")),
                                               jinja2.__version__, sys.version.split()[0], _SOURCE))
        self.template = env.template_class.from_code(env, marshal.loads(code), env.make_globals(None), None)
        #: the paragraph styles the shell's chain of ``{%p if para.style == ... %}`` knows
        self.styles = frozenset(_CHAIN.findall(source))
        self.packed = {name: _compress(data) for name, data in self.parts.items()}

    def _prepare(self, env: ImmutableSandboxedEnvironment, document_xml: str) -> Tuple[str, bytes]:
        """The shell's ``word/document.xml`` as docxtpl's Jinja source, and that source compiled."""
        from docxtpl import DocxTemplate

        source = DocxTemplate(self.path).patch_xml(document_xml)
        try:
            code = env.compile(source)
        except Exception as exc:  # a user's shell with broken tags
            raise TemplateError(f"the DOCX shell's tags do not compile ({exc})", template=self.path,
                                path=self.path) from None
        return source, marshal.dumps(code)

    def _unknown(self, style: str) -> str:
        raise self._missing(style)

    def _missing(self, style: str) -> TemplateError:
        return TemplateError(f"the DOCX shell has no paragraph for the style '{style}', so that text would be"
                             " lost; add it to the shell (scripts/build_docx_shell.py makes the bundled one)",
                             template="shell.docx", path=self.path)

    def render(self, document: Document, date: dt.date) -> bytes:
        paras = paragraphs(document)
        for para in paras:
            if para["style"] not in self.styles:
                raise self._missing(str(para["style"]))
        body = self.template.render(paragraphs=paras)
        stamp = dt.datetime(max(date.year, 1980), date.month, date.day).strftime("%Y-%m-%dT00:00:00Z")
        fresh = {"word/document.xml": body.encode("utf-8"),
                 "docProps/core.xml": _core_xml(document, stamp).encode("utf-8")}
        entries = [(name, _compress(fresh[name]) if name in fresh else self.packed[name]) for name in self.parts]
        return zip_parts(entries, date)


Packed = Tuple[bytes, int, int]  # deflated bytes, CRC-32, uncompressed size


def _compress(data: bytes) -> Packed:
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    return deflate.compress(data) + deflate.flush(), zlib.crc32(data), len(data)


def zip_parts(entries: List[Tuple[str, Packed]], date: dt.date) -> bytes:
    """A zip archive of already-deflated parts, every entry stamped with ``date`` (reproducible)."""
    dos_date = ((max(date.year, 1980) - 1980) << 9) | (date.month << 5) | date.day
    out, central = [], []
    offset = 0
    for name, (data, crc, size) in entries:
        raw = name.encode("utf-8")
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, dos_date, crc, len(data), size, len(raw), 0)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, dos_date, crc, len(data),
                                   size, len(raw), 0, 0, 0, 0, 0o644 << 16, offset) + raw)
        out += [header, raw, data]
        offset += len(header) + len(raw) + len(data)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(out) + directory + end


def _core_xml(document: Document, stamp: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(document.title)}</dc:title><dc:creator>toolkit</dc:creator>"
        f"<cp:lastModifiedBy>toolkit</cp:lastModifiedBy><dc:language>{escape(document.lang)}</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def render(document: Document, date: dt.date, shell: Shell) -> bytes:
    """The DOCX bytes of ``document``, laid out by ``shell``."""
    return shell.render(document, date)
