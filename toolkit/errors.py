"""Every exception toolkit raises on purpose.

All of them derive from :class:`ToolkitError`, so a program can catch one class; each carries the
fields a program needs to point a person at the problem (jurisdiction, field, path, line) and
renders itself as one line a person can act on. Messages speak of data, fields and files: the
library's own terms. ``input`` says which input of the call the problem is with (``"data"``,
``"templates"``, ``"fields"``, ``"date"``, ``"out"``, ``"jurisdiction"``, ``"format"``,
``"document"``), so a front end (the command line, a web form) can point at its own control for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, with where it is.

    ``severity`` is ``"error"`` (the data cannot be used as it is) or ``"warning"`` (it can, but a
    person should look, e.g. a fact marked ``verified: false``).
    """

    message: str
    path: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    jurisdiction: Optional[str] = None
    field: Optional[str] = None
    severity: str = "error"

    def __str__(self) -> str:
        return _format(self.message, self.path, self.line, self.column, self.jurisdiction, self.field)


def _format(message, path, line, column, jurisdiction, field) -> str:
    where = ""
    if path:
        where = str(path)
        if line:
            where += f":{line}"
            if column:
                where += f":{column}"
        where += ": "
    who = []
    if jurisdiction:
        who.append(f"jurisdiction '{jurisdiction}'")
    if field:
        who.append(f"field '{field}'")
    return where + (", ".join(who) + ": " if who else "") + message


class ToolkitError(Exception):
    """Base class of every error toolkit raises on purpose.

    ``str(error)`` is one line: ``file:line: jurisdiction 'x', field 'y': what is wrong; what to do``.
    ``message`` is what is wrong, ``hint`` (optional) what to do, in the library's terms.
    """

    def __init__(
        self,
        message: str,
        *,
        jurisdiction: Optional[str] = None,
        field: Optional[str] = None,
        path: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        input: Optional[str] = None,
        hint: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.jurisdiction = jurisdiction
        self.field = field
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        self.input = input
        self.hint = hint

    def describe(self, hint: Optional[str] = None) -> str:
        """The one line, with ``hint`` (e.g. a front end's own words) in place of the library's."""
        hint = self.hint if hint is None else hint
        return _format(self.message, self.path, self.line, self.column, self.jurisdiction, self.field) + (
            f"; {hint}" if hint else "")

    def __str__(self) -> str:
        return self.describe()


class UnverifiedFactWarning(UserWarning):
    """A document was made with a fact its data marks ``verified: false`` (an office's address, a
    deadline, a body's title): the document is complete, but a person should check that fact
    before sending it. ``problem`` says which fact and where it is (file and line)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"before sending: {problem}")
        self.problem = problem


class DataError(ToolkitError):
    """The jurisdiction data is broken, incomplete or of the wrong type.

    Raised when a YAML file does not parse, fails the schema, or lacks a field a document needs.
    ``problems`` lists every problem found (a checker prints them all); the error's own
    fields describe the first.
    """

    def __init__(self, message: str = "", *, problems: Sequence[Problem] = (), **where) -> None:
        problems = list(problems)
        if problems and not message:
            first = problems[0]
            message = first.message
            where = dict(
                path=first.path, line=first.line, column=first.column,
                jurisdiction=first.jurisdiction, field=first.field,
            )
        where.setdefault("input", "data")
        super().__init__(message, **where)
        self.problems = problems or [
            Problem(message, self.path, self.line, self.column, self.jurisdiction, self.field)
        ]

    @property
    def more(self) -> int:
        """How many errors the data has besides the first."""
        return max(0, sum(1 for p in self.problems if p.severity == "error") - 1)

    def describe(self, hint: Optional[str] = None) -> str:
        more = self.more
        return super().describe(hint) + (f" (and {more} more problem{'s' * (more > 1)} in the data)" if more else "")


class NotApplicable(DataError):
    """The document does not apply to this jurisdiction on this date, by design: D.C. does not send a
    records request to its own police department; no letter is dated on a day the program was not
    in operation; a state's law forbids what the document would do. The message says why and names
    the rule (a statute, the program's history)."""


class UnknownJurisdiction(ToolkitError):
    """No jurisdiction matches what was asked for, or several do.

    ``query`` is what was asked; ``suggestions`` are ids close to it (for a near-miss) and
    ``candidates`` the matches when the name is ambiguous. ``states`` and ``kinds`` are the states
    and kinds (``county``, ``city``) among the candidates: a state or a kind settles the choice.
    """

    def __init__(
        self,
        message: str,
        *,
        query: str,
        suggestions: Sequence[str] = (),
        candidates: Sequence[str] = (),
        states: Sequence[str] = (),
        kinds: Sequence[str] = (),
        **where,
    ) -> None:
        where.setdefault("input", "jurisdiction")
        super().__init__(message, **where)
        self.query = query
        self.suggestions = list(suggestions)
        self.candidates = list(candidates)
        self.states = list(states)
        self.kinds = list(kinds)


class TemplateError(ToolkitError):
    """A document template is missing, does not compile, breaks its markup, tried something the
    sandbox forbids or went past its limits (loop turns, text size), or is a link out of its folder.

    ``template`` names the template; ``path`` and ``line`` say where in which file, when known.
    """

    def __init__(self, message: str, *, template: Optional[str] = None, **where) -> None:
        where.setdefault("input", "templates")
        super().__init__(message, **where)
        self.template = template


class OutputError(ToolkitError):
    """An output file could not be written (folder unwritable or full, a file in the way, a lock
    held by another run). ``path`` is the file or folder concerned; nothing partial is left."""

    def __init__(self, message: str, **where) -> None:
        where.setdefault("input", "out")
        super().__init__(message, **where)


__all__ = [
    "Problem",
    "ToolkitError",
    "DataError",
    "NotApplicable",
    "UnknownJurisdiction",
    "TemplateError",
    "OutputError",
    "UnverifiedFactWarning",
]
