"""An IAM evaluator for identity policies: (documents, request) → allow/deny and the statement that decided.

Contract: `evaluate(documents, request)` follows IAM's identity-policy logic, as AWS documents it
(`tests/test_evaluate.py` holds one table row per claim below; `tests/test_evaluate_differential.py`
compares it with `@cloud-copilot/iam-simulate` on every policy the compiler emits):
- An explicit Deny that matches wins; otherwise the first matching Allow allows (it is the one reported);
  otherwise the request is implicitly denied.
- A statement matches when its Action (or NotAction), its Resource (or NotResource) and every condition
  match. A statement IAM would not accept in an identity policy (neither Action nor NotAction, neither
  Resource nor NotResource, a Principal or NotPrincipal) raises `UnsupportedPolicy`.
- Actions match case-insensitively, ``*`` and ``?`` as wildcards.
- Resources and ``ArnEquals``/``ArnLike`` (and their ``Not`` forms) match ARNs per segment: the six
  colon-separated parts are matched separately (the last part, the resource, keeps its colons), each may
  hold ``*`` and ``?``, and a wildcard never spans a colon of the first five. ``*`` alone matches every
  resource. A policy value starting ``arn:`` with fewer than six parts raises `UnsupportedPolicy`; a request
  value that is not an ARN matches no ARN. A policy value not starting ``arn:`` (the preview's
  ``<bucket.arn>/a/*`` placeholders, values known only after deployment) is matched as one string.
- Policy variables: ``${key}`` in Resource and condition values is replaced by the request context's value
  (a string; keys are case-insensitive), which then matches literally (its ``*`` and ``?`` are no
  wildcards); ``${*}``, ``${?}`` and ``${$}`` are a literal ``*``, ``?`` and ``$``. A value whose variable
  is missing from the context (or multi-valued) matches nothing. The default-value form
  ``${key, 'default'}`` raises `UnsupportedPolicy` rather than guess.
- Condition keys are case-insensitive (``S3:Prefix`` is ``s3:prefix``); condition operators,
  ``IfExists`` and the set qualifiers are matched case-insensitively too. Blocks and keys are ANDed; the
  values of one key are ORed (a negated operator matches when the request value matches none of them).
- Operators: ``StringEquals``, ``StringNotEquals``, ``StringEqualsIgnoreCase``,
  ``StringNotEqualsIgnoreCase``, ``StringLike``, ``StringNotLike`` (``*``/``?`` wildcards, case-sensitive),
  the four ``Arn*``, ``Bool`` (case-insensitive ``true``/``false``; JSON booleans accepted), ``Null``
  (``true``: the key is absent; ``false``: present), each with ``IfExists``; ``ForAnyValue:`` and
  ``ForAllValues:``. Any other operator, a set qualifier combined with ``IfExists``, or an unknown
  qualifier raises `UnsupportedPolicy`.
- A key absent from the context: a plain operator is false, a negated one (``...Not...``) true; ``IfExists``
  true; ``ForAllValues:`` true; ``ForAnyValue:`` false, negated or not. A multi-valued context key under a
  plain operator (no set qualifier) is false. A negated operator whose values contain an unresolvable
  variable is false.
- ``ForAnyValue:``: some request value matches; ``ForAllValues:``: every request value matches (none: true).

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
Context = Mapping[str, ContextValue]


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
    context = {key.lower(): value for key, value in request.context.items()}
    action = request.action.lower()
    allow: Decision | None = None
    for i, doc in enumerate(documents):
        statements = doc.get("Statement", [])
        for statement in [statements] if isinstance(statements, dict) else statements:
            if not _matches(statement, action, request.resource, context):
                continue
            if statement.get("Effect") == "Deny":
                return Decision(False, "explicit deny", statement, i)
            if allow is None:
                allow = Decision(True, "allowed", statement, i)
    return allow or Decision(False, "implicit deny: no statement allows it")


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, (str, bool, int, float)) else list(value)


def _matches(statement: Mapping[str, Any], action: str, resource: str, context: Context) -> bool:
    if "Principal" in statement or "NotPrincipal" in statement:
        raise UnsupportedPolicy("Principal in an identity policy")
    if ("Action" in statement) == ("NotAction" in statement) or \
            ("Resource" in statement) == ("NotResource" in statement):
        raise UnsupportedPolicy(f"not an identity-policy statement (one of Action/NotAction and one of "
                                f"Resource/NotResource): {dict(statement)}")
    if "Action" in statement:
        if not _any_action(statement["Action"], action):
            return False
    elif _any_action(statement["NotAction"], action):
        return False
    if "Resource" in statement:
        if not _any_arn(statement["Resource"], resource, context):
            return False
    elif _any_arn(statement["NotResource"], resource, context):
        return False
    conditions = statement.get("Condition", {})
    return all(_condition(op, key, values, context) for op, block in conditions.items()
               for key, values in block.items())


def _any_action(patterns: Any, action: str) -> bool:
    """Does `action` (lower-cased) match one of `patterns`?"""
    if isinstance(patterns, str):
        return _action_matcher(patterns)(action)
    return any(_action_matcher(str(p))(action) for p in patterns)


@lru_cache(maxsize=4096)
def _action_matcher(pattern: str) -> Any:
    """An Action pattern (``*``, ``?``; no variables in actions) as a test of a lower-cased action."""
    lowered = pattern.lower()
    if "*" not in lowered and "?" not in lowered:
        return lowered.__eq__
    source = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in lowered)
    matcher = re.compile(source, re.DOTALL)
    return lambda action: matcher.fullmatch(action) is not None


# ------------------------------------------------------------------------------------- policy strings

_TOKEN = re.compile(r"\$\{([^}]*)\}|[*?:]")
_ESCAPES = {"*": r"\*", "?": r"\?", "$": r"\$"}
EQUALS, EQUALS_IGNORE_CASE, LIKE, ARN = "equals", "equals-ignore-case", "like", "arn"
"""How a policy string is read: literally (``StringEquals``), ignoring case, with wildcards, as an ARN."""


@lru_cache(maxsize=65536)
def _tokens(value: str) -> tuple[tuple[str, str], ...]:
    """`value` as (kind, text) tokens: ``lit``, ``*``, ``?``, ``:``, ``esc`` (``${*}`` ...), ``var``."""
    out: list[tuple[str, str]] = []
    at = 0
    for match in _TOKEN.finditer(value):
        if match.start() > at:
            out.append(("lit", value[at:match.start()]))
        text, name = match.group(0), match.group(1)
        if name is None:
            out.append((text, text))
        elif name in _ESCAPES:
            out.append(("esc", name))
        elif "," in name:
            raise UnsupportedPolicy(f"policy variable with a default value: {text}")
        else:
            out.append(("var", name.strip().lower()))
        at = match.end()
    if at < len(value):
        out.append(("lit", value[at:]))
    return tuple(out)


@lru_cache(maxsize=65536)
def _variables(value: str) -> tuple[str, ...]:
    return tuple(text for kind, text in _tokens(value) if kind == "var")


@lru_cache(maxsize=65536)
def _matcher(value: str, mode: str, bound: tuple[str, ...]) -> re.Pattern[str] | None:
    """The regex `value` stands for in `mode`, with its variables bound to `bound` (in order).

    As an ARN, the first five colons separate segments: there ``*`` is ``[^:]*`` and ``?`` ``[^:]``, and a
    variable's value holding a colon matches nothing (None); the sixth part (the resource) takes the rest."""
    parts: list[str] = []
    values = iter(bound)
    colons = 0
    for kind, text in _tokens(value):
        in_segment = mode == ARN and colons < 5
        if kind == ":":
            colons += 1
            parts.append(":")
        elif kind == "lit":
            parts.append(re.escape(text))
        elif kind in ("*", "?") and mode in (LIKE, ARN):
            wildcard = ".*" if kind == "*" else "."
            parts.append(wildcard.replace(".", "[^:]") if in_segment else wildcard)
        elif kind in ("*", "?"):
            parts.append(re.escape(kind))
        elif kind == "esc":
            parts.append(_ESCAPES[text])
        else:
            found = next(values)
            if in_segment and ":" in found:
                return None
            parts.append(re.escape(found))
    if mode == ARN and colons < 5:
        raise UnsupportedPolicy(f"an ARN with fewer than six parts: {value!r}")
    flags = re.DOTALL | (re.IGNORECASE if mode == EQUALS_IGNORE_CASE else 0)
    return re.compile("".join(parts), flags)


