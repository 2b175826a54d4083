"""Hostile and broken input: a faithful document or one clear error, never a broken file."""

from __future__ import annotations

import datetime as dt
import errno
import json
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

import toolkit
from toolkit import DataError, OutputError, TemplateError, ToolkitError, UnknownJurisdiction
from toolkit.cli import main
from conftest import DATE, docx_lines, pdf_text

HOSTILE = [
    'A & B <C> "D"',
    "{{ 7*7 }} County",
    "{% if x %}y{% endif %} County",
    '<img src="file:///etc/passwd">',
    "Doña Ana",
    "Prince George's",
    "Москва и Ελλάδα",
    "עברית العربية",
    "日本語 County",
    "{_{ docxtpl }_}",
]


def data_file(tmp_path: Path, name: str, **extra) -> Path:
    record = {"id": "hostile", "name": name, "kind": "city", "state": "CA", "sources": ["test"], **extra}
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump({"jurisdictions": [record]}, allow_unicode=True), encoding="utf-8")
    return path


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_appears_literally_in_both_formats(tmp_path, name):
    path = data_file(tmp_path, name)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["letter", "--jurisdiction", "hostile", "--data", str(path), "--out", str(out),
                                       "--date", DATE, "--set", f"signer={name}"])
    assert result.exit_code == 0, result.output
    docx = flat(" ".join(docx_lines((out / "hostile-letter.docx").read_bytes())))
    pdf = flat(pdf_text((out / "hostile-letter.pdf").read_bytes()))
    for text in (docx, pdf):
        assert flat(name) in text
        assert "49 County" not in text and "root:x:0:0" not in text  # never evaluated, never fetched
    # the library gives the same bytes as the command line
    assert toolkit.render("letter", "hostile", "docx", data=path, date=DATE, signer=name) == \
        (out / "hostile-letter.docx").read_bytes()


def test_very_long_names_are_wrapped_not_cut(tmp_path):
    name = "Averyveryverylongname" * 150  # 3,150 characters, no spaces
    path = data_file(tmp_path, name)
    pdf = toolkit.render("letter", "hostile", "pdf", data=path, date=DATE)
    assert name in "".join(pdf_text(pdf).split())
    assert name in " ".join(docx_lines(toolkit.render("letter", "hostile", "docx", data=path, date=DATE)))


@pytest.mark.parametrize("bad", ["Bell\x07", "Nul\x00", "Esc\x1b[31m"])
def test_control_characters_are_refused_clearly(tmp_path, bad):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"jurisdictions": [{"id": "x", "name": bad, "state": "CA"}]}), encoding="utf-8")
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(path)
    assert "control character" in str(info.value) and info.value.line == 3  # the line of 'name:'

    with pytest.raises(DataError):
        toolkit.render("letter", "santa-clara", "docx", signer=bad)


def test_docx_from_hostile_data_opens_in_libreoffice(tmp_path):
    from conftest import have, libreoffice_to_pdf

    if not (have("libreoffice") or have("soffice")):
        pytest.skip("LibreOffice is not installed")
    path = data_file(tmp_path, HOSTILE[0] + " " + HOSTILE[3])
    docx = tmp_path / "h.docx"
    docx.write_bytes(toolkit.render("resolution", "hostile", "docx", data=path, date=DATE))
    text = flat(pdf_text(libreoffice_to_pdf(docx, tmp_path).read_bytes()))
    assert flat(HOSTILE[0]) in text and "file:///etc/passwd" in text


STANDALONE = sorted(k for k, v in toolkit.DOCUMENTS.items() if v.standalone)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(whitelist_categories=("L", "N", "P", "S", "Zs", "Cc"), max_codepoint=0x52F),
                    min_size=1, max_size=40))
def test_any_name_renders_faithfully_or_raises_a_toolkit_error(tmp_path, name):
    path = data_file(tmp_path, name)
    try:
        docx = toolkit.render("letter", "hostile", "docx", data=path, date=DATE)
        pdf = toolkit.render("letter", "hostile", "pdf", data=path, date=DATE)
    except ToolkitError:
        return
    assert flat(name) in flat(" ".join(docx_lines(docx)))
    assert flat(name) in flat(pdf_text(pdf))


