"""Data rules in Amplify's own terms: each rule as written → strategy, provider, entity, claim, operations.

Contract: `normalise(rule)` maps one checked `DataRule` to a `Rule` (what Amplify's ``allow.*`` call puts in
the model schema's ``@auth``): ``owner`` / ``owner_defined_in`` / ``owners_defined_in`` → strategy
``owner`` (provider ``userPools``, the owner field, a list of owners for ``owners_defined_in``);
``authenticated`` → ``private`` (``userPools`` or ``identityPool``); ``guest`` → ``public`` with
``identityPool``; ``public_api_key`` → ``public`` with ``apiKey``; ``groups`` / ``group`` → ``groups``
(static); ``groups_defined_in`` / ``group_defined_in`` → ``groups`` with a groups field; ``custom`` →
``custom`` with ``function`` (the Lambda authorizer). `Rule.operations` expands ``to`` into Amplify's
operations (create, update, delete, get, list, listen, and for read also sync and search, which ampliform
does not generate but Amplify's field-read check counts); `Rule.words` is ``to`` as written. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ampliform.definition.data_fields import DataRule

DEFAULT_OWNER_FIELD = "owner"
DEFAULT_IDENTITY_CLAIM = "sub::username"
"""The owner claim Amplify Gen 2 uses by default (``useSubUsernameForDefaultIdentityClaim``)."""
DEFAULT_GROUP_CLAIM = "cognito:groups"
DEFAULT_GROUPS_FIELD = "groups"
MODEL_OPERATIONS = ("create", "update", "delete", "get", "list", "search", "listen", "sync")
"""Amplify's operations, in its order (`ampliform.data.access` keeps the matrix over these)."""
READ_OPERATIONS = ("get", "list", "search", "listen", "sync")
WORDS: dict[str, tuple[str, ...]] = {
    "create": ("create",), "update": ("update",), "delete": ("delete",),
    "read": ("get", "list", "listen", "search", "sync"),
    "get": ("get",), "list": ("list",), "listen": ("listen",),
}
"""A word of `to` → Amplify's operations."""

PROVIDERS = {"user_pool": "userPools", "userPools": "userPools", "identity_pool": "identityPool",
             "identityPool": "identityPool"}
"""`provider` as written (snake case, or Amplify's spelling) → Amplify's provider."""

OWNER_KINDS = ("owner", "owner_defined_in", "owners_defined_in")
GROUP_KINDS = ("groups", "group", "groups_defined_in", "group_defined_in")
RULE_KINDS = (*OWNER_KINDS, "authenticated", "guest", "public_api_key", *GROUP_KINDS, "custom", "resource")
"""What a data rule's `allow` may name."""


@dataclass(frozen=True)
class Rule:
    """One rule in Amplify's terms (see the module docstring)."""

    strategy: str
    provider: str
    words: tuple[str, ...] | None = None
    owner_field: str | None = None
    groups: tuple[str, ...] | None = None
    groups_field: str | None = None
    multiple: bool = False
    identity_claim: str | None = None
    group_claim: str | None = None

    @property
    def operations(self) -> tuple[str, ...]:
        """The operations the rule grants, in Amplify's order."""
        if self.words is None:
            return MODEL_OPERATIONS
        granted = {op for word in self.words for op in WORDS.get(word, ())}
        return tuple(op for op in MODEL_OPERATIONS if op in granted)

    @property
    def entity(self) -> str | None:
        """The record field a dynamic rule reads (owner field or groups field)."""
        if self.strategy == "owner":
            return self.owner_field or DEFAULT_OWNER_FIELD
        if self.strategy == "groups" and self.groups is None:
            return self.groups_field or DEFAULT_GROUPS_FIELD
        return None

    @property
    def is_static(self) -> bool:
        return self.entity is None

    @property
    def claim(self) -> str | None:
        if self.strategy == "owner":
            return self.identity_claim or DEFAULT_IDENTITY_CLAIM
        if self.strategy == "groups":
            return self.group_claim or DEFAULT_GROUP_CLAIM
        return None


def normalise(rule: DataRule) -> Rule:
    """One checked rule in Amplify's terms."""
    kind = rule.allow
    words = tuple(rule.to) if rule.to is not None else None
    if kind in OWNER_KINDS:
        field = rule.field if kind != "owner" else (rule.owner_field or rule.field)
        return Rule("owner", "userPools", words, owner_field=field or DEFAULT_OWNER_FIELD,
                    multiple=kind == "owners_defined_in", identity_claim=rule.identity_claim)
    if kind == "authenticated":
        return Rule("private", PROVIDERS.get(rule.provider or "user_pool", "userPools"), words)
    if kind == "guest":
        return Rule("public", "identityPool", words)
    if kind == "public_api_key":
        return Rule("public", "apiKey", words)
    if kind in ("groups", "group"):
        groups = tuple(rule.groups or ()) if kind == "groups" else ((rule.group,) if rule.group else ())
        return Rule("groups", "userPools", words, groups=groups, group_claim=rule.group_claim)
    if kind in ("groups_defined_in", "group_defined_in"):
        return Rule("groups", "userPools", words, groups_field=rule.field, multiple=kind == "groups_defined_in",
                    group_claim=rule.group_claim)
    if kind == "custom":
        return Rule("custom", "function", words)
    raise ValueError(f"not a model rule: {kind!r}")


def normalise_rules(rules: Sequence[DataRule] | None) -> tuple[Rule, ...]:
    """Every rule except schema-level ``resource`` rules, in order."""
    return tuple(normalise(r) for r in rules or () if r.allow != "resource")
