"""The template sandbox, its filters and its limits, without laying anything out."""

from __future__ import annotations

import datetime as dt
import os
import zlib
import time

import pytest

import toolkit
from toolkit import DataError, TemplateError
from toolkit.templating import Missing, Record, capfirst, environment, join_and, longdate, period, render, tie
from conftest import DATE


def run(tmp_path, source: str, **context) -> str:
    (tmp_path / "t.j2").write_text(source, encoding="utf-8")
    return render(environment([str(tmp_path)]), "t.j2", context)


def test_filters():
    assert longdate(dt.date(2010, 9, 28)) == "<keep>September 28, 2010</keep>"
    assert longdate(dt.datetime(2026, 1, 2, 13, 0)) == "<keep>January 2, 2026</keep>"
    assert longdate("November 2009") == "November 2009"
    assert period("et seq.") == "et seq." and period("Act") == "Act."
    assert capfirst("the County of X") == "The County of X" and capfirst("") == ""
    assert join_and(["a"]) == "a" and join_and(["a", "b"]) == "a and b"
    assert join_and(["a", "b", "c"]) == "a, b and c" and join_and(["a", "b", "c"], "or") == "a, b or c"
    assert tie("5 U.S.C. § 552 and §§ 1-2") == "5 U.S.C.\u00a0§\u00a0552 and §§\u00a01-2"


def test_data_is_escaped_and_a_missing_value_names_its_field(tmp_path):
    record = Record({"name": "<b>Smith & Jones</b>", "office": {}}, "j", "x", path="d.yaml", line=7)
    assert run(tmp_path, "{{ j.name }}", j=record) == "&lt;b&gt;Smith &amp; Jones&lt;/b&gt;"
    assert run(tmp_path, "{% if j.office.name %}yes{% else %}no{% endif %}", j=record) == "no"
    with pytest.raises(DataError) as info:
        run(tmp_path, "{{ j.office.name }}", j=record)
    assert info.value.field == "j.office.name" and info.value.line == 7 and info.value.jurisdiction == "x"
    assert "--" not in str(info.value)  # the library names no command-line flag
    assert isinstance(Missing("f", record).more, Missing) and not Missing("f", record)


def test_reading_an_unverified_fact_block_records_its_caution(tmp_path):
    caution = toolkit.Problem("check it", "d.yaml", 3, None, None, "states.AK.sib", "warning")
    cautions: list = []
    state = Record({"sib": {"name": "Bureau"}, "law": {"name": "Act"}}, "state", "x", facts="states.AK",
                   unverified={"states.AK.sib": caution}, cautions=cautions)
    run(tmp_path, "{{ state.law.name }}", state=state)
    assert cautions == []
    run(tmp_path, "{{ state.sib.name }}", state=state)
    assert cautions == [caution]


@pytest.mark.parametrize("source", [
    "{% for i in range(10**9) %}{% endfor %}",
    "{{ ('x' * 10**10)|length }}",
    "{{ ([1] * 10**9)|length }}",
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{% for c in 'x' * 99999 %}{% for d in 'y' * 99999 %}{% endfor %}{% endfor %}",
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "{{ ('x'|center(10**9))|length }}",
    "{{ ('x'|indent(10**9, true))|length }}",
    "{{ 'x'.ljust(10**9)|length }}",
    "{{ ('%999999999s' % 'x')|length }}",
    "{{ ('%*s' % (10**9, 'x'))|length }}",
    "{{ '{:>999999999}'.format('x')|length }}",
    "{{ '{:>{}}'.format('x', 10**9)|length }}",
    "{{ ('%999999999s'|format('x'))|length }}",
    "{{ (2 ** 100000000) % 7 }}",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40)|length }}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
], ids=lambda source: f"{zlib.crc32(source.encode()):08x}")
def test_templates_that_would_hang_or_eat_memory_stop_at_once(tmp_path, source):
    started = time.monotonic()
    with pytest.raises((TemplateError, RecursionError, OverflowError)):
        run(tmp_path, source)
    assert time.monotonic() - started < 10


def test_limits_leave_ordinary_templates_alone(tmp_path):
    assert run(tmp_path, "{% for i in range(3) %}{{ i }}{% endfor %}|{{ 'ab' * 3 }}|{{ 2 ** 10 }}|{{ '%5s' % 'x' }}") \
        == "012|ababab|1024|    x"
    assert run(tmp_path, "{{ '{}, {}'.format(90210, 'CA') }}|{{ '%d'|format(38000000) }}") == "90210, CA|38000000"


def test_a_template_cannot_rebind_the_loop_guard(tmp_path):
    with pytest.raises(TemplateError):
        run(tmp_path, "{% set _loop = none %}{% for i in range(99999) %}{% for j in range(99999) %}"
                      "{% endfor %}{% endfor %}")


def write_templates(folder, **files):
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


LETTER = '{% from "_common.xml.j2" import letterhead %}<document title="t">{{ letterhead(j) }}\n<p>PARA</p>\n</document>'


