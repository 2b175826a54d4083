"""The request log: every document sent, its deadline, what came back, and the files of the record.

A real database through SQLAlchemy Core: a SQLite file by default, or any URL SQLAlchemy takes
(``postgresql://user@host/db`` for a coalition sharing one log). Every change is one transaction
that checks before it writes, so a refused change leaves the log as it was, and two processes
writing at once lose nothing (SQLite: ``BEGIN IMMEDIATE`` and a busy timeout; PostgreSQL: row locks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Union

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from . import schema
from .deadlines import extended, response_clock
from .errors import TrackError
from .remedies import Remedies, remedies_for

#: what a request's status may become next
NEXT: Dict[str, Sequence[str]] = {
    "drafted": ("sent",),
    "sent": ("acknowledged", "extended", "partial", "denied", "fulfilled"),
    "acknowledged": ("extended", "partial", "denied", "fulfilled"),
    "extended": ("extended", "partial", "denied", "fulfilled"),
    "partial": ("partial", "denied", "fulfilled", "appealed"),
    "denied": ("appealed",),
    "appealed": ("partial", "denied", "fulfilled"),
    "fulfilled": (),
}
STATUSES = tuple(NEXT)
#: statuses whose response deadline is still running
WAITING = ("sent", "acknowledged", "extended")
#: statuses after an adverse determination, with a remedy's time running
ADVERSE = ("partial", "denied")
VIA = ("email", "portal", "mail")


def default_location() -> Path:
    """Where the log lives unless told otherwise: ``requests.sqlite`` in the user's data folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("toolkit", appauthor=False)) / "requests.sqlite"


def database_url(db: Union[None, str, "os.PathLike[str]"]) -> str:
    """A SQLAlchemy URL for ``db``: a URL as given (``postgresql://`` uses psycopg 3 when psycopg2
    is not installed), else a SQLite file path."""
    if db is None:
        db = default_location()
    text = os.fspath(db)
    if "://" in text:
        scheme, rest = text.split("://", 1)
        if scheme in ("postgresql", "postgres"):
            try:
                import psycopg2  # type: ignore[import-untyped]  # noqa: F401
            except ImportError:
                scheme = "postgresql+psycopg"
        return f"{scheme}://{rest}"
    path = Path(text).expanduser().resolve()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TrackError(f"cannot create the log's folder ({exc.strerror})", path=str(path.parent)) from None
    return f"sqlite:///{path}"


@dataclass
class Request:
    """One row of the log."""

    id: int
    jurisdiction: str
    jurisdiction_name: str
    state: str
    document: str
    status: str
    via: Optional[str]
    agency_ref: Optional[str]
    made_on: Optional[dt.date]
    sent_on: Optional[dt.date]
    received_on: Optional[dt.date]
    deadline: Optional[dt.date]
    deadline_basis: Optional[str]
    status_on: Optional[dt.date]
    fields: Dict[str, str]
    campaign: Optional[str]
    events: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"#{self.id}"

    @property
    def label(self) -> str:
        return f"#{self.id}" + (f" ({self.agency_ref})" if self.agency_ref else "")

    def days_left(self, today: dt.date) -> Optional[int]:
        """Calendar days to the response deadline (negative: overdue), while the agency owes an answer."""
        if self.deadline is None or self.status not in WAITING + ("appealed",):
            return None
        return (self.deadline - today).days

    def overdue(self, today: dt.date) -> bool:
        left = self.days_left(today)
        return left is not None and left < 0

    @property
    def remedies(self) -> Remedies:
        return remedies_for(self.document, self.state)

    def windows(self) -> List[tuple]:
        """(remedy, its last day) for each remedy open after an adverse determination."""
        if self.status not in ADVERSE or self.status_on is None:
            return []
        out = []
        for remedy in self.remedies.remedies:
            if remedy.start == "determination":
                out.append((remedy, remedy.window_for(self.status_on, self.remedies, self.state)))
        return out


def _row(r: Any) -> Request:
    return Request(id=r["id"], jurisdiction=r["jurisdiction"], jurisdiction_name=r["jurisdiction_name"],
                   state=r["state"], document=r["document"], status=r["status"], via=r["via"],
                   agency_ref=r["agency_ref"], made_on=r["made_on"], sent_on=r["sent_on"],
                   received_on=r["received_on"], deadline=r["deadline"], deadline_basis=r["deadline_basis"],
                   status_on=r["status_on"], fields=json.loads(r["fields"] or "{}"), campaign=r["campaign"])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


