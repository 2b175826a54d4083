#!/usr/bin/env python3
"""Build templates/shell.docx: the Word layout every DOCX document is poured into.

The shell is a docxtpl template. Its body loops over the document's paragraphs and picks, for each,
a paragraph of the matching Word style ({%p if para.style == ... %}), so staff get real styles
(Title, Heading 2, Body Text, Letterhead, ...) that they can restyle in Word; a style the chain does
not know stops the render with an error ({%p else %}), never drops the text. Its footer numbers the
pages ("Page X of Y") with Word fields. Every style, the document defaults and the font table name
one font, the PDF's (style.css): Liberation Serif, metric-compatible with Times New Roman, which the
font table gives Word as the alternative where Liberation Serif is not installed. No style keeps a
theme font, so no heading falls back to a sans face. Headings, the subject line and a paragraph
that leads into a list keep with what follows; the letterhead's lines share a bottom border, which
Word and LibreOffice draw once, under the last line. Run this after changing the styles; commit
the result.

Usage: python scripts/build_docx_shell.py [templates/shell.docx]
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Inches, Pt

FONT = "Liberation Serif"  # the PDF's font (templates/style.css)
ALT_FONT = "Times New Roman"  # same metrics; Word uses it where Liberation Serif is missing

# style name -> (based on, size pt, bold, italic, alignment, space before, space after, left indent, first-line)
STYLES = {
    "Letterhead Name": (None, 15, True, False, "center", 0, 0, 0, 0),
    "Letterhead": (None, 10.5, False, False, "center", 0, 0, 0, 0),
    "Dateline": (None, 11.5, False, False, "left", 18, 12, 0, 0),
    "Address": (None, 11.5, False, False, "left", 0, 0, 0, 0),
    "Subject": (None, 11.5, True, False, "left", 12, 12, 0, 0),
    "Title": (None, 15, True, False, "center", 18, 6, 0, 0),
    "Heading 2": (None, 11.5, True, False, "center", 6, 12, 0, 0),
    "Body Text": (None, 11.5, False, False, "left", 0, 9, 0, 0),
    "Lead-in": (None, 11.5, False, False, "left", 0, 9, 0, 0),
    "Recital": (None, 11.5, False, False, "left", 0, 9, 0, 0.5),
    "List Item": (None, 11.5, False, False, "left", 0, 6, 0.5, -0.3),
    "Fill": (None, 11.5, False, False, "left", 6, 6, 0, 0),
    "Signature": (None, 11.5, False, False, "left", 0, 0, 3.1, 0),
    "Copies": (None, 10, False, False, "left", 0, 0, 0, 0),
    "Spacer": (None, 11.5, False, False, "left", 0, 0, 0, 0),
}
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER}
#: styles that stay on the page of the paragraph after them
KEEP_WITH_NEXT = {"Letterhead Name", "Letterhead", "Dateline", "Subject", "Title", "Heading 2", "Lead-in", "Address", "Spacer",
                  "Signature", "Fill"}
#: styles whose paragraph is never split between pages (body text may be, as in the PDF: widow control)
KEEP_TOGETHER = KEEP_WITH_NEXT | {"List Item"}
#: the rule under the letterhead: the same border on each of its lines is drawn once, under the last
RULE = '<w:pBdr {}><w:bottom w:val="single" w:sz="10" w:space="6" w:color="222222"/></w:pBdr>'


def build(path: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Inches(1.1))
    section.top_margin, section.bottom_margin = Inches(0.9), Inches(0.9)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11.5)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.widow_control = True
    for name, (_, size, bold, italic, align, before, after, left, first) in STYLES.items():
        try:
            style = doc.styles[name]
        except KeyError:
            style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.name, style.font.size = FONT, Pt(size)
        style.font.bold, style.font.italic = bold, italic
        style.font.color.rgb = None
        fmt = style.paragraph_format
        fmt.alignment = ALIGN[align]
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.left_indent, fmt.first_line_indent = Inches(left), Inches(first)
        fmt.keep_with_next = name in KEEP_WITH_NEXT
        fmt.keep_together = name in KEEP_TOGETHER
        if name.startswith("Letterhead"):
            style.element.get_or_add_pPr().append(parse_xml(RULE.format(nsdecls("w"))))
    # The Title style of the default template has a border and a theme font: make it plain.
    title = doc.styles["Title"].element
    for child in list(title.pPr):
        if child.tag.endswith("pBdr"):
            title.pPr.remove(child)
    body = doc.element.body
    for p in list(body):
        if p.tag.endswith("}p"):
            body.remove(p)
    doc.add_paragraph("{%p for para in paragraphs %}")
    first = True
    for name in STYLES:
        doc.add_paragraph(("{%p if " if first else "{%p elif ") + f"para.style == '{name}' %}}")
        doc.add_paragraph("{{r para.runs }}", style=name)
        first = False
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{ unknown_style(para.style) }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    small = '<w:rPr><w:sz w:val="18"/></w:rPr>'
    run = f'<w:r {nsdecls("w")}>{small}<w:t xml:space="preserve">{{}}</w:t></w:r>'
    field = f'<w:fldSimple {nsdecls("w")} w:instr=" {{}} "><w:r>{small}<w:t>1</w:t></w:r></w:fldSimple>'
    for piece in (run.format("Page "), field.format("PAGE"), run.format(" of "), field.format("NUMPAGES")):
        footer._p.append(parse_xml(piece))  # "Page X of Y", in 9-point type
    doc.core_properties.author = "toolkit"
    doc.core_properties.title = "toolkit document shell"
    _one_font(doc)
    doc.save(path)
    _drop_extras(path)
    print(f"wrote {path}")


def _one_font(doc) -> None:
    """Every run font in the styles (and the document defaults) is FONT, with no theme font that
    Word would prefer to it; the font table tells Word FONT's family and its alternative."""
    from docx.oxml.ns import qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    if rpr_default.find(qn("w:rFonts")) is None:
        rpr_default.insert(0, parse_xml(f"<w:rFonts {nsdecls('w')}/>"))
    for style in styles.findall(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        if rpr is not None and rpr.find(qn("w:color")) is not None:
            rpr.remove(rpr.find(qn("w:color")))  # the theme's blue headings
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in list(fonts.attrib):
            if attr.lower().endswith("theme"):
                del fonts.attrib[attr]
        for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(qn(f"w:{slot}"), FONT)


def _font_table() -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{w}">'
            f'<w:font w:name="{FONT}"><w:altName w:val="{ALT_FONT}"/><w:panose1 w:val="02020603050405020304"/>'
            '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
            "</w:fonts>").encode("utf-8")


def _drop_extras(path: Path) -> None:
    """Remove the default template's thumbnail (a picture of an empty page) and its Word 2010
    stylesWithEffects part: neither is needed, and they tripled every DOCX's size."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    drop = {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"}
    for name in drop:
        parts.pop(name, None)
    parts["word/fontTable.xml"] = _font_table()
    # the theme's own fonts (Calibri, Cambria) are what Word falls back to: name ours there too
    if "word/theme/theme1.xml" in parts:
        parts["word/theme/theme1.xml"] = re.sub(rb'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*"',
                                                rb'\g<1>' + FONT.encode() + b'"', parts["word/theme/theme1.xml"])
    for rels in ("_rels/.rels", "word/_rels/document.xml.rels"):
        parts[rels] = re.sub(rb'<Relationship [^>]*Target="[^"]*(thumbnail\.jpeg|stylesWithEffects\.xml)"[^>]*/>', b"",
                             parts[rels])
    parts["[Content_Types].xml"] = re.sub(
        rb'<Override PartName="/(docProps/thumbnail\.jpeg|word/stylesWithEffects\.xml)"[^>]*/>', b"",
        parts["[Content_Types].xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "templates" / "shell.docx"))
