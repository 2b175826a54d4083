"""Deadlines exact to the day, for every state and D.C.: a records request received on Monday,
November 23, 2026 (across Thanksgiving) and on Monday, December 21, 2026 (across Christmas and New
Year). Each row's date was computed by hand from the state's statute and its own legal holidays
(research of Nov. 2026, toolkit/law/calendars.yaml), not by this code; the row cites the rule.
States whose law sets no fixed number of days expect None: the request asks for an answer within
ten business days instead. Where a clock starts at acknowledgment, the row assumes the agency
acknowledges on the last day allowed (Alabama, Montana) or on receipt (Wyoming, which sets no time
for it)."""

from __future__ import annotations

import datetime as dt

import pytest

import toolkit
from toolkit.law.calendar import due

ROWS = [
    ('AK', '2026-11-23', '2026-12-08', '10 business days; 2 AAC 96.325(a)'),
    ('AK', '2026-12-21', '2027-01-06', '10 business days; 2 AAC 96.325(a)'),
    ('AL', '2026-11-23', '2026-12-24', '15 business days after acknowledgment, made on its last day; Ala. Code § 36-12-44(a)(4)'),
    ('AL', '2026-12-21', '2027-01-25', '15 business days after acknowledgment, made on its last day; Ala. Code § 36-12-44(a)(4)'),
    ('AR', '2026-11-23', '2026-11-27', '3 business days; Ark. Code Ann. § 25-19-105(e)'),
    ('AR', '2026-12-21', '2026-12-28', '3 business days; Ark. Code Ann. § 25-19-105(e)'),
    ('AZ', '2026-11-23', None, 'no fixed deadline; Ariz. Rev. Stat. § 39-121.01(D)(1), (E)'),
    ('AZ', '2026-12-21', None, 'no fixed deadline; Ariz. Rev. Stat. § 39-121.01(D)(1), (E)'),
    ('CA', '2026-11-23', '2026-12-03', '10 calendar days; Cal. Gov. Code § 7922.535(a)'),
    ('CA', '2026-12-21', '2026-12-31', '10 calendar days; Cal. Gov. Code § 7922.535(a)'),
    ('CO', '2026-11-23', '2026-11-27', '3 business days; Colo. Rev. Stat. § 24-72-203(3)(b)'),
    ('CO', '2026-12-21', '2026-12-24', '3 business days; Colo. Rev. Stat. § 24-72-203(3)(b)'),
    ('CT', '2026-11-23', '2026-11-30', '4 business days; Conn. Gen. Stat. § 1-206(a)'),
    ('CT', '2026-12-21', '2026-12-28', '4 business days; Conn. Gen. Stat. § 1-206(a)'),
    ('DC', '2026-11-23', '2026-12-15', '15 business days; D.C. Code § 2-532(c)'),
    ('DC', '2026-12-21', '2027-01-13', '15 business days; D.C. Code § 2-532(c)'),
    ('DE', '2026-11-23', '2026-12-16', '15 business days; 29 Del. C. § 10003(h)(1)'),
    ('DE', '2026-12-21', '2027-01-13', '15 business days; 29 Del. C. § 10003(h)(1)'),
    ('FL', '2026-11-23', None, 'no fixed deadline; Fla. Stat. § 119.07(1)(c)'),
    ('FL', '2026-12-21', None, 'no fixed deadline; Fla. Stat. § 119.07(1)(c)'),
    ('GA', '2026-11-23', '2026-11-27', '3 business days; O.C.G.A. § 50-18-71(b)(1)(A)'),
    ('GA', '2026-12-21', '2026-12-24', '3 business days; O.C.G.A. § 50-18-71(b)(1)(A)'),
    ('HI', '2026-11-23', '2026-12-08', '10 business days; Haw. Admin. R. § 2-71-13'),
    ('HI', '2026-12-21', '2027-01-06', '10 business days; Haw. Admin. R. § 2-71-13'),
    ('IA', '2026-11-23', None, 'no fixed deadline; Iowa Code § 22.8(4)(d)'),
    ('IA', '2026-12-21', None, 'no fixed deadline; Iowa Code § 22.8(4)(d)'),
    ('ID', '2026-11-23', '2026-11-27', '3 business days; Idaho Code § 74-103(1) (formerly § 9-339)'),
    ('ID', '2026-12-21', '2026-12-24', '3 business days; Idaho Code § 74-103(1) (formerly § 9-339)'),
    ('IL', '2026-11-23', '2026-12-01', '5 business days; 5 ILCS 140/3(d)'),
    ('IL', '2026-12-21', '2026-12-29', '5 business days; 5 ILCS 140/3(d)'),
    ('IN', '2026-11-23', '2026-11-30', '7 calendar days; Ind. Code § 5-14-3-9(c)'),
    ('IN', '2026-12-21', '2026-12-28', '7 calendar days; Ind. Code § 5-14-3-9(c)'),
    ('KS', '2026-11-23', '2026-11-27', '3 business days; Kan. Stat. Ann. § 45-218(d)'),
    ('KS', '2026-12-21', '2026-12-24', '3 business days; Kan. Stat. Ann. § 45-218(d)'),
    ('KY', '2026-11-23', '2026-12-01', '5 business days; KRS 61.880(1)'),
    ('KY', '2026-12-21', '2026-12-29', '5 business days; KRS 61.880(1)'),
    ('LA', '2026-11-23', '2026-11-27', '3 business days; La. R.S. 44:33(B)(1)'),
    ('LA', '2026-12-21', '2026-12-24', '3 business days; La. R.S. 44:33(B)(1)'),
    ('MA', '2026-11-23', '2026-12-08', '10 business days; Mass. Gen. Laws ch. 66, § 10(b); 950 CMR 32.06(2)(b)'),
    ('MA', '2026-12-21', '2027-01-06', '10 business days; Mass. Gen. Laws ch. 66, § 10(b); 950 CMR 32.06(2)(b)'),
    ('MD', '2026-11-23', '2026-12-23', '30 calendar days; Md. Code, Gen. Prov. § 4-203(a), (b)'),
    ('MD', '2026-12-21', '2027-01-20', '30 calendar days; Md. Code, Gen. Prov. § 4-203(a), (b)'),
    ('ME', '2026-11-23', '2026-12-01', '5 business days; 1 M.R.S. § 408-A(3), (4)'),
    ('ME', '2026-12-21', '2026-12-29', '5 business days; 1 M.R.S. § 408-A(3), (4)'),
    ('MI', '2026-11-23', '2026-12-01', '5 business days; Mich. Comp. Laws § 15.235(2)'),
    ('MI', '2026-12-21', '2026-12-29', '5 business days; Mich. Comp. Laws § 15.235(2)'),
    ('MN', '2026-11-23', None, 'no fixed deadline; Minn. Stat. § 13.03, subd. 2(a)'),
    ('MN', '2026-12-21', None, 'no fixed deadline; Minn. Stat. § 13.03, subd. 2(a)'),
    ('MO', '2026-11-23', '2026-11-27', '3 business days; Mo. Rev. Stat. § 610.023.3'),
    ('MO', '2026-12-21', '2026-12-24', '3 business days; Mo. Rev. Stat. § 610.023.3'),
    ('MS', '2026-11-23', '2026-12-03', '7 business days; Miss. Code Ann. § 25-61-5'),
    ('MS', '2026-12-21', '2026-12-31', '7 business days; Miss. Code Ann. § 25-61-5'),
    ('MT', '2026-11-23', '2026-12-08', '5 business days after acknowledgment, made on its last day; Mont. Code Ann. § 2-6-1006(3)'),
    ('MT', '2026-12-21', '2027-01-06', '5 business days after acknowledgment, made on its last day; Mont. Code Ann. § 2-6-1006(3)'),
    ('NC', '2026-11-23', None, 'no fixed deadline; N.C. Gen. Stat. § 132-6(a)'),
    ('NC', '2026-12-21', None, 'no fixed deadline; N.C. Gen. Stat. § 132-6(a)'),
    ('ND', '2026-11-23', None, 'no fixed deadline; N.D. Cent. Code § 44-04-18'),
    ('ND', '2026-12-21', None, 'no fixed deadline; N.D. Cent. Code § 44-04-18'),
    ('NE', '2026-11-23', '2026-12-01', '4 business days; Neb. Rev. Stat. § 84-712(4)'),
    ('NE', '2026-12-21', '2026-12-28', '4 business days; Neb. Rev. Stat. § 84-712(4)'),
    ('NH', '2026-11-23', '2026-12-01', '5 business days; N.H. Rev. Stat. Ann. § 91-A:4, IV(b)'),
    ('NH', '2026-12-21', '2026-12-29', '5 business days; N.H. Rev. Stat. Ann. § 91-A:4, IV(b)'),
    ('NJ', '2026-11-23', '2026-12-03', '7 business days; N.J. Stat. Ann. § 47:1A-5(i)'),
    ('NJ', '2026-12-21', '2026-12-31', '7 business days; N.J. Stat. Ann. § 47:1A-5(i)'),
    ('NM', '2026-11-23', '2026-12-08', '15 calendar days; N.M. Stat. Ann. § 14-2-8(D)'),
    ('NM', '2026-12-21', '2027-01-05', '15 calendar days; N.M. Stat. Ann. § 14-2-8(D)'),
    ('NV', '2026-11-23', '2026-12-02', '5 business days; Nev. Rev. Stat. § 239.0107(1)'),
    ('NV', '2026-12-21', '2026-12-29', '5 business days; Nev. Rev. Stat. § 239.0107(1)'),
    ('NY', '2026-11-23', '2026-12-01', '5 business days; N.Y. Pub. Off. Law § 89(3)(a)'),
    ('NY', '2026-12-21', '2026-12-29', '5 business days; N.Y. Pub. Off. Law § 89(3)(a)'),
    ('OH', '2026-11-23', None, 'no fixed deadline; Ohio Rev. Code § 149.43(B)(1)'),
    ('OH', '2026-12-21', None, 'no fixed deadline; Ohio Rev. Code § 149.43(B)(1)'),
    ('OK', '2026-11-23', None, 'no fixed deadline; Okla. Stat. tit. 51, § 24A.5'),
    ('OK', '2026-12-21', None, 'no fixed deadline; Okla. Stat. tit. 51, § 24A.5'),
    ('OR', '2026-11-23', '2026-12-01', '5 business days; Or. Rev. Stat. § 192.324(2)'),
    ('OR', '2026-12-21', '2026-12-29', '5 business days; Or. Rev. Stat. § 192.324(2)'),
    ('PA', '2026-11-23', '2026-12-01', '5 business days; 65 P.S. § 67.901'),
    ('PA', '2026-12-21', '2026-12-29', '5 business days; 65 P.S. § 67.901'),
    ('RI', '2026-11-23', '2026-12-08', '10 business days; R.I. Gen. Laws § 38-2-3(e); § 38-2-7'),
    ('RI', '2026-12-21', '2027-01-06', '10 business days; R.I. Gen. Laws § 38-2-3(e); § 38-2-7'),
    ('SC', '2026-11-23', '2026-12-09', '10 business days; S.C. Code Ann. § 30-4-30(C)'),
    ('SC', '2026-12-21', '2027-01-07', '10 business days; S.C. Code Ann. § 30-4-30(C)'),
    ('SD', '2026-11-23', '2026-12-08', '10 business days; S.D. Codified Laws § 1-27-37(1)'),
    ('SD', '2026-12-21', '2027-01-06', '10 business days; S.D. Codified Laws § 1-27-37(1)'),
    ('TN', '2026-11-23', '2026-12-03', '7 business days; Tenn. Code Ann. § 10-7-503(a)(2)(B)'),
    ('TN', '2026-12-21', '2026-12-31', '7 business days; Tenn. Code Ann. § 10-7-503(a)(2)(B)'),
    ('TX', '2026-11-23', '2026-12-09', "10 business days; Tex. Gov't Code § 552.301(b), (d); § 552.221(a), (d)"),
    ('TX', '2026-12-21', '2027-01-07', "10 business days; Tex. Gov't Code § 552.301(b), (d); § 552.221(a), (d)"),
    ('UT', '2026-11-23', '2026-12-08', '10 business days; Utah Code Ann. § 63G-2-204(4)(b)'),
    ('UT', '2026-12-21', '2027-01-06', '10 business days; Utah Code Ann. § 63G-2-204(4)(b)'),
    ('VA', '2026-11-23', '2026-12-02', '5 business days; Va. Code § 2.2-3704(B)'),
    ('VA', '2026-12-21', '2026-12-29', '5 business days; Va. Code § 2.2-3704(B)'),
    ('VT', '2026-11-23', '2026-11-27', '3 business days; 1 V.S.A. § 318(a)(1), (b)'),
    ('VT', '2026-12-21', '2026-12-24', '3 business days; 1 V.S.A. § 318(a)(1), (b)'),
    ('WA', '2026-11-23', '2026-12-02', '5 business days; Wash. Rev. Code § 42.56.520(1)'),
    ('WA', '2026-12-21', '2026-12-29', '5 business days; Wash. Rev. Code § 42.56.520(1)'),
    ('WI', '2026-11-23', None, 'no fixed deadline; Wis. Stat. § 19.35(4)(a)'),
    ('WI', '2026-12-21', None, 'no fixed deadline; Wis. Stat. § 19.35(4)(a)'),
    ('WV', '2026-11-23', '2026-12-02', '5 business days; W. Va. Code § 29B-1-3'),
    ('WV', '2026-12-21', '2026-12-29', '5 business days; W. Va. Code § 29B-1-3'),
    ('WY', '2026-11-23', '2026-12-23', '30 calendar days after acknowledgment, made on receipt; Wyo. Stat. § 16-4-202(c)(iii)'),
    ('WY', '2026-12-21', '2027-01-20', '30 calendar days after acknowledgment, made on receipt; Wyo. Stat. § 16-4-202(c)(iii)'),
]


