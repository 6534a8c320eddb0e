"""Who may do what with Data: per model and operation, and per custom operation, the principals let in.

Contract (the review tools read this): `data_access(spec)` returns a `ModelAccess` per model (declaration
order) and `operation_access(spec)` a `tuple[Principal, ...]` per custom operation (``Query.echo``).
`ModelAccess.operations[op]` (op ∈ create, update, delete, get, list, listen) are the principals allowed `op`
on the model — delete needs every field, as Amplify; `ModelAccess.fields[field][op]` (op ∈ create, read,
update, delete) are given only for fields whose access differs (field-level rules). A `Principal` is one of
`PRINCIPAL_KINDS`:

- ``signed_in``: every user-pool user; ``group`` (`group`): members of a user-pool group (from the
  `claim`, default ``cognito:groups``);
- ``owner`` / ``group_field`` (`field`, `many`): the users a record names in `field` (or members of the
  groups it names) — on those records only (`own_records`);
- ``guest``: the identity pool's guest role (and its signed-in roles: signing in never takes away what a
  guest may do); ``identity_pool``: the identity pool's signed-in roles (IAM);
- ``api_key``: API-key callers; ``custom``: callers the Lambda authorizer admits.

`ModelAccess.grants` summarises each operation as a `Grant` (flags per kind of principal) and
`rule_operations(rule)` expands one rule's ``to``. `allowed(principals, caller)` answers for one caller
(`Caller`: a user-pool user with groups, a guest, an identity-pool user, an API key, a Lambda-authorized
caller): the principals that let them in (owner ones mean "on their own records only"); empty means denied.
`ModelAccess.iam_operations(kind)` are the operations an identity-pool role of `kind` (``guest`` /
``signed_in``) needs ``appsync:GraphQL`` for. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ampliform.data.matrix import Matrix, Role, model_matrix, role_of
from ampliform.data.model import Schema, resolve
from ampliform.definition.data import DEFAULT_OPERATIONS, OPERATION_WORDS, OPERATIONS, DataRule, DataSpec

PRINCIPAL_KINDS = ("signed_in", "group", "owner", "group_field", "guest", "identity_pool", "api_key", "custom")
FIELD_OPERATIONS = ("create", "read", "update", "delete")


@dataclass(frozen=True)
class Principal:
    """Who a rule lets in (see the module docstring)."""

    kind: str
    group: str | None = None
    field: str | None = None
    claim: str | None = None
    many: bool = False

    @property
    def own_records(self) -> bool:
        """Only on the records that name the caller (owners, groups held in the record)."""
        return self.kind in ("owner", "group_field")

    @property
    def mode(self) -> str:
        """How the caller signs requests: user_pool, identity_pool, api_key or lambda."""
        return {"guest": "identity_pool", "identity_pool": "identity_pool", "api_key": "api_key",
                "custom": "lambda"}.get(self.kind, "user_pool")

    def describe(self) -> str:
        """The principal as people read it."""
        if self.kind == "owner":
            return f"the user{'s' if self.many else ''} named in `{self.field}` (their own records)"
        if self.kind == "group_field":
            return f"members of the group{'s' if self.many else ''} named in `{self.field}` (those records)"
        return {"signed_in": "every signed-in user (user pool)", "group": f"members of group {self.group}",
                "guest": "guests (identity pool)", "identity_pool": "signed-in users (identity pool, IAM)",
                "api_key": "API-key callers", "custom": "callers the Lambda authorizer admits"}[self.kind]


def principal_of(role: Role) -> Principal:
    """The principal of one matrix role."""
    if role.strategy == "owner":
        return Principal("owner", field=role.entity, claim=role.claim, many=role.entity_is_list)
    if role.strategy == "groups" and role.static:
        return Principal("group", group=role.entity, claim=role.claim)
    if role.strategy == "groups":
        return Principal("group_field", field=role.entity, claim=role.claim, many=role.entity_is_list)
    if role.provider == "identityPool":
        return Principal("guest" if role.strategy == "public" else "identity_pool")
    if role.provider == "apiKey":
        return Principal("api_key")
    if role.provider == "function":
        return Principal("custom")
    return Principal("signed_in")


@dataclass(frozen=True)
class Grant:
    """One operation's principals in the review tools' summary form: every signed-in user (`user_pools`), the
    static `groups`, records naming the caller (`owner`: owners or groups held in the record), the guest role
    (`guest`) and the identity pool's signed-in roles (`identity_pool`)."""

    user_pools: bool = False
    groups: tuple[str, ...] = ()
    owner: bool = False
    guest: bool = False
    identity_pool: bool = False


def grant_of(principals: tuple[Principal, ...]) -> Grant:
    """The summary of one operation's principals."""
    kinds = {p.kind for p in principals}
    return Grant("signed_in" in kinds, tuple(p.group for p in principals if p.kind == "group" and p.group),
                 bool(kinds & {"owner", "group_field"}), "guest" in kinds, "identity_pool" in kinds)


