"""The ``toolkit`` command: a thin layer over the public API (parse, call, print, exit codes).

It imports only what ``toolkit`` exports. :func:`explain` is the one place where a library error
becomes a command-line message: the library speaks of data, fields and files, and this says which
flag (``--set``, ``--data``, ``--state`` ...) to use; :func:`run` turns it into exit code 1.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import sys
import textwrap
import threading
from typing import Dict, Optional, Tuple

import click

import toolkit
from toolkit import DOCUMENTS, FIELDS, DataError, NotApplicable, ToolkitError, UnknownJurisdiction

FORMATS = ("docx", "pdf")
#: exit codes: a ToolkitError, a usage error (click's own), Ctrl-C
EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130

#: the flag that gives each input of a library call
FLAGS = {"data": "--data FILE", "templates": "--templates DIR", "out": "--out DIR", "date": "--date YYYY-MM-DD",
         "format": "--format docx|pdf", "document": "the command name"}


def _set_key(exc: ToolkitError) -> Optional[str]:
    """The ``--set`` key an error is about, if it is about a field one can give."""
    field = exc.field or ""
    if field.startswith("fields."):
        field = field[len("fields."):]
    if field in FIELDS and (exc.input == "fields" or isinstance(exc, DataError)):
        return field
    return None


def explain(exc: ToolkitError) -> str:
    """A library error as one line for the command line, with the flag that settles it."""
    hint = exc.hint
    if isinstance(exc, UnknownJurisdiction):
        if exc.candidates:
            if len(exc.states) > 1:
                hint = f"add --state, e.g. --state {exc.states[0]}"
            elif len(exc.kinds) > 1:
                hint = "say which with --county NAME or --city NAME, or give one of the ids"
            else:
                hint = "give one of the ids"
        elif not exc.suggestions:
            hint = "run 'toolkit list' to see the ids"
    elif _set_key(exc):
        key = _set_key(exc)
        hint = (f"{hint}; " if hint else "") + f"on the command line: --set {key}=VALUE"
    elif exc.input in FLAGS and exc.input not in ("document",) and not isinstance(exc, NotApplicable):
        # a document refused by design (state law, the program's dates) is not settled by a flag
        hint = (f"{hint}; " if hint else "") + f"see {FLAGS[exc.input]}"
    text = exc.describe(hint)
    if isinstance(exc, DataError) and exc.more:
        text += "; 'toolkit check' lists them all"
    return text


class Abort(click.ClickException):
    """A ToolkitError shown as one line."""

    exit_code = EXIT_ERROR

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.message}", err=True)


def run(ctx: click.Context, fn, *args, **kwargs):
    """Call the library; turn a ToolkitError into one clear line (a traceback only with --debug)."""
    try:
        return fn(*args, **kwargs)
    except ToolkitError as exc:
        if ctx.find_root().params.get("debug"):
            raise
        raise Abort(explain(exc)) from None


def parse_sets(values: Tuple[str, ...]) -> Dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"'{item}' is not key=value (e.g. --set signer=\"Jane Doe\")", param_hint="--set")
        if key.strip() in out:
            raise click.BadParameter(f"'{key.strip()}' is given twice; give each field once", param_hint="--set")
        out[key.strip()] = value
    return out


def parse_formats(value: str) -> Tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise click.BadParameter(f"choose docx, pdf or docx,pdf (not '{value}')", param_hint="--format")
    return formats


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(toolkit.__version__, "--version", prog_name="toolkit")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
def main(debug: bool) -> None:
    """Make the documents a county or city needs to opt out of Secure Communities: the opt-out
    letter, a resolution, a federal FOIA request and a state records request, as DOCX and PDF.

    Start with:  toolkit letter santa-clara
    """


def selector_options(fn):
    for option in reversed([
        click.argument("place", required=False),
        click.option("--county", metavar="NAME", help="County by id or name, e.g. santa-clara or 'Santa Clara County, CA'."),
        click.option("--city", metavar="NAME", help="City by id or name, e.g. baltimore."),
        click.option("--jurisdiction", "jurisdiction_id", metavar="ID", help="Any jurisdiction by id (see 'toolkit list')."),
        click.option("--state", metavar="XX", help="Two-letter state code, to settle a name several states share."),
        click.option("--data", type=click.Path(dir_okay=False), help="Use this YAML data file instead of the bundled one."),
    ]):
        fn = option(fn)
    return fn


def pick(ctx, tk: "toolkit.Toolkit", place, county, city, jurisdiction_id, state):
    given = [(k, v) for k, v in (("county", county), ("city", city), (None, jurisdiction_id), (None, place)) if v]
    if len(given) != 1:
        raise click.UsageError("name one place: toolkit COMMAND NAME (an id, a name, 'Name, ST' or a FIPS code),"
                               " or --county NAME, --city NAME or --jurisdiction ID")
    kind, query = given[0]
    return run(ctx, tk.find_jurisdiction, query, kind=kind, state=state)


def preload_pdf() -> threading.Thread:
    """Start importing WeasyPrint in a daemon thread, to overlap it with loading the data and
    making the DOCX: about a quarter of the import waits on subprocesses (``ctypes.util.find_library``
    probing for its C libraries, the GIL released), so on two cores the work runs alongside. Only
    the command does this: it owns its process, a library must not start threads in its user's.
    The thread then lays out a one-word page, so that what every first PDF of a process pays once
    (fontconfig's font cache, Pango's font map, cffi's C types; much of it in C, the GIL released)
    is done while the main thread still composes. An import error is dropped here; the render
    imports WeasyPrint again in the main thread (the import lock makes it wait for this thread),
    which raises it as it would have."""
    from .render import pdf  # noqa: F401 (before the thread: the threads then import no module in common)

    def work() -> None:
        try:
            import weasyprint

            weasyprint.HTML(string="<p style='font-family: Liberation Serif'>x</p>").write_pdf()  # its own fonts
        except BaseException:  # noqa: B036 (surfaces again in the main thread)
            pass

    thread = threading.Thread(target=work, name="toolkit-preload-weasyprint", daemon=True)
    thread.start()
    return thread


def _lower_first(text: str) -> str:
    """"Federal FOIA request" -> "federal FOIA request" (acronyms stay capitals)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def document_command(name: str):
    kind = DOCUMENTS[name]

    @main.command(name, help=f"Write the {_lower_first(kind.title)}: {kind.summary}.\n\n"
                             f"PLACE is an id, a name ('Santa Clara County, CA'), or a 5-digit FIPS code.\n\n"
                             f"Example: toolkit {name} santa-clara --set signer=\"Jane Doe\"")
    @selector_options
    @click.option("--format", "formats", default="docx,pdf", show_default=True, metavar="docx|pdf|docx,pdf",
                  help="Which formats to write.")
    @click.option("--out", default=".", show_default=True, type=click.Path(file_okay=False), help="Folder to write into.")
    @click.option("--date", metavar="YYYY-MM-DD", help="Date of the document (default: today).")
    @click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                  help="Fill in a field, e.g. signer=\"Jane Doe\"; repeatable. Keys: " + ", ".join(FIELDS) + ".")
    @click.option("--templates", type=click.Path(file_okay=False), help="Folder of your own templates (override ours by name).")
    @click.pass_context
    def command(ctx, place, county, city, jurisdiction_id, state, data, formats, out, date, sets, templates):
        chosen = parse_formats(formats)
        if "pdf" in chosen:
            preload_pdf()
        tk = toolkit.Toolkit(data=data, templates=templates)
        j = pick(ctx, tk, place, county, city, jurisdiction_id, state)
        doc = run(ctx, tk.compose, name, j, date=date, **parse_sets(sets))
        for path in run(ctx, doc.write, out, chosen):
            click.echo(str(path))
        for caution in doc.cautions:
            click.echo(f"before sending: {caution}", err=True)

    return command


