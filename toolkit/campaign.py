"""Campaigns: every document for many jurisdictions, in parallel, resumable and reproducible.

Output goes under ``out/<STATE>/<id>/<id>-<document>.<format>`` with ``out/manifest.csv`` listing
every file (jurisdiction, document, format, path, sha256, bytes, status, error, unverified, inputs).
``unverified`` names the facts marked ``verified: false`` that went into the file (check those
before sending). ``inputs`` is a hash of everything a file depends on (the merged record, the
templates, the toolkit version, the date, the fields, the format); a rerun skips a file whose
inputs and bytes are unchanged. Each file is written atomically; a lock keeps two runs out of one folder; Ctrl-C or
SIGTERM stops after writing the manifest of what was done, so the next run picks up there.

A file's path always follows from its jurisdiction, document and format, never from the manifest (an
edited manifest cannot point a rerun or the zip at another file). Any error while making a file,
expected or not, becomes a ``failed`` row; the manifest is always written. Workers exit when their
parent does, even after ``kill -9``.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import datetime as dt
import hashlib
import io
import json
import multiprocessing
import os
import signal
import stat
import sys
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from . import __version__
from .api import _date, load_jurisdictions
from .blocks import Document
from .context import check_fields
from .deadlines import check_date
from .data.dataset import Dataset, Jurisdiction
from .data.schema import KINDS
from .data.yamlsource import printable
from .documents import DOCUMENTS, kind as document_kind, standalone
from .errors import NotApplicable, OutputError, TemplateError, ToolkitError, UnknownJurisdiction
from .output import atomic_write, output_name
from .render import FORMATS, check_formats, compose, search_path, to_format

MANIFEST = "manifest.csv"
LOCK = ".toolkit-bulk.lock"
#: A campaign hashes every file under the templates folders (an included file counts); beyond these,
#: the folder is not a templates folder (say, a home folder given by mistake).
MAX_TEMPLATE_FILES = 2_000
MAX_TEMPLATE_BYTES = 100 * 1024 * 1024
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
        refused = self.count("refused")
        refused_text = f", {refused} refused by state law or the program's dates" if refused else ""
        return (f"{self.count('written')} written, {self.count('skipped')} skipped, {self.count('failed')} failed"
                f"{refused_text} ({files} files in {self.seconds:.1f} s, {rate:.1f}/s){check} -> {self.out / MANIFEST}")


def parse_shard(text: "None | str | Tuple[int, int]") -> Optional[Tuple[int, int]]:
    """``"2/4"`` or ``(2, 4)`` -> ``(2, 4)``: the second of four shards."""
    if text is None or text == "":
        return None
    if isinstance(text, str):
        try:
            index, total = (int(part) for part in text.split("/"))
        except ValueError:
            raise ToolkitError(f"shard must look like 1/4 (the first of four), not '{text}'") from None
    elif isinstance(text, (tuple, list)) and len(text) == 2 and all(
            isinstance(n, int) and not isinstance(n, bool) for n in text):
        index, total = text
    else:
        raise ToolkitError(f"shard must be text like '1/4' or a pair of whole numbers like (1, 4), not {text!r}")
    if total < 1:
        raise ToolkitError(f"shard {index}/{total}: the second number (how many shards) must be at least 1")
    if not 1 <= index <= total:
        raise ToolkitError(f"shard {index}/{total}: the first number must be between 1 and {total}")
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
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ToolkitError("the id list is not a regular file; give a text or CSV file", path=str(path))
        with open(path, "rb") as handle:
            raw = handle.read(16 * 1024 * 1024 + 1)
        if len(raw) > 16 * 1024 * 1024:
            raise ToolkitError("the id list is over 16 MiB; check it is the right file", path=str(path))
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise ToolkitError(f"cannot read the id list ({exc.strerror})", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ToolkitError(f"the id list is not UTF-8 text (byte {exc.start}); save it as UTF-8", path=str(path)) from None
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and "," in lines[0] and "id" in [c.strip() for c in lines[0].split(",")]:
        ids = [row["id"].strip() for row in csv.DictReader(io.StringIO(text)) if (row.get("id") or "").strip()]
    else:
        ids = [line.strip() for line in lines if not line.strip().startswith("#")]
        ids = ids[1:] if ids[:1] and ids[0].lower() == "id" else ids  # a CSV with only an 'id' column
    if not ids:
        raise ToolkitError("the id list names no jurisdiction (it is empty, or has only a header); add ids, one a"
                           " line or in an 'id' column", path=str(path))
    return ids


def select(dataset: Dataset, *, states: Sequence[str] = (), kinds: Sequence[str] = (), ids: Sequence[str] = (),
           shard: Optional[Tuple[int, int]] = None) -> List[Jurisdiction]:
    """The jurisdictions a campaign covers, sorted by id: those in ``states`` plus those in ``ids``
    (everything when neither is given), then only ``kinds``, then only the shard. Unknown ids are an
    error listing them."""
    missing = [jid for jid in ids if dataset.get(jid) is None]
    if missing:
        shown = ", ".join(printable(m, 40) for m in missing[:10]) + (" …" if len(missing) > 10 else "")
        raise UnknownJurisdiction(f"unknown ids: {shown}; check them with 'toolkit list'", query=missing[0])
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


def templates_digest(templates, out: "Optional[Path]" = None) -> str:
    """A hash of every file under the template search path, subfolders included (a change in an
    included file redoes everything). A campaign's own output (``out``, when it lies inside a
    templates folder or is one) is left out, so writing a campaign never changes the hash."""
    own = os.path.realpath(out) if out is not None else None
    outputs = {MANIFEST, "campaign.zip", LOCK}
    h = hashlib.sha256()
    files = size = 0
    for root in search_path(templates):
        for folder, dirs, names in os.walk(root):
            real = os.path.realpath(folder)
            if own is not None and real == own:
                dirs[:] = [d for d in dirs if not (len(d) == 2 and d.isupper())]  # <STATE>/ output folders
                names = [n for n in names if n not in outputs]
            dirs[:] = sorted(d for d in dirs if own is None or os.path.realpath(os.path.join(folder, d)) != own)
            for name in sorted(names):
                path = os.path.join(folder, name)
                if name.endswith(".part") or not os.path.isfile(path):
                    continue
                h.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape") + b"\0")
                files, size = files + 1, size + os.path.getsize(path)
                if files > MAX_TEMPLATE_FILES or size > MAX_TEMPLATE_BYTES:
                    raise TemplateError(f"the templates folder holds more than {MAX_TEMPLATE_FILES:,} files or"
                                        f" {MAX_TEMPLATE_BYTES // (1024 * 1024)} MiB; give a folder with only your"
                                        " templates", path=root, template=name)
                try:
                    h.update(hashlib.sha256(Path(path).read_bytes()).digest())
                except OSError as exc:
                    raise TemplateError(f"cannot read a file in the templates folder ({exc.strerror})", path=path,
                                        template=name) from None
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


def _die_with_parent() -> None:
    """Make this worker end when its parent does (the campaign's process, or the fork server that
    ends with it), even if it is killed with SIGKILL: the kernel's parent-death signal on Linux,
    and a watchdog thread everywhere."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    parent = os.getppid()
    if parent == 1:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="toolkit-bulk-watchdog", daemon=True).start()


