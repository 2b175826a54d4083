"""Where the bundled data and templates are, installed or in a source checkout.

In the repository they sit at the top level (``jurisdictions.yaml``, ``templates/``), where people
edit them; the build installs them inside the package as ``toolkit/_bundled/`` (see setup.cfg), so a
plain ``pip install`` finds them.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """The path of a bundled file or folder (``"jurisdictions.yaml"``, ``"templates"``)."""
    installed = _PACKAGE / "_bundled" / name
    if installed.exists():
        return installed
    return _PACKAGE.parent / name
