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
    inline: <b>, <i>, <blank/> (a short fill-in line inside text)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple
from xml.etree import ElementTree

from .errors import Problem, TemplateError

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


@dataclass
class Block:
    """One paragraph-level element. ``lines`` holds the lines (or list items) of multi-line kinds."""

    kind: str
    runs: List[Run] = field(default_factory=list)
    lines: List[List[Run]] = field(default_factory=list)
    label: str = ""
    css_class: str = ""

    @property
    def text(self) -> str:
        return runs_text(self.runs)


@dataclass
class Document:
    """A composed document: its title, language and blocks, and the facts marked ``verified: false``
    that went into it (``cautions``: one :class:`~toolkit.errors.Problem` each).

    :func:`toolkit.compose` also records what it was made for: the document kind, the jurisdiction's
    id, the date, and the field values it used (``fields``: the ``--set`` values merged with the
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

    def lines(self) -> List[str]:
        """The words, one string per paragraph or line, as a reader sees them (a text preview)."""
        return plain_text(self)

    def to_bytes(self, fmt: str) -> bytes:
        """The document laid out as ``fmt`` (``"docx"`` or ``"pdf"``)."""
        from .render import to_format

        assert self.date is not None, "compose() sets the date"
        return to_format(self, fmt, self.date, self.templates)


def runs_text(runs: List[Run]) -> str:
    return "".join(BLANK if r.blank else r.text for r in runs)


def parse(markup: str, template: str) -> Document:
    """Parse a template's output into a :class:`Document`."""
    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError as exc:
        raise TemplateError(f"template produced malformed markup ({exc}); check its tags", template=template,
                            path=template) from None
    if root.tag != "document":
        raise TemplateError("a document template must have <document> as its root", template=template, path=template)
    blocks = []
    for element in root:
        if element.tag not in BLOCK_KINDS:
            raise TemplateError(f"unknown block <{element.tag}>; known: {', '.join(sorted(BLOCK_KINDS))}",
                                template=template, path=template)
        block = Block(element.tag, label=element.get("label", ""), css_class=element.get("class", ""))
        if element.tag in LINE_KINDS:
            block.lines = [_runs(child, template) for child in element if child.tag == "line"]
        elif element.tag in LIST_KINDS:
            block.lines = [_runs(child, template) for child in element if child.tag == "li"]
        else:
            block.runs = _runs(element, template)
        blocks.append(block)
    return Document(root.get("title", ""), root.get("lang", "en"), blocks)


def _runs(element, template, bold=False, italic=False) -> List[Run]:
    runs: List[Run] = []
    if element.text:
        runs.append(Run(_space(element.text), bold, italic))
    for child in element:
        if child.tag == "blank":
            runs.append(Run("", bold, italic, blank=True))
        elif child.tag in ("b", "i"):
            runs.extend(_runs(child, template, bold or child.tag == "b", italic or child.tag == "i"))
        else:
            raise TemplateError(f"<{child.tag}> is not allowed inside text (use <b>, <i> or <blank/>)",
                                template=template, path=template)
        if child.tail:
            runs.append(Run(_space(child.tail), bold, italic))
    return _trim(runs)


def _space(text: str) -> str:
    """Template layout (newlines, indentation) and data line breaks become single spaces."""
    lead = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() else ""
    inner = " ".join(text.split())
    return (lead + inner + tail) if inner else " "


def _trim(runs: List[Run]) -> List[Run]:
    out: List[Run] = []
    for run in runs:
        if out and not run.blank and not out[-1].blank and (out[-1].bold, out[-1].italic) == (run.bold, run.italic):
            out[-1] = Run(out[-1].text + run.text, run.bold, run.italic)
        else:
            out.append(run)
    if out and not out[0].blank:
        out[0] = Run(out[0].text.lstrip(), out[0].bold, out[0].italic)
    if out and not out[-1].blank:
        out[-1] = Run(out[-1].text.rstrip(), out[-1].bold, out[-1].italic)
    # a space doubled across a style change ("word <b> bold</b>") is kept once
    for i in range(1, len(out)):
        if out[i - 1].text.endswith(" ") and out[i].text.startswith(" "):
            out[i] = Run(out[i].text[1:], out[i].bold, out[i].italic, out[i].blank)
    return [r for r in out if r.text or r.blank]


def plain_text(document: Document) -> List[str]:
    """The document's words, one string per paragraph or line, as a reader sees them."""
    out: List[str] = []
    for block in document.blocks:
        if block.kind == "fill":
            out.append(f"{block.label}:" if block.label else "")
        elif block.lines:
            out.extend(runs_text(line) for line in block.lines)
        else:
            out.append(block.text)
    return [line for line in out if line.strip()]


__all__ = ["Run", "Block", "Document", "parse", "plain_text", "BLANK"]
