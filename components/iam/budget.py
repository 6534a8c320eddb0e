"""The policy budget: fit each role's statements into IAM's size limits, or say clearly why they cannot.

Contract: `fit_role(role, per_bucket, limits)` takes one role's statements per bucket (already merged by
`render`) and returns a `RoleBudget`: documents, each placed `inline` (a role policy) or `managed` (a managed
policy attached to the role), in bucket order. Limits, counted as IAM counts (JSON without whitespace):
- all inline policies of a role together: 10,240 characters (minus `inline_reserve`, room kept for other
  components' inline grants on the same role);
- each managed policy: 6,144 characters; at most `managed_quota` managed policies per role (10 by default).
Inline room is filled first; the rest spills into managed policies. A statement too large for the room left
is split by its Resource list (or its ``s3:prefix`` values), which never changes its meaning: the union of the
parts allows exactly what the whole did. A role that needs more than its quota raises `DefinitionError` with
the numbers and the fixes. Documents never span buckets.

Sizes are measured with every bucket ARN counted at its worst-case length (`WORST_CASE_ARN_LENGTH`: the
longest partition and a 63-character bucket name), so a plan that fits here fits once deployed, whatever
name the bucket gets. In compat mode nothing is split (Amplify writes one inline policy per bucket and role)
and sizes are measured as Amplify deploys them (`amplify_measure`): IAM's inline limit, nothing kept in
reserve, the bucket ARN actually given; a role over that limit is an error there too, raised before
deployment rather than by IAM.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ampliform.access.constants import LIST_ACTION, PREFIX_KEY
from ampliform.errors import DefinitionError, Problem
from ampliform.iam.document import POLICY_VERSION, Statement, size_of

INLINE_LIMIT = 10_240
MANAGED_LIMIT = 6_144
DEFAULT_MANAGED_QUOTA = 10
INLINE_RESERVE = 2_048
"""Inline room kept on every role for other components' grants (Data's `appsync:GraphQL` policies)."""
WORST_CASE_ARN_LENGTH = len("arn:aws-us-gov:s3:::") + 63
WORST_CASE_BUCKET_ARN = "arn:aws-us-gov:s3:::" + "b" * 63
"""The longest ARN a bucket can have (the longest partition, a 63-character name): sizes count every bucket
ARN at this length, so a plan that fits fits whatever name the bucket gets."""




@dataclass(frozen=True)
class Limits:
    """IAM's limits for one role, as ampliform uses them."""

    inline: int = INLINE_LIMIT
    managed: int = MANAGED_LIMIT
    managed_quota: int = DEFAULT_MANAGED_QUOTA
    inline_reserve: int = INLINE_RESERVE


@dataclass(frozen=True)
class Placement:
    """One policy document of a role: which bucket, inline or managed, and its size (worst case)."""

    bucket: str
    kind: str
    document: dict[str, Any]
    size: int


@dataclass
class RoleBudget:
    """Everything one role gets, and how much of its budget that uses."""

    role: str
    limits: Limits
    placements: list[Placement] = field(default_factory=list)

    @property
    def inline_size(self) -> int:
        return sum(p.size for p in self.placements if p.kind == "inline")

    @property
    def managed_sizes(self) -> list[int]:
        return [p.size for p in self.placements if p.kind == "managed"]

    def to_json(self) -> dict[str, Any]:
        return {"inline": {"used": self.inline_size, "limit": self.limits.inline,
                           "reserved": self.limits.inline_reserve},
                "managed": {"policies": len(self.managed_sizes), "quota": self.limits.managed_quota,
                            "sizes": self.managed_sizes, "limit_each": self.limits.managed}}


class _Meter:
    """Sizes statements with the bucket ARN counted at its worst-case length (or as given: `worst_case` off)."""

    def __init__(self, arn: str, worst_case: bool = True):
        self.arn, self.extra = arn, max(0, WORST_CASE_ARN_LENGTH - len(arn)) if worst_case else 0

    def __call__(self, value: Any) -> int:
        return size_of(value) + self.extra * json.dumps(value).count('"' + self.arn)


def amplify_measure(limits: Limits, arn: str) -> tuple[Limits, _Meter]:
    """Compat mode's measure, Amplify's: the role's inline limit with nothing kept in reserve, and each bucket
    ARN counted as given (Amplify deploys what fits IAM's limit for the bucket it names)."""
    return replace(limits, inline_reserve=0), _Meter(arn, worst_case=False)


_EMPTY_DOC = size_of({"Version": POLICY_VERSION, "Statement": []})


def fit_role(role: str, per_bucket: Mapping[str, tuple[str, Sequence[Statement]]], limits: Limits,
             split: bool = True) -> RoleBudget:
    """Place one role's statements (`bucket -> (bucket arn, statements)`) into inline and managed documents."""
    if not split:
        limits = amplify_measure(limits, "")[0]
    budget = RoleBudget(role, limits)
    inline_room = limits.inline - limits.inline_reserve
    for bucket, (arn, statements) in per_bucket.items():
        meter = _Meter(arn)
        if not split:  # compat: Amplify's one inline policy per bucket and role, measured as Amplify does
            meter = amplify_measure(limits, arn)[1]
            doc = {"Version": POLICY_VERSION, "Statement": list(statements)}
            budget.placements.append(Placement(bucket, "inline", doc, meter(doc)))
            continue
        pending = list(statements)
        while pending:
            use_inline = inline_room - _EMPTY_DOC >= _min_size(pending, meter)
            kind, room = ("inline", inline_room) if use_inline else ("managed", limits.managed)
            taken, pending = _fill(pending, room - _EMPTY_DOC, meter)
            if not taken:  # not even one part fits an empty managed policy
                raise DefinitionError(_too_large(role, bucket, pending[0], meter, room))
            doc = {"Version": POLICY_VERSION, "Statement": taken}
            placement = Placement(bucket, kind, doc, meter(doc))
            budget.placements.append(placement)
            if kind == "inline":
                inline_room -= placement.size
    _check(budget, split)
    return budget


