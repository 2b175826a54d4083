"""Build what a template sees: the jurisdiction, its state's facts, federal facts, the date and
the ``--set`` fields, with the defaults a real office would use."""

from __future__ import annotations

import datetime as dt
from collections import ChainMap
from typing import Any, Dict, List, Mapping, Optional

from .data.dataset import Dataset, Jurisdiction
from .data.schema import FORBIDDEN_CHARS
from .law import calendar
from .law.calendar import Deadline
from . import documents
from .documents import FIELDS
from .law import Law, ProgramStatus, StateLaw
from .errors import DataError, NotApplicable, Problem
from .templating import Record

FEDERAL_FOIA_DAYS = 20  # 5 U.S.C. § 552(a)(6)(A)(i): twenty working days


def check_fields(fields: Mapping[str, Any]) -> Dict[str, str]:
    """Validate ``--set`` values: known keys, visible text of at most :data:`~toolkit.data.schema.MAX_TEXT`
    characters without control characters."""
    from .data.schema import MAX_TEXT, visible

    if not isinstance(fields, Mapping):
        raise DataError(f"fields must be a mapping of field names to text, not {type(fields).__name__}")
    out = {}
    for key, value in fields.items():
        if key not in FIELDS:
            import difflib

            close = difflib.get_close_matches(str(key), list(FIELDS), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise DataError(f"unknown field '{key}'; {hint}known: {', '.join(FIELDS)}", field=str(key), input="fields")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise DataError(f"must be text, not {type(value).__name__}", field=key, input="fields")
        text = str(value)
        if not visible(text):
            raise DataError("is empty (or only invisible characters); give the field a value", field=key,
                            input="fields")
        if len(text) > MAX_TEXT:
            raise DataError(f"is {len(text):,} characters long; a field holds at most {MAX_TEXT:,}", field=key,
                            input="fields")
        bad = FORBIDDEN_CHARS.search(text)
        if bad:
            raise DataError(f"contains control character U+{ord(bad.group()):04X}, which documents cannot hold",
                            field=key, input="fields")
        out[key] = " ".join(text.split())
    return out


def body_name(name: str, title: str) -> str:
    """"Santa Clara County" + "Board of Supervisors" -> "Santa Clara County Board of Supervisors";
    "Arlington County" + "County Board" -> "Arlington County Board" (the shared word once)."""
    last = name.split()[-1] if name.split() else ""
    if title.split()[:1] == [last]:
        title = title[len(last):].lstrip()
    return f"{name} {title}"


#: Last words that make a name like "Allegheny County" or "Isle of Wight County", which takes no article.
KIND_WORDS = {"county", "parish", "borough", "city", "area", "municipality", "town", "township", "village"}


#: Census names of county-equivalents that are not how the government styles itself, and how it does:
#: (Census ending, official name, how a sentence names it, its governing body).
STYLES = (
    (" City and Borough", "City and Borough of {0}", "the City and Borough of {0}", "Assembly of the City and Borough of {0}"),
    (" Municipality", "Municipality of {0}", "the Municipality of {0}", "Assembly of the Municipality of {0}"),
    (" city", "City of {0}", "the City of {0}", "{0} City Council"),
)


def official_style(census_name: str):
    """How a government the Census names "Richmond city" or "Juneau City and Borough" styles itself:
    ``("City of Richmond", "the City of Richmond", "Richmond City Council")``; None for names that
    are already the official style."""
    for ending, formal, text, body in STYLES:
        if census_name.endswith(ending) and len(census_name) > len(ending):
            base = census_name[: -len(ending)]
            return formal.format(base), text.format(base), body.format(base)
    return None


def with_article(name: str) -> str:
    """How a sentence names a government: "the County of Santa Clara", "the District of Columbia",
    but "Allegheny County" (a name that ends in its kind takes no article); a name written with its
    own "The" keeps it in lower case mid-sentence."""
    if name.startswith("The "):
        return "the " + name[4:]
    words = name.split()
    return name if words and words[-1].lower() in KIND_WORDS else f"the {name}"


def build(document: str, jurisdiction: Jurisdiction, dataset: Dataset, date: dt.date,
          fields: Mapping[str, str], cautions: Optional[List[Problem]] = None) -> Dict[str, Any]:
    """The template context for one document. Facts marked ``verified: false`` that go into it are
    appended to ``cautions`` (the record itself, the state's body title, and every fact block the
    template reads)."""
    j, state = jurisdiction, jurisdiction.state
    cautions = [] if cautions is None else cautions
    record = dict(j.record)
    reason = record.get("no_county_government") or (state.get("no_county_government") if j.kind == "county" else None)
    if reason and not fields.get("governing_body"):
        raise DataError(
            f"{j.name} has no county government ({reason.rstrip('.')}); documents must come from a body"
            " that exists: add the town or city to a data file (kind: city), or give the field governing_body",
            jurisdiction=j.id, field="governing_body", path=j.path, line=j.line,
        )
    is_city = j.is_city
    own_title = fields.get("governing_body") or record.get("governing_body")
    county_body = state.get("county_body") or {}
    title = own_title or ("City Council" if is_city else county_body.get("title"))
    if not title:
        raise DataError(
            "no governing body title for this jurisdiction or its state; add 'governing_body' to the"
            " data or give the field governing_body", jurisdiction=j.id, field="governing_body",
            path=j.path, line=j.line,
        )
    if record.get("verified") is False:
        cautions.append(Problem("this record is marked 'verified: false': check its facts against an official"
                                " source", j.path, j.line, None, j.id, None, "warning"))
    caution = dataset.unverified.get(f"states.{j.state_code}.county_body")  # the state's usual title
    if not (own_title or is_city) and caution is not None:
        cautions.append(caution)
    style = official_style(j.name)
    formal = record.get("formal_name") or (style[0] if style else j.name)
    the_formal = with_article(formal)
    body = fields.get("governing_body_name") or (
        record.get("governing_body_name") if not fields.get("governing_body") else None) or (
        style[2] if style and not own_title else body_name(j.name, title))
    kind = documents.kind(document)
    usual = state.get("officers") or {} if not (own_title or is_city) else {}
    officers = officers_of(j, record, usual, fields, title, body, formal, cautions)
    if usual and usual.get("verified") is False and any(
            officers.origin.get(role) == "state" for role in ("presiding", "counsel", "clerk")):
        cautions.append(dataset.unverified.get(f"states.{j.state_code}.officers") or Problem(
            "marked 'verified: false': check it against an official source", None, None, None, None,
            f"states.{j.state_code}.officers", "warning"))
    law = Law.bundled()
    status = law.status(date)
    check_era(kind, status, j)
    own_bureau = bool(state.get("own_bureau"))
    if own_bureau and not kind.own_bureau_ok:
        sib = state.get("sib") or {}
        raise NotApplicable(
            f"the {sib.get('name', 'records office')} is an agency of {with_article(state.get('name', j.name))}"
            f" itself, so {record.get('text_name') or j.name} does not send it a request under its own records law;"
            " use the other documents",
            jurisdiction=j.id, field=f"states.{j.state_code}.own_bureau", path=j.path, line=j.line)
    laws = law.state_laws(j.state_code, date)
    decided = kind.decide(laws)  # state law refuses this kind, or calls for its lawful alternative
    if decided and decided[0].then == "refuse":
        raise NotApplicable(kind.refusal(decided[1], record.get("text_name") or j.name), jurisdiction=j.id,
                        field=f"law.{j.state_code}.{decided[1][0].id}", path=decided[1][0].path, line=decided[1][0].line)
    if decided:
        cautions.append(Problem(kind.alternative_note(decided[1]), decided[1][0].path, decided[1][0].line, None, j.id,
                                f"law.{j.state_code}.{decided[1][0].id}", "law"))
    extra = {name: provide(j, dataset, date, laws, fields, cautions) for name, provide in kind.reads}
    requiring = [entry for entry in laws if entry.binding]
    if kind.policy:
        cautions.extend(entry.caution() for entry in requiring)
    used = {f"law.{j.state_code}.{entry.id}" for entry in laws}
    if kind.policy:   # the letter and resolution recite the program's history
        used.update(f"timeline.{e.id}" for e in status.events if e.topic == "program")
    cautions.extend(problem for problem in law.problems if problem.field in used)
    view = {
        **record,
        "id": j.id,
        "name": j.name,
        "formal_name": formal,
        "the_formal_name": the_formal,
        "kind": j.kind,
        "state": j.state_code,
        "state_name": state.get("name"),
        "text_name": record.get("text_name") or (style[1] if style else j.name),
        "state_text_name": state.get("text_name") or state.get("name"),
        "state_differs": state.get("name") != j.name,
        "law_name": f"{state.get('name')} law",
        "own_bureau": own_bureau,
        "body": body,
        "body_title": title,
        "chair_title": officers["presiding"],
        "clerk_title": officers["clerk"],
        "counsel_title": officers["counsel"],
    }
    signer = record.get("signer") or {}
    address = fields.get("address")
    office = record.get("sender") or {}
    address_lines = [part.strip() for part in address.split(";") if part.strip()] if address else list(
        office.get("address") or record.get("address") or [])
    sender: Dict[str, Any] = {
        "office": fields.get("office") or office.get("name") or record.get("office"),
        "address_lines": address_lines,
        "email": fields.get("email") or office.get("email") or record.get("email"),
        "phone": fields.get("phone") or office.get("phone") or record.get("phone"),
        "contact_name": fields.get("contact_name") or record.get("contact_name"),
    }
    if office and office.get("verified") is False and not (address and fields.get("office")):
        cautions.append(dataset.unverified.get(f"{j.id}.sender") or Problem(
            "marked 'verified: false': check it against an official source", j.path, j.line, None, j.id,
            f"{j.id}.sender", "warning"))
    office_name: Optional[str] = sender["office"]
    if office_name and not sender["contact_name"] and not office_name.lower().startswith("the "):
        office_name = f"the {office_name}"
    reply: List[Optional[str]] = [sender["contact_name"], office_name, ", ".join(address_lines) or None,
                                  sender["email"], sender["phone"]]
    values = {
        "signer": fields.get("signer") or signer.get("name"),
        "signer_title": fields.get("signer_title") or signer.get("title") or (
            extra[kind.signer]["signature"] if kind.signer in extra else officers.signature(kind.signer)),
        "requester": fields.get("requester") or the_formal,
        "reply_to": fields.get("contact") or (", ".join(str(part) for part in reply if part) if any(
            reply[i] for i in (0, 2, 3, 4)) else None),
        "resolution_number": fields.get("resolution_number"),
        "fee_limit": fee_limit(fields.get("fee_limit"), dataset.federal),
        "expedite": fields.get("expedite"),
        **sender,
        # the facts of a tracked request and its remedy (follow-up, appeal), as given
        **{k: v for k, v in fields.items() if k in documents.REQUEST_FIELDS + documents.REMEDY_FIELDS},
    }
    view["past_acts"] = past_acts(record, date)
    reasons_from = f"{j.id}.reasons" if record.get("reasons") else "federal.reasons"
    reasons = [r for r in (record.get("reasons") or dataset.federal.get("reasons") or [])
               if not (r.get("unless") == "detainers_required" and any(
                   entry.rule("detainers") == "must_honor" for entry in laws))]
    program = {
        "era": status.era,
        "running": status.running,
        "events": [{"id": e.id, "date": e.date, "text": e.text} for e in status.events],
        "since_2011": [{"id": e.id, "date": e.date, "text": e.text} for e in status.events
                       if e.date > dt.date(2011, 1, 1) and e.topic == "program"],
        **{e.id.replace("-", "_"): {"date": e.date, "text": e.text} for e in status.events},
    }
    state_law = {
        "name": f"{state.get('name')} law",
        "laws": [law_view(entry) for entry in laws],
        "requiring": [law_view(entry) for entry in requiring],
        "limiting": [law_view(entry) for entry in laws if not entry.requires],
        "duties": [law_view(entry) for entry in laws if entry.requires and not entry.binding],
        "requires": bool(requiring),
        "detainers_required": any(entry.rule("detainers") == "must_honor" for entry in laws),
        "agreement_required": any(entry.rule("agreement_287g") in ("required", "must_apply") for entry in laws),
        "agreement_banned": any(entry.rule("agreement_287g") == "banned" for entry in laws),
        "detainers_judicial_only": any(entry.rule("detainers") == "judicial_only" for entry in laws),
        "levers": levers(laws),
        "alternative": [law_view(entry) for entry in decided[1]] if decided else [],
    }
    def wrap(data, name, facts):
        return Record(data, name, j.id, j.path, j.line, facts=facts, unverified=dataset.unverified, cautions=cautions)

    def due(days: int, unit: str, federal: bool = False) -> Deadline:
        return calendar.due(date, int(days), str(unit), None if federal else j.state_code)

    def due_from(start: dt.date, days: int, unit: str, federal: bool = False) -> Deadline:
        return calendar.due(start, int(days), str(unit), None if federal else j.state_code)

    def deadline(days: int, unit: str, federal: bool = False) -> dt.date:
        return due(days, unit, federal).date

    return {
        "_fields": {**{k: ("; ".join(v) if isinstance(v, list) else v) for k, v in values.items() if v},
                    **{k: v for block in extra.values() for k, v in getattr(block, "fields", {}).items() if v}},
        "document": document,
        "j": wrap(view, "jurisdiction", j.id),
        "state": wrap({**state, "code": j.state_code}, "state", f"states.{j.state_code}"),
        "federal": wrap(dataset.federal, "federal", "federal"),
        "fields": wrap(values, "fields", "fields"),
        "date": date,
        "deadline": deadline,
        "due": due,
        "due_from": due_from,
        "federal_foia_days": FEDERAL_FOIA_DAYS,
        "program": wrap(program, "program", "program"),
        "law": wrap(state_law, "law", "law"),
        "officers": wrap({**officers, "signature": officers.signature("presiding")}, "officers", "officers"),
        "reasons": [wrap(r, f"reasons[{i}]", f"{reasons_from}[{i}]") for i, r in enumerate(reasons)],
        **{name: Record(dict(value), name, j.id, j.path, j.line, facts=name, cautions=cautions,
                        unverified=ChainMap(getattr(value, "unverified", {}), dataset.unverified))
           for name, value in extra.items()},
    }


class Officers(dict):
    """The officers of a jurisdiction's government, by role: ``presiding`` (who chairs the body and
    signs its letters), ``counsel`` (its lawyer, who makes its records requests), ``clerk`` (who
    attests its acts) and ``executive`` (where there is one)."""

    body: str = ""
    formal: str = ""
    #: where each title came from: "fields", "record", "state" or "default"
    origin: Dict[str, str]

    def signature(self, role: str) -> str:
        """How the officer in ``role`` signs: "County Judge, Harris County"; "Chair, Santa Clara County
        Board of Supervisors" (a title that names its own office takes the government's name, the
        others the body's)."""
        title = self[role]
        if role == "presiding" and not any(word in title for word in ("County", "Parish", "Borough", "Mayor",
                                                                        "Executive", "Commissioner", " of the ")):
            return f"{title}, {self.body}"
        return f"{title}, {self.formal}"


#: Fallback titles, used only where neither the jurisdiction nor its state says (a caution says so).
GENERIC = {"presiding": "Chair", "counsel": "County Attorney"}


def officers_of(j: Jurisdiction, record: Mapping[str, Any], usual: Mapping[str, Any],
                fields: Mapping[str, str], title: str, body: str, formal: str, cautions: List[Problem]) -> Officers:
    """The officers of ``j``: ``--set`` values first, then the jurisdiction's record, then its state's
    usual county government (``usual``: the state's ``officers`` block), then a generic title with a
    caution to check it."""
    officers = Officers()
    officers.body, officers.formal, officers.origin = body, formal, {}
    city = j.is_city
    for role, field, default in (
        ("presiding", "chair_title", "Mayor" if city else GENERIC["presiding"]),
        ("counsel", "counsel_title", "City Attorney" if city else GENERIC["counsel"]),
        ("clerk", "clerk_title", "City Clerk" if city else f"Clerk of the {title}"),
        ("executive", "executive_title", None),
    ):
        origin = "fields" if fields.get(field) else "record" if record.get(field) else "state" if usual.get(role) else ""
        value = fields.get(field) or record.get(field) or usual.get(role)
        if role == "counsel" and not value and not city and j.state.get("county_counsel_title"):
            value, origin = j.state.get("county_counsel_title"), "state"
        if not value and default and role != "clerk":
            cautions.append(Problem(
                f"the data does not say the title of the {ROLE_WORDS[role]}; the document uses '{default}': check it",
                j.path, j.line, None, j.id, field, "warning"))
        officers[role] = value or default
        officers.origin[role] = origin or "default"
    return officers


ROLE_WORDS = {"presiding": "presiding officer", "counsel": "legal counsel", "clerk": "clerk",
              "executive": "chief executive"}


def law_view(entry: StateLaw) -> Dict[str, Any]:
    """What a template reads of one state law."""
    return {"id": entry.id, "title": entry.title, "citation": entry.citation, "effective": entry.effective,
            "kind": entry.kind, "effect": entry.effect, "penalties": entry.penalties, "requires": entry.requires,
            **dict(entry.rules)}


def check_era(kind: "documents.DocumentKind", status: ProgramStatus, j: Jurisdiction) -> None:
    """Refuse a document the program's status on its date makes untrue: a letter about a program that
    was not in operation that day, or one that invokes a procedure ICE had not yet published."""
    if status.era in kind.eras:
        return
    def long(day: dt.date) -> str:
        return f"{day:%B} {day.day}, {day.year}"

    if status.era == "before":
        first = status.next_change
        why = f"Secure Communities began on {long(first.date)}" if first else "Secure Communities had not begun"
    elif status.era == "ended":
        last, upcoming = status.last_change, status.next_change
        assert last is not None
        why = f"Secure Communities was not in operation that day (on {long(last.date)}, {last.text})"
        if upcoming is not None:
            why += f"; it resumed on {long(upcoming.date)}"
    else:
        why = "ICE published no procedure for a jurisdiction that did not wish to participate before August 17, 2010"
    raise NotApplicable(f"the {kind.title} cannot be dated {long(status.date)}: {why}; choose another date",
                    field="date", jurisdiction=j.id)


def past_acts(record: Mapping[str, Any], date: dt.date) -> List[Dict[str, Any]]:
    """The jurisdiction's own past acts on or before ``date``, oldest first, as dated sentences: its
    activation, earlier policies, its resolution (with the vote) and the rest of its history."""
    acts: List[Dict[str, Any]] = []
    if record.get("activation"):
        acts.append(record["activation"])
    for policy in record.get("prior_policies") or []:
        title = f', entitled "{policy["title"]}"' if policy.get("title") else ""
        acts.append({"date": policy["date"], "text": f"{policy['text']}{title}"})
    resolution = record.get("resolution")
    if resolution and resolution.get("date") and resolution.get("text"):
        vote = f" (vote: {resolution['vote']})" if resolution.get("vote") else ""
        acts.append({"date": resolution["date"], "text": f"{resolution['text']}{vote}"})
    acts.extend(record.get("history") or [])
    dated = [a for a in acts if isinstance(a.get("date"), dt.date) and a["date"] <= date]
    return sorted(dated, key=lambda a: a["date"])


#: What a county may still decide, unless its state's law decides it (rule name, values that decide it).
LEVERS = (
    ("agreement_287g", ("required", "must_apply", "banned", "approval_needed"),
     "whether a local law enforcement agency enters into, keeps or ends an agreement with ICE under section 287(g)"
     " of the Immigration and Nationality Act"),
    ("detainers", ("must_honor", "judicial_only"),
     "whether the jail holds a person past the time of release on an ICE detainer without a warrant signed by a judge"),
    ("information", ("limited", "must_share"), "what ICE is told of release dates and other non-public information"),
    ("jail_access", ("limited",), "what access ICE has to people in custody and to local facilities"),
    ("resources", ("barred", "must_not_limit"), "how local funds, staff and property are used"),
)


def levers(laws: List[StateLaw]) -> List[str]:
    """The questions that remain for local decision under ``laws``."""
    decided = {(name, entry.rule(name)) for entry in laws for name, _, _ in LEVERS}
    return [text for name, values, text in LEVERS if not any((name, v) in decided for v in values)]


def fee_limit(value: Optional[str], federal: Mapping[str, Any]) -> int:
    """The most a FOIA requester agrees to pay, in whole dollars: the field's value, else the DHS
    default a request commits to (6 C.F.R. 5.11)."""
    if value is None:
        return int((federal.get("foia_rules") or {}).get("fee_default_limit") or 25)
    text = value.strip().lstrip("$").replace(",", "")
    if not text.isdigit() or int(text) > 1_000_000:
        raise DataError(f"'{value}' is not an amount of whole dollars up to 1,000,000", field="fee_limit")
    return int(text)
