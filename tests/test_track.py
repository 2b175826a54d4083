"""The request log: deadlines by the documents' own code, status rules, refused changes that leave
the log unchanged, migrations, concurrent writers, and the letters, calendar and export."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import sqlite3
import zipfile

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from conftest import docx_lines as _docx_lines, pdf_text

from toolkit.cli import main
from toolkit.errors import ToolkitError
from toolkit.law import calendar
from toolkit.track import remedies, schema
from toolkit.track.log import Log, migrate, make_engine
from track_helpers import D, acknowledge_all, add_many, dump, jurisdiction, race


def docx_lines(data: bytes) -> list:
    """The DOCX's paragraphs, with the no-break spaces that keep dates and section numbers whole read as spaces."""
    return [line.replace("\u00a0", " ") for line in _docx_lines(data)]


@pytest.fixture
def log(tmp_path):
    with Log(tmp_path / "log.sqlite") as opened:
        yield opened


def test_deadlines_come_from_the_documents_calendar_code(log):
    sc = jurisdiction("santa-clara")
    foia = log.add(document="foia", jurisdiction=sc, sent=D(2026, 11, 2), via="portal", agency_ref="2026-ICFO-1")
    assert foia.deadline == calendar.due(D(2026, 11, 2), 20, "business", None).date == D(2026, 12, 2)
    assert "5 U.S.C. § 552(a)(6)(A)(i)" in foia.deadline_basis
    state = log.add(document="records-request", jurisdiction=sc, sent=D(2026, 11, 2), received=D(2026, 11, 4))
    law = sc.state["records_law"]
    assert state.deadline == calendar.due(D(2026, 11, 4), law["deadline_days"], law["deadline_unit"], "CA").date
    # an extension moves the FOIA deadline by the ten working days 5 U.S.C. 552(a)(6)(B)(i) allows, no more
    moved = log.update("2026-ICFO-1", status="extended", on=D(2026, 11, 20), until=D(2027, 3, 1))
    assert moved.deadline == calendar.due(D(2026, 12, 2), 10, "business", None).date == D(2026, 12, 16)
    assert "later than the law allows" in moved.events[-1]["note"]
    assert log.get("#1").days_left(D(2026, 12, 10)) == 6 and log.get("1").overdue(D(2026, 12, 17))


def test_refused_changes_leave_the_log_unchanged(log):
    sc = jurisdiction("santa-clara")
    log.add(document="foia", jurisdiction=sc, sent=D(2026, 11, 2), agency_ref="A-1")
    log.update("A-1", status="denied", on=D(2026, 11, 20))
    before = dump(log)
    with pytest.raises(ToolkitError, match="no request 'B-9'"):
        log.update("B-9", status="acknowledged", on=D(2026, 11, 21))
    with pytest.raises(ToolkitError, match="before the sending date"):
        log.add(document="foia", jurisdiction=sc, sent=D(2026, 11, 2), received=D(2026, 11, 1), agency_ref="A-2")
    with pytest.raises(ToolkitError, match="cannot become 'fulfilled'"):
        log.update("A-1", status="fulfilled", on=D(2026, 11, 25))
    with pytest.raises(ToolkitError, match="already request #1"):
        log.add(document="foia", jurisdiction=sc, sent=D(2026, 11, 2), agency_ref="A-1")
    assert dump(log) == before


def test_a_date_before_sending_is_refused(log):
    sc = jurisdiction("santa-clara")
    log.add(document="foia", jurisdiction=sc, sent=D(2026, 11, 2), agency_ref="A-1")
    before = dump(log)
    with pytest.raises(ToolkitError, match="before the request was sent"):
        log.update("A-1", status="acknowledged", on=D(2026, 11, 1))
    assert dump(log) == before