def _min_size(statements: list[Statement], meter: _Meter) -> int:
    """Size of the smallest piece the first statement can be split into (the whole of it if it cannot)."""
    statement = statements[0]
    key = _values_key(statement)
    return meter(_with_values(statement, key, _values(statement, key)[:1]) if key else statement)


def _fill(pending: list[Statement], room: int, meter: _Meter) -> tuple[list[Statement], list[Statement]]:
    """Take statements while they fit `room` characters, splitting the one that does not fit."""
    taken: list[Statement] = []
    used = 0
    while pending:
        statement = pending[0]
        cost = meter(statement) + (1 if taken else 0)
        if used + cost <= room:
            taken.append(statement)
            used += cost
            pending = pending[1:]
            continue
        head, tail = _split(statement, room - used - (1 if taken else 0), meter)
        if head is None:
            break
        taken.append(head)
        pending = [tail, *pending[1:]] if tail is not None else pending[1:]
        break
    return taken, pending


def _values_key(statement: Statement) -> tuple[str, ...] | None:
    """Where a statement's list of values lives: its Resource list, or its s3:prefix values."""
    if statement.get("Action") == LIST_ACTION and "Condition" in statement:
        return ("Condition", "StringLike", PREFIX_KEY)
    if isinstance(statement.get("Resource"), list):
        return ("Resource",)
    return None


def _with_values(statement: Statement, key: tuple[str, ...], values: list[str]) -> Statement:
    """A copy of `statement` holding `values` where its list of values was."""
    out = dict(statement)
    if key == ("Resource",):
        out["Resource"] = values if len(values) > 1 else values[0]
        return out
    out["Condition"] = {op: dict(block) for op, block in statement["Condition"].items()}
    out["Condition"]["StringLike"][PREFIX_KEY] = values
    excluded = out["Condition"].get("StringNotLike", {}).get(PREFIX_KEY)
    if excluded:  # keep only exclusions under this part's prefixes (the others exclude nothing here)
        heads = [v.rstrip("*") for v in values]
        kept = [q for q in excluded if any(q.startswith(h) for h in heads)]
        if kept:
            out["Condition"]["StringNotLike"][PREFIX_KEY] = kept
        else:
            del out["Condition"]["StringNotLike"]
    return out


def _values(statement: Statement, key: tuple[str, ...]) -> list[str]:
    value: Any = statement
    for k in key:
        value = value[k]
    return [value] if isinstance(value, str) else list(value)


def _split(statement: Statement, room: int, meter: _Meter) -> tuple[Statement | None, Statement | None]:
    """The largest head of `statement`'s values that fits `room`, and the rest (None when nothing fits)."""
    key = _values_key(statement)
    if key is None:
        return None, None
    values = _values(statement, key)
    low, high = 0, len(values)  # binary search on how many values fit
    while low < high:
        mid = (low + high + 1) // 2
        if meter(_with_values(statement, key, values[:mid])) <= room:
            low = mid
        else:
            high = mid - 1
    if low == 0:
        return None, None
    rest = _with_values(statement, key, values[low:]) if low < len(values) else None
    return _with_values(statement, key, values[:low]), rest


def _check(budget: RoleBudget, split: bool) -> None:
    limits, problems = budget.limits, []
    room = limits.inline - limits.inline_reserve
    if budget.inline_size > room:
        problems.append(Problem(
            f"Maximum policy size of {limits.inline} bytes exceeded for role {budget.role}: its inline policies "
            f"need {budget.inline_size} characters, {room} are available"
            + (f" ({limits.inline_reserve} are kept for other components' inline grants)." if limits.inline_reserve
               else "."), f"role {budget.role}",
            "Remove --compat amplify (the default mode merges statements and spills into managed policies), "
            "or grant fewer paths to this role." if not split else "Grant fewer paths to this role."))
    if len(budget.managed_sizes) > limits.managed_quota:
        problems.append(Problem(
            f"role {budget.role} needs {len(budget.managed_sizes)} managed policies of up to {limits.managed} "
            f"characters besides its {limits.inline}-character inline policies, but its quota is "
            f"{limits.managed_quota} ({budget.inline_size + sum(budget.managed_sizes)} characters in all).",
            f"role {budget.role}",
            "Raise the quota with the stack setting ampliform:maxManagedPolicies (AWS allows up to 20 after a "
            "service-quota increase), or merge paths so that fewer prefixes are listed."))
    DefinitionError.raise_if(problems)


def _too_large(role: str, bucket: str, statement: Statement, meter: _Meter, room: int) -> Problem:
    return Problem(f"a statement for role {role} on bucket {bucket!r} needs {meter(statement)} characters, more "
                   f"than one policy may hold ({room}).", f"role {role}", "Shorten the paths of this bucket.")
