"""Read YAML safely and keep the line of every value.

Organisers edit the data by hand, so an error must point at a line. PyYAML's composer gives each
node its position; this module turns nodes into plain dicts and lists that remember the line of
each key and item (:class:`Mapping`, :class:`Sequence`). It also refuses what would eat memory:
files over :data:`MAX_BYTES` and alias "bombs" that expand past :data:`MAX_NODES` values.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Optional

import yaml

from ..errors import DataError, Problem

MAX_BYTES = 50 * 1024 * 1024
MAX_NODES = 250_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Mapping(dict):
    """A dict that knows the line (1-based) of itself and of each of its keys."""

    line: int = 0
    lines: Dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class Sequence(list):
    """A list that knows the line of itself and of each item."""

    line: int = 0
    lines: list

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


def load_text(text: str, path: str) -> Any:
    """Parse ``text`` (the contents of ``path``) into Mapping/Sequence/scalars with lines."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "not valid YAML"
        raise DataError(
            f"not valid YAML: {what}; fix the text at this line (check indentation, quotes and colons)",
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(f"not valid YAML: {exc}", path=path) from None
    if node is None:
        return None
    return _Builder(path).build(node)


def load_file(path: "os.PathLike[str] | str") -> Any:
    """Read and parse a YAML file, refusing files too large to be jurisdiction data."""
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise DataError(
                f"file is {size // (1024 * 1024)} MiB; data files over {MAX_BYTES // (1024 * 1024)} MiB"
                " are refused (split it, or check it is the right file)",
                path=path,
            )
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise DataError("no such file; check the path given with --data", path=path) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", path=path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a YAML file", path=path) from None
    except PermissionError:
        raise DataError("cannot be read (permission denied)", path=path) from None
    return load_text(text, path)


class _Builder:
    """Turns a composed node graph into Mapping/Sequence values, counting expanded nodes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > 100:
            raise DataError(
                "too many values once aliases are expanded (a YAML alias bomb?); remove the"
                " anchors (&) and aliases (*)",
                path=self.path,
                line=node.start_mark.line + 1,
            )
        if isinstance(node, yaml.ScalarNode):
            try:
                return self.constructor.construct_object(node, deep=True)
            except yaml.constructor.ConstructorError as exc:
                raise DataError(
                    f"value cannot be read: {exc.problem}", path=self.path, line=node.start_mark.line + 1
                ) from None
        if isinstance(node, yaml.SequenceNode):
            seq = Sequence()
            seq.line = node.start_mark.line + 1
            seq.lines = []
            for item in node.value:
                seq.append(self.build(item, depth + 1))
                seq.lines.append(item.start_mark.line + 1)
            return seq
        assert isinstance(node, yaml.MappingNode)
        mapping = Mapping()
        mapping.line = node.start_mark.line + 1
        mapping.lines = {}
        for key_node, value_node in self._pairs(node):
            key = self.build(key_node, depth + 1)
            if isinstance(key, (Mapping, Sequence)):
                raise DataError("a key must be plain text", path=self.path, line=key_node.start_mark.line + 1)
            if key in mapping:
                raise DataError(
                    f"key '{key}' appears twice in the same block (first at line"
                    f" {mapping.lines[key]}); keep one",
                    path=self.path,
                    line=key_node.start_mark.line + 1,
                )
            mapping[key] = self.build(value_node, depth + 1)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping

    def _pairs(self, node: yaml.MappingNode):
        """Key/value node pairs, with YAML merge keys (``<<: *base``) applied."""
        merged: Dict[Any, tuple] = {}
        own = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, yaml.MappingNode):
                        raise DataError(
                            "'<<' must merge a mapping", path=self.path, line=key_node.start_mark.line + 1
                        )
                    for k, v in self._pairs(source):
                        merged.setdefault(getattr(k, "value", None), (k, v))
            else:
                own.append((key_node, value_node))
        own_keys = {getattr(k, "value", None) for k, _ in own}
        return [pair for key, pair in merged.items() if key not in own_keys] + own


def line_of(container: Any, key: Any) -> Optional[int]:
    """The line of ``container[key]`` if the container remembers it."""
    if isinstance(container, (Mapping, Sequence)):
        return container.line_of(key)
    return None


__all__ = ["Mapping", "Sequence", "load_file", "load_text", "line_of", "Problem"]
