"""Campaigns: manifest truth, resume, interruption, reproducibility, shards, failures, locking."""

from __future__ import annotations

import csv
import hashlib
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import toolkit
from toolkit import campaign
from toolkit.cli import main
from conftest import DATE

SMALL = dict(states=["DE"], ids=["arlington"], documents=["letter", "foia"], date=DATE, jobs=1)


def manifest(out: Path):
    with open(out / "manifest.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def files(out: Path):
    """The campaign's files; the lock file stays on purpose (deleting it would let two runs share the folder)."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != campaign.LOCK)


def test_manifest_rows_match_the_files_and_their_hashes(tmp_path):
    result = toolkit.bulk(tmp_path, **SMALL)
    rows = manifest(tmp_path)
    assert result.ok and len(rows) == 4 * 2 * 2  # (3 DE counties + Arlington) x 2 documents x 2 formats
    assert {r["status"] for r in rows} == {"written"}
    for row in rows:
        data = (tmp_path / row["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"] and int(row["bytes"]) == len(data)
    assert "DE/kent-de/kent-de-letter.pdf" in files(tmp_path)
    assert files(tmp_path) == sorted([r["path"] for r in rows] + ["manifest.csv"])


def test_rerun_skips_everything_and_force_redoes_it(tmp_path):
    toolkit.bulk(tmp_path, **SMALL)
    again = toolkit.bulk(tmp_path, **SMALL)
    assert again.count("skipped") == 16 and again.count("written") == 0
    changed = toolkit.bulk(tmp_path, **{**SMALL, "fields": {"signer": "Jane Doe"}})
    assert changed.count("written") == 16  # different inputs: everything is redone
    assert toolkit.bulk(tmp_path, **{**SMALL, "fields": {"signer": "Jane Doe"}}, force=True).count("written") == 16


def test_a_damaged_output_is_redone(tmp_path):
    toolkit.bulk(tmp_path, **SMALL)
    victim = tmp_path / "VA" / "arlington" / "arlington-letter.pdf"
    victim.write_bytes(b"broken")
    again = toolkit.bulk(tmp_path, **SMALL)
    assert again.count("written") == 1 and victim.read_bytes().startswith(b"%PDF")


def test_interrupted_run_leaves_no_partial_file_and_resumes(tmp_path, monkeypatch):
    real_job = campaign._job
    calls = []

    def flaky(task):
        calls.append(task[0])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_job(task)

    monkeypatch.setattr(campaign, "_job", flaky)
    with pytest.raises(KeyboardInterrupt):
        toolkit.bulk(tmp_path, **SMALL)
    rows = manifest(tmp_path)
    assert len(rows) == 2 * 4 and all(r["status"] == "written" for r in rows)  # two places done
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".part")]
    assert files(tmp_path) == sorted([r["path"] for r in rows] + ["manifest.csv"])
    monkeypatch.setattr(campaign, "_job", real_job)
    resumed = toolkit.bulk(tmp_path, **SMALL)
    assert resumed.count("skipped") == 8 and resumed.count("written") == 8


def test_two_runs_give_identical_folders(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    toolkit.bulk(one, **SMALL, make_zip=True)
    toolkit.bulk(two, **{**SMALL, "jobs": 2}, make_zip=True)
    assert files(one) == files(two)
    for name in files(one):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_shards_are_disjoint_and_cover_everything():
    data = toolkit.load_jurisdictions()
    every = {j.id for j in campaign.select(data, states=["TX", "VA"])}
    parts = [{j.id for j in campaign.select(data, states=["TX", "VA"], shard=(i, 4))} for i in range(1, 5)]
    assert set().union(*parts) == every and sum(map(len, parts)) == len(every)
    assert all(len(p) > 50 for p in parts)


def test_a_failing_place_is_recorded_and_the_rest_are_made(tmp_path):
    result = toolkit.bulk(tmp_path, ids=["washington-ri", "arlington"], documents=["letter"], date=DATE, jobs=1)
    assert not result.ok and result.count("failed") == 2 and result.count("written") == 2
    failed = [r for r in manifest(tmp_path) if r["status"] == "failed"]
    assert all("no county government" in r["error"] for r in failed)
    assert not (tmp_path / "RI").exists() or not list((tmp_path / "RI").rglob("*.pdf"))


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    from filelock import FileLock

    with FileLock(str(tmp_path / ".toolkit-bulk.lock")):
        with pytest.raises(toolkit.OutputError) as info:
            toolkit.bulk(tmp_path, **SMALL)
    assert "another 'toolkit bulk'" in str(info.value)


def test_cli_bulk_from_file_with_zip_and_exit_codes(tmp_path):
    ids = tmp_path / "ids.csv"
    ids.write_text("id,note\narlington,x\nsanta-clara,y\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["bulk", "--out", str(out), "--from", str(ids), "--documents", "letter",
                                       "--format", "pdf", "--date", DATE, "--zip", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "2 written, 0 skipped, 0 failed" in result.output
    assert (out / "campaign.zip").is_file() and (out / "CA" / "santa-clara" / "santa-clara-letter.pdf").is_file()
    bad = CliRunner().invoke(main, ["bulk", "--out", str(out), "--jurisdiction", "washington-ri", "--documents",
                                    "letter", "--jobs", "1"])
    assert bad.exit_code == 1 and "failed: washington-ri letter" in bad.output


def test_a_single_job_run_leaves_ctrl_c_working_in_the_caller(tmp_path):
    import signal

    before = signal.getsignal(signal.SIGINT)
    toolkit.bulk(tmp_path, ids=["arlington"], documents=["letter"], formats=["docx"], date=DATE, jobs=1)
    assert signal.getsignal(signal.SIGINT) is before


def test_cli_bulk_says_when_pdfs_will_be_slow(tmp_path, monkeypatch):
    from toolkit.render import pdf

    args = ["bulk", "--out", str(tmp_path), "--jurisdiction", "arlington", "--documents", "letter", "--date", DATE,
            "--jobs", "1"]
    assert "libharfbuzz-subset0" not in CliRunner().invoke(main, args + ["--format", "pdf"]).output
    monkeypatch.setattr(pdf, "fast_subsetting", lambda: False)
    assert "libharfbuzz-subset0" not in CliRunner().invoke(main, args + ["--format", "docx"]).output
    slow = CliRunner().invoke(main, args + ["--format", "pdf", "--force"])
    assert slow.exit_code == 0 and "about 3x longer" in slow.output and "libharfbuzz-subset0" in slow.output


def test_manifest_names_the_unverified_facts_each_file_uses(tmp_path):
    result = toolkit.bulk(tmp_path, ids=["juneau-city-and-borough-ak", "santa-clara"], documents=["letter"],
                          formats=["docx"], date=DATE, jobs=1)
    by_id = {row["jurisdiction"]: row for row in manifest(tmp_path)}
    assert "states.AK.sib" in by_id["juneau-city-and-borough-ak"]["unverified"].split("; ")
    expected = toolkit.compose("letter", "santa-clara", date=DATE).cautions
    assert by_id["santa-clara"]["unverified"] == "; ".join(c.field or c.jurisdiction or "" for c in expected)
    assert f"{sum(1 for r in by_id.values() if r['unverified'])} use facts marked unverified" in result.summary()


# --- round 2 (issue 15) ----------------------------------------------------------------------------

ONE = dict(ids=["arlington"], documents=["letter"], formats=["docx"], date=DATE, jobs=1)


@pytest.mark.parametrize("text", ["", "id\n", "id,note\n", "# nothing yet\n"])
def test_an_empty_target_list_is_refused_not_read_as_everything(tmp_path, text):
    targets = tmp_path / "t.csv"
    targets.write_text(text, encoding="utf-8")
    with pytest.raises(toolkit.ToolkitError) as info:
        toolkit.bulk(tmp_path / "out", from_file=targets, documents=["letter"], formats=["docx"], date=DATE)
    assert "names no jurisdiction" in str(info.value) and not (tmp_path / "out").exists()


def test_paths_come_from_the_place_never_from_the_manifest(tmp_path):
    out = tmp_path / "out"
    toolkit.bulk(out, **ONE)
    real = out / "VA" / "arlington" / "arlington-letter.docx"
    outside = tmp_path / "outside.docx"
    outside.write_bytes(real.read_bytes())
    real.unlink()
    text = (out / "manifest.csv").read_text(encoding="utf-8").replace("VA/arlington/arlington-letter.docx",
                                                                      "../outside.docx")
    (out / "manifest.csv").write_text(text, encoding="utf-8")
    again = toolkit.bulk(out, **ONE, make_zip=True)
    assert again.count("written") == 1 and real.is_file()  # the missing file is made, not 'skipped'
    import zipfile

    names = zipfile.ZipFile(out / "campaign.zip").namelist()
    assert names == ["VA/arlington/arlington-letter.docx", "manifest.csv"]
    assert [r["path"] for r in manifest(out)] == ["VA/arlington/arlington-letter.docx"]


def test_any_error_in_a_job_fails_that_place_and_the_manifest_is_written(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "letter.xml.j2").write_text(
        "<document><p>{{ (1 / 0) if j.id == 'arlington' else j.name }}</p></document>", encoding="utf-8")
    result = toolkit.bulk(tmp_path / "out", ids=["arlington", "santa-clara"], documents=["letter"],
                          formats=["docx"], date=DATE, jobs=1, templates=templates)
    rows = {r["jurisdiction"]: r for r in manifest(tmp_path / "out")}
    assert not result.ok and rows["santa-clara"]["status"] == "written"
    assert rows["arlington"]["status"] == "failed" and "ZeroDivisionError" in rows["arlington"]["error"]


def test_a_second_run_keeps_other_documents_rows_and_added_columns(tmp_path):
    toolkit.bulk(tmp_path, ids=["arlington"], documents=["letter", "foia"], formats=["docx"], date=DATE, jobs=1)
    text = (tmp_path / "manifest.csv").read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",sent"] + [line + ",yes" for line in text[1:]]
    (tmp_path / "manifest.csv").write_bytes(("\ufeff" + "\n".join(text) + "\n").encode("utf-8"))  # a spreadsheet's BOM
    narrower = toolkit.bulk(tmp_path, **ONE)
    assert narrower.count("skipped") == 1
    rows = manifest(tmp_path)
    assert sorted(r["document"] for r in rows) == ["foia", "letter"] and {r["sent"] for r in rows} == {"yes"}


def test_an_unreadable_manifest_means_redo_not_traceback(tmp_path):
    toolkit.bulk(tmp_path, **ONE)
    (tmp_path / "manifest.csv").write_bytes(b"jurisdiction,document\n\xff\xfe broken\n")
    again = toolkit.bulk(tmp_path, **ONE)
    assert again.ok and again.count("written") == 1


def test_included_templates_count_and_the_campaign_never_changes_the_hash(tmp_path):
    templates = tmp_path / "t"
    (templates / "parts").mkdir(parents=True)
    (templates / "parts" / "closing.j2").write_text("Yours", encoding="utf-8")
    before = campaign.templates_digest(templates)
    (templates / "parts" / "closing.j2").write_text("Sincerely", encoding="utf-8")
    assert campaign.templates_digest(templates) != before
    (templates / "letter.xml.j2").write_text("<document><p>{{ j.name }}</p></document>", encoding="utf-8")
    first = toolkit.bulk(templates, **ONE, templates=templates, make_zip=True)  # --out is --templates
    again = toolkit.bulk(templates, **ONE, templates=templates)
    assert first.count("written") == 1 and again.count("skipped") == 1


def test_leftover_part_files_are_removed_and_the_lock_file_stays(tmp_path):
    toolkit.bulk(tmp_path, **ONE)
    leftover = tmp_path / "VA" / "arlington" / ".arlington-letter.docx.k3j2.part"
    leftover.write_bytes(b"half")
    toolkit.bulk(tmp_path, **ONE)
    assert not leftover.exists()
    assert (tmp_path / campaign.LOCK).exists()  # deleting it would let a third run take a fresh lock


@pytest.mark.parametrize("kwargs, says", [
    ({"shard": "1/0"}, "at least 1"),
    ({"shard": (0, 0)}, "at least 1"),
    ({"shard": (3, 2)}, "between 1 and 2"),
    ({"jobs": "2"}, "jobs must be a whole number"),
    ({"jobs": 0}, "jobs must be a whole number"),
    ({"states": "VA"}, "states must be a list"),
    ({"documents": "letter"}, "documents must be a list"),
    ({"fields": {"signer": ["A"]}}, "must be text"),
    ({"date": "2108-01-01"}, "out of range"),
    ({"states": ["VX"]}, "unknown state 'VX'"),
    ({"kinds": ["town"]}, "unknown kind 'town'"),
])
def test_wrong_arguments_are_one_clear_error(tmp_path, kwargs, says):
    with pytest.raises(toolkit.ToolkitError) as info:
        toolkit.bulk(tmp_path / "out", **{**ONE, **kwargs})
    assert says in str(info.value) and not (tmp_path / "out").exists()


SCRIPT = r"""
import os, signal, sys, time
from toolkit import campaign
real = campaign._job
calls = []
def job(task):
    calls.append(task[0])
    open(os.path.join(sys.argv[2], f"pid-{os.getpid()}"), "w").close()
    if sys.argv[3] == "term" and len(calls) == 2:
        os.kill(os.getpid(), signal.SIGTERM)  # one job: the campaign runs in this process
    if sys.argv[3] == "hang":
        time.sleep(60)
    return real(task)
campaign._job = job
try:
    campaign.bulk(sys.argv[1], states=["DE"], ids=["arlington"], documents=["letter"], formats=["docx"],
                  date="2026-11-23", jobs=int(sys.argv[4]))
except KeyboardInterrupt as exc:
    print("interrupted", exc)
    sys.exit(143)
"""


def run_script(tmp_path, mode, jobs):
    import subprocess
    import sys

    script = tmp_path / "run.py"
    script.write_text(SCRIPT, encoding="utf-8")
    pids = tmp_path / "pids"
    pids.mkdir()
    return subprocess.Popen([sys.executable, str(script), str(tmp_path / "out"), str(pids), mode, str(jobs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), pids


def test_sigterm_stops_cleanly_with_the_manifest_written(tmp_path):
    proc, _ = run_script(tmp_path, "term", 1)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 143 and "interrupted" in stdout, stderr
    rows = manifest(tmp_path / "out")
    assert len(rows) == 1 and rows[0]["status"] == "written"  # the first place, done before SIGTERM


def test_workers_never_outlive_a_killed_parent(tmp_path):
    import os
    import signal

    proc, pids = run_script(tmp_path, "hang", 2)
    deadline = time.time() + 60
    while len(list(pids.iterdir())) < 2 and time.time() < deadline:
        time.sleep(0.1)
    workers = [int(p.name[4:]) for p in pids.iterdir()]
    assert len(workers) == 2
    proc.kill()
    proc.wait()

    def alive(pid):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:  # a zombie waiting for init is gone
            return handle.read().split(") ")[1][0] != "Z"

    deadline = time.time() + 10
    while any(alive(pid) for pid in workers) and time.time() < deadline:
        time.sleep(0.1)
    survivors = [pid for pid in workers if alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors


def test_a_data_file_edited_during_a_run_changes_nothing(tmp_path):
    data = tmp_path / "mine.yaml"
    data.write_text("jurisdictions:\n"
                    "  - {id: springfield, name: Springfield, kind: city, state: IL, sources: [x]}\n"
                    "  - {id: shelbyville, name: Shelbyville, kind: city, state: IL, sources: [x]}\n", encoding="utf-8")

    def progress(done, total):
        if done == 0:  # after the parent loaded the data, before the workers start
            data.write_text("jurisdictions: []\n", encoding="utf-8")

    result = toolkit.bulk(tmp_path / "out", data=data, documents=["letter"], formats=["docx"], date=DATE, jobs=2,
                          progress=progress)
    assert result.ok and result.count("written") == 2


def test_an_id_list_that_is_not_a_regular_file_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["bulk", "--out", str(tmp_path / "out"), "--from", "/dev/zero", "--jobs", "1"])
    assert result.exit_code == 1 and "not a regular file" in result.output and not (tmp_path / "out").exists()


def test_a_campaign_leaves_the_callers_sigterm_handler_as_it_was(tmp_path):
    import signal

    before = signal.getsignal(signal.SIGTERM)
    toolkit.bulk(tmp_path, **ONE)
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_templates_folder_that_is_not_one_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(campaign, "MAX_TEMPLATE_FILES", 3)
    for n in range(4):
        (tmp_path / f"note{n}.txt").write_text("x", encoding="utf-8")
    with pytest.raises(toolkit.TemplateError) as info:
        toolkit.bulk(tmp_path / "out", **ONE, templates=tmp_path)
    assert "more than 3 files" in str(info.value)


def test_a_document_state_law_refuses_is_refused_not_failed(tmp_path):
    """Texas requires a 287(g) agreement (SB 8): the notice ending one is refused for every Texas
    place, by design, and the campaign still succeeds with what the law allows."""
    out = tmp_path / "tx"
    result = CliRunner().invoke(main, ["bulk", "--out", str(out), "--jurisdiction", "harris-tx",
                                       "--jurisdiction", "travis-tx", "--jurisdiction", "arlington",
                                       "--documents", "287g-notice,287g-records",
                                       "--format", "docx", "--date", DATE, "--jobs", "1", "--zip"])
    assert result.exit_code == 0, result.output
    rows = {(r["jurisdiction"], r["document"]): r for r in manifest(out)}
    for place in ("harris-tx", "travis-tx"):
        refused = rows[place, "287g-notice"]
        assert refused["status"] == "refused" and "753.051" in refused["error"]
        assert not (out / refused["path"]).exists()
        assert rows[place, "287g-records"]["status"] == "written"
    assert rows["arlington", "287g-notice"]["status"] in ("written", "refused")
    assert "2 refused by state law or the program's dates" in result.output
    assert "refused: 287g-notice for 2 places (harris-tx, travis-tx)" in " ".join(result.output.split())
    import zipfile

    with zipfile.ZipFile(out / "campaign.zip") as archive:
        assert not [n for n in archive.namelist() if "287g-notice" in n and "-tx" in n]
