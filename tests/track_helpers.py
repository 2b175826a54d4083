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


def race(url: str, monkeypatch) -> list:
    """Two writers read the same request before either writes (held at a barrier for up to a second),
    then both try to acknowledge it. Returns the outcomes, sorted: ``["done", "refused"]`` when the
    check and its write are one locked step ("error" for anything but a clear refusal)."""
    import threading

    from toolkit.errors import ToolkitError
    from toolkit.track.log import Log

    first = Log(url)
    request = first.add(document="foia", jurisdiction=jurisdiction("santa-clara"), sent=D(2026, 11, 2))
    barrier = threading.Barrier(2, timeout=1.0)
    original = Log._get

    def held(self, conn, ref, lock=False):
        found = original(self, conn, ref, lock)
        if lock:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return found

    monkeypatch.setattr(Log, "_get", held)
    results = []

    def writer():
        log = Log(url)
        try:
            log.update(f"#{request.id}", status="acknowledged", on=D(2026, 11, 4))
            results.append("done")
        except ToolkitError:
            results.append("refused")
        except Exception:  # e.g. "database is locked": a write lost
            results.append("error")
        finally:
            log.close()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    first.close()
    return sorted(results)
