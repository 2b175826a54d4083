"""Read YAML safely and keep the line of every value.

Organisers edit the data by hand, so an error must point at a line. PyYAML's composer gives each
node its position; this module turns nodes into plain dicts and lists that remember the line of
each key and item (:class:`Mapping`, :class:`Sequence`). It also refuses what would eat memory or
time: anything but a regular file, files over :data:`MAX_BYTES`, and alias or merge-key (``<<``)
"bombs" that reuse anchors (``&``) into more than :data:`MAX_ALIAS_VALUES` values. A file without
anchors is limited by its size only.

Numbers are read as YAML 1.2 reads them: ``01002`` or ``0x1F`` stay text (YAML 1.1 would read an
address's ``01002`` as the octal number 514), and integers longer than :data:`MAX_DIGITS` digits are
refused.
"""

from __future__ import annotations

import math
import os
import re
import stat
from typing import TYPE_CHECKING, Any, Dict, Optional, Set

from .. import diskcache
from ..errors import DataError, Problem

#: Data files larger than this are refused (the bundled file of every US county is under 1 MiB).
MAX_BYTES = 50 * 1024 * 1024
#: How many values anchors (``&``) may add when aliases (``*``) and merge keys (``<<``) reuse them.
MAX_ALIAS_VALUES = 100_000
#: How deeply blocks may nest (jurisdiction data nests about five levels).
MAX_DEPTH = 100
#: Integers with more digits than this are refused (no fact needs more; quote text that looks numeric).
MAX_DIGITS = 18

if TYPE_CHECKING:
    import yaml

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_SOURCE = diskcache.source_hash(__file__)  # cached parses are this code's: editing it leaves them behind


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


