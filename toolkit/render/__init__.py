"""From a jurisdiction to document bytes: template -> blocks -> DOCX or PDF.

:func:`compose_with` runs the document's template (the words, written once) and parses its output
into blocks; :mod:`.docx` and :mod:`.pdf` lay the same blocks out, so both formats always say the
same. These functions take what they need (a template environment, a shell) as arguments and keep
nothing: a :class:`toolkit.Toolkit` owns the loaded environments, shells and PDF setups.
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

import jinja2
from jinja2.exceptions import SecurityError

from .. import blocks, context
from ..data.dataset import Dataset, Jurisdiction
from ..documents import kind as document_kind
from ..errors import DataError, Problem, TemplateError, ToolkitError
from ..resources import bundled
from ..templating import render as render_template
from ..templating import within

FORMATS = ("docx", "pdf")


def bundled_templates() -> str:
    """The folder of the templates that ship with toolkit."""
    return str(bundled("templates"))


def check_formats(formats: Sequence[str]) -> None:
    """Refuse any format but docx and pdf, before any work is done."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise ToolkitError(f"unknown format '{fmt}'; choose from: {', '.join(FORMATS)}", input="format")


def template_file(path: Sequence[str], name: str) -> str:
    """The first file called ``name`` in the template search path (user folder, then bundled),
    refusing a link that leads out of its folder."""
    for folder in path:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return within(candidate, [folder], name)
    raise TemplateError(f"template '{name}' not found in {', '.join(path)}", template=name)


def search_path(templates: "Optional[os.PathLike[str] | str]") -> Tuple[str, ...]:
    """User templates first (they override bundled ones by file name), then the bundled ones."""
    bundled_folder = bundled_templates()
    if templates is None:
        return (bundled_folder,)
    user = os.fspath(templates)
    if not os.path.isdir(user):
        raise TemplateError("templates folder not found; give an existing folder", path=user, template=user)
    return (os.path.abspath(user), bundled_folder)


def _where(exc: BaseException, roots: Iterable[str]) -> Tuple[Optional[str], Optional[int]]:
    """The template file and line an error was raised at (Jinja puts template frames in tracebacks)."""
    roots = [os.path.abspath(r) for r in roots]
    found: Tuple[Optional[str], Optional[int]] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        name = os.path.abspath(frame.filename)
        if any(name.startswith(root + os.sep) for root in roots):
            found = (frame.filename, frame.lineno)
    return found


def compose_with(env, path: Sequence[str], document: str, jurisdiction: Jurisdiction, dataset: Dataset,
                 date: dt.date, fields: Mapping[str, str]) -> blocks.Document:
    """Run the document's template (from ``env``, loading from ``path``) for ``jurisdiction`` and
    parse the result into blocks. Every failure of the template is a TemplateError naming its file
    and line; a value the data lacks is a DataError naming the field."""
    kind = document_kind(document)
    cautions: List[Problem] = []
    ctx = context.build(document, jurisdiction, dataset, date, fields, cautions)
    try:
        markup = render_template(env, kind.template, ctx)
    except DataError as exc:
        exc.jurisdiction = exc.jurisdiction or jurisdiction.id
        raise
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template '{exc.name}' not found in {', '.join(path)}", template=str(exc.name)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message}", template=exc.name, path=exc.filename,
                            line=exc.lineno) from None
    except TemplateError as exc:
        file, line = _where(exc, path)
        if exc.line is None and file:
            exc.path, exc.line = file, line
        exc.jurisdiction = exc.jurisdiction or jurisdiction.id
        raise
    except Exception as exc:  # a user's template can fail in any way: say where, in one line
        file, line = _where(exc, path)
        if isinstance(exc, SecurityError):
            what = f"tried something the sandbox forbids: {exc}"
        elif isinstance(exc, jinja2.UndefinedError):
            what = f"uses an undefined name: {exc.message}"
        elif isinstance(exc, RecursionError):
            what = "calls itself without end"
        elif isinstance(exc, OverflowError):
            what = f"went past a limit: {exc}"
        else:
            what = f"failed: {type(exc).__name__}: {exc}"
        raise TemplateError(f"the template {what}", template=kind.template, path=file, line=line,
                            jurisdiction=jurisdiction.id) from None
    main = env.get_template(kind.template).filename
    others = [os.path.join(root, name) for root in path for name in sorted(os.listdir(root)) if name.endswith(".j2")]
    doc = blocks.parse(markup, kind.template, [main, *[o for o in others if o != main]])
    doc.cautions = tuple(dict.fromkeys(cautions))
    doc.kind, doc.jurisdiction, doc.date = kind.name, jurisdiction.id, date
    doc.fields = {k: str(v) for k, v in ctx["_fields"].items()}
    return doc


# --- conveniences over the default Toolkit (kept for callers of the first API) ---------------------

def compose(document: str, jurisdiction: Jurisdiction, dataset: Dataset, date: dt.date,
            fields: Mapping[str, str], templates=None) -> blocks.Document:
    """:func:`compose_with` through the default :class:`toolkit.Toolkit`'s environments."""
    from ..api import default_toolkit

    return default_toolkit().compose_for(document, jurisdiction, dataset, date, fields, templates)


def to_format(doc: blocks.Document, fmt: str, date: Optional[dt.date] = None, templates=None) -> bytes:
    """Lay out a composed document as ``fmt`` ('docx' or 'pdf') with the default Toolkit."""
    from ..api import default_toolkit

    if templates is not None and doc.templates is None:
        doc.templates = os.fspath(templates)
    if date is not None and doc.date is None:
        doc.date = date
    return default_toolkit().to_bytes(doc, fmt)
