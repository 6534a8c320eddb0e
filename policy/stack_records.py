"""One resource of a stack, as the pack's stack-level checks see it (plain data, no pulumi-policy objects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StackResource:
    """One resource of a stack: its type, name, plain properties and URN, and which resources two of its
    properties were computed from (pulumi-policy's property dependencies) — how a side resource finds its
    bucket, or a user-pool client its pool, while their ids are unknown."""

    type: str
    name: str
    props: Mapping[str, Any]
    urn: str | None = None
    bucket_refs: tuple[str, ...] = ()
    """URNs or names of the resources the ``bucket`` property was computed from."""
    user_pool_refs: tuple[str, ...] = ()
    """URNs or names of the resources ``userPoolId`` was computed from."""
