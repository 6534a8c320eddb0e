"""Helpers over compiled IAM policy documents: split, merge and spread statements; decisions over requests.

Used by the property tests to show that *how* grants are packed into statements and documents never
changes their meaning (DESIGN.md: "Statements may be merged, reordered, or split across policies"), and
meant to be reused to check the budget splitter (inline policy + managed policies):
``assert_same_decisions(before_documents, after_documents, requests)``.

- `split_statements(doc)`: every statement becomes single-action, single-resource statements; a
  ``StringLike`` list of values is split into one statement per value (an OR of values is an OR of
  statements, also under a ``StringNotLike`` that every piece keeps whole). ``Not*`` elements are kept.
- `merge_statements(doc)`: the reverse, soundly: statements with the same effect and condition are merged
  by action (union of resources), then by resource set (union of actions), then ``StringLike`` values of
  otherwise equal statements are merged. Never merges two (action, resource) pairs that were not granted.
- `spread(docs, parts)`: the statements of some documents distributed round-robin over `parts` documents.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ampliform.iam.evaluate import Request, evaluate

Document = dict[str, Any]
Statement = dict[str, Any]
VERSION = "2012-10-17"


def as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


def statements_of(doc: Mapping[str, Any]) -> list[Statement]:
    found = doc.get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def _scalar(values: Sequence[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


def _split_condition(condition: Mapping[str, Any] | None) -> list[dict[str, Any] | None]:
    """One condition per ``StringLike`` value (all other operators kept whole in each piece)."""
    if not condition:
        return [None]
    like = condition.get("StringLike")
    if not like or len(like) != 1:
        return [copy.deepcopy(dict(condition))]
    ((key, values),) = like.items()
    pieces = []
    for value in as_list(values):
        piece = copy.deepcopy(dict(condition))
        piece["StringLike"] = {key: [value]}
        pieces.append(piece)
    return pieces


def split_statements(doc: Mapping[str, Any]) -> Document:
    """The same grants, one action, one resource and one ``StringLike`` value per statement."""
    out: list[Statement] = []
    for statement in statements_of(doc):
        if not ("Action" in statement and "Resource" in statement):
            out.append(copy.deepcopy(statement))
            continue
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                for condition in _split_condition(statement.get("Condition")):
                    piece = {k: copy.deepcopy(v) for k, v in statement.items()
                             if k not in ("Action", "Resource", "Condition")}
                    piece.update({"Action": action, "Resource": resource})
                    if condition is not None:
                        piece["Condition"] = condition
                    out.append(piece)
    return {"Version": doc.get("Version", VERSION), "Statement": out}


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def merge_statements(doc: Mapping[str, Any]) -> Document:
    """Statements merged as far as is sound; deterministic (sorted) output."""
    kept: list[Statement] = []
    by_action: dict[tuple[str, str, str], set[str]] = {}
    for statement in statements_of(doc):
        if set(statement) - {"Action", "Resource", "Condition", "Effect", "Sid"} or not (
                "Action" in statement and "Resource" in statement):
            kept.append(copy.deepcopy(statement))
            continue
        for action in as_list(statement["Action"]):
            key = (statement["Effect"], _key(statement.get("Condition")), action)
            by_action.setdefault(key, set()).update(as_list(statement["Resource"]))
    by_resources: dict[tuple[str, str, tuple[str, ...]], set[str]] = {}
    for (effect, condition, action), resources in by_action.items():
        by_resources.setdefault((effect, condition, tuple(sorted(resources))), set()).add(action)
    merged: list[Statement] = []
    for (effect, condition, resources), actions in sorted(by_resources.items()):
        statement: Statement = {"Effect": effect, "Action": _scalar(sorted(actions)), "Resource": _scalar(resources)}
        if json.loads(condition) is not None:
            statement["Condition"] = json.loads(condition)
        merged.append(statement)
    return {"Version": doc.get("Version", VERSION), "Statement": _merge_like_values(merged) + kept}


def _merge_like_values(statements: list[Statement]) -> list[Statement]:
    """Statements equal but for the values of a single-key ``StringLike`` become one (union of values)."""
    groups: dict[str, Statement] = {}
    order: list[str] = []
    for statement in statements:
        condition = statement.get("Condition") or {}
        like = condition.get("StringLike")
        if not like or len(like) != 1:
            key = _key(statement)
        else:
            ((cond_key, _),) = like.items()
            rest = {k: v for k, v in condition.items() if k != "StringLike"}
            key = _key({**{k: v for k, v in statement.items() if k != "Condition"}, "rest": rest,
                        "like_key": cond_key})
        if key not in groups:
            groups[key] = copy.deepcopy(statement)
            order.append(key)
            continue
        target_like = groups[key]["Condition"]["StringLike"]
        ((cond_key, values),) = like.items()
        target_like[cond_key] = sorted(set(as_list(target_like[cond_key])) | set(as_list(values)))
    return [groups[k] for k in order]


def spread(docs: Iterable[Mapping[str, Any]], parts: int) -> list[Document]:
    """All statements of `docs`, dealt round-robin into `parts` documents (empty ones dropped)."""
    out: list[list[Statement]] = [[] for _ in range(max(parts, 1))]
    for i, statement in enumerate(s for d in docs for s in statements_of(d)):
        out[i % len(out)].append(copy.deepcopy(statement))
    return [{"Version": VERSION, "Statement": s} for s in out if s]


def decisions(docs: Sequence[Mapping[str, Any]], requests: Sequence[Request]) -> list[bool]:
    return [evaluate(docs, r).allowed for r in requests]


def assert_same_decisions(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]],
                          requests: Sequence[Request], what: str = "") -> None:
    """Both policy sets allow exactly the same requests."""
    a, b = decisions(before, requests), decisions(after, requests)
    diff = [(r.action, r.resource, dict(r.context)) for r, x, y in zip(requests, a, b, strict=True) if x != y]
    assert not diff, f"{what}: {len(diff)} requests decided differently, e.g. {diff[:5]}"
