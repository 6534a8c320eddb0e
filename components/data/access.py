"""Who may do what with each model: a checked `ModelSpec`'s rules as one `Grant` per operation.

Contract: `model_access(name, model)` expects a model `validate` accepted. Each of the six operations
(create, update, delete, get, list, listen) gets a `Grant` saying which callers may do it:

- through the user pool (the API's default auth mode): every signed-in user (`user_pools`), members of
  `groups`, or only the record's `owner`;
- through IAM (the identity pool's roles): the `guest` role, and the signed-in roles (authenticated and
  group roles) for `guest` and `identity_pool` grants: signing in never takes away what a guest may do.

Owner, authenticated (user pool) and group rules never grant IAM access, so no IAM policy is needed for
them; `iam_operations` says which operations each kind of identity-pool role needs `appsync:GraphQL` for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ampliform.definition.data import DEFAULT_OPERATIONS, OPERATION_WORDS, OPERATIONS, DataRule, DataSpec, ModelSpec

DEFAULT_OWNER_FIELD = "owner"


@dataclass(frozen=True)
class Grant:
    """Who may do one operation on a model."""

    user_pools: bool = False
    """Every signed-in user (user-pool token)."""
    groups: tuple[str, ...] = ()
    """Members of these user-pool groups (``cognito:groups`` claim)."""
    owner: bool = False
    """The record's owner (user-pool token), on the records they own."""
    guest: bool = False
    """The identity pool's guest role, and its signed-in roles (IAM)."""
    identity_pool: bool = False
    """The identity pool's signed-in roles: authenticated and group roles (IAM)."""


@dataclass(frozen=True)
class ModelAccess:
    """A model's rules, resolved per operation."""

    name: str
    owner_field: str | None
    grants: Mapping[str, Grant]

    @property
    def uses_iam(self) -> bool:
        """Some rule lets identity-pool (IAM) callers in."""
        return any(g.guest or g.identity_pool for g in self.grants.values())

    @property
    def uses_user_pools(self) -> bool:
        """Some rule lets user-pool callers in."""
        return any(g.user_pools or g.groups or g.owner for g in self.grants.values())

    def iam_operations(self, role: str) -> tuple[str, ...]:
        """The operations a ``guest`` or ``signed_in`` identity-pool role may call, in `OPERATIONS` order."""
        if role == "guest":
            return tuple(op for op in OPERATIONS if self.grants[op].guest)
        if role == "signed_in":
            return tuple(op for op in OPERATIONS if self.grants[op].guest or self.grants[op].identity_pool)
        raise ValueError(f"unknown IAM role kind {role!r}")


def rule_operations(rule: DataRule) -> tuple[str, ...]:
    """The operations a rule grants (its `to` expanded; every operation without `to`), in `OPERATIONS` order."""
    words = rule.to if rule.to is not None else DEFAULT_OPERATIONS
    granted = {op for word in words for op in OPERATION_WORDS[word]}
    return tuple(op for op in OPERATIONS if op in granted)


def owner_field(model: ModelSpec) -> str | None:
    """The field holding the record's owner, when the model has an owner rule."""
    for rule in model.authorization:
        if rule.allow == "owner":
            return rule.owner_field or DEFAULT_OWNER_FIELD
    return None


def model_access(name: str, model: ModelSpec) -> ModelAccess:
    """Resolve a (validated) model's rules into one `Grant` per operation."""
    grants: dict[str, Grant] = {}
    for op in OPERATIONS:
        user_pools = guest = identity_pool = owner = False
        groups: list[str] = []
        for rule in model.authorization:
            if op not in rule_operations(rule):
                continue
            if rule.allow == "owner":
                owner = True
            elif rule.allow == "guest":
                guest = True
            elif rule.allow == "authenticated" and rule.provider == "identityPool":
                identity_pool = True
            elif rule.allow == "authenticated":
                user_pools = True
            elif rule.allow == "groups":
                groups.extend(g for g in rule.groups or () if g not in groups)
        grants[op] = Grant(user_pools, tuple(groups), owner, guest, identity_pool)
    return ModelAccess(name, owner_field(model), grants)


def data_access(spec: DataSpec) -> dict[str, ModelAccess]:
    """Every model's access, in declaration order."""
    return {name: model_access(name, model) for name, model in spec.models.items()}
