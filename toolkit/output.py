"""Writing files safely: names that cannot escape the output folder, atomic replacement."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from .errors import OutputError

_SAFE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def output_name(jurisdiction_id: str, document: str, fmt: str) -> str:
    """``santa-clara-letter.pdf``. Ids are validated slugs; this checks again, so no id can ever
    name a path outside the output folder (``../x``, ``/etc/passwd``, ``a/b``)."""
    for part in (jurisdiction_id, document, fmt):
        if not _SAFE.match(part):
            raise OutputError(f"'{part}' cannot be part of a file name (letters, digits and hyphens only)")
    return f"{jurisdiction_id}-{document}.{fmt}"


def atomic_write(folder: Path, name: str, payload: bytes) -> Path:
    """Write ``payload`` to ``folder/name`` through a temporary file and a rename, so that no
    reader ever sees half a file and a failure leaves nothing behind."""
    folder = Path(folder)
    target = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise OutputError("a folder is in the way of the output file; move it or choose another --out",
                              path=str(target))
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    except OutputError:
        raise
    except FileExistsError:
        raise OutputError("a file is in the way of the output folder; choose another --out", path=str(folder)) from None
    except NotADirectoryError:
        raise OutputError("a file is in the way of the output folder; choose another --out", path=str(folder)) from None
    except PermissionError:
        raise OutputError("cannot write here (permission denied); choose another --out", path=str(folder)) from None
    except OSError as exc:
        raise OutputError(f"cannot write here ({exc.strerror}); choose another --out", path=str(folder)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror
        raise OutputError(f"could not write the file ({reason}); nothing was left behind", path=str(target)) from None
    return target
