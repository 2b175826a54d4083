"""The Jinja environment every document template runs in.

Templates may come from users (``--templates DIR``), so they run in Jinja's immutable sandbox.
Output is autoescaped, so data is always literal text, never markup or template code. Undefined
names are errors (``StrictUndefined``), and a value the data lacks is a :class:`Missing` that stops
the render with a :class:`~toolkit.errors.DataError` naming the field and the jurisdiction the
moment a template tries to print it: a document never says "None" or leaves a silent blank.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterable, List, Optional

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import DataError


class Missing:
    """A field the data does not have. Falsy (so ``{% if %}`` can test it); printing it raises."""

    __slots__ = ("field", "owner")

    def __init__(self, field: str, owner: "Record") -> None:
        self.field = field
        self.owner = owner

    def __bool__(self) -> bool:
        return False

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __getattr__(self, name: str) -> "Missing":
        if name.startswith("_"):
            raise AttributeError(name)
        return Missing(f"{self.field}.{name}", self.owner)

    __getitem__ = __getattr__

    def error(self) -> DataError:
        owner = self.owner
        return DataError(
            f"the document needs '{self.field}', which the data does not give; add it to the data"
            f" (see 'toolkit show {owner.jurisdiction}') or pass it with --set",
            jurisdiction=owner.jurisdiction, field=self.field, path=owner.path, line=owner.line,
        )

    def __str__(self) -> str:
        raise self.error()

    __html__ = __str__


class Record:
    """Read-only view of a mapping for templates: ``rec.key`` or ``rec['key']``; absent keys are
    :class:`Missing`, nested mappings are Records, lists are lists of Records."""

    __slots__ = ("_data", "_name", "jurisdiction", "path", "line", "_cautions")

    def __init__(self, data: Dict[str, Any], name: str, jurisdiction: str, path=None, line=None,
                 cautions: Optional[List[Any]] = None) -> None:
        self._data = data
        self._name = name
        self.jurisdiction = jurisdiction
        self.path = path
        self.line = line
        self._cautions = cautions

    def _wrap(self, key: str, value: Any) -> Any:
        name = f"{self._name}.{key}" if self._name else key
        if value is None:
            return Missing(name, self)
        if isinstance(value, dict):
            caution = getattr(value, "caution", None)  # a fact block marked 'verified: false'
            if caution is not None and self._cautions is not None:
                self._cautions.append(caution)
            return Record(value, name, self.jurisdiction, self.path, self.line, self._cautions)
        if isinstance(value, list):
            return [self._wrap(f"{key}[{i}]", item) for i, item in enumerate(value)]
        return value

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        return self._wrap(key, self._data.get(key))

    __getitem__ = __getattr__

    def __bool__(self) -> bool:
        return bool(self._data)

    def __contains__(self, key: str) -> bool:
        return self._data.get(key) is not None


def _finalize(value: Any) -> Any:
    if isinstance(value, Missing):
        raise value.error()
    if value is None:  # a None that did not come through a Record (a template's own variable)
        raise DataError("a template printed an empty value; give the field a value in the data")
    return value


def longdate(value: Any) -> str:
    """``2010-09-28`` -> ``September 28, 2010``; text (e.g. ``November 2009``) is kept."""
    if isinstance(value, Missing):
        raise value.error()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value:%B} {value.day}, {value.year}"
    return str(value)


def period(value: Any) -> str:
    """End a sentence after ``value`` without doubling a period ("et seq." stays "et seq.")."""
    text = str(value)
    return text if text.endswith(".") else text + "."


def capfirst(value: Any) -> str:
    """Upper-case the first letter only: "the County of X" -> "The County of X"."""
    text = str(value)
    return text[:1].upper() + text[1:]


def ordinal(value: Any) -> str:
    """``10`` -> ``tenth``; past twenty, ``21st``."""
    n = int(value)
    words = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
             "nineteenth", "twentieth"]
    if 0 <= n < len(words):
        return words[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def lowerfirst(value: Any) -> str:
    """Lower-case the first letter unless the word is an acronym or a name ("A local entity" ->
    "a local entity"; "ICE must" and "\"The sheriff" stay)."""
    text = str(value)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[:2].isupper() or not first[0].isalpha()):
        return text
    return text[:1].lower() + text[1:] if first in ("A", "An", "The", "No", "Each", "Every", "Any", "All") else text


def rstrip_filter(value: Any, chars: str = " ") -> str:
    """Strip trailing ``chars`` (e.g. a final period before a clause goes on)."""
    return str(value).rstrip(chars)


def daykind(value: Any) -> str:
    """What kind of day stops a deadline: "is a Saturday", "is a Sunday", else "is a legal holiday"."""
    if isinstance(value, dt.date) and value.weekday() >= 5:
        return f"is a {value:%A}"
    return "is a legal holiday"


def dollars(value: Any) -> str:
    """``25`` -> ``$25``; ``1500`` -> ``$1,500``."""
    return f"${int(value):,}"


def possessive(value: Any) -> str:
    """"the County of Santa Clara" -> "the County of Santa Clara's"."""
    text = str(value)
    return text + ("'" if text.endswith("s'") else "'s")


def join_and(items: Iterable[Any], conjunction: str = "and", semicolons: bool = False) -> str:
    """``["a", "b", "c"]`` -> ``a, b and c``; with ``semicolons`` (for items that hold commas)
    ``a; b; and c``."""
    items = [str(i) for i in items]
    if len(items) <= 2 and not (semicolons and len(items) == 2):
        return f" {conjunction} ".join(items)
    if semicolons:
        return "; ".join(items[:-1]) + f"; {conjunction} " + items[-1]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def environment(search_path: Iterable[str]) -> ImmutableSandboxedEnvironment:
    """A sandboxed, autoescaping, strict environment loading templates from ``search_path``."""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(list(search_path)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["longdate"] = longdate
    env.filters["join_and"] = join_and
    env.filters["period"] = period
    env.filters["capfirst"] = capfirst
    env.filters["possessive"] = possessive
    env.filters["dollars"] = dollars
    env.filters["daykind"] = daykind
    env.filters["lowerfirst"] = lowerfirst
    env.filters["rstrip"] = rstrip_filter
    env.filters["ordinal"] = ordinal
    return env
