"""ampliform's default-mode access plan: "the longest matching path decides", for every role.

Contract: `plan_access(access_map, groups)` returns, per role key and internal action, the prefixes to allow
and to deny (object actions), and for `list` the allow layers (``StringLike`` values with the
``StringNotLike`` exclusions of each layer), or raises `DefinitionError` when IAM cannot express the map.

Meaning (DESIGN.md, "Access semantics"): every rule has an effective prefix (`normalize.effective_prefix`).
A request is decided by the longest effective prefix, over all rules of all principals, that it starts
with; an owner prefix ``X/{entity_id}/*`` is decided together with its twin ``X/*``. It is allowed when a rule at
that prefix, applying to the caller's role, grants the action. Each group role also holds the signed-in
rules (`authenticated` and `entity`), so group members keep their own folders (Amplify #1771).

Steps:
1. Grants: per role, per action, the set of effective prefixes granted (group roles: their own rules plus
   every signed-in rule).
2. Tree: each prefix's parent is its longest covering prefix; an owner prefix whose twin exists is merged
   into the twin (never denied by it).
3. Objects: allow the top-most granted prefixes; deny each non-granted prefix whose parent is granted.
   A granted prefix below a denied one cannot be expressed with identity policies (an explicit deny wins):
   that is a user error located at the inner path (``storage.access["b/a/{entity_id}/*"]``), naming the three
   definition paths; its fix never suggests granting where other users' folders are decided.
4. List: no explicit deny; each allowed prefix excludes its non-granted children with ``StringNotLike``.
   Prefixes re-allowed below an excluded child go into a further layer (another statement).
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field

from ampliform.access.constants import ENTITY_TOKEN, OBJECT_ACTIONS
from ampliform.access.normalize import (
    effective_prefix,
    expand_actions,
    is_signed_in_rule,
    owner_twin,
    roles_of,
    substitute,
)
from ampliform.access.prefixes import PrefixIndex
from ampliform.definition.storage import AccessMap
from ampliform.errors import DefinitionError, Problem, where
from ampliform.roles import group_role


@dataclass
class ListLayer:
    """One ListBucket allow statement: prefixes allowed, minus the excluded ones."""

    like: list[str] = field(default_factory=list)
    not_like: list[str] = field(default_factory=list)


@dataclass
class ObjectPlan:
    """What one role gets for one object action (get, write, delete): prefixes allowed, and denied below."""

    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)


@dataclass
class ListPlan:
    """What one role gets for `list`: allow layers only (exclusions are ``StringNotLike``, never a deny)."""

    layers: list[ListLayer] = field(default_factory=list)


ActionPlan = ObjectPlan | ListPlan
RolePlan = dict[str, dict[str, ActionPlan]]


Grants = dict[str, dict[str, dict[str, str]]]
"""role → action → granted effective prefix → the (first) definition path granting it, in insertion order."""


def role_grants(access_map: AccessMap, groups: Sequence[str]) -> Grants:
    """Per role, per action: the granted effective prefixes; every declared group also holds the signed-in ones."""
    grants: Grants = {}
    signed_in: list[tuple[str, str, str]] = []
    for raw_path, rules in access_map.items():
        for rule in rules:
            prefix = effective_prefix(raw_path, rule)
            actions = expand_actions(rule.to)
            for role in roles_of(rule):
                for action in actions:
                    grants.setdefault(role, {}).setdefault(action, {}).setdefault(prefix, raw_path)
            if is_signed_in_rule(rule):
                signed_in.extend((a, prefix, raw_path) for a in actions)
    if signed_in:
        for group in groups:
            per_action = grants.setdefault(group_role(group), {})
            for action, prefix, raw_path in signed_in:
                per_action.setdefault(action, {}).setdefault(prefix, raw_path)
    return grants


class _Tree:
    """The prefix tree of one access map: node of each prefix and each node's parent node."""

    def __init__(self, prefixes: Sequence[str]):
        self.index = PrefixIndex(prefixes)
        self.node: dict[str, str] = {}
        for p in self.index.order:
            twin = owner_twin(p)
            self.node[p] = twin if twin is not None and twin in self.index.order else p
        self.parent: dict[str, str | None] = {}
        for p in self.index.order:
            if self.node[p] == p:
                parent = self.index.longest_parent(p)
                self.parent[p] = self.node[parent] if parent is not None else None

    def ancestors(self, node: str) -> list[str]:
        out, current = [], self.parent.get(node)
        while current is not None:
            out.append(current)
            current = self.parent.get(current)
        return out


def plan_access(access_map: AccessMap, groups: Sequence[str],
                location: tuple[str | int, ...] = ("storage",)) -> RolePlan:
    """Default-mode plan for every role of one bucket; raises `DefinitionError` if IAM cannot express it.
    `location` is where the bucket is in the user's file (``storage`` or ``storage[i]``), for error locations."""
    grants = role_grants(access_map, groups)
    prefixes = [p for per_action in grants.values() for ps in per_action.values() for p in ps]
    tree = _Tree(prefixes)
    plan: RolePlan = {}
    problems: list[Problem] = []
    nodes = [p for p in tree.index.order if tree.node[p] == p]
    for role, per_action in grants.items():
        for action, granted in per_action.items():
            denied = [q for q in nodes if q not in granted and tree.parent[q] in granted]
            result: ActionPlan
            if action in OBJECT_ACTIONS:
                for p in granted:
                    blocker = _blocked_by(tree, p, granted)
                    if blocker is not None:
                        problems.append(_inexpressible(access_map, tree, granted, location, (role, action),
                                                       p, blocker))
                covered = {p for p in granted if _has_granted_ancestor(tree, p, granted)}
                result = ObjectPlan([p for p in granted if p not in covered], denied)
            else:
                result = ListPlan(_list_layers(tree, list(granted), denied))
            plan.setdefault(role, {})[action] = result
    DefinitionError.raise_if(problems)
    return plan