class Log:
    """A request log at ``db`` (a SQLite file path or a SQLAlchemy URL; default
    :func:`default_location`). Opening it creates or upgrades its schema."""

    def __init__(self, db: Union[None, str, "os.PathLike[str]"] = None, *, upgrade: bool = True,
                 data: Optional[str] = None) -> None:
        #: the data file whose state facts count a deadline when a draft is sent (default: bundled)
        self.data = data
        self.url = database_url(db)
        self.engine = make_engine(self.url)
        if upgrade:
            migrate(self.engine)
        else:
            check_version(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Log":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------------------------

    def get(self, ref: str) -> Request:
        """The request ``ref`` names: ``#12``/``12`` (its number in the log) or the agency's reference."""
        with self.engine.connect() as conn:
            return self._get(conn, ref)

    def _get(self, conn: Connection, ref: str, lock: bool = False) -> Request:
        text = str(ref).strip()
        t = schema.requests
        query = sa.select(t)
        number = text[1:] if text.startswith("#") else text
        if number.isdigit():
            query = query.where(sa.or_(t.c.id == int(number), t.c.agency_ref == text))
        else:
            query = query.where(t.c.agency_ref == text)
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update()
        rows = conn.execute(query).mappings().all()
        if not rows:
            raise TrackError(f"no request '{text}' in the log; 'toolkit track list' shows the numbers and the"
                             " agencies' reference numbers", field="ref")
        if len(rows) > 1:
            raise TrackError(f"'{text}' names more than one request; use its number, e.g. #{rows[0]['id']}",
                             field="ref")
        request = _row(rows[0])
        e = schema.events
        request.events = [dict(x) for x in conn.execute(
            sa.select(e).where(e.c.request_id == request.id).order_by(e.c.id)).mappings()]
        return request

    def requests(self, *, status: Sequence[str] = (), state: Optional[str] = None,
                 campaign: Optional[str] = None, document: Optional[str] = None) -> List[Request]:
        """Every request, oldest first, optionally only those with a ``status``, ``state``, ``campaign``."""
        t = schema.requests
        query = sa.select(t).order_by(t.c.id)
        if status:
            query = query.where(t.c.status.in_(list(status)))
        if state:
            query = query.where(t.c.state == state.upper())
        if campaign:
            query = query.where(t.c.campaign == campaign)
        if document:
            query = query.where(t.c.document == document)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def events(self, request_id: Optional[int] = None) -> List[Dict[str, Any]]:
        e = schema.events
        query = sa.select(e).order_by(e.c.id)
        if request_id is not None:
            query = query.where(e.c.request_id == request_id)
        with self.engine.connect() as conn:
            return [dict(x) for x in conn.execute(query).mappings()]

    def files(self, request_id: int) -> List[Dict[str, Any]]:
        f = schema.files
        with self.engine.connect() as conn:
            return [dict(x) for x in conn.execute(
                sa.select(f).where(f.c.request_id == request_id).order_by(f.c.id)).mappings()]

    # --- writing ---------------------------------------------------------------------------------

    def add(self, *, document: str, jurisdiction: Any, sent: Optional[dt.date], via: Optional[str] = None,
            agency_ref: Optional[str] = None, received: Optional[dt.date] = None, made_on: Optional[dt.date] = None,
            fields: Optional[Mapping[str, str]] = None, campaign: Optional[str] = None) -> Request:
        """Record ``document`` made for ``jurisdiction`` (a :class:`toolkit.Jurisdiction`): sent on
        ``sent`` (its response deadline computed from ``received``, default the sending day), or a
        draft when ``sent`` is None."""
        with self.engine.begin() as conn:
            return self._add(conn, document, jurisdiction, sent, via, agency_ref, received, made_on, fields,
                             campaign)

    def _add(self, conn, document, j, sent, via, agency_ref, received, made_on, fields, campaign) -> Request:
        check_via(via)
        if sent is None and (received or via):
            raise TrackError("a draft has no sending details; record them when it is sent", field="sent")
        if received is not None and sent is not None and received < sent:
            raise TrackError(f"the receipt date {received.isoformat()} is before the sending date"
                             f" {sent.isoformat()}", field="received")
        if made_on is not None and sent is not None and sent < made_on:
            raise TrackError(f"the sending date {sent.isoformat()} is before the document's date"
                             f" {made_on.isoformat()}", field="sent")
        if agency_ref:
            self._check_ref_free(conn, agency_ref)
        deadline, basis = None, None
        if sent is not None:
            clock = response_clock(document, j.state_code, j.state, received or sent)
            deadline, basis = clock.date, clock.basis
        values = dict(jurisdiction=j.id, jurisdiction_name=j.name, state=j.state_code, document=document,
                      status="sent" if sent else "drafted", via=via, agency_ref=agency_ref or None,
                      made_on=made_on or sent, sent_on=sent, received_on=(received or sent) if sent else None,
                      deadline=deadline, deadline_basis=basis, status_on=sent,
                      fields=json.dumps(dict(fields or {}), sort_keys=True, ensure_ascii=False),
                      created_at=_now(), campaign=campaign)
        new_id = conn.execute(sa.insert(schema.requests).values(**values)).inserted_primary_key[0]
        conn.execute(sa.insert(schema.events).values(
            request_id=new_id, status=values["status"], on=sent or made_on or dt.date.today(),
            note=f"sent by {via}" if via else None, deadline_before=None, deadline_after=deadline,
            recorded_at=_now()))
        return self._get(conn, f"#{new_id}")

    def _check_ref_free(self, conn: Connection, agency_ref: str, own: Optional[int] = None) -> None:
        t = schema.requests
        clash = conn.execute(sa.select(t.c.id).where(t.c.agency_ref == agency_ref)).first()
        if clash is not None and clash[0] != own:
            raise TrackError(f"reference number '{agency_ref}' is already request #{clash[0]}", field="ref")

    def update(self, ref: str, *, status: str, on: dt.date, note: Optional[str] = None,
               until: Optional[dt.date] = None, via: Optional[str] = None, agency_ref: Optional[str] = None,
               received: Optional[dt.date] = None) -> Request:
        """Record what came back on ``on``: the new ``status`` (see :data:`NEXT`), a note, and for an
        extension the date the agency named (``until``); an extension moves the deadline as far as
        the law allows. A status that cannot follow the current one, or a date before the request
        was sent or before its last recorded event, is refused and nothing is written."""
        with self.engine.begin() as conn:
            request = self._get(conn, ref, lock=True)
            self._update(conn, request, status, on, note, until, via, agency_ref, received)
            return self._get(conn, f"#{request.id}")

    def _update(self, conn, request: Request, status, on, note, until, via, agency_ref, received) -> None:
        if status not in STATUSES:
            raise TrackError(f"unknown status '{status}'; choose one of: {', '.join(STATUSES[1:])}", field="status")
        allowed = NEXT[request.status]
        if status not in allowed:
            follow = f"it can become: {', '.join(allowed)}" if allowed else "nothing can follow it"
            raise TrackError(f"request {request.label} is '{request.status}'; it cannot become '{status}' ({follow})",
                             field="status")
        if request.sent_on is not None and on < request.sent_on:
            raise TrackError(f"{on.isoformat()} is before the request was sent ({request.sent_on.isoformat()})",
                             field="on")
        if status == "sent" and request.made_on is not None and on < request.made_on:
            raise TrackError(f"{on.isoformat()} is before the document's date ({request.made_on.isoformat()})",
                             field="on")
        last = max((e["on"] for e in request.events), default=None)
        if last is not None and on < last:
            raise TrackError(f"{on.isoformat()} is before the request's last recorded event ({last.isoformat()})",
                             field="on")
        if until is not None and status != "extended":
            raise TrackError("a new date ('until') goes only with the status 'extended'", field="until")
        changes: Dict[str, Any] = {"status": status, "status_on": on}
        deadline = request.deadline
        auto_note = None
        if status == "sent":
            check_via(via)
            if received is not None and received < on:
                raise TrackError(f"the receipt date {received.isoformat()} is before the sending date {on.isoformat()}",
                                 field="received")
            clock = response_clock(request.document, request.state, state_facts(request.state, self.data),
                                   received or on)
            deadline = clock.date
            changes.update(sent_on=on, received_on=received or on, via=via, deadline=deadline,
                           deadline_basis=clock.basis)
            auto_note = f"sent by {via}" if via else None
        elif status == "extended":
            deadline, auto_note = extended(request.deadline, request.remedies, request.state, until, on)
            changes["deadline"] = deadline
        elif status == "appealed":
            decision = self._decision(request, on)
            if decision is not None:
                deadline = decision
                changes["deadline"] = deadline
        if agency_ref:
            self._check_ref_free(conn, agency_ref, own=request.id)
            changes["agency_ref"] = agency_ref
        conn.execute(sa.update(schema.requests).where(schema.requests.c.id == request.id).values(**changes))
        text = "; ".join(part for part in (auto_note, note) if part) or None
        conn.execute(sa.insert(schema.events).values(
            request_id=request.id, status=status, on=on, note=text, deadline_before=request.deadline,
            deadline_after=deadline, recorded_at=_now()))

    @staticmethod
    def _decision(request: Request, on: dt.date) -> Optional[dt.date]:
        """When the body that hears an appeal filed on ``on`` must decide it, where the law says."""
        from ..law import calendar

        for remedy in request.remedies.remedies:
            if remedy.decision and remedy.decision.get("days"):
                code = None if request.remedies.code == "US" else request.state
                return calendar.due(on, int(remedy.decision["days"]), str(remedy.decision["unit"]), code).date
        return None

    def mark_sent(self, refs: Iterable[str] = (), *, on: dt.date, via: Optional[str] = None,
                  campaign: Optional[str] = None, state: Optional[str] = None,
                  document: Optional[str] = None) -> List[Request]:
        """Mark drafts sent on ``on``, all in one transaction: those ``refs`` name, or every draft of
        ``campaign`` (and ``state``/``document``). If any cannot be, none is."""
        check_via(via)
        with self.engine.begin() as conn:
            wanted = [self._get(conn, ref, lock=True) for ref in refs]
            if not refs:
                t = schema.requests
                query = sa.select(t.c.id).where(t.c.status == "drafted").order_by(t.c.id)
                if campaign:
                    query = query.where(t.c.campaign == campaign)
                if state:
                    query = query.where(t.c.state == state.upper())
                if document:
                    query = query.where(t.c.document == document)
                wanted = [self._get(conn, f"#{row[0]}", lock=True) for row in conn.execute(query)]
            if not wanted:
                raise TrackError("no drafts to mark sent" + (f" in campaign '{campaign}'" if campaign else ""),
                                 field="campaign")
            for request in wanted:
                self._update(conn, request, "sent", on, None, None, via, None, None)
            return [self._get(conn, f"#{r.id}") for r in wanted]

    def add_file(self, request_id: int, name: str, payload: Optional[bytes], *, role: str,
                 path: Optional[str] = None, sha256: Optional[str] = None, size: Optional[int] = None,
                 conn: Optional[Connection] = None) -> None:
        """Keep a file of the record: its bytes (``payload``), or where it lies (``path``, with its hash)."""
        values = dict(request_id=request_id, role=role, name=name,
                      sha256=sha256 or hashlib.sha256(payload or b"").hexdigest(),
                      size=size if size is not None else len(payload or b""), content=payload, path=path,
                      added_on=_now())
        if conn is not None:
            conn.execute(sa.insert(schema.files).values(**values))
            return
        with self.engine.begin() as own:
            own.execute(sa.insert(schema.files).values(**values))

    def attach(self, ref: str, path: "os.PathLike[str] | str") -> Request:
        """Keep a document received for request ``ref`` (its bytes go into the log)."""
        source = Path(path)
        try:
            payload = source.read_bytes()
        except OSError as exc:
            raise TrackError(f"cannot read the file ({exc.strerror})", path=str(source)) from None
        with self.engine.begin() as conn:
            request = self._get(conn, ref, lock=True)
            self.add_file(request.id, source.name, payload, role="received", conn=conn)
            return request

    def import_campaign(self, folder: "os.PathLike[str] | str", *, campaign: Optional[str] = None,
                        data: Optional[str] = None, made_on: Optional[dt.date] = None) -> List[Request]:
        """Record every document a ``toolkit bulk`` campaign wrote (its ``manifest.csv``) as a draft,
        with its files; a document already in the log for this campaign is not added twice."""
        import csv

        import toolkit

        root = Path(folder)
        manifest = root / "manifest.csv"
        if not manifest.is_file():
            raise TrackError("no manifest.csv here; give the folder a 'toolkit bulk' run wrote", path=str(root))
        name = campaign or root.resolve().name
        with open(manifest, newline="", encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if r.get("status") in ("written", "skipped")]
        dataset = toolkit.load_jurisdictions(data)
        grouped: Dict[tuple, List[Dict[str, str]]] = {}
        for row in rows:
            grouped.setdefault((row["jurisdiction"], row["document"]), []).append(row)
        added = []
        with self.engine.begin() as conn:
            t = schema.requests
            have = {(r[0], r[1]) for r in conn.execute(
                sa.select(t.c.jurisdiction, t.c.document).where(t.c.campaign == name))}
            for (jid, document), files in grouped.items():
                if (jid, document) in have:
                    continue
                j = dataset.get(jid)
                if j is None:
                    raise TrackError(f"the manifest names '{jid}', which is not in the data", path=str(manifest))
                request = self._add(conn, document, j, None, None, None, None, made_on, None, name)
                for row in files:
                    self.add_file(request.id, Path(row["path"]).name, None, role="generated",
                                  path=str((root / row["path"]).resolve()), sha256=row["sha256"],
                                  size=int(row["bytes"] or 0), conn=conn)
                added.append(request)
        return added


def state_facts(code: str, data: Optional[str] = None) -> Mapping[str, Any]:
    """A state's facts (its records law) from the data, through the public API."""
    import toolkit

    return toolkit.load_jurisdictions(data).states.get(code) or {}


def check_via(via: Optional[str]) -> None:
    if via is not None and via not in VIA:
        raise TrackError(f"unknown way of sending '{via}'; choose one of: {', '.join(VIA)}", field="via")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite takes the write lock when a transaction begins (so a check and
    the write it allows are never split by another process) and waits up to 60 s for it."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):  # pragma: no cover - trivial
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # pragma: no cover - trivial
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    try:
        return sa.create_engine(url, pool_pre_ping=True)
    except (ImportError, sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
        raise TrackError(f"cannot use the database URL ({exc}); for PostgreSQL install 'toolkit[postgres]'",
                         field="db") from None


def _version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table("meta"):
        return 0
    row = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def check_version(engine: Engine) -> int:
    with engine.connect() as conn:
        version = _version(conn)
    if version > schema.VERSION:
        raise TrackError(f"this log was written by a newer toolkit (schema version {version}; this one knows"
                         f" {schema.VERSION}); upgrade toolkit to open it", field="db")
    return version


def migrate(engine: Engine, target: Optional[int] = None) -> int:
    """Bring the log's schema to ``target`` (default: the newest), one transaction for all steps; two
    processes opening a new log at once do not both migrate it. Returns the version reached."""
    target = schema.VERSION if target is None else target
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(742081)"))
            version = _version(conn)
            if version > schema.VERSION:
                raise TrackError(f"this log was written by a newer toolkit (schema version {version}; this one"
                                 f" knows {schema.VERSION}); upgrade toolkit to open it", field="db")
            for step in range(version, target):
                schema.MIGRATIONS[step](conn)
                if step == 0:
                    conn.execute(sa.insert(schema.meta).values(key="schema_version", value="1"))
                else:
                    conn.execute(sa.update(schema.meta).where(schema.meta.c.key == "schema_version")
                                 .values(value=str(step + 1)))
            return max(version, target)
    except sa.exc.OperationalError as exc:
        raise TrackError(f"cannot open the log ({exc.orig})", field="db") from None


__all__ = ["Log", "Request", "NEXT", "STATUSES", "default_location", "database_url", "migrate"]


def iter_open(log: Log) -> Iterator[Request]:
    """Requests with a deadline or a remedy's time still running."""
    for request in log.requests(status=WAITING + ADVERSE + ("appealed",)):
        yield request
