"""Response deadlines: N calendar days, or N business days skipping weekends and holidays.

Business days skip Saturdays, Sundays and the federal and state holidays the ``holidays`` package
knows for the state (``holidays.country_holidays("US", subdiv=state)``); federal deadlines use the
federal holidays only.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Optional


@lru_cache(maxsize=64)
def _holidays(state: Optional[str], year: int):
    import holidays  # imported late: only documents with a deadline pay for it

    return holidays.country_holidays("US", subdiv=state, years=(year, year + 1))


def is_business_day(day: dt.date, state: Optional[str] = None) -> bool:
    """False on weekends and on federal (and, given ``state``, that state's) holidays."""
    return day.weekday() < 5 and day not in _holidays(state, day.year)


def add_days(start: dt.date, days: int, unit: str, state: Optional[str] = None) -> dt.date:
    """The date ``days`` calendar or business days after ``start`` (the day of receipt not counted)."""
    if unit == "calendar":
        return start + dt.timedelta(days=days)
    if unit != "business":
        raise ValueError(f"unit must be 'calendar' or 'business', not {unit!r}")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_business_day(day, state):
            remaining -= 1
    return day