def _start(tree: _Tree, p: str) -> str | None:
    """The node whose ancestors decide over `p` (an owner prefix merged into its twin starts at the twin)."""
    return tree.parent.get(p) if tree.node[p] == p else tree.node[p]


def _has_granted_ancestor(tree: _Tree, p: str, granted: Container[str]) -> bool:
    current = _start(tree, p)
    while current is not None:
        if current in granted:
            return True
        current = tree.parent.get(current)
    return False


def _blocked_by(tree: _Tree, p: str, granted: Container[str]) -> str | None:
    """A non-granted ancestor of `p` that sits below a granted one (its deny would hide `p`)."""
    current, gap = _start(tree, p), None
    while current is not None:
        if current in granted:
            return gap
        gap = gap or current
        current = tree.parent.get(current)
    return None


def _chain(tree: _Tree, p: str) -> list[str]:
    """The nodes above `p`, nearest first (for an owner prefix: its twin first)."""
    start = _start(tree, p)
    return [start, *tree.ancestors(start)] if start is not None else []


def _list_layers(tree: _Tree, granted: list[str], denied: list[str]) -> list[ListLayer]:
    """Group allowed list prefixes into statements so no exclusion hides a prefix of its own statement.

    A granted prefix already covered by a granted ancestor (with no excluded node between) adds nothing.
    The others go to layer `d`, the number of excluded nodes above them; each excluded node is listed in
    the layer of the allowed prefix it was carved out of.
    """
    is_granted = dict.fromkeys(granted)
    excluded = set(denied)
    layer_of: dict[str, int] = {}
    for p in granted:
        if _has_granted_ancestor(tree, p, is_granted) and _blocked_by(tree, p, is_granted) is None:
            continue
        layer_of[p] = sum(1 for node in _chain(tree, p) if node in excluded)
    layers: dict[int, ListLayer] = {}
    for p, depth in layer_of.items():
        layers.setdefault(depth, ListLayer()).like.append(p)
    for q in denied:
        home = next((n for n in [q, *tree.ancestors(q)][1:] if n in layer_of), None)
        if home is not None:
            layers[layer_of[home]].not_like.append(q)
    return [layers[d] for d in sorted(layers)]


def _inexpressible(access_map: AccessMap, tree: _Tree, granted: Mapping[str, str], location: tuple[str | int, ...],
                   who: tuple[str, str], inner: str, gap: str) -> Problem:
    """allow (outer) → not (gap) → allow again (inner) for one role and object action, in the user's terms:
    located at the inner path, naming the three definition paths; the fix never widens access to other users'
    folders (granting at `gap` is offered only when no other user's folder is decided there)."""
    role, action = who
    outer = next(n for n in _chain(tree, inner) if n in granted)
    inner_path, outer_path, gap_path = granted[inner], granted[outer], _origin(access_map, gap)
    same = gap_path == inner_path  # an owner folder below its own path's other folders
    remedies = [f"move {inner_path} out from under {outer_path if same else gap_path}",
                f"stop granting {action} to {role} on {outer_path}"]
    if _decides_other_users(access_map, tree, gap):
        note = f" (granting {action} to {role} in {_folder(gap)} would open every user's folder there)"
    else:
        remedies.insert(0, f"grant {action} to {role} on {gap_path} too")
        note = ""
    gap_text = f"the rest of {gap_path}" if same else gap_path
    return Problem(
        f"{role} may {action} in {_folder(inner)} ({inner_path}) and in {_folder(outer)} ({outer_path}) but not "
        f"in {_folder(gap)} between them ({gap_text}); IAM cannot re-allow below an explicit deny.",
        where(*location, "access", inner_path),
        "Either " + ", or ".join(remedies) + note + ".",
    )


def _folder(prefix: str) -> str:
    """A prefix as the folder it stands for: ``b/a/{entity_id}/*`` → ``b/a/<own id>/``."""
    return prefix[:-1].replace(ENTITY_TOKEN, "<own id>") or "(bucket root)"


def _origin(access_map: AccessMap, prefix: str) -> str:
    """The first definition path with a rule whose effective prefix is `prefix`."""
    return next(raw for raw, rules in access_map.items() for rule in rules if effective_prefix(raw, rule) == prefix)


def _decides_other_users(access_map: AccessMap, tree: _Tree, node: str) -> bool:
    """Is `node` where some owner path's *other* users' folders are decided (``X/<other id>/`` of a path
    ``X/{entity_id}/*``: its twin ``X/*``, or without one the nearest prefix above)? Granting there would reach
    into those folders."""
    for raw in access_map:
        if ENTITY_TOKEN not in raw:
            continue
        twin = substitute(raw, "*")
        deciding = twin if twin in tree.node else tree.index.longest_parent(twin)
        if deciding is not None and tree.node[deciding] == node:
            return True
    return False
