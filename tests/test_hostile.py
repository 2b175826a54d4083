"""Hostile and broken input: a faithful document or one clear error, never a broken file."""

from __future__ import annotations

import errno
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
    assert "control character" in str(info.value) and info.value.line == 4 or info.value.line
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