def printable(text: str, limit: int = 60) -> str:
    """``text`` for a one-line message: invisible and line-breaking characters escaped, cut to ``limit``."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_text(text: str, path: str) -> Any:
    """Parse ``text`` (the contents of ``path``) into Mapping/Sequence/scalars with lines."""
    import yaml  # imported here: a file read from the cache needs no PyYAML

    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "not valid YAML"
        raise DataError(
            f"not valid YAML: {what}; fix the text at this line (check indentation, quotes and colons)",
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as exc:
        character = exc.character if isinstance(exc.character, str) else chr(exc.character or 0)
        raise DataError(f"contains the character U+{ord(character):04X}, which YAML does not allow; delete it (it"
                        " often comes from copy-paste)", path=path, line=text.count("\n", 0, exc.position) + 1) from None
    except yaml.YAMLError as exc:
        raise DataError("not valid YAML: " + " ".join(str(exc).split()), path=path) from None
    except RecursionError:
        raise DataError(f"blocks nest too deeply (at most {MAX_DEPTH} levels); flatten the data", path=path) from None
    if node is None:
        return None
    return _Builder(path).build(node)


def load_file(path: "os.PathLike[str] | str") -> Any:
    """Read and parse a YAML file, refusing anything but a regular file of at most :data:`MAX_BYTES`."""
    path = os.fspath(path)
    limit = f"data files over {MAX_BYTES // (1024 * 1024)} MiB are refused (split it, or check it is the right file)"
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):
            raise DataError("is not a regular file (a device, pipe or socket); give a YAML file", path=path)
        if info.st_size > MAX_BYTES:
            raise DataError(f"file is {info.st_size // (1024 * 1024)} MiB; {limit}", path=path)
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # it may have grown since the stat: never read past the limit
        if len(raw) > MAX_BYTES:
            raise DataError(f"file is over {MAX_BYTES // (1024 * 1024)} MiB; {limit}", path=path)
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise DataError("no such file; check the path of the data file", path=path) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", path=path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a YAML file", path=path) from None
    except PermissionError:
        raise DataError("cannot be read (permission denied)", path=path) from None
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror})", path=path) from None
    # the parse depends only on the bytes (the path appears in errors only, and errors are not
    # cached): a fresh process reads a file it has seen before from the cache (see diskcache)
    # (and on PyYAML's __init__.py: its version, the loader it picks)
    return diskcache.cached("yaml", raw, lambda: load_text(text, path), extra=(diskcache.package_hash("yaml"), _SOURCE))


class _Builder:
    """Turns a composed node graph into Mapping/Sequence values.

    A node built a second time (through an alias or a merge key) counts against
    :data:`MAX_ALIAS_VALUES`; each node's merges are resolved once, so nested merges stay linear,
    and a block that merges itself is refused."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.reused = 0
        self.seen: Set[int] = set()
        self.merged: Dict[int, list] = {}
        self.merging: Set[int] = set()
        import yaml

        self.yaml = yaml
        self.constructor = yaml.constructor.SafeConstructor()
        self.resolver = yaml.resolver.Resolver()

    def count(self, node: yaml.Node) -> None:
        if id(node) not in self.seen:
            self.seen.add(id(node))
            return
        self.reused += 1
        if self.reused > MAX_ALIAS_VALUES:
            raise DataError(
                f"anchors (&) are reused into more than {MAX_ALIAS_VALUES:,} values through aliases (*) or"
                " merge keys (<<), a YAML alias bomb; write the values out or reuse fewer",
                path=self.path, line=node.start_mark.line + 1,
            )

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count(node)
        if depth > MAX_DEPTH:
            raise DataError(f"blocks nest more than {MAX_DEPTH} levels deep (or an alias refers to itself);"
                            " flatten the data", path=self.path, line=node.start_mark.line + 1)
        if isinstance(node, self.yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, self.yaml.SequenceNode):
            seq = Sequence()
            seq.line = node.start_mark.line + 1
            seq.lines = []
            for item in node.value:
                seq.append(self.build(item, depth + 1))
                seq.lines.append(item.start_mark.line + 1)
            return seq
        assert isinstance(node, self.yaml.MappingNode)
        mapping = Mapping()
        mapping.line = node.start_mark.line + 1
        mapping.lines = {}
        for key_node, value_node in self._pairs(node):
            key = self.build(key_node, depth + 1)
            if isinstance(key, (Mapping, Sequence)):
                raise DataError("a key must be plain text", path=self.path, line=key_node.start_mark.line + 1)
            if key in mapping:
                raise DataError(
                    f"key '{printable(str(key))}' appears twice in the same block (first at line"
                    f" {mapping.lines[key]}); keep one",
                    path=self.path,
                    line=key_node.start_mark.line + 1,
                )
            mapping[key] = self.build(value_node, depth + 1)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping

    def scalar(self, node: yaml.ScalarNode) -> Any:
        line = node.start_mark.line + 1
        plain = not node.style
        if node.tag == _INT_TAG and plain and not _DECIMAL.fullmatch(node.value.replace("_", "")) \
                and self.resolver.resolve(self.yaml.ScalarNode, node.value, (True, False)) == _INT_TAG:
            return node.value  # 01002, 0x1F, 0o17, 1:30 untagged: numbers in YAML 1.1, text in YAML 1.2
        if node.tag == _INT_TAG and len(node.value.lstrip("+-").replace("_", "")) > MAX_DIGITS:
            raise DataError(f"a number with more than {MAX_DIGITS} digits; quote it if it is text",
                            path=self.path, line=line)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except self.yaml.constructor.ConstructorError as exc:
            raise DataError(f"value cannot be read: {exc.problem}", path=self.path, line=line) from None
        except (ValueError, OverflowError, TypeError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                raise DataError(f"'{printable(node.value)}' is not a real date ({exc}); write a day that exists, as YYYY-MM-DD",
                                path=self.path, line=line) from None
            kind = node.tag.rsplit(":", 1)[-1]
            raise DataError(f"'{printable(node.value)}' cannot be read as {kind}; fix it, or quote it if it is text",
                            path=self.path, line=line) from None
        if node.tag == _FLOAT_TAG and plain and not math.isfinite(value):
            return node.value  # .inf, .nan: text, never a number
        return value

    def _pairs(self, node: yaml.MappingNode) -> list:
        """Key/value node pairs, with YAML merge keys (``<<: *base``) applied."""
        if not any(key.tag == _MERGE_TAG for key, _ in node.value):
            return node.value
        cached = self.merged.get(id(node))
        if cached is not None:
            return cached
        if id(node) in self.merging:
            raise DataError("a block merges itself ('<<' names an anchor the block is inside); remove that merge",
                            path=self.path, line=node.start_mark.line + 1)
        self.merging.add(id(node))
        try:
            merged: Dict[Any, tuple] = {}
            own = []
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    sources = value_node.value if isinstance(value_node, self.yaml.SequenceNode) else [value_node]
                    for source in sources:
                        if not isinstance(source, self.yaml.MappingNode):
                            raise DataError(
                                "'<<' must merge a mapping", path=self.path, line=key_node.start_mark.line + 1
                            )
                        for k, v in self._pairs(source):
                            merged.setdefault(getattr(k, "value", None), (k, v))
                else:
                    own.append((key_node, value_node))
        finally:
            self.merging.discard(id(node))
        own_keys = {getattr(k, "value", None) for k, _ in own}
        pairs = [pair for key, pair in merged.items() if key not in own_keys] + own
        self.merged[id(node)] = pairs
        return pairs


def line_of(container: Any, key: Any) -> Optional[int]:
    """The line of ``container[key]`` if the container remembers it."""
    if isinstance(container, (Mapping, Sequence)):
        return container.line_of(key)
    return None


__all__ = ["Mapping", "Sequence", "load_file", "load_text", "line_of", "printable", "Problem"]
