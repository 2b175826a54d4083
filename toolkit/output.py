"""Writing files safely: names that cannot escape the output folder, atomic replacement."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path
from typing import List, Sequence, Tuple

from .errors import OutputError

_SAFE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def output_name(jurisdiction_id: str, document: str, fmt: str) -> str:
    """``santa-clara-letter.pdf``. Ids are validated slugs; this checks again, so no id can ever
    name a path outside the output folder (``../x``, ``/etc/passwd``, ``a/b``)."""
    for part in (jurisdiction_id, document, fmt):
        if not _SAFE.match(part):
            raise OutputError(f"'{part}' cannot be part of a file name (letters, digits and hyphens only)")
    return f"{jurisdiction_id}-{document}.{fmt}"


def _place(folder: Path, name: str) -> Tuple[int, str]:
    """Create ``folder`` and a temporary file in it for ``name``; refuse a folder in the way."""
    target = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise OutputError("a folder is in the way of the output file; move it or choose another output folder",
                              path=str(target), input="out")
        return tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    except OutputError:
        raise
    except (FileExistsError, NotADirectoryError):
        raise OutputError("a file is in the way of the output folder; choose another output folder", path=str(folder),
                          input="out") from None
    except PermissionError:
        raise OutputError("cannot write here (permission denied); choose another output folder", path=str(folder),
                          input="out") from None
    except OSError as exc:
        raise OutputError(f"cannot write here ({exc.strerror}); choose another output folder", path=str(folder), input="out") from None


def _fill(fd: int, tmp: str, payload: bytes, target: Path) -> None:
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        _discard(tmp)
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
        raise OutputError(f"could not write the file ({reason}); no part of it was left behind",
                          path=str(target)) from None


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def write_all(folder: Path, files: Sequence[Tuple[str, bytes]]) -> List[Path]:
    """Write several files into ``folder`` all or nothing: every one is written to a temporary
    file first, and only when all are complete are they renamed into place. A folder in the way
    of any, a full disk or a refused permission leaves none of them written."""
    folder = Path(folder)
    ready: List[Tuple[str, Path]] = []
    try:
        for name, payload in files:
            fd, tmp = _place(folder, name)
            ready.append((tmp, folder / name))
            _fill(fd, tmp, payload, folder / name)
        for tmp, target in ready:
            os.replace(tmp, target)
    except OutputError:
        for tmp, _ in ready:
            _discard(tmp)
        raise
    except OSError as exc:
        for tmp, _ in ready:
            _discard(tmp)
        raise OutputError(f"could not write the files ({exc.strerror})", path=str(folder)) from None
    return [target for _, target in ready]


def atomic_write(folder: Path, name: str, payload: bytes) -> Path:
    """Write ``payload`` to ``folder/name`` through a temporary file and a rename, so that no
    reader ever sees half a file and a failure leaves nothing of this file behind."""
    return write_all(folder, [(name, payload)])[0]
