"""The command line, through click's runner: outputs, listing, errors as one line."""

from __future__ import annotations

import json
import textwrap

from click.testing import CliRunner

import toolkit
from toolkit.cli import main
from conftest import DATE, pdf_text


def invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_letter_with_nothing_else_writes_both_formats(tmp_path):
    result = invoke("letter", "--county", "santa-clara", "--out", str(tmp_path), "--date", DATE)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["santa-clara-letter.docx", "santa-clara-letter.pdf"]
    assert str(tmp_path / "santa-clara-letter.pdf") in result.output
    assert "California Department of Justice" in pdf_text((tmp_path / "santa-clara-letter.pdf").read_bytes())


def test_format_set_and_state(tmp_path):
    result = invoke("foia", "--county", "Washington", "--state", "OR", "--format", "pdf", "--out", str(tmp_path),
                    "--set", "signer=Ana Pérez", "--set", "contact=ana@example.org", "--date", DATE)
    assert result.exit_code == 0, result.output
    text = pdf_text((tmp_path / "washington-or-foia.pdf").read_bytes())
    assert "Ana Pérez" in text and "ana@example.org" in text and "Oregon" in text


def test_ambiguous_and_unknown_names_are_one_line_errors(tmp_path):
    result = CliRunner().invoke(main, ["letter", "--county", "washington", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "washington-or" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["letter", "--county", "santa-clar", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "did you mean: santa-clara" in result.output
    assert not any(tmp_path.iterdir())


def test_debug_shows_the_traceback():
    result = CliRunner().invoke(main, ["--debug", "letter", "--county", "nowhere-at-all"])
    assert result.exit_code == 1 and isinstance(result.exception, toolkit.UnknownJurisdiction)


def test_list_json_and_csv():
    result = invoke("list", "--state", "DE", "--format", "json")
    rows = json.loads(result.output)
    assert [r["name"] for r in rows] == ["Kent County", "New Castle County", "Sussex County"]
    assert set(rows[0]) >= {"id", "name", "state", "kind", "fips"}
    result = invoke("list", "--state", "RI", "--format", "csv")
    assert result.output.splitlines()[0] == "id,name,state,kind,fips" and len(result.output.splitlines()) == 6


def test_show_includes_inherited_state_facts_and_sources():
    result = invoke("show", "arlington", "--format", "json")
    record = json.loads(result.output)
    assert record["inherited from state"]["sib"]["name"] == "Virginia Department of State Police"
    assert record["resolution"]["source"]


def test_check_bundled_ok_and_broken_file_lists_every_problem(write_yaml):
    result = invoke("check", "--no-warnings")
    assert result.exit_code == 0 and "OK" in result.output
    path = write_yaml("jurisdictions:\n  - id: a\n    nmae: A\n    state: CA\n  - id: b\n    state: XX\n")
    result = CliRunner().invoke(main, ["check", "--data", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3" in result.output and "did you mean 'name'" in result.output
    assert f"{path}:5" in result.output


def test_version_and_help():
    assert invoke("--version").output.strip() == f"toolkit, version {toolkit.__version__}"
    for command in ("letter", "resolution", "foia", "records-request", "bulk", "list", "show", "check"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and f"Usage: main {command} [OPTIONS]" in result.output, result.output
    for name, kind in toolkit.DOCUMENTS.items():  # each document command is described by its catalogue entry
        if kind.standalone:  # follow-up and appeal are commands of the request log ('toolkit follow-up REF')
            assert kind.summary.split()[-1] in " ".join(invoke(name, "--help").output.split())
    assert "federal FOIA request" in invoke("foia", "--help").output  # not "foia request"


def test_a_place_as_people_type_it(tmp_path):
    for place in ("santa-clara", "Santa Clara County, CA", "santa clara ca", "06085"):
        result = invoke("letter", place, "--format", "docx", "--out", str(tmp_path), "--date", DATE)
        assert result.exit_code == 0 and "santa-clara-letter.docx" in result.output, (place, result.output)


def test_a_city_and_a_county_of_one_name_are_refused_with_both_ids(tmp_path):
    result = CliRunner().invoke(main, ["letter", "baltimore", "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "baltimore-md" in result.output and "baltimore-city-md" in result.output
    assert "--county" in result.output and "--city" in result.output
    assert not any(tmp_path.iterdir())
    result = invoke("letter", "--city", "baltimore", "--format", "docx", "--out", str(tmp_path), "--date", DATE)
    assert result.exit_code == 0 and "baltimore-city-md-letter.docx" in result.output
    result = invoke("letter", "--county", "baltimore", "--format", "docx", "--out", str(tmp_path), "--date", DATE)
    assert result.exit_code == 0 and "baltimore-md-letter.docx" in result.output


def test_two_places_at_once_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["letter", "santa-clara", "--county", "arlington", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "name one place" in result.output


def test_errors_name_the_flag_that_settles_them(tmp_path):
    result = CliRunner().invoke(main, ["letter", "santa-clara", "--set", "signer= ", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "--set signer=VALUE" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["letter", "santa-clara", "--templates", str(tmp_path / "none"), "--out",
                                       str(tmp_path)])
    assert result.exit_code == 1 and "--templates" in result.output
    result = CliRunner().invoke(main, ["letter", "santa-clara", "--date", "23/11/2026", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "--date YYYY-MM-DD" in result.output
    assert not any(tmp_path.iterdir())


def test_documents_with_unverified_facts_are_written_with_a_note(tmp_path):
    result = invoke("letter", "--county", "juneau", "--state", "AK", "--format", "docx", "--out", str(tmp_path),
                    "--date", DATE)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "juneau-city-and-borough-ak-letter.docx").is_file()
    assert "before sending:" in result.output and "field 'states.AK.sib'" in result.output
    assert "jurisdictions.yaml:" in result.output  # the file and line of the fact to check
    from test_data import CHECKED

    checked = tmp_path / "checked.yaml"
    checked.write_text(textwrap.dedent(CHECKED).lstrip("\n"), encoding="utf-8")
    assert "before sending" not in invoke("foia", "--jurisdiction", "springfield", "--data", str(checked),
                                          "--format", "docx", "--out", str(tmp_path), "--date", DATE).output
    texas = invoke("resolution", "--county", "harris", "--state", "TX", "--format", "docx", "--out", str(tmp_path),
                   "--date", DATE).output
    assert "before sending:" in texas and "752" in texas and "removal from office" in texas


def test_a_document_state_law_refuses_names_the_statute_and_no_flag(tmp_path):
    result = CliRunner().invoke(main, ["287g-notice", "harris-tx", "--out", str(tmp_path)])
    assert result.exit_code == 1 and not list(tmp_path.iterdir())
    message = " ".join(result.output.split())
    assert "cannot be made for Harris County" in message and "§ 753.051" in message
    assert "use the 287(g) resolution" in message
    assert "--data" not in message and " see --" not in message  # state law is not settled by a flag


def _program(tmp_path, *args, pythonpath=()):
    """``python -m toolkit ARGS`` in a process of its own, its output to pipes (block-buffered)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([*map(str, pythonpath), str(root)]))
    env.pop("PYTHONUNBUFFERED", None)
    return subprocess.run([sys.executable, "-m", "toolkit", *args], env=env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)


def test_the_program_exits_with_its_code_and_all_its_output(tmp_path):
    done = _program(tmp_path, "letter", "santa-clara", "--out", "out", "--date", DATE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [f"out/santa-clara-letter.{f}" for f in ("docx", "pdf")]
    assert "before sending:" in done.stderr
    for fmt in ("docx", "pdf"):  # the program (thread, no GC, no teardown) writes the library's bytes
        assert (tmp_path / "out" / f"santa-clara-letter.{fmt}").read_bytes() == \
            toolkit.render("letter", "santa-clara", fmt, date=DATE)
    done = _program(tmp_path, "letter", "santa-clar", "--out", "out")
    assert done.returncode == 1 and done.stderr.startswith("Error: ") and "did you mean: santa-clara" in done.stderr
    done = _program(tmp_path, "letter", "santa-clara", "--format", "odt")
    assert done.returncode == 2 and "--format" in done.stderr
    done = _program(tmp_path, "--debug", "letter", "santa-clar")
    assert done.returncode == 1 and "Traceback" in done.stderr
    done = _program(tmp_path, "list", "--state", "VT", "--format", "csv")
    assert done.returncode == 0 and done.stdout.startswith("id,name,state,kind,fips\n") and "windham-vt" in done.stdout


def test_weasyprint_failing_to_import_fails_a_pdf_as_before_and_no_docx(tmp_path):
    """The program starts importing WeasyPrint in a thread; its error still comes out of the render."""
    fake = tmp_path / "fake"
    (fake / "weasyprint").mkdir(parents=True)
    (fake / "weasyprint" / "__init__.py").write_text("raise ImportError('no WeasyPrint in this test')\n")
    done = _program(tmp_path, "letter", "santa-clara", "--out", "out", "--date", DATE, pythonpath=[fake])
    assert done.returncode == 1 and "ImportError: no WeasyPrint in this test" in done.stderr
    assert "render/pdf.py" in done.stderr and not (tmp_path / "out").exists()
    done = _program(tmp_path, "letter", "santa-clara", "--format", "docx", "--out", "out", "--date", DATE,
                    pythonpath=[fake])
    assert done.returncode == 0 and done.stdout.strip().endswith("santa-clara-letter.docx")
