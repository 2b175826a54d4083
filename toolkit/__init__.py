"""toolkit: opt-out letters, resolutions and records requests on Secure Communities.

Fills in four documents from per-jurisdiction YAML data and renders each as DOCX (docxtpl) and
PDF (WeasyPrint)::

    import toolkit
    doc = toolkit.compose("letter", "santa-clara", date="2026-11-23")   # words, fields, cautions
    pdf = doc.to_bytes("pdf")
    pdf = toolkit.render("letter", "santa-clara", format="pdf", date="2026-11-23")
    paths = toolkit.write("foia", "arlington", out="out/", signer="Jane Doe")
    result = toolkit.bulk("campaign/", states=["VA"])  # every document, manifest.csv

The module-level functions are shortcuts over a default :class:`Toolkit`, the object that owns
loaded data and caches; make your own (``toolkit.Toolkit(data="mine.yaml")``) to keep data sets apart.

Every failure is a :class:`ToolkitError` subclass carrying the jurisdiction, field, path and line.
A document made with a fact the data marks ``verified: false`` lists it in ``Document.cautions``
(``render()`` and ``write()`` also warn :class:`UnverifiedFactWarning`), so a person checks it
before sending.
"""

from ._version import __version__

from .api import DEFAULT_DATA, Toolkit, compose, fast_pdf, find_jurisdiction, load_jurisdictions, render, write
from .blocks import Document
from .campaign import bulk
from .data.dataset import Dataset, Jurisdiction
from .documents import DOCUMENTS, FIELDS
from .errors import (DataError, NotApplicable, OutputError, Problem, TemplateError, ToolkitError, UnknownJurisdiction,
                     UnverifiedFactWarning)


__all__ = [
    "Toolkit",
    "compose",
    "render",
    "write",
    "Document",
    "bulk",
    "load_jurisdictions",
    "find_jurisdiction",
    "fast_pdf",
    "DEFAULT_DATA",
    "DOCUMENTS",
    "FIELDS",
    "Dataset",
    "Jurisdiction",
    "ToolkitError",
    "DataError",
    "NotApplicable",
    "UnknownJurisdiction",
    "TemplateError",
    "OutputError",
    "Problem",
    "UnverifiedFactWarning",
    "__version__",
]
