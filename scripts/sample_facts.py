#!/usr/bin/env python3
"""Draw a random sample of the bundled facts for a person to audit against their sources.

Every fact block in the data (a state's bureau, records law, county body; a federal office; a
curated jurisdiction's dated acts), every state-law entry and every timeline event is a candidate.
The draw is seeded, so two people given the same seed audit the same facts. Each is printed with
where it is (file:line), what it says and the source it cites; mark each right or wrong against
that source, and count.

Usage: python scripts/sample_facts.py [--n 100] [--seed 2026] [--format text|csv]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from typing import Any, Dict, Iterator, List

import toolkit
from toolkit.data.dataset import _fact_blocks
from toolkit.law import Law

SKIP = {"source", "sources", "verified", "note", "line"}


def _summary(block: Dict[str, Any]) -> str:
    parts = []
    for key, value in block.items():
        if key in SKIP:
            continue
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        parts.append(f"{key}={value}")
    return " | ".join(parts)


def _source(block: Dict[str, Any]) -> str:
    source = block.get("source") or block.get("sources") or ""
    return "; ".join(source) if isinstance(source, list) else str(source)


def facts() -> Iterator[Dict[str, str]]:
    data = toolkit.load_jurisdictions()
    path = str(toolkit.DEFAULT_DATA)
    for code, state in sorted(data.states.items()):
        for where, block in _fact_blocks(state, f"states.{code}"):
            yield {"where": f"{path}:{getattr(block, 'line', '')}", "fact": where, "says": _summary(block),
                   "source": _source(block), "verified": str(block.get("verified", ""))}
    for where, block in _fact_blocks(data.federal, "federal"):
        yield {"where": f"{path}:{getattr(block, 'line', '')}", "fact": where, "says": _summary(block),
               "source": _source(block), "verified": str(block.get("verified", ""))}
    for j in data:
        if j.path and j.record.get("sources") is not None or any(k in j.record for k in ("history", "resolution")):
            for where, block in _fact_blocks(j.record, j.id):
                yield {"where": f"{j.path}:{getattr(block, 'line', j.line)}", "fact": where, "says": _summary(block),
                       "source": _source(block) or "; ".join(j.record.get("sources") or []),
                       "verified": str(block.get("verified", ""))}
    law = Law.bundled()
    for event in law.events:
        yield {"where": f"timeline.yaml:{event.line}", "fact": f"timeline.{event.id}",
               "says": f"{event.date}: {event.text}", "source": _source({"source": event.source}),
               "verified": str(event.verified)}
    for code in law.covered():
        for entry in law.laws[code]:
            yield {"where": f"{entry.path}:{entry.line}", "fact": f"law.{code}.{entry.id}",
                   "says": f"{entry.citation}, effective {entry.effective}: {entry.effect}",
                   "source": _source({"source": entry.source}), "verified": str(entry.verified)}


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="how many facts (default 100)")
    parser.add_argument("--seed", type=int, default=2026, help="the draw's seed (default 2026)")
    parser.add_argument("--format", choices=["text", "csv"], default="text")
    args = parser.parse_args(argv)
    pool = list(facts())
    sample = random.Random(args.seed).sample(pool, min(args.n, len(pool)))
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=["where", "fact", "says", "source", "verified"])
        writer.writeheader()
        writer.writerows(sample)
    else:
        for n, fact in enumerate(sample, 1):
            print(f"{n}. {fact['fact']}  ({fact['where']}, verified: {fact['verified'] or 'unset'})")
            print(f"   says:   {fact['says']}")
            print(f"   source: {fact['source'] or '(none)'}")
    print(f"{len(sample)} of {len(pool)} facts, seed {args.seed}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
