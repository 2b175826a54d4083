"""The law on a date, without rendering: the program's status, state laws, deadlines and officers."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

import toolkit
from toolkit.context import levers, officers_of, official_style, past_acts, with_article
from toolkit.law import Law
from toolkit.law.calendar import Calendars, due

D = dt.date


@pytest.fixture(scope="module")
def law():
    return Law.bundled()


@pytest.mark.parametrize("day, era", [
    (D(2008, 10, 28), "before"),
    (D(2009, 5, 1), "early"),            # running, before ICE published any procedure
    (D(2010, 8, 17), "opt-out"),         # "Setting the Record Straight"
    (D(2011, 8, 4), "opt-out"),
    (D(2011, 8, 5), "no-opt-out"),       # Morton's letter: no MOA is required
    (D(2014, 11, 19), "no-opt-out"),
    (D(2014, 11, 20), "ended"),          # Johnson memo
    (D(2017, 1, 24), "ended"),
    (D(2017, 1, 25), "no-opt-out"),      # EO 13768
    (D(2021, 1, 20), "ended"),           # EO 13993
    (D(2025, 1, 19), "ended"),
    (D(2025, 1, 20), "no-opt-out"),      # EO 14159
    (D(2026, 11, 25), "no-opt-out"),
])
def test_the_program_status_on_each_day(law, day, era):
    assert law.status(day).era == era


def test_status_knows_what_came_before_and_after(law):
    status = law.status(D(2015, 6, 1))
    assert status.last_change.id == "discontinued" and status.next_change.id == "eo-13768"
    assert status.event("moas-terminated") is not None and status.event("eo-14159") is None
    assert law.status(D(2026, 11, 25)).next_change is None


def test_state_laws_are_those_in_effect_on_the_date(law):
    texas_today = law.state_laws("TX", D(2026, 11, 25))
    assert texas_today and all(entry.effective <= D(2026, 11, 25) for entry in texas_today)
    assert any(entry.requires and entry.rule("detainers") == "must_honor" for entry in texas_today)
    assert law.state_laws("TX", D(2010, 9, 30)) == []          # SB 4 took effect in 2017
    assert not any(entry.requires for entry in law.state_laws("CA", D(2026, 11, 25)))


def test_a_requiring_law_becomes_a_caution_naming_statute_and_penalty(law):
    sb4 = next(entry for entry in law.state_laws("TX", D(2026, 11, 25)) if entry.id.startswith("tx-sb4"))
    caution = str(sb4.caution())
    assert "752" in caution and "removal from office" in caution and "counsel" in caution


def test_broken_state_law_data_is_refused_with_its_line(tmp_path):
    (tmp_path / "t.yaml").write_text("events: []\n")
    laws = tmp_path / "s.yaml"
    laws.write_text(textwrap.dedent("""\
        TX:
          - id: x
            title: X
            citation: Y
            effective: 2017-09-01
            kind: demands
            effect: z
            source: s
        """))
    with pytest.raises(toolkit.DataError) as caught:
        Law(tmp_path / "t.yaml", laws)
    assert caught.value.line == 2 and caught.value.field == "kind"


def test_levers_leave_out_what_state_law_decides(law):
    everything = levers([])
    assert len(everything) == 5
    california = levers(law.state_laws("CA", D(2026, 11, 25)))
    assert not any("detainer" in text for text in california)   # SB 54 already bars detainer holds
    assert not any("287(g)" in text for text in california)     # and bans 287(g) agreements
    assert any("287(g)" in text for text in levers(law.state_laws("PA", D(2026, 11, 25))))  # none in Pennsylvania


def test_past_acts_are_only_those_on_or_before_the_date():
    record = {"resolution": {"date": D(2010, 9, 28), "text": "the Board voted", "vote": "5-0"},
              "history": [{"date": D(2010, 11, 9), "text": "it was refused"}],
              "activation": {"date": D(2010, 5, 4), "text": "it was activated"}}
    assert [a["text"] for a in past_acts(record, D(2010, 9, 30))] == ["it was activated", "the Board voted (vote: 5-0)"]
    assert len(past_acts(record, D(2026, 11, 25))) == 3


CAL = """\
US:
  holidays:
    dates:
      2026: {2026-11-26: Thanksgiving Day, 2026-12-25: Christmas Day}
      2027: {2027-01-01: New Year's Day}
NE:
  holidays:
    dates:
      2026: {2026-11-26: Thanksgiving Day, 2026-11-27: Day after Thanksgiving, 2026-12-25: Christmas Day}
      2027: {2027-01-01: New Year's Day}
  computation: {moves_to_next_business_day: true, citation: Neb. Rev. Stat. § 25-2221}
TN:
  holidays:
    dates:
      2026: {2026-11-26: Thanksgiving Day, 2026-12-25: Christmas Day}
      2027: {2027-01-01: New Year's Day}
    unsettled: [{date: 2026-11-27, name: the Friday after Thanksgiving}]
  computation: {moves_to_next_business_day: false}
"""


@pytest.fixture
def calendars(tmp_path):
    path = tmp_path / "calendars.yaml"
    path.write_text(CAL)
    return Calendars(path)


def test_business_days_skip_the_states_own_holidays(calendars):
    # Nebraska names the day after Thanksgiving: 4 business days from Mon Nov 23 end Tue Dec 1
    assert due(D(2026, 11, 23), 4, "business", "NE", calendars).date == D(2026, 12, 1)
    # federally the Friday is a working day: Nov 24, 25, 27, 30
    assert due(D(2026, 11, 23), 4, "business", None, calendars).date == D(2026, 11, 30)


def test_an_unsettled_day_is_counted_and_the_alternative_given(calendars):
    deadline = due(D(2026, 11, 23), 7, "business", "TN", calendars)
    assert deadline.date == D(2026, 12, 3)                 # Nov 24, 25, 27, 30, Dec 1, 2, 3: counting Nov 27
    assert deadline.unsettled == (D(2026, 11, 27), "the Friday after Thanksgiving", D(2026, 12, 4))


def test_calendar_deadlines_move_only_where_the_state_says(calendars):
    moved = due(D(2026, 12, 21), 4, "calendar", "NE", calendars)   # Dec 25 is a holiday -> Mon Dec 28
    assert moved.date == D(2026, 12, 28) and moved.moved_from == D(2026, 12, 25)
    assert moved.computation_citation == "Neb. Rev. Stat. § 25-2221"
    stays = due(D(2026, 12, 21), 4, "calendar", "TN", calendars)
    assert stays.date == D(2026, 12, 25) and stays.moved_from is None


def test_years_outside_the_data_are_marked_estimated(calendars):
    assert due(D(2030, 3, 1), 5, "business", "NE", calendars).estimated
    assert not due(D(2026, 12, 21), 5, "business", "NE", calendars).estimated


class _J:
    is_city = False
    path, line, id = "data.yaml", 7, "x-county"
    state = {"county_counsel_title": "County Counsel"}


def test_officers_come_from_fields_then_record_then_state_then_a_flagged_default():
    cautions: list = []
    officers = officers_of(_J(), {}, {"presiding": "County Judge"}, {}, "Commissioners Court",
                           "X County Commissioners Court", "X County", cautions)
    assert officers["presiding"] == "County Judge" and officers["counsel"] == "County Counsel"
    assert officers.signature("presiding") == "County Judge, X County"
    assert not cautions
    officers = officers_of(_J(), {}, {}, {"chair_title": "President"}, "Board", "X County Board", "X County", cautions)
    assert officers.signature("presiding") == "President, X County Board" and not cautions
    officers = officers_of(_J(), {}, {}, {}, "Board", "X County Board", "X County", cautions)
    assert officers["presiding"] == "Chair" and [c.field for c in cautions] == ["chair_title"]


@pytest.mark.parametrize("census, style", [
    ("Richmond city", ("City of Richmond", "the City of Richmond", "Richmond City Council")),
    ("St. Louis city", ("City of St. Louis", "the City of St. Louis", "St. Louis City Council")),
    ("Juneau City and Borough", ("City and Borough of Juneau", "the City and Borough of Juneau",
                                 "Assembly of the City and Borough of Juneau")),
    ("Anchorage Municipality", ("Municipality of Anchorage", "the Municipality of Anchorage",
                                "Assembly of the Municipality of Anchorage")),
    ("Fairbanks North Star Borough", None),
    ("Carson City", None),
    ("Santa Clara County", None),
])
def test_census_names_become_the_official_style(census, style):
    assert official_style(census) == style


@pytest.mark.parametrize("name, sentence", [
    ("Allegheny County", "Allegheny County"), ("County of Santa Clara", "the County of Santa Clara"),
    ("City of Richmond", "the City of Richmond"), ("Isle of Wight County", "Isle of Wight County"),
    ("District of Columbia", "the District of Columbia"),
])
def test_a_name_takes_an_article_only_where_english_wants_one(name, sentence):
    assert with_article(name) == sentence


def test_no_generated_name_repeats_a_word_or_mixes_two_kinds():
    data = toolkit.load_jurisdictions()
    for j in data:
        if j.state_code not in ("VA", "AK", "MD", "MO", "NV"):
            continue
        try:
            doc = toolkit.compose("resolution", j, date="2026-11-25")
        except toolkit.DataError:
            continue           # census areas and the like have no government
        head = " ".join(doc.lines()[:2])
        for doubled in ("city City", "Municipality Borough", "Borough Borough", "City and Borough Borough",
                        "County County"):
            assert doubled not in head, (j.id, head)
