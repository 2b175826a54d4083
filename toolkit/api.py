"""The library's front door: a :class:`Toolkit` owns loaded data and everything made once (template
environments, DOCX shells, PDF setups); the module-level functions are shortcuts over a default one.

::

    tk = toolkit.Toolkit()                      # or Toolkit(data="mine.yaml", templates="my-templates")
    doc = tk.compose("letter", "santa-clara", date="2026-11-23")
    doc.cautions                                # facts to check before sending
    doc.write("out/")                           # santa-clara-letter.docx and .pdf

A Toolkit changes no process-wide state (no environment variables, no module-level caches) and may
be used from several threads at once. Two Toolkits share nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union

from .blocks import Document
from .context import check_fields
from .data import dataset as _dataset
from .data.dataset import Dataset, Jurisdiction
from .data.lookup import find
from .documents import kind as document_kind
from .errors import DataError, ToolkitError, UnverifiedFactWarning
from .deadlines import check_date
from .output import output_name, write_all
from .render import FORMATS, check_formats, compose_with, search_path, template_file
from .resources import bundled
from .templating import Sandbox, environment

#: The data that ships with toolkit: every US county-equivalent, each state's facts.
DEFAULT_DATA: Path = bundled("jurisdictions.yaml")

PathLike = Union[str, "os.PathLike[str]"]
DateLike = Union[None, str, dt.date]
T = TypeVar("T")


def _date(date: DateLike) -> dt.date:
    if date is None:
        return check_date(dt.date.today())
    if isinstance(date, dt.datetime):
        return check_date(date.date())
    if isinstance(date, dt.date):
        return check_date(date)
    try:
        return check_date(dt.date.fromisoformat(str(date)))
    except ValueError:
        raise ToolkitError(f"date '{date}' is not a date written YYYY-MM-DD", input="date") from None


class Toolkit:
    """Loaded data, template environments, DOCX shells and PDF setups, each made once and kept.

    ``data`` and ``templates`` are the defaults for every call that does not name its own (default:
    the bundled data and templates). Data files are reloaded when they change on disk. Thread-safe:
    the caches are filled under a lock, and each thread gets its own PDF setup (WeasyPrint's font
    configuration is not shared between threads).
    """

    def __init__(self, data: Optional[PathLike] = None, templates: Optional[PathLike] = None) -> None:
        self.data = None if data is None else os.fspath(data)
        self.templates = None if templates is None else os.fspath(templates)
        self._lock = threading.RLock()
        self._datasets: Dict[Tuple[str, int, int], Dataset] = {}
        self._envs: Dict[Tuple[str, ...], Sandbox] = {}
        self._shells: Dict[str, Any] = {}
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"Toolkit(data={self.data!r}, templates={self.templates!r})"

    def __reduce__(self):
        """A copy (or a pickle sent to another process) is a fresh Toolkit with the same settings:
        caches and locks stay with their owner."""
        return (Toolkit, (self.data, self.templates))

    # --- caches ---------------------------------------------------------------------------------

    def _cached(self, cache: Dict[Any, T], key: Any, make: Callable[[], T]) -> T:
        with self._lock:
            if key not in cache:
                cache[key] = make()
            return cache[key]

    def _env(self, path: Tuple[str, ...]) -> Sandbox:
        return self._cached(self._envs, path, lambda: environment(path))

    def _shell(self, path: Tuple[str, ...]):
        from .render.docx import Shell

        file = template_file(path, "shell.docx")
        return self._cached(self._shells, file, lambda: Shell(file))

    def _pdf_setup(self, path: Tuple[str, ...]):
        from .render.pdf import Setup

        setups = getattr(self._local, "pdf", None)
        if setups is None:
            setups = self._local.pdf = {}
        if path not in setups:
            setups[path] = Setup(path, template_file(path, "style.css"))
        return setups[path]

    # --- data -----------------------------------------------------------------------------------

    def load_jurisdictions(self, path: Optional[PathLike] = None) -> Dataset:
        """Load and validate a data file (default: this Toolkit's, else :data:`DEFAULT_DATA`).

        A file of one's own may leave out ``states`` and ``federal``; the bundled facts fill them in.
        Raises :class:`~toolkit.DataError` listing every problem. Kept until the file changes.
        """
        path = os.fspath(path) if path is not None else (self.data or str(DEFAULT_DATA))
        try:
            stat = os.stat(path)
        except OSError:
            raise DataError("no such data file; check its path", path=path) from None
        key = (os.path.realpath(path), stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if key not in self._datasets:
                default = os.path.realpath(str(DEFAULT_DATA))
                base = None if key[0] == default else self.load_jurisdictions(DEFAULT_DATA)
                self._datasets[key] = _dataset.load(path, bundled=base)
            return self._datasets[key]

    def find_jurisdiction(self, query: str, *, kind: Optional[str] = None, state: Optional[str] = None,
                          data: Optional[PathLike] = None) -> Jurisdiction:
        """The jurisdiction ``query`` names: an id, a name in any case ("Santa Clara County"), a name
        with its state ("santa clara, CA") or a 5-digit FIPS code; see :mod:`toolkit.data.lookup`.
        ``kind`` ("county" or "city") and ``state`` settle a name several places share."""
        return find(self.load_jurisdictions(data), query, kind=kind, state=state)

    # --- documents ------------------------------------------------------------------------------

    def _templates(self, templates: Optional[PathLike]) -> Optional[str]:
        return os.fspath(templates) if templates is not None else self.templates

    def compose_for(self, document: str, jurisdiction: Jurisdiction, dataset: Dataset, date: dt.date,
                    fields: Mapping[str, str], templates: Optional[PathLike] = None) -> Document:
        """:meth:`compose` for an already found jurisdiction of ``dataset`` and checked ``fields``."""
        folder = self._templates(templates)
        path = search_path(folder)
        doc = compose_with(self._env(path), path, document, jurisdiction, dataset, date, fields)
        doc.templates, doc.toolkit = folder, self
        return doc

    def compose(self, document: str, jurisdiction: Union[str, Jurisdiction], *, data: Optional[PathLike] = None,
                date: DateLike = None, templates: Optional[PathLike] = None, **fields: str) -> Document:
        """Fill in ``document`` for ``jurisdiction`` without laying it out: a :class:`Document` with its
        words (``.lines()``), the field values it used (``.fields``, defaults from the data included)
        and its ``.cautions`` (facts marked unverified in the data, to check before sending).
        ``.to_bytes("pdf")`` lays it out, ``.write(folder)`` writes it. Does not warn."""
        dataset = self.load_jurisdictions(data)
        j = jurisdiction if isinstance(jurisdiction, Jurisdiction) else find(dataset, str(jurisdiction))
        return self.compose_for(document, j, dataset, _date(date), check_fields(fields), templates)

    def to_bytes(self, doc: Document, fmt: str) -> bytes:
        """Lay a composed document out as ``fmt`` (``"docx"`` or ``"pdf"``)."""
        check_formats([fmt])
        if doc.date is None:
            raise ToolkitError("the document has no date; make it with compose()", input="date")
        path = search_path(doc.templates)
        if fmt == "docx":
            from .render import docx

            return docx.render(doc, doc.date, self._shell(path))
        from .render import pdf

        return pdf.render(doc, doc.date, self._env(path), self._pdf_setup(path))

    def write_document(self, doc: Document, out: PathLike = ".", formats: Sequence[str] = FORMATS) -> List[Path]:
        """Write ``doc`` in each of ``formats`` into ``out`` (see :meth:`Document.write`)."""
        check_formats(formats)
        rendered = [(fmt, self.to_bytes(doc, fmt)) for fmt in formats]
        if formats and document_kind(doc.kind).text_copy:
            rendered.append(("txt", doc.text().encode("utf-8")))
        return write_all(Path(out), [(output_name(doc.jurisdiction, doc.kind, fmt), payload) for fmt, payload in rendered])

    def render(self, document: str, jurisdiction: Union[str, Jurisdiction], format: str = "pdf", *,
               data: Optional[PathLike] = None, date: DateLike = None, templates: Optional[PathLike] = None,
               **fields: str) -> bytes:
        """Render one document for one jurisdiction and return its bytes.

        ``document`` is ``letter``, ``resolution``, ``foia`` or ``records-request`` (see
        :data:`toolkit.DOCUMENTS`); ``jurisdiction`` an id, name or :class:`Jurisdiction`; ``format``
        ``pdf`` or ``docx``. ``fields`` fill in values (``signer="Jane Doe"``; see
        :data:`toolkit.FIELDS`). Raises a :class:`~toolkit.ToolkitError` subclass, never returns a
        document with a gap in it. Warns :class:`~toolkit.UnverifiedFactWarning` for each fact marked
        ``verified: false`` it used (:meth:`compose` gives them as ``.cautions`` instead).
        """
        check_formats([format])
        doc = self.compose(document, jurisdiction, data=data, date=date, templates=templates, **fields)
        payload = self.to_bytes(doc, format)
        _warn(doc)
        return payload

    def write(self, document: str, jurisdiction: Union[str, Jurisdiction], *, formats: Sequence[str] = FORMATS,
              out: PathLike = ".", data: Optional[PathLike] = None, date: DateLike = None,
              templates: Optional[PathLike] = None, **fields: str) -> List[Path]:
        """Render ``document`` in each of ``formats`` and write ``<id>-<document>.<format>`` files into
        ``out``. Every format is rendered before anything is written, and each file is written
        atomically, so an error leaves no file behind. Returns the paths written; warns like
        :meth:`render`."""
        check_formats(formats)
        doc = self.compose(document, jurisdiction, data=data, date=date, templates=templates, **fields)
        written = self.write_document(doc, out, formats)
        _warn(doc)
        return written

    @staticmethod
    def fast_pdf() -> bool:
        """Whether PDFs get the fast font subsetting (the HarfBuzz-subset library is installed);
        without it each PDF takes about 3x longer."""
        from .render.pdf import fast_subsetting

        return fast_subsetting()


def _warn(doc: Document) -> None:
    for caution in doc.cautions:
        warnings.warn(UnverifiedFactWarning(caution), stacklevel=4)


_default: Optional[Toolkit] = None
_default_lock = threading.Lock()


def default_toolkit() -> Toolkit:
    """The Toolkit behind the module-level functions (bundled data and templates by default)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Toolkit()
        return _default


def load_jurisdictions(path: Optional[PathLike] = None) -> Dataset:
    """:meth:`Toolkit.load_jurisdictions` on the default Toolkit."""
    return default_toolkit().load_jurisdictions(path)


def find_jurisdiction(query: str, *, kind: Optional[str] = None, state: Optional[str] = None,
                      data: Optional[PathLike] = None) -> Jurisdiction:
    """:meth:`Toolkit.find_jurisdiction` on the default Toolkit."""
    return default_toolkit().find_jurisdiction(query, kind=kind, state=state, data=data)


def compose(document: str, jurisdiction: Union[str, Jurisdiction], *, data: Optional[PathLike] = None,
            date: DateLike = None, templates: Optional[PathLike] = None, **fields: str) -> Document:
    """:meth:`Toolkit.compose` on the default Toolkit."""
    return default_toolkit().compose(document, jurisdiction, data=data, date=date, templates=templates, **fields)


def render(document: str, jurisdiction: Union[str, Jurisdiction], format: str = "pdf", *,
           data: Optional[PathLike] = None, date: DateLike = None, templates: Optional[PathLike] = None,
           **fields: str) -> bytes:
    """:meth:`Toolkit.render` on the default Toolkit."""
    return default_toolkit().render(document, jurisdiction, format, data=data, date=date, templates=templates,
                                    **fields)


def write(document: str, jurisdiction: Union[str, Jurisdiction], *, formats: Sequence[str] = FORMATS,
          out: PathLike = ".", data: Optional[PathLike] = None, date: DateLike = None,
          templates: Optional[PathLike] = None, **fields: str) -> List[Path]:
    """:meth:`Toolkit.write` on the default Toolkit."""
    return default_toolkit().write(document, jurisdiction, formats=formats, out=out, data=data, date=date,
                                   templates=templates, **fields)


def fast_pdf() -> bool:
    """:meth:`Toolkit.fast_pdf`."""
    return Toolkit.fast_pdf()
