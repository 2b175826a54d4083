"""A tracked request's deadlines, counted by the same code as the documents' own
(:func:`toolkit.law.calendar.due`): the response deadline on sending, its extension, and the time
limit of each remedy after a denial."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple

from ..context import FEDERAL_FOIA_DAYS
from ..law import calendar
from .errors import TrackError
from .remedies import Remedies

FOIA_CITATION = "5 U.S.C. § 552(a)(6)(A)(i)"


@dataclass(frozen=True)
class Clock:
    """A response deadline and how it was counted, in words a letter can quote."""

    date: Optional[dt.date]
    days: Optional[int]
    unit: Optional[str]
    citation: Optional[str]
    law: str

    @property
    def basis(self) -> str:
        if self.date is None:
            return f"{self.law} sets no fixed number of days" + (f" ({self.citation})" if self.citation else "")
        unit = "working days" if self.unit == "business" else "calendar days"
        return f"{self.days} {unit} under {self.citation}"


def records_law(state: Mapping[str, Any]) -> Mapping[str, Any]:
    return state.get("records_law") or {}


def response_clock(document: str, state_code: str, state: Mapping[str, Any], received: dt.date) -> Clock:
    """When the agency must answer a ``document`` it received on ``received``: the federal FOIA's 20
    working days, or the state records law's deadline (Alabama's clock starts at acknowledgment, as in
    the request itself)."""
    if document == "foia":
        deadline = calendar.due(received, FEDERAL_FOIA_DAYS, "business", None)
        return Clock(deadline.date, FEDERAL_FOIA_DAYS, "business", FOIA_CITATION, "the Freedom of Information Act")
    if document != "records-request":
        return Clock(None, None, None, None, "the law")
    law = records_law(state)
    name = str(law.get("name") or f"{state_code} law")
    days, unit = law.get("deadline_days"), law.get("deadline_unit")
    if not days or unit not in ("business", "calendar"):
        return Clock(None, None, None, law.get("deadline_citation"), f"the {name}")
    start = received
    if law.get("clock_start") == "acknowledgment" and law.get("acknowledgment_days"):
        start = calendar.due(received, int(law["acknowledgment_days"]), "calendar", state_code).date
    deadline = calendar.due(start, int(days), str(unit), state_code)
    return Clock(deadline.date, int(days), str(unit), str(law.get("deadline_citation") or law.get("citation")),
                 f"the {name}")


def extended(current: Optional[dt.date], remedies: Remedies, state_code: str, until: Optional[dt.date],
             on: dt.date) -> Tuple[dt.date, str]:
    """The deadline after an extension noticed on ``on``: what the law allows from the current deadline
    (``remedies.extension``), or the date the agency named (``until``) where it is no later than that;
    where the law sets no fixed extension, the agency's date, which must then be given."""
    ext = remedies.extension
    if ext is None or current is None:
        if until is None:
            raise TrackError(f"toolkit's data sets no fixed extension for this request under {remedies.code} law;"
                             " give the date the agency named for its answer", field="until")
        if until < on:
            raise TrackError(f"the extended date {until.isoformat()} is before the notice of {on.isoformat()}",
                             field="until")
        return until, "extended to the date the agency named (toolkit's data sets no fixed limit)"
    code = None if remedies.code == "US" else state_code
    allowed = calendar.due(current, ext.days, ext.unit, code).date
    unit = "working days" if ext.unit == "business" else "days"
    if until is None or until >= allowed:
        note = f"extended by {ext.days} {unit}, the most {ext.citation} allows"
        if until is not None and until > allowed:
            note += f" (the agency named {until.isoformat()}, later than the law allows)"
        return allowed, note
    if until < current:
        raise TrackError(f"the extended date {until.isoformat()} is before the deadline it extends,"
                         f" {current.isoformat()}", field="until")
    return until, f"extended to the date the agency named, within the {ext.days} {unit} {ext.citation} allows"
