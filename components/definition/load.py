"""Reading a definition: file → YAML/JSON → `Definition`, with every problem turned into a `Problem`.

Contract: `load_definition(path)` and `parse_definition(data)` either return a `Definition` or raise one
`DefinitionError` listing every problem (missing file, syntax error with line and column, duplicate keys,
unknown keys, wrong types, unknown actions or principal kinds), never a traceback. Files ending in `.json`
are read as JSON, everything else as YAML. Meaning (paths, groups, ...) is checked by `validate`.

Files are read by `ampliform.definition.read.read_document` (the one reader of every file a user hands
ampliform: bounded, regular files only; see there), re-exported here.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Tag, ValidationError

from ampliform.definition.model import Definition
from ampliform.definition.read import MAX_EXPANDED_NODES, MAX_FILE_BYTES, read_document, read_text
from ampliform.definition.storage import RULE_KINDS
from ampliform.errors import DefinitionError, Problem, where

__all__ = ["MAX_EXPANDED_NODES", "MAX_FILE_BYTES", "as_definition", "load_definition", "parse_definition",
           "parse_model", "problems_from", "read_document", "read_text"]


def load_definition(path: str | Path) -> Definition:
    """Read and parse a definition file (YAML or JSON)."""
    return parse_definition(read_document(path), source=str(path))


def parse_definition(data: Any, source: str = "") -> Definition:
    """Build a `Definition` from plain data, or raise a `DefinitionError` listing every shape problem."""
    return parse_model(Definition, data, source)


def as_definition(value: Definition | Mapping[str, Any], source: str = "") -> Definition:
    """`value` as a `Definition`: a `Definition` as it is, a data form (``{"storage": ...}``) parsed."""
    if isinstance(value, Definition):
        return value
    return parse_definition(dict(value), source=source)


def parse_model(model: type[BaseModel], data: Any, source: str = "", root: tuple[str, ...] = ()) -> Any:
    """Validate `data` against `model`, converting pydantic's errors into `Problem`s."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DefinitionError(
            Problem(
                f"expected a mapping at the top level, got {_kind(data)}",
                source or where(*root) or "(top level)",
                f"Start the file with keys such as: {', '.join(model.model_fields)}.",
            )
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(problems_from(exc, model, root)) from None
    except RecursionError:
        raise DefinitionError(Problem("the definition is nested too deeply", source or "(top level)",
                                      "Flatten it: a definition needs only a few levels.")) from None


def problems_from(exc: ValidationError, model: Any, root: tuple[str, ...] = ()) -> list[Problem]:
    """pydantic's errors as `Problem`s; `model` is the type validated (used to list allowed keys)."""
    errors = exc.errors()
    # a list whose only items were invalid is also reported "too short": keep the item errors only
    item_locs = [e["loc"] for e in errors if e["type"] != "too_short"]
    errors = [e for e in errors if not (e["type"] == "too_short" and
                                        any(loc[: len(e["loc"])] == e["loc"] for loc in item_locs))]
    return [_problem(model, err, root) for err in errors]


def _problem(model: type[BaseModel], err: Any, root: tuple[str, ...]) -> Problem:
    raw_loc = list(err["loc"])
    loc = [p for i, p in enumerate(raw_loc) if not _is_tag(raw_loc, i)]
    location = where(*root, *loc) or "(top level)"
    kind, value = err["type"], err.get("input")
    field = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, raw_loc[:-1])
        listed = f"; allowed keys here: {', '.join(sorted(allowed))}." if allowed else "."
        fix = "Remove it, or fix its spelling" + listed
        return Problem(f"unknown key `{field}`", location, fix)
    if kind == "missing":
        return Problem(f"missing required key `{field}`", location, f"Add `{field}`.")
    if kind == "union_tag_invalid":
        expected = err["ctx"]["expected_tags"].replace("'", "")
        key = err["ctx"]["discriminator"].strip("'")
        return Problem(f"unknown kind {err['ctx']['tag']!r} in `{key}`", where(*root, *loc, key),
                       f"Use one of: {expected}.")
    if kind == "union_tag_not_found":
        key = err["ctx"]["discriminator"].strip("'")
        return Problem(f"missing required key `{key}`", location, f"Add `{key}`.")
    if kind == "too_short" and field == "to":
        return Problem("`to` lists no action", location,
                       "List at least one of: read, get, list, write, delete (or remove the rule).")
    if kind == "too_short":
        return Problem(f"`{field}` must not be empty", location, "Give at least one value.")
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        return Problem(f"invalid value {_show(value)}: {err['msg']}", location, "Use a value in the allowed range.")
    if kind == "literal_error":
        return Problem(f"invalid value {_show(value)}: {err['msg']}", location, "Use one of the values listed.")
    message = re.sub(r"valid (tuple|list)", "list", err["msg"])
    message = re.sub(r"valid dictionary.*", "mapping", message)
    return Problem(f"{message}, got {_kind(value)}", location, "Fix the value's type.")


def _is_tag(loc: list, i: int) -> bool:
    """True when ``loc[i]`` is a union tag pydantic inserts (``one``/``several`` after ``storage``, or a
    discriminator value right after a list index), not a key the user wrote."""
    part = loc[i]
    if not isinstance(part, str) or i == 0:
        return False
    if loc[i - 1] == "storage" and part in ("one", "several"):
        return True
    return isinstance(loc[i - 1], int) and part in RULE_KINDS and i < len(loc) - 1


def _allowed_keys(model: type[BaseModel], loc: list) -> list[str]:
    """The keys the model accepts at `loc` (a parent location), found by walking the type annotations."""
    current: Any = model
    for part in loc:
        current = _unwrap(current, part)
        if current is None:
            return []
    current = _unwrap(current, None)
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _tag_of(member: Any) -> str | None:
    """A union member's tag: its ``Tag(...)`` annotation, or its ``allow`` literal for rule models."""
    if typing.get_origin(member) is typing.Annotated:
        for meta in member.__metadata__:
            if isinstance(meta, Tag):
                return meta.tag
        member = typing.get_args(member)[0]
    if isinstance(member, type) and issubclass(member, BaseModel):
        for name in ("allow",):
            field = member.model_fields.get(name)
            if field is not None and typing.get_origin(field.annotation) is typing.Literal:
                return typing.get_args(field.annotation)[0]
    return None


def _unwrap(tp: Any, part: Any) -> Any:
    """Step one location part into type `tp` (model field, dict value, tuple item, tagged union member)."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            tagged = [m for m in members if _tag_of(m) is not None]
            if tagged and isinstance(part, str):
                return next((m for m in tagged if _tag_of(m) == part), None)
            if len(members) != 1:
                return None
            tp = members[0]
        else:
            break
    if part is None:
        return tp
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(str(part))
        return field.annotation if field else None
    if origin is dict and isinstance(part, str):
        return typing.get_args(tp)[1]
    if origin in (tuple, list) and isinstance(part, int):
        return typing.get_args(tp)[0]
    return None


def _show(value: Any, limit: int = 60) -> str:
    """A user's value quoted in a message, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kind(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)
