"""The request log on a real PostgreSQL server: a throwaway cluster in a temporary folder, on a
loopback port, started by the test (Debian's postgresql package; run as the ``postgres`` user
when the tests run as root). Skipped, with the reason, where the server binaries are absent."""

from __future__ import annotations

import glob
import multiprocessing
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

from track_helpers import D, acknowledge_all, add_many, jurisdiction, race


def _bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_url():
    pytest.importorskip("psycopg", reason="the psycopg driver is not installed (pip install 'toolkit[postgres]')")
    bindir = _bin()
    if not bindir:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    prefix: list = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser, so PostgreSQL cannot be started as another user")
        prefix = ["runuser", "-u", "postgres", "--"]
    folder = tempfile.mkdtemp(prefix="toolkit-pg-", dir="/tmp")
    os.chmod(folder, 0o755)
    data = os.path.join(folder, "data")
    if prefix:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    try:
        subprocess.run(prefix + [f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "toolkit", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", data, "-w", "-t", "60", "-l", f"{folder}/log",
                                 "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                                 "start"], check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"could not start a throwaway PostgreSQL cluster: {getattr(exc, 'stderr', exc)!r}")
    try:
        subprocess.run(prefix + [f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "toolkit", "log"],
                       check=True, capture_output=True, timeout=60)
        yield f"postgresql://toolkit@127.0.0.1:{port}/log"
    finally:
        subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True,
                       timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_log_works_on_postgresql(pg_url):
    from toolkit.errors import ToolkitError
    from toolkit.track.log import Log

    with Log(pg_url) as log:
        assert log.engine.dialect.name == "postgresql"
        sc = jurisdiction("santa-clara")
        r = log.add(document="foia", jurisdiction=sc, sent=D(2026, 11, 2), via="portal", agency_ref="PG-1")
        assert r.deadline == D(2026, 12, 2)
        log.update("PG-1", status="denied", on=D(2026, 11, 20))
        log.add_file(r.id, "reply.pdf", b"%PDF bytes", role="received")
        with pytest.raises(ToolkitError, match="cannot become"):
            log.update("PG-1", status="fulfilled", on=D(2026, 11, 21))
        got = log.get("PG-1")
        assert got.status == "denied" and len(got.events) == 2
        assert log.files(r.id)[0]["content"] == b"%PDF bytes"
    # opening it again (another toolkit, same version) migrates nothing and keeps everything
    with Log(pg_url) as again:
        assert again.get("PG-1").status == "denied"


def test_two_processes_writing_at_once_lose_nothing_on_postgresql(pg_url):
    from toolkit.track.log import Log

    with Log(pg_url) as log:
        start = len(log.requests())
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        ids = pool.starmap(add_many, [(pg_url, "PA", 10), (pg_url, "PB", 10)])
        refs = [f"#{i}" for i in ids[0] + ids[1]]
        done = pool.starmap(acknowledge_all, [(pg_url, refs), (pg_url, refs)])
    with Log(pg_url) as log:
        assert len(log.requests()) == start + 20
        assert sum(done) == 20  # row locks: each request acknowledged once
        acknowledged = [e["request_id"] for e in log.events() if e["status"] == "acknowledged"]
        assert sorted(acknowledged) == sorted(ids[0] + ids[1])


def test_a_check_and_its_write_are_not_split_by_another_writer_on_postgresql(pg_url, monkeypatch):
    assert race(pg_url, monkeypatch) == ["done", "refused"]
