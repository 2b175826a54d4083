"""Load a data file into a :class:`Dataset`: validated, with state facts flowing into counties.

The bundled ``jurisdictions.yaml`` has four parts: ``federal`` (ICE's offices, the program),
``states`` (each state's facts, stated once), ``jurisdictions`` (hand-curated records, richer and
sourced) and ``counties`` (a generated CSV block listing every county-equivalent). A curated record
whose ``fips`` matches a generated county is laid over it; every county inherits its state's facts.
A user's ``--data`` file has the same shape; states and federal facts it leaves out come from the
bundled file, so a small file of one's own jurisdictions just works.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ..errors import DataError, Problem
from . import schema
from .yamlsource import Mapping, line_of, load_file

#: Name endings dropped when making ids and name keys ("Santa Clara County" -> "santa-clara").
SUFFIXES = (" County", " Parish")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: "Prince George's County" -> "prince-georges-county"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def short_name(name: str) -> str:
    """The name without a trailing "County" or "Parish"."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def county_id(name: str, state: str) -> str:
    """The stable id of a generated county: its short name's slug and its state, e.g.
    ``santa-clara-ca``, ``baltimore-city-md``. It depends only on the county's own name and state,
    so adding or removing other counties never changes it."""
    return f"{slugify(short_name(name))}-{state.lower()}"


@dataclass(eq=False)
class Jurisdiction:
    """One place that can send documents: a county, a city or a state.

    ``record`` holds the jurisdiction's own fields (as in the data, validated); ``state`` the facts
    of its state, inherited. ``path`` and ``line`` say where the record is defined.
    """

    id: str
    name: str
    state_code: str
    kind: str
    fips: Optional[str]
    record: Dict[str, Any]
    state: Dict[str, Any]
    path: Optional[str] = None
    line: Optional[int] = None
    aliases: Tuple[str, ...] = ()
    lines: Dict[str, int] = field(default_factory=dict)

    @property
    def is_county_equivalent(self) -> bool:
        """True for counties, parishes, boroughs, independent cities and D.C. (5-digit FIPS)."""
        return bool(self.fips and len(self.fips) == 5)

    @property
    def is_city(self) -> bool:
        """True for cities, including independent cities listed as county-equivalents
        ("Baltimore city", "Richmond city")."""
        return self.kind == "city" or self.name.endswith(" city")

    def get(self, key: str, default: Any = None) -> Any:
        return self.record.get(key, default)

    def line_of(self, key: str) -> Optional[int]:
        return self.lines.get(key, self.line)

    def merged(self) -> Dict[str, Any]:
        """The full record with inherited state facts, as ``toolkit show`` prints it."""
        out: Dict[str, Any] = {"id": self.id, "name": self.name, "state": self.state_code, "kind": self.kind}
        if self.fips:
            out["fips"] = self.fips
        out.update({k: v for k, v in self.record.items() if k not in out and k != "id"})
        if self.aliases:
            out["aliases"] = list(self.aliases)
        out["inherited from state"] = {"code": self.state_code, **self.state}
        if self.path:
            out["defined at"] = f"{self.path}:{self.line}" if self.line else self.path
        return out


@dataclass
class Dataset:
    """All the jurisdictions of one data file, with their state and federal facts."""

    path: str
    federal: Dict[str, Any]
    states: Dict[str, Dict[str, Any]]
    jurisdictions: List[Jurisdiction]
    problems: List[Problem] = field(default_factory=list)
    #: facts marked ``verified: false``, by their place in the data (``states.AK.sib``,
    #: ``federal.ice``, ``<id>.resolution``): the caution a document made with the fact carries
    unverified: Dict[str, Problem] = field(default_factory=dict)
    lookup_index: Optional[Dict[str, List[Jurisdiction]]] = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id: Dict[str, Jurisdiction] = {j.id: j for j in self.jurisdictions}
        self.by_alias: Dict[str, Jurisdiction] = {a: j for j in self.jurisdictions for a in j.aliases}

    def __len__(self) -> int:
        return len(self.jurisdictions)

    def __iter__(self):
        return iter(self.jurisdictions)

    def get(self, jurisdiction_id: str) -> Optional[Jurisdiction]:
        """The jurisdiction with this id (or generated alias), or None."""
        return self.by_id.get(jurisdiction_id) or self.by_alias.get(jurisdiction_id)


def load(path: "os.PathLike[str] | str", bundled: Optional[Dataset] = None) -> Dataset:
    """Load and validate a data file; raise :class:`DataError` listing every error in it.

    ``bundled`` supplies the states and federal facts the file leaves out.
    """
    path = os.fspath(path)
    raw = load_file(path)
    if raw is None:
        raw = Mapping()
        raw.line, raw.lines = 1, {}
    validator = schema.Validator(path)
    raw = validator.check(raw, schema.DATASET, "", 1)
    fatal = [p for p in validator.problems if p.severity == "error"]
    if fatal:
        raise DataError(problems=fatal)
    builder = _Builder(path, raw, bundled)
    dataset = builder.build()
    fatal = [p for p in builder.problems if p.severity == "error"]
    if fatal:
        raise DataError(problems=fatal)
    dataset.problems = builder.problems
    return dataset


