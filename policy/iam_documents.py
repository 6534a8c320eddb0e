"""Reading resource properties and IAM policy documents the way the ampliform-security rules need.

Contract (pure, no pulumi engine needed):
- `plain(value)` turns pulumi-policy's unknown-checking proxies into plain dicts / lists and every value not
  known until deployment into the `UNKNOWN` marker; it never raises for an unknown value.
- `parse_document(value)` reads a policy document given as a JSON string or a mapping: the dict, `UNKNOWN`
  (a pulumi-policy unknown, or an offline-preview placeholder ``<resource-name.attribute>`` standing for
  the whole document), None when absent, or an error text when the value is not a JSON object.
- `statements(document)` yields each statement with a label (``#<index>`` plus its Sid); `as_list` reads
  Action / Resource values given as a string or a list.
- `glob_match` is IAM's wildcard match (``*``, ``?``, case-insensitive); `grants_all_of` says whether an
  action pattern covers every action of a service (``s3:*``, ``S3*``, ``*``...).
- `is_allow` treats an Effect not known yet as Allow (fail closed); `condition` reads one condition key
  (case-insensitive) under one operator.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import proxy as _proxy


class _Unknown:
    """A value not known until deployment."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
_SENTINELS = frozenset(
    getattr(_proxy, n) for n in dir(_proxy) if n.startswith("UNKNOWN_") and n.endswith("_VALUE")
)
_PLACEHOLDER = re.compile(r"^<(?P<resource>[^<>]+)\.(?P<attribute>[A-Za-z0-9_]+)>$")


def plain(value: Any) -> Any:
    """`value` as plain dicts / lists, with every unknown value (a pulumi-policy sentinel, or a proxy
    refusing access to one) replaced by `UNKNOWN`."""
    if isinstance(value, str):
        return UNKNOWN if value in _SENTINELS else value
    if isinstance(value, Mapping):
        return {key: _item(value, key) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [_item(value, i) for i in range(len(value))]
    return value


def _item(container: Any, key: Any) -> Any:
    try:
        return plain(container[key])
    except _proxy.UnknownValueError:
        return UNKNOWN


def placeholder_resource(value: Any) -> str | None:
    """The resource name in an offline-preview placeholder ``<name.attribute>``, else None."""
    match = _PLACEHOLDER.match(value) if isinstance(value, str) else None
    return match.group("resource") if match else None


def as_list(value: Any) -> list[Any]:
    """A string-or-list value (Action, Resource, condition values) as a list; None as []."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def glob_match(pattern: str, text: str) -> bool:
    """IAM wildcard match (``*`` any run, ``?`` one character), case-insensitive."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.IGNORECASE | re.DOTALL) is not None


def grants_all_of(pattern: Any, service: str | None) -> bool:
    """Whether the action pattern matches every action name of `service` (``*``, ``s3:*``, ``S3*``...),
    or of every service when `service` is None. Probed with short and long names made of a character no
    pattern contains, so only wildcards can match them."""
    if not isinstance(pattern, str):
        return False
    prefix = f"{service}:" if service else "\0:"
    return glob_match(pattern, prefix + "\0") and glob_match(pattern, prefix + "\0" * 64)


def parse_document(value: Any) -> dict[str, Any] | _Unknown | str | None:
    """A policy document from a JSON string or a mapping: the dict, `UNKNOWN`, None when absent, or an
    error text when the value is not a JSON object."""
    value = plain(value)
    if value is None or value is UNKNOWN or placeholder_resource(value):
        return None if value is None else UNKNOWN
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as err:
            return f"not valid JSON ({err})"
    return value if isinstance(value, dict) else "not a JSON object"


def statements(document: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(label, statement)`` for each known statement of a parsed document; label ``#<i>`` plus the Sid."""
    if not isinstance(document, dict):
        return
    for i, st in enumerate(as_list(document.get("Statement"))):
        if isinstance(st, dict):
            sid = st.get("Sid")
            yield (f'#{i} (Sid "{sid}")' if isinstance(sid, str) and sid else f"#{i}"), st


def is_allow(st: dict[str, Any]) -> bool:
    """Allow, or an Effect not known yet (checked as an Allow: fail closed)."""
    effect = st.get("Effect")
    return effect is UNKNOWN or (isinstance(effect, str) and effect.lower() == "allow")


def condition(st: dict[str, Any], operator: str, key: str) -> Any:
    """The value of condition `key` (case-insensitive) under `operator`, UNKNOWN, or None."""
    block = st.get("Condition")
    if block is UNKNOWN:
        return UNKNOWN
    ops = block.get(operator) if isinstance(block, dict) else None
    if ops is UNKNOWN:
        return UNKNOWN
    if isinstance(ops, dict):
        for k, v in ops.items():
            if isinstance(k, str) and k.lower() == key.lower():
                return v
    return None


def non_empty(value: Any) -> bool:
    """Whether a string-or-list value holds a non-blank string (or a value not known yet)."""
    return any(v is UNKNOWN or (isinstance(v, str) and v.strip()) for v in as_list(value))
