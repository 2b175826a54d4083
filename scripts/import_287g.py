"""Make toolkit/law/agreements.yaml from the 287(g) research file (ICE's participating-agencies list,
the termination clauses of the signed agreements, ICE's field offices).

    python scripts/import_287g.py /work/research/287g.yaml

Each row keeps its source and ``verified``. What a document needs from a clause (how many days after
ICE receives the notice the agreement ends, and to whom the notice goes) is read from the clause's own
words here, and the script stops if the words are not the ones it knows, so a new template is read by
a person before documents rely on it.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "toolkit" / "law" / "agreements.yaml"

#: (pattern in the clause, to whom the agency's notice goes)
RECIPIENTS = (
    (r"by the LEA shall be given to the FOD", "the Field Office Director"),
    (r"Termination by the LEA shall be provided, in writing, to the local Field Office", "the local Field Office"),
)
DELAY = re.compile(r"by the LEA shall be given to the FOD and termination or suspension shall take effect (\d+)-? ?days"
                   r" after receipt")

HEADER = """\
# 287(g) agreements of county agencies with ICE, the termination clause of each model's current
# agreement, and ICE's field offices. Made by scripts/import_287g.py from the research file; do not
# edit by hand (edit the research file and run the script again). Every row has its source; rows
# taken from ICE's own list are 'verified: true', others 'verified: false'.
"""


def fips(value):
    if value is None or value == "":
        return None
    text = str(value).strip()
    return text.zfill(5) if text.isdigit() else None


def clause(model: str, item: dict) -> dict:
    text = " ".join(str(item["text"]).split())
    to = next((who for pattern, who in RECIPIENTS if re.search(pattern, text)), None)
    if to is None:
        sys.exit(f"{model}: the termination clause does not say, in words this script knows, to whom the agency's"
                 " notice goes; read it and add its wording to RECIPIENTS")
    delay = DELAY.search(text)
    out = {"section": str(item["section"]), "heading": item.get("heading"), "text": text,
           "notice_days": int(delay.group(1)) if delay else 0, "to": to, "template": item.get("template"),
           "source": " ".join(str(item["source"]).split()), "verified": item.get("verified") is True}
    return {k: v for k, v in out.items() if v is not None}


def date(value):
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def row(item: dict) -> dict:
    out = {
        "state": item["state"], "county": item.get("county"), "fips": fips(item.get("fips")),
        "agency": " ".join(str(item["agency"]).split()), "models": list(item["models"]),
        "signed": date(item.get("signed")),
        "signed_by_model": {m: date(d) for m, d in (item.get("signed_by_model") or {}).items() if date(d)} or None,
        "moa_url": item.get("moa_url") or None,
        "source": " ".join(str(item["source"]).split()), "verified": item.get("verified") is True,
    }
    return {k: v for k, v in out.items() if v is not None}


def office(item: dict) -> dict:
    covers = " ".join(str(item.get("covers") or "").split())
    named = re.match(r"\d+ counties: (.*)$", covers)
    sources = item.get("source")
    out = {"name": item["name"], "covers": covers,
           "counties": [c.strip() for c in named.group(1).split(",") if c.strip()] if named else None,
           "address": list(item["address"]), "phone": item.get("phone"),
           "source": "; ".join(" ".join(str(s).split()) for s in (sources if isinstance(sources, list) else [sources])),
           "verified": item.get("verified") is True, "note": item.get("note")}
    return {k: v for k, v in out.items() if v is not None}


def main(source: str) -> None:
    raw = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    data = {
        "as_of": date(raw["as_of"]),
        "list_source": " ".join(str(raw["list_source"]).split()),
        "list_url": "https://www.ice.gov/287g",
        "termination_clauses": {m: clause(m, c) for m, c in (raw.get("termination_clauses") or {}).items()},
        "field_offices": {st: [office(o) for o in offices] for st, offices in (raw.get("field_offices") or {}).items()},
        "agreements": [row(item) for item in raw.get("agreements") or []
                       if item.get("state") and item.get("agency") and item.get("models")],
    }
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    OUT.write_text(HEADER + text, encoding="utf-8")
    print(f"{OUT}: {len(data['agreements'])} agreements, {len(data['termination_clauses'])} clauses,"
          f" field offices for {len(data['field_offices'])} states")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/research/287g.yaml")
