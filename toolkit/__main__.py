"""``python -m toolkit``: the same as the ``toolkit`` command."""

from .cli import entry

entry()