def _init_worker(dataset: Dataset, templates) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C and SIGTERM mean
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    _worker["dataset"] = dataset  # the parent's, so a data file edited during the run changes nothing
    _worker["templates"] = templates


def _prepare(formats: Sequence[str], templates) -> None:
    """Before the workers start: import WeasyPrint and make the PDF setup (stylesheet, font
    configuration) in this process, so that workers forked from it start with both and a small
    campaign does not pay WeasyPrint's start-up (about half a second) once per worker."""
    if "pdf" in formats:
        from .api import default_toolkit

        path = search_path(None if templates is None else os.fspath(templates))
        toolkit = default_toolkit()
        toolkit._env(path)
        toolkit._pdf_setup(path)


def _pool_context() -> Any:
    """Workers are forked where the platform forks (Linux), so they inherit what :func:`_prepare`
    made; elsewhere (macOS, Windows) they start afresh and each makes its own."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return None


def rel_path(j: Jurisdiction, document: str, fmt: str) -> str:
    """Where a file goes under the campaign folder: ``<STATE>/<id>/<id>-<document>.<format>``."""
    return f"{j.state_code}/{j.id}/{output_name(j.id, document, fmt)}"


def _failure(exc: BaseException) -> str:
    if isinstance(exc, ToolkitError):
        return str(exc)
    text = " ".join(str(exc).split())[:300]
    return f"unexpected error ({type(exc).__name__}{': ' + text if text else ''}); run the same document alone" \
           " with 'toolkit --debug' to see where"


def _job(task: Tuple[str, List[Tuple[str, str, str]], str, Dict[str, str], str]) -> List[Dict[str, str]]:
    """Render and write one jurisdiction's files; every error becomes a 'failed' row, never an exception."""
    jid, wanted, date_text, fields, out = task
    dataset: Dataset = _worker["dataset"]  # type: ignore[assignment]
    templates = _worker["templates"]
    j = dataset.get(jid)
    date = dt.date.fromisoformat(date_text)
    rows = []
    composed: Dict[str, Document] = {}
    for document, fmt, key in wanted:
        row = {"jurisdiction": jid, "document": document, "format": fmt, "path": "", "sha256": "", "bytes": "",
               "status": "failed", "error": "", "unverified": "", "inputs": key}
        try:
            if j is None:
                raise ToolkitError("the jurisdiction is no longer in the data", jurisdiction=jid)
            row["path"] = rel_path(j, document, fmt)
            if document not in composed:
                composed[document] = compose(document, j, dataset, date, fields, templates)
            doc = composed[document]
            payload = to_format(doc, fmt, date, templates)
            atomic_write(Path(out) / j.state_code / j.id, output_name(j.id, document, fmt), payload)
            row.update(sha256=hashlib.sha256(payload).hexdigest(), bytes=str(len(payload)), status="written",
                       unverified="; ".join(c.field or c.jurisdiction or "" for c in doc.cautions))
        except KeyboardInterrupt:
            raise
        except NotApplicable as exc:  # by design (state law, the program's dates): not a failure
            row.update(status="refused", error=str(exc))
        except Exception as exc:  # noqa: BLE001 - one place's failure must never stop the campaign
            row["error"] = _failure(exc)
        rows.append(row)
    return rows


