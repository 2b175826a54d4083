"""The interview's logic, without HTTP: find the place, check the answers, build the downloads.

Everything here reads the library's catalogue (``toolkit.DOCUMENTS``, ``toolkit.FIELDS``) and calls
only its public API, so new document kinds and fields appear in the interview without a change here.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import toolkit

#: Longest answer a field takes. The library wraps any length; a form answer longer than this is a
#: paste gone wrong, and a document line that long helps no one.
MAX_FIELD_LENGTH = 300
#: The first Secure Communities deployments were in 2008; a document dated before that makes no sense.
EARLIEST_DATE = dt.date(2008, 1, 1)
#: How far ahead a document may be dated (a meeting date months away is normal; years is a typo).
LATEST_DAYS_AHEAD = 366
#: Kinds a person may ask for when naming a place (the CLI's --county and --city).
PLACE_KINDS = ("county", "city")
#: Formats a person may download; "zip" is both.
DOWNLOADS = ("docx", "pdf", "zip")
_STATE_SUFFIX = re.compile(r"^(?P<name>.+?),\s*(?P<state>[A-Za-z]{2})$")


@dataclass
class Found:
    """What a place search gave: one jurisdiction, or a choice, or suggestions for a near miss."""

    jurisdiction: Optional[toolkit.Jurisdiction] = None
    candidates: List[toolkit.Jurisdiction] = field(default_factory=list)
    suggestions: List[toolkit.Jurisdiction] = field(default_factory=list)


def label(j: toolkit.Jurisdiction) -> str:
    """How a place is shown in a list: "Santa Clara County, CA"."""
    return f"{j.name}, {j.state_code}"


def place_kind(j: toolkit.Jurisdiction) -> str:
    """"city" for cities, independent cities included ("Baltimore city"), else the record's kind."""
    return "city" if getattr(j, "is_city", j.kind == "city") else j.kind


def caution_text(caution) -> str:
    """A "before sending" line as the library words it, naming the data file by its name only."""
    line = str(caution)
    path = getattr(caution, "path", None)
    return line.replace(str(path), os.path.basename(str(path)), 1) if path else line


def _by_ids(dataset: toolkit.Dataset, ids: Iterable[str]) -> List[toolkit.Jurisdiction]:
    out = []
    for jid in dict.fromkeys(ids):
        j = dataset.get(jid)
        if j is not None:
            out.append(j)
    return out


def find_place(query: str, *, kind: Optional[str] = None, state: Optional[str] = None,
               data: Optional[str] = None) -> Found:
    """Look ``query`` up with the CLI's rules (:func:`toolkit.find_jurisdiction`).

    "Name, ST" (as the type-ahead fills it in) is read as the name and a state. When no kind is
    given, a county and a city that share the name are both offered ("Baltimore": the county and
    the independent city), as are the candidates of an ambiguous name.
    """
    query = " ".join(query.split())
    match = _STATE_SUFFIX.match(query)
    if match and not state:
        query, state = match.group("name"), match.group("state").upper()
    dataset = toolkit.load_jurisdictions(data)
    hits: List[str] = []
    suggestions: List[str] = []
    for each in ([kind] if kind else [None, *PLACE_KINDS]):
        try:
            hits.append(toolkit.find_jurisdiction(query, kind=each, state=state, data=data).id)
        except toolkit.UnknownJurisdiction as exc:
            hits.extend(exc.candidates)
            if each == kind:  # the suggestions of the search the person asked for
                suggestions.extend(exc.suggestions)
    found = _by_ids(dataset, hits)
    if len(found) == 1:
        return Found(jurisdiction=found[0])
    if found:
        return Found(candidates=found)
    return Found(suggestions=_by_ids(dataset, suggestions))


def suggest(prefix: str, *, state: Optional[str] = None, limit: int = 12, data: Optional[str] = None) -> List[Tuple[str, str]]:
    """Type-ahead: up to ``limit`` (value, label) pairs of places whose name or id starts with
    ``prefix`` (then those that contain it), counties and cities alike."""
    needle = " ".join(prefix.lower().split())
    if len(needle) < 2:
        return []
    starts, contains = [], []
    for j in toolkit.load_jurisdictions(data):
        if state and j.state_code != state.upper():
            continue
        name = j.name.lower()
        if name.startswith(needle) or j.id.startswith(needle):
            starts.append(j)
        elif needle in name:
            contains.append(j)
        if len(starts) >= limit:
            break
    return [(label(j), f"{label(j)} ({place_kind(j)})") for j in (starts + contains)[:limit]]


def states(data: Optional[str] = None) -> List[str]:
    """The state codes the data has, sorted."""
    return sorted({j.state_code for j in toolkit.load_jurisdictions(data)})


def document_kind(name: Optional[str]):
    """The catalogue entry called ``name``, or None."""
    return toolkit.DOCUMENTS.get(name or "")


@dataclass
class Answers:
    """A person's answers for one document, checked: field values to pass to the library, the date,
    and what is wrong with them (field key or "date" -> message id, with its arguments)."""

    values: Dict[str, str]
    date: Optional[dt.date]
    errors: Dict[str, Tuple[str, Dict[str, object]]] = field(default_factory=dict)


def check_answers(kind_fields: Sequence[str], form: Mapping[str, str], today: dt.date) -> Answers:
    """Check the answers to ``kind_fields`` and the date. An empty field is left out (the document
    then uses the data's default, or a line to fill in by hand)."""
    values: Dict[str, str] = {}
    errors: Dict[str, Tuple[str, Dict[str, object]]] = {}
    for key in kind_fields:
        text = " ".join(str(form.get(key, "")).split())
        bad = next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cs")), None)
        if len(text) > MAX_FIELD_LENGTH:
            errors[key] = ("too_long", {"max": MAX_FIELD_LENGTH, "length": len(text)})
        elif bad is not None:
            errors[key] = ("control", {"code": f"U+{ord(bad):04X}"})
        elif text:
            values[key] = text
    day = None
    raw = str(form.get("date", "")).strip()
    if not raw:
        errors["date"] = ("date_missing", {})
    else:
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            errors["date"] = ("date_invalid", {})
        else:
            latest = today + dt.timedelta(days=LATEST_DAYS_AHEAD)
            if not EARLIEST_DATE <= day <= latest:
                errors["date"] = ("date_range", {"earliest": EARLIEST_DATE.isoformat(), "latest": latest.isoformat()})
                day = None
    return Answers(values, day, errors)


def filename(document: toolkit.Document, fmt: str) -> str:
    """``<jurisdiction id>-<document>.<format>``, as the CLI names its files (ids are safe slugs)."""
    return f"{document.jurisdiction}-{document.kind}.{fmt}"


def download(document: toolkit.Document, fmt: str) -> Tuple[str, bytes, str]:
    """(file name, bytes, media type) of ``fmt``: ``docx``, ``pdf`` or ``zip`` (both)."""
    if fmt == "docx":
        return filename(document, "docx"), document.to_bytes("docx"), \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if fmt == "pdf":
        return filename(document, "pdf"), document.to_bytes("pdf"), "application/pdf"
    if fmt == "zip":
        buffer = io.BytesIO()
        stamp = (document.date or dt.date.today()).timetuple()[:6]
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for each in ("docx", "pdf"):
                info = zipfile.ZipInfo(filename(document, each), date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, document.to_bytes(each))
        return f"{document.jurisdiction}-{document.kind}.zip", buffer.getvalue(), "application/zip"
    raise ValueError(f"unknown download format {fmt!r}")
