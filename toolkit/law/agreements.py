"""Which local agencies hold a 287(g) agreement with ICE, of which model and since when; what each
model's termination clause says; and which ICE field office a notice goes to.

All of it is data (``agreements.yaml`` beside this module, made by ``scripts/import_287g.py`` from
ICE's participating-agencies list and the signed agreements ICE publishes), each row with its source
and ``verified``. Nothing here renders or knows about documents; :func:`view` is what a document
kind's template reads (see ``reads`` in :mod:`toolkit.documents`)::

    agreements = Agreements.bundled()
    agreements.held_by("24021", dt.date(2026, 11, 25))   # Frederick County, MD: its sheriff's JEM agreement
    agreements.clauses["WSO"].notice_days                  # 90: a WSO agreement ends 90 days after ICE gets the notice
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ..data.yamlsource import load_file
from ..errors import DataError, Problem

HERE = Path(__file__).resolve().parent

#: The 287(g) models ICE offers, by the code its list uses.
MODELS: Dict[str, str] = {
    "JEM": "Jail Enforcement Model",
    "WSO": "Warrant Service Officer model",
    "TFM": "Task Force Model",
}
#: What a jurisdiction can do about an agreement: end one it holds, not renew one at the end of its
#: term, or not enter one.
ACTIONS = ("end", "not-renew", "not-enter")


@dataclass(frozen=True)
class Clause:
    """The termination clause of one model's current agreement (the template ICE signs)."""

    model: str
    section: str
    heading: str
    text: str
    #: days between ICE's receipt of the agency's notice and the end of the agreement (0: on the notice)
    notice_days: int
    #: to whom the agency's notice goes, in the clause's words ("the local Field Office", "the FOD")
    to: str
    template: str
    source: str
    verified: bool
    line: Optional[int] = None


@dataclass(frozen=True)
class Agreement:
    """One local agency's 287(g) agreement(s), as ICE's list gives them."""

    state: str
    county: str
    fips: Optional[str]
    agency: str
    models: Tuple[str, ...]
    signed: Optional[dt.date]
    signed_by_model: Tuple[Tuple[str, dt.date], ...]
    moa_url: Tuple[Tuple[str, str], ...]
    source: str
    verified: bool
    line: Optional[int] = None

    @property
    def head(self) -> str:
        """The title of the officer who holds the agreement for the agency."""
        return agency_head(self.agency)


@dataclass(frozen=True)
class FieldOffice:
    """An ICE Enforcement and Removal Operations field office and the area it covers."""

    name: str
    address: Tuple[str, ...]
    covers: str
    counties: Tuple[str, ...]
    source: str
    verified: bool
    line: Optional[int] = None


def agency_head(agency: str) -> str:
    """"Harris County Sheriff's Office" -> "Sheriff"; a jail or corrections department -> "Director"."""
    lowered = agency.lower()
    if "sheriff" in lowered:
        return "Sheriff"
    if "police" in lowered:
        return "Chief of Police"
    if "commissioners" in lowered or "commission" in lowered or "board" in lowered:
        return "Chair"
    if "jail" in lowered or "detention" in lowered or "correction" in lowered:
        return "Director"
    return "Director"


def _base(name: str) -> str:
    """"Harris County" -> "harris"; "St. Mary's County" -> "st. mary's" (for matching a field office's list)."""
    words = name.split()
    while words and words[-1].lower() in ("county", "parish", "borough", "city", "municipality", "and"):
        words.pop()
    return " ".join(words).lower()


