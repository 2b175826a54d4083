"""The documents as a county counsel reads them: true on their date, addressed to who acts, lawful in
their state, signed and directed by the right officers. Read back from both formats."""

from __future__ import annotations

import re

import pytest

import toolkit
from conftest import docx_lines, pdf_text, words

TODAY = "2026-11-25"
#: one jurisdiction per kind of state: limits cooperation (CA), requires it (TX), D.C. (its own bureau),
#: a Louisiana police jury, a Pennsylvania home-rule county, Virginia (neither, with its own 2026 law)
PLACES = ["santa-clara", "harris-tx", "district-of-columbia", "calcasieu-la", "allegheny-pa", "arlington"]


@pytest.fixture(scope="module")
def today():
    """Letter and resolution for each place, dated today, as (docx text, pdf text, cautions)."""
    out = {}
    for jid in PLACES:
        for kind in ("letter", "resolution"):
            doc = toolkit.compose(kind, jid, date=TODAY)
            docx = " ".join(" ".join(docx_lines(doc.to_bytes("docx"))).split())
            pdf = " ".join(pdf_text(doc.to_bytes("pdf")).split())
            out[jid, kind] = (docx, pdf, [str(c) for c in doc.cautions])
    return out


@pytest.mark.parametrize("jid", PLACES)
@pytest.mark.parametrize("kind", ["letter", "resolution"])
def test_both_formats_say_the_same(today, jid, kind):
    docx, pdf, _ = today[jid, kind]
    assert words(docx) == words(pdf)


@pytest.mark.parametrize("jid", PLACES)
def test_today_the_history_is_recited_and_no_opt_out_is_promised(today, jid):
    for kind in ("letter", "resolution"):
        text = today[jid, kind][0]
        assert "August 5, 2011" in text and "an MOA is not required" in text
        assert "November 20, 2014" in text and "Executive Order 13768" in text and "Executive Order 13993" in text
        assert "Executive Order 14159" in text and "does not name Secure Communities" in text
        assert "deployment plan" not in text and "This letter carries out" not in text
        assert "This letter is that written notice" not in text
    assert "does not claim that this letter can stop the FBI" in today[jid, "letter"][0]


def test_a_state_that_limits_cooperation_is_cited_in_support(today):
    for kind in ("letter", "resolution"):
        text = today["santa-clara", kind][0]
        assert "Cal. Gov't Code §§ 7284" in text
        assert "contrary to that law" not in text
    resolution = today["santa-clara", "resolution"][0]
    assert "No funds, personnel or facilities of the County of Santa Clara shall be used" in resolution


def test_a_state_that_requires_cooperation_is_obeyed_and_flagged(today):
    letter, _, cautions = today["harris-tx", "letter"]
    resolution, _, res_cautions = today["harris-tx", "resolution"]
    assert "Tex. Gov't Code" in letter and "Nothing in this letter asks any officer to act contrary to that law" in letter
    assert "Tex. Gov't Code" in resolution and "This is a statement of position" in resolution
    assert "No funds, personnel or facilities" not in resolution      # would "materially limit" under SB 4
    assert "warrant or order signed by a judge" not in letter          # Texas jails must honor detainers
    for found in (cautions, res_cautions):
        assert any("752" in c and "removal from office" in c and "counsel" in c for c in found)


def test_dc_never_writes_to_itself_nor_calls_its_law_state_law(today):
    letter = today["district-of-columbia", "letter"][0]
    assert "To U.S. Immigration and Customs Enforcement:" in letter
    assert "Metropolitan Police Department" not in letter.split("Re:")[0]      # no addressee block for it
    for kind in ("letter", "resolution"):
        text = today["district-of-columbia", kind][0]
        assert "state law" not in text.lower() and "District of Columbia law" in text
    with pytest.raises(toolkit.DataError, match="agency of the District of Columbia itself"):
        toolkit.compose("records-request", "district-of-columbia", date=TODAY)


def test_a_letter_dated_in_2010_follows_the_procedure_then_in_force():
    doc = toolkit.compose("letter", "santa-clara", date="2010-09-30")
    text = " ".join(doc.lines())
    assert "This letter is that written notice" in text and "deployment plan" in text
    assert "Executive Order" not in text and "2011" not in text
    assert "September 28, 2010" in text                       # its own vote two days before, as a past act
    earlier = " ".join(toolkit.compose("letter", "santa-clara", date="2010-09-01").lines())
    assert "September 28, 2010" not in earlier and "November 9, 2010" not in earlier


@pytest.mark.parametrize("day, resumed", [("2015-06-01", "January 25, 2017"), ("2022-01-01", "January 20, 2025")])
def test_no_letter_about_a_program_that_was_not_running(day, resumed):
    for kind in ("letter", "resolution"):
        with pytest.raises(toolkit.DataError) as caught:
            toolkit.compose(kind, "santa-clara", date=day)
        assert "not in operation" in str(caught.value) and resumed in str(caught.value)
    # records of the program can still be requested on such a date
    assert toolkit.compose("foia", "santa-clara", date=day).lines()


