"""The shape of the data files, and a validator that reports every problem with its line.

The schema is a table of :class:`Field` specs rather than a JSON-Schema document: it loads in no
time (loading all ~3,200 jurisdictions must stay far below WeasyPrint's import time) and its
messages speak to organisers ("unknown field 'nmae' (did you mean 'name'?)"), not to programmers.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field as _field
from typing import Any, Dict, List, Optional

from ..errors import Problem
from .yamlsource import line_of, printable

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STATE_CODE = re.compile(r"^[A-Z]{2}$")
FIPS = re.compile(r"^\d{2}(?:\d{3})?(?:\d{5})?$")
# Characters a document cannot hold: C0 controls but tab/newline/CR (XML 1.0 forbids them), DEL
# and the C1 controls (XML allows them, but no font draws them), surrogates, U+FFFE/U+FFFF.
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
KINDS = ("county", "city", "state")
DAY_UNITS = ("calendar", "business")
#: Longest text a field may hold: far beyond any real name, address or sentence of fact, short
#: enough that laying a document out stays fast (PDF layout of one unbroken word grows quadratically).
MAX_TEXT = 4000
#: Most records a data file may hold (the bundled file has about 3,300).
MAX_RECORDS = 50_000
#: Dates a fact may carry: Secure Communities facts are from the 2000s, history may go further back.
DATE_RANGE = (_dt.date(1776, 1, 1), _dt.date(2100, 12, 31))


@dataclass
class Field:
    """One field of a record: its type, whether it is required, and its children."""

    type: str  # str | int | bool | date | list | map | dict-of
    required: bool = False
    children: Dict[str, "Field"] = _field(default_factory=dict)
    item: Optional["Field"] = None
    pattern: Optional[re.Pattern] = None
    choices: tuple = ()
    hint: str = ""
    exact_str: bool = False  # numbers are refused rather than turned into text (FIPS, ZIP)
    unless: str = ""  # a required field may be left out when this sibling field is given
    low: Optional[int] = None  # smallest whole number allowed
    high: Optional[int] = None  # largest whole number allowed
    longest: int = MAX_TEXT  # most characters a text may have


def _map(**children: Field) -> Field:
    return Field("map", False, children)


def _list(item: Field, required: bool = False) -> Field:
    return Field("list", required, item=item)


def _str(required: bool = False, **kw) -> Field:
    return Field("str", required, **kw)


SOURCED: Dict[str, Field] = dict(source=Field("source"), verified=Field("bool"), note=_str())
TEXT_LINES = _list(_str())
OFFICE = _map(
    name=_str(True), division=_str(), attention=_str(), address=_list(_str(), True),
    email=_str(), phone=_str(), fax=_str(), portal=_str(),
    records_address=_list(_str()),  # where public-records requests to the office go, if not its address
    **SOURCED,
)
REASON = _map(id=_str(True), text=_str(True), citation=_str(True), unless=_str(choices=("detainers_required",)),
              **SOURCED)
DATED_FACT = _map(date=Field("date", True), text=_str(True), number=_str(), title=_str(), **SOURCED)
PERSON = _map(name=_str(), title=_str(), **SOURCED)

JURISDICTION = _map(
    id=_str(pattern=SLUG, hint="lower-case letters, digits and single hyphens, e.g. 'santa-clara'"),
    name=_str(True, unless="fips"),  # a record laid over a generated county takes its name and state
    state=_str(True, pattern=STATE_CODE, hint="a two-letter USPS code such as 'CA'", unless="fips"),
    kind=_str(choices=KINDS),
    fips=_str(pattern=FIPS, exact_str=True, hint="quote it, e.g. \"06085\""),
    aliases=_list(_str()),
    formal_name=_str(),
    text_name=_str(hint="how the place is named mid-sentence, e.g. 'the District of Columbia'"),
    governing_body=_str(hint="the body's title, e.g. 'Board of Supervisors'"),
    governing_body_name=_str(),
    chair_title=_str(),
    clerk_title=_str(),
    counsel_title=_str(),
    address=_list(_str()),
    phone=_str(),
    email=_str(),
    website=_str(),
    signer=PERSON,
    population=_map(value=Field("int", True, low=0, high=100_000_000), year=Field("int", low=1790, high=2100),
                    **SOURCED),
    activation=_map(date=Field("date", True), text=_str(), **SOURCED),
    prior_policies=_list(DATED_FACT),
    resolution=_map(number=_str(), title=_str(), date=Field("date"), vote=_str(), text=_str(), **SOURCED),
    history=_list(DATED_FACT),
    officials=_list(PERSON),
    sib=OFFICE,
    reasons=_list(REASON),
    sender=OFFICE,
    office=_str(hint="the office that sends the documents, e.g. 'Office of the County Counsel'"),
    contact_name=_str(),
    executive_title=_str(),
    no_county_government=_str(hint="say why, with a source"),
    sources=_list(Field("source")),
    verified=Field("bool"),
    notes=_str(),
)

STATE = _map(
    name=_str(True),
    text_name=_str(hint="how the state is named mid-sentence, e.g. 'the District of Columbia'"),
    fips=_str(pattern=FIPS, exact_str=True),
    sib=_map(**OFFICE.children),
    records_law=_map(
        name=_str(True),
        citation=_str(True),
        deadline_days=Field("int", low=1, high=365, hint="days the law gives to answer"),
        deadline_unit=_str(choices=DAY_UNITS),
        deadline_citation=_str(),
        deadline_action=_str(),
        extension=_str(),
        response=_str(hint="what the law requires of the agency, completing 'requires you to ...'"),
        extension_rule=_str(hint="how the law lets the agency extend the time, completing 'allows you to extend that time ...'"),
        clock_start=_str(choices=("receipt", "acknowledgment")),
        acknowledgment_days=Field("int"),
        acknowledgment_unit=_str(choices=DAY_UNITS),
        acknowledgment_citation=_str(),
        wording=_str(),
        **SOURCED,
    ),
    county_body=_map(title=_str(True), exceptions=_str(), presiding=_str(), counsel=_str(), clerk=_str(),
                     executive=_str(), citation=_str(), **SOURCED),
    own_bureau=Field("bool"),
    officers=_map(presiding=_str(), counsel=_str(), clerk=_str(), executive=_str(), citation=_str(), **SOURCED),
    county_counsel_title=_str(),
    no_county_government=_str(),
    ice_field_office=_map(name=_str(), address=_list(_str()), **SOURCED),
    notes=_str(),
)

FEDERAL = _map(
    program=_map(name=_str(True), agency=_str(True), status=_str(), **SOURCED),
    ice=OFFICE,
    ice_foia=OFFICE,
    record_straight=_map(title=_str(True), date=Field("date", True), **SOURCED),
    fbi_cjis=OFFICE,
    ogis=OFFICE,
    foia_rules=_map(electronic_since=Field("date", True), fee_default_limit=Field("int", True), **SOURCED),
    reasons=_list(REASON),
)

DATASET = _map(
    version=Field("int", low=0, high=1000),
    federal=FEDERAL,
    states=Field("dict-of", item=STATE, pattern=STATE_CODE),
    jurisdictions=Field("list", item=JURISDICTION, high=MAX_RECORDS),
    counties=_str(hint="CSV text: fips,state,name", longest=1 << 30),
)


@dataclass
class Validator:
    """Walks a loaded document against a :class:`Field` and collects :class:`Problem` s."""

    path: Optional[str]
    problems: List[Problem] = _field(default_factory=list)

    def problem(self, message, line, field, jurisdiction=None, severity="error"):
        self.problems.append(Problem(message, self.path, line, None, jurisdiction, field, severity))

    def check(self, value: Any, spec: Field, where: str, line: Optional[int], who: Optional[str] = None) -> Any:
        """Check ``value`` against ``spec``; return it normalised (numbers as text where allowed)."""
        kind = spec.type
        if kind == "str":
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) or (
                spec.exact_str and not isinstance(value, str)
            ):
                hint = f"; {spec.hint}" if spec.hint else ""
                self.problem(f"must be text, not {_describe(value)}{hint}", line, where, who)
                return value
            value = str(value)
            bad = FORBIDDEN_CHARS.search(value)
            if bad:
                self.problem(
                    f"contains control character U+{ord(bad.group()):04X}, which documents cannot hold;"
                    " delete it (it often comes from copy-paste)", line, where, who,
                )
            elif not visible(value):
                self.problem("is empty (or only invisible characters); fill it in or remove the line", line, where, who)
            elif len(value) > spec.longest:
                self.problem(f"is {len(value):,} characters long; a field holds at most {spec.longest:,}", line, where,
                             who)
            elif spec.pattern and not spec.pattern.match(value):
                hint = f"; {spec.hint}" if spec.hint else ""
                self.problem(f"'{_short(value)}' is not of the right form{hint}", line, where, who)
            elif spec.choices and value not in spec.choices:
                self.problem(f"'{_short(value)}' must be one of: {', '.join(spec.choices)}", line, where, who)
            return value
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(f"must be a whole number, not {_describe(value)}", line, where, who)
            elif (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
                hint = f" ({spec.hint})" if spec.hint else ""
                self.problem(f"{value} is out of range{hint}: it must be between {spec.low:,} and {spec.high:,}",
                             line, where, who)
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                self.problem(f"must be true or false, not {_describe(value)}", line, where, who)
            return value
        if kind == "date":
            if isinstance(value, _dt.datetime):
                value = value.date()
            if not isinstance(value, _dt.date):
                self.problem(f"must be a date written YYYY-MM-DD, not {_describe(value)}", line, where, who)
            elif not DATE_RANGE[0] <= value <= DATE_RANGE[1]:
                self.problem(f"the date {value.isoformat()} is out of range: it must be between"
                             f" {DATE_RANGE[0].year} and {DATE_RANGE[1].year}", line, where, who)
            return value
        if kind == "source":
            if isinstance(value, str) and visible(value) and len(value) <= MAX_TEXT:
                return value
            if isinstance(value, list) and value and all(
                    isinstance(v, str) and visible(v) and len(v) <= MAX_TEXT for v in value):
                return value
            self.problem("a source must be a URL or citation (text), or a list of them", line, where, who)
            return value
        if kind == "list":
            if not isinstance(value, list):
                self.problem(f"must be a list (lines starting with '- '), not {_describe(value)}", line, where, who)
                return value
            assert spec.item is not None
            if spec.high is not None and len(value) > spec.high:
                self.problem(f"has {len(value):,} entries; a data file holds at most {spec.high:,} (split it)",
                             line, where, who)
                return value
            for i, item in enumerate(value):
                owner = who or (item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str)
                                and SLUG.match(item["id"]) else None)
                value[i] = self.check(item, spec.item, f"{where}[{i}]", line_of(value, i) or line, owner)
            return value
        if kind == "dict-of":
            if not isinstance(value, dict):
                self.problem(f"must be a mapping, not {_describe(value)}", line, where, who)
                return value
            assert spec.item is not None
            for key in value:
                if spec.pattern and not (isinstance(key, str) and spec.pattern.match(key)):
                    self.problem(f"key '{_short(str(key))}' is not of the right form", line_of(value, key), where, who)
                    continue
                value[key] = self.check(value[key], spec.item, f"{where}.{key}", line_of(value, key), who)
            return value
        # map
        if not isinstance(value, dict):
            self.problem(f"must be a block of fields, not {_describe(value)}", line, where, who)
            return value
        for key in value:
            sub = f"{where}.{key}" if where else str(key)
            if key not in spec.children:
                close = difflib.get_close_matches(str(key), list(spec.children), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f"; known fields: {', '.join(spec.children)}"
                self.problem(f"unknown field '{_short(str(key))}'{hint}", line_of(value, key), sub, who)
                continue
            if value[key] is None:
                if spec.children[key].required:
                    self.problem("is required but empty", line_of(value, key), sub, who)
                continue
            value[key] = self.check(value[key], spec.children[key], sub, line_of(value, key), who)
        for key, child in spec.children.items():
            if child.required and key not in value and not (child.unless and child.unless in value):
                self.problem("is missing (required)", line, f"{where}.{key}" if where else key, who)
        return value


def visible(text: str) -> bool:
    """True if ``text`` has a character a reader can see (not only spaces, zero-width spaces,
    joiners, direction marks or other format characters)."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Cc")
               for ch in text)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (true/false)"
    if isinstance(value, dict):
        return "a block of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, _dt.date):
        return f"the date {value.isoformat()}"
    return f"'{_short(str(value))}'"


def _short(text: str, limit: int = 60) -> str:
    return printable(text, limit)
