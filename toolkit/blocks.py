"""The neutral document structure both formats are made from.

A document template (Jinja, autoescaped) writes a small XML vocabulary; :func:`parse` turns it into
a list of :class:`Block`. Because every value from the data is escaped on the way in, nothing in
the data can add structure or markup: it always comes out as literal text in both formats.

Vocabulary::

    <document title="..." lang="en">            the root
      <letterhead><line>..</line>..</letterhead> centred heading of the issuing office
      <date>..</date>  <re>..</re>               dateline, subject line
      <address><line>..</line>..</address>      an addressee or contact block
      <h1>..</h1> <h2>..</h2> <p>..</p>          title, heading, paragraph (<p class="recital">)
      <ol><li>..</li></ol>  <ul><li>..</li></ul> numbered and bulleted lists
      <fill label="AYES"/>                       a line to be filled in by hand
      <signature><line>..</line>..</signature>   a signature line, then name/title lines
      <cc><line>..</line>..</cc>                 copies
    inline: <b>, <i>, <keep> (words kept on one line, e.g. a date), <blank/> (a short fill-in line)

A ``&`` that a template writes as plain text ("Smith & Jones") is taken literally; data never
reaches here unescaped, so every bare ``&`` comes from a template's own words.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Tuple
from xml.etree import ElementTree

from .errors import Problem, TemplateError

if TYPE_CHECKING:  # pragma: no cover
    from .api import Toolkit

BLANK = "\u2002" * 12  # what an inline <blank/> stands for in the text layer

BLOCK_KINDS = {"letterhead", "date", "re", "address", "h1", "h2", "p", "ol", "ul", "fill", "signature", "cc", "spacer"}
LINE_KINDS = {"letterhead", "address", "signature", "cc"}
LIST_KINDS = {"ol", "ul"}


@dataclass(frozen=True)
class Run:
    """A stretch of text with one style. ``blank`` marks an inline fill-in line."""

    text: str
    bold: bool = False
    italic: bool = False
    blank: bool = False
    keep: bool = False


@dataclass
class Block:
    """One paragraph-level element. ``lines`` holds the lines (or list items) of multi-line kinds.
    ``lead_in`` marks a paragraph that both formats keep on the page of what follows: one that
    introduces a list or a fill-in ("... therefore asks:"), the closing before a signature
    ("Sincerely,") and the paragraph before that closing."""

    kind: str
    runs: List[Run] = field(default_factory=list)
    lines: List[List[Run]] = field(default_factory=list)
    label: str = ""
    css_class: str = ""
    lead_in: bool = False

    @property
    def text(self) -> str:
        return runs_text(self.runs)


@dataclass
class Document:
    """A composed document: its title, language and blocks, and the facts marked ``verified: false``
    that went into it (``cautions``: one :class:`~toolkit.errors.Problem` each, ``str()`` is one
    line naming the file, line and field to check before sending).

    :func:`toolkit.compose` also records what it was made for: the document kind, the jurisdiction's
    id, the date, and the field values it used (``fields``: the values given merged with the
    data's defaults, e.g. ``signer_title``), so a caller can show or prefill them.
    """

    title: str
    lang: str
    blocks: List[Block]
    cautions: Tuple[Problem, ...] = ()
    kind: str = ""
    jurisdiction: str = ""
    date: Optional[dt.date] = None
    fields: Dict[str, str] = field(default_factory=dict)
    templates: Optional[str] = field(default=None, repr=False)
    toolkit: Optional["Toolkit"] = field(default=None, repr=False, compare=False)

    def lines(self) -> List[str]:
        """The words, one string per paragraph or line, as a reader sees them (a text preview)."""
        out: List[str] = []
        for block in self.blocks:
            if block.kind == "fill":
                out.append(f"{block.label}:" if block.label else "")
            elif block.lines:
                out.extend(runs_text(line) for line in block.lines)
            else:
                out.append(block.text)
        return [line for line in out if line.strip()]

    def text(self) -> str:
        """The document as plain text, paragraphs apart and lists numbered, to paste into a web form
        (the DHS FOIA portal takes a request's text, not a file)."""
        parts: List[str] = []
        for block in self.blocks:
            if block.kind == "fill":
                parts.append(f"{block.label}: " + "_" * 30)
            elif block.kind == "ol":
                parts.append("\n".join(f"{n}. {runs_text(item, '')}" for n, item in enumerate(block.lines, 1)))
            elif block.kind == "ul":
                parts.append("\n".join(f"- {runs_text(item, '')}" for item in block.lines))
            elif block.lines:
                parts.append("\n".join(runs_text(line, "_" * 30) for line in block.lines if runs_text(line).strip()))
            elif block.text.strip():
                parts.append(runs_text(block.runs, "_" * 30))
        return "\n\n".join(part for part in parts if part.strip()) + "\n"

    def _owner(self) -> "Toolkit":
        if self.toolkit is not None:
            return self.toolkit
        from .api import default_toolkit

        return default_toolkit()

    def to_bytes(self, fmt: str) -> bytes:
        """The document laid out as ``fmt`` (``"docx"`` or ``"pdf"``)."""
        return self._owner().to_bytes(self, fmt)

    def write(self, out: "os.PathLike[str] | str" = ".", formats: Sequence[str] = ("docx", "pdf")) -> List[Path]:
        """Lay the document out in each of ``formats`` and write ``<id>-<kind>.<format>`` files into
        the folder ``out``: every format is laid out before anything is written, each file is
        written atomically, so an error leaves no file behind. Returns the paths written."""
        return self._owner().write_document(self, out, formats)


def runs_text(runs: List[Run], blank: str = BLANK) -> str:
    return "".join(blank if r.blank else r.text for r in runs)


#: An ``&`` that does not start one of XML's own entities or a character reference.
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")


def parse(markup: str, template: str, sources: Iterable[str] = ()) -> Document:
    """Parse a template's output into a :class:`Document`. ``template`` names the template; an
    error in its markup is reported at the line of the first of ``sources`` (template files, the
    document's own first) that holds the offending text."""
    markup = _BARE_AMPERSAND.sub("&amp;", markup)
    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError as exc:
        raise _markup_error(markup, exc, template, list(sources)) from None
    if root.tag != "document":
        raise TemplateError("a document template must have <document> as its root", template=template,
                            path=_first(sources, template))
    blocks = []
    for element in root:
        if element.tag not in BLOCK_KINDS:
            raise _tag_error(f"unknown block <{element.tag}>; known: {', '.join(sorted(BLOCK_KINDS))}",
                             f"<{element.tag}", template, sources)
        block = Block(element.tag, label=element.get("label", ""), css_class=element.get("class", ""))
        if element.tag in LINE_KINDS:
            block.lines = [_runs(child, template, sources) for child in element if child.tag == "line"]
        elif element.tag in LIST_KINDS:
            block.lines = [_runs(child, template, sources) for child in element if child.tag == "li"]
        else:
            block.runs = _runs(element, template, sources)
        blocks.append(block)
    for block, following in zip(blocks, blocks[1:]):
        block.lead_in = block.kind == "p" and (
            following.kind in LIST_KINDS | {"fill"} and block.text.rstrip().endswith(":")
            or following.kind == "signature")  # the closing ("Sincerely,") stays with the signature
    for block, closing, signature in zip(blocks, blocks[1:], blocks[2:]):
        if block.kind == "p" and closing.kind == "p" and signature.kind == "signature":
            block.lead_in = True  # and the last paragraph with the closing: no signature page without text
    return Document(root.get("title", ""), root.get("lang", "en"), blocks)


def _runs(element, template, sources, bold=False, italic=False, keep=False) -> List[Run]:
    runs: List[Run] = []
    if element.text:
        runs.append(Run(_space(element.text), bold, italic, keep=keep))
    for child in element:
        if child.tag == "blank":
            runs.append(Run("", bold, italic, blank=True))
        elif child.tag in ("b", "i", "keep"):
            runs.extend(_runs(child, template, sources, bold or child.tag == "b", italic or child.tag == "i",
                              keep or child.tag == "keep"))
        else:
            raise _tag_error(f"<{child.tag}> is not allowed inside text (use <b>, <i>, <keep> or <blank/>)",
                             f"<{child.tag}", template, sources)
        if child.tail:
            runs.append(Run(_space(child.tail), bold, italic, keep=keep))
    return _trim(runs)


def _first(sources: Iterable[str], default: str) -> str:
    return next(iter(sources), default)


def _find(snippet: str, sources: Iterable[str]) -> Tuple[Optional[str], Optional[int]]:
    """The first template file and line holding ``snippet``."""
    snippet = snippet.strip()
    for path in sources:
        try:
            with open(path, encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if snippet and snippet in line:
                        return path, number
        except OSError:
            continue
    return None, None


def _tag_error(message: str, snippet: str, template: str, sources: Iterable[str]) -> TemplateError:
    sources = list(sources)
    path, line = _find(snippet, sources)
    return TemplateError(message, template=template, path=path or _first(sources, template), line=line)


def _markup_error(markup: str, exc: ElementTree.ParseError, template: str, sources: List[str]) -> TemplateError:
    """A markup error, told at the template line that wrote the offending text (the line of the
    rendered markup means nothing to the template's author)."""
    row, column = getattr(exc, "position", (0, 0))
    lines = markup.splitlines()
    text = lines[row - 1] if 0 < row <= len(lines) else ""
    what = str(exc).split(":")[0]
    # the text just around the error, as the template wrote it (literal text, not data)
    around = text[max(0, column - 15): column + 15].strip()
    path, line = None, None
    for size in (30, 20, 12, 6):
        piece = text[max(0, column - size // 2): column + size // 2].strip()
        if len(piece) >= 3:
            path, line = _find(piece, sources)
            if path:
                break
    return TemplateError(f"the template's markup is broken near '{around}' ({what}); check its tags, and write"
                         " '<' as '&lt;'", template=template, path=path or _first(sources, template), line=line)


def _space(text: str) -> str:
    """Template layout (newlines, indentation) and data line breaks become single spaces."""
    lead = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() else ""
    inner = " ".join(text.split())
    return (lead + inner + tail) if inner else " "


def _trim(runs: List[Run]) -> List[Run]:
    out: List[Run] = []
    for run in runs:
        if out and not run.blank and not out[-1].blank and _style(out[-1]) == _style(run):
            out[-1] = replace(out[-1], text=out[-1].text + run.text)
        else:
            out.append(run)
    if out and not out[0].blank:
        out[0] = replace(out[0], text=out[0].text.lstrip())
    if out and not out[-1].blank:
        out[-1] = replace(out[-1], text=out[-1].text.rstrip())
    # a space doubled across a style change ("word <b> bold</b>") is kept once
    for i in range(1, len(out)):
        if out[i - 1].text.endswith(" ") and out[i].text.startswith(" "):
            out[i] = replace(out[i], text=out[i].text[1:])
    return [r for r in out if r.text or r.blank]


def _style(run: Run) -> Tuple[bool, bool, bool]:
    return run.bold, run.italic, run.keep


__all__ = ["Run", "Block", "Document", "parse", "BLANK"]
