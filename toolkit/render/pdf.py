"""PDF output: the document's blocks laid into ``templates/shell.html.j2`` and ``style.css``, then
WeasyPrint makes a tagged PDF/UA-1 file (US Letter, fonts embedded, title and language set).

WeasyPrint fetches nothing but the stylesheet and images inside the templates folders: the
:func:`fetcher` refuses every other URL (``file:///etc/...``, the network), whatever a template
asks for. The PDF's dates come from ``--date`` and its identifier from a hash of its content, so
the same inputs always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from functools import lru_cache
from typing import Sequence, Tuple
from urllib.parse import unquote, urlparse

from ..blocks import Document
from ..errors import TemplateError

PDF_VARIANT = "pdf/ua-1"


def fetcher(roots: Sequence[str]):
    """A WeasyPrint URL fetcher that serves only ``file:`` URLs inside ``roots`` and refuses the
    rest (other files, the network) with ValueError, which WeasyPrint reports and skips."""
    from weasyprint import urls

    real_roots = [os.path.realpath(r) for r in roots]

    def check(url: str) -> None:
        parsed = urlparse(url)
        path = os.path.realpath(unquote(parsed.path)) if parsed.scheme == "file" else None
        if path is None or not any(path == root or path.startswith(root + os.sep) for root in real_roots):
            raise ValueError(f"toolkit does not fetch {url!r}: only files inside the templates folder")

    if hasattr(urls, "URLFetcher"):  # WeasyPrint >= 68

        class SafeFetcher(urls.URLFetcher):
            def fetch(self, url, headers=None):
                check(url)
                return super().fetch(url, headers)

        return SafeFetcher(allowed_protocols=("file",))

    def fetch(url: str, timeout: int = 10, ssl_context=None):  # older WeasyPrint
        check(url)
        return urls.default_url_fetcher(url, timeout, ssl_context)

    return fetch


@lru_cache(maxsize=8)
def _setup(roots: Tuple[str, ...]):
    """The URL fetcher, the parsed ``style.css`` (first found in ``roots``) and its font
    configuration, made once per process: making them again for every document cost a PDF about a
    tenth of its time."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from . import template_file

    fetch = fetcher(roots)
    font_config = FontConfiguration()
    css = CSS(filename=template_file(roots, "style.css"), url_fetcher=fetch, font_config=font_config)
    return fetch, [css], font_config


def fast_subsetting() -> bool:
    """Whether WeasyPrint found the HarfBuzz-subset library. Without it WeasyPrint subsets each
    PDF's fonts with fontTools, which makes a PDF about 3x slower (benchmarks/pdf_time.py)."""
    from weasyprint.text import ffi

    return getattr(ffi, "harfbuzz_subset", True) is not None


def html(document: Document, date: dt.date, env) -> str:
    """The HTML of ``document`` (also useful to preview it in a browser)."""
    stamp = f"{date.isoformat()}T00:00:00Z"
    return env.get_template("shell.html.j2").render(doc=document, stamp=stamp)


def render(document: Document, date: dt.date, env, roots: Sequence[str]) -> bytes:
    """The PDF bytes of ``document``; ``roots`` are the templates folders (base of relative URLs)."""
    from weasyprint import HTML  # imported late: a DOCX-only run never pays ~0.5 s for it

    source = html(document, date, env)
    identifier = hashlib.sha256(source.encode("utf-8")).hexdigest()[:32].encode("ascii")
    fetch, stylesheets, font_config = _setup(tuple(roots))
    # fontTools stamps subset fonts with the current time unless SOURCE_DATE_EPOCH is set.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(date.year, date.month, date.day,
                                                         tzinfo=dt.timezone.utc).timestamp()))
    try:
        return HTML(string=source, base_url=Path(roots[0]).as_uri() + "/", url_fetcher=fetch).write_pdf(
            stylesheets=stylesheets, font_config=font_config, pdf_variant=PDF_VARIANT, pdf_identifier=identifier,
        )
    except TemplateError:
        raise
    except ValueError as exc:
        raise TemplateError(f"the PDF could not be made: {exc}", template="shell.html.j2") from None
