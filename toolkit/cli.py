"""The ``toolkit`` command: a thin layer over the library (parse, call, print, exit codes)."""

from __future__ import annotations

import csv
import io
import json
import sys
import warnings
from typing import Dict, Tuple

import click

from . import __version__, api
from .data.lookup import find
from .documents import DOCUMENTS, FIELDS
from .errors import DataError, ToolkitError, UnverifiedFactWarning
from .render import FORMATS


class Abort(click.ClickException):
    """A ToolkitError shown as one line, exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.message}", err=True)


def run(ctx: click.Context, fn, *args, **kwargs):
    """Call the library; turn a ToolkitError into one clear line (a traceback only with --debug)."""
    try:
        return fn(*args, **kwargs)
    except ToolkitError as exc:
        if ctx.find_root().params.get("debug"):
            raise
        raise Abort(str(exc)) from None


def parse_sets(values: Tuple[str, ...]) -> Dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"'{item}' is not key=value (e.g. --set signer=\"Jane Doe\")", param_hint="--set")
        out[key.strip()] = value
    return out


def parse_formats(value: str) -> Tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise click.BadParameter(f"choose docx, pdf or docx,pdf (not '{value}')", param_hint="--format")
    return formats


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="toolkit")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
def main(debug: bool) -> None:
    """Make the documents a county or city needs to opt out of Secure Communities: the opt-out
    letter, a resolution, a federal FOIA request and a state records request, as DOCX and PDF.

    Start with:  toolkit letter --county santa-clara
    """


def selector_options(fn):
    for option in reversed([
        click.option("--county", metavar="NAME", help="County by id or name, e.g. santa-clara or 'Santa Clara County'."),
        click.option("--city", metavar="NAME", help="City by id or name."),
        click.option("--jurisdiction", "jurisdiction_id", metavar="ID", help="Any jurisdiction by id (see 'toolkit list')."),
        click.option("--state", metavar="XX", help="Two-letter state code, to settle a name several states share."),
        click.option("--data", type=click.Path(dir_okay=False), help="Use this YAML data file instead of the bundled one."),
    ]):
        fn = option(fn)
    return fn


def pick(ctx, county, city, jurisdiction_id, state, data):
    given = [(k, v) for k, v in (("county", county), ("city", city), (None, jurisdiction_id)) if v]
    if len(given) != 1:
        raise click.UsageError("name one jurisdiction: --county NAME, --city NAME or --jurisdiction ID")
    kind, query = given[0]
    dataset = run(ctx, api.load_jurisdictions, data)
    return run(ctx, find, dataset, query, kind=kind, state=state)


def document_command(name: str):
    kind = DOCUMENTS[name]

    @main.command(name, help=f"Write the {kind.title.lower()}: {kind.summary}.\n\n"
                             f"Example: toolkit {name} --county santa-clara --set signer=\"Jane Doe\"")
    @selector_options
    @click.option("--format", "formats", default="docx,pdf", show_default=True, metavar="docx|pdf|docx,pdf",
                  help="Which formats to write.")
    @click.option("--out", default=".", show_default=True, type=click.Path(file_okay=False), help="Folder to write into.")
    @click.option("--date", metavar="YYYY-MM-DD", help="Date of the document (default: today).")
    @click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                  help="Fill in a field, e.g. signer=\"Jane Doe\"; repeatable. Keys: " + ", ".join(FIELDS) + ".")
    @click.option("--templates", type=click.Path(file_okay=False), help="Folder of your own templates (override ours by name).")
    @click.pass_context
    def command(ctx, county, city, jurisdiction_id, state, data, formats, out, date, sets, templates):
        j = pick(ctx, county, city, jurisdiction_id, state, data)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UnverifiedFactWarning)
            paths = run(ctx, api.write, name, j, formats=parse_formats(formats), out=out, data=data, date=date,
                        templates=templates, **parse_sets(sets))
        for path in paths:
            click.echo(str(path))
        for warning in caught:
            click.echo(str(warning.message), err=True)

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
@click.option("--documents", default=",".join(DOCUMENTS), show_default=True, metavar="LIST",
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
    from .campaign import bulk
    from .render.pdf import fast_subsetting

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
    if "pdf" in formats_list and not fast_subsetting():
        click.echo("note: the HarfBuzz-subset library is missing, so each PDF takes about 3x longer;"
                   " install it (Debian/Ubuntu: apt-get install libharfbuzz-subset0)", err=True)
    try:
        result = run(ctx, bulk, out, states=states, kinds=kinds, ids=ids, from_file=from_file,
                     documents=documents_list, formats=formats_list, date=date, fields=parse_sets(sets),
                     data=data, templates=templates, jobs=jobs, shard=shard, make_zip=make_zip, force=force,
                     progress=progress)
    except KeyboardInterrupt as exc:
        if bar is not None:
            bar.close()
        click.echo(f"interrupted: {exc}; run the same command again to resume", err=True)
        ctx.exit(130)
    if bar is not None:
        bar.close()
    click.echo(result.summary())
    for row in result.rows:
        if row["status"] == "failed":
            click.echo(f"failed: {row['jurisdiction']} {row['document']} {row['format']}: {row['error']}", err=True)
    if not result.ok:
        ctx.exit(1)


@main.command("list")
@click.option("--state", metavar="XX", help="Only this state.")
@click.option("--kind", type=click.Choice(["county", "city", "state"]), help="Only this kind.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--data", type=click.Path(dir_okay=False), help="Use this YAML data file.")
@click.pass_context
def list_command(ctx, state, kind, fmt, data):
    """List the jurisdictions: id, name, state, kind, FIPS code."""
    dataset = run(ctx, api.load_jurisdictions, data)
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
    dataset = run(ctx, api.load_jurisdictions, data)
    j = run(ctx, find, dataset, jurisdiction_id, state=state)
    record = j.merged()
    if fmt == "json":
        click.echo(json.dumps(record, indent=2, ensure_ascii=False, default=str))
    else:
        import yaml

        click.echo(yaml.safe_dump(_plain(record), allow_unicode=True, sort_keys=False, width=100), nl=False)


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@main.command("check")
@click.option("--data", type=click.Path(dir_okay=False), help="The YAML data file to check (default: the bundled one).")
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Also list facts marked 'verified: false'.")
@click.pass_context
def check_command(ctx, data, warnings):
    """Check a data file: schema, unknown keys, duplicate ids, facts without a source. Lists every
    problem with its file:line; exits 1 if there is any."""
    try:
        dataset = api.load_jurisdictions(data)
        problems = dataset.problems
    except DataError as exc:
        if ctx.find_root().params.get("debug"):
            raise
        problems = exc.problems
    except ToolkitError as exc:
        raise Abort(str(exc)) from None
    errors = [p for p in problems if p.severity != "warning"]
    for p in problems:
        if p.severity != "warning" or warnings:
            label = "warning" if p.severity == "warning" else "error"
            click.echo(f"{label}: {p}", err=p.severity != "warning")
    shown = data or str(api.DEFAULT_DATA)
    if errors:
        click.echo(f"{shown}: {len(errors)} problem(s) to fix", err=True)
        ctx.exit(1)
    unverified = len(problems) - len(errors)
    click.echo(f"{shown}: OK ({unverified} fact(s) marked unverified)")




# After sending: the request log and its letters (toolkit/track; SQLAlchemy is imported only when they run).
from .track.cli import register as _register_track  # noqa: E402

_register_track(main)

if __name__ == "__main__":  # pragma: no cover
    main()
