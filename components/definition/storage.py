"""The storage part of a definition: buckets, access paths and rules (pydantic v2, strict and frozen).

Contract: these models hold exactly what the user wrote, in the user's order (dicts keep insertion order,
which Amplify's output order depends on). They check shape and types only: unknown keys, wrong types,
unknown actions or principal kinds, empty `to`. Path grammar and cross-path rules live in `ampliform.access.paths` and
`ampliform.access.check`, so that every problem of a definition can be reported in one run.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ampliform.definition.base import StrictModel

Action = Literal["read", "get", "list", "write", "delete"]
"""What a user may write in `to`: `read` is `get` + `list`."""


class _Rule(StrictModel):
    to: tuple[Action, ...] = Field(
        min_length=1, description="Actions granted: read (= get + list), get, list, write, delete."
    )


class GuestRule(_Rule):
    """`allow.guest`: signed-out users (the identity pool's unauthenticated role)."""

    allow: Literal["guest"]


class AuthenticatedRule(_Rule):
    """`allow.authenticated`: every signed-in user."""

    allow: Literal["authenticated"]


class GroupsRule(_Rule):
    """`allow.groups([...])`: members of these user-pool groups (each group's role)."""

    allow: Literal["groups"]
    groups: tuple[Annotated[str, Field(min_length=1)], ...] = Field(
        min_length=1, description="Group names declared under auth.groups."
    )


class EntityRule(_Rule):
    """`allow.entity("identity")`: the signed-in user, inside their own `{entity_id}` folder."""

    allow: Literal["entity"]
    entity: Literal["identity"] = Field(description="Only `identity` (the identity pool id) exists.")


class ResourceRule(_Rule):
    """`allow.resource("<function>")`: a function's execution role, passed to Storage by name."""

    allow: Literal["resource"]
    resource: str = Field(min_length=1, description="The function's name.")


Rule = Annotated[
    GuestRule | AuthenticatedRule | GroupsRule | EntityRule | ResourceRule,
    Field(discriminator="allow"),
]

RULE_KINDS = ("guest", "authenticated", "groups", "entity", "resource")
"""The principal kinds a rule's `allow` may name."""

AccessMap = dict[str, tuple[Rule, ...]]


class BucketSpec(StrictModel):
    """One bucket: its friendly name, whether it is the default, and its access map."""

    name: str = Field(description="Friendly name (Amplify's `name`), e.g. myBucket.")
    is_default: bool = Field(default=False, description="The default bucket, when there are several.")
    access: AccessMap | None = Field(
        default=None, description="Path (ending in /*) → rules. Without it the bucket grants nothing."
    )
    renamed_from: tuple[Annotated[str, Field(min_length=1)], ...] = Field(
        default=(), description="Names this bucket had before; kept as aliases, so a rename keeps its objects.")
