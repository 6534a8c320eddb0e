"""The policy budget: the one owner of each role's IAM size limits, which every component contributes to.

Contract: a `Contribution` is what one component asks of one role (``storage myBucket`` → the authenticated
role: these statements; ``data`` → the guest role: those), written with placeholder ARNs
(`ampliform.iam.arns`) and each placeholder's worst-case length. `RolePolicies` owns the budgets of a set of
roles: `add(contributions)` places each contribution, in order, into policy documents and returns them — inline
(role policies) while the role's inline room lasts, then managed policies attached to the role — or raises one
`DefinitionError` naming every role that does not fit, with each contributor's share and the fix, and leaves
its state unchanged. Documents never span contributors. Limits, counted as IAM counts (JSON without
whitespace), every placeholder ARN at its worst-case length:
- all inline policies of a role together: 10,240 characters;
- each managed policy: 6,144 characters; at most `managed_quota` managed policies per role (10 by default).
A statement too large for the room left is split by its Resource list (or its ``s3:prefix`` values), which
never changes its meaning: the union of the parts allows exactly what the whole did.

Compat mode (``Limits(compat=True)``, Amplify's behaviour): one inline policy per contribution, nothing split
or spilled, sizes counted with the ARNs as given; a role over IAM's inline limit is the error Amplify's users
meet at deployment ("Maximum policy size of 10240 bytes exceeded"), raised before deployment instead.

`fit_roles(contributions, limits)` is `RolePolicies(limits).add(...)` for a whole backend: the plan. The
stack program's components, contributing in the same order to the owners of their roles (Auth for the
identity-pool roles, a Function for its role), get exactly the plan's documents.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ampliform.access.constants import LIST_ACTION, PREFIX_KEY
from ampliform.errors import DefinitionError, Problem
from ampliform.iam.arns import bucket_arn
from ampliform.iam.document import Document, Statement, policy_document, size_of

INLINE_LIMIT = 10_240
MANAGED_LIMIT = 6_144
DEFAULT_MANAGED_QUOTA = 10
WORST_CASE_ARN_LENGTH = bucket_arn("").worst_case
WORST_CASE_BUCKET_ARN = "arn:aws-us-gov:s3:::" + "b" * 63
"""The longest ARN a bucket can have (the longest partition, a 63-character name)."""


@dataclass(frozen=True)
class Limits:
    """IAM's limits for one role, as ampliform uses them."""

    inline: int = INLINE_LIMIT
    managed: int = MANAGED_LIMIT
    managed_quota: int = DEFAULT_MANAGED_QUOTA
    compat: bool = False
    """Amplify's behaviour: one inline policy per contribution, no spill, the ARNs measured as given."""


@dataclass(frozen=True)
class Contribution:
    """What one component asks of one role: statements with placeholder ARNs, and their worst-case lengths."""

    contributor: str
    """Who asks, as people read it: ``storage myBucket``, ``data``, ``function thumbnailer``."""
    role: str
    """The role key (`ampliform.roles`)."""
    statements: tuple[Statement, ...]
    arns: Mapping[str, int] = field(default_factory=dict)
    """Placeholder ARN → the longest the real ARN can be (`ampliform.iam.arns.ArnPlaceholder`)."""


@dataclass(frozen=True)
class Placement:
    """One policy document of a role: whose, inline or managed, and its size (worst case)."""

    contributor: str
    kind: str
    document: Document
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

    def shares(self) -> dict[str, int]:
        """Characters each contributor uses on this role, in contribution order."""
        out: dict[str, int] = {}
        for p in self.placements:
            out[p.contributor] = out.get(p.contributor, 0) + p.size
        return out

    def of(self, contributor: str) -> list[Placement]:
        """The documents of one contributor on this role, in order."""
        return [p for p in self.placements if p.contributor == contributor]

    def to_json(self) -> dict[str, Any]:
        return {"inline": {"used": self.inline_size, "limit": self.limits.inline},
                "managed": {"policies": len(self.managed_sizes), "quota": self.limits.managed_quota,
                            "sizes": self.managed_sizes, "limit_each": self.limits.managed},
                "shares": self.shares()}


class Meter:
    """Sizes statements with each placeholder ARN counted at its worst-case length."""

    def __init__(self, arns: Mapping[str, int], worst_case: bool = True):
        self.extra = {arn: worst - len(arn) for arn, worst in arns.items() if worst_case and worst > len(arn)}

    def __call__(self, value: Any) -> int:
        size = size_of(value)
        if self.extra:
            text = json.dumps(value)
            size += sum(extra * text.count('"' + arn) for arn, extra in self.extra.items())
        return size


_EMPTY_DOC = size_of(policy_document([]))


