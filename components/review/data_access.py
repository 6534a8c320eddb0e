"""Data's access, as a reviewer reads it: per model, operation and caller, who may — decided from the
resolvers' rules and the IAM policies the identity-pool roles hold.

Contract: `data_matrix(definition, documents, api_arn)` returns one `DataCell` per (model, operation, caller)
for the definition's models (none without `data:`). Callers (`callers`): ``guest`` (signed out, through the
identity pool's guest role), ``authenticated`` (signed in, with the user-pool token the client sends by
default), ``group:<g>`` (a member of each declared group), and — when some rule lets them in —
``authenticated/iam`` (signed in, through the identity pool's authenticated role), ``api_key`` and
``lambda`` (admitted by the Lambda authorizer). A decision is ``allow``, ``own`` (only on records that name the
caller: owner and group-field rules) or ``deny``, from `ampliform.data.access` (the principals the rules let
in). Identity-pool callers are allowed only when the rules let them in **and** the role's policies
(`documents`: role key → policy documents — the ones the program attached, or the plan's) allow
``appsync:GraphQL`` on every field of the operation (`api_arn`: the API's ARN in those documents).
`explain_data` answers one question with the rules that decide it (by location); `data_changes(before,
after)` compares two matrices. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ampliform.data.access import Caller, Principal, allowed, data_access, principal_of
from ampliform.data.matrix import role_of
from ampliform.data.names import ModelNames
from ampliform.data.rules import normalise
from ampliform.definition.model import Definition
from ampliform.errors import where
from ampliform.iam.evaluate import Request, evaluate
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST, group_role

OPERATIONS = ("create", "get", "list", "update", "delete", "listen")
IAM_SIGNED_IN = "authenticated/iam"
API_KEY = "api_key"
LAMBDA = "lambda"
RANK = {"deny": 0, "own": 1, "allow": 2}
OPTIONAL_CALLERS = {IAM_SIGNED_IN: "identity_pool", API_KEY: "api_key", LAMBDA: "custom"}
"""Callers shown only when some rule lets them in, and the principal kind that does."""

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


def caller_of(caller: str) -> Caller:
    """The `ampliform.data.access.Caller` a column stands for."""
    if caller == ROLE_GUEST:
        return Caller("guest")
    if caller == IAM_SIGNED_IN:
        return Caller("identity_pool")
    if caller == API_KEY:
        return Caller("api_key")
    if caller == LAMBDA:
        return Caller("lambda")
    if caller.startswith("group:"):
        return Caller("user_pool", (caller.split(":", 1)[1],))
    return Caller("user_pool")


def iam_role(caller: str) -> str | None:
    """The identity-pool role a caller signs with (None: the caller does not go through IAM)."""
    return {ROLE_GUEST: ROLE_GUEST, IAM_SIGNED_IN: ROLE_AUTHENTICATED}.get(caller)


def callers(definition: Definition) -> list[str]:
    """The callers the matrix has a column for (see the module docstring)."""
    out = [ROLE_GUEST, ROLE_AUTHENTICATED, *(group_role(g) for g in definition.auth.groups)]
    if definition.data is not None:
        kinds = {p.kind for a in data_access(definition.data).values() for ps in a.operations.values() for p in ps}
        out += [caller for caller, kind in OPTIONAL_CALLERS.items() if kind in kinds]
    return out


def iam_allows(documents: Documents, role: str, api_arn: str, model: str, operation: str) -> bool:
    """The role's policies allow ``appsync:GraphQL`` on every field the operation calls."""
    docs = documents.get(role, ())
    return all(evaluate(docs, Request("appsync:GraphQL", f"{api_arn}/types/{t}/fields/{f}")).allowed
               for t, f in ModelNames(model).fields_of(operation))


def decide(principals: tuple[Principal, ...], caller: str, iam: bool) -> str:
    """One cell: `iam` says whether an identity-pool caller's role policies allow the operation's fields."""
    letting_in = allowed(principals, caller_of(caller))
    if not letting_in or (iam_role(caller) is not None and not iam):
        return "deny"
    return "own" if all(p.own_records for p in letting_in) else "allow"


def _iam(documents: Documents, api_arn: str, caller: str, model: str, operation: str) -> bool:
    role = iam_role(caller)
    return role is not None and iam_allows(documents, role, api_arn, model, operation)


def data_matrix(definition: Definition, documents: Documents, api_arn: str) -> list[DataCell]:
    """Every (model, operation, caller) cell of the definition's models (see the module docstring)."""
    if definition.data is None:
        return []
    columns = callers(definition)
    cells = []
    for model, access in data_access(definition.data).items():
        for operation in OPERATIONS:
            principals = access.operations[operation]
            for caller in columns:
                iam = _iam(documents, api_arn, caller, model, operation)
                cells.append(DataCell(model, operation, caller, decide(principals, caller, iam)))
    return cells


def explain_data(definition: Definition, documents: Documents, api_arn: str, caller: str, operation: str,
                 model: str) -> dict[str, Any]:
    """May `caller` do `operation` (``read`` = get, list, listen) on `model`? The decision, the rules (by
    location) that let the caller in, and whether the IAM policies allow it for identity-pool callers."""
    assert definition.data is not None
    spec = definition.data.models[model]
    access = data_access(definition.data)[model]
    operations = ["get", "list", "listen"] if operation == "read" else [operation]
    results = []
    for op in operations:
        iam = _iam(documents, api_arn, caller, model, op)
        decision = decide(access.operations[op], caller, iam)
        rules = [{"at": where("data", "models", model, "authorization", i),
                  "rule": rule.model_dump(exclude_none=True)}
                 for i, rule in enumerate(spec.authorization) if _lets_in(model, rule, op, caller)]
        role = iam_role(caller)
        results.append({"operation": op, "decision": decision, "rules": rules,
                        "iam": None if role is None else {"role": role, "allows": iam}})
    overall = min((str(r["decision"]) for r in results), key=RANK.__getitem__)
    return {"model": model, "caller": caller, "operation": operation, "decision": overall, "requests": results}


def _lets_in(model: str, rule: Any, operation: str, caller: str) -> bool:
    """Whether one model-level rule grants `operation` and lets `caller` in."""
    if rule.allow == "resource":
        return False
    normal = normalise(rule)
    if operation not in normal.operations:
        return False
    groups = normal.groups if normal.strategy == "groups" and normal.groups else (None,)
    principals = tuple(principal_of(role_of(model, normal, g, frozenset())) for g in groups)
    return bool(allowed(principals, caller_of(caller)))


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
