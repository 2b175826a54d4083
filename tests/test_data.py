"""The bundled data: coverage against the Census list, known facts, layering, lookup."""

from __future__ import annotations

import importlib.util
import warnings
from collections import Counter
from pathlib import Path

import pytest

import toolkit
from toolkit import DataError, UnknownJurisdiction

ROOT = Path(__file__).resolve().parent.parent


def census_counts():
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "generate_counties.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.COUNT_2020


@pytest.fixture(scope="module")
def data():
    return toolkit.load_jurisdictions()


def test_bundled_data_ships_with_the_package():
    assert toolkit.DEFAULT_DATA.is_file()
    assert (toolkit.DEFAULT_DATA.parent / "templates" / "shell.docx").is_file()
    if Path(toolkit.__file__).resolve().parent.parent != ROOT:  # an installed copy, as CI tests it
        assert "_bundled" in str(toolkit.DEFAULT_DATA)


def test_every_county_equivalent_per_state_matches_the_census(data):
    counts = Counter(j.state_code for j in data if j.is_county_equivalent)
    assert dict(counts) == census_counts()
    assert sum(counts.values()) == 3143


def test_ids_are_unique_slugs(data):
    ids = [j.id for j in data] + [a for j in data for a in j.aliases]
    assert len(ids) == len(set(ids))
    assert data.get("baltimore-md").name == "Baltimore County"
    assert data.get("baltimore-city-md").name == "Baltimore city"


def test_every_state_has_a_bureau_and_a_records_law_with_sources(data):
    assert len(data.states) == 51
    for code, state in data.states.items():
        assert state["sib"]["name"] and state["sib"]["address"], code
        law = state["records_law"]
        assert law["citation"] and (law.get("source") or law.get("verified") is False), code
        assert (law.get("deadline_days") is None) == (law.get("deadline_unit") is None), code


def test_known_facts(data):
    assert data.states["CA"]["sib"]["name"] == "California Department of Justice"
    assert data.states["VA"]["records_law"]["citation"] == "Va. Code § 2.2-3700 et seq."
    assert data.states["DC"]["records_law"]["deadline_days"] == 15
    assert data.federal["ice_foia"]["address"][0] == "500 12th Street SW, Stop 5009"


def test_seed_records_lay_over_generated_counties_and_inherit_state_facts(data):
    sc = data.get("santa-clara")
    assert sc is data.get("santa-clara-ca") and sc.fips == "06085"
    assert sc.record["activation"]["date"].isoformat() == "2010-05-04"
    assert sc.state["sib"]["name"] == "California Department of Justice"
    for jid in ("santa-clara", "san-francisco", "san-mateo", "arlington", "district-of-columbia"):
        assert data.get(jid) is not None


@pytest.mark.parametrize("query,kind,state,expected", [
    ("santa-clara", "county", None, "santa-clara"),
    ("Santa Clara County", "county", None, "santa-clara"),
    ("SANTA CLARA", "county", None, "santa-clara"),
    ("washington", "county", "OR", "washington-or"),
    ("Prince George's County", "county", "MD", "prince-georges-md"),
    ("Doña Ana County", "county", None, "dona-ana-nm"),
    ("san francisco", "city", None, "san-francisco"),
    ("baltimore", "city", None, "baltimore-city-md"),
    ("baltimore", "county", None, "baltimore-md"),
    ("bethel", "county", None, "bethel-census-area-ak"),
    ("juneau", "county", "AK", "juneau-city-and-borough-ak"),
])
def test_lookup(query, kind, state, expected):
    assert toolkit.find_jurisdiction(query, kind=kind, state=state).id == expected


def test_ambiguous_name_lists_candidates_and_states():
    with pytest.raises(UnknownJurisdiction) as info:
        toolkit.find_jurisdiction("washington", kind="county")
    assert len(info.value.candidates) >= 30 and "washington-or" in info.value.candidates
    assert "OR" in info.value.states and "give the state" in str(info.value)  # the library names no flag


def test_near_miss_suggests_closest_ids():
    with pytest.raises(UnknownJurisdiction) as info:
        toolkit.find_jurisdiction("santa-clar", kind="county")
    assert info.value.suggestions[0] == "santa-clara"


SPRINGFIELD = """
    jurisdictions:
      - id: springfield
        name: Springfield
        kind: city
        state: IL
"""