def _string_match(value: str, pattern: str, context: Context, mode: str) -> bool | None:
    """Does request `value` match policy `pattern` in `mode`? None when a variable is unresolvable.

    A policy ARN (`mode` ARN) that does not start with ``arn:`` is a placeholder (the preview's
    ``<bucket.arn>/a/*``, a value known only after deployment) and is matched as one string."""
    if mode == ARN:
        if pattern == "*":
            return True
        if not pattern.startswith("arn:"):
            mode = LIKE
    bound = []
    for name in _variables(pattern):
        found = context.get(name)
        if not isinstance(found, str):
            return None
        bound.append(found)
    matcher = _matcher(pattern, mode, tuple(bound))
    return matcher is not None and matcher.fullmatch(value) is not None


def _any_arn(patterns: Any, value: str, context: Context) -> bool:
    if isinstance(patterns, str):
        return bool(_string_match(value, patterns, context, ARN))
    return any(_string_match(value, str(p), context, ARN) for p in patterns)


# ---------------------------------------------------------------------------------------- conditions

_OPERATORS = {name.lower(): name for name in (
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
    "StringNotLike", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Bool", "Null")}
_QUALIFIERS = {"foranyvalue": "ForAnyValue", "forallvalues": "ForAllValues"}


@lru_cache(maxsize=1024)
def _parse_operator(operator: str) -> tuple[str | None, str, bool]:
    """(qualifier, canonical operator, IfExists) of a condition operator, or `UnsupportedPolicy`."""
    qualifier, _, base = operator.rpartition(":")
    lowered = base.lower()
    if_exists = lowered.endswith("ifexists") and lowered != "ifexists"
    lowered = lowered.removesuffix("ifexists") if if_exists else lowered
    if lowered not in _OPERATORS:
        raise UnsupportedPolicy(f"condition operator {operator!r}")
    if qualifier and qualifier.lower() not in _QUALIFIERS:
        raise UnsupportedPolicy(f"condition qualifier {qualifier!r}")
    if qualifier and if_exists:
        raise UnsupportedPolicy(f"set qualifier with IfExists: {operator!r}")
    return (_QUALIFIERS[qualifier.lower()] if qualifier else None), _OPERATORS[lowered], if_exists


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


_MODES = {"StringEquals": EQUALS, "StringEqualsIgnoreCase": EQUALS_IGNORE_CASE, "StringLike": LIKE,
          "ArnEquals": ARN, "ArnLike": ARN}


def _value_test(base: str, value: str, pattern: str, context: Context) -> bool | None:
    """Does request `value` match one policy value under the positive form of `base`?"""
    positive = base.replace("Not", "", 1)
    if positive == "Bool":
        return value.lower() == pattern.lower()
    return _string_match(value, pattern, context, _MODES[positive])


def _is_negated(base: str) -> bool:
    return base.startswith(("StringNot", "ArnNot"))


def _condition(operator: str, key: str, values: Any, context: Context) -> bool:
    qualifier, base, if_exists = _parse_operator(operator)
    policy_values = [_text(v) for v in _as_list(values)]
    present = key.lower() in context
    if base == "Null":
        return any((v.lower() == "true") == (not present) for v in policy_values)
    negated = _is_negated(base)
    if not present:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return if_exists or negated
    found = context[key.lower()]
    if qualifier is None and not isinstance(found, str):
        return False  # a multi-valued key needs a set qualifier
    request_values = [found] if isinstance(found, str) else list(found)

    def one(value: str) -> bool:
        hits = [_value_test(base, value, p, context) for p in policy_values]
        if negated:
            return None not in hits and not any(hits)
        return any(h for h in hits if h is not None)

    if qualifier == "ForAllValues":
        return all(one(v) for v in request_values)
    return any(one(v) for v in request_values)