@pytest.fixture(scope="module")
def data():
    return toolkit.load_jurisdictions()


def first_county(data, state):
    return next(j for j in data if j.state_code == state and j.kind == "county"
                and not (j.record.get("no_county_government") or j.state.get("no_county_government")))


def test_every_state_and_dc_has_two_rows():
    assert len({row[0] for row in ROWS}) == 51 and len(ROWS) == 102


@pytest.mark.parametrize("state, received, expected, rule", ROWS, ids=[f"{r[0]}-{r[1]}" for r in ROWS])
def test_the_deadline_in_the_request_is_the_hand_computed_date(data, state, received, expected, rule):
    if state == "DC":   # the District does not send its own police a request: the calendar alone
        law = data.states["DC"]["records_law"]
        got = due(dt.date.fromisoformat(received), law["deadline_days"], law["deadline_unit"], "DC").date
        assert got.isoformat() == expected, rule
        return
    if state in ("CT", "RI", "VT", "MA"):   # no county governments: the request comes from a city
        place = next(j for j in data if j.state_code == state)
        fields = {"governing_body": "City Council"}
    else:
        place, fields = first_county(data, state), {}
    doc = toolkit.compose("records-request", place, date=received, **fields)
    text = " ".join(doc.lines())
    if expected is None:
        assert "sets no fixed number of days" in text, rule
        return
    day = dt.date.fromisoformat(expected)
    assert f"{day:%B} {day.day}, {day.year}" in text.split("Response time.")[1].split("Withholding.")[0], rule


def test_the_federal_foia_clock_skips_federal_holidays_only():
    assert due(dt.date(2026, 11, 23), 20, "business").date == dt.date(2026, 12, 22)    # Nov 27 is a working day
    assert due(dt.date(2026, 12, 21), 20, "business").date == dt.date(2027, 1, 21)     # Dec 25, Jan 1, Jan 18