for _name in DOCUMENTS:
    document_command(_name)


@main.command("bulk")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for the campaign (created if needed).")
@click.option("--state", "states", multiple=True, metavar="XX", help="Only this state; repeatable.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["county", "city", "state"]), help="Only this kind; repeatable.")
@click.option("--jurisdiction", "ids", multiple=True, metavar="ID", help="Only this id; repeatable.")
@click.option("--from", "from_file", type=click.Path(dir_okay=False, exists=True),
              help="Ids to make, one a line, or a CSV with an 'id' column.")
@click.option("--documents", default=",".join(k for k in DOCUMENTS if DOCUMENTS[k].standalone), show_default=True,
              metavar="LIST",
              help="Comma-separated documents to make.")
@click.option("--format", "formats", default="docx,pdf", show_default=True, metavar="docx|pdf|docx,pdf")
@click.option("--date", metavar="YYYY-MM-DD", help="Date of the documents (default: today).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Fill in a field for every document; repeatable.")
@click.option("--data", type=click.Path(dir_okay=False), help="Use this YAML data file.")
@click.option("--templates", type=click.Path(file_okay=False), help="Folder of your own templates.")
@click.option("--jobs", type=click.IntRange(1, 256), help="Worker processes (default: the number of cores).")
@click.option("--shard", metavar="I/N", help="Make only shard I of N (stable, disjoint parts for several machines).")
@click.option("--zip", "make_zip", is_flag=True, help="Also write campaign.zip of the outputs.")
@click.option("--force", is_flag=True, help="Redo every file, even unchanged ones.")
@click.pass_context
def bulk_command(ctx, out, states, kinds, ids, from_file, documents, formats, date, sets, data, templates, jobs,
                 shard, make_zip, force):
    """Make every document for many jurisdictions, with manifest.csv; reruns skip unchanged files.

    Example: toolkit bulk --out campaign --state VA --state MD --zip
    """
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="place", file=sys.stderr)
        bar.n = done
        bar.refresh()

    documents_list = [d.strip() for d in documents.split(",") if d.strip()]
    formats_list = parse_formats(formats)
    if "pdf" in formats_list and not toolkit.fast_pdf():
        click.echo("note: the HarfBuzz-subset library is missing, so each PDF takes about 3x longer;"
                   " install it (Debian/Ubuntu: apt-get install libharfbuzz-subset0)", err=True)
    try:
        result = run(ctx, toolkit.bulk, out, states=states, kinds=kinds, ids=ids, from_file=from_file,
                     documents=documents_list, formats=formats_list, date=date, fields=parse_sets(sets),
                     data=data, templates=templates, jobs=jobs, shard=shard, make_zip=make_zip, force=force,
                     progress=progress)
    except KeyboardInterrupt as exc:
        if bar is not None:
            bar.close()
        from .campaign import Terminated

        click.echo(f"interrupted: {exc}; run the same command again to resume", err=True)
        ctx.exit(143 if isinstance(exc, Terminated) else EXIT_INTERRUPTED)
    if bar is not None:
        bar.close()
    click.echo(result.summary())
    refused: Dict[str, list] = {}
    for row in result.rows:
        if row["status"] == "failed":
            click.echo(f"failed: {row['jurisdiction']} {row['document']} {row['format']}: {row['error']}", err=True)
        elif row["status"] == "refused":
            refused.setdefault(row["document"], []).append(row)
    for document, rows in refused.items():  # one line a document: the same law refuses it everywhere in a state
        places = sorted({r["jurisdiction"] for r in rows})
        click.echo(f"refused: {document} for {len(places)} place{'s' if len(places) != 1 else ''}"
                   f" ({', '.join(places[:3])}{', ...' if len(places) > 3 else ''}): {rows[0]['error']}"
                   f"{'; each reason is in manifest.csv' if len(places) > 1 else ''}", err=True)
    if not result.ok:
        ctx.exit(EXIT_ERROR)


