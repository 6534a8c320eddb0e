"""Amplify's allow/deny computation, ported exactly (reference §4.2): the `--compat amplify` engine.

Contract: `amplify_access(access_map)` returns, per role key, per internal action (in Amplify's first-seen
order), the allow and deny prefix lists Amplify renders, and `client_paths(access_map)` the client `paths`
map of `amplify_outputs.json`. The input must already be valid (see `ampliform.plan.check`).

Steps:
1. For each path and rule (insertion order): expand actions, substitute the owner token, add the prefix to
   the allow set of every (role, action) the rule grants, remembering which sets hold which prefix.
2. Deny by default for sub-paths: for each prefix with a parent (the *first* covering prefix in insertion
   order), every (role, action) set holding the parent but not exactly this prefix gets a deny for it,
   except an owner prefix ``X/{entity_id}/*`` under its own twin ``X/*``.
3. Prune each allow set to its top-most prefixes. Deny sets are never pruned.
Group roles get only their group's rules here: a member of a group loses signed-in access (Amplify #1771).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ampliform.access.normalize import (
    effective_prefix,
    expand_actions,
    owner_twin,
    owner_variable,
    roles_of,
    unique_ids,
)
from ampliform.access.prefixes import PrefixIndex, top_most
from ampliform.definition.storage import AccessMap


@dataclass
class ActionSets:
    """Prefixes allowed and denied for one (role, action), in Amplify's order."""

    allow: dict[str, None] = field(default_factory=dict)
    deny: dict[str, None] = field(default_factory=dict)


RoleSets = dict[str, dict[str, ActionSets]]


def amplify_access(access_map: AccessMap) -> RoleSets:
    """Per role, per action: Amplify's allow and deny prefixes (allow pruned, deny not)."""
    roles: RoleSets = {}
    holders: dict[str, list[ActionSets]] = {}
    for raw_path, rules in access_map.items():
        for rule in rules:
            actions = expand_actions(rule.to)
            prefix = effective_prefix(raw_path, rule)
            for role in roles_of(rule):
                per_action = roles.setdefault(role, {})
                for action in actions:
                    sets = per_action.setdefault(action, ActionSets())
                    sets.allow[prefix] = None
                    holders.setdefault(prefix, []).append(sets)
    index = PrefixIndex(holders)
    for prefix in holders:
        parent = index.first_parent(prefix)
        if parent is None or parent == owner_twin(prefix):
            continue
        for sets in holders[parent]:
            if prefix not in sets.allow:
                sets.deny[prefix] = None
    for per_action in roles.values():
        for sets in per_action.values():
            sets.allow = dict.fromkeys(top_most(list(sets.allow)))
    return roles


def client_paths(access_map: AccessMap) -> dict[str, dict[str, list[str]]]:
    """The `paths` map of amplify_outputs.json: substituted prefix → {unique id: actions}."""
    paths: dict[str, dict[str, list[str]]] = {}
    for raw_path, rules in access_map.items():
        for rule in rules:
            actions = list(expand_actions(rule.to))
            entry = paths.setdefault(owner_variable(effective_prefix(raw_path, rule)), {})
            for uid in unique_ids(rule):
                # two paths can share an effective prefix only outside compat mode: merge their actions
                entry[uid] = list(dict.fromkeys([*entry[uid], *actions])) if uid in entry else actions
    return paths
