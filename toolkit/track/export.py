"""One zip for a lawyer or a reporter: every document generated and received for the requests, the
log as CSV (requests and events), and a deadline sheet."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path
from typing import List, Optional

from ..output import atomic_write
from .errors import TrackError
from .ical import deadlines
from .log import Log, Request

REQUEST_COLUMNS = ["number", "agency_ref", "jurisdiction", "jurisdiction_name", "state", "document", "status",
                   "status_on", "via", "made_on", "sent_on", "received_on", "deadline", "deadline_basis", "campaign"]
EVENT_COLUMNS = ["number", "status", "on", "note", "deadline_before", "deadline_after"]
DEADLINE_COLUMNS = ["date", "days_left", "what", "number", "agency_ref", "jurisdiction", "status"]
STAMP = (1980, 1, 1, 0, 0, 0)  # fixed times, so the same log gives the same zip


def _csv(rows: List[dict], columns: List[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return buffer.getvalue().encode("utf-8")


def _folder(request: Request) -> str:
    return f"requests/{request.id:04d}-{request.jurisdiction}-{request.document}"


def export_bytes(log: Log, ref: Optional[str] = None, today: Optional[dt.date] = None) -> bytes:
    """The zip of request ``ref``, or of every request when ``ref`` is None."""
    today = today or dt.date.today()
    chosen = [log.get(ref)] if ref else log.requests()
    if not chosen:
        raise TrackError("the log has no requests to export", field="ref")
    ids = {r.id for r in chosen}
    buffer = io.BytesIO()
    missing = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        def put(name: str, payload: bytes) -> None:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, payload)

        put("log/requests.csv", _csv([{"number": r.id, **vars(r)} for r in chosen], REQUEST_COLUMNS))
        events = [dict(e, number=e["request_id"]) for e in log.events() if e["request_id"] in ids]
        put("log/events.csv", _csv(events, EVENT_COLUMNS))
        sheet = [{"date": day.isoformat(), "days_left": (day - today).days, "what": what, "number": r.id,
                  "agency_ref": r.agency_ref, "jurisdiction": r.jurisdiction, "status": r.status}
                 for day, what, _, r in deadlines(log) if r.id in ids]
        put("deadlines.csv", _csv(sheet, DEADLINE_COLUMNS))
        seen = set()
        for request in chosen:
            for f in log.files(request.id):
                payload = f["content"]
                if payload is None and f["path"]:
                    try:
                        payload = Path(f["path"]).read_bytes()
                    except OSError:
                        payload = None
                    if payload is not None and hashlib.sha256(payload).hexdigest() != f["sha256"]:
                        missing.append(f"{f['path']}: changed since it was recorded (sha256 differs)")
                        payload = None
                    elif payload is None:
                        missing.append(f"{f['path']}: not found")
                if payload is None:
                    continue
                name = f"{_folder(request)}/{f['role']}/{f['name']}"
                while name in seen:
                    name = name.replace(f"/{f['role']}/", f"/{f['role']}/{f['id']}-", 1)
                seen.add(name)
                put(name, payload)
        if missing:
            put("MISSING.txt", ("Files the log records but that could not be included:\n" +
                                "\n".join(missing) + "\n").encode("utf-8"))
    return buffer.getvalue()


def export(log: Log, out: "str | Path", ref: Optional[str] = None, today: Optional[dt.date] = None) -> Path:
    target = Path(out)
    return atomic_write(target.parent if str(target.parent) else Path("."), target.name,
                        export_bytes(log, ref, today))
