"""The request log's tables (SQLAlchemy Core) and its migrations: a small versioned scheme.

The log keeps its schema version in the ``meta`` table. :data:`MIGRATIONS` lists, in order, the
steps that bring a log from one version to the next; :func:`upgrade` runs the missing ones, each in
its own transaction, so a log written by an older toolkit opens in a newer one with nothing lost.
A log written by a newer toolkit than this one is refused rather than guessed at.

Why not Alembic: the log has four tables and is created by the program itself on first use (no
``alembic upgrade`` step a user could forget); a list of functions written with SQLAlchemy Core's
own DDL works the same on SQLite and PostgreSQL, and the tests run every step.
"""

from __future__ import annotations

from typing import Callable, List

import sqlalchemy as sa
from sqlalchemy.engine import Connection

def _meta(md: sa.MetaData) -> sa.Table:
    """key/value facts about the log itself: ``schema_version``."""
    return sa.Table(
        "meta", md,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(255), nullable=False),
    )


def _requests(md: sa.MetaData, version: int) -> sa.Table:
    """One row per document sent (or drafted, in a campaign): what, for whom, when, where it stands."""
    columns: List[sa.Column] = [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("jurisdiction", sa.String(120), nullable=False),
        sa.Column("jurisdiction_name", sa.String(255), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("document", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("via", sa.String(10)),
        sa.Column("agency_ref", sa.String(120)),
        sa.Column("made_on", sa.Date),
        sa.Column("sent_on", sa.Date),
        sa.Column("received_on", sa.Date),
        sa.Column("deadline", sa.Date),
        sa.Column("deadline_basis", sa.Text),
        sa.Column("status_on", sa.Date),
        sa.Column("fields", sa.Text, nullable=False, server_default="{}"),
        sa.Column("created_at", sa.DateTime, nullable=False),
    ]
    if version >= 2:
        columns.append(sa.Column("campaign", sa.String(255)))
    return sa.Table("requests", md, *columns)


def _events(md: sa.MetaData) -> sa.Table:
    """What happened to a request, in order: each status with its date, note and deadline move."""
    return sa.Table(
        "events", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("requests.id"), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("deadline_before", sa.Date),
        sa.Column("deadline_after", sa.Date),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )


def _files(md: sa.MetaData) -> sa.Table:
    """Files that belong to a request: documents generated for it, and documents received."""
    return sa.Table(
        "files", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("requests.id"), nullable=False, index=True),
        sa.Column("role", sa.String(12), nullable=False),  # generated | received
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary),  # the bytes, so a shared log holds its own record
        sa.Column("path", sa.Text),  # or where a campaign's file lies on disk (checked by sha256)
        sa.Column("added_on", sa.DateTime, nullable=False),
    )


#: the current schema, which the code reads and writes
metadata = sa.MetaData()
meta = _meta(metadata)
requests = _requests(metadata, 2)
events = _events(metadata)
files = _files(metadata)


def _v1(conn: Connection) -> None:
    """The first log: meta, requests (without ``campaign``) and events."""
    v1 = sa.MetaData()
    _meta(v1), _requests(v1, 1), _events(v1)
    v1.create_all(conn)


def _v2(conn: Connection) -> None:
    """Campaigns and files: ``requests.campaign`` and the ``files`` table."""
    conn.execute(sa.text("ALTER TABLE requests ADD COLUMN campaign VARCHAR(255)"))
    v2 = sa.MetaData()
    _requests(v2, 1)
    _files(v2).create(conn)


#: MIGRATIONS[i] brings a log from version i to version i + 1
MIGRATIONS: List[Callable[[Connection], None]] = [_v1, _v2]
VERSION = len(MIGRATIONS)
