"""The catalogue of documents toolkit makes, and the fields ``--set`` may give them."""

from __future__ import annotations

from .law import agreements

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from .law import StateLaw

#: every program era (see :attr:`toolkit.law.ProgramStatus.era`): for documents true on any date
ALL_ERAS = ("before", "early", "opt-out", "no-opt-out", "ended")


@dataclass(frozen=True)
class StateRule:
    """A state-law rule under which a document cannot be made as written: where a law in force on the
    document's date sets ``rule`` (a rule of :data:`toolkit.law.RULES`, e.g. ``agreement_287g``) to one
    of ``values``, the document is refused (``then="refuse"``, with a message naming the law), or its
    template writes the lawful alternative (``then="alternative"``: the template sees ``law.alternative``,
    the laws that call for it, and a "before sending" caution says so)."""

    rule: str
    values: Tuple[str, ...]
    then: str = "refuse"


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
    #: what the document is about, for lists and forms
    topic: str = "Secure Communities and records requests"
    #: state-law rules that refuse the document, or call for its lawful alternative (first match wins)
    refuse_when: Tuple[StateRule, ...] = ()
    #: the lawful alternative, in words: what the document becomes, or what to use instead when refused
    alternative: str = ""
    #: extra blocks the template reads, by name: ``provide(jurisdiction, dataset, date, laws, fields, cautions)``
    #: returns a mapping (its ``unverified`` attribute, if any, maps fact paths to cautions, and its
    #: ``fields`` the field values it chose); a block named like ``signer`` gives the default signature
    reads: Tuple[Tuple[str, Callable[..., Dict[str, Any]]], ...] = ()

    def decide(self, laws: Sequence["StateLaw"]) -> Optional[Tuple[StateRule, List["StateLaw"]]]:
        """The first of :attr:`refuse_when` that ``laws`` (the state's laws in force) trigger, with the
        laws that trigger it; None where state law leaves the document as written."""
        for rule in self.refuse_when:
            deciding = [law for law in laws if law.rule(rule.rule) in rule.values]
            if deciding:
                return rule, deciding
        return None

    def refusal(self, laws: Sequence["StateLaw"], where: str) -> str:
        """Why the document cannot be made for ``where``, naming each law, and what to use instead."""
        cited = "; ".join(f"under {law.title}, {law.citation}, {_lowerfirst(law.effect).rstrip('.')}" for law in laws)
        instead = f"; {self.alternative}" if self.alternative else ""
        return f"the {self.title} cannot be made for {where}: {cited}{instead}"

    def alternative_note(self, laws: Sequence["StateLaw"]) -> str:
        """The "before sending" words for a document made as its lawful alternative."""
        cited = "; ".join(f"{law.title}, {law.citation}" for law in laws)
        return (f"state law decides this document: under {cited}, it is made as the lawful alternative"
                f" ({self.alternative}); have counsel review it before it is adopted or sent")


def _lowerfirst(text: str) -> str:
    from .templating import lowerfirst

    return lowerfirst(text)


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
        # 287(g) agreements and detainers: what a county controls today (toolkit/law/agreements.yaml)
        DocumentKind("287g-resolution", "Resolution on a 287(g) agreement", "287g-resolution.xml.j2",
                     "a council or board resolution to end, not renew or not enter a 287(g) agreement with ICE,"
                     " requesting the officer who holds it to give ICE the written notice its termination clause"
                     " requires",
                     ("agreement_action", "agency", "agency_head", "agreement_model", "agreement_signed",
                      "resolution_number", "chair_title", "clerk_title", "counsel_title"),
                     eras=ALL_ERAS, policy=True, topic="287(g) and detainers",
                     refuse_when=(StateRule("agreement_287g", ("required", "must_apply"), "alternative"),),
                     alternative="a resolution asking the officer who holds the agreement, which state law requires,"
                                 " to report on it in public, and directing a request for its records",
                     reads=(("agreement", agreements.view),)),
        DocumentKind("287g-notice", "Notice ending a 287(g) agreement", "287g-notice.xml.j2",
                     "the letter from the sheriff (or other officer who holds the agreement) to the ICE Field Office"
                     " Director, ending the agreement under its termination clause, or declining to enter one",
                     ("agreement_action", "agency", "agency_head", "agreement_model", "agreement_signed")
                     + SENDER_FIELDS,
                     signer="agreement", eras=ALL_ERAS, policy=True, topic="287(g) and detainers",
                     refuse_when=(StateRule("agreement_287g", ("required", "must_apply"), "refuse"),),
                     alternative="use the 287(g) resolution (it becomes a request for public reports on the"
                                 " agreement) and the 287(g) records request",
                     reads=(("agreement", agreements.view),)),
        DocumentKind("detainer-policy", "Detainer and ICE-access policy", "detainer-policy.xml.j2",
                     "an ordinance or resolution: hold a person past release only on a judicial warrant or court"
                     " order, what the jail tells ICE and when, ICE access to people in custody and to county"
                     " property, with the court decisions that make holding on a detainer alone a liability",
                     ("instrument", "agency", "agency_head", "resolution_number", "chair_title", "clerk_title",
                      "counsel_title"),
                     eras=ALL_ERAS, policy=True, topic="287(g) and detainers",
                     refuse_when=(StateRule("detainers", ("must_honor",), "alternative"),
                                  StateRule("local_policy", ("barred",), "alternative")),
                     alternative="a resolution on records and notice of the detainers the jail honours as state law"
                                 " requires, limiting nothing that law requires",
                     reads=(("agreement", agreements.view),)),
        DocumentKind("287g-records", "Public-records request on 287(g) and detainers", "287g-records.xml.j2",
                     "a request under the state's public-records law to the sheriff (or the agency that runs the"
                     " jail) for the 287(g) agreement and its amendments, steering-committee minutes, training and"
                     " certification records, costs, and counts of detainers received and honoured, by month",
                     ("requester", "agency", "agency_head") + SENDER_FIELDS, signer="counsel", eras=ALL_ERAS,
                     topic="287(g) and detainers", reads=(("agreement", agreements.view),)),
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
    "agency": "the agency that holds (or would hold) the 287(g) agreement or runs the jail, e.g. 'Frederick County"
              " Sheriff's Office' (default: from ICE's list, else the county's sheriff's office)",
    "agency_head": "title of the officer who heads that agency and signs its notice, e.g. 'Sheriff' or 'Director'",
    "agreement_model": "the 287(g) model(s) the agency holds, e.g. 'JEM' or 'JEM,WSO', where ICE's list in the data"
                       " is older than the agreement",
    "agreement_signed": "the date the agreement was signed, YYYY-MM-DD (with agreement_model)",
    "agreement_action": "end, not-renew or not-enter (default: end where the agency holds an agreement, else not-enter)",
    "instrument": "ordinance or resolution: the form of the detainer policy (default: resolution)",
}
