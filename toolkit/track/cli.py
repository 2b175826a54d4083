"""The commands after sending: ``toolkit track ...``, ``follow-up``, ``appeal``, ``calendar`` and
``export``. SQLAlchemy is imported only when one of them runs, so other commands do not pay for it."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Dict, Optional, Tuple

import click

DB_HELP = "The request log: a SQLite file or a database URL (default: TOOLKIT_DB, else the user data folder)."


# One place turns library errors into command-line lines (with their flags): toolkit.cli, which
# imports this module only after defining them.
from ..cli import run as _run  # noqa: E402


def _open(ctx: click.Context, db: Optional[str], data: Optional[str] = None):
    from .log import Log

    return _run(ctx, Log, db, data=data)


def _date(value: Optional[str], flag: str) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date written YYYY-MM-DD", param_hint=flag) from None


def _sets(values: Tuple[str, ...]) -> Dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"'{item}' is not key=value", param_hint="--set")
        out[key.strip()] = value
    return out


def _formats(value: str) -> Tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    if not formats or any(f not in ("docx", "pdf") for f in formats):
        raise click.BadParameter(f"choose docx, pdf or docx,pdf (not '{value}')", param_hint="--format")
    return formats


def db_option(fn):
    return click.option("--db", envvar="TOOLKIT_DB", metavar="FILE|URL", help=DB_HELP)(fn)


def _table(requests, today: dt.date) -> None:
    if not requests:
        click.echo("no requests", err=True)
        return
    rows = [("#", "ref", "jurisdiction", "st", "document", "status", "sent", "deadline", "days left")]
    for r in requests:
        left = r.days_left(today)
        windows = [w for _, w in r.windows() if w is not None]
        if left is None and windows:
            first = min(w.date for w in windows)
            deadline, left_text = first.isoformat(), f"{(first - today).days} to appeal"
        else:
            deadline = r.deadline.isoformat() if r.deadline else "-"
            left_text = "-" if left is None else (f"{-left} OVERDUE" if left < 0 else str(left))
        rows.append((str(r.id), r.agency_ref or "-", r.jurisdiction, r.state, r.document, r.status,
                     r.sent_on.isoformat() if r.sent_on else "-", deadline, left_text))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def register(main: click.Group) -> None:
    """Add the commands to the ``toolkit`` group."""

    @main.group("track")
    def track() -> None:
        """Keep a log of the requests sent: deadlines, what came back, the files of the record.

        Example: toolkit track add foia --county santa-clara --sent 2026-11-02 --via portal --ref 2026-ICFO-12345
        """

    @track.command("add")
    @click.argument("document")
    @click.option("--county", metavar="NAME")
    @click.option("--city", metavar="NAME")
    @click.option("--jurisdiction", "jurisdiction_id", metavar="ID")
    @click.option("--state", metavar="XX", help="Two-letter state code, to settle a name several states share.")
    @click.option("--sent", metavar="YYYY-MM-DD", help="The day it was sent (leave out to record a draft).")
    @click.option("--received", metavar="YYYY-MM-DD", help="The day the agency received it (default: the day sent).")
    @click.option("--via", type=click.Choice(["email", "portal", "mail"]))
    @click.option("--ref", "agency_ref", metavar="NUMBER", help="The agency's reference number.")
    @click.option("--date", metavar="YYYY-MM-DD", help="The document's date (default: the day sent).")
    @click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="The fields the document was made with.")
    @click.option("--data", type=click.Path(dir_okay=False))
    @db_option
    @click.pass_context
    def add(ctx, document, county, city, jurisdiction_id, state, sent, received, via, agency_ref, date, sets, data, db):
        """Record a document as sent, with the deadline the law gives the agency to answer; the
        document itself (DOCX and PDF, as made on its date) is kept in the log."""
        import toolkit

        given = [(k, v) for k, v in (("county", county), ("city", city), (None, jurisdiction_id)) if v]
        if len(given) != 1:
            raise click.UsageError("name one jurisdiction: --county NAME, --city NAME or --jurisdiction ID")
        if document not in toolkit.DOCUMENTS:
            raise click.BadParameter(f"unknown document '{document}'; choose one of: {', '.join(toolkit.DOCUMENTS)}",
                                     param_hint="DOCUMENT")
        j = _run(ctx, toolkit.find_jurisdiction, given[0][1], kind=given[0][0], state=state, data=data)
        sent_on, made_on = _date(sent, "--sent"), _date(date, "--date")
        fields = _sets(sets)
        day = made_on or sent_on or dt.date.today()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", toolkit.UnverifiedFactWarning)
            payloads = [(fmt, _run(ctx, toolkit.render, document, j, fmt, data=data, date=day, **fields))
                        for fmt in ("docx", "pdf")]
        log = _open(ctx, db)
        request = _run(ctx, log.add, document=document, jurisdiction=j, sent=sent_on, via=via, agency_ref=agency_ref,
                       received=_date(received, "--received"), made_on=day, fields=fields)
        for fmt, payload in payloads:
            log.add_file(request.id, f"{j.id}-{document}.{fmt}", payload, role="generated")
        if request.deadline:
            click.echo(f"request {request.label}: {document} for {j.name}, {request.status}; answer due"
                       f" {request.deadline.isoformat()} ({request.deadline_basis})")
        else:
            click.echo(f"request {request.label}: {document} for {j.name}, {request.status}"
                       + (f"; {request.deadline_basis}" if request.deadline_basis else ""))

    @track.command("list")
    @click.option("--due", is_flag=True, help="Only requests whose answer is still due.")
    @click.option("--overdue", is_flag=True, help="Only requests past their deadline.")
    @click.option("--state", metavar="XX")
    @click.option("--status", "statuses", multiple=True, help="Only this status; repeatable.")
    @click.option("--campaign", metavar="NAME")
    @click.option("--today", metavar="YYYY-MM-DD", help="Count days left from this day (default: today).")
    @db_option
    @click.pass_context
    def list_(ctx, due, overdue, state, statuses, campaign, today, db):
        """Show the requests in a table with the days left (negative: overdue)."""
        from .log import WAITING

        day = _date(today, "--today") or dt.date.today()
        log = _open(ctx, db)
        requests = log.requests(status=statuses, state=state, campaign=campaign)
        if due:
            requests = [r for r in requests if r.status in WAITING and r.deadline and r.deadline >= day]
        if overdue:
            requests = [r for r in requests if r.overdue(day)]
        _table(requests, day)

    @track.command("update")
    @click.argument("ref")
    @click.option("--status", required=True,
                  type=click.Choice(["sent", "acknowledged", "extended", "partial", "denied", "fulfilled", "appealed"]))
    @click.option("--on", "on", required=True, metavar="YYYY-MM-DD", help="The day it happened.")
    @click.option("--note", help="What came back, in a few words.")
    @click.option("--until", metavar="YYYY-MM-DD", help="For an extension: the date the agency named.")
    @click.option("--ref", "agency_ref", metavar="NUMBER", help="Record the agency's reference number.")
    @click.option("--via", type=click.Choice(["email", "portal", "mail"]), help="For 'sent': how it was sent.")
    @click.option("--data", type=click.Path(dir_okay=False), help="For 'sent': the data file whose state law counts.")
    @db_option
    @click.pass_context
    def update(ctx, ref, status, on, note, until, agency_ref, via, data, db):
        """Record what came back for request REF (its number, e.g. 3, or the agency's reference)."""
        log = _open(ctx, db, data)
        request = _run(ctx, log.update, ref, status=status, on=_date(on, "--on"), note=note,
                       until=_date(until, "--until"), agency_ref=agency_ref, via=via)
        last = request.events[-1]
        moved = ""
        if last["deadline_after"] != last["deadline_before"] and last["deadline_after"]:
            moved = f"; deadline {last['deadline_after'].isoformat()}"
        click.echo(f"request {request.label}: {request.status} on {last['on'].isoformat()}{moved}"
                   + (f" ({last['note']})" if last["note"] else ""))
        for remedy, window in request.windows():
            when = window.date.isoformat() if window else "no time limit in toolkit's data"
            click.echo(f"  remedy: {remedy.name}, {remedy.citation}: by {when}")
        if request.status in ("partial", "denied") and not request.remedies.known:
            from .remedies import unknown_remedy_message

            click.echo(f"  remedy: {unknown_remedy_message(request.state)}", err=True)

    @track.command("attach")
    @click.argument("ref")
    @click.argument("file", type=click.Path(dir_okay=False))
    @db_option
    @click.pass_context
    def attach(ctx, ref, file, db):
        """Keep a document received for request REF (a letter, records) in the log."""
        log = _open(ctx, db)
        request = _run(ctx, log.attach, ref, file)
        click.echo(f"request {request.label}: attached {file}")

    @track.command("import")
    @click.argument("folder", type=click.Path(file_okay=False))
    @click.option("--campaign", metavar="NAME", help="The campaign's name (default: the folder's name).")
    @click.option("--date", metavar="YYYY-MM-DD", help="The documents' date (the --date the campaign used).")
    @click.option("--data", type=click.Path(dir_okay=False))
    @db_option
    @click.pass_context
    def import_(ctx, folder, campaign, date, data, db):
        """Record every document a 'toolkit bulk' campaign made as a draft (from its manifest.csv)."""
        log = _open(ctx, db)
        added = _run(ctx, log.import_campaign, folder, campaign=campaign, data=data, made_on=_date(date, "--date"))
        click.echo(f"{len(added)} drafts recorded")

    @track.command("send")
    @click.argument("refs", nargs=-1)
    @click.option("--on", "on", required=True, metavar="YYYY-MM-DD")
    @click.option("--via", type=click.Choice(["email", "portal", "mail"]))
    @click.option("--campaign", metavar="NAME", help="Every draft of this campaign.")
    @click.option("--state", metavar="XX")
    @click.option("--document", metavar="KIND")
    @click.option("--data", type=click.Path(dir_okay=False), help="The data file whose state law counts.")
    @db_option
    @click.pass_context
    def send(ctx, refs, on, via, campaign, state, document, data, db):
        """Mark drafts sent, in one step: those named, or every draft of --campaign (and --state, --document)."""
        if not refs and not campaign:
            raise click.UsageError("name the drafts (REF ...) or give --campaign NAME")
        log = _open(ctx, db, data)
        sent = _run(ctx, log.mark_sent, refs, on=_date(on, "--on"), via=via, campaign=campaign, state=state,
                    document=document)
        click.echo(f"{len(sent)} requests marked sent on {on}")

    @track.command("show")
    @click.argument("ref")
    @db_option
    @click.pass_context
    def show(ctx, ref, db):
        """Show one request: its events and files."""
        log = _open(ctx, db)
        r = _run(ctx, log.get, ref)
        click.echo(f"request {r.label}: {r.document} for {r.jurisdiction_name} ({r.state}), {r.status}")
        if r.deadline:
            click.echo(f"deadline {r.deadline.isoformat()}: {r.deadline_basis}")
        for e in r.events:
            click.echo(f"  {e['on'].isoformat()}  {e['status']}" + (f"  {e['note']}" if e["note"] else ""))
        for f in log.files(r.id):
            click.echo(f"  file ({f['role']}): {f['name']} {f['size']} bytes")

    def letter_command(kind: str, summary: str):
        @main.command(kind, help=summary)
        @click.argument("ref")
        @click.option("--format", "formats", default="docx,pdf", show_default=True, metavar="docx|pdf|docx,pdf")
        @click.option("--out", default=".", show_default=True, type=click.Path(file_okay=False))
        @click.option("--date", metavar="YYYY-MM-DD", help="Date of the letter (default: today).")
        @click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Fill in a field (e.g. signer=...).")
        @click.option("--data", type=click.Path(dir_okay=False))
        @click.option("--templates", type=click.Path(file_okay=False))
        @db_option
        @click.pass_context
        def command(ctx, ref, formats, out, date, sets, data, templates, db, remedy=None):
            from .letters import write_letter

            log = _open(ctx, db)
            paths, cautions = _run(ctx, write_letter, log, ref, kind, out=out, formats=_formats(formats),
                                   date=_date(date, "--date"), remedy=remedy, data=data, templates=templates,
                                   **_sets(sets))
            for path in paths:
                click.echo(str(path))
            for caution in cautions:
                click.echo(caution, err=True)

        return command

    letter_command("follow-up", "Write a status letter for request REF: it cites the request, its date and the"
                                " statute's deadline, and says that deadline has passed.")
    appeal = letter_command("appeal", "Write the appeal of request REF's denial under the remedy the law gives:"
                                      " for the federal FOIA, an appeal under 6 C.F.R. 5.8 marked 'Freedom of"
                                      " Information Act Appeal'; for a state request, that state's remedy.")
    click.option("--remedy", metavar="ID", help="Which of the law's remedies (default: the first; see the data).")(appeal)

    @main.command("calendar")
    @click.option("--out", default="deadlines.ics", show_default=True, type=click.Path(dir_okay=False))
    @db_option
    @click.pass_context
    def calendar_command(ctx, out, db):
        """Write an iCalendar file of every open deadline and appeal window in the log."""
        from pathlib import Path

        from ..output import atomic_write
        from .ical import calendar_bytes

        log = _open(ctx, db)
        target = Path(out)
        path = _run(ctx, atomic_write, target.parent, target.name, calendar_bytes(log))
        click.echo(str(path))

    @main.command("export")
    @click.argument("ref", required=False)
    @click.option("--all", "everything", is_flag=True, help="Every request in the log.")
    @click.option("--out", type=click.Path(dir_okay=False), help="The zip to write (default: record-REF.zip or record.zip).")
    @db_option
    @click.pass_context
    def export_command(ctx, ref, everything, out, db):
        """Write one zip of request REF (or --all): every document generated and received, the log as CSV
        and a deadline sheet."""
        from .export import export

        if bool(ref) == bool(everything):
            raise click.UsageError("give one request (REF) or --all")
        log = _open(ctx, db)
        name = out or (f"record-{ref.lstrip('#')}.zip" if ref else "record.zip")
        path = _run(ctx, export, log, name, ref)
        click.echo(str(path))