class _Builder:
    def __init__(self, path: str, raw: Dict[str, Any], bundled: Optional[Dataset]) -> None:
        self.path = path
        self.raw = raw
        self.bundled = bundled
        self.problems: List[Problem] = []
        self.unverified: Dict[str, Problem] = {}

    def problem(self, message, line, jurisdiction=None, field=None, severity="error") -> Problem:
        made = Problem(message, self.path, line, None, jurisdiction, field, severity)
        self.problems.append(made)
        return made

    def build(self) -> Dataset:
        raw = self.raw
        states = dict(self.bundled.states) if self.bundled else {}
        states.update(raw.get("states") or {})
        federal = dict(self.bundled.federal) if self.bundled else {}
        federal.update(raw.get("federal") or {})
        self.check_sources(raw.get("states") or {}, "states")
        self.check_sources(raw.get("federal") or {}, "federal")
        self.check_calendars(raw.get("states") or {})

        counties = self.read_counties(raw, states)
        by_fips = {j.fips: j for j in counties}
        standalone = []
        for index, record in enumerate(raw.get("jurisdictions") or []):
            line = line_of(raw["jurisdictions"], index)
            made = self.curated(record, line, by_fips, states)
            if made is not None and by_fips.get(made.fips) is not made:
                standalone.append(made)
        everything = standalone + counties
        seen: Dict[str, Jurisdiction] = {}
        for j in everything:
            for key in (j.id, *j.aliases):
                other = seen.get(key)
                if other is not None and other is not j:
                    self.problem(
                        f"id '{key}' is used twice (also at line {other.line}); ids must be unique",
                        j.line, j.id, "id",
                    )
                seen[key] = j
        everything.sort(key=lambda j: (j.state_code, j.name.lower(), j.id))
        return Dataset(self.path, federal, states, everything, unverified=self.inherited_cautions())

    def inherited_cautions(self) -> Dict[str, Problem]:
        """This file's unverified facts, and the bundled file's for the states and federal facts
        this file does not restate."""
        out: Dict[str, Problem] = {}
        if self.bundled is not None:
            own = {"states": set(self.raw.get("states") or {}), "federal": set(self.raw.get("federal") or {})}
            for key, caution in self.bundled.unverified.items():
                part, name = (re.split(r"[.\[]", key) + [""])[:2]
                if part in own and name not in own[part]:
                    out[key] = caution
        out.update(self.unverified)
        return out

    def read_counties(self, raw, states) -> List[Jurisdiction]:
        text = raw.get("counties")
        if not text:
            return []
        first_line = (line_of(raw, "counties") or 0) + 1
        rows = csv.reader(io.StringIO(text))
        header = next(rows, None)
        if header != ["fips", "state", "name"]:
            self.problem("the counties block must start with the header 'fips,state,name'", first_line, field="counties")
            return []
        out: List[Jurisdiction] = []
        for offset, row in enumerate(rows, start=1):
            line = first_line + offset
            if offset > schema.MAX_RECORDS:
                self.problem(f"the counties block has more than {schema.MAX_RECORDS:,} lines; a data file holds at"
                             f" most {schema.MAX_RECORDS:,} records (split it)", line, field="counties")
                return out
            if len(row) != 3:
                self.problem(f"a county line needs 3 values (fips,state,name), not {len(row)}", line, field="counties")
                continue
            fips, state, name = (value.strip() for value in row)
            if not re.fullmatch(r"\d{5}", fips) or state not in states or not name:
                self.problem(f"bad county line '{','.join(row)}': FIPS must be 5 digits and the state known",
                             line, field="counties")
                continue
            jid = county_id(name, state)
            if not schema.SLUG.match(jid):
                self.problem(f"the name '{name}' gives no id (it has no letters or digits)", line, field="counties")
                continue
            out.append(Jurisdiction(jid, name, state, "county", fips, {"name": name, "state": state,
                                    "kind": "county", "fips": fips}, states[state], self.path, line))
        return out

    def curated(self, record, line, by_fips, states) -> Optional[Jurisdiction]:
        """A hand-written record: laid over the generated county with its FIPS, or standalone."""
        if record.get("fips") not in by_fips:
            missing = [key for key in ("name", "state") if key not in record]
            for key in missing:
                self.problem("is missing (required) unless 'fips' names a county in the data", line,
                             record.get("id"), key)
            if missing:
                return None
        state = record.get("state")
        base = by_fips.get(record.get("fips"))
        name = record.get("name") or base.name
        state = state or base.state_code
        who = record.get("id") or (base.id if base else county_id(name, state))
        if not schema.SLUG.match(who):
            self.problem(f"the name '{schema._short(str(name))}' gives no id (it has no letters or digits to make"
                         " one from); add an 'id:' such as 'springfield'", line_of(record, "name"), None, "id")
            return None
        if state not in states:
            self.problem(f"state '{state}' has no facts in the data (add it under 'states:')",
                         line_of(record, "state"), who, "state")
            return None
        if base is not None:
            if base.state_code != state:
                self.problem(f"FIPS {base.fips} is in {base.state_code}, not {state}",
                             line_of(record, "fips"), who, "fips")
            merged = dict(base.record)
            merged.update(record)
            base.record = merged
            base.id = record.get("id", base.id)
            base.name, base.state_code = name, state
            base.kind = record.get("kind", base.kind)
            base.aliases = tuple(dict.fromkeys(a for a in (county_id(base.name, state), *record.get("aliases", ())) if a != base.id))
            base.path, base.line, base.lines = self.path, line, getattr(record, "lines", {})
            made = base
        else:
            made = Jurisdiction(
                who, name, state, record.get("kind", "county"), record.get("fips"), dict(record), states[state],
                self.path, line, tuple(a for a in record.get("aliases", ()) if a != who), getattr(record, "lines", {}),
            )
        if record.get("verified") is False:
            self.problem("record marked 'verified: false': check its facts against an official source", line,
                         made.id, None, "warning")
        elif not record.get("sources"):
            self.problem("record has no 'sources:' list (URLs or citations for its facts) nor 'verified: false'",
                         line, made.id, None, "unsourced")
        self.check_sources(record, made.id, jurisdiction=made.id)
        return made

    def check_calendars(self, states: Dict[str, Any]) -> None:
        """A deadline in business days needs the state's holidays; refuse a state the calendar lacks."""
        from ..deadlines import knows_state

        for code, facts in states.items():
            law = facts.get("records_law") if isinstance(facts, dict) else None
            if isinstance(law, dict) and law.get("deadline_unit") == "business" and not knows_state(code):
                self.problem(f"deadlines in business days need {code}'s holidays, which the holiday calendar does"
                             " not know; use 'deadline_unit: calendar' or a state code it knows",
                             line_of(law, "deadline_unit"), None, f"states.{code}.records_law.deadline_unit")

    def check_sources(self, blocks: Dict[str, Any], where: str, jurisdiction: Optional[str] = None) -> None:
        """Flag fact blocks that carry neither a source nor ``verified: false`` (``toolkit check``
        reports them), and blocks marked unverified (a warning)."""
        for key, block in _fact_blocks(blocks, where):
            line = getattr(block, "line", None)
            if block.get("verified") is False:
                caution = self.problem("marked 'verified: false': check it against an official source", line,
                                       jurisdiction, key, "warning")
                self.unverified[key] = caution  # documents that use this block carry it
            elif not block.get("source") and not block.get("sources"):
                self.problem("fact has no source: add 'source:' (a URL or citation) or 'verified: false'",
                             line, jurisdiction, key, "unsourced")
        facts = {id(block) for _, block in _fact_blocks(blocks, where)}
        for key, block in _nested_blocks(blocks, where):  # 'verified: false' counts at every level
            if id(block) not in facts and block.get("verified") is False:
                caution = self.problem("marked 'verified: false': check it against an official source",
                                       getattr(block, "line", None), jurisdiction, key, "warning")
                self.unverified[key] = caution


