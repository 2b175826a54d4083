"""Campaigns: manifest truth, resume, interruption, reproducibility, shards, failures, locking."""

from __future__ import annotations

import csv
import hashlib
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
    assert by_id["juneau-city-and-borough-ak"]["unverified"] == "states.AK.sib"
    assert by_id["santa-clara"]["unverified"] == ""
    assert "1 use facts marked unverified" in result.summary()
