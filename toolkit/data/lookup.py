"""Find a jurisdiction from what a person types: an id, a slug or a name, any case.

``find(dataset, "Santa Clara County")`` and ``find(dataset, "santa-clara")`` give the same county.
A name several states share ("washington": 30 states) is refused with the candidates, unless a
state settles it; a near-miss ("santa-clar") is refused with the closest ids.
"""

from __future__ import annotations

import difflib
from typing import Dict, List, Optional

from ..errors import UnknownJurisdiction
from .dataset import Dataset, Jurisdiction, slugify

#: Endings a person may leave out when naming a county-equivalent ("Bethel" for "Bethel Census
#: Area"); " city" is not among them, so "--county baltimore" stays Baltimore County.
NAME_SUFFIXES = (" County", " Parish", " Borough", " Census Area", " City and Borough", " Municipality")

KIND_WORD = {"county": "--county", "city": "--city", "state": "--state", None: "--jurisdiction"}


def _keys(j: Jurisdiction) -> List[str]:
    keys = {j.id, slugify(j.name), *j.aliases}
    keys.update(slugify(j.name[: -len(suffix)]) for suffix in NAME_SUFFIXES if j.name.endswith(suffix))
    formal = j.record.get("formal_name")
    if formal:
        keys.add(slugify(formal))
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


def find(dataset: Dataset, query: str, *, kind: Optional[str] = None, state: Optional[str] = None) -> Jurisdiction:
    """The one jurisdiction ``query`` names, or :class:`UnknownJurisdiction` saying why not."""
    state = state.upper() if state else None
    exact = dataset.get(query)
    if exact is not None and (state is None or exact.state_code == state):
        return exact
    key = slugify(query)
    matches = [j for j in _index(dataset).get(key, []) if _fits(j, kind) and (state is None or j.state_code == state)]
    if not matches and kind == "city":  # "--city baltimore" means the independent "Baltimore city"
        matches = [j for j in _index(dataset).get(f"{key}-city", []) if state is None or j.state_code == state]
    matches = list(dict.fromkeys(matches))
    if len(matches) == 1:
        return matches[0]
    flag = KIND_WORD.get(kind, "--jurisdiction")
    if len(matches) > 1:
        candidates = [f"{j.id} ({j.name}, {j.state_code})" for j in matches]
        states = sorted({j.state_code for j in matches})
        hint = f"add --state, e.g. --state {states[0]}" if len(states) > 1 else "use --jurisdiction with one of these ids"
        raise UnknownJurisdiction(
            f"'{query}' matches {len(matches)} jurisdictions: {', '.join(candidates)}; {hint}",
            query=query, candidates=[j.id for j in matches],
        )
    pool = [k for k, js in _index(dataset).items() if any(_fits(j, kind) and (state is None or j.state_code == state) for j in js)]
    close = difflib.get_close_matches(key or query, pool, n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(j.id for k in close for j in _index(dataset)[k]
                                     if _fits(j, kind) and (state is None or j.state_code == state)))[:5]
    where = f" in {state}" if state else ""
    hint = f"did you mean: {', '.join(suggestions)}?" if suggestions else "run 'toolkit list' to see the ids"
    shown = query if len(query) <= 80 else query[:79] + "…"
    raise UnknownJurisdiction(f"no jurisdiction '{shown}'{where} for {flag}; {hint}", query=query,
                              suggestions=suggestions)