def test_an_older_log_opens_and_keeps_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    assert migrate(engine, target=1) == 1
    with engine.begin() as conn:
        assert "campaign" not in {c["name"] for c in sa.inspect(conn).get_columns("requests")}
        conn.execute(sa.text(
            "INSERT INTO requests (jurisdiction, jurisdiction_name, state, document, status, agency_ref, sent_on,"
            " deadline, fields, created_at) VALUES ('santa-clara', 'Santa Clara County', 'CA', 'foia', 'sent',"
            " 'OLD-1', '2026-11-02', '2026-12-02', '{}', '2026-11-02 10:00:00')"))
    engine.dispose()
    log = Log(tmp_path / "old.sqlite")
    request = log.get("OLD-1")
    assert request.deadline == D(2026, 12, 2) and request.campaign is None
    log.add_file(request.id, "reply.pdf", b"%PDF", role="received")  # a table version 2 added
    assert [f["name"] for f in log.files(request.id)] == ["reply.pdf"]
    with sqlite3.connect(tmp_path / "old.sqlite") as raw:
        assert raw.execute("SELECT value FROM meta").fetchone()[0] == str(schema.VERSION)
        raw.execute("UPDATE meta SET value = '99'")
    with pytest.raises(ToolkitError, match="newer toolkit"):
        Log(tmp_path / "old.sqlite")


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    url = str(tmp_path / "shared.sqlite")
    Log(url).close()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        ids = pool.starmap(add_many, [(url, "A", 15), (url, "B", 15)])
        refs = [f"#{i}" for i in ids[0] + ids[1]]
        done = pool.starmap(acknowledge_all, [(url, refs), (url, refs)])
    log = Log(url)
    assert len(log.requests()) == 30 and len(set(ids[0]) | set(ids[1])) == 30
    # each request acknowledged exactly once: the check and the write are one transaction
    assert sum(done) == 30
    assert sorted(e["request_id"] for e in log.events() if e["status"] == "acknowledged") == sorted(
        i for part in ids for i in part)


def test_a_check_and_its_write_are_not_split_by_another_writer(tmp_path, monkeypatch):
    assert race(str(tmp_path / "race.sqlite"), monkeypatch) == ["done", "refused"]


def test_remedies_data_refuses_a_state_given_twice(tmp_path):
    from toolkit.errors import DataError

    (tmp_path / "r.yaml").write_text("states:\n  MD:\n    note: a\n  MD:\n    note: b\n", encoding="utf-8")
    with pytest.raises(DataError, match="appears twice"):
        remedies.remedies_for("records-request", "MD", str(tmp_path / "r.yaml"))
    codes = {code for code, _, _ in remedies.coverage()} - {"US"}
    import toolkit

    assert codes <= set(toolkit.load_jurisdictions().states)


def test_remedies_data_has_sources_and_never_guesses():
    us = remedies.remedies_for("foia", "CA")
    appeal = us.get(None)
    assert appeal.citation == "6 C.F.R. § 5.8(a)(1)" and appeal.days == 90 and appeal.unit == "business"
    assert appeal.marking == "Freedom of Information Act Appeal" and appeal.verified
    for code, _count, _ in remedies.coverage():
        for remedy in remedies.remedies_for("records-request" if code != "US" else "foia", code).remedies:
            assert remedy.source and remedy.citation and (remedy.verified or remedy.note)
    georgia = remedies.remedies_for("records-request", "GA")
    assert not georgia.known
    with pytest.raises(ToolkitError, match="must be checked"):
        georgia.get(None)


def run(*args, db):
    result = CliRunner().invoke(main, list(args) + ["--db", str(db)])
    return result


