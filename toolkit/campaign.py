"""Campaigns: every document for many jurisdictions, in parallel, resumable and reproducible.

Output goes under ``out/<STATE>/<id>/<id>-<document>.<format>`` with ``out/manifest.csv`` listing
every file (jurisdiction, document, format, path, sha256, bytes, status, error, unverified, inputs).
``unverified`` names the facts marked ``verified: false`` that went into the file (check those
before sending). ``inputs`` is a hash of everything a file depends on (the merged record, the
templates, the toolkit version, the date, the fields, the format); a rerun skips a file whose
inputs and bytes are unchanged. Each file is written atomically; a lock keeps two runs out of one folder; Ctrl-C stops
after writing the manifest of what was done, so the next run picks up there.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import datetime as dt
import hashlib
import io
import json
import os
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from . import __version__
from .api import _date, load_jurisdictions
from .blocks import Document
from .context import check_fields
from .data.dataset import Dataset, Jurisdiction
from .documents import DOCUMENTS, kind as document_kind
from .errors import OutputError, ToolkitError, UnknownJurisdiction
from .output import atomic_write, output_name
from .render import FORMATS, check_formats, compose, search_path, to_format

MANIFEST = "manifest.csv"
COLUMNS = ["jurisdiction", "document", "format", "path", "sha256", "bytes", "status", "error", "unverified",
           "inputs"]


@dataclass
class Result:
    """What a campaign did: one manifest row per file, and the counts."""

    out: Path
    rows: List[Dict[str, str]] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r["status"] == status)

    @property
    def ok(self) -> bool:
        return not self.interrupted and self.count("failed") == 0

    def summary(self) -> str:
        files = len(self.rows)
        rate = files / self.seconds if self.seconds else 0.0
        unverified = sum(1 for r in self.rows if r.get("unverified"))
        check = f"; {unverified} use facts marked unverified (see the 'unverified' column)" if unverified else ""
        return (f"{self.count('written')} written, {self.count('skipped')} skipped, {self.count('failed')} failed"
                f" ({files} files in {self.seconds:.1f} s, {rate:.1f}/s){check} -> {self.out / MANIFEST}")


def parse_shard(text: Optional[str]) -> Optional[Tuple[int, int]]:
    """``"2/4"`` -> ``(2, 4)``: the second of four shards."""
    if not text:
        return None
    try:
        index, total = (int(part) for part in text.split("/"))
    except ValueError:
        raise ToolkitError(f"--shard must look like 1/4, not '{text}'") from None
    if not 1 <= index <= total:
        raise ToolkitError(f"--shard {text}: the first number must be between 1 and {max(total, 1)}")
    return index, total


def in_shard(jurisdiction_id: str, shard: Optional[Tuple[int, int]]) -> bool:
    """Stable and disjoint: a jurisdiction's shard depends only on its id."""
    if shard is None:
        return True
    index, total = shard
    return zlib.crc32(jurisdiction_id.encode("utf-8")) % total == index - 1


