"""``python -m toolkit``: the same as the ``toolkit`` command."""

from .cli import main

main(prog_name="toolkit")