def test_cli_track_follow_up_appeal_calendar_export(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "log.sqlite"
    r = run("track", "add", "foia", "--county", "santa-clara", "--sent", "2026-10-01", "--via", "portal",
            "--ref", "2026-ICFO-00042", db=db)
    assert r.exit_code == 0, r.output
    assert "answer due 2026-10-30" in r.output
    r = run("track", "add", "records-request", "--county", "bergen", "--state", "NJ", "--sent", "2026-10-05", db=db)
    assert r.exit_code == 0, r.output
    r = run("track", "list", "--overdue", "--today", "2026-11-02", db=db)
    assert "2026-ICFO-00042" in r.output and "3 OVERDUE" in r.output
    # a follow-up before the deadline cannot say it has passed
    early = run("follow-up", "2026-ICFO-00042", "--date", "2026-10-20", db=db)
    assert early.exit_code == 1 and "cannot say that deadline has passed" in early.output
    r = run("follow-up", "2026-ICFO-00042", "--date", "2026-11-02", "--out", "out", db=db)
    assert r.exit_code == 0, r.output
    docx = " ".join(docx_lines((tmp_path / "out/santa-clara-follow-up.docx").read_bytes()))
    pdf = " ".join(pdf_text((tmp_path / "out/santa-clara-follow-up.pdf").read_bytes()).split())
    for text in (docx, pdf):
        assert "October 1, 2026" in text and "2026-ICFO-00042" in text and "5 U.S.C. § 552(a)(6)(A)(i)" in text
        assert "That time ended on October 30, 2026. It has passed" in text
    # an appeal needs a denial; a status that cannot follow is refused
    assert "an appeal needs a denial" in run("appeal", "2026-ICFO-00042", db=db).output
    r = run("track", "update", "2026-ICFO-00042", "--status", "denied", "--on", "2026-11-10", db=db)
    assert r.exit_code == 0 and "6 C.F.R. § 5.8(a)(1): by 2027-03-24" in r.output, r.output
    bad = run("track", "update", "2026-ICFO-00042", "--status", "acknowledged", "--on", "2026-11-11", db=db)
    assert bad.exit_code == 1 and "cannot become 'acknowledged'" in bad.output
    r = run("appeal", "2026-ICFO-00042", "--date", "2026-11-20", "--out", "out", db=db)
    assert r.exit_code == 0, r.output
    assert "no confirmed ICE appeals address" in r.output  # the remedy's note is a "before sending" line
    for text in (" ".join(docx_lines((tmp_path / "out/santa-clara-appeal.docx").read_bytes())),
                 " ".join(pdf_text((tmp_path / "out/santa-clara-appeal.pdf").read_bytes()).split())):
        assert "Re: Freedom of Information Act Appeal: request number 2026-ICFO-00042" in text
        assert "6 C.F.R. § 5.8(a)(1)" in text and "90 working days" in text and "March 24, 2027" in text
        assert "dated November 10, 2026" in text and "submitted on October 1, 2026" in text
    # New Jersey: the Government Records Council, 45 days from the denial
    run("track", "update", "2", "--status", "denied", "--on", "2026-10-14", db=db)
    r = run("appeal", "2", "--date", "2026-10-20", "--out", "out", "--format", "docx", db=db)
    assert r.exit_code == 0, r.output
    nj = " ".join(docx_lines((tmp_path / "out/bergen-nj-appeal.docx").read_bytes()))
    assert "Government Records Council" in nj and "N.J.S.A. 47:1A-6" in nj and "November 28, 2026" in nj
    # calendar: parsed by another project's parser (vobject)
    r = run("calendar", "--out", "deadlines.ics", db=db)
    assert r.exit_code == 0, r.output
    import vobject

    cal = vobject.readOne((tmp_path / "deadlines.ics").read_text(encoding="utf-8"))
    events = {(e.dtstart.value, e.summary.value.split(":")[0]) for e in cal.vevent_list}
    assert (D(2027, 3, 24), "Last day, administrative appeal to ICE's FOIA Appeals Officer (6 C.F.R. § 5.8(a)(1))") in events
    assert any(day == D(2026, 11, 28) and "Government Records Council" in what for day, what in events)
    # export: documents generated and received, the log as CSV, the deadline sheet
    (tmp_path / "reply.pdf").write_bytes(b"%PDF-1.4 the agency's letter")
    assert run("track", "attach", "#1", "reply.pdf", db=db).exit_code == 0
    r = run("export", "--all", "--out", "record.zip", db=db)
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(tmp_path / "record.zip") as zf:
        names = zf.namelist()
        assert "requests/0001-santa-clara-foia/received/reply.pdf" in names
        assert "requests/0001-santa-clara-foia/generated/santa-clara-foia.pdf" in names
        assert any(n.endswith("santa-clara-appeal.pdf") for n in names)
        assert "2026-ICFO-00042" in zf.read("log/requests.csv").decode()
        assert "denied" in zf.read("log/events.csv").decode()
        assert "2027-03-24" in zf.read("deadlines.csv").decode()


def test_a_state_without_remedy_data_says_it_must_be_checked(tmp_path):
    db = tmp_path / "log.sqlite"
    assert run("track", "add", "records-request", "--county", "fulton", "--state", "GA", "--sent", "2026-10-01",
               db=db).exit_code == 0
    r = run("track", "update", "1", "--status", "denied", "--on", "2026-10-08", db=db)
    assert "must be checked" in r.output
    r = run("appeal", "1", "--date", "2026-10-09", "--out", str(tmp_path), db=db)
    assert r.exit_code == 1 and "does not yet say what remedy GA law gives" in r.output
    assert not list(tmp_path.glob("*appeal*"))


def test_silence_and_denial_lead_to_different_remedies_in_texas(tmp_path):
    db = tmp_path / "log.sqlite"
    run("track", "add", "records-request", "--county", "harris", "--state", "TX", "--sent", "2026-10-01", db=db)
    r = run("appeal", "1", "--date", "2026-11-02", "--out", str(tmp_path), "--format", "docx", db=db)
    assert r.exit_code == 0, r.output
    text = " ".join(docx_lines((tmp_path / "harris-tx-appeal.docx").read_bytes()))
    assert "Tex. Gov't Code § 552.328" in text and "did not answer it within the time that law allows" in text
    assert "verified: false" in r.output  # the remedy is read on a copy of the statute: a caution
    run("track", "update", "1", "--status", "denied", "--on", "2026-11-03", db=db)
    r = run("appeal", "1", "--date", "2026-11-04", "--out", str(tmp_path), "--format", "docx", db=db)
    text = " ".join(docx_lines((tmp_path / "harris-tx-appeal.docx").read_bytes()))
    assert "§ 552.321" in text and "writ of mandamus" in text and "reconsider" in text


def test_campaign_drafts_are_recorded_and_sent_in_one_command(tmp_path):
    import toolkit

    out = tmp_path / "campaign"
    toolkit.bulk(out, ids=["arlington", "santa-clara"], documents=["foia"], formats=["docx"], date="2026-11-23",
                 jobs=1)
    db = tmp_path / "log.sqlite"
    r = run("track", "import", str(out), "--date", "2026-11-23", db=db)
    assert r.exit_code == 0 and "2 drafts recorded" in r.output, r.output
    assert "0 drafts" in run("track", "import", str(out), db=db).output  # not twice
    log = Log(db)
    assert {r.status for r in log.requests()} == {"drafted"} and log.requests()[0].deadline is None
    # one refused draft refuses them all
    bad = run("track", "send", "--campaign", "campaign", "--on", "2026-11-20", db=db)
    assert bad.exit_code == 1 and "before the document's date" in bad.output
    assert {r.status for r in log.requests()} == {"drafted"}
    r = run("track", "send", "--campaign", "campaign", "--on", "2026-11-24", "--via", "portal", db=db)
    assert r.exit_code == 0 and "2 requests marked sent" in r.output, r.output
    sent = log.requests()
    assert {r.status for r in sent} == {"sent"}
    assert {r.deadline for r in sent} == {calendar.due(D(2026, 11, 24), 20, "business", None).date}
    with zipfile.ZipFile(io.BytesIO(__import__("toolkit.track.export", fromlist=["x"]).export_bytes(log))) as zf:
        assert any(n.endswith("arlington-foia.docx") for n in zf.namelist())


def test_importing_toolkit_does_not_load_sqlalchemy():
    import subprocess
    import sys

    code = "import sys, toolkit.cli; print('sqlalchemy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_default_location_is_in_the_user_data_folder():
    from toolkit.track.log import database_url, default_location

    assert default_location().name == "requests.sqlite" and "toolkit" in str(default_location())
    assert database_url("postgresql://u@localhost/db").startswith("postgresql")


del dt


def test_the_follow_up_template_cites_the_state_law_and_its_deadline():
    import toolkit

    doc = toolkit.compose("follow-up", "santa-clara", date="2026-11-02", request_document="records-request",
                          request_date="October 1, 2026", request_deadline="October 13, 2026",
                          request_status="acknowledged", request_ref="R-77")
    text = " ".join(doc.lines())
    assert "California Public Records Act" in text and "Cal. Gov. Code § 7922.535(a)" in text
    assert "within 10 days of receiving the request" in text and "That time ended on October 13, 2026" in text
    assert "reference number R-77" in text and "only an acknowledgment" in text
    assert "California Department of Justice" in text  # to the state bureau, not ICE
    assert doc.fields["request_ref"] == "R-77"


def test_an_extension_without_a_fixed_limit_needs_the_agencys_date(log):
    oh = jurisdiction("franklin-oh")
    log.add(document="records-request", jurisdiction=oh, sent=D(2026, 11, 2), agency_ref="OH-1")
    before = dump(log)
    with pytest.raises(ToolkitError, match="give the date the agency named"):
        log.update("OH-1", status="extended", on=D(2026, 11, 5))
    assert dump(log) == before
    assert log.update("OH-1", status="extended", on=D(2026, 11, 5), until=D(2026, 12, 1)).deadline == D(2026, 12, 1)


def test_a_court_remedy_asks_the_bureau_to_reconsider_first(log):
    import toolkit
    from toolkit.track.letters import appeal_fields

    log.add(document="records-request", jurisdiction=jurisdiction("arlington"), sent=D(2026, 11, 2))
    request = log.update("1", status="denied", on=D(2026, 11, 6))
    fields, remedy, cautions = appeal_fields(request, D(2026, 11, 9))
    assert remedy.kind == "court" and remedy.citation == "Va. Code § 2.2-3713(A)"
    assert not any("verified: false" in c for c in cautions)
    assert "remedy_deadline" not in fields  # the statute read sets no time limit: none is invented
    text = " ".join(toolkit.compose("appeal", "arlington", date="2026-11-09", **fields).lines())
    assert "Virginia Department of State Police" in text and "On November 6, 2026" in text and "reconsider" in text
    assert "Under Va. Code § 2.2-3713(A), any person denied the rights" in text
