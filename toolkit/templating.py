"""The Jinja environment every document template runs in.

Templates may come from users (a templates folder of their own), so they run in Jinja's immutable
sandbox, with limits:

- output is autoescaped, so data is always literal text, never markup or template code;
- undefined names are errors (``StrictUndefined``), and a value the data lacks is a :class:`Missing`
  that stops the render with a :class:`~toolkit.errors.DataError` naming the field and the
  jurisdiction the moment a template tries to print it: a document never says "None" or leaves a
  silent blank;
- a template gets a budget of :data:`MAX_STEPS` loop turns and calls and makes no text longer than
  :data:`MAX_TEXT` characters, so ``range(10**9)``, ``'x' * 10**10`` or loops nested to billions of
  turns stop at once with a :class:`~toolkit.errors.TemplateError` instead of hanging;
- a template file that is a link to a file outside its templates folder is refused.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import os
import re
import sys
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional

import jinja2
from jinja2 import FileSystemLoader, StrictUndefined, nodes, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from . import diskcache
from .errors import DataError, Problem, TemplateError

#: Loop turns plus calls one render may make (a bundled document and its page shell make under 200).
MAX_STEPS = 100_000
#: The longest text (or list) a template may build, and the longest output it may write.
MAX_TEXT = 2_000_000
#: The largest count or width a template may pass to padding, repeating or wrapping functions.
MAX_WIDTH = 10_000


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
            f"the document needs '{self.field}', which the data does not give; add it to the data",
            jurisdiction=owner.jurisdiction, field=self.field, path=owner.path, line=owner.line,
            input="fields" if self.field.startswith("fields.") else "data",
        )

    def __str__(self) -> str:
        raise self.error()

    __html__ = __str__


class Record:
    """Read-only view of a mapping for templates: ``rec.key`` or ``rec['key']``; absent keys are
    :class:`Missing`, nested mappings are Records, lists are lists of Records.

    ``facts`` is where the mapping sits in the data (``states.CA``, ``federal``, a jurisdiction's
    id): a fact block the data marks ``verified: false`` is listed in ``unverified`` under its
    place (``states.CA.sib``), and reading it appends that caution to ``cautions``."""

    __slots__ = ("_data", "_name", "jurisdiction", "path", "line", "_facts", "_unverified", "_cautions")

    def __init__(self, data: Dict[str, Any], name: str, jurisdiction: str, path=None, line=None, *,
                 facts: str = "", unverified: Optional[Mapping[str, Problem]] = None,
                 cautions: Optional[List[Problem]] = None) -> None:
        self._data = data
        self._name = name
        self.jurisdiction = jurisdiction
        self.path = path
        self.line = line
        self._facts = facts
        self._unverified = unverified or {}
        self._cautions = cautions

    def _wrap(self, key: str, value: Any, facts: str) -> Any:
        name = f"{self._name}.{key}" if self._name else key
        if value is None:
            return Missing(name, self)
        if isinstance(value, dict):
            caution = self._unverified.get(facts)
            if caution is not None and self._cautions is not None:
                self._cautions.append(caution)
            return Record(value, name, self.jurisdiction, self.path, self.line, facts=facts,
                          unverified=self._unverified, cautions=self._cautions)
        if isinstance(value, list):
            return [self._wrap(f"{key}[{i}]", item, f"{facts}[{i}]") for i, item in enumerate(value)]
        return value

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        return self._wrap(key, self._data.get(key), f"{self._facts}.{key}" if self._facts else key)

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


def longdate(value: Any) -> Any:
    """``2010-09-28`` -> ``September 28, 2010``, kept on one line (``<keep>``); text (e.g.
    ``November 2009``) is kept as it is."""
    if isinstance(value, Missing):
        raise value.error()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Markup(f"<keep>{value:%B} {value.day}, {value.year}</keep>")
    return str(value)


_SECTION = re.compile(r"(§+|U\.S\.C\.) ")


def tie(value: Any) -> str:
    """A section sign stays on the line of the number it cites: "§ 552" -> "§\u00a0552"."""
    return _SECTION.sub(lambda m: m.group(1) + "\u00a0", str(value))


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
    """"the County of Santa Clara" -> "the County of Santa Clara's"; a text already possessive
    ("the Commissioners'", "Harris County's") stays as it is."""
    text = str(value)
    return text if text.endswith(("'", "'s", "\u2019", "\u2019s")) else text + "'s"


def join_and(items: Iterable[Any], conjunction: str = "and", semicolons: bool = False) -> str:
    """``["a", "b", "c"]`` -> ``a, b and c``; with ``semicolons`` (for items that hold commas)
    ``a; b; and c``."""
    items = [str(i) for i in items]
    if len(items) <= 2 and not (semicolons and len(items) == 2):
        return f" {conjunction} ".join(items)
    if semicolons:
        return "; ".join(items[:-1]) + f"; {conjunction} " + items[-1]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


# --- limits ----------------------------------------------------------------------------------

class _Budget:
    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps = 0


_budget: "contextvars.ContextVar[Optional[_Budget]]" = contextvars.ContextVar("toolkit_template_budget", default=None)


def _limit(what: str) -> TemplateError:
    return TemplateError(f"the template {what}; templates are limited to {MAX_STEPS:,} loop turns and calls"
                         f" and {MAX_TEXT:,} characters of text")


def _step(count: int = 1) -> None:
    budget = _budget.get()
    if budget is not None:
        budget.steps += count
        if budget.steps > MAX_STEPS:
            raise _limit("runs too long (a loop or calls without end?)")


def _loop(iterable: Any) -> Iterator[Any]:
    """What every ``{% for %}`` iterates over: the same items, each turn counted."""
    for item in iterable:
        _step()
        yield item


def _text(value: Any) -> Any:
    """Every ``~`` concatenation passes through here: refuse text past the limit."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise _limit("builds a text too long")
    return value