@main.command("list")
@click.option("--state", metavar="XX", help="Only this state.")
@click.option("--kind", type=click.Choice(["county", "city", "state"]), help="Only this kind.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--data", type=click.Path(dir_okay=False), help="Use this YAML data file.")
@click.pass_context
def list_command(ctx, state, kind, fmt, data):
    """List the jurisdictions: id, name, state, kind, FIPS code."""
    dataset = run(ctx, toolkit.load_jurisdictions, data)
    rows = [
        {"id": j.id, "name": j.name, "state": j.state_code, "kind": j.kind, "fips": j.fips or ""}
        for j in dataset
        if (not state or j.state_code == state.upper()) and (not kind or j.kind == kind)
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["id", "name", "state", "kind", "fips"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        width = max([len(r["id"]) for r in rows] + [2])
        for r in rows:
            click.echo(f"{r['id']:<{width}}  {r['state']}  {r['kind']:<6}  {r['fips']:<5}  {r['name']}")
        click.echo(f"{len(rows)} jurisdictions", err=True)


@main.command("show")
@click.argument("jurisdiction_id")
@click.option("--state", metavar="XX", help="Two-letter state code, to settle a name several states share.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("--data", type=click.Path(dir_okay=False), help="Use this YAML data file.")
@click.pass_context
def show_command(ctx, jurisdiction_id, state, fmt, data):
    """Show one jurisdiction's merged record, with the state facts it inherits and their sources."""
    j = run(ctx, toolkit.find_jurisdiction, jurisdiction_id, state=state, data=data)
    record = _facts(j.merged())
    if fmt == "json":
        click.echo(json.dumps(record, indent=2, ensure_ascii=False, default=str))
    else:
        import yaml

        click.echo(yaml.safe_dump(_plain(record), allow_unicode=True, sort_keys=False, width=100), nl=False)


def _facts(value):
    """The record without the editors' working ``notes:`` (facts and their sources stay)."""
    if isinstance(value, dict):
        return {k: _facts(v) for k, v in value.items() if k != "notes"}
    if isinstance(value, list):
        return [_facts(v) for v in value]
    return value


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@main.command("check")
@click.option("--data", type=click.Path(dir_okay=False), help="The YAML data file to check (default: the bundled one).")
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Also list facts marked 'verified: false'.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on any fact marked 'verified: false' too.")
@click.pass_context
def check_command(ctx, data, warnings, strict):
    """Check a data file: schema, types, ranges, dates, ids, duplicate ids, facts without a source,
    and every document composed for its places. Lists every problem with its file:line; exits 1
    if there is any error (with --strict, also if any fact is unverified)."""
    from .checking import check

    report = run(ctx, check, data)
    for p in report.problems:
        warning = p.severity == "warning"
        if not warning or warnings or strict:
            click.echo(f"{'warning' if warning and not strict else 'error'}: {p}", err=not warning or strict)
    errors, unverified = len(report.errors), len(report.unverified)
    composed = f"; {report.documents} documents composed for {report.places} places" if report.places else ""
    if errors or (strict and unverified):
        click.echo(f"{report.path}: {errors} problem(s) to fix, {unverified} fact(s) marked unverified{composed}",
                   err=True)
        ctx.exit(EXIT_ERROR)
    click.echo(f"{report.path}: OK ({unverified} fact(s) marked unverified{composed})")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this computer (127.0.0.1) also needs --allow-remote.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--allow-remote", is_flag=True, help="Allow --host to be an address other computers reach (e.g. 0.0.0.0).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Another name this server is reached by (checked against the Host header); repeatable.")
@click.option("--data", type=click.Path(dir_okay=False, exists=True), help="Use this YAML data file.")
def serve_command(host, port, allow_remote, allowed_hosts, data):
    """Start the web interview on this computer: choose a document and a place, answer a few
    questions, download DOCX or PDF. In English and Spanish.

    Example: toolkit serve   (then open the address it prints)
    """
    try:
        from . import web  # Flask and friends are imported only for this command
    except ImportError as exc:
        raise click.ClickException(f"the web interview needs the 'web' extra ({exc.name} is missing):"
                                   " python3 -m pip install 'toolkit[web]'") from None
    if not web.is_loopback(host) and not allow_remote:
        raise click.UsageError(f"--host {host} lets other computers reach the interview; add --allow-remote"
                               " if that is what you want")
    if data:
        import toolkit

        try:  # a broken file is one clear line now, not an error page later
            toolkit.load_jurisdictions(data)
        except toolkit.ToolkitError as exc:
            raise click.ClickException(str(exc)) from None

    def ready(address: str) -> None:
        if not web.is_loopback(host):
            listening = address.rsplit(":", 1)[1].rstrip("/")
            click.echo(f"warning: listening on {host}: anyone who can reach this computer on port {listening} can use"
                       " the interview (there is no login); stop it with Ctrl-C when you are done", err=True)
        click.echo(f"toolkit: the interview is at {address}  (open it in your browser; Ctrl-C stops it)")

    try:
        web.serve(host, port, data=data, extra_hosts=allowed_hosts, ready=ready)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port") from None
    except KeyboardInterrupt:
        pass
    click.echo("toolkit: stopped", err=True)




# After sending: the request log and its letters (toolkit/track; SQLAlchemy is imported only when they run).
from .track.cli import register as _register_track  # noqa: E402

_register_track(main)


@main.command("list-documents")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_documents_command(fmt):
    """List the documents toolkit makes (the catalogue): name, topic, title, what it is, the fields
    --set may give it, and what state law decides about it."""
    rows = []
    for kind in DOCUMENTS.values():
        rules = [f"{'refused' if then == 'refuse' else 'made as the lawful alternative'} where state law sets "
                 + ", or ".join(f"{r.rule} to {' or '.join(r.values)}" for r in kind.refuse_when if r.then == then)
                 for then in dict.fromkeys(r.then for r in kind.refuse_when)]
        rows.append({"name": kind.name, "topic": kind.topic, "title": kind.title, "summary": kind.summary,
                     "fields": list(kind.fields), "signer": kind.signer, "state_law": rules,
                     "alternative": kind.alternative or None})
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    topic = None
    for row in rows:
        if row["topic"] != topic:
            topic = row["topic"]
            click.echo(f"{topic}:")
        click.echo(f"  {row['name']:<17} {row['title']}")
        for line in textwrap.wrap(_lower_first(row["summary"]), 88):
            click.echo(f"  {'':<17} {line}")
        for rule in row["state_law"]:
            for line in textwrap.wrap(f"state law: {rule}; {row['alternative']}", 88):
                click.echo(f"  {'':<17} {line}")
        for line in textwrap.wrap(f"--set keys: {', '.join(row['fields']) or '(none)'}", 88):
            click.echo(f"  {'':<17} {line}")


def _command(args) -> Optional[str]:
    """The subcommand ``args`` (the command line after the program) names, if any."""
    for arg in args:
        if arg == "--debug":
            continue
        return None if arg.startswith("-") else arg
    return None


def entry() -> None:
    """``toolkit`` as a program (the console script, ``python -m toolkit``): :func:`main` in a
    process of its own. A document command (``toolkit letter ...``) is short and allocates its data
    once, so it runs with the cyclic garbage collector off (its passes over the loaded data cost
    about 0.08 s) and, once its files are written and its output flushed, ends the process without
    tearing every module and object down (``os._exit``, about 0.1 s saved). Every other command
    (bulk with its worker processes, serve, the request log with its database) exits as usual, and
    so does any exception that is not an exit (``--debug`` tracebacks)."""
    if _command(sys.argv[1:]) not in DOCUMENTS:
        main(prog_name="toolkit")
        return
    gc.disable()
    try:
        main(prog_name="toolkit")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: exit as usual, which reports it
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
