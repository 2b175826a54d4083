#!/usr/bin/env python3
"""Regenerate the ``counties:`` block of jurisdictions.yaml from the Census county list.

Source: the U.S. Census Bureau's 2020 county and county-equivalent FIPS list, as shipped in the
``addfips`` package (``addfips/data/counties_2020.csv``; install it with ``pip install addfips``).
That file also carries older and alternate names for some codes, so this script applies the Census
Bureau's documented changes ("Substantial Changes to Counties and County Equivalent Entities:
1970-Present", https://www.census.gov/programs-surveys/geography/technical-documentation/county-changes.html)
and checks the result against the 2020 count of county-equivalents in every state (3,143 in all).

Usage: python scripts/generate_counties.py [jurisdictions.yaml]
"""

from __future__ import annotations

import csv
import io
import sys
from importlib.resources import files
from pathlib import Path

BEGIN = "# BEGIN GENERATED COUNTIES"
END = "# END GENERATED COUNTIES"

# Codes whose list holds more than one name: the name in force at the 2020 Census.
NAMES_2020 = {
    "02158": "Kusilvak Census Area",  # renamed from Wade Hampton Census Area, 2015
    "02195": "Petersburg Borough",  # Petersburg Census Area became a borough, 2013
    "46102": "Oglala Lakota County",  # renamed from Shannon County (46113), 2015
    "11001": "District of Columbia",
    "36005": "Bronx County",
    "36047": "Kings County",
    "36061": "New York County",
    "36085": "Richmond County",
}
REMOVED_BEFORE_2020 = {
    "02261": "Valdez-Cordova Census Area: split into Chugach and Copper River Census Areas, 2019",
    "51515": "Bedford city, VA: merged into Bedford County, 2013",
}
ADDED_BEFORE_2020 = {"02063": "Chugach Census Area"}  # created 2019 from Valdez-Cordova

# County-equivalents per state at the 2020 Census (Census Bureau; 3,143 in all).
COUNT_2020 = dict(
    AL=67, AK=30, AZ=15, AR=75, CA=58, CO=64, CT=8, DE=3, DC=1, FL=67, GA=159, HI=5, ID=44, IL=102,
    IN=92, IA=99, KS=105, KY=120, LA=64, ME=16, MD=24, MA=14, MI=83, MN=87, MS=82, MO=115, MT=56,
    NE=93, NV=17, NH=10, NJ=21, NM=33, NY=62, NC=100, ND=53, OH=88, OK=77, OR=36, PA=67, RI=5,
    SC=46, SD=66, TN=95, TX=254, UT=29, VT=14, VA=133, WA=39, WV=55, WI=72, WY=23,
)


def county_rows() -> list[tuple[str, str, str]]:
    data = files("addfips") / "data"
    postal = {row["fips"]: row["postal"] for row in csv.DictReader(io.StringIO((data / "states.csv").read_text()))}
    names: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO((data / "counties_2020.csv").read_text())):
        code = row["statefp"] + row["countyfp"]
        if postal.get(row["statefp"]) in COUNT_2020:
            names.setdefault(code, []).append(row["name"])
    for code in REMOVED_BEFORE_2020:
        names.pop(code)
    for code, name in ADDED_BEFORE_2020.items():
        names[code] = [name]
    rows = []
    for code, candidates in sorted(names.items()):
        name = NAMES_2020.get(code, candidates[0])
        if len(candidates) > 1 and code not in NAMES_2020:
            raise SystemExit(f"{code} has several names {candidates}: add the 2020 one to NAMES_2020")
        rows.append((code, postal[code[:2]], name))
    counts: dict[str, int] = {}
    for _, state, _ in rows:
        counts[state] = counts.get(state, 0) + 1
    if counts != COUNT_2020:
        wrong = {s: (counts.get(s), n) for s, n in COUNT_2020.items() if counts.get(s) != n}
        raise SystemExit(f"counts differ from the 2020 Census (got, expected): {wrong}")
    return rows


def block(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["fips", "state", "name"])
    writer.writerows(rows)
    body = "".join(f"  {line}\n" for line in out.getvalue().splitlines())
    return (
        f"{BEGIN}: made by scripts/generate_counties.py from the Census 2020 county list; do not edit\n"
        f"counties: |\n{body}{END}\n"
    )


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else Path(__file__).resolve().parent.parent / "jurisdictions.yaml")
    text = path.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    new = block(county_rows())
    if start == -1 or end == -1:
        text = text.rstrip("\n") + "\n\n" + new
    else:
        text = text[:start] + new + text[end + len(END) + 1:]
    path.write_text(text, encoding="utf-8")
    print(f"wrote {sum(COUNT_2020.values())} counties into {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
