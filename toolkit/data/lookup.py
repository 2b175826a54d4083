"""Find a jurisdiction from what a person types: an id, a slug, a name in any case, a name with
its state, or a 5-digit FIPS code.

``find(dataset, "Santa Clara County")``, ``find(dataset, "santa-clara")``, ``find(dataset, "Santa
Clara County, CA")``, ``find(dataset, "santa clara california")`` and ``find(dataset, "06085")``
give the same county. A name several places share is refused with the candidates: "washington"
(30 states) until a state settles it, "baltimore" (Baltimore County and the independent Baltimore
city) until a kind does (``kind="county"`` or ``"city"``). A near-miss ("santa-clar") is refused
with the closest ids.
"""

from __future__ import annotations

import difflib
import re
from typing import Dict, List, Optional, Tuple

from ..errors import UnknownJurisdiction
from .dataset import Dataset, Jurisdiction, slugify

#: Endings a person may leave out when naming a county-equivalent ("Bethel" for "Bethel Census
#: Area"); " city" is not among them, so a county named "Baltimore" is not the city of Baltimore.
NAME_SUFFIXES = (" County", " Parish", " Borough", " Census Area", " City and Borough", " Municipality")


def _keys(j: Jurisdiction) -> List[str]:
    keys = {j.id, slugify(j.name), *j.aliases}
    keys.update(slugify(j.name[: -len(suffix)]) for suffix in NAME_SUFFIXES if j.name.endswith(suffix))
    formal = j.record.get("formal_name")
    if formal:
        keys.add(slugify(formal))
    if j.fips:
        keys.add(j.fips)
    return [k for k in keys if k]


def _index(dataset: Dataset) -> Dict[str, List[Jurisdiction]]:
    if dataset.lookup_index is None:
        index: Dict[str, List[Jurisdiction]] = {}
        for j in dataset:
            for key in _keys(j):
                index.setdefault(key, []).append(j)
        dataset.lookup_index = index
    return dataset.lookup_index


def _fits(j: Jurisdiction, kind: Optional[str]) -> bool:
    if kind is None:
        return True
    if kind == "county":
        return j.kind == "county" or j.is_county_equivalent
    if kind == "city":
        return j.is_city
    return j.kind == kind


def kind_of(j: Jurisdiction) -> str:
    """"city" for cities (independent cities included), else the record's kind."""
    return "city" if j.is_city else j.kind


def _matches(dataset: Dataset, query: str, kind: Optional[str], state: Optional[str]) -> List[Jurisdiction]:
    exact = dataset.get(query.strip())
    if exact is not None and (state is None or exact.state_code == state):  # an id is never ambiguous
        return [exact]
    index = _index(dataset)
    key = slugify(query)
    matches = [j for j in index.get(key, []) if _fits(j, kind) and (state is None or j.state_code == state)]
    if kind != "county" and not key.endswith("-city"):
        # "baltimore" is also the independent city "Baltimore city"; with kind="city" it is only that
        matches += [j for j in index.get(f"{key}-city", []) if j.is_city and (state is None or j.state_code == state)]
    return list(dict.fromkeys(matches))


def _state_code(dataset: Dataset, text: str) -> Optional[str]:
    text = text.strip().strip(".").strip()
    if text.upper() in dataset.states:
        return text.upper()
    wanted = slugify(text)
    for code, facts in dataset.states.items():
        if wanted and slugify(str(facts.get("name", ""))) == wanted:
            return code
    return None


def _with_state(dataset: Dataset, query: str, kind: Optional[str], state: Optional[str]
                ) -> Tuple[List[Jurisdiction], Optional[str]]:
    """Matches for a query that ends with its state: "Santa Clara County, CA", "santa clara california"."""
    words = [w for w in re.split(r"[\s,]+", query.strip()) if w]
    for size in (1, 2, 3):
        if len(words) <= size:
            break
        code = _state_code(dataset, " ".join(words[-size:]))
        if code and (state is None or state == code):
            matches = _matches(dataset, " ".join(words[:-size]), kind, code)
            if matches:
                return matches, code
    return [], state


def find(dataset: Dataset, query: str, *, kind: Optional[str] = None, state: Optional[str] = None) -> Jurisdiction:
    """The one jurisdiction ``query`` names, or :class:`UnknownJurisdiction` saying why not.
    ``kind`` is "county" or "city" (or a record's own kind); ``state`` a two-letter code."""
    state = state.upper() if state else None
    matches = _matches(dataset, query, kind, state)
    if not matches:
        matches, state = _with_state(dataset, query, kind, state)
    if len(matches) == 1:
        return matches[0]
    shown = query if len(query) <= 80 else query[:79] + "…"
    if matches:
        candidates = [f"{j.id} ({j.name}, {j.state_code})" for j in matches]
        states = sorted({j.state_code for j in matches})
        kinds = sorted({kind_of(j) for j in matches})
        if len(states) > 1:
            hint = "give the state to choose one"
        elif len(kinds) > 1:
            hint = "say whether the county or the city is meant, or give its id"
        else:
            hint = "give one of these ids"
        raise UnknownJurisdiction(f"'{shown}' matches {len(matches)} jurisdictions: {', '.join(candidates)}",
                                  hint=hint, query=query, candidates=[j.id for j in matches], states=states,
                                  kinds=kinds)
    index = _index(dataset)
    key = slugify(query)
    pool = [k for k, js in index.items() if any(_fits(j, kind) and (state is None or j.state_code == state) for j in js)]
    close = difflib.get_close_matches(key or query, pool, n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(j.id for k in close for j in index[k]
                                     if _fits(j, kind) and (state is None or j.state_code == state)))[:5]
    where = f" in {state}" if state else ""
    what = f" {kind}" if kind else ""
    hint = f"did you mean: {', '.join(suggestions)}?" if suggestions else "list the jurisdictions to see their ids"
    raise UnknownJurisdiction(f"no{what} jurisdiction '{shown}'{where}", hint=hint, query=query,
                              suggestions=suggestions)