class RolePolicies:
    """The one owner of a set of roles' policy budgets (see the module docstring)."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.budgets: dict[str, RoleBudget] = {}

    def add(self, contributions: Sequence[Contribution]) -> list[list[Placement]]:
        """Place `contributions` in order; per contribution, its documents. All or nothing."""
        budgets = {role: replace(b, placements=list(b.placements)) for role, b in self.budgets.items()}
        placed: list[list[Placement]] = []
        problems: list[Problem] = []
        for contribution in contributions:
            budget = budgets.setdefault(contribution.role, RoleBudget(contribution.role, self.limits))
            try:
                new = _place(budget, contribution)
            except DefinitionError as error:
                problems.extend(error.problems)
                new = []
            budget.placements.extend(new)
            placed.append(new)
        touched = dict.fromkeys(c.role for c in contributions)
        problems += [p for role in touched for p in _over(budgets[role])]
        DefinitionError.raise_if(problems)
        self.budgets = dict(sorted(budgets.items()))
        return placed


def fit_roles(contributions: Sequence[Contribution], limits: Limits | None = None) -> dict[str, RoleBudget]:
    """Every role's budget for a whole backend's contributions (raises for every role that does not fit)."""
    owner = RolePolicies(limits)
    owner.add(contributions)
    return owner.budgets


def _place(budget: RoleBudget, contribution: Contribution) -> list[Placement]:
    """The documents of one contribution, given what the role already holds."""
    limits = budget.limits
    meter = Meter(contribution.arns, worst_case=not limits.compat)
    statements = [s for s in contribution.statements]
    if not statements:
        return []
    if limits.compat:  # Amplify: one inline policy per contribution
        doc = policy_document(statements)
        return [Placement(contribution.contributor, "inline", doc, meter(doc))]
    inline_room = limits.inline - budget.inline_size
    out: list[Placement] = []
    pending = statements
    while pending:
        use_inline = inline_room - _EMPTY_DOC >= _min_size(pending, meter)
        kind, room = ("inline", inline_room) if use_inline else ("managed", limits.managed)
        taken, pending = _fill(pending, room - _EMPTY_DOC, meter)
        if not taken:  # not even one part fits an empty managed policy
            raise DefinitionError(_too_large(budget.role, contribution.contributor, pending[0], meter, room))
        doc = policy_document(taken)
        placement = Placement(contribution.contributor, kind, doc, meter(doc))
        out.append(placement)
        if kind == "inline":
            inline_room -= placement.size
    return out


def _min_size(statements: list[Statement], meter: Meter) -> int:
    """Size of the smallest piece the first statement can be split into (the whole of it if it cannot)."""
    statement = statements[0]
    key = _values_key(statement)
    return meter(_with_values(statement, key, _values(statement, key)[:1]) if key else statement)


def _fill(pending: list[Statement], room: int, meter: Meter) -> tuple[list[Statement], list[Statement]]:
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


def _split(statement: Statement, room: int, meter: Meter) -> tuple[Statement | None, Statement | None]:
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



def _over(budget: RoleBudget) -> list[Problem]:
    """The problem of a role over its limits (none when it fits)."""
    limits = budget.limits
    shares = ", ".join(f"{who} {size:,}" for who, size in budget.shares().items())
    total = budget.inline_size + sum(budget.managed_sizes)
    if limits.compat:
        if budget.inline_size <= limits.inline:
            return []
        return [Problem(
            f"Maximum policy size of {limits.inline} bytes exceeded for role {budget.role}: its inline policies "
            f"need {budget.inline_size:,} characters ({shares}).", f"role {budget.role}",
            "Remove --compat amplify (the default mode merges statements and spills into managed policies), "
            "or grant fewer paths to this role.")]
    if len(budget.managed_sizes) <= limits.managed_quota:
        return []
    return [Problem(
        f"role {budget.role} does not fit IAM's limits: it needs {len(budget.managed_sizes)} managed "
        f"polic{'y' if len(budget.managed_sizes) == 1 else 'ies'} of up to {limits.managed:,} characters besides "
        f"its {limits.inline:,}-character inline room, but its quota "
        f"is {limits.managed_quota} ({total:,} characters in all: {shares}).", f"role {budget.role}",
        "Raise the quota with the stack setting ampliform:maxManagedPolicies (AWS allows up to 20 after a "
        "service-quota increase), or grant this role fewer paths or models (merged paths list fewer prefixes).")]


def _too_large(role: str, contributor: str, statement: Statement, meter: Meter, room: int) -> Problem:
    return Problem(f"a statement {contributor} gives role {role} needs {meter(statement):,} characters, more "
                   f"than one policy may hold ({room:,}).", f"role {role}",
                   "Shorten the paths (or names) it lists.")
