"""The four documents, in both formats, read back and checked for their real content."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

import toolkit
from conftest import DATE, docx_lines, libreoffice_to_pdf, needs_libreoffice, pdf_text, words

DOCS = list(toolkit.DOCUMENTS)


@pytest.fixture(scope="module")
def rendered():
    """Every document for Santa Clara and Arlington, in both formats, rendered once."""
    out = {}
    for jid in ("santa-clara", "arlington"):
        for doc in DOCS:
            for fmt in ("docx", "pdf"):
                out[jid, doc, fmt] = toolkit.render(doc, jid, fmt, date=DATE)
    return out


def both(rendered, jid, doc):
    """The DOCX's and the PDF's text, each with its spaces (non-breaking ones too) made single spaces."""
    docx_text = " ".join(docx_lines(rendered[jid, doc, "docx"]))
    return " ".join(docx_text.split()), " ".join(pdf_text(rendered[jid, doc, "pdf"]).split())


def flat_docx(data: bytes) -> list:
    """The DOCX's lines with non-breaking spaces (which keep dates and citations on one line) as spaces."""
    return [line.replace("\u00a0", " ") for line in docx_lines(data)]


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("jid", ["santa-clara", "arlington"])
def test_docx_and_pdf_say_the_same_words(rendered, jid, doc):
    docx_text, pdf = both(rendered, jid, doc)
    # Compared without spaces and hyphens: pdftotext joins a word hyphenated at a line end
    # ("criminal-" "history" -> "criminalhistory") and splits one broken after a parenthesis ("(A)" "(iii)").
    assert "".join(words(docx_text)).replace("-", "") == "".join(words(pdf)).replace("-", "")


@pytest.mark.parametrize("doc", DOCS)
def test_no_raw_tags_none_or_placeholders(rendered, doc):
    for fmt_text in both(rendered, "santa-clara", doc):
        assert "{{" not in fmt_text and "{%" not in fmt_text
        assert "None" not in fmt_text
        assert "Santa Clara" in fmt_text
        assert "November 23, 2026" in fmt_text or doc == "resolution"


def test_letter_has_both_addressees_and_the_procedure(rendered):
    docx_text, pdf = both(rendered, "santa-clara", "letter")
    for text in (docx_text, pdf):
        assert "California Department of Justice" in text
        assert "P.O. Box 903417" in text and "Sacramento, CA 94203-4170" in text
        assert "U.S. Immigration and Customs Enforcement" in text
        assert "500 12th Street SW" in text and "Washington, DC 20536" in text
        assert "Secure Communities" in text
        assert "Setting the Record Straight" in text and "August 17, 2010" in text
        assert "copy of the letter as sent to ICE" in text
        # refers to the body's opt-out vote, from the data
        assert "September 28, 2010" in text and "voted to seek to opt out" in text and "(vote: unanimous)" in text


def test_letter_for_virginia_goes_to_the_state_police(rendered):
    docx_text, pdf = both(rendered, "arlington", "letter")
    assert "Virginia State Police" in docx_text and "P. O. Box 27472" in pdf
    assert "Arlington County Board" in pdf and "(vote: 5-0)" in pdf


def test_resolution_structure_and_body_title(rendered):
    lines = flat_docx(rendered["arlington", "resolution", "docx"])
    text = "\n".join(lines)
    assert lines[0] == "County of Arlington"
    assert any(line.startswith("RESOLUTION NO.") for line in lines)
    assert "A RESOLUTION OF THE ARLINGTON COUNTY BOARD OPPOSING PARTICIPATION" in text
    assert sum(line.startswith("WHEREAS,") for line in lines) >= 4
    assert "NOW, THEREFORE, BE IT RESOLVED by the Arlington County Board" in text
    for label in ("AYES:", "NOES:", "ABSENT:", "ATTEST:"):
        assert label in text
    assert "Clerk to the County Board" in text
    assert "Va. Code § 2.2-3700 et seq." in text
    sc = "\n".join(flat_docx(rendered["santa-clara", "resolution", "docx"]))
    assert "Santa Clara County Board of Supervisors" in sc and "County Counsel is directed" in sc
    assert "on May 4, 2010, Secure Communities was activated" in sc
    assert "Resolution No. 2010-316" in sc


