"""toolkit: opt-out letters, resolutions and records requests on Secure Communities.

Fills in four documents from per-jurisdiction YAML data and renders each as DOCX (docxtpl) and
PDF (WeasyPrint)::

    import toolkit
    pdf = toolkit.render("letter", "santa-clara", format="pdf", date="2026-11-23")
    paths = toolkit.write("foia", "arlington", out="out/", signer="Jane Doe")
    result = toolkit.bulk("campaign/", states=["VA"])  # every document, manifest.csv

Every failure is a :class:`ToolkitError` subclass carrying the jurisdiction, field, path and line.
A document made with a fact the data marks ``verified: false`` comes with an
:class:`UnverifiedFactWarning` naming it, so a person checks it before sending.
"""

__version__ = "0.1.0"

from .api import DEFAULT_DATA, compose, find_jurisdiction, load_jurisdictions, render, write
from .blocks import Document
from .campaign import bulk
from .data.dataset import Dataset, Jurisdiction
from .documents import DOCUMENTS, FIELDS
from .errors import (DataError, OutputError, Problem, TemplateError, ToolkitError, UnknownJurisdiction,
                     UnverifiedFactWarning)


__all__ = [
    "compose",
    "render",
    "write",
    "Document",
    "bulk",
    "load_jurisdictions",
    "find_jurisdiction",
    "DEFAULT_DATA",
    "DOCUMENTS",
    "FIELDS",
    "Dataset",
    "Jurisdiction",
    "ToolkitError",
    "DataError",
    "UnknownJurisdiction",
    "TemplateError",
    "OutputError",
    "Problem",
    "UnverifiedFactWarning",
    "__version__",
]