class _Limits(NodeTransformer):
    """Rewrites a parsed template: loops iterate through :func:`_loop`, ``~`` through :func:`_text`.
    The functions are imported by their module path, so no template can rebind them."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 (Jinja's visitor naming)
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.ImportedName(f"{__name__}._loop"), [node.iter], [], None, None,
                               lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        self.generic_visit(node)
        return nodes.Call(nodes.ImportedName(f"{__name__}._text"), [node], [], None, None, lineno=node.lineno)


_WIDTH = re.compile(r"%[-+ #0]*\*|%[-+ #0]*\d{5,}|\{[^{}]*:[^{}]*(\d{5,}|\{)")
_PADDING_METHODS = {"ljust", "rjust", "center", "zfill", "expandtabs", "replace", "splitlines"}
_FORMAT_METHODS = {"format", "format_map"}
_PADDING_FILTERS = {"center", "indent", "wordwrap", "truncate", "batch", "slice", "replace"}


def _check_counts(args: Iterable[Any]) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_WIDTH:
            raise _limit(f"asks for a width or count of {arg:,} (at most {MAX_WIDTH:,})")


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _WIDTH.search(text):
        raise _limit("asks for a field width in a format string that is too large")


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the limits above."""

    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def _parse(self, source, name, filename):
        return _Limits().visit(super()._parse(source, name, filename))

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 128 and left not in (0, 1, -1):
            raise _limit(f"raises a number to the power {right}")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_TEXT:
                    raise _limit("builds a text too long")
        if operator == "%":
            _check_format(left)
        result = super().call_binop(context, operator, left, right)
        return _text(result)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805,B902 (Jinja's own signature)
        _step()
        name = getattr(__obj, "__name__", None)
        bound = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)  # the sandbox wraps str.format
        if isinstance(bound, str):
            if name in _PADDING_METHODS:
                _check_counts((*args, *kwargs.values()))
            elif name in _FORMAT_METHODS:
                _check_format(bound)
        return super().call(__context, __obj, *args, **kwargs)


def _limited_filter(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _check_counts((*(args[1:] if getattr(fn, "jinja_pass_arg", None) is None else args[2:]), *kwargs.values()))
        return fn(*args, **kwargs)

    return wrapper


class TemplateLoader(FileSystemLoader):
    """Loads templates from the search path, refusing a file that is a link to a file outside the
    folder it was found in (a user's folder may hold a link to ``/etc/...``)."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        within(filename, self.searchpath, template)
        return source, filename, uptodate


def within(filename: str, roots: Iterable[str], name: str) -> str:
    """``filename`` if it really lies inside the root folder it was found in; a TemplateError if it
    is (or passes through) a link to somewhere outside."""
    for root in roots:
        root = os.path.abspath(root)
        if os.path.abspath(filename).startswith(root + os.sep):
            real_root = os.path.realpath(root)
            if os.path.realpath(filename).startswith(real_root + os.sep):
                return filename
            raise TemplateError(f"template '{name}' is a link to a file outside its templates folder; put the file"
                                " itself in the folder", template=name, path=filename)
    return filename


class TemplateCache(BytecodeCache):
    """Compiled templates kept in toolkit's on-disk cache (:mod:`toolkit.diskcache`), so a fresh
    process does not compile them again. Jinja names an entry by the template's name and file and
    recompiles when the source's checksum differs (an edited template of one's own), and the
    entry's name also carries toolkit's, Jinja's and Python's versions and a hash of this module's
    source, as the compiled code depends on all four (the sandbox, the limits, the settings).
    Unlike ``jinja2.FileSystemBytecodeCache``, an unwritable folder, a corrupt entry or one another
    user could have written is ignored, never an error."""

    _extra = (jinja2.__version__, sys.version.split()[0], diskcache.source_hash(__file__))

    def load_bytecode(self, bucket: Bucket) -> None:
        data = diskcache.get(diskcache.key("jinja", bucket.key.encode("utf-8"), self._extra))
        if isinstance(data, bytes):
            try:
                bucket.bytecode_from_string(data)
            except Exception:
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        diskcache.put(diskcache.key("jinja", bucket.key.encode("utf-8"), self._extra), bucket.bytecode_to_string())


def environment(search_path: Iterable[str]) -> Sandbox:
    """A sandboxed, limited, autoescaping, strict environment loading templates from ``search_path``."""
    env = Sandbox(
        loader=TemplateLoader(list(search_path)),
        bytecode_cache=TemplateCache(),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    for name in _PADDING_FILTERS:
        env.filters[name] = _limited_filter(env.filters[name])
    format_filter = env.filters["format"]

    def format(value, *args, **kwargs):  # "%99999999s"|format(x)
        _check_format(value)
        return format_filter(value, *args, **kwargs)

    env.filters["format"] = format
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
    env.filters["tie"] = tie
    return env


def render(env: Sandbox, name: str, context: Dict[str, Any]) -> str:
    """Render template ``name`` with the limits in force (a fresh budget for this render)."""
    token = _budget.set(_Budget())
    try:
        out: List[str] = []
        size = 0
        for piece in env.get_template(name).generate(context):
            size += len(piece)
            if size > MAX_TEXT * 5:
                raise _limit("writes a document too long")
            out.append(piece)
        return "".join(out)
    finally:
        _budget.reset(token)
