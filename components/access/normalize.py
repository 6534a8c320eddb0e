"""Normalisation: what one rule means before any policy is written (Amplify's builder, §1.1 of the reference).

Contract, per rule:
- `expand_actions`: `read` becomes `get` + `list` in place; duplicates are dropped, first occurrence kept
  (``[write, read]`` → ``[write, get, list]``).
- `unique_ids`: the keys of the once-per-path check, which are also the keys of the client `paths` map
  (`guest`, `authenticated`, `groups<Name>`, `entityidentity`; none for `resource`).
- `roles_of`: the role keys that receive the rule's grants (`entity` goes to the authenticated role).
- `effective_prefix`: for entity rules the path itself, its ``{entity_id}`` kept as the owner *token* (the
  caller's own folder); for every other rule the path with ``{entity_id}`` replaced by ``*`` and a trailing
  ``/*/*`` cut to ``/*`` (so signed-in read on ``post-pictures/{entity_id}/*`` covers ``post-pictures/*``).
  The token stays a token through planning: the path rules (`paths`, 7-10) allow ``{entity_id}`` only as the
  whole part before the final ``/*``, so in a prefix it can mean nothing else, and only the last stages spell
  it: `owner_variable` as ``${cognito-identity.amazonaws.com:sub}`` for the client `paths` map, `render` for
  IAM (after escaping everything the user wrote). `rule_folder` is the same prefix with the token bound to one
  caller's identity id (what `explain`, `diff` and the probes decide by). The one place effective prefixes
  are computed.
"""

from __future__ import annotations

from collections.abc import Iterable

from ampliform.access.constants import ENTITY_SUB, ENTITY_TOKEN
from ampliform.definition.storage import (
    AuthenticatedRule,
    EntityRule,
    GroupsRule,
    GuestRule,
    ResourceRule,
    Rule,
)
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST, function_role, group_role


def expand_actions(actions: Iterable[str]) -> tuple[str, ...]:
    """`read` → `get`, `list`; de-duplicated keeping first occurrences."""
    out: dict[str, None] = {}
    for action in actions:
        for a in ("get", "list") if action == "read" else (action,):
            out.setdefault(a, None)
    return tuple(out)


def unique_ids(rule: Rule) -> tuple[str, ...]:
    """Keys of the once-per-path check and of the client `paths` map."""
    if isinstance(rule, GuestRule):
        return ("guest",)
    if isinstance(rule, AuthenticatedRule):
        return ("authenticated",)
    if isinstance(rule, GroupsRule):
        return tuple(f"groups{g}" for g in rule.groups)
    if isinstance(rule, EntityRule):
        return (f"entity{rule.entity}",)
    return ()


def duplicate_message(rule: Rule, uid: str) -> tuple[str, str]:
    """Amplify's message and resolution when `uid` appears twice on one path."""
    if isinstance(rule, GroupsRule):
        name = uid[len("groups"):]
        return (f"Group access definition for {name} specified multiple times.",
                f"Combine all access definitions for {name} on a single path into one access rule.")
    who = "identity" if isinstance(rule, EntityRule) else f"{rule.allow} users"
    return (f"Entity access definition for {who} specified multiple times.",
            f"Combine all access definitions for {who} on a single path into one access rule.")


def roles_of(rule: Rule) -> tuple[str, ...]:
    """Role keys that receive this rule's grants."""
    if isinstance(rule, GuestRule):
        return (ROLE_GUEST,)
    if isinstance(rule, (AuthenticatedRule, EntityRule)):
        return (ROLE_AUTHENTICATED,)
    if isinstance(rule, GroupsRule):
        return tuple(dict.fromkeys(group_role(g) for g in rule.groups))
    assert isinstance(rule, ResourceRule)
    return (function_role(rule.resource),)


def is_signed_in_rule(rule: Rule) -> bool:
    """Rules every signed-in user holds: `authenticated` and `entity`."""
    return isinstance(rule, (AuthenticatedRule, EntityRule))


def substitute(raw_path: str, replacement: str) -> str:
    """Replace the owner token; a resulting ``/*/*`` tail becomes ``/*``."""
    path = raw_path.replace(ENTITY_TOKEN, replacement)
    return path[:-2] if path.endswith("/*/*") else path


def effective_prefix(raw_path: str, rule: Rule) -> str:
    """The prefix (still ending in ``*``) a rule's grants apply to; an entity rule's keeps the owner token."""
    return substitute(raw_path, ENTITY_TOKEN if isinstance(rule, EntityRule) else "*")


def owner_variable(prefix: str) -> str:
    """An effective prefix as amplify_outputs' `paths` map spells it: the owner token as
    ``${cognito-identity.amazonaws.com:sub}`` (Amplify's client substitutes the caller's id there)."""
    return prefix.replace(ENTITY_TOKEN, ENTITY_SUB)


def rule_folder(raw_path: str, rule: Rule, identity: str | None) -> str | None:
    """The folder (a key prefix, without ``*``) a rule of `raw_path` covers for a caller with `identity`: the
    rule's effective prefix with the owner variable bound. An entity rule covers the caller's own folder
    (None without an identity); any other rule covers the path with ``{entity_id}/`` removed."""
    if isinstance(rule, EntityRule):
        return substitute(raw_path, identity)[:-1] if identity is not None else None
    return effective_prefix(raw_path, rule)[:-1]


def owner_twin(prefix: str) -> str | None:
    """For an owner prefix ``X/{entity_id}/*``, its twin ``X/*`` (decided together with it); else None."""
    marker = ENTITY_TOKEN + "/"
    return prefix.replace(marker, "") if marker in prefix else None
