"""Amplify's access control matrix of one model: roles × fields × operations.

Contract: `model_matrix(model, schema)` builds what Amplify's auth transformer builds from a model's rules
(``AccessControlMatrix`` + ``convertRulesToRoles``): one `Role` per distinct (provider, strategy, entity,
claim) — static groups one role per group — each allowed its rule's operations on every declared field;
then each field with field-level rules is reset and given those rules' roles instead. A rule repeating a
role of the same model raises `RoleConflict` (Amplify: ``@auth <role> already exists for <Model>``).
`roles_for(op, full)` are the roles allowed `op` on some field (on every field with `full`, which is what
delete needs); `allowed(role, field, op)` one cell. Everything else about access (directives, resolvers,
grants, the review tools' view) is read from here. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from ampliform.data.model import Model, Schema
from ampliform.data.rules import MODEL_OPERATIONS, READ_OPERATIONS, Rule


class RoleConflict(ValueError):
    """Two rules of one model name the same role."""


@dataclass(frozen=True)
class Role:
    """One role of a model's matrix, as Amplify's role definitions describe it."""

    name: str
    provider: str
    strategy: str
    static: bool
    claim: str | None = None
    entity: str | None = None
    entity_is_list: bool = False

    @property
    def is_private_user_pool(self) -> bool:
        return self.provider == "userPools" and self.strategy == "private"


def role_of(model: str, rule: Rule, group: str | None, list_fields: frozenset[str]) -> Role:
    """The role a rule (and, for static group rules, one of its groups) gives."""
    if rule.strategy == "groups" and rule.groups is not None:
        return Role(f"{model}:{rule.provider}:staticGroup:{group}:{rule.claim}", rule.provider, "groups", True,
                    rule.claim, group)
    if rule.provider == "apiKey":
        return Role(f"{model}:apiKey:public", "apiKey", rule.strategy, True)
    if rule.provider == "function":
        return Role(f"{model}:function:custom", "function", "custom", True)
    if rule.provider == "identityPool":
        claim = "authRole" if rule.strategy == "private" else "unauthRole"
        return Role(f"{model}:iam:{rule.strategy}", "identityPool", rule.strategy, True, claim)
    if rule.strategy == "groups":
        field = rule.entity or ""
        return Role(f"{model}:userPools:dynamicGroup:{field}:{rule.claim}", "userPools", "groups", False,
                    rule.claim, field, field in list_fields)
    if rule.strategy == "owner":
        field = rule.entity or ""
        return Role(f"{model}:userPools:owner:{field}:{rule.claim}", "userPools", "owner", False, rule.claim,
                    field, field in list_fields or rule.multiple)
    return Role(f"{model}:{rule.provider}:{rule.strategy}", rule.provider, rule.strategy, True)


class Matrix:
    """One model's matrix (see the module docstring)."""

    def __init__(self, name: str, resources: tuple[str, ...]):
        self.name = name
        self.resources = resources
        self.roles: list[Role] = []
        self.cells: dict[str, dict[str, set[str]]] = {}

    def set_role(self, role: Role, operations: tuple[str, ...], resource: str | None = None) -> None:
        if role.name not in self.cells:
            self.roles.append(role)
            self.cells[role.name] = {r: (set(operations) if resource in (None, r) else set())
                                     for r in self.resources}
        elif resource is not None:
            self.cells[role.name][resource] = set(operations)
        else:
            raise RoleConflict(f"@auth {role.name} already exists for {self.name}")

    def reset(self, resource: str) -> None:
        for cells in self.cells.values():
            cells[resource] = set()

    def allowed(self, role: Role, resource: str, operation: str) -> bool:
        return operation in self.cells[role.name].get(resource, set())

    def roles_for(self, operation: str, full: bool = False) -> list[Role]:
        """Roles allowed `operation` on some resource (on all of them with `full`)."""
        test = all if full else any
        return [r for r in self.roles if test(operation in self.cells[r.name][f] for f in self.resources)]

    def read_roles(self) -> list[Role]:
        """Amplify's model read roles: those allowed ``get`` on some field (its auth transformer builds the set
        from the first read operation only)."""
        return self.roles_for("get")

    def field_read_roles(self, resource: str) -> list[Role]:
        """Amplify's read roles of one field: the read roles, without the other user-pool roles when every
        signed-in user may read the field."""
        roles = self.read_roles()
        private = next((r for r in roles if r.is_private_user_pool), None)
        if private is not None and all(self.allowed(private, resource, op) for op in READ_OPERATIONS):
            roles = [r for r in roles if r.provider != "userPools" or r is private]
        return roles

    def field_readers(self, resource: str) -> list[Role]:
        """Roles of `field_read_roles` that may read `resource`."""
        return [r for r in self.field_read_roles(resource)
                if any(self.allowed(r, resource, op) for op in READ_OPERATIONS)]

    def needs_field_resolver(self, resource: str) -> bool:
        """Some read role may not read this field (Amplify then resolves it through a field-level check)."""
        return len(self.field_readers(resource)) < len(self.field_read_roles(resource))


def model_matrix(model: Model, schema: Schema | None = None) -> Matrix:
    """The matrix of one resolved model (raises `RoleConflict` for a repeated role)."""
    list_fields = frozenset(f.name for f in model.fields if f.type.is_list)
    matrix = Matrix(model.name, model.field_names)
    _apply(matrix, model.name, model.rules, None, list_fields)
    for field in model.fields:
        if field.rules is None:
            continue
        matrix.reset(field.name)
        _apply(matrix, model.name, field.rules, field.name, list_fields)
    return matrix


def _apply(matrix: Matrix, model: str, rules: tuple[Rule, ...], resource: str | None,
           list_fields: frozenset[str]) -> None:
    for rule in rules:
        groups = rule.groups if rule.strategy == "groups" and rule.groups is not None else (None,)
        for group in groups:
            matrix.set_role(role_of(model, rule, group, list_fields), rule.operations, resource)


__all__ = ["MODEL_OPERATIONS", "Matrix", "Role", "RoleConflict", "model_matrix", "role_of"]