#: a place every fact of whose letter is marked checked (its own state bureau and FBI office included)
#: (in a state whose cooperation law the data has as none, so that no state-law caution applies either;
#: the FOIA request, which recites no part of the program's history, some of which is unverified)
CHECKED = """
    jurisdictions:
      - id: springfield
        name: Springfield
        kind: city
        state: PA
        chair_title: Mayor
        counsel_title: City Solicitor
        sources: [example]
    states:
      PA:
        name: Pennsylvania
        sib: {name: Pennsylvania State Police, address: [1800 Elmerton Avenue, "Harrisburg, PA 17110"], source: x}
        records_law: {name: Right-to-Know Law, citation: 65 P.S. § 67.101 et seq., source: x}
        county_body: {title: Board of Commissioners, source: x}
    federal:
      fbi_cjis: {name: FBI, division: CJIS, address: ["1000 Custer Hollow Road", "Clarksburg, WV 26306"], source: x}
      ice: {name: ICE, address: ["500 12th Street SW", "Washington, DC 20536"], source: x}
"""


def test_user_file_inherits_bundled_states(write_yaml):
    path = write_yaml(SPRINGFIELD + "        sources: [example]\n")
    data = toolkit.load_jurisdictions(path)
    j = data.get("springfield")
    assert j.state["sib"]["name"] == "Illinois State Police"
    pdf = toolkit.render("letter", "springfield", "docx", data=path, date="2026-11-23")
    assert b"word/document.xml" in pdf


def test_every_problem_is_reported_with_its_line(write_yaml):
    path = write_yaml("""
        jurisdictions:
          - id: one
            nmae: One County
            state: CA
          - id: Two Bad
            name: Two
            state: California
            population: {value: lots}
    """)
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(path)
    text = [str(p) for p in info.value.problems]
    assert any(":3:" in t and "jurisdiction 'one'" in t and "unknown field 'nmae' (did you mean 'name'?)" in t
               for t in text)
    assert any(":2:" in t and "jurisdictions[0].name'" in t and "missing" in t for t in text)
    assert any(":5:" in t and "'Two Bad' is not of the right form" in t for t in text)
    assert any(":7:" in t and "state" in t for t in text)
    assert any("whole number" in t for t in text)
    assert len(info.value.problems) >= 5


def test_broken_yaml_names_file_line_and_column(write_yaml):
    path = write_yaml("jurisdictions:\n  - id: x\n    name: [unclosed\n")
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(path)
    assert info.value.path == str(path) and info.value.line and "not valid YAML" in str(info.value)


def test_missing_fact_stops_the_render_naming_the_field(write_yaml, tmp_path):
    path = write_yaml("""
        states:
          ZZ:
            name: Nowhere
            county_body: {title: Board of Commissioners, source: x}
            records_law: {name: Nowhere Records Act, citation: N.C. § 1, source: x}
        jurisdictions:
          - id: lost
            name: Lost County
            state: ZZ
            sources: [x]
    """)
    with pytest.raises(DataError) as info:
        toolkit.write("letter", "lost", data=path, out=tmp_path / "out", date="2026-11-23")
    assert info.value.jurisdiction == "lost" and info.value.field.startswith("state.sib")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_check_reports_facts_without_a_source(write_yaml):

    path = write_yaml("""
        jurisdictions:
          - id: unsourced
            name: Unsourced
            kind: city
            state: CA
            population: {value: 10}
    """)
    data = toolkit.load_jurisdictions(path)
    kinds = Counter(p.severity for p in data.problems)
    assert kinds["unsourced"] == 2  # the record and its population fact


NO_COUNTY_GOVERNMENT = {"CT", "RI", "VT"}


def test_places_without_a_government_are_refused_with_the_reason():
    for jid in ("hartford-ct", "bethel-census-area-ak"):
        with pytest.raises(DataError) as info:
            toolkit.render("letter", jid, "docx", date="2026-11-23")
        assert "no county government" in str(info.value) and info.value.field == "governing_body"
    assert toolkit.render("letter", "juneau-city-and-borough-ak", "docx", date="2026-11-23")


@pytest.mark.parametrize("jid, body", [
    ("allegheny-pa", "Allegheny County Council"),          # home-rule charter county
    ("lackawanna-pa", "Lackawanna County Board of County Commissioners"),  # home rule, kept its board
    ("king-wa", "Metropolitan King County Council"),
    ("garrett-md", "Garrett County Board of County Commissioners"),  # Maryland's usual title
    ("prince-georges-md", "Prince George's County Council"),  # a Maryland charter county
    ("caddo-la", "Caddo Parish Commission"),
    ("rapides-la", "Rapides Parish Police Jury"),
    ("kent-de", "Kent County Levy Court"),
    ("gilliam-or", "Gilliam County Court"),
    ("crook-or", "Crook County Board of County Commissioners"),  # left the county-court form in 2024
])
def test_governing_bodies_follow_the_checked_exceptions(jid, body):
    from conftest import docx_lines

    assert body.upper() in " ".join(docx_lines(toolkit.render("resolution", jid, "docx", date="2026-11-23")))


