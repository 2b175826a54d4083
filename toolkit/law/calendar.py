"""Deadlines exact to the day: each state's own legal holidays and its rule for a deadline that ends
on a weekend or holiday, from ``calendars.yaml`` beside this module (each with its statute).

Business days skip Saturdays, Sundays and the legal holidays the state's statute names (the
federal ones, 5 U.S.C. § 6103, for the federal FOIA). A day that only state employees get off is not
a legal holiday and is counted; a day whose status is unsettled is counted too, and the
:class:`Deadline` says what the date would be if it were not. A calendar-day deadline that ends on
a weekend or legal holiday moves to the next business day only where the state's time-computation
law says so. For years the data does not cover, the ``holidays`` package's calendar is used and the
deadline says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple

from ..data.yamlsource import load_file
from ..errors import DataError

HERE = Path(__file__).resolve().parent
FEDERAL = "US"


@dataclass(frozen=True)
class Calendar:
    """One state's (or the federal) legal holidays by year, and its time-computation rule."""

    code: str
    holidays: Mapping[dt.date, str]
    years: FrozenSet[int]
    unsettled: Mapping[dt.date, str]
    citation: Optional[str]
    moves: Optional[bool]
    computation_citation: Optional[str]

    def is_holiday(self, day: dt.date) -> bool:
        if day.year in self.years:
            return day in self.holidays
        return day in _package_holidays(self.code, day.year)

    def is_business_day(self, day: dt.date, counting_unsettled: bool = True) -> bool:
        if day.weekday() >= 5 or self.is_holiday(day):
            return False
        return counting_unsettled or day not in self.unsettled

    def covers(self, start: dt.date, end: dt.date) -> bool:
        return all(year in self.years for year in range(start.year, end.year + 1))


@dataclass(frozen=True)
class Deadline:
    """A response deadline: its date, how it was counted, and what a reader should know of it."""

    date: dt.date
    days: int
    unit: str
    #: the date the deadline would have been before a weekend or holiday moved it, if it moved
    moved_from: Optional[dt.date] = None
    #: the statute that moves it (or that says it stays)
    computation_citation: Optional[str] = None
    #: if a day of unsettled status fell in the count: (that day, what it is, the date were it not counted)
    unsettled: Optional[Tuple[dt.date, str, dt.date]] = None
    #: True when the holiday data did not cover these years (the ``holidays`` package was used)
    estimated: bool = False


class Calendars:
    """Every state's calendar, read from ``calendars.yaml``."""

    def __init__(self, path: "str | Path") -> None:
        raw = load_file(str(path)) or {}
        self.path = str(path)
        self.by_code: Dict[str, Calendar] = {code: self._read(code, entry) for code, entry in raw.items()}

    @staticmethod
    @lru_cache(maxsize=1)
    def bundled() -> "Calendars":
        return Calendars(HERE / "calendars.yaml")

    def _read(self, code: str, entry: Mapping[str, Any]) -> Calendar:
        block = entry.get("holidays") or {}
        holidays: Dict[dt.date, str] = {}
        years = set()
        for year, days in (block.get("dates") or {}).items():
            years.add(int(year))
            for day, name in (days or {}).items():
                if not isinstance(day, dt.date):
                    raise DataError(f"holiday '{day}' is not a date written YYYY-MM-DD", path=self.path,
                                    line=getattr(days, "line", None), field=f"{code}.holidays")
                holidays[day] = str(name)
        unsettled = {item["date"]: str(item.get("name", "")) for item in block.get("unsettled") or []
                     if isinstance(item, dict) and isinstance(item.get("date"), dt.date)}
        computation = entry.get("computation") or {}
        return Calendar(code, holidays, frozenset(years), unsettled, block.get("citation"),
                        computation.get("moves_to_next_business_day"), computation.get("citation"))

    def get(self, code: Optional[str]) -> Calendar:
        """The calendar of ``code`` (a state, or None/``US`` for the federal one)."""
        key = code or FEDERAL
        found = self.by_code.get(key)
        if found is None:
            return Calendar(key, {}, frozenset(), {}, None, None, None)
        return found


@lru_cache(maxsize=256)
def _package_holidays(code: str, year: int) -> FrozenSet[dt.date]:
    import holidays  # only for years the bundled data does not cover

    subdiv = None if code == FEDERAL else code
    try:
        return frozenset(holidays.country_holidays("US", subdiv=subdiv, years=year))
    except NotImplementedError:
        return frozenset(holidays.country_holidays("US", years=year))


def due(received: dt.date, days: int, unit: str, state: Optional[str] = None,
        calendars: Optional[Calendars] = None) -> Deadline:
    """The deadline ``days`` business or calendar days after ``received`` (the day of receipt is not
    counted), for ``state`` (None: federal)."""
    cal = (calendars or Calendars.bundled()).get(state)
    if unit == "business":
        day, count = received, 0
        skipped_unsettled = None
        while count < days:
            day += dt.timedelta(days=1)
            if cal.is_business_day(day):
                count += 1
                if day in cal.unsettled and skipped_unsettled is None:
                    skipped_unsettled = day
        unsettled = None
        if skipped_unsettled is not None:
            alt, count = received, 0
            while count < days:
                alt += dt.timedelta(days=1)
                if cal.is_business_day(alt, counting_unsettled=False):
                    count += 1
            unsettled = (skipped_unsettled, cal.unsettled[skipped_unsettled], alt)
        return Deadline(day, days, unit, estimated=not cal.covers(received, day), unsettled=unsettled)
    if unit != "calendar":
        raise ValueError(f"unit must be 'calendar' or 'business', not {unit!r}")
    end = received + dt.timedelta(days=days)
    moved_from = None
    if cal.moves:
        day = end
        while not cal.is_business_day(day):
            day += dt.timedelta(days=1)
        if day != end:
            moved_from, end = end, day
    return Deadline(end, days, unit, moved_from, cal.computation_citation,
                    estimated=not cal.covers(received, end))


__all__ = ["Calendars", "Calendar", "Deadline", "due"]