def test_foia_cites_the_statute_fee_waiver_and_clock(rendered):
    docx_text, pdf = both(rendered, "santa-clara", "foia")
    for text in (docx_text, pdf.replace(") (", ")(")):  # a line may break between "(A)" and "(iii)"
        assert "Freedom of Information Act Office" in text and "Stop 5009" in text
        assert "5 U.S.C. § 552" in text and "§ 552(a)(4)(A)(iii)" in text
        assert "20 working days" in text and "December 22, 2026" in text  # 20 federal working days
        assert "electronic form" in text
        assert "memorandum of agreement" in text and "California Department of Justice" in text


def test_records_request_computes_the_state_deadline(rendered):
    text = " ".join(flat_docx(rendered["arlington", "records-request", "docx"]))
    assert "Virginia Freedom of Information Act" in text and "Va. Code § 2.2-3700 et seq." in text
    # 5 business days from Mon Nov 23, 2026, skipping Thanksgiving and the day after (VA holiday)
    assert "within 5 business days" in text and "December 2, 2026" in text
    ca = " ".join(flat_docx(rendered["santa-clara", "records-request", "docx"]))
    assert "10 calendar days" in ca and "December 3, 2026" in ca


def test_records_request_without_fixed_deadline_asks_for_prompt_reply():
    text = pdf_text(toolkit.render("records-request", "miami-dade-fl", "pdf", date=DATE))
    assert "sets no fixed number of days" in text and "promptly" in text


def test_names_take_an_article_only_when_english_wants_one():
    allegheny = " ".join(docx_lines(toolkit.render("letter", "allegheny-pa", "docx", date=DATE)))
    assert "that Allegheny County does not wish" in allegheny and "Allegheny County therefore asks" in allegheny
    assert not re.search(r"[Tt]he Allegheny County(?! Council)", allegheny)  # "the Allegheny County Council" is right
    santa_clara = " ".join(docx_lines(toolkit.render("letter", "santa-clara", "docx", date=DATE)))
    assert "that the County of Santa Clara does not wish" in santa_clara
    assert "The County of Santa Clara therefore asks" in santa_clara


@pytest.mark.parametrize("doc", DOCS)
def test_pdf_is_tagged_letter_size_titled_with_fonts_embedded(rendered, doc):
    reader = PdfReader(io.BytesIO(rendered["santa-clara", doc, "pdf"]))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).startswith("en")
    assert reader.metadata.title and "Santa Clara" in reader.metadata.title
    for page in reader.pages:
        assert [float(v) for v in page.mediabox] == [0, 0, 612, 792]
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            assert "/FontFile2" in descendant["/FontDescriptor"] or "/FontFile3" in descendant["/FontDescriptor"]
    assert "Page 1 of" in reader.pages[0].extract_text()


def test_docx_uses_real_styles_and_numbers_pages(rendered):
    from docx import Document

    doc = Document(io.BytesIO(rendered["santa-clara", "resolution", "docx"]))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Letterhead Name", "Title", "Heading 2", "Recital", "List Item"} <= styles
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert doc.core_properties.title.startswith("Santa Clara County Board of Supervisors")
    assert doc.core_properties.created.date().isoformat() == DATE


def test_same_inputs_give_identical_bytes(rendered):
    for fmt in ("docx", "pdf"):
        assert toolkit.render("letter", "santa-clara", fmt, date=DATE) == rendered["santa-clara", "letter", fmt]


def test_signer_from_set_replaces_the_fill_in_line():
    lines = docx_lines(toolkit.render("letter", "santa-clara", "docx", date=DATE, signer="Jane Q. Organiser",
                                      signer_title="County Counsel"))
    assert "Jane Q. Organiser" in lines and "County Counsel" in lines
    assert not any(line.startswith("Printed name") for line in lines)
    default = docx_lines(toolkit.render("letter", "santa-clara", "docx", date=DATE))
    assert any(line.startswith("Printed name: ____") for line in default)


@needs_libreoffice
def test_libreoffice_opens_the_docx(tmp_path, rendered):
    path = tmp_path / "letter.docx"
    path.write_bytes(rendered["santa-clara", "letter", "docx"])
    converted = libreoffice_to_pdf(path, tmp_path)
    text = pdf_text(converted.read_bytes())
    assert "California Department of Justice" in text and "Secure Communities" in text
