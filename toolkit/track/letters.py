"""Follow-ups and appeals for a request in the log: the request's facts and the law's remedy become
the document's fields, and the document is made by the same pipeline as every other
(:func:`toolkit.write`), then kept in the log as part of the record."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from .errors import TrackError
from .log import ADVERSE, WAITING, Log, Request
from .remedies import Remedy, unknown_remedy_message


def longdate(day: dt.date) -> str:
    """``2026-11-02`` -> ``November 2, 2026``, as the documents print dates."""
    return f"{day:%B} {day.day}, {day.year}"


def _request_fields(request: Request) -> Dict[str, str]:
    fields = {k: v for k, v in request.fields.items() if not k.startswith(("request_", "response_", "remedy_"))}
    fields["request_document"] = request.document
    if request.sent_on:
        fields["request_date"] = longdate(request.sent_on)
    if request.agency_ref:
        fields["request_ref"] = request.agency_ref
    if request.deadline:
        fields["request_deadline"] = longdate(request.deadline)
    extensions = [e["note"] for e in request.events if e["status"] == "extended" and e["note"]]
    if extensions:
        fields["request_extended"] = "; then ".join(extensions)
    fields["request_status"] = request.status
    return fields


def follow_up_fields(request: Request, date: dt.date) -> Dict[str, str]:
    """The fields of a follow-up on ``request`` dated ``date``; refused unless its deadline has passed."""
    if request.document not in ("foia", "records-request"):
        raise TrackError(f"request {request.label} is a {request.document}, which has no response deadline to follow up",
                         field="document")
    if request.status not in WAITING + ("partial",):
        raise TrackError(f"request {request.label} is '{request.status}': a follow-up is for a request still awaiting"
                         " an answer", field="status")
    if request.deadline is None:
        raise TrackError(f"request {request.label}: {request.deadline_basis or 'the law sets no fixed deadline'}, so a"
                         " letter cannot say a deadline has passed", field="deadline")
    if request.deadline >= date:
        raise TrackError(f"request {request.label} is due on {request.deadline.isoformat()}; a follow-up dated"
                         f" {date.isoformat()} cannot say that deadline has passed", field="date")
    return _request_fields(request)


def appeal_fields(request: Request, date: dt.date, remedy_id: Optional[str] = None) -> Tuple[Dict[str, str], Remedy,
                                                                                             List[str]]:
    """The fields of an appeal of ``request`` dated ``date``, the remedy used, and what to check first."""
    remedies = request.remedies
    if not remedies.known:
        raise TrackError(unknown_remedy_message(request.state), field="remedy")
    silent = request.status in WAITING and request.deadline is not None and request.deadline < date
    determination: Optional[dt.date] = None
    starts: Tuple[str, ...] = ()
    if request.status in ADVERSE and request.status_on is not None:
        determination, starts = request.status_on, ("determination",)
    elif silent and remedies.silence_is_denial:
        determination, starts = request.deadline, ("determination", "deadline")
    elif silent:
        determination, starts = request.deadline, ("deadline",)
    fitting = [r for r in remedies.remedies if r.start in starts]
    if not fitting or determination is None:
        raise TrackError(f"request {request.label} is '{request.status}': an appeal needs a denial or partial denial"
                         " (record it with 'toolkit track update REF --status denied --on DATE')", field="status")
    remedy = remedies.get(remedy_id)
    if remedy_id is None:
        remedy = fitting[0]
    elif remedy not in fitting:
        raise TrackError(f"the {remedy.name} ({remedy.citation}) does not fit a request that is '{request.status}';"
                         f" choose one of: {', '.join(r.id for r in fitting)}", field="remedy")
    window = remedy.window_for(determination, remedies, request.state)
    if window is not None and window.date < date:
        raise TrackError(f"the time for the {remedy.name} ({remedy.citation}) ended on {window.date.isoformat()};"
                         " check with a lawyer what remains", field="date")
    fields = _request_fields(request)
    if request.status in ADVERSE:
        fields["response_date"] = longdate(determination)
    fields.update(remedy_kind=remedy.kind, remedy_name=remedy.name, remedy_citation=remedy.citation,
                  remedy_text=remedy.text)
    if remedy.to:
        fields["remedy_to"] = "; ".join(remedy.to)
    if window is not None:
        fields["remedy_deadline"] = longdate(window.date)
    cautions = []
    if not remedy.verified:
        cautions.append(f"before sending: toolkit/track/remedies.yaml: remedy '{remedy.id}' for {remedies.code} is marked"
                        f" 'verified: false' ({remedy.note or 'check it'}); check {remedy.citation} before sending")
    elif remedy.note:
        cautions.append(f"before sending: toolkit/track/remedies.yaml: remedy '{remedy.id}' for {remedies.code}: {remedy.note}")
    return fields, remedy, cautions


def write_letter(log: Log, ref: str, kind: str, *, out: "str | Path" = ".", formats: Sequence[str] = ("docx", "pdf"),
                 date: Optional[dt.date] = None, remedy: Optional[str] = None, data: Optional[str] = None,
                 templates: Optional[str] = None, **extra: str) -> Tuple[List[Path], List[str]]:
    """Write the ``follow-up`` or ``appeal`` for request ``ref`` into ``out`` and keep it in the log.
    Returns the paths and the "before sending" cautions (unverified facts and remedies)."""
    import toolkit

    request = log.get(ref)
    day = date or dt.date.today()
    cautions: List[str] = []
    if kind == "follow-up":
        fields = follow_up_fields(request, day)
    elif kind == "appeal":
        fields, _, cautions = appeal_fields(request, day, remedy)
    else:
        raise TrackError(f"unknown letter '{kind}'", field="document")
    fields.update(extra)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", toolkit.UnverifiedFactWarning)
        paths = toolkit.write(kind, request.jurisdiction, formats=formats, out=out, data=data, date=day,
                              templates=templates, **fields)
    cautions = [str(w.message) for w in caught] + cautions
    for path in paths:
        log.add_file(request.id, f"{day.isoformat()}-{path.name}", path.read_bytes(), role="generated")
    return paths, cautions