# --- templates from users ------------------------------------------------------------------------

def test_user_templates_override_ours_by_name(tmp_path):
    (tmp_path / "letter.xml.j2").write_text(
        '<document title="Mine"><p>Our own words for {{ j.name }}.</p></document>', encoding="utf-8")
    lines = docx_lines(toolkit.render("letter", "arlington", "docx", date=DATE, templates=tmp_path))
    assert lines == ["Our own words for Arlington County."]


def test_user_templates_run_in_the_sandbox(tmp_path):
    (tmp_path / "letter.xml.j2").write_text(
        "<document><p>{{ j.__class__.__init__.__globals__ }}{{ ''.__class__.__mro__[1].__subclasses__() }}</p>"
        "</document>", encoding="utf-8")
    with pytest.raises(TemplateError):
        toolkit.render("letter", "arlington", "docx", date=DATE, templates=tmp_path)


def test_pdf_fetches_nothing_outside_the_templates(tmp_path):
    shell = (Path(toolkit.DEFAULT_DATA).parent / "templates" / "shell.html.j2").read_text(encoding="utf-8")
    evil = shell.replace("<body>", '<body><img src="file:///etc/passwd" alt="x"><img src="http://127.0.0.1:9/x.png">'
                                   '<link rel="stylesheet" href="file:///etc/hostname">')
    (tmp_path / "shell.html.j2").write_text(evil, encoding="utf-8")
    pdf = toolkit.render("letter", "arlington", "pdf", date=DATE, templates=tmp_path)
    assert b"root:x:0:0" not in pdf and "root:x" not in pdf_text(pdf)
    from toolkit.render.pdf import fetcher

    fetch = fetcher([str(tmp_path)])
    with pytest.raises(ValueError):
        fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetch("https://example.org/")
    with pytest.raises(ValueError):
        fetch((tmp_path / ".." / "escape.css").as_uri())


