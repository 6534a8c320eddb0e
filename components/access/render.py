"""Rendering plans into IAM policy statements, deterministically.

Contract:
- `render_amplify(sets, arn)`: Amplify's exact shape (reference §5): per action in first-seen order, the Allow
  statement then the Deny statement; single-item Action/Resource as scalars; ListBucket on the bucket ARN
  with ``StringLike s3:prefix`` pairs ``[p, p without *]``.
- `render_merged(plan, arn)`: ampliform's shape: object actions that share a set of prefixes share one
  statement (``Action: [GetObject, PutObject]``); one ListBucket allow per layer with one ``s3:prefix``
  value per prefix (``media/*`` also matches ``media/``) and ``StringNotLike`` for carved-out children; no
  list denies. Statements and values are sorted.
- Literal ``$``, ``?`` and ``*`` in paths are escaped (`iam_text`): S3 keys may hold them, IAM would read
  them as a variable or a wildcard (Amplify does not escape them; ampliform does, in both modes). The owner
  is carried through planning as the token ``{entity_id}`` (`normalize.effective_prefix`), never as IAM text:
  everything a path holds is escaped first, then the token becomes ``${cognito-identity.amazonaws.com:sub}``,
  the one live policy variable. (Paths with ``${`` are refused anyway, path rule 11.)
- `bind_arn` swaps a placeholder bucket ARN for the real one in Resource values (Storage does it once the
  bucket exists).
"""

from __future__ import annotations

from typing import Any

from ampliform.access.constants import (
    ENTITY_SUB,
    ENTITY_TOKEN,
    IAM_ACTIONS,
    LIST_ACTION,
    OBJECT_ACTIONS,
    PREFIX_KEY,
)
from ampliform.access.plan_compat import RoleSets
from ampliform.access.plan_default import ActionPlan, ListPlan, ObjectPlan

Statement = dict[str, Any]


_ESCAPE = {"$": "${$}", "?": "${?}", "*": "${*}"}


def iam_text(prefix: str) -> str:
    """A prefix as IAM must read it: literal ``$``, ``?`` and ``*`` escaped (``${$}``, ``${?}``, ``${*}``), so that
    a key's characters never act as wildcards or policy variables; then the owner token ``{entity_id}`` becomes
    ``${cognito-identity.amazonaws.com:sub}``; the final ``*`` wildcard stays as it is."""
    body, wildcard = (prefix[:-1], "*") if prefix.endswith("*") else (prefix, "")
    escaped = "".join(_ESCAPE.get(ch, ch) for ch in body)
    return escaped.replace(ENTITY_TOKEN, ENTITY_SUB) + wildcard


def _scalar(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


def render_amplify(sets: RoleSets, role: str, arn: str) -> list[Statement]:
    """One role's statements exactly as Amplify writes them."""
    statements: list[Statement] = []
    for action, access in sets.get(role, {}).items():
        for effect, prefixes in (("Allow", list(access.allow)), ("Deny", list(access.deny))):
            if not prefixes:
                continue
            if action == "list":
                values = [iam_text(v) for p in prefixes for v in (p, p[:-1])]
                statements.append({"Action": LIST_ACTION, "Condition": {"StringLike": {PREFIX_KEY: values}},
                                   "Effect": effect, "Resource": arn})
            else:
                statements.append({"Action": IAM_ACTIONS[action], "Effect": effect,
                                   "Resource": _scalar(list(dict.fromkeys(f"{arn}/{iam_text(p)}" for p in prefixes)))})
    return statements


def render_merged(plan: dict[str, ActionPlan], arn: str) -> list[Statement]:
    """One role's statements in ampliform's compact, sorted shape."""
    statements: list[Statement] = []
    for effect in ("Allow", "Deny"):
        by_prefix: dict[str, list[str]] = {}
        for action in OBJECT_ACTIONS:
            planned = plan.get(action)
            if isinstance(planned, ObjectPlan):
                for p in planned.allow if effect == "Allow" else planned.deny:
                    by_prefix.setdefault(p, []).append(OBJECT_ACTIONS[action])
        by_actions: dict[tuple[str, ...], list[str]] = {}
        for p, names in by_prefix.items():
            by_actions.setdefault(tuple(sorted(names)), []).append(f"{arn}/{iam_text(p)}")
        for shared, resources in sorted(by_actions.items()):
            statements.append({"Effect": effect, "Action": _scalar(list(shared)),
                               "Resource": _scalar(sorted(resources))})
    listing = plan.get("list")
    if isinstance(listing, ListPlan):
        for layer in listing.layers:
            condition: dict[str, Any] = {"StringLike": {PREFIX_KEY: sorted(map(iam_text, layer.like))}}
            if layer.not_like:
                condition["StringNotLike"] = {PREFIX_KEY: sorted(map(iam_text, layer.not_like))}
            statements.append({"Effect": "Allow", "Action": LIST_ACTION, "Resource": arn, "Condition": condition})
    return statements


def bind_arn(doc: dict[str, Any], placeholder: str, real: str) -> dict[str, Any]:
    """A copy of `doc` whose Resource values use `real` where they used the bucket ARN `placeholder`."""

    def swap(value: str) -> str:
        if value == placeholder:
            return real
        return real + value[len(placeholder):] if value.startswith(placeholder + "/") else value

    def fix(statement: Statement) -> Statement:
        out = dict(statement)
        for key in ("Resource", "NotResource"):
            if key in out:
                value = out[key]
                out[key] = swap(value) if isinstance(value, str) else [swap(v) for v in value]
        return out

    return {**doc, "Statement": [fix(s) for s in doc["Statement"]]}
