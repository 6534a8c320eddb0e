"""An IAM evaluator for identity policies: (documents, request) → allow/deny and the statement that decided.

Contract: `evaluate(documents, request)` follows IAM's identity-policy logic: an explicit Deny that matches
wins; otherwise the first matching Allow allows; otherwise the request is implicitly denied. A statement
matches when its Action/NotAction, Resource/NotResource and every Condition match. Policy variables
(``${key}``, and the escapes ``${*}``, ``${?}``, ``${$}``) are replaced from the request context in Resource and
condition values; a variable missing from the context makes that value match nothing. Wildcards: ``*`` and
``?``; actions match case-insensitively. Condition operators: String*, Arn*, Bool, Null, with ``IfExists`` and
``ForAnyValue:``/``ForAllValues:``. Any other operator raises `UnsupportedPolicy` rather than guess.

`object_request` and `list_request` build the requests ampliform grants (identity = the caller's identity-pool
id, the value of ``${cognito-identity.amazonaws.com:sub}``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ampliform.access.constants import ENTITY_CONTEXT_KEY, LIST_ACTION, OBJECT_ACTIONS, PREFIX_KEY

ContextValue = str | Sequence[str]


class UnsupportedPolicy(Exception):
    """The policy uses something this evaluator does not implement (a fault, not a user error)."""


@dataclass(frozen=True)
class Request:
    """One API call: IAM action, resource ARN and condition context."""

    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """The outcome and the statement that decided it (None for an implicit deny)."""

    allowed: bool
    reason: str
    statement: dict[str, Any] | None = None
    document: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"decision": "allow" if self.allowed else "deny", "reason": self.reason,
                "statement": self.statement, "document": self.document}


def object_request(action: str, bucket_arn: str, key: str, identity: str | None = None) -> Request:
    """A get/write/delete on object `key`."""
    context = {ENTITY_CONTEXT_KEY: identity} if identity else {}
    return Request(OBJECT_ACTIONS[action], f"{bucket_arn}/{key}", context)


def list_request(bucket_arn: str, prefix: str | None, identity: str | None = None) -> Request:
    """A ListObjects call with `prefix` (None: no prefix parameter at all)."""
    context: dict[str, ContextValue] = {ENTITY_CONTEXT_KEY: identity} if identity else {}
    if prefix is not None:
        context[PREFIX_KEY] = prefix
    return Request(LIST_ACTION, bucket_arn, context)


def evaluate(documents: Sequence[Mapping[str, Any]], request: Request) -> Decision:
    """IAM's decision for `request` under the identity policies `documents`."""
    allow: Decision | None = None
    for i, doc in enumerate(documents):
        statements = doc.get("Statement", [])
        for statement in [statements] if isinstance(statements, dict) else statements:
            if not _matches(statement, request):
                continue
            if statement.get("Effect") == "Deny":
                return Decision(False, "explicit deny", statement, i)
            if allow is None:
                allow = Decision(True, "allowed", statement, i)
    return allow or Decision(False, "implicit deny: no statement allows it")


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _matches(statement: Mapping[str, Any], request: Request) -> bool:
    if "Action" in statement:
        if not any(_glob(p, True).fullmatch(request.action) for p in _as_list(statement["Action"])):
            return False
    elif not ("NotAction" in statement and
              not any(_glob(p, True).fullmatch(request.action) for p in _as_list(statement["NotAction"]))):
        return False
    if "Resource" in statement:
        if not _any_resource(statement["Resource"], request):
            return False
    elif not ("NotResource" in statement and not _any_resource(statement["NotResource"], request)):
        return False
    return all(_condition(op, key, values, request.context)
               for op, block in statement.get("Condition", {}).items() for key, values in block.items())


def _any_resource(patterns: Any, request: Request) -> bool:
    for pattern in _as_list(patterns):
        resolved = _substitute(pattern, request.context)
        if resolved is not None and _glob(resolved, False).fullmatch(request.resource):
            return True
    return False


_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "\x00", "?": "\x01", "$": "$"}


def _substitute(value: str, context: Mapping[str, ContextValue]) -> str | None:
    """Replace policy variables; None when one is missing from the context. Escaped ``*``/``?`` stay literal."""
    missing = False

    def repl(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1)
        if name in _ESCAPES:
            return _ESCAPES[name]
        found = context.get(name)
        if not isinstance(found, str):
            missing = True
            return ""
        return found.replace("*", "\x00").replace("?", "\x01")

    out = _VARIABLE.sub(repl, value)
    return None if missing else out


@lru_cache(maxsize=65536)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = []
    for ch in pattern:
        if ch == "*":
            parts.append(".*")
        elif ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape({"\x00": "*", "\x01": "?"}.get(ch, ch)))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _condition(operator: str, key: str, values: Any, context: Mapping[str, ContextValue]) -> bool:
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    policy_values = _as_list(values) if not isinstance(values, bool) else [str(values).lower()]
    present = key in context
    if base == "Null":
        return (not present) == (str(policy_values[0]).lower() == "true")
    if not present:
        if qualifier == "ForAllValues":
            return True
        return if_exists or base.startswith(("StringNot", "ArnNot"))
    request_values = _as_list(context[key])
    negated = base.startswith(("StringNot", "ArnNot"))
    test = _operator(base.replace("Not", "", 1) if negated else base)
    resolved = [r for r in (_substitute(str(v), context) for v in policy_values) if r is not None]

    def one(value: str) -> bool:
        hit = any(test(value, p) for p in resolved)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(one(v) for v in request_values)
    if qualifier in ("ForAnyValue", ""):
        return any(one(v) for v in request_values)
    raise UnsupportedPolicy(f"condition qualifier {qualifier!r}")


def _operator(base: str) -> Any:
    if base in ("StringEquals", "ArnEquals"):
        return lambda value, pattern: value == pattern.replace("\x00", "*").replace("\x01", "?")
    if base == "StringEqualsIgnoreCase":
        return lambda value, pattern: value.lower() == pattern.lower()
    if base in ("StringLike", "ArnLike"):
        return lambda value, pattern: _glob(pattern, False).fullmatch(value) is not None
    if base == "Bool":
        return lambda value, pattern: value.lower() == pattern.lower()
    raise UnsupportedPolicy(f"condition operator {base!r}")
