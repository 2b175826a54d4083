"""Response deadlines: N calendar days, or N business days skipping weekends and holidays.

Business days skip Saturdays, Sundays and the federal and state holidays the ``holidays`` package
knows for the state (``holidays.country_holidays("US", subdiv=state)``); federal deadlines use the
federal holidays only.

Dates are checked against :data:`EARLIEST` and :data:`LATEST`: the documents ask for records from
2008 on (when Secure Communities began), so a document dated before then says nonsense, and a date
past 2099 is a typo.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Optional

from .errors import DataError

#: The first and last dates a document may carry.
EARLIEST = dt.date(2008, 1, 1)
LATEST = dt.date(2099, 12, 31)
#: Most days a deadline may count (a law's deadline is checked against 365 in the data).
MAX_DAYS = 366


def check_date(day: dt.date) -> dt.date:
    """``day`` if a document may be dated so, else a :class:`DataError` saying the range."""
    if not EARLIEST <= day <= LATEST:
        raise DataError(f"the date {day.isoformat()} is out of range: documents are dated from"
                        f" {EARLIEST.isoformat()} (Secure Communities began in 2008) to {LATEST.isoformat()}",
                        field="date")
    return day


@lru_cache(maxsize=64)
def _holidays(state: Optional[str], year: int):
    import holidays  # imported late: only documents with a deadline pay for it

    return holidays.country_holidays("US", subdiv=state, years=(year, year + 1))


def knows_state(state: str) -> bool:
    """True if the holiday calendar has ``state``'s holidays (business-day deadlines need them): the
    bundled statutory calendars (toolkit/law/calendars.yaml), else the ``holidays`` package."""
    from .law.calendar import Calendars

    if state in Calendars.bundled().by_code:
        return True
    try:
        _holidays(state, EARLIEST.year)
    except (NotImplementedError, KeyError, ValueError):
        return False
    return True


def is_business_day(day: dt.date, state: Optional[str] = None) -> bool:
    """False on weekends and on federal (and, given ``state``, that state's) holidays."""
    return day.weekday() < 5 and day not in _holidays(state, day.year)


def add_days(start: dt.date, days: int, unit: str, state: Optional[str] = None) -> dt.date:
    """The date ``days`` calendar or business days after ``start`` (the day of receipt not counted)."""
    check_date(start)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise DataError(f"a deadline of {days!r} days is out of range (0 to {MAX_DAYS})", field="deadline_days")
    if unit == "calendar":
        return start + dt.timedelta(days=days)
    if unit != "business":
        raise DataError(f"unit must be 'calendar' or 'business', not {unit!r}", field="deadline_unit")
    if state is not None and not knows_state(state):
        raise DataError(f"deadlines in business days need {state}'s holidays, which the holiday calendar does not"
                        " know; use calendar days", field="deadline_unit")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_business_day(day, state):
            remaining -= 1
    return day