def test_counties_without_a_government_since_abolition_are_refused():
    for jid in ("middlesex-ma", "kings-ny", "kalawao-hi"):
        with pytest.raises(DataError, match="no county government"):
            toolkit.render("letter", jid, "docx", date="2026-11-23")
    assert toolkit.render("letter", "plymouth-ma", "docx", date="2026-11-23")


def test_a_county_in_every_state_renders_all_documents_in_both_formats(tmp_path):
    from conftest import docx_lines, pdf_text

    data = toolkit.load_jurisdictions()
    sample = {}
    for j in data:
        sample.setdefault(j.state_code, j.id)
    result = toolkit.bulk(tmp_path, ids=list(sample.values()), date="2026-11-23", jobs=2)
    by_state = {}
    for row in result.rows:
        by_state.setdefault(data.get(row["jurisdiction"]).state_code, []).append(row)
    assert len(by_state) == 51
    for state, rows in by_state.items():
        assert len(rows) == 2 * sum(k.standalone for k in toolkit.DOCUMENTS.values()), state
        # state law refuses some kinds (e.g. the 287(g) notice where it requires an agreement), naming the law
        refused = [r for r in rows if "cannot be made for" in r["error"]]
        assert all(any(rule.then == "refuse" for rule in toolkit.DOCUMENTS[r["document"]].refuse_when) and " under "
                   in r["error"] and r["status"] == "refused" for r in refused), refused
        rows = [r for r in rows if r not in refused]
        if state in NO_COUNTY_GOVERNMENT:
            assert all(r["status"] == "failed" and "no county government" in r["error"] for r in rows), state
            continue
        if state == "DC":  # its bureau is its own police department: no records request to itself
            refused = [r for r in rows if r["document"] == "records-request"]
            assert all(r["status"] == "refused" and "agency of the District of Columbia itself" in r["error"]
                       for r in refused), refused
            rows = [r for r in rows if r["document"] != "records-request"]
        assert all(r["status"] == "written" for r in rows), [r["error"] for r in rows if r["error"]]
        name = data.get(rows[0]["jurisdiction"]).name
        for row in rows:
            raw = (tmp_path / row["path"]).read_bytes()
            text = " ".join(docx_lines(raw)) if row["format"] == "docx" else pdf_text(raw)
            text = " ".join(text.split())
            assert name in text and "{{" not in text and "{%" not in text and "None" not in text, row["path"]
            if row["document"] == "records-request":
                law = data.states[state]["records_law"]
                assert law["citation"] in text, row["path"]
                assert (law.get("deadline_days") is None) == ("sets no fixed number of days" in text), row["path"]


def test_documents_name_the_unverified_facts_they_use(write_yaml):
    with pytest.warns(toolkit.UnverifiedFactWarning) as caught:
        toolkit.render("letter", "juneau-city-and-borough-ak", "docx", date="2026-11-23")
    problems = {w.message.problem.field: w.message.problem for w in caught}
    assert "states.AK.sib" in problems  # its street address is not on an official page we could read
    lines = Path(toolkit.DEFAULT_DATA).read_text(encoding="utf-8").splitlines()
    sib = problems["states.AK.sib"]
    assert sib.path == str(toolkit.DEFAULT_DATA) and "Alaska Department of Public Safety" in lines[sib.line - 1]
    assert "before sending" in str(caught[0].message)
    checked = write_yaml(CHECKED, "checked.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("error", toolkit.UnverifiedFactWarning)
        toolkit.render("foia", "springfield", "docx", data=checked, date="2026-11-23")  # every fact it uses is checked

    path = write_yaml(SPRINGFIELD + "        verified: false\n")
    with pytest.warns(toolkit.UnverifiedFactWarning) as caught:
        toolkit.render("letter", "springfield", "docx", data=path, date="2026-11-23")
    [record] = [w.message.problem for w in caught if w.message.problem.jurisdiction == "springfield"
                and w.message.problem.field is None]
    assert (record.jurisdiction, record.path, record.line) == ("springfield", str(path), 2)
