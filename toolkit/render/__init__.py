"""From a jurisdiction to document bytes: template -> blocks -> DOCX or PDF.

:func:`compose` runs the document's template (the words, written once) and parses its output into
blocks; :mod:`.docx` and :mod:`.pdf` lay the same blocks out, so both formats always say the same.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from typing import List, Mapping, Optional, Sequence, Tuple

import jinja2
from jinja2.exceptions import SecurityError

from .. import blocks, context
from ..data.dataset import Dataset, Jurisdiction
from ..documents import kind as document_kind
from ..errors import DataError, Problem, TemplateError, ToolkitError
from ..resources import bundled
from ..templating import environment

FORMATS = ("docx", "pdf")


def bundled_templates() -> str:
    """The folder of the templates that ship with toolkit."""
    return str(bundled("templates"))


def check_formats(formats: Sequence[str]) -> None:
    """Refuse any format but docx and pdf, before any work is done."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise ToolkitError(f"unknown format '{fmt}'; choose from: {', '.join(FORMATS)}")


def template_file(path: Sequence[str], name: str) -> str:
    """The first file called ``name`` in the template search path (user folder, then bundled)."""
    for folder in path:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    raise TemplateError(f"template '{name}' not found in {', '.join(path)}", template=name)


def search_path(templates: "Optional[os.PathLike[str] | str]") -> Tuple[str, ...]:
    """User templates first (they override bundled ones by file name), then the bundled ones."""
    bundled = bundled_templates()
    if templates is None:
        return (bundled,)
    user = os.fspath(templates)
    if not os.path.isdir(user):
        raise TemplateError("templates folder not found; give an existing folder with --templates",
                            path=user, template=user)
    return (os.path.realpath(user), bundled)


@lru_cache(maxsize=16)
def _env(path: Tuple[str, ...]):
    return environment(path)


def compose(document: str, jurisdiction: Jurisdiction, dataset: Dataset, date: dt.date,
            fields: Mapping[str, str], templates=None) -> blocks.Document:
    """Run the document's template for ``jurisdiction`` and parse the result into blocks."""
    kind = document_kind(document)
    path = search_path(templates)
    env = _env(path)
    cautions: List[Problem] = []
    ctx = context.build(document, jurisdiction, dataset, date, fields, cautions)
    try:
        markup = env.get_template(kind.template).render(ctx)
    except DataError as exc:
        exc.jurisdiction = exc.jurisdiction or jurisdiction.id
        raise
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template '{exc.name}' not found in {', '.join(path)}", template=str(exc.name)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message}", template=exc.name, path=exc.filename,
                            line=exc.lineno) from None
    except SecurityError as exc:
        raise TemplateError(f"template tried something the sandbox forbids: {exc}", template=kind.template,
                            jurisdiction=jurisdiction.id) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"template uses an undefined name: {exc.message}", template=kind.template,
                            jurisdiction=jurisdiction.id) from None
    doc = blocks.parse(markup, kind.template)
    doc.cautions = tuple(dict.fromkeys(cautions))
    doc.kind, doc.jurisdiction, doc.date = kind.name, jurisdiction.id, date
    doc.fields = {k: str(v) for k, v in ctx["_fields"].items()}
    doc.templates = None if templates is None else os.fspath(templates)
    return doc


def to_format(doc: blocks.Document, fmt: str, date: dt.date, templates=None) -> bytes:
    """Lay out composed blocks as ``fmt`` ('docx' or 'pdf')."""
    path = search_path(templates)
    if fmt == "docx":
        from . import docx

        return docx.render(doc, date, template_file(path, "shell.docx"))
    if fmt == "pdf":
        from . import pdf

        return pdf.render(doc, date, _env(path), path)
    raise ToolkitError(f"unknown format '{fmt}'; choose docx or pdf")
