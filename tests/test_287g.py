"""The 287(g) and detainer documents: the agreements data, state law deciding what each place gets,
and the words of the four documents in both formats."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

import toolkit
from conftest import DATE, docx_lines, pdf_text, words
from toolkit.cli import main
from toolkit.documents import DOCUMENTS, StateRule
from toolkit.law import Law
from toolkit.law.agreements import MODELS, Agreements, operative

DAY = dt.date.fromisoformat(DATE)
NEW = [name for name, kind in DOCUMENTS.items() if kind.topic == "287(g) and detainers"]
SB54 = next(law.citation for law in Law.bundled().state_laws("CA", DAY) if law.id == "ca-sb54-2017")


# --- the data ---------------------------------------------------------------------------------------

def test_the_catalogue_has_the_four_new_kinds():
    assert NEW == ["287g-resolution", "287g-notice", "detainer-policy", "287g-records"]


def test_every_agreement_row_has_a_source_a_known_model_and_its_county():
    data = Agreements.bundled()
    counties = {j.fips: j for j in toolkit.load_jurisdictions() if j.fips}
    assert len(data.rows) > 100 and data.as_of <= DAY
    assert sum(1 for row in data.rows if row.fips) >= 0.95 * len(data.rows)  # matched to their county
    assert [row.agency for row in data.held_by("24021", DAY)] == ["Frederick County Sheriff's Office"]
    assert data.held_by("24021", dt.date(2020, 6, 8)) == []  # not before it was signed
    for row in data.rows:
        assert row.source and row.agency and row.models and set(row.models) <= set(MODELS), row
        assert isinstance(row.verified, bool)
        if row.fips:  # null where the research could not match the county with confidence
            assert counties[row.fips].state_code == row.state, row


def test_where_several_agencies_of_a_county_hold_agreements_the_sheriff_is_the_default():
    text = " ".join(toolkit.compose("287g-records", "jackson-fl", date=DATE).lines())
    assert "Custodian of Public Records Jackson County Sheriff's Office" in text
    jail = toolkit.compose("287g-records", "jackson-fl", date=DATE, agency="Jackson County Correctional Facility")
    assert "Custodian of Public Records Jackson County Correctional Facility" in " ".join(jail.lines())
    assert jail.fields["agency_head"] == "Director"


def test_termination_clauses_are_read_from_their_own_words():
    clauses = Agreements.bundled().clauses
    assert set(clauses) == set(MODELS)
    assert clauses["WSO"].notice_days == 90 and clauses["WSO"].to == "the Field Office Director"
    for model in ("JEM", "TFM"):
        assert clauses[model].notice_days == 0 and clauses[model].to == "the local Field Office"
        assert operative(clauses[model].text) == ("Termination by the LEA shall be provided, in writing, to the"
                                                  " local Field Office.")
    assert "90-days after receipt" in operative(clauses["WSO"].text)
    assert all(c.source and c.verified for c in clauses.values())


def test_a_field_office_is_chosen_by_county_where_a_state_has_several():
    data = Agreements.bundled()
    office, certain = data.field_office("TX", "El Paso County")
    assert office is not None and office.name == "El Paso Field Office" and certain
    office, certain = data.field_office("CA", "Santa Clara County")
    assert office is not None and office.name == "San Francisco Field Office" and certain
    office, certain = data.field_office("MD", "Frederick County")
    assert office is not None and office.name == "Baltimore Field Office" and certain


# --- state law decides (pure) -------------------------------------------------------------------------

STATE_LAWS = """\
XA:
  - {id: xa-287g, title: Act 1, citation: X.A. Code 1, kind: requires, effect: The sheriff must enter into a 287(g) agreement.,
     agreement_287g: required, effective: 2020-01-01, source: https://example.org, verified: true}
XB:
  - {id: xb-detainers, title: Act 2, citation: X.B. Code 2, kind: requires, effect: Jails must honor detainers.,
     detainers: must_honor, effective: 2020-01-01, source: https://example.org, verified: true}
XC:
  - {id: xc-limits, title: Act 3, citation: X.C. Code 3, kind: limits, effect: No holds on detainers.,
     detainers: judicial_only, effective: 2020-01-01, source: https://example.org, verified: true}
XD:
  - {id: xd-later, title: Act 4, citation: X.D. Code 4, kind: requires, effect: The sheriff must apply.,
     agreement_287g: must_apply, effective: 2030-01-01, source: https://example.org, verified: true}
"""


def test_state_law_refuses_or_calls_for_the_alternative(tmp_path):
    path = tmp_path / "laws.yaml"
    path.write_text(STATE_LAWS, encoding="utf-8")
    law = Law(toolkit.law.HERE / "timeline.yaml", path)
    decide = {name: (lambda state, name=name: DOCUMENTS[name].decide(law.state_laws(state, DAY))) for name in NEW}
    notice = decide["287g-notice"]("XA")
    assert notice is not None and notice[0].then == "refuse" and [e.id for e in notice[1]] == ["xa-287g"]
    assert decide["287g-resolution"]("XA")[0].then == "alternative"
    assert decide["detainer-policy"]("XA") is None and decide["287g-records"]("XA") is None
    assert decide["detainer-policy"]("XB")[0] == StateRule("detainers", ("must_honor",), "alternative")
    assert decide["287g-notice"]("XB") is None and decide["287g-resolution"]("XB") is None
    assert all(decide[name]("XC") is None for name in NEW)  # a limiting law is cited, never refused
    assert all(decide[name]("XD") is None for name in NEW)  # not yet in force on the document's date
    message = DOCUMENTS["287g-notice"].refusal(notice[1], "Somewhere County")
    assert "X.A. Code 1" in message and "Somewhere County" in message and "287(g) resolution" in message


# --- every jurisdiction in a state whose law decides ---------------------------------------------------

def _deciding_states():
    law = Law.bundled()
    out = {}
    for state in law.covered():
        laws = law.state_laws(state, DAY)
        kinds = {name: DOCUMENTS[name].decide(laws) for name in NEW}
        kinds = {name: found for name, found in kinds.items() if found}
        if kinds:
            out[state] = kinds
    return out


def test_every_jurisdiction_in_a_state_whose_law_decides_is_refused_or_gets_the_alternative():
    deciding = _deciding_states()
    assert "TX" in deciding  # Texas requires detainer compliance
    law = Law.bundled()
    for state in law.covered():  # every state whose law requires an agreement or detainer compliance decides
        laws = law.state_laws(state, DAY)
        if any(entry.rule("agreement_287g") in ("required", "must_apply") for entry in laws):
            assert deciding[state]["287g-notice"][0].then == "refuse", state
            assert deciding[state]["287g-resolution"][0].then == "alternative", state
        if any(entry.rule("detainers") == "must_honor" for entry in laws):
            assert deciding[state]["detainer-policy"][0].then == "alternative", state
    data = toolkit.load_jurisdictions()
    checked = 0
    for j in data:
        if j.state_code not in deciding or j.state.get("no_county_government") or j.get("no_county_government"):
            continue
        for name, (rule, laws) in deciding[j.state_code].items():
            citations = [law.citation for law in laws]
            if rule.then == "refuse":
                with pytest.raises(toolkit.NotApplicable) as caught:  # by design, not a data problem
                    toolkit.compose(name, j, date=DATE)
                assert all(c in str(caught.value) for c in citations), (j.id, name, str(caught.value))
                assert "cannot be made for" in str(caught.value)
            else:
                doc = toolkit.compose(name, j, date=DATE)
                text = " ".join(doc.lines())
                assert all(c in text for c in citations), (j.id, name)
                assert "REQUESTING PUBLIC REPORTS" in text or "ON RECORDS AND NOTICE" in text, (j.id, name)
                assert "judicial warrant or court order authorizes the hold" not in text, (j.id, name)
                assert any("lawful alternative" in c.message for c in doc.cautions), (j.id, name)
            checked += 1
    assert checked > 200


# --- what the documents say -----------------------------------------------------------------------------

def test_a_county_that_holds_an_agreement_is_asked_to_end_it_and_one_without_not_to_enter():
    held = " ".join(toolkit.compose("287g-resolution", "frederick-md", date=DATE).lines())
    assert "REQUESTING THAT THE FREDERICK COUNTY SHERIFF'S OFFICE END ITS 287(g) AGREEMENT" in held
    assert "holding an agreement under the Jail Enforcement Model" in held and "June 9, 2020" in held
    assert "requests that the Sheriff end its agreement under the Jail Enforcement Model" in held
    assert "does not direct the Sheriff" in held and "Baltimore Field Office" in held
    assert "“Termination by the LEA shall be provided, in writing, to the local Field Office”" in held
    renew = " ".join(toolkit.compose("287g-resolution", "frederick-md", date=DATE, agreement_action="not-renew").lines())
    assert "NOT RENEW OR EXTEND ITS 287(g) AGREEMENT" in renew and "not renew or extend its agreement under" in renew
    none = " ".join(toolkit.compose("287g-resolution", "santa-clara", date=DATE).lines())
    assert "NOT ENTER INTO A 287(g) AGREEMENT" in none and "shows no agreement" in none
    assert "requests that the Sheriff not enter into, or apply for, an agreement" in none
    assert "end its agreement" not in none
    notice = " ".join(toolkit.compose("287g-notice", "santa-clara", date=DATE).lines())
    assert "will not enter into one" in notice and SB54 in notice  # the state law that limits cooperation


def test_the_notice_is_signed_by_the_holder_and_counts_90_days_for_a_wso_agreement():
    doc = toolkit.compose("287g-notice", "frederick-md", date=DATE, agreement_model="WSO",
                          agreement_signed="2025-04-01")
    text = " ".join(doc.lines())
    assert doc.fields["signer_title"] == "Sheriff, Frederick County"
    assert doc.fields["agency"] == "Frederick County Sheriff's Office" and doc.fields["agreement_action"] == "end"
    assert "Sheriff, Frederick County" in text and "Chair" not in text and "On behalf of" not in text
    assert "Field Office Director, Enforcement and Removal Operations Baltimore Field Office" in text
    assert "90-days after receipt of such notice" in text
    assert "takes effect 90 days after you receive it: if you receive it on November 23, 2026, on February 21, 2027" in text
    jem = " ".join(toolkit.compose("287g-notice", "frederick-md", date=DATE).lines())
    assert "agreement ends when you receive it" in jem and "90 days" not in jem
    assert "If the agreement as signed provides otherwise" in jem  # a 2020 agreement may predate the clause


def test_where_state_law_bans_agreements_the_notice_and_resolution_cite_it():
    bans = [law for law in Law.bundled().state_laws("MD", DAY) if law.rule("agreement_287g") == "banned"]
    assert bans  # Maryland, 2026
    for doc in ("287g-notice", "287g-resolution"):
        text = " ".join(toolkit.compose(doc, "frederick-md", date=DATE).lines())
        assert all(law.citation in text for law in bans), doc
    assert "This notice is given as that law requires" in " ".join(
        toolkit.compose("287g-notice", "frederick-md", date=DATE).lines())


def test_the_notice_warns_that_an_older_agreement_may_have_another_clause():
    doc = toolkit.compose("287g-notice", "frederick-md", date=DATE)
    fields = {c.field for c in doc.cautions}
    assert "termination_clauses.JEM" in fields and "field_offices.MD" in fields
    policy = toolkit.compose("detainer-policy", "frederick-md", date=DATE)
    assert not {"termination_clauses.JEM", "field_offices.MD"} & {c.field for c in policy.cautions}


def test_ending_what_the_data_does_not_show_is_refused_with_what_to_give():
    with pytest.raises(toolkit.DataError) as caught:
        toolkit.compose("287g-notice", "santa-clara", date=DATE, agreement_action="end")
    assert caught.value.field == "agreement_action" and "agreement_model" in str(caught.value)
    doc = toolkit.compose("287g-notice", "santa-clara", date=DATE, agreement_action="end", agreement_model="TFM")
    assert "section XVIII" in " ".join(doc.lines()).replace("Section", "section")
    with pytest.raises(toolkit.DataError) as caught:
        toolkit.compose("287g-notice", "santa-clara", date=DATE, agreement_model="XYZ")
    assert caught.value.field == "agreement_model"


def test_the_detainer_policy_cites_the_courts_and_the_state_law_that_limits():
    text = " ".join(toolkit.compose("detainer-policy", "santa-clara", date=DATE, instrument="ordinance").lines())
    assert "AN ORDINANCE OF THE SANTA CLARA COUNTY BOARD OF SUPERVISORS ON IMMIGRATION DETAINERS" in text
    assert "Galarza v. Szalczyk, 745 F.3d 634 (3d Cir. 2014)" in text and "Miranda-Olivares" in text
    assert "unless a judicial warrant or court order authorizes the hold" in text
    assert SB54 in text and "8 U.S.C. §§ 1373, 1644" in text
    assert "requests that the Sheriff adopt sections 2 to 7" in text and "BE IT ORDAINED" in text


def test_the_records_request_asks_for_the_agreement_minutes_training_costs_and_monthly_counts():
    text = " ".join(toolkit.compose("287g-records", "frederick-md", date=DATE).lines())
    assert "Maryland Public Information Act" in text and "Custodian of Public Records Frederick County Sheriff's Office" in text
    for asked in ("amendments", "steering committee", "certification", "costs", "for each month",
                  "detainers (Form I-247A)", "honoured"):
        assert asked in text, asked
    assert "Response time." in text and "December 23, 2026" in text


@pytest.mark.parametrize("doc, place", [("287g-resolution", "frederick-md"), ("287g-notice", "frederick-md"),
                                        ("287g-records", "frederick-md"), ("287g-resolution", "harris-tx"),
                                        ("detainer-policy", "harris-tx")])
def test_docx_and_pdf_say_the_same_words_with_an_agreement_and_as_the_lawful_alternative(doc, place):
    docx = " ".join(docx_lines(toolkit.render(doc, place, "docx", date=DATE)))
    pdf = pdf_text(toolkit.render(doc, place, "pdf", date=DATE))
    assert _slashes(words(" ".join(docx.split()))) == _slashes(words(" ".join(pdf.split())))
    assert "County Sheriff" in docx


def _slashes(items):
    """A PDF line may break after a slash ("Removal/" + "Deportation)"): join such a word to the next."""
    out = []
    for word in items:
        if out and out[-1].endswith("/"):
            out[-1] += word
        else:
            out.append(word)
    return out


def test_list_documents_reads_the_catalogue():
    runner = CliRunner()
    result = runner.invoke(main, ["list-documents"])
    assert result.exit_code == 0
    for name, kind in DOCUMENTS.items():
        assert name in result.output and kind.title in result.output
    assert "refused where state law sets agreement_287g to required or must_apply" in result.output
    rows = json.loads(runner.invoke(main, ["list-documents", "--format", "json"]).output)
    assert [r["name"] for r in rows] == list(DOCUMENTS)
    assert next(r for r in rows if r["name"] == "287g-notice")["fields"][0] == "agreement_action"


def test_a_campaign_redoes_documents_when_the_law_data_changes(tmp_path, monkeypatch):
    from toolkit import campaign

    first = toolkit.bulk(tmp_path, ids=["frederick-md"], documents=["287g-notice"], formats=["docx"], date=DATE, jobs=1)
    assert first.count("written") == 1
    assert toolkit.bulk(tmp_path, ids=["frederick-md"], documents=["287g-notice"], formats=["docx"], date=DATE,
                        jobs=1).count("skipped") == 1
    monkeypatch.setattr(campaign, "law_digest", lambda: "a new ICE list")
    again = toolkit.bulk(tmp_path, ids=["frederick-md"], documents=["287g-notice"], formats=["docx"], date=DATE, jobs=1)
    assert again.count("written") == 1


@pytest.mark.parametrize("place", ["frederick-md", "santa-clara", "harris-tx", "autauga-al", "washington-or", "clay-fl"])
def test_the_records_request_counts_the_response_time_as_the_state_records_request_does(place):
    def response(doc):
        return next(line for line in toolkit.compose(doc, place, date=DATE).lines() if line.startswith("Response time."))

    assert response("287g-records") == response("records-request")


def test_the_web_interview_offers_the_new_kinds_with_their_defaults_and_refusals():
    import html

    pytest.importorskip("flask", reason="the web extra (flask) is not installed")
    from toolkit.web import create_app

    client = create_app(testing=True).test_client()
    home = html.unescape(client.get("/").get_data(as_text=True))
    assert all(DOCUMENTS[name].title in home for name in NEW)
    page = html.unescape(client.get("/details?document=287g-notice&jurisdiction=frederick-md").get_data(as_text=True))
    assert 'value="Frederick County Sheriff\'s Office"' in page and 'value="end"' in page
    sb8 = next(law.citation for law in Law.bundled().state_laws("TX", dt.date.today()) if law.rule("agreement_287g"))
    refused = client.get("/details?document=287g-notice&jurisdiction=harris-tx")
    assert refused.status_code == 400 and sb8 in html.unescape(refused.get_data(as_text=True))
