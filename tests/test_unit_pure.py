"""The pure parts, without laying anything out: dates and deadlines, names and articles, fields,
blocks, errors and how the command line explains them."""

from __future__ import annotations

import datetime as dt

import pytest

import toolkit
from toolkit import DataError, TemplateError, ToolkitError, UnknownJurisdiction
from toolkit.blocks import BLANK, Run, parse
from toolkit.cli import explain
from toolkit.context import body_name, check_fields, with_article
from toolkit.deadlines import add_days, is_business_day

D = dt.date


# --- dates and deadlines ---------------------------------------------------------------------

def test_calendar_days_count_every_day():
    assert add_days(D(2026, 11, 23), 10, "calendar") == D(2026, 12, 3)
    assert add_days(D(2026, 12, 31), 1, "calendar") == D(2027, 1, 1)
    assert add_days(D(2026, 11, 23), 0, "calendar") == D(2026, 11, 23)


def test_business_days_skip_weekends_and_holidays():
    assert add_days(D(2026, 11, 20), 1, "business") == D(2026, 11, 23)  # Friday -> Monday
    # Thanksgiving (Nov 26) is federal; the day after is a Virginia holiday but not a federal one
    assert add_days(D(2026, 11, 23), 5, "business", "VA") == D(2026, 12, 2)
    assert add_days(D(2026, 11, 23), 5, "business") == D(2026, 12, 1)
    assert add_days(D(2026, 11, 23), 20, "business") == D(2026, 12, 22)  # the FOIA clock
    assert add_days(D(2026, 12, 30), 2, "business") == D(2027, 1, 4)  # New Year's Day, across the year


def test_is_business_day():
    assert is_business_day(D(2026, 11, 23)) and not is_business_day(D(2026, 11, 22))
    assert not is_business_day(D(2026, 11, 26))  # Thanksgiving
    assert is_business_day(D(2026, 11, 27)) and not is_business_day(D(2026, 11, 27), "VA")
    assert not is_business_day(D(2026, 3, 31), "CA") and is_business_day(D(2026, 3, 31))  # César Chávez Day


def test_an_unknown_day_unit_is_refused():
    with pytest.raises(toolkit.DataError):
        add_days(D(2026, 11, 23), 5, "working")


def test_the_date_range_is_inclusive_at_both_ends():
    from toolkit.deadlines import EARLIEST, LATEST, check_date

    assert check_date(EARLIEST) == D(2008, 1, 1) and check_date(LATEST) == D(2099, 12, 31)
    for outside in (D(2007, 12, 31), D(2100, 1, 1)):
        with pytest.raises(DataError, match="out of range"):
            check_date(outside)


def test_a_deadline_counts_from_0_to_366_days():
    assert add_days(D(2026, 1, 1), 366, "calendar") == D(2027, 1, 2)
    for days in (-1, 367, True, 1.5):
        with pytest.raises(DataError, match="out of range"):
            add_days(D(2026, 1, 1), days, "calendar")


def test_a_deadline_beyond_the_bundled_calendars_is_marked_estimated():
    from toolkit.law.calendar import due

    inside = due(D(2026, 11, 23), 10, "business", "VA")  # Thanksgiving and the day after are Virginia holidays
    assert inside.date == D(2026, 12, 9) and not inside.estimated
    assert due(D(2028, 12, 20), 10, "business", "VA").estimated  # runs into 2029, which no calendar has
    assert due(D(2028, 12, 29), 1, "calendar", "CA").estimated and not due(D(2028, 12, 1), 1, "calendar", "CA").estimated


# --- names and articles ----------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("County of Santa Clara", "the County of Santa Clara"),
    ("District of Columbia", "the District of Columbia"),
    ("Allegheny County", "Allegheny County"),
    ("Isle of Wight County", "Isle of Wight County"),
    ("Orleans Parish", "Orleans Parish"),
    ("Baltimore city", "Baltimore city"),
    ("City and County of San Francisco", "the City and County of San Francisco"),
])
def test_with_article(name, expected):
    assert with_article(name) == expected


def test_body_name_says_a_shared_word_once():
    assert body_name("Santa Clara County", "Board of Supervisors") == "Santa Clara County Board of Supervisors"
    assert body_name("Arlington County", "County Board") == "Arlington County Board"
    assert body_name("Orleans Parish", "Parish Council") == "Orleans Parish Council"
    assert body_name("Baltimore city", "City Council") == "Baltimore city City Council"