def test_a_template_may_write_a_bare_ampersand(tmp_path):
    folder = write_templates(tmp_path / "mine", **{"letter.xml.j2": LETTER.replace("PARA", "Smith & Jones, AT&T; &amp; co")})
    doc = toolkit.compose("letter", "santa-clara", date=DATE, templates=folder)
    assert "Smith & Jones, AT&T; & co" in doc.lines()


def test_broken_markup_is_reported_at_the_template_line_that_wrote_it(tmp_path):
    source = LETTER.replace("PARA", "ok</p>\n<p>a <u>bad tag</u> here")
    folder = write_templates(tmp_path / "mine", **{"letter.xml.j2": source})
    with pytest.raises(TemplateError) as info:
        toolkit.compose("letter", "santa-clara", date=DATE, templates=folder)
    assert info.value.path == str(folder / "letter.xml.j2") and info.value.line == 3, str(info.value)
    source = LETTER.replace("PARA", "fine").replace("</document>", "\n\n<p>1 < 2</p>\n</document>")
    (folder / "letter.xml.j2").write_text(source, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        toolkit.compose("letter", "santa-clara", date=DATE, templates=folder)
    assert info.value.path == str(folder / "letter.xml.j2") and info.value.line == 5, str(info.value)


def test_runtime_errors_name_the_template_file_and_line(tmp_path):
    folder = write_templates(tmp_path / "mine", **{"letter.xml.j2": LETTER.replace("PARA", "{{ 1 // 0 }}")})
    with pytest.raises(TemplateError) as info:
        toolkit.compose("letter", "santa-clara", date=DATE, templates=folder)
    assert info.value.path == str(folder / "letter.xml.j2") and info.value.line == 2
    assert "ZeroDivisionError" in str(info.value)
    (folder / "letter.xml.j2").write_text(LETTER.replace("PARA", "{{ nothing_here }}"), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        toolkit.compose("letter", "santa-clara", date=DATE, templates=folder)
    assert info.value.line == 2 and "undefined" in str(info.value)
    looping = "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}"
    (folder / "letter.xml.j2").write_text(LETTER.replace("PARA", looping), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        toolkit.compose("letter", "santa-clara", date=DATE, templates=folder)
    assert info.value.path == str(folder / "letter.xml.j2") and info.value.line == 2 and "runs too long" in str(info.value)


def test_an_include_that_links_out_of_the_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("<p>SECRET</p>", encoding="utf-8")
    folder = write_templates(tmp_path / "mine", **{"letter.xml.j2": LETTER.replace("<p>PARA</p>", '{% include "x.j2" %}')})
    os.symlink(secret, folder / "x.j2")
    with pytest.raises(TemplateError) as info:
        toolkit.compose("letter", "santa-clara", date=DATE, templates=folder)
    assert "outside its templates folder" in str(info.value)
    os.unlink(folder / "x.j2")
    (folder / "x.j2").write_text("<p>INSIDE</p>", encoding="utf-8")
    assert "INSIDE" in toolkit.compose("letter", "santa-clara", date=DATE, templates=folder).lines()


def test_a_syntax_error_names_the_template_file_and_line(tmp_path):
    folder = write_templates(tmp_path / "mine", **{"letter.xml.j2": LETTER.replace("PARA", "{{ j.name + }}")})
    with pytest.raises(TemplateError) as info:
        toolkit.compose("letter", "santa-clara", date=DATE, templates=folder)
    assert info.value.path == str(folder / "letter.xml.j2") and info.value.line == 2 and "syntax" in str(info.value)


@pytest.mark.parametrize("n, expected", [(1, "first"), (10, "tenth"), (20, "twentieth"), (21, "21st"), (22, "22nd"),
                                         (23, "23rd"), (24, "24th"), (111, "111th"), (112, "112th"), (113, "113th"),
                                         (121, "121st")])
def test_ordinal(n, expected):
    from toolkit.templating import ordinal

    assert ordinal(n) == expected


@pytest.mark.parametrize("text, expected", [("A local entity", "a local entity"), ("The sheriff", "the sheriff"),
                                            ("ICE must", "ICE must"), ('"The sheriff', '"The sheriff'),
                                            ("Texas law", "Texas law"), ("No officer", "no officer"), ("I", "I")])
def test_lowerfirst_keeps_acronyms_quotes_and_names(text, expected):
    from toolkit.templating import lowerfirst

    assert lowerfirst(text) == expected


def test_daykind_and_possessive():
    from toolkit.templating import daykind, possessive

    assert daykind(dt.date(2026, 11, 28)) == "is a Saturday" and daykind(dt.date(2026, 11, 29)) == "is a Sunday"
    assert daykind(dt.date(2026, 11, 27)) == "is a legal holiday"
    assert possessive("the County of Santa Clara") == "the County of Santa Clara's"
    assert possessive("the Commissioners'") == "the Commissioners'" and possessive("Harris") == "Harris's"
    assert possessive("Harris County's") == "Harris County's"
