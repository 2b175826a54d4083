"""Every open deadline in the log as an iCalendar file (RFC 5545, through the ``icalendar`` library):
each response deadline still running, each remedy's last day after a denial, each appeal's decision
date, as an all-day event with a reminder three days before."""

from __future__ import annotations

import datetime as dt
from typing import List, Tuple

from .log import ADVERSE, WAITING, Log, Request

DOCUMENT_WORDS = {"foia": "FOIA request to ICE", "records-request": "state records request"}


def deadlines(log: Log) -> List[Tuple[dt.date, str, str, Request]]:
    """(date, what, key, request) for every open deadline and remedy window, soonest first."""
    out = []
    for request in log.requests(status=WAITING + ADVERSE + ("appealed",)):
        what = f"{DOCUMENT_WORDS.get(request.document, request.document)} {request.label}, {request.jurisdiction_name}"
        if request.status in WAITING and request.deadline:
            out.append((request.deadline, f"Answer due: {what}", "due", request))
        if request.status == "appealed" and request.deadline:
            out.append((request.deadline, f"Appeal decision due: {what}", "decision", request))
        for remedy, window in request.windows():
            if window is not None:
                out.append((window.date, f"Last day, {remedy.name} ({remedy.citation}): {what}",
                            f"remedy-{remedy.id}", request))
    return sorted(out, key=lambda item: (item[0], item[3].id, item[2]))


def calendar_bytes(log: Log) -> bytes:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//toolkit//request log//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Records requests: deadlines")
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for day, summary, key, request in deadlines(log):
        event = icalendar.Event()
        event.add("uid", f"request-{request.id}-{key}-{day.isoformat()}@toolkit")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", summary)
        lines = [f"Request {request.label}: {request.document} for {request.jurisdiction_name} ({request.state}),"
                 f" status {request.status}"]
        if request.sent_on:
            lines.append(f"Sent {request.sent_on.isoformat()}" + (f" by {request.via}" if request.via else ""))
        if key == "due" and request.deadline_basis:
            lines.append(f"Deadline: {request.deadline_basis}")
        event.add("description", "\n".join(lines))
        event.add("categories", ["records request"])
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", dt.timedelta(days=-3))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
