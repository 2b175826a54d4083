"""The library's front door: load data, find a jurisdiction, render and write documents."""

from __future__ import annotations

import datetime as dt
import os
import warnings
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

from .data import dataset as _dataset
from .data.dataset import Dataset, Jurisdiction
from .data.lookup import find
from .errors import DataError, ToolkitError, UnverifiedFactWarning
from .output import output_name, write_all
from .context import check_fields
from .deadlines import check_date
from .blocks import Document
from .render import FORMATS, check_formats, to_format
from .render import compose as _compose
from .resources import bundled

#: The data that ships with toolkit: every US county-equivalent, each state's facts.
DEFAULT_DATA: Path = bundled("jurisdictions.yaml")

PathLike = Union[str, "os.PathLike[str]"]
_cache: Dict[Tuple[str, int, int], Dataset] = {}


def load_jurisdictions(path: Optional[PathLike] = None) -> Dataset:
    """Load and validate a data file (default: :data:`DEFAULT_DATA`).

    A file of one's own may leave out ``states`` and ``federal``; the bundled facts fill them in.
    Raises :class:`~toolkit.DataError` listing every problem. Results are cached per file version.
    """
    path = os.fspath(path) if path is not None else str(DEFAULT_DATA)
    try:
        stat = os.stat(path)
    except OSError:
        raise DataError("no such file; check the path given with --data", path=path) from None
    key = (os.path.realpath(path), stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        default = os.path.realpath(str(DEFAULT_DATA))
        base = None if key[0] == default else load_jurisdictions(DEFAULT_DATA)
        _cache[key] = _dataset.load(path, bundled=base)
    return _cache[key]


def find_jurisdiction(query: str, *, kind: Optional[str] = None, state: Optional[str] = None,
                      data: Optional[PathLike] = None) -> Jurisdiction:
    """The jurisdiction ``query`` names (id, slug or name); see :mod:`toolkit.data.lookup`."""
    return find(load_jurisdictions(data), query, kind=kind, state=state)


def _resolve(jurisdiction: Union[str, Jurisdiction], data) -> Tuple[Jurisdiction, Dataset]:
    dataset = load_jurisdictions(data)
    if isinstance(jurisdiction, Jurisdiction):
        return jurisdiction, dataset
    return find(dataset, str(jurisdiction)), dataset


def _date(date: Union[None, str, dt.date]) -> dt.date:
    if date is None:
        return check_date(dt.date.today())
    if isinstance(date, dt.datetime):
        return check_date(date.date())
    if isinstance(date, dt.date):
        return check_date(date)
    try:
        return check_date(dt.date.fromisoformat(str(date)))
    except ValueError:
        raise ToolkitError(f"date '{date}' is not a date written YYYY-MM-DD") from None


def compose(document: str, jurisdiction: Union[str, Jurisdiction], *, data: Optional[PathLike] = None,
            date: Union[None, str, dt.date] = None, templates: Optional[PathLike] = None,
            **fields: str) -> Document:
    """Fill in ``document`` for ``jurisdiction`` without laying it out: a :class:`Document` with its
    words (``.lines()``), the field values it used (``.fields``, defaults from the data included) and
    its ``.cautions`` (facts to check before sending). ``.to_bytes("pdf")`` lays it out. Does not warn."""
    j, dataset = _resolve(jurisdiction, data)
    return _compose(document, j, dataset, _date(date), check_fields(fields), templates)


def render(document: str, jurisdiction: Union[str, Jurisdiction], format: str = "pdf", *,
           data: Optional[PathLike] = None, date: Union[None, str, dt.date] = None,
           templates: Optional[PathLike] = None, **fields: str) -> bytes:
    """Render one document for one jurisdiction and return its bytes.

    ``document`` is ``letter``, ``resolution``, ``foia`` or ``records-request``; ``jurisdiction`` an
    id, name or :class:`Jurisdiction`; ``format`` ``pdf`` or ``docx``. ``fields`` are the values
    ``--set`` gives (``signer="Jane Doe"``; see :data:`toolkit.documents.FIELDS`). Raises a
    :class:`~toolkit.ToolkitError` subclass, never returns a document with a gap in it. Warns
    :class:`~toolkit.UnverifiedFactWarning` for each fact marked ``verified: false`` it used.
    """
    j, dataset = _resolve(jurisdiction, data)
    day = _date(date)
    doc = _compose(document, j, dataset, day, check_fields(fields), templates)
    payload = to_format(doc, format, day, templates)
    _warn(doc)
    return payload


def write(document: str, jurisdiction: Union[str, Jurisdiction], *, formats: Sequence[str] = FORMATS,
          out: PathLike = ".", data: Optional[PathLike] = None, date: Union[None, str, dt.date] = None,
          templates: Optional[PathLike] = None, **fields: str) -> List[Path]:
    """Render ``document`` in each of ``formats`` and write ``<id>-<document>.<format>`` files into
    ``out``. Every format is rendered before anything is written, and each file is written
    atomically, so an error leaves no file behind. Returns the paths written; warns like
    :func:`render`."""
    j, dataset = _resolve(jurisdiction, data)
    day = _date(date)
    checked = check_fields(fields)
    check_formats(formats)
    doc = _compose(document, j, dataset, day, checked, templates)
    rendered = [(fmt, to_format(doc, fmt, day, templates)) for fmt in formats]
    written = write_all(Path(out), [(output_name(j.id, document, fmt), payload) for fmt, payload in rendered])
    _warn(doc)
    return written


def _warn(doc) -> None:
    for caution in doc.cautions:
        warnings.warn(UnverifiedFactWarning(caution), stacklevel=3)