@dataclass(frozen=True)
class ModelAccess:
    """One model's principals per operation, and per field where field-level rules make them differ."""

    name: str
    operations: Mapping[str, tuple[Principal, ...]]
    fields: Mapping[str, Mapping[str, tuple[Principal, ...]]] = field(default_factory=dict)

    @property
    def grants(self) -> dict[str, Grant]:
        """Per operation, the `Grant` summary of its principals."""
        return {op: grant_of(ps) for op, ps in self.operations.items()}

    @property
    def owner_fields(self) -> tuple[str, ...]:
        """The record fields owner principals read."""
        return tuple(dict.fromkeys(p.field for ps in self.operations.values() for p in ps
                                   if p.kind == "owner" and p.field))

    @property
    def uses_iam(self) -> bool:
        """Some rule lets identity-pool (IAM) callers in."""
        return any(p.kind in ("guest", "identity_pool") for ps in self.operations.values() for p in ps)

    def iam_operations(self, kind: str) -> tuple[str, ...]:
        """The operations a ``guest`` or ``signed_in`` identity-pool role may call, in `OPERATIONS` order."""
        wanted = {"guest": ("guest",), "signed_in": ("guest", "identity_pool")}[kind]
        return tuple(op for op in OPERATIONS if any(p.kind in wanted for p in self.operations[op]))


def rule_operations(rule: DataRule) -> tuple[str, ...]:
    """The model operations one rule grants (its `to` expanded; every operation without `to`), in `OPERATIONS`
    order."""
    words = rule.to if rule.to is not None else DEFAULT_OPERATIONS
    granted = {op for word in words for op in OPERATION_WORDS.get(word, ())}
    return tuple(op for op in OPERATIONS if op in granted)


def _principals(roles: list[Role]) -> tuple[Principal, ...]:
    return tuple(dict.fromkeys(principal_of(r) for r in roles))


def access_of(matrix: Matrix) -> ModelAccess:
    """A model's access from its matrix."""
    operations = {op: _principals(matrix.roles_for(op, full=op == "delete")) for op in OPERATIONS}
    fields: dict[str, dict[str, tuple[Principal, ...]]] = {}
    for name in matrix.resources:
        per_op = {
            "create": _principals([r for r in matrix.roles if matrix.allowed(r, name, "create")]),
            "read": _principals(matrix.field_readers(name)),
            "update": _principals([r for r in matrix.roles if matrix.allowed(r, name, "update")]),
            "delete": _principals([r for r in matrix.roles if matrix.allowed(r, name, "delete")]),
        }
        model_level = {"create": operations["create"], "read": _principals(matrix.field_read_roles(name)),
                       "update": operations["update"],
                       "delete": _principals(matrix.roles_for("delete"))}
        if per_op != model_level:
            fields[name] = per_op
    return ModelAccess(matrix.name, operations, fields)


_CACHE: dict[int, tuple[Schema, dict[str, ModelAccess]]] = {}
_CACHE_SIZE = 64


def schema_access(schema: Schema) -> dict[str, ModelAccess]:
    """Every model's access of a resolved schema (computed once per schema: the planners, the program and
    the review tools all ask)."""
    cached = _CACHE.get(id(schema))
    if cached is None or cached[0] is not schema:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        cached = _CACHE[id(schema)] = (schema, {name: access_of(model_matrix(m)) for name, m in schema.models.items()})
    return dict(cached[1])


def data_access(spec: DataSpec) -> dict[str, ModelAccess]:
    """Every model's access, in declaration order."""
    return schema_access(resolve(spec))


def schema_operation_access(schema: Schema) -> dict[str, tuple[Principal, ...]]:
    """Every custom operation's principals of a resolved schema, as ``<Type>.<field>``."""
    out: dict[str, tuple[Principal, ...]] = {}
    for operation in schema.operations:
        roles = [role_of(operation.name, rule, group, frozenset()) for rule in operation.rules
                 for group in (rule.groups if rule.strategy == "groups" and rule.groups else (None,))]
        out[f"{operation.type_name}.{operation.name}"] = _principals(roles)
    return out


def operation_access(spec: DataSpec) -> dict[str, tuple[Principal, ...]]:
    """Every custom operation's principals, as ``<Type>.<field>``."""
    return schema_operation_access(resolve(spec))


@dataclass(frozen=True)
class Caller:
    """One caller: ``user_pool`` (with `groups`), ``guest``, ``identity_pool``, ``api_key`` or ``lambda``."""

    kind: str
    groups: tuple[str, ...] = ()


def allowed(principals: tuple[Principal, ...], caller: Caller) -> tuple[Principal, ...]:
    """The principals that let `caller` in (owner and group-field ones: on the records naming them only)."""
    return tuple(p for p in principals if _lets_in(p, caller))


LETS_IN = {"guest": ("guest",), "identity_pool": ("guest", "identity_pool"), "api_key": ("api_key",),
           "lambda": ("custom",), "user_pool": ("signed_in", "owner", "group_field")}
"""Caller kind → the principal kinds that let it in (user-pool users also through their groups)."""


def _lets_in(principal: Principal, caller: Caller) -> bool:
    if caller.kind == "user_pool" and principal.kind == "group":
        return principal.group in caller.groups
    return principal.kind in LETS_IN.get(caller.kind, ())


def needs_guest(schema: Schema) -> bool:
    """Some model, field or custom-operation rule lets guests in (Auth must have the guest role)."""
    rules = [r for m in schema.models.values() for r in (*m.rules, *(x for f in m.fields for x in f.rules or ()))]
    rules += [r for o in schema.operations for r in o.rules]
    return any(r.strategy == "public" and r.provider == "identityPool" for r in rules)