def _date(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _fips(value: Any) -> Optional[str]:
    if value is None or value == "":
        return None
    text = str(value).strip()
    return text.zfill(5) if text.isdigit() and len(text) <= 5 else None


class Agreements:
    """The agreements data, read from one YAML file and checked."""

    def __init__(self, path: "str | Path") -> None:
        self.path = str(path)
        raw = load_file(self.path) or {}
        self.problems: List[Problem] = []
        as_of = _date(raw.get("as_of"))
        if as_of is None:
            raise DataError("the agreements data needs 'as_of', the date of ICE's list (YYYY-MM-DD)",
                            path=self.path, line=getattr(raw, "line", None), field="as_of")
        self.as_of: dt.date = as_of
        self.list_source = " ".join(str(raw.get("list_source") or "").split())
        self.list_url = str(raw.get("list_url") or "https://www.ice.gov/287g")
        self.clauses = self._clauses(raw.get("termination_clauses") or {})
        self.field_offices = self._field_offices(raw.get("field_offices") or {})
        self.rows = self._rows(raw.get("agreements") or [])
        self._by_fips: Dict[str, List[Agreement]] = {}
        for row in self.rows:
            if row.fips:
                self._by_fips.setdefault(row.fips, []).append(row)

    @staticmethod
    @lru_cache(maxsize=1)
    def bundled() -> "Agreements":
        """The data toolkit ships with (read once; the objects are immutable)."""
        return Agreements(HERE / "agreements.yaml")

    # --- reading --------------------------------------------------------------------------------

    def _fail(self, message: str, line: Optional[int], field: Optional[str] = None):
        raise DataError(message, path=self.path, line=line, field=field)

    def _clauses(self, raw: Mapping[str, Any]) -> Dict[str, Clause]:
        out = {}
        for model, item in raw.items():
            line = getattr(item, "line", None)
            if model not in MODELS:
                self._fail(f"unknown 287(g) model '{model}'; known: {', '.join(MODELS)}", line, "termination_clauses")
            for key in ("section", "text", "source", "to"):
                if not item.get(key):
                    self._fail(f"a termination clause needs '{key}'", line, key)
            days = item.get("notice_days")
            if not isinstance(days, int) or days < 0:
                self._fail("notice_days must be a whole number of days (0: the agreement ends on the notice)", line,
                           "notice_days")
            clause = Clause(model, str(item["section"]), " ".join(str(item.get("heading") or "").split()),
                            " ".join(str(item["text"]).split()), days, str(item["to"]),
                            str(item.get("template") or ""), " ".join(str(item["source"]).split()),
                            item.get("verified") is True, line)
            if not clause.verified:
                self.problems.append(self._unverified(line, f"agreements.termination_clauses.{model}"))
            out[model] = clause
        return out

    def _field_offices(self, raw: Mapping[str, Any]) -> Dict[str, Tuple[FieldOffice, ...]]:
        out = {}
        for state, items in raw.items():
            offices = []
            for item in items or []:
                line = getattr(item, "line", None)
                for key in ("name", "address", "source"):
                    if not item.get(key):
                        self._fail(f"a field office needs '{key}'", line, key)
                offices.append(FieldOffice(
                    str(item["name"]), tuple(str(a) for a in item["address"]), " ".join(str(item.get("covers") or "").split()),
                    tuple(str(c) for c in item.get("counties") or ()), " ".join(str(item["source"]).split()),
                    item.get("verified") is True, line))
            out[str(state)] = tuple(offices)
        return out

    def _rows(self, raw: Sequence[Any]) -> Tuple[Agreement, ...]:
        rows = []
        for item in raw:
            line = getattr(item, "line", None)
            for key in ("state", "agency", "models", "source"):
                if not item.get(key):
                    self._fail(f"an agreement needs '{key}'", line, key)
            models = tuple(str(m) for m in item["models"])
            bad = [m for m in models if m not in MODELS]
            if bad:
                self._fail(f"unknown 287(g) model '{bad[0]}'; known: {', '.join(MODELS)}", line, "models")
            by_model = item.get("signed_by_model") or {}
            rows.append(Agreement(
                state=str(item["state"]), county=str(item.get("county") or ""), fips=_fips(item.get("fips")),
                agency=" ".join(str(item["agency"]).split()), models=models, signed=_date(item.get("signed")),
                signed_by_model=tuple((str(m), d) for m, d in ((m, _date(v)) for m, v in by_model.items()) if d),
                moa_url=tuple((str(m), str(u)) for m, u in (item.get("moa_url") or {}).items()),
                source=" ".join(str(item["source"]).split()), verified=item.get("verified") is True, line=line))
        return tuple(rows)

    def _unverified(self, line: Optional[int], field: str) -> Problem:
        return Problem("marked 'verified: false': check it against an official source", self.path, line, None, None,
                       field, "warning")

    # --- asking ---------------------------------------------------------------------------------

    def held_by(self, fips: Optional[str], date: dt.date) -> List[Agreement]:
        """The agreements ICE's list shows for agencies of the county with this FIPS code, signed on
        or before ``date`` (a row without a date counts from the list's date)."""
        if not fips:
            return []
        return [row for row in self._by_fips.get(fips, []) if (row.signed or self.as_of) <= date]

    def field_office(self, state: str, county: str) -> Tuple[Optional[FieldOffice], bool]:
        """The field office that covers ``county`` in ``state``, and whether that is certain (one office
        for the state, or one that names the county)."""
        offices = self.field_offices.get(state, ())
        if len(offices) == 1:
            return offices[0], True
        base = _base(county)
        named = [o for o in offices if base and any(_base(c) == base for c in o.counties)]
        if len(named) == 1:
            return named[0], True
        return (offices[0] if offices else None), False


__all__ = ["Agreements", "Agreement", "Clause", "FieldOffice", "MODELS", "ACTIONS", "agency_head"]


# --- what a document reads ------------------------------------------------------------------------

class Block(dict):
    """A mapping a document reads, with the cautions of its facts marked ``verified: false``, by
    where they sit in it (``agreement.facts.statute``)."""

    unverified: Dict[str, Problem]
    #: the field values the block chose (for a form to show as defaults)
    fields: Dict[str, str]


@lru_cache(maxsize=1)
def facts() -> Tuple[Mapping[str, Any], Dict[str, Problem]]:
    """The federal facts the documents recite (``enforcement.yaml``): section 287(g), each model's
    delegation, the detainer form and warrant, the court decisions; and the cautions of the blocks
    marked ``verified: false``, by their place under ``facts``."""
    path = str(HERE / "enforcement.yaml")
    raw = load_file(path) or {}
    unverified: Dict[str, Problem] = {}

    def mark(node: Any, name: str) -> None:
        if isinstance(node, dict):
            if node.get("verified") is False:
                unverified[name] = Problem("marked 'verified: false': check it against an official source", path,
                                           getattr(node, "line", None), None, None, f"enforcement{name[5:]}",
                                           "warning")
            for key, value in node.items():
                mark(value, f"{name}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                mark(value, f"{name}[{i}]")

    mark(raw, "facts")
    return raw, unverified


def operative(text: str) -> str:
    """The sentences of a termination clause about the agency's own notice ("... by the LEA ...")."""
    sentences = re.split(r"(?<=[.])\s+(?=[A-Z])", text)
    return " ".join(s for s in sentences if "by the LEA" in s) or text

def _problem(message: str, path: Optional[str], line: Optional[int], jurisdiction: Optional[str], field: str) -> Problem:
    return Problem(message, path, line, None, jurisdiction, field, "warning")


def _template_date(template: str) -> Optional[dt.date]:
    """"Revised 02/15/2025" -> 2025-02-15."""
    found = re.search(r"(\d{1,2})/(\d{1,2})/(\d{2,4})", template)
    if not found:
        return None
    month, day, year = (int(x) for x in found.groups())
    return dt.date(year + 2000 if year < 100 else year, month, day)


def default_agency(j: Any) -> Tuple[str, str]:
    """The agency that would hold an agreement for ``j``, and its head, where ICE's list names none:
    the county's sheriff's office; a city's police department; D.C.'s Department of Corrections."""
    if j.state_code == "DC" and j.kind != "county":
        return "District of Columbia Department of Corrections", "Director"
    if j.is_city and not j.is_county_equivalent:
        return f"{j.name} Police Department", "Chief of Police"
    name = j.record.get("formal_name") or j.name
    if name.startswith("County of "):
        name = f"{name[len('County of '):]} County"
    return f"{name} Sheriff's Office", "Sheriff"


def _models(text: str, field: str, jurisdiction: str) -> Tuple[str, ...]:
    models = tuple(dict.fromkeys(m.strip().upper() for m in text.replace("/", ",").split(",") if m.strip()))
    bad = [m for m in models if m not in MODELS]
    if bad or not models:
        raise DataError(f"'{text}' is not a 287(g) model; give JEM, WSO or TFM (several separated by commas)",
                        field=field, jurisdiction=jurisdiction)
    return models


def view(j: Any, dataset: Any, date: dt.date, laws: Sequence[Any], fields: Mapping[str, str],
         cautions: List[Problem]) -> Block:
    """What a 287(g) or detainer document reads about ``j`` on ``date``: the agreements ICE's list shows
    for its agencies (``all``), the agency the document is about (``agency``, its ``head``), what the
    document does about it (``action``: end, not-renew, not-enter), each model it holds with its
    termination clause (``models[i].clause``), the ICE field office a notice goes to, the state laws on
    agreements, and the federal facts (``facts``).

    A fact to check is a caution on the place a template reads it from (``Block.unverified``), so a
    document that never reads the field office is not cautioned about its address."""
    data = Agreements.bundled()
    rows = sorted(data.held_by(j.fips, date), key=lambda r: "sheriff" not in r.agency.lower())  # the sheriff first
    fallback, fallback_head = default_agency(j)
    agency = fields.get("agency") or (rows[0].agency if rows else fallback)
    chosen = [r for r in rows if r.agency.lower() == agency.lower()]
    given = fields.get("agreement_model")
    unverified: Dict[str, Problem] = {}
    day = f"{data.as_of:%B} {data.as_of.day}, {data.as_of.year}"
    signed: Optional[dt.date] = None
    if fields.get("agreement_signed"):
        signed = _date(fields["agreement_signed"])
        if signed is None or signed > date:
            raise DataError(f"'{fields['agreement_signed']}' is not a date (YYYY-MM-DD) on or before the document's"
                            " date", field="agreement_signed", jurisdiction=j.id)
    models: List[Dict[str, Any]] = []
    if given:
        models = [{"code": code, "signed": signed, "moa_url": None} for code in _models(given, "agreement_model", j.id)]
    for row in chosen if not given else ():
        by_model, urls = dict(row.signed_by_model), dict(row.moa_url)
        models += [{"code": code, "signed": by_model.get(code) or row.signed, "moa_url": urls.get(code)}
                   for code in row.models]
        if not row.verified:
            cautions.append(_problem(f"the 287(g) agreement of the {row.agency} is marked 'verified: false': check it"
                                     " on ICE's list", data.path, row.line, j.id, "agreements"))
    held = bool(models)
    action = fields.get("agreement_action") or ("end" if held else "not-enter")
    if action not in ACTIONS:
        raise DataError(f"'{action}' is not one of {', '.join(ACTIONS)}", field="agreement_action", jurisdiction=j.id)
    if action != "not-enter" and not held:
        raise DataError(
            f"ICE's list of {day} in the data shows no 287(g) agreement for the {agency}, so there is nothing to"
            f" {action.replace('-', ' ')}; if it holds one, give its model in the field 'agreement_model' (and its"
            " date in 'agreement_signed'), or choose 'not-enter'", field="agreement_action", jurisdiction=j.id)
    for i, model in enumerate(models):
        clause = data.clauses.get(model["code"])
        if clause is None:
            raise DataError(f"the data has no termination clause for the {MODELS[model['code']]}", path=data.path,
                            field=f"termination_clauses.{model['code']}")
        since = _template_date(clause.template)
        model.update(name=MODELS[model["code"]], clause={
            "section": clause.section, "heading": clause.heading, "text": clause.text,
            "operative": operative(clause.text), "notice_days": clause.notice_days, "to": clause.to,
            "template": clause.template, "since": since, "source": clause.source})
        if model["signed"] and since and model["signed"] < since:
            unverified[f"agreement.models[{i}].clause"] = _problem(
                f"the {agency}'s {model['code']} agreement was signed on {model['signed']:%B} {model['signed'].day},"
                f" {model['signed'].year}, before ICE's current {model['code']} agreement ({clause.template}); the"
                f" document quotes section {clause.section} of the current one: check the termination clause of the"
                " signed agreement" + (f" ({model['moa_url']})" if model["moa_url"] else ""),
                data.path, clause.line, j.id, f"termination_clauses.{model['code']}")
        elif not clause.verified:
            unverified[f"agreement.models[{i}].clause"] = _problem(
                "marked 'verified: false': check it against the signed agreement", data.path, clause.line, j.id,
                f"termination_clauses.{model['code']}")
    if (date - data.as_of).days > 30 and not given:
        unverified["agreement.list"] = _problem(
            (f"the 287(g) agreements in the data are from ICE's list of {day}: check ICE's current list"
             f" ({data.list_url}) and the signed agreement for the {agency} before sending") if held else
            (f"ICE's list of {day} in the data shows no 287(g) agreement for the {agency}, and ICE has signed"
             f" hundreds since: check ICE's current list ({data.list_url}); if the agency holds one now, give its"
             " model in the field 'agreement_model'"), data.path, None, j.id, "agreements.as_of")
    county = j.record.get("text_name") or j.name
    field_office: Optional[Dict[str, Any]] = None
    office, certain = data.field_office(j.state_code, j.name)
    block = j.state.get("ice_field_office")
    if office is not None:
        field_office = {"name": office.name, "address": list(office.address), "source": office.source}
        words = [] if office.verified else [f"the address of ICE's {office.name} is marked 'verified: false': check"
                                            " it on https://www.ice.gov/contact/field-offices before sending"]
        if not certain:
            words.append(f"more than one ICE field office serves {j.state.get('name') or j.state_code}; the document"
                         f" uses the {office.name}: check which one covers {county}")
        if words:
            unverified["agreement.field_office"] = _problem("; ".join(words), data.path, office.line, j.id,
                                                            f"field_offices.{j.state_code}")
    elif block:  # the state's field office in the jurisdictions data
        field_office = {"name": block["name"], "source": block.get("source"), "address": [
            "Field Office Director, Enforcement and Removal Operations", "U.S. Immigration and Customs Enforcement",
            *block["address"]]}
        if block.get("verified") is False:
            unverified["agreement.field_office"] = dataset.unverified.get(
                f"states.{j.state_code}.ice_field_office") or _problem(
                "marked 'verified: false': check it against an official source", j.path, j.line, j.id,
                f"states.{j.state_code}.ice_field_office")
    head = fields.get("agency_head") or (agency_head(agency) if (chosen or fields.get("agency")) else fallback_head)
    if not (chosen or fields.get("agency")):
        cautions.append(_problem(f"the data does not name the agency that would hold a 287(g) agreement or runs the"
                                 f" jail for {county}; the document assumes the {agency}: check it",
                                 j.path, j.line, j.id, "agency"))
    office_of = re.match(r"(.+?) Sheriff['’]s (?:Office|Department)$", agency)
    signature = f"Sheriff, {office_of.group(1)}" if head == "Sheriff" and office_of else f"{head}, {agency}"
    instrument = fields.get("instrument") or "resolution"
    if instrument not in ("ordinance", "resolution"):
        raise DataError(f"'{instrument}' is not 'ordinance' or 'resolution'", field="instrument", jurisdiction=j.id)
    known, fact_cautions = facts()
    unverified.update({f"agreement.{path}": problem for path, problem in fact_cautions.items()})
    address = [p.strip() for p in (fields.get("address") or "").split(";") if p.strip()]
    ninety = max([m["clause"]["notice_days"] for m in models] or [0])

    def law_words(entry: Any) -> Dict[str, Any]:
        return {"title": entry.title, "citation": entry.citation, "effect": entry.effect, "id": entry.id}

    out = Block({
        "held": held,
        "action": action,
        "agency": agency,
        "head": head,
        "signature": signature,
        "models": models,
        "notice_days": ninety,
        "effective_after": date + dt.timedelta(days=ninety) if ninety else None,
        "all": [{"agency": r.agency, "head": r.head, "models": [MODELS[m] for m in r.models], "signed": r.signed,
                 "codes": list(r.models)} for r in rows],
        "others": [{"agency": r.agency, "head": r.head} for r in rows if r.agency.lower() != agency.lower()],
        "list": {"date": data.as_of, "url": data.list_url},
        "field_office": field_office,
        "facts": known,
        "model_facts": [{"code": code, "name": name, "text": ((known.get("models") or {}).get(code) or {}).get("text")}
                        for code, name in MODELS.items()],
        "banned_by": [law_words(e) for e in laws if e.rule("agreement_287g") == "banned"],
        "conditioned_by": [law_words(e) for e in laws if e.rule("agreement_287g") in ("approval_needed", "conditioned")],
        "required_by": [law_words(e) for e in laws if e.rule("agreement_287g") in ("required", "must_apply")],
        "instrument": instrument,
        "county": county,
        "address_lines": address,
        # where the agency's replies go: only what the fields give (the county's own office is not the agency's)
        "reply_to": fields.get("contact") or ", ".join(part for part in (
            fields.get("contact_name"), fields.get("office"), ", ".join(address), fields.get("email"),
            fields.get("phone")) if part) or None,
    })
    out.unverified = unverified
    out.fields = {"agency": agency, "agency_head": head, "agreement_action": action, "instrument": instrument}
    return out
