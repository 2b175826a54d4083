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


DOCUMENTS: Dict[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind("letter", "Opt-out request letter", "letter.xml.j2",
                     "written notice to the state identification bureau and ICE asking not to participate",
                     ("signer", "signer_title", "contact")),
        DocumentKind("resolution", "Resolution", "resolution.xml.j2",
                     "a council or board resolution opposing participation and directing the opt-out letter",
                     ("resolution_number", "chair_title", "clerk_title", "counsel_title")),
        DocumentKind("foia", "Federal FOIA request", "foia.xml.j2",
                     "a Freedom of Information Act request to the ICE FOIA Office",
                     ("requester", "signer", "signer_title", "contact")),
        DocumentKind("records-request", "State public-records request", "records-request.xml.j2",
                     "a request under the state's public-records law to the state identification bureau",
                     ("requester", "signer", "signer_title", "contact")),
    )
}

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
    "contact": "where replies should go: an email or postal address",
    "resolution_number": "the clerk's number for the resolution (default: a line to fill in)",
    "governing_body": "title of the governing body, e.g. 'County Council'",
    "governing_body_name": "full name of the governing body, e.g. 'Arlington County Board'",
    "chair_title": "title of the body's presiding officer",
    "clerk_title": "title of the clerk who attests the resolution",
    "counsel_title": "title of the jurisdiction's lawyer, e.g. 'County Counsel'",
}
