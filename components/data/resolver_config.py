"""The ``CONFIG`` each resolver's code runs with: a model's roles per operation, from its access matrix.

Contract: `model_config(model, matrix, roles)` is the JSON object the model's resolvers share: the primary key,
Amplify's roles (provider, strategy, static or dynamic, claim, the record field a dynamic role reads, whether
it holds a list), the roles allowed each operation (``delete``: on every field; ``read``: get or list), for
models with field-level rules the fields each role may create, update and set to null (Amplify's
``allowedFields`` / ``nullAllowedFields``), the required fields, defaults, whether mutation results hide
protected fields, and the IAM roles (`IamRoles`) the code recognises: the identity pool's guest and signed-in
roles and the functions granted ``allow: resource``, by role name. `operation_config(operation, roles)` is a
custom operation's: its rules as static roles and its root type's action. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ampliform.data.matrix import Matrix, Role, role_of
from ampliform.data.model import Model, Operation

OPERATIONS = ("create", "update", "delete", "get", "list", "listen")
ROOT_ACTIONS = {"Query": "query", "Mutation": "mutate", "Subscription": "listen"}


@dataclass(frozen=True)
class IamRoles:
    """The IAM callers the resolvers recognise, by role name in the API's account: the identity pool's guest
    role, its signed-in roles (authenticated and group roles), and the functions' roles with their actions."""

    account: str | None = None
    guest: str | None = None
    signed_in: tuple[str, ...] = ()
    functions: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"account": self.account, "guest": self.guest, "signedIn": list(self.signed_in),
                "functions": {name: list(actions) for name, actions in self.functions}}


def role_json(role: Role, index: int) -> dict[str, Any]:
    return {"i": index, "provider": role.provider, "strategy": role.strategy, "static": role.static,
            "claim": role.claim, "entity": role.entity, "many": role.entity_is_list}


def _typed(value: Any, scalar: str) -> Any:
    if scalar in ("Int", "AWSTimestamp"):
        return int(value)
    if scalar == "Float":
        return float(value)
    if scalar == "Boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    return str(value)


def _allowed_fields(model: Model, matrix: Matrix) -> dict[str, dict[str, list[str]]] | None:
    if not any(f.rules is not None for f in model.fields):
        return None
    plain = [f.name for f in model.fields if f.relation is None]
    out: dict[str, dict[str, list[str]]] = {}
    for op in ("create", "update", "delete"):
        per_role: dict[str, list[str]] = {}
        for i, role in enumerate(matrix.roles):
            allowed = [f for f in plain if matrix.allowed(role, f, op)]
            if len(allowed) != len(plain):
                per_role[str(i)] = allowed
        out[op] = per_role
    return out


def model_config(model: Model, matrix: Matrix, roles: IamRoles) -> dict[str, Any]:
    """The ``CONFIG`` of a model's resolvers (see the module docstring)."""
    index = {r.name: i for i, r in enumerate(matrix.roles)}
    ops = {op: [index[r.name] for r in matrix.roles_for(op, full=op == "delete")] for op in OPERATIONS}
    ops["read"] = sorted(set(ops["get"]) | set(ops["list"]))
    return {
        "model": model.name,
        "keys": list(model.key),
        "customKey": model.custom_key,
        "autoId": not model.custom_key,
        "roles": [role_json(r, i) for i, r in enumerate(matrix.roles)],
        "ops": ops,
        "fields": _allowed_fields(model, matrix),
        "allFields": [f.name for f in model.fields if f.relation is None],
        "required": [f.name for f in model.fields if f.type.required and f.relation is None
                     and f.name not in model.key],
        "defaults": {f.name: _typed(f.default, f.type.name) for f in model.fields if f.has_default},
        "markMutation": any(matrix.needs_field_resolver(f.name) for f in model.fields),
        "iam": roles.to_json(),
    }


def operation_config(operation: Operation, roles: IamRoles) -> dict[str, Any]:
    """The ``CONFIG`` of a custom operation's auth step."""
    static: list[dict[str, Any]] = []
    for rule in operation.rules:
        for group in (rule.groups if rule.strategy == "groups" and rule.groups else (None,)):
            static.append(role_json(role_of(operation.name, rule, group, frozenset()), len(static)))
    return {"model": operation.name, "iam": roles.to_json(),
            "step": {"root": ROOT_ACTIONS[operation.type_name], "roles": static}}