def test_foia_follows_the_2026_filing_rule_only_from_its_date():
    today = " ".join(toolkit.compose("foia", "santa-clara", date=TODAY).lines())
    assert "https://www.dhs.gov/foia" in today and "6 C.F.R. § 5.3(a)(2)" in today
    before = " ".join(toolkit.compose("foia", "santa-clara", date="2025-12-01").lines())
    assert "portal" not in before
    for text in (today, before):
        assert "6 C.F.R. § 5.11(k)(2)(i)" in text and "up to $25" in text and "Office of Government Information" in text
        assert "Expedited processing" not in text
    asked = " ".join(toolkit.compose("foia", "santa-clara", date=TODAY, fee_limit="$250",
                                     expedite="the Board decides on December 8, 2026").lines())
    assert "up to $250" in asked and "I certify that this statement is true and correct" in asked
    with pytest.raises(toolkit.DataError, match="whole dollars"):
        toolkit.compose("foia", "santa-clara", date=TODAY, fee_limit="lots")


def test_the_sender_is_the_office_with_its_address_and_the_reply_goes_there():
    doc = toolkit.compose("letter", "santa-clara", date=TODAY)
    head = doc.lines()[:6]
    assert head[:3] == ["County of Santa Clara", "Santa Clara County Board of Supervisors",
                        "Office of the Clerk of the Board of Supervisors"]
    assert "70 West Hedding Street, 10th Floor, East Wing" in head and "(408) 299-5001" in head
    text = " ".join(doc.lines())
    assert "Please send your reply to the Office of the Clerk of the Board of Supervisors, 70 West Hedding" in text
    mine = toolkit.compose("letter", "santa-clara", date=TODAY, contact_name="Ana Pérez, Deputy County Counsel",
                           address="70 W. Hedding St.; San Jose, CA 95110", email="ana@example.org")
    text = " ".join(mine.lines())
    assert "Please send your reply to Ana Pérez, Deputy County Counsel," in text and "ana@example.org" in text
    assert "70 W. Hedding St." in mine.lines()[:6]
    # the letter's signer, the resolution's direction and its signature block name the same officer
    resolution = " ".join(toolkit.compose("resolution", "santa-clara", date=TODAY).lines())
    assert "President of the Board of Supervisors, County of Santa Clara" in text
    assert "The President of the Board of Supervisors is directed to sign and send" in resolution
    assert "ABSTAIN: President of the Board of Supervisors, County of Santa Clara ATTEST:" in resolution


def test_the_reasons_are_given_with_their_sources_where_they_hold(today):
    for kind in ("letter", "resolution"):
        for text in today["santa-clara", kind][:2]:       # both formats
            assert "Theodore" in text and "44 percent" in text
            assert "Galarza v. Szalczyk, 745 F.3d 634" in text and "8 C.F.R. § 287.7(e)" in text
        texas = today["harris-tx", kind][0]
        assert "Theodore" in texas and "Galarza" not in texas    # Texas jails must honor detainers


def test_an_organiser_can_replace_the_reasons(write_yaml):
    path = write_yaml("""
        jurisdictions:
          - id: my-county
            name: Santa Clara County
            state: CA
            sources: [https://example.org/our-notes]
            reasons:
              - id: ours
                text: our county's own survey found that residents fear calling the police
                citation: County of Santa Clara, Community Survey (2026)
                source: https://example.org/survey
                verified: true
        """)
    text = " ".join(toolkit.compose("letter", "my-county", data=path, date=TODAY).lines())
    assert "Our county's own survey found" in text and "Theodore" not in text


def test_the_foia_request_comes_with_a_plain_text_copy_for_the_portal(tmp_path):
    paths = toolkit.write("foia", "santa-clara", out=tmp_path, date=TODAY)
    assert sorted(p.suffix for p in paths) == [".docx", ".pdf", ".txt"]
    text = (tmp_path / "santa-clara-foia.txt").read_text(encoding="utf-8")
    assert "Dear FOIA Officer:" in text and "\n1. policies, memoranda" in text and "\n5. records showing" in text
    assert "<" not in text and "Printed name: ____" in text
    # the other documents are not filed through a portal
    assert [p.suffix for p in toolkit.write("letter", "santa-clara", out=tmp_path, date=TODAY, formats=["docx"])] == [".docx"]


@pytest.mark.parametrize("jid", PLACES)
@pytest.mark.parametrize("date", [TODAY, "2010-09-30"])
def test_nobody_is_copied_on_a_letter_addressed_to_them(jid, date):
    lines = toolkit.compose("letter", jid, date=date).lines()
    dated = next(i for i, line in enumerate(lines) if re.fullmatch(r"[A-Z][a-z]+\W\d{1,2}, \d{4}", line))
    subject = next(i for i, line in enumerate(lines) if line.startswith("Re:"))
    addressees = set(lines[dated + 1:subject])  # the offices the letter is addressed to
    assert addressees
    copied = [line[len("cc: "):].split(",")[0].split(" (")[0] for line in lines if line.startswith("cc: ")]
    assert copied, "the letter has no copies at all"
    assert not [name for name in copied if name in addressees], addressees
    if date == TODAY:
        assert any("Criminal Justice Information Services" in line for line in lines if line.startswith("cc: "))
