"""Build what a template sees: the jurisdiction, its state's facts, federal facts, the date and
the ``--set`` fields, with the defaults a real office would use."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Mapping, Optional

from .data.dataset import Dataset, Jurisdiction
from .data.schema import FORBIDDEN_CHARS
from .deadlines import add_days
from .documents import FIELDS
from .errors import DataError, Problem
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
            raise DataError(f"unknown field '{key}' for --set; {hint}known: {', '.join(FIELDS)}", field=str(key))
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise DataError(f"must be text, not {type(value).__name__}", field=key)
        text = str(value)
        if not visible(text):
            raise DataError("is empty (or only invisible characters); give a value (--set key=value)", field=key)
        if len(text) > MAX_TEXT:
            raise DataError(f"is {len(text):,} characters long; a field holds at most {MAX_TEXT:,}", field=key)
        bad = FORBIDDEN_CHARS.search(text)
        if bad:
            raise DataError(f"contains control character U+{ord(bad.group()):04X}, which documents cannot hold",
                            field=key)
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


def with_article(name: str) -> str:
    """How a sentence names a government: "the County of Santa Clara", "the District of Columbia",
    but "Allegheny County" (a name that ends in its kind takes no article)."""
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
            " that exists: add the town or city to a data file (kind: city), or pass --set governing_body=...",
            jurisdiction=j.id, field="governing_body", path=j.path, line=j.line,
        )
    is_city = j.is_city
    own_title = fields.get("governing_body") or record.get("governing_body")
    county_body = state.get("county_body") or {}
    title = own_title or ("City Council" if is_city else county_body.get("title"))
    if not title:
        raise DataError(
            "no governing body title for this jurisdiction or its state; add 'governing_body' to the"
            " data or pass --set governing_body=...", jurisdiction=j.id, field="governing_body",
            path=j.path, line=j.line,
        )
    if record.get("verified") is False:
        cautions.append(Problem("this record is marked 'verified: false': check its facts against an official"
                                " source", j.path, j.line, None, j.id, None, "warning"))
    caution = getattr(county_body, "caution", None)  # set when the state's usual title is unverified
    if not (own_title or is_city) and caution is not None:
        cautions.append(caution)
    formal = record.get("formal_name") or j.name
    the_formal = with_article(formal)
    body = fields.get("governing_body_name") or (
        record.get("governing_body_name") if not fields.get("governing_body") else None) or body_name(j.name, title)
    chair = fields.get("chair_title") or record.get("chair_title") or "Chair"
    view = {
        **record,
        "id": j.id,
        "name": j.name,
        "formal_name": formal,
        "the_formal_name": the_formal,
        "kind": j.kind,
        "state": j.state_code,
        "state_name": state.get("name"),
        "text_name": record.get("text_name") or j.name,
        "state_text_name": state.get("text_name") or state.get("name"),
        "state_differs": state.get("name") != j.name,
        "body": body,
        "body_title": title,
        "chair_title": chair,
        "clerk_title": fields.get("clerk_title") or record.get("clerk_title") or (
            "City Clerk" if is_city else f"Clerk of the {title}"),
        "counsel_title": fields.get("counsel_title") or record.get("counsel_title") or (
            "City Attorney" if is_city else state.get("county_counsel_title") or "County Attorney"),
    }
    signer = record.get("signer") or {}
    values = {
        "signer": fields.get("signer") or signer.get("name"),
        "signer_title": fields.get("signer_title") or signer.get("title") or f"{chair}, {body}",
        "requester": fields.get("requester") or the_formal,
        "contact": fields.get("contact") or record.get("email") or (
            ", ".join(record["address"]) if record.get("address") else None),
        "resolution_number": fields.get("resolution_number"),
    }

    def wrap(data, name):
        return Record(data, name, j.id, j.path, j.line, cautions)

    def deadline(days: int, unit: str, federal: bool = False) -> dt.date:
        return add_days(date, int(days), str(unit), None if federal else j.state_code)

    return {
        "_fields": {k: v for k, v in values.items() if v},
        "document": document,
        "j": wrap(view, "jurisdiction"),
        "state": wrap({**state, "code": j.state_code}, "state"),
        "federal": wrap(dataset.federal, "federal"),
        "fields": wrap(values, "fields"),
        "date": date,
        "deadline": deadline,
        "federal_foia_days": FEDERAL_FOIA_DAYS,
    }
