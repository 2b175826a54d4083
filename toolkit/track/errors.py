"""The request log's errors: one class, a :class:`toolkit.ToolkitError`, so callers catch one."""

from __future__ import annotations

from ..errors import ToolkitError


class TrackError(ToolkitError):
    """A request that cannot be found, a date or status that cannot be, a log that cannot be opened.
    Raised before anything is written: the log is unchanged."""
