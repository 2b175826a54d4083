"""Helpers that read the produced documents back, as a person's software would."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

import pytest

DATE = "2026-11-23"


def pytest_configure(config):
    """Every test, the collecting of tests (module-level data loads) and every process a test
    starts keep toolkit's on-disk cache in a temporary folder, never the real ~/.cache."""
    config._toolkit_cache = (tempfile.mkdtemp(prefix="toolkit-cache-"), os.environ.get("TOOLKIT_CACHE_DIR"))
    os.environ["TOOLKIT_CACHE_DIR"] = config._toolkit_cache[0]


def pytest_unconfigure(config):
    folder, before = getattr(config, "_toolkit_cache", (None, None))
    if folder is None:
        return
    if before is None:
        os.environ.pop("TOOLKIT_CACHE_DIR", None)
    else:
        os.environ["TOOLKIT_CACHE_DIR"] = before
    shutil.rmtree(folder, ignore_errors=True)


def docx_lines(data: bytes) -> list:
    """The DOCX's paragraphs as text (python-docx, as Word would show them)."""
    from docx import Document

    return [p.text for p in Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def pdf_text(data: bytes) -> str:
    """The PDF's text, pages joined: poppler's pdftotext where installed (it decodes every font
    encoding WeasyPrint writes), else pypdf."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                              check=True).stdout.decode("utf-8")
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def words(text: str) -> list:
    """Words for comparing the two formats: fill-in lines, list numbers and page footers dropped."""
    text = re.sub(r"Page \d+ of \d+", " ", text)
    text = re.sub(r"_+", " ", text)
    # pdftotext joins a word hyphenated at a line's end without its hyphen ("criminal-|history" ->
    # "criminalhistory"), so hyphens are compared out of both formats
    text = re.sub(r"[-\u2010\u2011]", "", text)
    text = re.sub(r"([\u2013\u2014])\s+", r"\1", text)   # a range ("7283–7283.2") may break after its dash
    # a fill-in blank is dropped above; punctuation left alone beside one ("request of ____, reference")
    # comes out of pdftotext in another order, so lone punctuation is dropped too
    return [w for w in text.split() if not re.fullmatch(r"\d+\.|•|[,.;:]", w)]


@pytest.fixture
def write_yaml(tmp_path):
    """Write a YAML data file into tmp_path and return its path."""

    def make(text: str, name: str = "data.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return make


def have(program: str) -> bool:
    return shutil.which(program) is not None


needs_libreoffice = pytest.mark.skipif(not have("libreoffice") and not have("soffice"),
                                       reason="LibreOffice is not installed")


def libreoffice_to_pdf(docx_path: Path, out_dir: Path) -> Path:
    program = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run([program, "--headless", "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)],
                   check=True, capture_output=True, timeout=180)
    return out_dir / (docx_path.stem + ".pdf")