def test_a_template_naming_an_unknown_field_stops_with_its_name(tmp_path):
    (tmp_path / "letter.xml.j2").write_text("<document><p>{{ j.treasurer }}</p></document>", encoding="utf-8")
    with pytest.raises(DataError) as info:
        toolkit.render("letter", "arlington", "pdf", date=DATE, templates=tmp_path)
    assert info.value.field == "jurisdiction.treasurer" and info.value.jurisdiction == "arlington"
    (tmp_path / "letter.xml.j2").write_text("<document><p>{{ nonsense }}</p></document>", encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        toolkit.render("letter", "arlington", "pdf", date=DATE, templates=tmp_path)
    assert "nonsense" in str(info.value)


# --- broken data -----------------------------------------------------------------------------------

def test_yaml_alias_bomb_fails_fast(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(path)
    assert time.perf_counter() - start < 5 and "alias" in str(info.value)


def test_huge_file_is_refused(tmp_path, monkeypatch):
    from toolkit.data import yamlsource

    monkeypatch.setattr(yamlsource, "MAX_BYTES", 1000)
    path = tmp_path / "huge.yaml"
    path.write_text("# x\n" * 500, encoding="utf-8")
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(path)
    assert "refused" in str(info.value)


def test_cli_lists_every_problem_without_a_traceback(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("jurisdictions:\n  - id: a\n    name: 12\n    state: ca\n    population: many\n    colour: red\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["letter", "--jurisdiction", "a", "--data", str(path), "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{path}:4" in result.output and "more problem" in result.output
    assert not (tmp_path / "out").exists()
    check = CliRunner().invoke(main, ["check", "--data", str(path)])
    assert check.exit_code == 1
    for line in (":4:", ":5:", ":6:"):
        assert f"{path}{line}" in check.output


@pytest.mark.parametrize("query", ["../../tmp/evil", "/etc/passwd", "a/b", "..", "con\\..\\x"])
def test_path_like_names_never_become_paths(tmp_path, query):
    with pytest.raises(UnknownJurisdiction):
        toolkit.write("letter", query, out=tmp_path, date=DATE)
    assert not any(tmp_path.iterdir())
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"jurisdictions": [{"id": query, "name": "X", "state": "CA"}]}), encoding="utf-8")
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(bad)
    assert "not of the right form" in str(info.value)


def test_reserved_looking_id_stays_inside_out(tmp_path):
    path = tmp_path / "con.yaml"
    path.write_text(yaml.safe_dump({"jurisdictions": [{"id": "con", "name": "Con", "kind": "city", "state": "CA",
                                                       "sources": ["x"]}]}), encoding="utf-8")
    written = toolkit.write("letter", "con", data=path, out=tmp_path / "out", formats=["docx"], date=DATE)
    assert written == [tmp_path / "out" / "con-letter.docx"]


# --- output folder trouble ---------------------------------------------------------------------------

def test_a_file_in_the_way_of_the_output_folder(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("I am a file", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        toolkit.write("letter", "arlington", out=blocker, date=DATE)
    assert info.value.path and "in the way" in str(info.value)
    result = CliRunner().invoke(main, ["letter", "--county", "arlington", "--out", str(blocker / "x")])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_unwritable_folder_is_one_clear_error(tmp_path, monkeypatch):
    import tempfile

    def deny(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", deny)
    with pytest.raises(OutputError) as info:
        toolkit.write("letter", "arlington", out=tmp_path, date=DATE)
    assert "permission denied" in str(info.value)


def test_full_disk_leaves_nothing_behind(tmp_path, monkeypatch):
    from toolkit import output

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(OutputError) as info:
        toolkit.write("letter", "arlington", out=tmp_path, date=DATE)
    assert "disk is full" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_errors_carry_the_fields_a_program_needs(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("jurisdictions:\n  - id: x\n    state: CA\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(path)
    error = info.value
    assert isinstance(error, ToolkitError)
    assert (error.path, error.line, error.jurisdiction, error.field) == (str(path), 2, "x", "jurisdictions[0].name")
    for cls in (DataError, UnknownJurisdiction, TemplateError, OutputError):
        assert issubclass(cls, ToolkitError) and cls.__doc__


# --- round 2 (issue 15): what a hostile or careless user still broke -----------------------------

def check_cli(path):
    return CliRunner().invoke(main, ["check", "--data", str(path)])


def test_merge_key_bombs_fail_fast_and_self_merges_are_refused(tmp_path):
    lines = ["a0: &a0 {x: 1, y: 2}"]
    for i in range(1, 40):  # each level merges the previous one three times: 3**39 values unrolled
        lines.append(f"a{i}: &a{i} {{<<: [*a{i - 1}], k{i}: {{<<: *a{i - 1}}}, j{i}: {{<<: *a{i - 1}}}}}")
    bomb = tmp_path / "merge.yaml"
    bomb.write_text("\n".join(lines), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(bomb)
    assert time.perf_counter() - start < 5 and "alias bomb" in str(info.value) and info.value.line
    selfish = tmp_path / "self.yaml"
    selfish.write_text("jurisdictions: []\nbase: &a\n  b: 1\n  <<: *a\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(selfish)
    assert "merges itself" in str(info.value) and info.value.line == 2


def test_a_large_honest_file_is_not_an_alias_bomb(tmp_path):
    from toolkit.data.yamlsource import load_text

    records = "".join(f"  - {{id: p{i}, name: P{i}, kind: city, state: CA, verified: false, sources: [x]}}\n"
                      for i in range(20_000))
    loaded = load_text("jurisdictions:\n" + records, "big.yaml")
    assert len(loaded["jurisdictions"]) == 20_000


def test_limits_are_stated_in_the_error(tmp_path, monkeypatch):
    from toolkit.data import schema

    monkeypatch.setattr(schema.JURISDICTION.children["name"], "longest", 10)
    path = data_file(tmp_path, "A name longer than ten")
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(path)
    assert "at most 10" in str(info.value)
    many = tmp_path / "many.yaml"
    many.write_text("jurisdictions:\n" + "  - {id: x}\n" * 3, encoding="utf-8")
    monkeypatch.setattr(schema.DATASET.children["jurisdictions"], "high", 2)
    with pytest.raises(DataError) as info:
        toolkit.load_jurisdictions(many)
    assert "at most 2" in str(info.value) and info.value.line == 1


def test_a_file_that_is_not_a_regular_file_is_refused_without_reading_it(tmp_path):
    import os
    import threading

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    feeder = threading.Thread(target=lambda: fifo.write_text("jurisdictions: []\n"), daemon=True)
    feeder.start()
    try:
        with pytest.raises(DataError) as info:
            toolkit.load_jurisdictions(fifo)
        assert "not a regular file" in str(info.value)
    finally:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # let the feeder finish
        feeder.join(2)
        os.close(fd)


BAD_VALUES = [  # (YAML lines for one record, what the error says, the line it names)
    ("    activation: {date: 2026-02-30, text: x, source: s}\n", "not a real date", 7),
    ("    population: {value: !!int abc, source: s}\n", "cannot be read as int", 7),
    ("    population: {value: !!float abc, source: s}\n", "cannot be read as float", 7),
    ("    population: {value: 123456789012345678901234567890, source: s}\n", "more than 18 digits", 7),
    ("    population: {value: -5, source: s}\n", "out of range", 7),
    ("    activation: {date: 1200-01-01, text: x, source: s}\n", "out of range", 7),
    ("    phone: \"\\u200b\"\n", "invisible", 7),
]


@pytest.mark.parametrize("extra, says, line", BAD_VALUES)
def test_check_catches_values_rendering_would_choke_on(tmp_path, extra, says, line):
    path = tmp_path / "bad.yaml"
    path.write_text("jurisdictions:\n  - id: odd\n    name: Odd\n    kind: city\n    state: CA\n    sources: [x]\n"
                    + extra, encoding="utf-8")
    result = check_cli(path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{path}:{line}" in result.output and says in result.output


@pytest.mark.parametrize("days, unit, state, says", [
    (-3, "calendar", "CA", "out of range"),
    (100000, "calendar", "CA", "out of range"),
    (10, "business", "ZZ", "holiday calendar does not know"),
])
def test_check_catches_deadlines_no_date_can_be_computed_for(tmp_path, days, unit, state, says):
    path = tmp_path / "law.yaml"
    path.write_text(f"states:\n  {state}:\n    name: Somewhere\n    records_law:\n      name: Records Act\n"
                    f"      citation: R.A. 1\n      deadline_days: {days}\n      deadline_unit: {unit}\n"
                    "      source: s\njurisdictions: []\n", encoding="utf-8")
    result = check_cli(path)
    assert result.exit_code == 1 and says in result.output and f"{path}:" in result.output


def test_numbers_that_look_octal_or_hex_stay_text(tmp_path):
    path = tmp_path / "zip.yaml"
    path.write_text("jurisdictions:\n  - id: zipped\n    name: Zipped\n    kind: city\n    state: CA\n"
                    "    sources: [x]\n    address: [Main Street 1, Springfield, 01002, 0x1F]\n", encoding="utf-8")
    record = toolkit.load_jurisdictions(path).get("zipped")
    assert record.record["address"] == ["Main Street 1", "Springfield", "01002", "0x1F"]


def test_a_name_that_gives_no_id_is_refused_at_its_line(tmp_path):
    path = tmp_path / "noid.yaml"
    path.write_text("jurisdictions:\n  - name: \"!!!\"\n    kind: city\n    state: CA\n    sources: [x]\n",
                    encoding="utf-8")
    result = check_cli(path)
    assert result.exit_code == 1 and "gives no id" in result.output and f"{path}:2" in result.output


def test_check_composes_every_document_and_names_the_field_a_template_needs(tmp_path):
    path = tmp_path / "nobureau.yaml"  # a state without an identification bureau: the schema allows it
    path.write_text("states:\n  ZZ:\n    name: Zedland\njurisdictions:\n  - id: zed\n    name: Zed City\n"
                    "    kind: city\n    state: ZZ\n    sources: [x]\n", encoding="utf-8")
    result = check_cli(path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{path}:5: jurisdiction 'zed', field 'state.sib" in result.output and "letter cannot be made" in result.output
    assert "add it to the state's facts" in result.output and "--set" not in result.output  # no flag sets a state fact


def test_check_counts_unverified_records_and_strict_fails_on_them(tmp_path):
    path = tmp_path / "unverified.yaml"
    path.write_text("jurisdictions:\n  - id: doubtful\n    name: Doubtful\n    kind: city\n    state: CA\n"
                    "    verified: false\n", encoding="utf-8")
    result = check_cli(path)
    assert result.exit_code == 0 and "(1 fact(s) marked unverified" in result.output
    assert f"{path}:2: jurisdiction 'doubtful': record marked 'verified: false'" in result.output
    bundled = check_cli(toolkit.DEFAULT_DATA)  # a county override marked unverified counts too
    assert "jurisdiction 'washington-ny': record marked 'verified: false'" in bundled.output
    strict = CliRunner().invoke(main, ["check", "--data", str(path), "--strict"])
    assert strict.exit_code == 1 and "error:" in strict.output


def test_show_prints_facts_and_sources_not_editors_notes():
    result = CliRunner().invoke(main, ["show", "juneau-city-and-borough-ak"])
    assert result.exit_code == 0 and "source" in result.output
    assert "notes:" not in result.output
    assert "notes" in (Path(toolkit.DEFAULT_DATA)).read_text(encoding="utf-8")


@pytest.mark.parametrize("fields, says", [
    ({"signer": "x" * 10_000}, "at most 4,000"),
    ({"signer": "\u200b\u200b"}, "invisible"),
    ({"signer": ["Jane", "Doe"]}, "must be text"),
])
def test_set_values_are_checked_quickly(fields, says):
    start = time.perf_counter()
    with pytest.raises(DataError) as info:
        toolkit.render("letter", "santa-clara", "pdf", date=DATE, **fields)
    assert says in str(info.value) and info.value.field == "signer" and time.perf_counter() - start < 2


def test_a_repeated_set_key_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["letter", "--county", "arlington", "--out", str(tmp_path), "--set", "signer=A",
                                       "--set", "signer=B"])
    assert result.exit_code == 2 and "given twice" in result.output and not any(tmp_path.iterdir())


@pytest.mark.parametrize("date", ["1899-01-01", "2108-01-01", "9999-12-31"])
def test_dates_out_of_range_are_refused(tmp_path, date):
    with pytest.raises(DataError) as info:
        toolkit.render("foia", "santa-clara", "docx", date=date)
    assert "out of range" in str(info.value) and "2008" in str(info.value)
    result = CliRunner().invoke(main, ["foia", "--county", "santa-clara", "--date", date, "--out", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output and not any(tmp_path.iterdir())


def test_a_folder_in_the_way_of_one_format_writes_no_format(tmp_path):
    (tmp_path / "arlington-letter.pdf").mkdir()
    with pytest.raises(OutputError) as info:
        toolkit.write("letter", "arlington", out=tmp_path, date=DATE)
    assert "folder is in the way" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arlington-letter.pdf"]


def test_a_full_disk_does_not_claim_more_than_it_knows(tmp_path, monkeypatch):
    from toolkit import output

    monkeypatch.setattr(output.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    with pytest.raises(OutputError) as info:
        toolkit.write("letter", "arlington", out=tmp_path, date=DATE, formats=["docx"])
    assert "nothing was left behind" not in str(info.value) and "no part of it" in str(info.value)


# --- property: any data file, any --set, any --date -------------------------------------------------

RAW = st.sampled_from(["2026-02-30", "!!int abc", "!!float x", "01002", "0x1F", "1e999", ".inf", "-5", "0",
                       "99999999999999999999", "~", "[]", "{}", '"\\u200b"', "2026-11-23", "true", "&a x", "*a",
                       "{<<: {a: 1}}", '"\\x07"', "12:30", "3000-01-01", "1700-01-01", '"' + "W" * 5000 + '"'])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=25).map(lambda t: json.dumps(t, ensure_ascii=False))
VALUE = st.one_of(RAW, TEXT, TEXT, TEXT, st.integers(-10**6, 10**12).map(str))
SHAPES = {"population": "{{value: {}, source: s}}", "activation": "{{date: {}, text: began, source: s}}",
          "signer": "{{name: {}, title: Mayor}}", "address": "[{}, Springfield]", "resolution": "{{date: {}, text: x}}"}
KEYS = st.sampled_from(["name", "formal_name", "text_name", "governing_body", "phone", "email", "kind", "state",
                        "fips", "notes", "aliases", "id", *SHAPES])
SETS = st.dictionaries(st.sampled_from(["signer", "contact", "requester", "resolution_number", "signer_title"]),
                       st.one_of(st.text(max_size=20), st.sampled_from(["\u200b", "x" * 5000, "A\x07"])), max_size=2)
DATES = st.one_of(st.none(), st.none(), st.dates(dt.date(2008, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat),
                  st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
                  st.sampled_from(["2026-02-30", "tomorrow", ""]))


@settings(max_examples=60, deadline=None)
@given(record=st.dictionaries(KEYS, VALUE, max_size=3), sets=SETS, date=DATES,
       document=st.sampled_from(STANDALONE), fmt=st.sampled_from(["docx"] * 7 + ["pdf"]))
def test_any_data_set_and_date_give_complete_documents_or_one_located_error(record, sets, date, document, fmt):
    import tempfile

    base = {"id": "prop", "name": "Prop", "kind": "city", "state": "CA", "sources": "[x]"}
    lines = ["jurisdictions:", "  - sources: [x]"]
    for key, value in {**base, **record}.items():
        if key != "sources":
            lines.append(f"    {key}: {SHAPES.get(key, '{}').format(value)}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = Path(folder) / "out"
        args = [document, "--jurisdiction", "prop", "--data", str(path), "--out", str(out), "--format", fmt]
        args += [f"--set={k}={v}" for k, v in sets.items()] + ([f"--date={date}"] if date is not None else [])
        result = CliRunner().invoke(main, args)
        assert result.exit_code in (0, 1, 2), result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
            (result.exception, result.output)
        made = sorted(p.name for p in out.rglob("*")) if out.exists() else []
        if result.exit_code == 0:
            made = [name for name in made if not name.endswith(".txt")]  # the FOIA's portal text comes along
            assert len(made) == 1 and made[0].endswith(f"-{document}.{fmt}")
            payload = (out / made[0]).read_bytes()
            text = " ".join(docx_lines(payload)) if fmt == "docx" else pdf_text(payload)
            assert len(text) > 500 and "None" not in text.split()  # a whole document, no gap in it
        else:
            assert made == [] and "Traceback" not in result.output  # nothing written, not even a .part
            message = result.output.strip().splitlines()[-1]
            assert message.startswith("Error:"), result.output
            assert str(path) in message or "field '" in message or "date" in message or "'prop'" in message \
                or "--set" in message, message


def test_unverified_facts_count_at_every_level(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("jurisdictions:\n  - id: deep\n    name: Deep\n    kind: city\n    state: CA\n    sources: [x]\n"
                    "    signer: {name: Jane Doe, title: Mayor, verified: false}\n", encoding="utf-8")
    result = check_cli(path)
    assert result.exit_code == 0 and "(1 fact(s) marked unverified" in result.output
    assert f"{path}:7: jurisdiction 'deep', field 'deep.signer'" in result.output
