"""The storage part of a definition: buckets, access paths and rules (pydantic v2, strict and frozen).

Contract: these models hold exactly what the user wrote, in the user's order (dicts keep insertion order,
which Amplify's output order depends on). They check shape and types only: unknown keys, wrong types,
unknown actions or principal kinds, empty `to`. Path grammar and cross-path rules live in `ampliform.access.paths` and
`ampliform.access.check`, so that every problem of a definition can be reported in one run. A bucket's
`triggers` name functions (of the definition's `functions:`); their meaning (known function, filters that
S3 accepts, overlaps, upload loops) is checked by `ampliform.functions.checks`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

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


class TriggerSpec(StrictModel):
    """One storage trigger: the function S3 invokes, and the keys it fires for (Amplify has no filter)."""

    function: str = Field(min_length=1, description="The function's name (under `functions:`).")
    prefix: str = Field(default="", description="Only keys starting with this (S3 filter; no wildcards).")
    suffix: str = Field(default="", description="Only keys ending with this, e.g. .jpg.")
    allow_loop: bool = Field(default=False, description="The function may write keys this trigger fires for, "
                                                        "on purpose (it must not re-process its own output).")


def _as_trigger_list(value: Any) -> Any:
    """A trigger written alone (a name or one mapping) as a list of one, a name as ``{function: name}``."""
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    return [{"function": item} if isinstance(item, str) else item for item in items]


Triggers = Annotated[tuple[TriggerSpec, ...], BeforeValidator(_as_trigger_list)]


class BucketTriggers(StrictModel):
    """`triggers:` of a bucket: S3's object-created (`on_upload`) and object-removed (`on_delete`) events.
    Each takes one trigger or a list; a trigger is a function name or ``{function, prefix, suffix, allow_loop}``."""

    on_upload: Triggers = Field(default=(), description="Fires on s3:ObjectCreated:*.")
    on_delete: Triggers = Field(default=(), description="Fires on s3:ObjectRemoved:*.")

    def of(self, event: str) -> tuple[TriggerSpec, ...]:
        """The triggers of one event (`on_upload` or `on_delete`), in order."""
        return tuple(getattr(self, event))


class BucketSpec(StrictModel):
    """One bucket: its friendly name, whether it is the default, and its access map."""

    name: str = Field(description="Friendly name (Amplify's `name`), e.g. myBucket.")
    is_default: bool = Field(default=False, description="The default bucket, when there are several.")
    access: AccessMap | None = Field(
        default=None, description="Path (ending in /*) → rules. Without it the bucket grants nothing."
    )
    renamed_from: tuple[Annotated[str, Field(min_length=1)], ...] = Field(
        default=(), description="Names this bucket had before; kept as aliases, so a rename keeps its objects.")
    triggers: BucketTriggers | None = Field(
        default=None, description="Functions S3 invokes on uploads (on_upload) and deletes (on_delete).")
