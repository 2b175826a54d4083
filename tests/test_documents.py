"""The four documents, in both formats, read back and checked for their real content."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import textwrap

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
        assert "November 23, 2026" in fmt_text or doc in ("resolution", "287g-resolution", "detainer-policy")


def test_letter_has_both_addressees_and_the_procedure(rendered):
    docx_text, pdf = both(rendered, "santa-clara", "letter")
    for text in (docx_text, pdf):
        assert "California Department of Justice" in text
        # the bureau's own box (its Custodian of Records), not the Record Review Unit's box for people's own records
        assert "Bureau of Criminal Information and Analysis" in text and "P.O. Box 160207" in text
        assert "Sacramento, CA 95816-0207" in text and "903417" not in text
        assert "Criminal Justice Information Services Division" in text and "Clarksburg" in text  # copy to the FBI
        assert "U.S. Immigration and Customs Enforcement" in text
        assert "500 12th Street SW" in text and "Washington, DC 20536" in text
        assert "Secure Communities" in text
        assert "Setting the Record Straight" in text and "August 17, 2010" in text
        assert "copy of the letter as sent to ICE" not in text  # both are addressed; neither is copied
        # refers to the body's opt-out vote, from the data
        assert "September 28, 2010" in text and "voted to seek to opt out" in text and "(vote: unanimous)" in text


def test_letter_for_virginia_goes_to_the_state_police(rendered):
    docx_text, pdf = both(rendered, "arlington", "letter")
    assert "Virginia Department of State Police" in docx_text and "27472" in pdf
    assert "Arlington County Board" in pdf and "(vote: 5-0)" in pdf


def test_resolution_structure_and_body_title(rendered):
    lines = flat_docx(rendered["arlington", "resolution", "docx"])
    text = "\n".join(lines)
    assert lines[0] == "County of Arlington"
    assert any(line.startswith("RESOLUTION NO.") for line in lines)
    assert "A RESOLUTION OF THE ARLINGTON COUNTY BOARD STATING THE COUNTY OF ARLINGTON'S OBJECTION" in text
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
    assert "within 5 business days of receiving this request, not counting weekends and legal holidays" in text
    assert "December 2, 2026" in text
    ca = " ".join(flat_docx(rendered["santa-clara", "records-request", "docx"]))
    assert "within 10 days of receiving this request (Cal. Gov. Code § 7922.535(a))" in ca and "December 3, 2026" in ca


def test_records_request_without_fixed_deadline_asks_for_prompt_reply():
    text = pdf_text(toolkit.render("records-request", "miami-dade-fl", "pdf", date=DATE))
    assert "sets no fixed number of days" in text and "within ten business days" in text


def test_names_take_an_article_only_when_english_wants_one():
    allegheny = " ".join(docx_lines(toolkit.render("letter", "allegheny-pa", "docx", date=DATE)))
    assert "to state the County of Allegheny's objection" in allegheny and "The County of Allegheny asks:" in allegheny
    assert not re.search(r"[Tt]he Allegheny County(?! Council)", allegheny)  # "the Allegheny County Council" is right
    santa_clara = " ".join(docx_lines(toolkit.render("letter", "santa-clara", "docx", date=DATE)))
    assert "to state the County of Santa Clara's objection" in santa_clara
    assert "The County of Santa Clara asks:" in santa_clara


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


# --- no process-wide state, threads, data sets side by side --------------------------------------

def test_pdfs_rendered_in_threads_are_the_bytes_of_a_single_threaded_render(rendered, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dict(os.environ)
    tk = toolkit.Toolkit()
    jobs = [(jid, doc) for jid in ("santa-clara", "arlington") for doc in DOCS] * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: tk.render(job[1], job[0], "pdf", date=DATE), jobs))
    for (jid, doc), pdf in zip(jobs, results):
        assert pdf == rendered[jid, doc, "pdf"], (jid, doc)
    assert dict(os.environ) == before


def test_fonts_subset_by_fonttools_are_stamped_with_the_documents_date(monkeypatch):
    """Without HarfBuzz-subset, fontTools stamps each font with the time: the PDF must not change."""
    import weasyprint.pdf.fonts as fonts
    from fontTools.ttLib.tables import _h_e_a_d

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    made = []
    for now in (1_000_000, 2_000_000_000):
        monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda now=now: now)
        made.append(toolkit.Toolkit().render("letter", "santa-clara", "pdf", date=DATE))
    assert made[0] == made[1]
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_restamped_fonts_keep_valid_checksums():
    from fontTools.ttLib import TTFont

    from toolkit.render.pdf import _checksum, _font_stamp, restamp_font

    import glob

    found = sorted(glob.glob("/usr/share/fonts/truetype/liberation*/LiberationSerif-Regular.ttf"))
    if not found:
        pytest.skip("Liberation Serif is not installed")
    original = open(found[0], "rb").read()
    stamp = _font_stamp(dt.date(2026, 11, 23))
    font = restamp_font(original, stamp)
    assert len(font) == len(original) and font != original
    assert _checksum(font) == 0xB1B0AFBA  # the whole-font checksum OpenType requires
    parsed = TTFont(io.BytesIO(font), checkChecksums=2)  # raises on a wrong table checksum
    assert parsed["head"].modified == stamp
    assert restamp_font(b"not a font", stamp) == b"not a font"


def springfield(tmp_path, name, verified=True):
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(f"""
        jurisdictions:
          - id: springfield
            name: {name}
            kind: city
            state: IL
            {"sources: [https://example.org/]" if verified else "verified: false"}
        """), encoding="utf-8")
    return path


def test_two_data_sets_side_by_side(tmp_path):
    one, two = springfield(tmp_path, "Springfield"), springfield(tmp_path, "Shelbyville", verified=False)
    first, second = toolkit.Toolkit(data=one), toolkit.Toolkit(data=two)
    a = first.compose("letter", "springfield", date=DATE)
    b = second.compose("letter", "springfield", date=DATE)
    assert a.toolkit is first and b.toolkit is second  # each lays its document out with its own caches
    assert "Springfield" in " ".join(a.lines()) and "Shelbyville" not in " ".join(a.lines())
    assert "Shelbyville" in " ".join(b.lines()) and "Springfield" not in " ".join(b.lines())
    assert not any(c.jurisdiction == "springfield" and c.field is None for c in a.cautions)  # the record's own
    assert any(c.jurisdiction == "springfield" and c.field is None and c.path == str(two) for c in b.cautions)
    # one Toolkit, both files, in either order
    shared = toolkit.Toolkit()
    assert "Shelbyville" in " ".join(shared.compose("letter", "springfield", data=two, date=DATE).lines())
    assert "Springfield" in " ".join(shared.compose("letter", "springfield", data=one, date=DATE).lines())
    assert shared.load_jurisdictions(one) is not shared.load_jurisdictions(two)


def test_unverified_facts_travel_with_the_document(tmp_path):
    doc = toolkit.compose("letter", "juneau-city-and-borough-ak", date=DATE)
    fields = [c.field for c in doc.cautions]
    assert "states.AK.sib" in fields
    caution = doc.cautions[fields.index("states.AK.sib")]
    assert caution.path.endswith("jurisdictions.yaml") and caution.line and caution.message
    assert "\n" not in str(caution) and str(caution).startswith(f"{caution.path}:{caution.line}: ")
    from test_data import CHECKED

    checked = tmp_path / "checked.yaml"
    checked.write_text(textwrap.dedent(CHECKED).lstrip("\n"), encoding="utf-8")
    assert toolkit.compose("foia", "springfield", data=checked, date=DATE).cautions == ()


def test_a_data_file_that_restates_a_state_drops_the_bundled_caution(tmp_path):
    import json

    import yaml

    path = tmp_path / "ak.yaml"
    state = json.loads(json.dumps(toolkit.load_jurisdictions().states["AK"], default=str))
    sib = {k: v for k, v in state.pop("sib").items() if k != "verified"}
    sib["source"] = "https://example.org/ak"
    path.write_text(yaml.safe_dump({"states": {"AK": {**state, "sib": sib}},
                                    "jurisdictions": [{"id": "juneau", "name": "Juneau", "kind": "city", "state": "AK",
                                                       "sources": ["https://example.org"]}]}), encoding="utf-8")
    mine = toolkit.compose("letter", "juneau", data=path, date=DATE)
    assert "states.AK.sib" not in [c.field for c in mine.cautions]
    assert "states.AK.sib" in [c.field for c in toolkit.compose("letter", "juneau-city-and-borough-ak", date=DATE).cautions]


def test_document_write_and_to_bytes(tmp_path):
    doc = toolkit.compose("foia", "arlington", date=DATE, signer="Ana Pérez")
    assert doc.kind == "foia" and doc.jurisdiction == "arlington" and doc.fields["signer"] == "Ana Pérez"
    paths = doc.write(tmp_path, ["docx"])
    assert paths == [tmp_path / "arlington-foia.docx", tmp_path / "arlington-foia.txt"]  # with the portal's text
    assert paths[0].read_bytes() == doc.to_bytes("docx") and paths[1].read_text(encoding="utf-8") == doc.text()


# --- the DOCX shell and the layout of both formats ---------------------------------------------

def test_the_docx_shell_refuses_a_style_it_has_no_paragraph_for():
    from toolkit.render import docx, template_file
    from toolkit.render import search_path

    shell = docx.Shell(template_file(search_path(None), "shell.docx"))
    doc = toolkit.compose("letter", "santa-clara", date=DATE)
    produced = {p["style"] for d in DOCS for p in docx.paragraphs(toolkit.compose(d, "arlington", date=DATE))}
    assert produced <= shell.styles and "Lead-in" in produced
    shell.styles = shell.styles - {"Lead-in"}
    with pytest.raises(toolkit.TemplateError) as info:
        shell.render(doc, dt.date(2026, 11, 23))
    assert "'Lead-in'" in str(info.value)
    with pytest.raises(toolkit.TemplateError):  # the shell's own {%p else %}
        shell.template.render(paragraphs=[{"style": "No Such Style", "runs": ""}])


def test_docx_declares_one_serif_font_and_keeps_headings_with_what_follows(rendered):
    import zipfile

    from docx import Document

    data = rendered["santa-clara", "letter", "docx"]
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode("utf-8")
    fonts = {font for attrs in re.findall(r"<w:rFonts ([^>]*)/>", styles)
             for font in re.findall(r'w:(?:ascii|hAnsi|cs|eastAsia)="([^"]+)"', attrs)}
    assert fonts == {"Liberation Serif"} and "Theme=" not in styles and "theme=" not in styles
    doc = Document(io.BytesIO(data))
    for name in ("Title", "Heading 2", "Subject", "Lead-in", "Letterhead", "Letterhead Name"):
        assert doc.styles[name].paragraph_format.keep_with_next, name
    lead = [p for p in doc.paragraphs if p.text.endswith(" asks:")]
    assert lead and lead[0].style.name == "Lead-in"
    for name in ("Letterhead", "Letterhead Name"):  # the rule under the letterhead
        assert "w:bottom" in doc.styles[name].element.xml
    assert "November\u00a023,\u00a02026" in [p.text for p in doc.paragraphs]  # a date never wraps


def test_pdf_uses_the_docx_font_and_keeps_dates_whole(rendered):
    reader = PdfReader(io.BytesIO(rendered["santa-clara", "letter", "pdf"]))
    names = {str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert names and all("Liberation-Serif" in name for name in names), names
    html = toolkit.compose("letter", "santa-clara", date=DATE)
    from toolkit.render import search_path
    from toolkit.templating import environment, render as render_template

    source = render_template(environment(search_path(None)), "shell.html.j2", {"doc": html, "stamp": "x"})
    assert '<span class="keep">November 23, 2026</span>' in source and 'class="body lead-in"' in source


@needs_libreoffice
def test_libreoffice_lays_the_docx_out_in_the_pdfs_font(tmp_path, rendered):
    path = tmp_path / "letter.docx"
    path.write_bytes(rendered["santa-clara", "letter", "docx"])
    converted = libreoffice_to_pdf(path, tmp_path)
    reader = PdfReader(io.BytesIO(converted.read_bytes()))
    names = {str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert names and all("LiberationSerif" in name for name in names), names


def _page_with(text: str, pages: list) -> int:
    return next(i for i, page in enumerate(pages) if text in " ".join(page.split()))


@needs_libreoffice
@pytest.mark.parametrize("jid", ["santa-clara", "harris-tx"])
def test_the_signature_page_has_the_closing_paragraph_and_the_copies(jid, tmp_path):
    """In the PDF and in the DOCX as LibreOffice lays it out: the paragraph before 'Sincerely,', the
    closing, the signature and the copies share a page (no signature page without text, no copies alone)."""
    written = toolkit.write("letter", jid, out=tmp_path, date="2026-12-07")
    docx = next(p for p in written if p.suffix == ".docx")
    for pdf_file in (next(p for p in written if p.suffix == ".pdf"), libreoffice_to_pdf(docx, tmp_path / "lo")):
        pages = pdf_text(pdf_file.read_bytes()).split("\f")
        signed = _page_with("Printed name", pages)
        assert signed == _page_with("Sincerely,", pages) == _page_with("cc: Federal Bureau of Investigation", pages)
        assert _page_with("Please send your reply", pages) == signed, pdf_file
