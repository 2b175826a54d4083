"""What the law is on a given day: the federal program's status, and each state's law on local
cooperation with federal immigration enforcement.

Both are data, dated and sourced (``timeline.yaml``, ``state_laws.yaml`` beside this module), so a
document dated 2010-09-30 and one dated today read the same facts and say what was true on their
own date::

    law = Law.bundled()
    law.status(dt.date(2026, 11, 25)).era      # 'no-opt-out': running, ICE says no consent is needed
    law.state_laws("TX", dt.date(2026, 11, 25)) # Tex. Gov't Code ch. 752, ch. 753, ...

Nothing here renders or knows about documents; :mod:`toolkit.context` reads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..data.yamlsource import load_file
from ..errors import DataError, Problem

HERE = Path(__file__).resolve().parent

#: What a state law does, as ``kind``: requires cooperation, bans "sanctuary" policies, or limits cooperation.
KINDS = ("requires", "bans_sanctuary", "limits")
#: The rule fields an entry may set, with the values each may take.
RULES: Dict[str, Tuple[str, ...]] = {
    "detainers": ("must_honor", "limited", "judicial_only"),
    "agreement_287g": ("required", "must_apply", "banned", "approval_needed", "conditioned", "encouraged"),
    "local_policy": ("barred",),
    "information": ("limited", "must_share"),
    "jail_access": ("limited",),
    "resources": ("barred", "must_not_limit"),
}
#: An entry whose effective date the research could not read is known to be in force from this date
#: (when the state-law data was compiled) and is not applied to documents dated earlier.
KNOWN_IN_FORCE = dt.date(2026, 11, 1)
#: The rule values that take a choice away from a county.
BINDING = {"local_policy": ("barred",), "detainers": ("must_honor",), "agreement_287g": ("required", "must_apply"),
           "resources": ("must_not_limit",), "information": ("must_share",)}
TEXT_FIELDS = ("title", "citation", "effect", "penalties", "enjoined", "applies_to", "note")  # read as one-line text


@dataclass(frozen=True)
class Event:
    """One dated event in the program's history. ``program`` is ``running``/``ended`` when the event
    started or stopped the program; ``procedure`` is ``opt-out``/``none`` when it set what ICE said a
    jurisdiction could do."""

    id: str
    date: dt.date
    text: str
    program: Optional[str] = None
    procedure: Optional[str] = None
    source: Any = None
    verified: bool = True
    line: Optional[int] = None
    #: ``program`` for the program's own history, ``foia`` for the FOIA filing rules
    topic: str = "program"


@dataclass(frozen=True)
class ProgramStatus:
    """The program on one day: whether it was in operation, what ICE said a jurisdiction could do,
    and the events up to that day (oldest first)."""

    date: dt.date
    running: bool
    procedure: Optional[str]
    events: Tuple[Event, ...]

    @property
    def era(self) -> str:
        """``before`` (not yet begun), ``ended`` (not in operation that day), ``early`` (in operation,
        before ICE published any procedure), ``opt-out`` (ICE's 2010 written-notice procedure in force)
        or ``no-opt-out`` (in operation; ICE's position since August 5, 2011 that no consent is needed)."""
        if not self.events:
            return "before"
        if not self.running:
            return "ended"
        return {"opt-out": "opt-out", "none": "no-opt-out"}.get(self.procedure or "", "early")

    def event(self, event_id: str) -> Optional[Event]:
        """The event with this id, if it happened on or before the date."""
        return next((e for e in self.events if e.id == event_id), None)

    @property
    def last_change(self) -> Optional[Event]:
        """The latest event that started or stopped the program."""
        changes = [e for e in self.events if e.program]
        return changes[-1] if changes else None

    #: the next event after ``date`` that started or stopped the program, if any
    next_change: Optional[Event] = field(default=None, compare=False)


@dataclass(frozen=True)
class StateLaw:
    """One state (or D.C.) law on local cooperation with federal immigration enforcement."""

    id: str
    state: str
    title: str
    citation: str
    effective: dt.date
    kind: str
    effect: str
    source: Any
    verified: bool
    penalties: Optional[str] = None
    enjoined: Optional[str] = None
    applies_to: Optional[str] = None
    note: Optional[str] = None
    deadline: Optional[dt.date] = None
    rules: Tuple[Tuple[str, str], ...] = ()
    path: Optional[str] = None
    line: Optional[int] = None

    def rule(self, name: str) -> Optional[str]:
        """The value of one rule field (``detainers``, ``agreement_287g``, ...), or None."""
        return dict(self.rules).get(name)

    @property
    def requires(self) -> bool:
        """True for a law that requires cooperation or bans "sanctuary" policies."""
        return self.kind in ("requires", "bans_sanctuary")

    @property
    def binding(self) -> bool:
        """True for a requiring law that takes a choice away from the county: it bars local policies
        limiting cooperation, or mandates detainer holds, a 287(g) agreement or information sharing.
        A narrower duty (e.g. a jail's status query) is cited but leaves the county's choices open."""
        return self.requires and any(self.rule(name) in values for name, values in BINDING.items())

    def caution(self) -> Problem:
        """The "before sending" line for a document that must respect this law."""
        penalty = f" Penalties: {self.penalties.rstrip('.')}." if self.penalties else ""
        enjoined = f" A court has held part of it unenforceable: {self.enjoined.rstrip('.')}." if self.enjoined else ""
        return Problem(
            f"Under {self.title}, {self.citation}, {_lower_first(self.effect).rstrip('.')}.{penalty}{enjoined} The document"
            " resolves only what the jurisdiction may lawfully do under it; have counsel review it before it is"
            " adopted or sent", self.path, self.line, None, None, f"law.{self.state}.{self.id}", "law")


def _lower_first(text: str) -> str:
    from ..templating import lowerfirst

    return lowerfirst(text)


class Law:
    """The timeline and the state laws, loaded from two YAML files and checked."""

    def __init__(self, timeline: "str | Path", state_laws: "str | Path") -> None:
        self.problems: List[Problem] = []
        self.events = self._read_timeline(str(timeline))
        self.laws = self._read_state_laws(str(state_laws))

    @staticmethod
    @lru_cache(maxsize=1)
    def bundled() -> "Law":
        """The law toolkit ships with (read once; the objects are immutable)."""
        return Law(HERE / "timeline.yaml", HERE / "state_laws.yaml")

    # --- reading --------------------------------------------------------------------------------

    def _fail(self, message: str, path: str, line: Optional[int], field: Optional[str] = None):
        raise DataError(message, path=path, line=line, field=field)

    def _read_timeline(self, path: str) -> Tuple[Event, ...]:
        raw = load_file(path) or {}
        events = []
        for item in raw.get("events") or []:
            line = getattr(item, "line", None)
            date = item.get("date")
            if not isinstance(date, dt.date) or not item.get("id") or not item.get("text"):
                self._fail("a timeline event needs id, date (YYYY-MM-DD) and text", path, line)
            if item.get("program") not in (None, "running", "ended"):
                self._fail("program must be 'running' or 'ended'", path, line, "program")
            if not item.get("source"):
                self._fail("a timeline event needs a source", path, line, "source")
            event = Event(item["id"], date, " ".join(str(item["text"]).split()), item.get("program"),
                          item.get("procedure"), item.get("source"), item.get("verified") is not False, line,
                          item.get("topic", "program"))
            if not event.verified:
                self.problems.append(self._unverified(path, line, f"timeline.{event.id}"))
            events.append(event)
        return tuple(sorted(events, key=lambda e: e.date))

    def _read_state_laws(self, path: str) -> Dict[str, Tuple[StateLaw, ...]]:
        raw = load_file(path) or {}
        out: Dict[str, Tuple[StateLaw, ...]] = {}
        for state, entries in raw.items():
            made = []
            for item in entries or []:
                line = getattr(item, "line", None)
                for key in ("id", "title", "citation", "kind", "effect", "source"):
                    if not item.get(key):
                        self._fail(f"a state-law entry needs '{key}'", path, line, key)
                if item["kind"] not in KINDS:
                    self._fail(f"kind must be one of {', '.join(KINDS)}", path, line, "kind")
                if item.get("effective") is None:
                    item["effective"] = KNOWN_IN_FORCE
                    item["note"] = " ".join(filter(None, [item.get("note"), "Effective date not confirmed; applied"
                                                          " to documents dated from November 2026."]))
                elif not isinstance(item["effective"], dt.date):
                    self._fail("effective must be a date written YYYY-MM-DD", path, line, "effective")
                rules = []
                for name, choices in RULES.items():
                    value = item.get(name)
                    if value is not None:
                        if value not in choices:
                            self._fail(f"{name} must be one of {', '.join(choices)}", path, line, name)
                        rules.append((name, value))
                text = {k: " ".join(str(item[k]).split()) if item.get(k) else None for k in TEXT_FIELDS}
                law = StateLaw(
                    id=item["id"], state=state, kind=item["kind"], effective=item["effective"],
                    source=item["source"], verified=item.get("verified") is True, rules=tuple(rules),
                    deadline=item.get("deadline") if isinstance(item.get("deadline"), dt.date) else None,
                    path=path, line=line, title=str(text["title"]), citation=str(text["citation"]),
                    effect=str(text["effect"]), penalties=text["penalties"], enjoined=text["enjoined"],
                    applies_to=text["applies_to"], note=text["note"],
                )
                if not law.verified:
                    self.problems.append(self._unverified(path, line, f"law.{state}.{law.id}"))
                made.append(law)
            out[state] = tuple(sorted(made, key=lambda law: (law.effective, law.id)))
        return out

    @staticmethod
    def _unverified(path: str, line: Optional[int], field: str) -> Problem:
        return Problem("marked 'verified: false': check it against an official source", path, line, None, None,
                       field, "warning")

    # --- asking ---------------------------------------------------------------------------------

    def status(self, date: dt.date) -> ProgramStatus:
        """The program on ``date``."""
        past = tuple(e for e in self.events if e.date <= date)
        running, procedure = False, None
        for event in past:
            if event.program:
                running = event.program == "running"
            if event.procedure:
                procedure = event.procedure
        upcoming = next((e for e in self.events if e.date > date and e.program), None)
        return ProgramStatus(date, running, procedure, past, upcoming)

    def state_laws(self, state: str, date: dt.date) -> List[StateLaw]:
        """The laws of ``state`` in effect on ``date``, oldest first."""
        return [law for law in self.laws.get(state, ()) if law.effective <= date]

    def covered(self) -> Sequence[str]:
        """The states (and D.C.) the data has an entry for, even an empty one."""
        return sorted(self.laws)


__all__ = ["Law", "Event", "ProgramStatus", "StateLaw", "KINDS", "RULES"]
