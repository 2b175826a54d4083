"""A small on-disk cache of work that depends only on a file's bytes (parsed YAML, pre-processed
shells), so a fresh process (each ``toolkit`` command) need not redo it.

An entry's key is the SHA-256 of the input bytes with toolkit's version, :data:`FORMAT` and what
else the work depends on (the caller's ``extra``: a library version, a hash of the caller's own
source, :func:`source_hash`), so an edited file, a new toolkit or an edited checkout never meets an
old entry. Entries are pickles, written atomically (a temporary file, then
``os.replace``), with a SHA-256 of the payload in their header: a corrupt, truncated or unreadable
entry is ignored and rewritten. Only successful results are stored; anything that fails (a YAML
error) is redone, so errors and their messages are the same with or without the cache.

The folder is ``$TOOLKIT_CACHE_DIR`` if set, else the user's cache folder (platformdirs:
``$XDG_CACHE_HOME/toolkit`` or ``~/.cache/toolkit`` on Linux); it is made private (mode 0700).
On POSIX an entry is read only if it belongs to this user and no one else may write it (a pickle
is code). If the folder cannot be made or
written, toolkit silently works without it. Nothing process-wide is changed, and the functions
are safe to call from several threads and processes at once.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from typing import Any, Callable, Optional, Sequence, TypeVar

from ._version import __version__

#: Bump when what is stored changes shape (e.g. Mapping/Sequence gain an attribute).
FORMAT = 1
_MAGIC = b"toolkit-cache\n"
T = TypeVar("T")


def folder() -> Optional[str]:
    """The cache folder (not necessarily existing): ``$TOOLKIT_CACHE_DIR``, else the user's cache
    folder as platformdirs (which the request log uses too) names it: ``$XDG_CACHE_HOME/toolkit``
    or ``~/.cache/toolkit`` on Linux, ``~/Library/Caches/toolkit`` on macOS, the local app data on
    Windows; None if there is no home to put it in."""
    explicit = os.environ.get("TOOLKIT_CACHE_DIR")
    if explicit:
        return os.path.abspath(os.path.expanduser(explicit))
    import platformdirs

    try:
        where = platformdirs.user_cache_dir("toolkit", appauthor=False)
    except Exception:  # no home directory, no environment to find one
        return None
    return where if os.path.isabs(where) else None


def source_hash(path: str) -> str:
    """A hash of a module's source file (its ``__file__``), for keys of work its code does: an
    edited checkout never meets entries its old code made."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return "unreadable"


def package_hash(name: str, files: Sequence[str] = ("__init__.py",)) -> str:
    """A hash of the named ``files`` of the installed package ``name`` (its version and the code
    whose output is cached), found without importing it; ``"<name> missing"`` if it is not installed."""
    import importlib.util

    module = sys.modules.get(name)
    spec = getattr(module, "__spec__", None) or importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return f"{name} missing"
    folder = os.path.dirname(spec.origin)
    return "-".join(source_hash(os.path.join(folder, file)) for file in files)


def key(kind: str, data: bytes, extra: Sequence[str] = ()) -> str:
    """The name of the entry for ``data`` (the input's bytes) processed as ``kind``."""
    digest = hashlib.sha256()
    for part in (kind, __version__, str(FORMAT), *extra):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(data)
    return f"{kind}-{digest.hexdigest()}"


def _safe(fd: int) -> bool:
    if os.name != "posix":
        return True
    info = os.fstat(fd)
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def get(name: str) -> Any:
    """The value stored under ``name``; :data:`MISSING` if there is none or it cannot be read."""
    where = folder()
    if where is None:
        return MISSING
    try:
        with open(os.path.join(where, name), "rb") as handle:
            if not _safe(handle.fileno()):
                return MISSING
            raw = handle.read()
        header = len(_MAGIC) + 32
        if raw[:len(_MAGIC)] != _MAGIC or hashlib.sha256(raw[header:]).digest() != raw[len(_MAGIC):header]:
            return MISSING
        return pickle.loads(raw[header:])
    except Exception:  # absent, unreadable, corrupt, made by a class that changed: all mean "not cached"
        return MISSING


def put(name: str, value: Any) -> None:
    """Store ``value`` under ``name`` if the cache folder can be written; never raises."""
    where = folder()
    if where is None:
        return
    temp = None
    try:
        import tempfile  # only when writing: a warm run never needs it

        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        os.makedirs(where, mode=0o700, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=where)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(temp, os.path.join(where, name))
        temp = None
    except Exception:  # a read-only or full disk, a value that cannot be pickled: work without the cache
        pass
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def cached(kind: str, data: bytes, make: Callable[[], T], extra: Sequence[str] = ()) -> T:
    """``make()``, or what it returned before for the same ``kind``, ``data`` and ``extra``.
    If ``make`` raises, nothing is stored and the error propagates."""
    name = key(kind, data, extra)
    value = get(name)
    if value is MISSING:
        value = make()
        put(name, value)
    return value


__all__ = ["FORMAT", "MISSING", "cached", "folder", "get", "key", "package_hash", "put", "source_hash"]
