"""Words of the interface that depend on the catalogue: what each document kind asks and what
happens next, and a short label per field, keyed by name, translated through the gettext catalogs.

Kinds and fields the library adds later fall back to generic words and the catalogue's own
(English) title, summary and field description, so they appear in the interview at once.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

from flask_babel import gettext, lazy_gettext as _l

import toolkit

#: kind name -> (what the document asks, what happens next)
KIND_TEXTS: Dict[str, Tuple[Any, Any]] = {
    "letter": (
        _l("A formal letter from your county or city to the state identification bureau and to ICE, "
           "saying that it does not want to take part in Secure Communities: booking fingerprints should "
           "not be forwarded to the Department of Homeland Security."),
        _l("Print it on the office's letterhead, have it signed by the person named at the end, and send "
           "it to both addresses at the top. Keep a copy and note the date you sent it."),
    ),
    "resolution": (
        _l("A resolution for the council or board to adopt: it states the reasons, opposes taking part in "
           "Secure Communities, directs the opt-out letter and the records requests, and keeps local "
           "resources out of civil immigration enforcement."),
        _l("Give it to the clerk to put on a meeting's agenda. If the body adopts it, the clerk fills in "
           "the number, the vote and the date, and it is signed."),
    ),
    "foia": (
        _l("A request under the federal Freedom of Information Act to ICE's FOIA office, for the records on "
           "how Secure Communities has worked in your place. It asks for a fee waiver and for electronic copies."),
        _l("Sign it and send it to the ICE FOIA office (the address is at the top). The law gives the agency "
           "20 working days to answer; the document states the date."),
    ),
    "records-request": (
        _l("A request under your state's public-records law to the state identification bureau, for the "
           "records on fingerprints shared with federal immigration authorities."),
        _l("Sign it and send it to the bureau at the address at the top. The document cites the state's "
           "law and the date by which the bureau should answer."),
    ),
}

GENERIC_ASKS = _l("A document about Secure Communities for your county or city to send or adopt. "
                  "The summary in English says what it asks.")
GENERIC_NEXT = _l("Read it, check every fact, have it signed, and send it to the addresses it names.")

#: field key -> short label (the catalogue's description is shown beside it as help, in English)
FIELD_LABELS: Dict[str, Any] = {
    "signer": _l("Name of the person who signs"),
    "signer_title": _l("Title of the person who signs"),
    "requester": _l("Who makes the request"),
    "contact": _l("Where replies should go (email or postal address)"),
    "resolution_number": _l("Resolution number"),
    "governing_body": _l("Title of the governing body"),
    "governing_body_name": _l("Full name of the governing body"),
    "chair_title": _l("Title of the presiding officer"),
    "clerk_title": _l("Title of the clerk"),
    "counsel_title": _l("Title of the jurisdiction's lawyer"),
}


def kind_texts(name: str) -> Tuple[str, str]:
    """(what it asks, what happens next) for the document kind ``name``, in the page's language."""
    asks, then = KIND_TEXTS.get(name, (GENERIC_ASKS, GENERIC_NEXT))
    return str(asks), str(then)


def field_label(key: str) -> str:
    """A field's label in the page's language; a field we do not know yet gets its key in words."""
    known = FIELD_LABELS.get(key)
    return str(known) if known is not None else key.replace("_", " ").capitalize()


def field_help(key: str) -> str:
    """The catalogue's own description of a field (English, one line)."""
    return toolkit.FIELDS.get(key, "")


def error_text(code: str, args: Dict[str, Any]) -> str:
    """The message for a check that failed (see :func:`toolkit.web.interview.check_answers`)."""
    messages = {
        "too_long": lambda: gettext("This answer is %(length)d characters long; keep it under %(max)d.", **args),
        "control": lambda: gettext("This answer holds an invisible control character (%(code)s) that a document "
                                   "cannot hold; type the answer again instead of pasting it.", **args),
        "date_missing": lambda: gettext("Give the date of the document."),
        "date_invalid": lambda: gettext("Write the date as year-month-day, for example 2026-11-23."),
        "date_range": lambda: gettext("Choose a date between %(earliest)s and %(latest)s.", **args),
    }
    return messages[code]()
