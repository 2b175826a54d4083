"""What the law gives a requester after sending: how far an agency may extend its time, and the
remedies for a denial (an administrative appeal, a review by the attorney general or a public-access
counselor, a court), each with its citation, its own time limit and its source.

The facts are data (``remedies.yaml`` beside this module). A remedy the data marks
``verified: false`` is used but named as a "before sending" caution; a state the data does not
cover has no remedy here, and the tools say plainly that it must be checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..data.yamlsource import load_file
from ..law import calendar
from .errors import TrackError

HERE = Path(__file__).resolve().parent
FEDERAL = "US"
DOCUMENT_LAW = {"foia": "federal", "records-request": "state"}


@dataclass(frozen=True)
class Extension:
    """How far an agency may extend its time to answer, by notice."""

    days: int
    unit: str
    citation: str
    verified: bool
    source: str


@dataclass(frozen=True)
class Remedy:
    """One remedy for a denial."""

    id: str
    kind: str  # administrative-appeal | attorney-general | public-access-counselor | ombudsman | court
    name: str
    citation: str
    days: Optional[int]
    unit: Optional[str]
    #: what the time limit runs from: the ``determination`` (denial) or the response ``deadline``
    start: str
    to: Tuple[str, ...]
    marking: Optional[str]
    decision: Optional[Mapping[str, Any]]
    text: str
    verified: bool
    source: Tuple[str, ...]
    note: Optional[str]

    def window(self, determination: dt.date, code: Optional[str]) -> Optional[calendar.Deadline]:
        """The last day to use this remedy, counted by the same code as every other deadline, on the
        calendar of ``code`` (a state; None or ``US``: the federal one)."""
        if not self.days or not self.unit:
            return None
        return calendar.due(determination, self.days, self.unit, None if code in (None, FEDERAL) else code)

    def window_for(self, determination: dt.date, remedies: "Remedies", state: str) -> Optional[calendar.Deadline]:
        """:meth:`window` on the calendar of the law that gives the remedy (federal for the FOIA)."""
        return self.window(determination, FEDERAL if remedies.code == FEDERAL else state)


@dataclass(frozen=True)
class Remedies:
    """A law's extension rule and remedies (``code``: a state, or ``US`` for the federal FOIA)."""

    code: str
    extension: Optional[Extension]
    remedies: Tuple[Remedy, ...]
    silence_is_denial: Optional[str]  # the citation that makes no answer by the deadline a denial
    note: Optional[str]

    @property
    def known(self) -> bool:
        return bool(self.remedies)

    def get(self, remedy_id: Optional[str]) -> Remedy:
        if not self.remedies:
            raise TrackError(unknown_remedy_message(self.code))
        if remedy_id is None:
            return self.remedies[0]
        for remedy in self.remedies:
            if remedy.id == remedy_id:
                return remedy
        raise TrackError(f"no remedy '{remedy_id}' for {self.code}; choose one of: "
                         f"{', '.join(r.id for r in self.remedies)}", field="remedy")


def unknown_remedy_message(code: str) -> str:
    return (f"toolkit's data does not yet say what remedy {code} law gives for a denied records request; the"
            " remedy must be checked in the state's records law (or with a lawyer) before anything is sent")


def _remedy(code: str, raw: Mapping[str, Any]) -> Remedy:
    source = raw.get("source") or ()
    return Remedy(
        id=str(raw["id"]), kind=str(raw["kind"]), name=str(raw["name"]), citation=str(raw["citation"]),
        days=raw.get("days"), unit=raw.get("unit"), start=str(raw.get("from", "determination")),
        to=tuple(raw.get("to") or ()), marking=raw.get("marking"), decision=raw.get("decision"),
        text=str(raw.get("text", "")).strip(), verified=bool(raw.get("verified", False)),
        source=(source,) if isinstance(source, str) else tuple(source), note=raw.get("note"))


def _read(code: str, raw: Mapping[str, Any]) -> Remedies:
    ext = raw.get("extension")
    extension = None
    if ext:
        source = ext.get("source") or ""
        extension = Extension(int(ext["days"]), str(ext["unit"]), str(ext["citation"]),
                              bool(ext.get("verified", False)),
                              source if isinstance(source, str) else "; ".join(source))
    return Remedies(code, extension, tuple(_remedy(code, r) for r in raw.get("remedies") or ()),
                    raw.get("silence_is_denial"), raw.get("note"))


@lru_cache(maxsize=4)
def _load(path: str) -> Dict[str, Remedies]:
    raw = load_file(path) or {}  # the data's own loader: a key twice is an error with its line
    out = {FEDERAL: _read(FEDERAL, raw.get("federal") or {})}
    for code, entry in (raw.get("states") or {}).items():
        out[str(code)] = _read(str(code), entry or {})
    return out


def remedies_for(document: str, state: str, path: Optional[str] = None) -> Remedies:
    """The remedies that apply to ``document`` (``foia``: the federal FOIA; ``records-request``:
    ``state``'s records law)."""
    data = _load(path or str(HERE / "remedies.yaml"))
    code = FEDERAL if DOCUMENT_LAW.get(document) == "federal" else state
    return data.get(code) or Remedies(code, None, (), None, None)


def coverage(path: Optional[str] = None) -> List[Tuple[str, int, int]]:
    """(code, remedies, verified remedies) for every entry of the data."""
    data = _load(path or str(HERE / "remedies.yaml"))
    return [(code, len(r.remedies), sum(1 for x in r.remedies if x.verified)) for code, r in sorted(data.items())]