# --- parent side -------------------------------------------------------------------------------

class Terminated(KeyboardInterrupt):
    """SIGTERM reached a running campaign: it stops like Ctrl-C, manifest written."""


def read_manifest(out: Path) -> Tuple[Dict[Tuple[str, str, str], Dict[str, str]], List[str]]:
    """The rows of an earlier run and any columns a person added (e.g. 'sent'). A manifest that
    cannot be read (not UTF-8, broken CSV) counts as absent: every file is redone and checked."""
    path = out / MANIFEST
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = [c for c in (reader.fieldnames or []) if c]
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}, []
    extra = [c for c in header if c not in COLUMNS]
    found = {}
    for row in rows:
        row.pop(None, None)  # type: ignore[call-overload]  # values beyond the header
        if all(isinstance(row.get(c), str) for c in ("jurisdiction", "document", "format")):
            found[(row["jurisdiction"], row["document"], row["format"])] = {k: v or "" for k, v in row.items()}
    return found, extra


def write_manifest(out: Path, rows: Iterable[Dict[str, str]], extra: Sequence[str] = ()) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS + list(extra), lineterminator="\n", extrasaction="ignore",
                            restval="")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: (r["path"], r["jurisdiction"], r["document"], r["format"])))
    atomic_write(out, MANIFEST, buffer.getvalue().encode("utf-8"))


def _unchanged(previous: Optional[Dict[str, str]], key: str, path: Path) -> bool:
    """True if the last run wrote this file with the same inputs and it is still intact (``path``
    comes from the jurisdiction, document and format, never from the manifest)."""
    if not previous or previous.get("inputs") != key or previous.get("status") not in ("written", "skipped"):
        return False
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size != int(previous.get("bytes") or -1):
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == previous.get("sha256")
    except (OSError, ValueError):
        return False


def _remove_leftovers(out: Path, chosen: Sequence[Jurisdiction]) -> None:
    """Delete the temporary ``.part`` files a killed run (kill -9, power cut) left behind."""
    folders = [out] + [out / j.state_code / j.id for j in chosen]
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.startswith(".") and name.endswith(".part"):
                try:
                    os.unlink(folder / name)
                except OSError:
                    pass


