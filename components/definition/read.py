"""Reading the files a user hands ampliform (definitions, stack files, Pulumi.yaml, stack outputs, stack state),
hostile or not, in bounded time and memory.

Contract: `read_document(path, label=None, as_json=False)` returns the file's plain data (JSON when the name
ends in ``.json`` or `as_json`, YAML otherwise) or raises one `DefinitionError` located at the file (as
`label` when given, e.g. the path relative to the project) and, where it can, its line and column:
- only a regular file is read: a directory, FIFO, socket or device is refused before anything blocks on it
  (the file is opened non-blocking and checked with `fstat`); at most `MAX_FILE_BYTES` are read; text must
  be UTF-8;
- JSON: a key twice in one object is an error located at that object (as YAML's duplicate keys are); a
  number too long for Python's integer conversion (over 4,300 digits) is an error located at the number;
- YAML: SafeLoader only (no Python tags), duplicate and non-scalar keys refused, and aliases may not expand
  the document beyond `MAX_EXPANDED_NODES` values (an "alias bomb" of a few hundred bytes would otherwise
  cost minutes and gigabytes as soon as anything walks it);
- nesting deeper than Python's recursion limit is an error, not a `RecursionError`;
- every string is Unicode text: an unpaired surrogate (``"\\ud800"``, valid JSON and YAML syntax) is an
  error, so whatever is read can be written out again.
`read_text(path, limit, label)` is the first step alone: a regular file's UTF-8 text.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from ampliform.errors import DefinitionError, Problem


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (PyYAML keeps the last one silently, losing rules)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be a plain value, found {type(key).__name__} "
                f"(line {mark.line + 1}, column {mark.column + 1})", mark)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {mark.line + 1}, column {mark.column + 1})", mark
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _TooLarge(yaml.YAMLError):
    def __init__(self, mark: Any, recursive: bool = False):
        super().__init__("too large")
        self.mark, self.recursive = mark, recursive


def _check_expansion(loader: yaml.SafeLoader, node: yaml.Node) -> None:
    """Count the values `node` stands for with every alias expanded (memoised per node, so linear in the
    document's size); more than `MAX_EXPANDED_NODES`, or an alias inside its own anchor, raises."""
    sizes: dict[int, int] = {}

    def size(n: yaml.Node) -> int:
        known = sizes.get(id(n))
        if known is not None:
            if known < 0:  # reached again while being counted: a recursive alias
                raise _TooLarge(n.start_mark, recursive=True)
            return known
        sizes[id(n)] = -1
        total = 1
        if isinstance(n, yaml.SequenceNode):
            total += sum(size(child) for child in n.value)
        elif isinstance(n, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in n.value)
        if total > MAX_EXPANDED_NODES:
            raise _TooLarge(n.start_mark)
        sizes[id(n)] = total
        return total

    size(node)


def _construct_document(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    _check_expansion(loader, node)
    return yaml.SafeLoader.construct_document(loader, node)


_UniqueKeyLoader.construct_document = _construct_document


MAX_FILE_BYTES = 10 * 1024 * 1024
"""The largest file ampliform reads (a definition or stack outputs file is a few hundred kilobytes at most)."""
MAX_EXPANDED_NODES = 100_000
"""The most values a YAML document may stand for once its aliases are expanded."""


def read_document(path: str | Path, label: str | None = None, as_json: bool = False,
                  limit: int = MAX_FILE_BYTES) -> Any:
    """Parse a YAML or JSON file (JSON when it ends in ``.json`` or `as_json`) of at most `limit` bytes into
    plain data, or raise a `DefinitionError` naming the file and line (as `label`, e.g. the path relative to
    the project, when given)."""
    path = Path(path)
    text = read_text(path, limit, label=label)
    shown = Path(label) if label else path
    try:
        data = _parse_text(text, shown, as_json)
    except RecursionError:
        raise DefinitionError(Problem("the document is nested too deeply to read", str(shown),
                                      "Flatten it: a definition needs only a few levels.")) from None
    _check_text(data, shown)
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(data: Any, path: Path) -> None:
    """Every string (key or value) is Unicode text: no unpaired UTF-16 surrogate (a ``\\ud800`` escape, valid
    JSON and YAML syntax, which nothing can write out again)."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            found = _SURROGATE.search(value)
            if found:
                raise DefinitionError(Problem(
                    f"a string holds an unpaired surrogate (\\u{ord(found.group()):04x}), which is not Unicode text",
                    str(path), "Remove it: \\uXXXX escapes of UTF-16 surrogates must come in valid pairs."))
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def read_text(path: Path, limit: int = MAX_FILE_BYTES, label: str | None = None) -> str:
    """A regular file's UTF-8 text, at most `limit` bytes; anything else is a located `DefinitionError`."""
    real, path = path, Path(label) if label else path
    at = str(path)
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise DefinitionError(Problem(f"file not found: {path}", at, "Check the path.")) from None
    except IsADirectoryError:
        raise DefinitionError(_not_a_file(path, "a directory")) from None
    except OSError as exc:
        raise DefinitionError(Problem(f"cannot read {path}: {exc.strerror or exc}", at,
                                      "Check the path and its permissions.")) from None
    try:
        kind = _kind_of(os.fstat(fd).st_mode)
        if kind is not None:
            raise DefinitionError(_not_a_file(path, kind))
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise DefinitionError(Problem(f"cannot read {path}: {exc.strerror or exc}", at,
                                      "Check the path and its permissions.")) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise DefinitionError(Problem(f"{path} is larger than {limit:,} bytes", at,
                                      "Pass the definition (or settings) file itself; it is far smaller."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DefinitionError(Problem(f"{path} is not UTF-8 text (byte {exc.start + 1})", f"{path}:{line}",
                                      "Save the file as UTF-8.")) from None


def _kind_of(mode: int) -> str | None:
    """What a non-regular file is ("a directory", "a FIFO", ...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return kind
    return "not a regular file"


def _not_a_file(path: Path, kind: str) -> Problem:
    return Problem(f"{path} is {kind}, not a file", str(path), "Pass the path of a YAML or JSON file.")


def _parse_text(text: str, path: Path, as_json: bool = False) -> Any:
    if as_json or path.suffix.lower() == ".json":
        return _parse_json(text, path)
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except _TooLarge as exc:
        mark = exc.mark
        raise DefinitionError(Problem(
            "an alias is used inside its own anchor (a recursive document)" if exc.recursive
            else f"the document's aliases expand to more than {MAX_EXPANDED_NODES:,} values",
            f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path),
            "Write the values out, or use fewer nested aliases (`*name`).")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        at = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        reason = getattr(exc, "problem", None) or str(exc)
        if getattr(exc, "context", None) and "duplicate key" not in str(reason):
            reason = f"{exc.context}, {reason}"
        raise DefinitionError(
            Problem(f"invalid YAML: {reason}", at, "Fix the YAML syntax (each key once).")
        ) from None
    except ValueError:  # an integer over Python's 4,300-digit conversion limit
        raise DefinitionError(_long_number(text, path, "YAML")) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str, position: int):
        super().__init__(key)
        self.key, self.position = key, position


def _object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
    """JSON's object parser, refusing a key seen twice in one object (located at the object)."""
    text, start = s_and_end

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise _DuplicateKey(key, start - 1)
            out[key] = value
        return out

    args = (*args[:3], pairs_hook, *args[4:])
    return json.decoder.JSONObject(s_and_end, *args, **kwargs)  # type: ignore[attr-defined]


class _Decoder(json.JSONDecoder):
    """The standard decoder, through the pure-Python scanner so that objects go through `_object`."""

    def __init__(self) -> None:
        super().__init__()
        self.parse_object = _object
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]


def _parse_json(text: str, path: Path) -> Any:
    try:
        return _Decoder().decode(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(
            Problem(f"invalid JSON: {exc.msg}", f"{path}:{exc.lineno}:{exc.colno}", "Fix the JSON syntax.")
        ) from None
    except _DuplicateKey as exc:
        line, column = _line_column(text, exc.position)
        raise DefinitionError(Problem(f"invalid JSON: duplicate key {exc.key!r} in the object at line {line}, "
                                      f"column {column}", f"{path}:{line}:{column}",
                                      "Fix the JSON syntax (each key once per object).")) from None
    except ValueError:  # an integer over Python's 4,300-digit conversion limit
        raise DefinitionError(_long_number(text, path, "JSON")) from None


def _line_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _long_number(text: str, path: Path, kind: str) -> Problem:
    found = re.search(r"\d{4301,}", text)
    at = f"{path}:{':'.join(map(str, _line_column(text, found.start())))}" if found else str(path)
    return Problem(f"invalid {kind}: a number with more than 4,300 digits", at,
                   "Write the number with fewer digits (or as a string).")