_FACT_KEYS = {"sib", "records_law", "county_body", "ice_field_office", "population", "activation",
              "prior_policies", "resolution", "history", "officials", "program", "ice", "ice_foia",
              "record_straight", "fbi_cjis", "reasons", "ogis", "foia_rules", "sender", "officers"}


def _fact_blocks(value: Any, where: str) -> Iterable[Tuple[str, Dict[str, Any]]]:
    if isinstance(value, dict):
        for key, child in value.items():
            name = f"{where}.{key}"
            if key in _FACT_KEYS and isinstance(child, dict):
                yield name, child
            elif key in _FACT_KEYS and isinstance(child, list):
                for i, item in enumerate(child):
                    if isinstance(item, dict):
                        yield f"{name}[{i}]", item
            elif isinstance(child, dict) and key not in _FACT_KEYS:
                yield from _fact_blocks(child, name)


def _nested_blocks(value: Any, where: str) -> Iterable[Tuple[str, Dict[str, Any]]]:
    """Every mapping inside ``value`` (not ``value`` itself), with its dotted name."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        name = f"{where}[{key}]" if isinstance(value, list) else f"{where}.{key}"
        if isinstance(child, dict):
            yield name, child
        if isinstance(child, (dict, list)):
            yield from _nested_blocks(child, name)