def write_zip(out: Path, rows: Sequence[Dict[str, str]], date: dt.date) -> Path:
    """``out/campaign.zip`` of every file made, sorted, with fixed timestamps (reproducible)."""
    buffer = io.BytesIO()
    when = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted([r["path"] for r in rows if r["status"] in ("written", "skipped")] + [MANIFEST]):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (out / name).read_bytes())
    return atomic_write(out, "campaign.zip", buffer.getvalue())


def _names(value: object, what: str) -> List[str]:
    """A list of names from a list/tuple of text (a single text is refused: 'VA' is not ['V', 'A'])."""
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
        raise ToolkitError(f"{what} must be a list of text such as ['VA'], not {type(value).__name__} {value!r:.60}")
    bad = [v for v in value if not isinstance(v, str)]
    if bad:
        raise ToolkitError(f"{what} must be a list of text; {bad[0]!r:.60} is not text")
    return list(value)


def bulk(out: "os.PathLike[str] | str", *, states: Sequence[str] = (), kinds: Sequence[str] = (),
         ids: Sequence[str] = (), from_file: "Optional[os.PathLike[str] | str]" = None,
         documents: Sequence[str] = standalone(), formats: Sequence[str] = FORMATS,
         date: "None | str | dt.date" = None, fields: Optional[Mapping[str, str]] = None,
         data: "Optional[os.PathLike[str] | str]" = None, templates: "Optional[os.PathLike[str] | str]" = None,
         jobs: Optional[int] = None, shard: "None | str | Tuple[int, int]" = None, make_zip: bool = False,
         force: bool = False, progress: Optional[Callable[[int, int], None]] = None) -> Result:
    """Make every ``documents`` x ``formats`` file for the selected jurisdictions under ``out``.

    Selection: ``states``, ``kinds``, ``ids`` (and/or ``from_file``), then ``shard`` (``"i/n"``).
    A file that fails for any reason is recorded as ``failed`` and the rest go on; check
    ``Result.ok``. ``progress(done, total)`` is called as jurisdictions finish. Raises
    :class:`OutputError` if another run holds the folder, KeyboardInterrupt after saving the
    manifest on Ctrl-C or SIGTERM.
    """
    from filelock import FileLock, Timeout

    started = time.perf_counter()
    states, kinds, ids = _names(states, "states"), _names(kinds, "kinds"), _names(ids, "ids")
    documents, formats = _names(documents, "documents"), _names(formats, "formats")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or not 1 <= jobs <= 256):
        raise ToolkitError(f"jobs must be a whole number from 1 to 256, not {jobs!r:.40}")
    if fields is not None and not isinstance(fields, Mapping):
        raise ToolkitError(f"fields must be a mapping of field names to text, not {type(fields).__name__}")
    if not documents or not formats:
        raise ToolkitError("name at least one document and one format")
    if not isinstance(out, (str, os.PathLike)):
        raise ToolkitError(f"out must be a folder path, not {type(out).__name__}")
    out = Path(out)
    day = check_date(_date(date))
    checked = check_fields(fields or {})
    for document in documents:
        document_kind(document)
    check_formats(formats)
    the_shard = parse_shard(shard)
    dataset = load_jurisdictions(data)
    unknown = [code for code in states if code.upper() not in dataset.states]
    if unknown:
        raise ToolkitError(f"unknown state '{printable(unknown[0], 20)}'; give two-letter codes such as VA"
                           f" (known: {len(dataset.states)} codes, see 'toolkit list')")
    wrong = [k for k in kinds if k not in KINDS]
    if wrong:
        raise ToolkitError(f"unknown kind '{printable(wrong[0], 20)}'; choose from: {', '.join(KINDS)}")
    wanted_ids = list(ids) + (read_ids(from_file) if from_file is not None else [])
    chosen = select(dataset, states=states, kinds=kinds, ids=wanted_ids, shard=the_shard)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder ({exc.strerror})", path=str(out)) from None
    # The lock file stays: deleting it would let a third run lock a new file while a second still
    # waits on the old one, and two runs would then share the folder.
    lock = FileLock(str(out / LOCK))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise OutputError("another 'toolkit bulk' is writing into this folder; wait for it or choose another output folder",
                          path=str(out), input="out") from None
    except OSError as exc:
        raise OutputError(f"cannot write here ({exc.strerror}); choose another output folder", path=str(out), input="out") from None
    result = Result(out)
    try:
        _remove_leftovers(out, chosen)
        previous, extra = read_manifest(out)
        templates_hash = templates_digest(templates, out) + law_digest()
        done: Dict[Tuple[str, str, str], Dict[str, str]] = {}
        tasks = []
        for j in chosen:
            todo = []
            for document in documents:
                for fmt in formats:
                    key = inputs_key(j, dataset, document, fmt, day, checked, templates_hash)
                    ident = (j.id, document, fmt)
                    if not force and _unchanged(previous.get(ident), key, out / rel_path(j, document, fmt)):
                        done[ident] = {**previous[ident], "path": rel_path(j, document, fmt), "status": "skipped",
                                       "error": ""}
                    else:
                        todo.append((document, fmt, key))
            if todo:
                tasks.append((j.id, todo, day.isoformat(), checked, str(out)))
        # rows of earlier runs for files outside this selection stay, with paths made afresh
        this_run = {(j.id, d, f) for j in chosen for d in documents for f in formats}
        kept = {}
        for ident, row in previous.items():
            owner = dataset.get(ident[0])
            if ident in this_run or owner is None or owner.id != ident[0] or ident[1] not in DOCUMENTS \
                    or ident[2] not in FORMATS:
                continue
            kept[ident] = {**row, "path": rel_path(owner, ident[1], ident[2])}
        total = len(tasks)
        if progress:
            progress(0, total)
        workers = max(1, min(jobs or os.cpu_count() or 1, total or 1))

        def record(task, rows: Optional[List[Dict[str, str]]], exc: Optional[BaseException] = None) -> None:
            if rows is None:  # the worker itself failed (killed, out of memory): every file of the task
                owner = dataset.get(task[0])
                rows = [{"jurisdiction": task[0], "document": d, "format": f,
                         "path": rel_path(owner, d, f) if owner is not None else "", "sha256": "", "bytes": "",
                         "status": "failed", "error": _failure(exc or RuntimeError("no result")),
                         "unverified": "", "inputs": k} for d, f, k in task[1]]
            for row in rows:
                done[(row["jurisdiction"], row["document"], row["format"])] = row

        previous_term: Any = None
        terminated = installed = False
        if threading.current_thread() is threading.main_thread():  # signal handlers live in the main thread
            def terminate(signum, frame):
                raise Terminated("stopped by SIGTERM")

            previous_term, installed = signal.signal(signal.SIGTERM, terminate), True
        try:
            if workers == 1:  # in this process: Ctrl-C must stay a KeyboardInterrupt here
                _worker["dataset"], _worker["templates"] = dataset, templates
                for n, task in enumerate(tasks, 1):
                    record(task, _job(task))
                    if progress:
                        progress(n, total)
            else:
                _prepare(formats, templates)
                pool = cf.ProcessPoolExecutor(workers, mp_context=_pool_context(), initializer=_init_worker,
                                              initargs=(dataset, templates))
                try:
                    futures = {pool.submit(_job, task): task for task in tasks}
                    for n, future in enumerate(cf.as_completed(futures), 1):
                        try:
                            record(futures[future], future.result())
                        except Exception as exc:  # noqa: BLE001 - a dead worker fails its place only
                            record(futures[future], None, exc)
                        if progress:
                            progress(n, total)
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)
        except KeyboardInterrupt as exc:
            result.interrupted = True
            terminated = isinstance(exc, Terminated)
        finally:
            if installed:
                signal.signal(signal.SIGTERM, previous_term if previous_term is not None else signal.SIG_DFL)
        result.rows = list(done.values())
        write_manifest(out, list(kept.values()) + result.rows, extra)
        if make_zip and not result.interrupted:
            write_zip(out, result.rows, day)
    finally:
        lock.release()
    result.seconds = time.perf_counter() - started
    if result.interrupted:
        raise (Terminated if terminated else KeyboardInterrupt)(result.summary())
    return result
