"""Role keys: the one spelling of the IAM roles a backend hands out, shared by every layer.

A role key names a role independently of its resource: ``authenticated`` (every signed-in user),
``guest`` (signed-out users), ``group:<name>`` (a user-pool group's role) and ``function:<name>`` (a
function's execution role). Planners key their statements by it, the budget owns one budget per key,
components look roles up by it, and the review tools and the CLI (``--as``) print it. Nothing else in the
project spells these strings.
"""

from __future__ import annotations

ROLE_AUTHENTICATED = "authenticated"
ROLE_GUEST = "guest"
GROUP_ROLE_PREFIX = "group:"
FUNCTION_ROLE_PREFIX = "function:"
IDENTITY_POOL_KINDS = ("authenticated", "guest", "group")
"""Kinds of the roles the identity pool hands out (their trust policy names Cognito)."""


def group_role(group: str) -> str:
    """Role key of a user-pool group's role: ``group:<group>``."""
    return GROUP_ROLE_PREFIX + group


def function_role(function: str) -> str:
    """Role key of a function's execution role: ``function:<function>``."""
    return FUNCTION_ROLE_PREFIX + function


def role_kind(key: str) -> tuple[str, str]:
    """``(kind, name)`` of a role key: ``("authenticated", "")``, ``("guest", "")``, ``("group", g)`` or
    ``("function", f)``."""
    kind, _, name = key.partition(":")
    return kind, name


def is_signed_in(key: str) -> bool:
    """The role of a signed-in user: the authenticated role or a group's role."""
    return key == ROLE_AUTHENTICATED or key.startswith(GROUP_ROLE_PREFIX)
