"""The catalogue of documents toolkit makes, and the fields ``--set`` may give them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its name on the command line, its title and its template file."""

    name: str
    title: str
    template: str
    summary: str
    #: the ``--set`` fields this document uses (keys of :data:`FIELDS`), in the order a form asks them
    fields: Tuple[str, ...] = ()
    #: who signs it by default: the body's ``presiding`` officer or its ``counsel``
    signer: str = "presiding"
    #: the program eras (see :attr:`toolkit.law.ProgramStatus.era`) on whose dates the document is true
    eras: Tuple[str, ...] = ("early", "opt-out", "no-opt-out", "ended")
    #: True for a document that sets or announces the jurisdiction's policy: state laws that require
    #: cooperation become "before sending" cautions on it
    policy: bool = False
    #: False where a jurisdiction that owns its state bureau (D.C.) has no one to send it to
    own_bureau_ok: bool = True
    #: False for a document that answers a request in the log (a follow-up, an appeal): it is made by
    #: ``toolkit follow-up`` / ``toolkit appeal``, not in campaigns or the web interview's first step
    standalone: bool = True
    #: True where the document is filed by pasting its text into a web form (the DHS FOIA portal):
    #: writing it also writes ``<id>-<kind>.txt``
    text_copy: bool = False


#: the fields of whoever signs and sends a letter or request
SENDER_FIELDS = ("signer", "signer_title", "contact", "contact_name", "office", "address", "email", "phone")
#: the facts of a request that a follow-up or an appeal cites (toolkit's request log fills them in)
REQUEST_FIELDS = ("request_document", "request_date", "request_ref", "request_deadline", "request_extended",
                  "request_status", "response_date")
#: the remedy an appeal uses (from toolkit/track/remedies.yaml)
REMEDY_FIELDS = ("remedy_kind", "remedy_name", "remedy_citation", "remedy_text", "remedy_to", "remedy_deadline")

DOCUMENTS: Dict[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind("letter", "Letter on Secure Communities", "letter.xml.j2",
                     "the jurisdiction's written objection to the sharing of its booking fingerprints with ICE, to the"
                     " state identification bureau and ICE (copy to the FBI), with what it asks of each and what it"
                     " decides itself",
                     SENDER_FIELDS, eras=("opt-out", "no-opt-out"), policy=True),
        DocumentKind("resolution", "Resolution on Secure Communities", "resolution.xml.j2",
                     "a council or board resolution stating the jurisdiction's position, within its state's law, and"
                     " directing the letter and the records requests",
                     ("resolution_number", "chair_title", "clerk_title", "counsel_title"),
                     eras=("opt-out", "no-opt-out"), policy=True),
        DocumentKind("foia", "Federal FOIA request", "foia.xml.j2",
                     "a Freedom of Information Act request to ICE for its records on Secure Communities in the"
                     " jurisdiction",
                     ("requester", "fee_limit", "expedite") + SENDER_FIELDS, signer="counsel", text_copy=True),
        DocumentKind("records-request", "State public-records request", "records-request.xml.j2",
                     "a request under the state's public-records law to the state identification bureau",
                     ("requester",) + SENDER_FIELDS, signer="counsel", own_bureau_ok=False),
        DocumentKind("follow-up", "Records request follow-up", "follow-up.xml.j2",
                     "a status letter on a FOIA or state records request whose time to answer has passed, citing"
                     " the request, its date and the statute's deadline (toolkit follow-up REF fills it in from the"
                     " request log)",
                     REQUEST_FIELDS + ("requester",) + SENDER_FIELDS, signer="counsel", standalone=False),
        DocumentKind("appeal", "Records request appeal", "appeal.xml.j2",
                     "the appeal of a denied FOIA or state records request under the remedy the law gives (a FOIA"
                     " appeal under 6 C.F.R. 5.8, or the state's remedy), with its time limit (toolkit appeal REF"
                     " fills it in from the request log)",
                     REQUEST_FIELDS + REMEDY_FIELDS + ("requester",) + SENDER_FIELDS, signer="counsel",
                     standalone=False),
    )
}

def standalone() -> Tuple[str, ...]:
    """The kinds a place alone makes (campaigns and the web interview offer these)."""
    return tuple(name for name, k in DOCUMENTS.items() if k.standalone)


def kind(name: str) -> DocumentKind:
    """The document called ``name``, or a ToolkitError listing the known ones."""
    from .errors import ToolkitError

    try:
        return DOCUMENTS[name]
    except KeyError:
        raise ToolkitError(f"unknown document '{name}'; choose one of: {', '.join(DOCUMENTS)}") from None


#: Values ``--set key=value`` (or ``**fields`` in the library) may give, with what each means.
FIELDS: Dict[str, str] = {
    "signer": "name of the person who signs (default: a line to print the name by hand)",
    "signer_title": "title of the person who signs (default: the chair of the governing body)",
    "requester": "who makes a records request (default: the jurisdiction itself)",
    "contact": "where replies should go, in full (default: built from contact_name, office, address, email, phone)",
    "contact_name": "the person who answers for the sender, e.g. 'Jane Doe, Deputy County Counsel'",
    "office": "the sending office, shown under the jurisdiction's name, e.g. 'Office of the County Counsel'",
    "address": "the sender's street address, lines separated by ';', e.g. '70 W. Hedding St.; San Jose, CA 95110'",
    "email": "the sender's email address",
    "phone": "the sender's telephone number",
    "fee_limit": "the most the requester agrees to pay in FOIA fees, in dollars (default: 25, the DHS default)",
    "expedite": "why the FOIA request needs expedited processing (6 C.F.R. 5.5(e)); it is certified as true (default: not asked)",
    "resolution_number": "the clerk's number for the resolution (default: a line to fill in)",
    "governing_body": "title of the governing body, e.g. 'County Council'",
    "governing_body_name": "full name of the governing body, e.g. 'Arlington County Board'",
    "chair_title": "title of the body's presiding officer",
    "clerk_title": "title of the clerk who attests the resolution",
    "counsel_title": "title of the jurisdiction's lawyer, e.g. 'County Counsel'",
    "executive_title": "title of the jurisdiction's chief executive, e.g. 'County Executive'",
    "request_document": "for a follow-up or appeal: the request it is about, 'foia' or 'records-request' (default: foia)",
    "request_date": "for a follow-up or appeal: the date the request was sent, as printed, e.g. 'November 2, 2026'",
    "request_ref": "for a follow-up or appeal: the agency's reference number for the request",
    "request_deadline": "for a follow-up: the date the answer was due, as printed, e.g. 'December 2, 2026'",
    "request_extended": "for a follow-up: how the agency extended its time, e.g. 'extended by 10 working days'",
    "request_status": "for a follow-up or appeal: what came back, e.g. 'acknowledged', 'partial', 'denied'",
    "response_date": "for an appeal: the date of the determination appealed, as printed",
    "remedy_kind": "for an appeal: administrative-appeal, attorney-general, public-access-counselor, commission or court",
    "remedy_name": "for an appeal: the remedy, e.g. 'appeal to the Freedom of Information Commission'",
    "remedy_citation": "for an appeal: the statute that gives the remedy",
    "remedy_text": "for an appeal: what that statute says of the remedy, completing 'Under <citation>, ...'",
    "remedy_to": "for an appeal: who hears it, lines separated by ';'",
    "remedy_deadline": "for an appeal: the last day to use the remedy, as printed",
}