def test_check_fields_cleans_and_refuses_in_the_librarys_own_words():
    assert check_fields({"signer": "  Ana \n Pérez "}) == {"signer": "Ana Pérez"}
    for bad, words in (({"signr": "x"}, "did you mean 'signer'"), ({"signer": " "}, "is empty"),
                       ({"signer": "a\x07"}, "control character U+0007")):
        with pytest.raises(DataError) as info:
            check_fields(bad)
        assert words in str(info.value) and info.value.input == "fields"
        assert "--" not in str(info.value)


# --- blocks ----------------------------------------------------------------------------------

def test_parse_reads_the_vocabulary():
    doc = parse('<document title="T" lang="es"><letterhead><line>A</line><line>B</line></letterhead>'
                '<p>One <b>bold</b> and <i>it</i> <keep>May 4, 2010</keep></p><p>Asks:</p><ol><li>x</li></ol>'
                '<fill label="AYES"/><p>Name: <blank/></p></document>', "t.xml.j2")
    assert (doc.title, doc.lang) == ("T", "es")
    assert [b.kind for b in doc.blocks] == ["letterhead", "p", "p", "ol", "fill", "p"]
    runs = doc.blocks[1].runs
    assert runs == [Run("One "), Run("bold", bold=True), Run(" and "), Run("it", italic=True), Run(" "),
                    Run("May 4, 2010", keep=True)]
    assert [b.lead_in for b in doc.blocks] == [False, False, True, False, False, False]
    assert doc.lines() == ["A", "B", "One bold and it May 4, 2010", "Asks:", "x", "AYES:", "Name: " + BLANK]


def test_layout_whitespace_becomes_single_spaces():
    doc = parse("<document><p>\n  a\n   b <b> c </b> d  </p></document>", "t")
    assert doc.blocks[0].runs == [Run("a b "), Run("c", bold=True), Run(" d")]


def test_a_bare_ampersand_is_text_and_entities_still_work():
    doc = parse("<document><p>Smith & Jones &amp; AT&T; &#167; &lt;</p></document>", "t")
    assert doc.lines() == ["Smith & Jones & AT&T; § <"]


@pytest.mark.parametrize("markup, words", [
    ("<document><table/></document>", "unknown block <table>"),
    ("<document><p>a <u>b</u></p></document>", "<u> is not allowed"),
    ("<letter/>", "<document> as its root"),
    ("<document><p>a</document>", "markup is broken"),
])
def test_markup_errors(markup, words):
    with pytest.raises(TemplateError) as info:
        parse(markup, "t.xml.j2")
    assert words in str(info.value) and info.value.template == "t.xml.j2"


# --- errors, and the command line's explanation of them -----------------------------------------

def test_errors_are_one_line_with_where_and_what_to_do():
    exc = ToolkitError("is wrong", jurisdiction="x", field="f", path="d.yaml", line=3, column=2, hint="fix it")
    assert str(exc) == "d.yaml:3:2: jurisdiction 'x', field 'f': is wrong; fix it"
    assert exc.describe("do this") == "d.yaml:3:2: jurisdiction 'x', field 'f': is wrong; do this"
    problems = [toolkit.Problem("first", "d.yaml", 1), toolkit.Problem("second", "d.yaml", 2),
                toolkit.Problem("note", "d.yaml", 3, severity="warning")]
    exc = DataError(problems=problems)
    assert (exc.line, exc.more, exc.input) == (1, 1, "data")
    assert str(exc) == "d.yaml:1: first (and 1 more problem in the data)"


def test_the_command_line_names_the_flag():
    assert explain(DataError("is empty", field="signer", input="fields")).endswith("--set signer=VALUE")
    assert "--set signer=VALUE" in explain(DataError("needs it", field="fields.signer"))
    assert "--templates DIR" in explain(TemplateError("not found", path="x"))
    assert "--date YYYY-MM-DD" in explain(ToolkitError("bad date", input="date"))
    assert "toolkit check" in explain(DataError(problems=[toolkit.Problem("a"), toolkit.Problem("b")]))
    many_states = UnknownJurisdiction("two", query="w", candidates=["w-or", "w-wa"], states=["OR", "WA"], kinds=["county"])
    assert explain(many_states).endswith("add --state, e.g. --state OR")
    city_county = UnknownJurisdiction("two", query="b", candidates=["b-md", "b-city-md"], states=["MD"],
                                      kinds=["city", "county"])
    assert "--county NAME or --city NAME" in explain(city_county)
    assert "toolkit list" in explain(UnknownJurisdiction("none", query="q"))
    assert "did you mean" in explain(UnknownJurisdiction("none", query="q", suggestions=["a"], hint="did you mean: a?"))