def read_ids(path: "os.PathLike[str] | str") -> List[str]:
    """Ids from a file: one per line, or a CSV with an ``id`` column."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ToolkitError(f"cannot read the id list ({exc.strerror})", path=str(path)) from None
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and "," in lines[0] and "id" in [c.strip() for c in lines[0].split(",")]:
        return [row["id"].strip() for row in csv.DictReader(io.StringIO(text)) if (row.get("id") or "").strip()]
    return [line.strip() for line in lines if not line.startswith("#")]


def select(dataset: Dataset, *, states: Sequence[str] = (), kinds: Sequence[str] = (), ids: Sequence[str] = (),
           shard: Optional[Tuple[int, int]] = None) -> List[Jurisdiction]:
    """The jurisdictions a campaign covers, sorted by id: those in ``states`` plus those in ``ids``
    (everything when neither is given), then only ``kinds``, then only the shard. Unknown ids are an
    error listing them."""
    missing = [jid for jid in ids if dataset.get(jid) is None]
    if missing:
        raise UnknownJurisdiction(f"unknown ids: {', '.join(missing[:10])}{' …' if len(missing) > 10 else ''};"
                                  " check them with 'toolkit list'", query=missing[0])
    wanted_states = {s.upper() for s in states}
    chosen: Dict[str, Jurisdiction] = {}
    for jid in ids:
        found = dataset.get(jid)
        if found is not None:
            chosen[found.id] = found
    for j in dataset:
        if (not ids and not wanted_states) or j.state_code in wanted_states:
            chosen[j.id] = j
    out = [j for j in chosen.values() if (not kinds or j.kind in kinds) and in_shard(j.id, shard)]
    return sorted(out, key=lambda j: j.id)


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def templates_digest(templates) -> str:
    """A hash of every template file in the search path (changing any one redoes everything)."""
    h = hashlib.sha256()
    for root in search_path(templates):
        for name in sorted(os.listdir(root)):
            path = os.path.join(root, name)
            if os.path.isfile(path):
                h.update(name.encode())
                h.update(Path(path).read_bytes())
    return h.hexdigest()


def law_digest() -> str:
    """A hash of the law data documents read (toolkit/law/*.yaml: state laws, calendars, 287(g)
    agreements): a new state law or ICE list redoes the documents it may change."""
    from .law import HERE

    h = hashlib.sha256()
    for path in sorted(HERE.glob("*.yaml")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def inputs_key(j: Jurisdiction, dataset: Dataset, document: str, fmt: str, date: dt.date,
               fields: Mapping[str, str], templates_hash: str) -> str:
    return _digest(j.id, j.record, j.state, dataset.federal, document, fmt, date.isoformat(), dict(fields),
                   templates_hash, __version__)


# --- worker side -------------------------------------------------------------------------------

_worker: Dict[str, object] = {}


def _init_worker(data, templates) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    _worker["dataset"] = load_jurisdictions(data)
    _worker["templates"] = templates


def _job(task: Tuple[str, List[Tuple[str, str, str]], str, Dict[str, str], str]) -> List[Dict[str, str]]:
    """Render and write one jurisdiction's files; errors become 'failed' rows, never exceptions."""
    jid, wanted, date_text, fields, out = task
    dataset: Dataset = _worker["dataset"]  # type: ignore[assignment]
    templates = _worker["templates"]
    j = dataset.get(jid)
    assert j is not None, jid  # the parent selected it from the same data
    date = dt.date.fromisoformat(date_text)
    folder = Path(out) / j.state_code / j.id
    rows = []
    composed: Dict[str, Document] = {}
    for document, fmt, key in wanted:
        rel = f"{j.state_code}/{j.id}/{output_name(j.id, document, fmt)}"
        row = {"jurisdiction": j.id, "document": document, "format": fmt, "path": rel, "sha256": "", "bytes": "",
               "status": "failed", "error": "", "unverified": "", "inputs": key}
        try:
            if document not in composed:
                composed[document] = compose(document, j, dataset, date, fields, templates)
            doc = composed[document]
            payload = to_format(doc, fmt, date, templates)
            atomic_write(folder, output_name(j.id, document, fmt), payload)
            row.update(sha256=hashlib.sha256(payload).hexdigest(), bytes=str(len(payload)), status="written",
                       unverified="; ".join(c.field or c.jurisdiction or "" for c in doc.cautions))
        except ToolkitError as exc:
            row["error"] = str(exc)
        rows.append(row)
    return rows


# --- parent side -------------------------------------------------------------------------------

def read_manifest(out: Path) -> Dict[Tuple[str, str, str], Dict[str, str]]:
    path = out / MANIFEST
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as handle:
        return {(r["jurisdiction"], r["document"], r["format"]): r for r in csv.DictReader(handle)}


def write_manifest(out: Path, rows: Iterable[Dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: (r["path"], r["jurisdiction"])))
    atomic_write(out, MANIFEST, buffer.getvalue().encode("utf-8"))


def _unchanged(previous: Optional[Dict[str, str]], key: str, out: Path) -> bool:
    if not previous or previous.get("inputs") != key or previous.get("status") not in ("written", "skipped"):
        return False
    path = out / previous["path"]
    try:
        if path.stat().st_size != int(previous["bytes"]):
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == previous["sha256"]
    except (OSError, ValueError):
        return False


def write_zip(out: Path, rows: Sequence[Dict[str, str]], date: dt.date) -> Path:
    """``out/campaign.zip`` of every file made, sorted, with fixed timestamps (reproducible)."""
    buffer = io.BytesIO()
    when = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted([r["path"] for r in rows if r["status"] != "failed"] + [MANIFEST]):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (out / name).read_bytes())
    return atomic_write(out, "campaign.zip", buffer.getvalue())


def bulk(out: "os.PathLike[str] | str", *, states: Sequence[str] = (), kinds: Sequence[str] = (),
         ids: Sequence[str] = (), from_file: "Optional[os.PathLike[str] | str]" = None,
         documents: Sequence[str] = tuple(DOCUMENTS), formats: Sequence[str] = FORMATS,
         date: "None | str | dt.date" = None, fields: Optional[Mapping[str, str]] = None,
         data: "Optional[os.PathLike[str] | str]" = None, templates: "Optional[os.PathLike[str] | str]" = None,
         jobs: Optional[int] = None, shard: "None | str | Tuple[int, int]" = None, make_zip: bool = False,
         force: bool = False, progress: Optional[Callable[[int, int], None]] = None) -> Result:
    """Make every ``documents`` x ``formats`` file for the selected jurisdictions under ``out``.

    Selection: ``states``, ``kinds``, ``ids`` (and/or ``from_file``), then ``shard`` (``"i/n"``).
    A jurisdiction that fails is recorded as ``failed`` and the rest go on; check ``Result.ok``.
    ``progress(done, total)`` is called as jurisdictions finish. Raises :class:`OutputError` if
    another run holds the folder, KeyboardInterrupt after saving the manifest on Ctrl-C.
    """
    from filelock import FileLock, Timeout

    started = time.perf_counter()
    out = Path(out)
    day = _date(date)
    checked = check_fields(fields or {})
    for document in documents:
        document_kind(document)
    check_formats(formats)
    dataset = load_jurisdictions(data)
    wanted_ids = list(ids) + (read_ids(from_file) if from_file else [])
    chosen = select(dataset, states=states, kinds=kinds, ids=wanted_ids,
                    shard=parse_shard(shard) if isinstance(shard, str) else shard)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder ({exc.strerror})", path=str(out)) from None
    lock = FileLock(str(out / ".toolkit-bulk.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise OutputError("another 'toolkit bulk' is writing into this folder; wait for it or choose another --out",
                          path=str(out)) from None
    except OSError as exc:
        raise OutputError(f"cannot write here ({exc.strerror}); choose another --out", path=str(out)) from None
    result = Result(out)
    try:
        previous = {} if force else read_manifest(out)
        templates_hash = templates_digest(templates) + law_digest()
        done: Dict[Tuple[str, str, str], Dict[str, str]] = {}
        tasks = []
        for j in chosen:
            todo = []
            for document in documents:
                for fmt in formats:
                    key = inputs_key(j, dataset, document, fmt, day, checked, templates_hash)
                    ident = (j.id, document, fmt)
                    if _unchanged(previous.get(ident), key, out):
                        done[ident] = {**previous[ident], "status": "skipped", "error": ""}
                    else:
                        todo.append((document, fmt, key))
            if todo:
                tasks.append((j.id, todo, day.isoformat(), checked, str(out)))
        # rows of earlier runs for files outside this selection stay in the manifest
        redone = {task[0] for task in tasks}
        kept = {k: v for k, v in previous.items() if k not in done and k[0] not in redone}
        total = len(tasks)
        if progress:
            progress(0, total)
        workers = max(1, min(jobs or os.cpu_count() or 1, total or 1))
        try:
            if workers == 1:  # in this process: Ctrl-C must stay a KeyboardInterrupt here
                _worker["dataset"], _worker["templates"] = dataset, templates
                for n, task in enumerate(tasks, 1):
                    for row in _job(task):
                        done[(row["jurisdiction"], row["document"], row["format"])] = row
                    if progress:
                        progress(n, total)
            else:
                with cf.ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(data, templates)) as pool:
                    futures = [pool.submit(_job, task) for task in tasks]
                    try:
                        for n, future in enumerate(cf.as_completed(futures), 1):
                            for row in future.result():
                                done[(row["jurisdiction"], row["document"], row["format"])] = row
                            if progress:
                                progress(n, total)
                    except KeyboardInterrupt:
                        for future in futures:
                            future.cancel()
                        raise
        except KeyboardInterrupt:
            result.interrupted = True
        result.rows = list(done.values())
        write_manifest(out, list(kept.values()) + result.rows)
        if make_zip and not result.interrupted:
            write_zip(out, result.rows, day)
    finally:
        lock.release()
        try:
            os.unlink(out / ".toolkit-bulk.lock")
        except OSError:
            pass
    result.seconds = time.perf_counter() - started
    if result.interrupted:
        raise KeyboardInterrupt(result.summary())
    return result
