"""A small, independent model of what a storage access map means: the oracle of the property tests.

Written from DESIGN.md ("Access semantics"), not from the compiler: nothing here imports `components`, and
the input is the plain data form of an access map (raw path → list of rule dicts, exactly as in YAML).

The meaning, as stated in DESIGN.md:
- each rule has an *effective prefix*: for an `entity` rule, the path with ``{entity_id}`` replaced by the
  caller's identity id; for every other rule, the path with ``{entity_id}/`` removed (so signed-in read on
  ``post-pictures/{entity_id}/*`` covers all of ``post-pictures/``); here prefixes are kept without the
  trailing ``*`` (``post-pictures/``);
- a request for an object key, or a list prefix, is decided by the **longest** effective prefix, over all
  rules of all principals, that it starts with; an owner prefix ``X/<id>/`` is decided together with its
  twin ``X/`` (the rules at both count);
- it is allowed when a rule at that prefix, applying to the caller's role, grants the action
  (``read`` = ``get`` + ``list``);
- nothing decides a key or list prefix no effective prefix starts, so it is denied; a list call without a
  prefix (or with the empty prefix, the bucket root) is therefore always denied, as in Amplify, whose list
  grants all carry an ``s3:prefix`` condition;
- roles: ``guest`` holds guest rules; ``authenticated`` holds authenticated and entity rules;
  ``group:<g>`` holds the groups rules naming ``g`` and, in the default mode only, the authenticated and
  entity rules too (group members keep signed-in access); ``function:<f>`` holds ``resource: f`` rules.
  In compat mode group roles are exclusive (Amplify: a group member gets only the group's role).

Paths are taken literally: a ``$``, ``?`` or ``*`` in a path is that character of a key, never IAM syntax.
A path holding ``${`` (IAM's policy-variable syntax, and how amplify_outputs.json spells the owner's folder)
is refused rather than given a meaning (`refused_paths`); the rest of the map keeps its meaning.

`reallow_chains` finds what IAM identity policies cannot express for object actions: a role allowed at a
prefix, denied at a longer one, and allowed again at a still longer one (an explicit Deny would hide the
innermost allow).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

OWNER_TOKEN = "{entity_id}"
OBJECT_ACTIONS = ("get", "write", "delete")
ACTIONS = ("get", "list", "write", "delete")
DEFAULT = "default"
COMPAT = "compat"

AccessData = Mapping[str, Sequence[Mapping[str, Any]]]


@dataclass(frozen=True)
class Grant:
    """One rule seen from one caller: where it applies, whom it applies to, what it allows."""

    prefix: str
    """Effective prefix without the trailing ``*`` (``media/``, ``protected/<id>/``)."""
    roles: frozenset[str]
    actions: frozenset[str]
    twin: str | None = None
    """For an owner prefix ``X/<id>/``: ``X/``, decided together with it."""


def rule_actions(rule: Mapping[str, Any]) -> frozenset[str]:
    """The actions a rule grants, ``read`` meaning get and list."""
    out: set[str] = set()
    for action in rule["to"]:
        out.update(("get", "list") if action == "read" else (action,))
    return frozenset(out)


def rule_roles(rule: Mapping[str, Any], groups: Sequence[str], mode: str) -> frozenset[str]:
    """The role keys holding a rule."""
    kind = rule["allow"]
    if kind == "guest":
        return frozenset({"guest"})
    if kind in ("authenticated", "entity"):
        signed_in = {"authenticated"}
        if mode == DEFAULT:
            signed_in.update(f"group:{g}" for g in groups)
        return frozenset(signed_in)
    if kind == "groups":
        return frozenset(f"group:{g}" for g in rule["groups"])
    if kind == "resource":
        return frozenset({f"function:{rule['resource']}"})
    raise ValueError(f"unknown rule kind {kind!r}")


def grants(access: AccessData, groups: Sequence[str], mode: str, identity: str) -> list[Grant]:
    """Every rule of the map, as seen by a caller whose identity id is `identity`."""
    out = []
    for raw_path, rules in access.items():
        body = raw_path[:-1]  # drop the final "*"
        for rule in rules:
            roles, actions = rule_roles(rule, groups, mode), rule_actions(rule)
            if rule["allow"] == "entity":
                twin = body.replace(OWNER_TOKEN + "/", "") if OWNER_TOKEN in body else None
                out.append(Grant(body.replace(OWNER_TOKEN, identity), roles, actions, twin))
            else:
                out.append(Grant(body.replace(OWNER_TOKEN + "/", ""), roles, actions))
    return out


def deciding_prefixes(all_grants: Iterable[Grant], target: str | None) -> set[str]:
    """The prefixes whose rules decide `target` (empty: nothing decides, so deny)."""
    if target is None:
        return set()
    matching = [g for g in all_grants if target.startswith(g.prefix)]
    if not matching:
        return set()
    longest = max(len(g.prefix) for g in matching)
    winners = [g for g in matching if len(g.prefix) == longest]
    return {g.prefix for g in winners} | {g.twin for g in winners if g.twin is not None}


def decide_with(all_grants: Sequence[Grant], role: str, action: str, target: str | None) -> bool:
    """Allowed or not, given the grants already computed for one caller."""
    deciding = deciding_prefixes(all_grants, target)
    return any(g.prefix in deciding and role in g.roles and action in g.actions for g in all_grants)


def decide(access: AccessData, groups: Sequence[str], mode: str, role: str, identity: str,
           action: str, target: str | None) -> bool:
    """May `role` (caller identity id `identity`) do `action` on `target`?

    `action` is get/write/delete with an object key, or list with a list prefix (None: no prefix at all).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return decide_with(grants(access, groups, mode, identity), role, action, target)


VARIABLE_START = "${"


def refused_paths(access: AccessData) -> list[str]:
    """The paths of a map the definition may not hold: those with ``${``."""
    return [p for p in access if VARIABLE_START in p]


def reallow_chains(access: AccessData, groups: Sequence[str], role: str, identity: str,
                   action: str) -> list[tuple[str, str, str]]:
    """Default mode: prefixes (outer, middle, inner), each strictly inside the previous, where `role` may
    do object `action` at outer, not at middle, and again at inner. Each prefix is judged by a key
    directly inside it, so the chain is about the model's decisions, not about any policy text."""
    all_grants = grants(access, groups, DEFAULT, identity)
    nodes = sorted({g.prefix for g in all_grants} | {g.twin for g in all_grants if g.twin is not None})
    allowed = {p: decide_with(all_grants, role, action, p + "file.txt") for p in nodes}
    chains = []
    for outer in nodes:
        for middle in nodes:
            if middle == outer or not middle.startswith(outer) or not allowed[outer] or allowed[middle]:
                continue
            chains.extend((outer, middle, inner) for inner in nodes
                          if inner != middle and inner.startswith(middle) and allowed[inner])
    return chains


def roles_of_definition(groups: Sequence[str], access_maps: Iterable[AccessData]) -> list[str]:
    """Every role a definition can have: authenticated, guest, each declared group, each named function."""
    functions = {rule["resource"] for access in access_maps for rules in access.values()
                 for rule in rules if rule["allow"] == "resource"}
    return ["authenticated", "guest", *(f"group:{g}" for g in groups),
            *(f"function:{f}" for f in sorted(functions))]
