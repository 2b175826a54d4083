"""Shared pieces of the request-log tests."""

from __future__ import annotations

import datetime as dt

import toolkit

D = dt.date


def jurisdiction(jid: str):
    return toolkit.find_jurisdiction(jid)


def dump(log) -> tuple:
    """Everything the log holds, to compare before and after a refused change."""
    return ([vars(r) for r in log.requests()], log.events())


def add_many(url: str, prefix: str, count: int) -> list:
    """Run in a child process: add ``count`` requests and return their numbers."""
    from toolkit.track.log import Log

    log = Log(url)
    j = jurisdiction("santa-clara")
    ids = [log.add(document="foia", jurisdiction=j, sent=D(2026, 11, 2), via="portal",
                   agency_ref=f"{prefix}-{i}").id for i in range(count)]
    log.close()
    return ids


def acknowledge_all(url: str, refs: list) -> int:
    """Run in a child process: try to acknowledge each request; return how many it could."""
    from toolkit.errors import ToolkitError
    from toolkit.track.log import Log

    log = Log(url)
    done = 0
    for ref in refs:
        try:
            log.update(ref, status="acknowledged", on=D(2026, 11, 4))
            done += 1
        except ToolkitError:
            pass
    log.close()
    return done
