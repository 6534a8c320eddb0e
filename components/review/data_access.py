"""Data's access, as a reviewer reads it: per model, operation and caller, who may — decided from the
resolvers' rules and the IAM policies the identity-pool roles hold.

Contract: `data_matrix(definition, documents, api_arn)` returns one `DataCell` per (model, operation, caller)
for the definition's models (none without `data:`): callers are ``guest`` (signed out, through the identity
pool's guest role), ``authenticated`` (signed in, with the user-pool token the client sends by default),
``group:<g>`` (a member of each declared group, user-pool token) and, when a rule opens a model to
identity-pool callers, ``authenticated/iam`` (signed in, calling through the authenticated role). A decision
is ``allow``, ``own`` (only on records the caller owns: an owner rule) or ``deny``. IAM callers are allowed
only when the rules grant it **and** the role's policies (`documents`: role key → policy documents, e.g. the
ones the program attached, or the plan's) allow ``appsync:GraphQL`` on every field of the operation
(`api_arn` is the API's ARN in those documents). `explain_data` answers one question with the rules that
decide it; `data_changes(before, after)` compares two matrices. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ampliform.data.access import Grant, data_access, rule_operations
from ampliform.data.names import ModelNames
from ampliform.definition.model import Definition
from ampliform.errors import where
from ampliform.iam.evaluate import Request, evaluate
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST, group_role

OPERATIONS = ("create", "get", "list", "update", "delete", "listen")
IAM_SIGNED_IN = "authenticated/iam"
RANK = {"deny": 0, "own": 1, "allow": 2}

Documents = Mapping[str, Sequence[Mapping[str, Any]]]


@dataclass(frozen=True, order=True)
class DataCell:
    """What one caller may do with one operation of one model."""

    model: str
    operation: str
    caller: str
    decision: str

    def to_json(self) -> dict[str, str]:
        return {"model": self.model, "operation": self.operation, "caller": self.caller, "decision": self.decision}


def callers(definition: Definition) -> list[str]:
    """The callers the matrix has a column for (see the module docstring)."""
    out = [ROLE_GUEST, ROLE_AUTHENTICATED, *(group_role(g) for g in definition.auth.groups)]
    if definition.data is not None and any(g.identity_pool for a in data_access(definition.data).values()
                                           for g in a.grants.values()):
        out.append(IAM_SIGNED_IN)
    return out


def iam_allows(documents: Documents, role: str, api_arn: str, model: str, operation: str) -> bool:
    """The role's policies allow ``appsync:GraphQL`` on every field the operation calls."""
    docs = documents.get(role, ())
    return all(evaluate(docs, Request("appsync:GraphQL", f"{api_arn}/types/{t}/fields/{f}")).allowed
               for t, f in ModelNames(model).fields_of(operation))


def decide(grant: Grant, caller: str, iam: bool) -> str:
    """One cell: `iam` says whether the caller's role policies allow the operation's fields."""
    if caller == ROLE_GUEST:
        return "allow" if grant.guest and iam else "deny"
    if caller == IAM_SIGNED_IN:
        return "allow" if (grant.guest or grant.identity_pool) and iam else "deny"
    group = caller.split(":", 1)[1] if caller.startswith("group:") else None
    if grant.user_pools or (group is not None and group in grant.groups):
        return "allow"
    return "own" if grant.owner else "deny"


def data_matrix(definition: Definition, documents: Documents, api_arn: str) -> list[DataCell]:
    """Every (model, operation, caller) cell of the definition's models (see the module docstring)."""
    if definition.data is None:
        return []
    columns = callers(definition)
    cells = []
    for model, access in data_access(definition.data).items():
        for operation in OPERATIONS:
            grant = access.grants[operation]
            for caller in columns:
                role = ROLE_AUTHENTICATED if caller == IAM_SIGNED_IN else caller
                iam = caller in (ROLE_GUEST, IAM_SIGNED_IN) and iam_allows(documents, role, api_arn, model, operation)
                cells.append(DataCell(model, operation, caller, decide(grant, caller, iam)))
    return cells


def explain_data(definition: Definition, documents: Documents, api_arn: str, caller: str, operation: str,
                 model: str) -> dict[str, Any]:
    """May `caller` do `operation` (``read`` = get, list, listen) on `model`? The decision, and which rules (by
    location) and IAM grants decide it."""
    assert definition.data is not None
    spec = definition.data.models[model]
    access = data_access(definition.data)[model]
    operations = ["get", "list", "listen"] if operation == "read" else [operation]
    results = []
    for op in operations:
        role = ROLE_AUTHENTICATED if caller == IAM_SIGNED_IN else caller
        iam = caller in (ROLE_GUEST, IAM_SIGNED_IN) and iam_allows(documents, role, api_arn, model, op)
        decision = decide(access.grants[op], caller, iam)
        rules = [{"at": where("data", "models", model, "authorization", i),
                  "rule": rule.model_dump(exclude_none=True)}
                 for i, rule in enumerate(spec.authorization) if op in rule_operations(rule) and
                 _applies(rule.allow, rule.groups, rule.provider, caller)]
        results.append({"operation": op, "decision": decision, "rules": rules,
                        "iam": None if caller not in (ROLE_GUEST, IAM_SIGNED_IN) else
                        {"role": role, "allows": iam}})
    overall = min((str(r["decision"]) for r in results), key=RANK.__getitem__)
    return {"model": model, "caller": caller, "operation": operation, "decision": overall, "requests": results}


def _applies(kind: str, groups: Sequence[str] | None, provider: str | None, caller: str) -> bool:
    """Whether a rule of `kind` speaks of `caller` at all."""
    if caller == ROLE_GUEST:
        return kind == "guest"
    if caller == IAM_SIGNED_IN:
        return kind == "guest" or (kind == "authenticated" and provider == "identityPool")
    if kind in ("owner",) or (kind == "authenticated" and provider != "identityPool"):
        return True
    return kind == "groups" and caller.startswith("group:") and caller.split(":", 1)[1] in (groups or ())


@dataclass(frozen=True, order=True)
class DataChange:
    """What one caller gained and lost on one model (operations, with ``(own)`` for own-records-only)."""

    model: str
    caller: str
    gained: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "caller": self.caller, "gained": list(self.gained), "lost": list(self.lost)}


def data_changes(before: Sequence[DataCell], after: Sequence[DataCell]) -> list[DataChange]:
    """Per (model, caller), the operations whose decision rose (gained) or fell (lost) from before to after;
    a cell missing on one side (a model or caller that does not exist there) counts as ``deny``."""
    old = {(c.model, c.operation, c.caller): c.decision for c in before}
    new = {(c.model, c.operation, c.caller): c.decision for c in after}
    found: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for key in sorted(set(old) | set(new), key=lambda k: (k[0], k[2], OPERATIONS.index(k[1]))):
        was, now = old.get(key, "deny"), new.get(key, "deny")
        if was == now:
            continue
        model, operation, caller = key
        gained, lost = found.setdefault((model, caller), ([], []))
        if RANK[now] > RANK[was]:
            gained.append(operation if now == "allow" else f"{operation} (own)")
        else:
            lost.append(operation if was == "allow" else f"{operation} (own)")
    return sorted(DataChange(m, c, tuple(g), tuple(lost)) for (m, c), (g, lost) in found.items())
