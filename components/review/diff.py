"""`diff`: what changes between two definitions — access gained and lost (by effect), and what would be lost.

Contract: `load_pair(old_path, new_path, limits)` reads, checks and plans both files once, raising one
`DefinitionError` with every problem of both (each location prefixed with its file). `backend_diff(old_plan,
new_plan)` is everything `ampliform diff` reports (`BackendDiff`): storage access changes, Data access changes
(`review.data_access`: per model and caller, operations gained and lost), guest identities turned on or
off, user-pool groups added, removed or moved in precedence, and the data-bearing resources the change would
delete (`review.safety.between_definitions`). `diff_definitions(old, new, compat)` / `storage_changes` are
the storage part:

per bucket (matched by name; a bucket only in one of them is compared against "no access at all"), per role,
both compiled policy sets are evaluated over the same probe requests, built from the union of both access
maps' paths (object keys and list prefixes inside, below, beside and above each path; the caller is always
the own identity, and probes into another user's folder are included). Roles compared: every role either
side compiles, plus `authenticated`, `guest` and every group declared in either definition, so that group
roles show what they gain or lose through the signed-in grants (default mode) and a renamed group shows as
everything lost by the old name and gained by the new one. A probe whose decision differs is a gain (denied
before, allowed now) or a loss, reported under the definition path that decides it, from NEW for gains and
from OLD for losses (`explain.deciding_path`), labelled for owner paths with whose folder it is
(``post-pictures/{entity_id}/* (own folder)`` or ``(other users' folders)``), and with ``inside <path>`` when
the other definition decides it by a longer, nested path. The result is one `Change` per (bucket, role,
label), with `get`/`list`/`write`/`delete` gained and lost, sorted. Pure: no pulumi import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ampliform.access.constants import ENTITY_TOKEN, INTERNAL_ACTIONS
from ampliform.access.normalize import rule_folder
from ampliform.definition.load import load_definition
from ampliform.definition.model import Definition
from ampliform.definition.storage import AccessMap
from ampliform.errors import DefinitionError, Problem
from ampliform.iam.budget import Limits
from ampliform.iam.evaluate import evaluate
from ampliform.plan.backend import BackendPlan, CompiledBucket, guest_access_needed, plan_backend, role_documents
from ampliform.plan.contributions import DATA_API
from ampliform.review.data_access import DataChange, data_changes, data_matrix
from ampliform.review.explain import deciding_path
from ampliform.review.probes import OWN_IDENTITY, Probe, probes
from ampliform.review.safety import Destruction, between_definitions, updated_in_place
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST, group_role

OWN_FOLDER = "own folder"
OTHER_FOLDERS = "other users' folders"


@dataclass(frozen=True, order=True)
class Change:
    """What one role gained and lost under one (labelled) path of one bucket."""

    bucket: str
    role: str
    path: str
    gained: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "role": self.role, "path": self.path,
                "gained": list(self.gained), "lost": list(self.lost)}


@dataclass(frozen=True)
class _Side:
    """One definition's view of one bucket (empty when the bucket does not exist there)."""

    access: AccessMap
    roles: dict[str, list[dict[str, Any]]]


def load_pair(old_path: str | Path, new_path: str | Path, limits: Limits | None = None
              ) -> tuple[BackendPlan, BackendPlan]:
    """Both definitions, loaded, checked and planned once; every problem of both files in one
    `DefinitionError` (each location prefixed with its file)."""
    planned: list[BackendPlan] = []
    problems: list[Problem] = []
    for path in (old_path, new_path):
        try:
            planned.append(plan_backend(load_definition(path), limits=limits, project_dir=None))
        except DefinitionError as error:
            problems.extend(_in_file(p, str(path)) for p in error.problems)
    DefinitionError.raise_if(problems)
    return planned[0], planned[1]


def _in_file(problem: Problem, path: str) -> Problem:
    if problem.location.startswith(path):
        return problem
    return replace(problem, location=f"{path}: {problem.location}" if problem.location else path)


def diff_definitions(old: Definition, new: Definition, compat: bool = False) -> list[Change]:
    """Every storage access change from `old` to `new`, sorted by bucket, role and path."""
    limits = Limits(compat=compat)
    return storage_changes(plan_backend(old, limits=limits, project_dir=None),
                           plan_backend(new, limits=limits, project_dir=None))


def storage_changes(old_plan: BackendPlan, new_plan: BackendPlan) -> list[Change]:
    """Every storage access change between two plans, sorted by bucket, role and path."""
    old, new = old_plan.definition, new_plan.definition
    old_buckets, new_buckets = old_plan.buckets, new_plan.buckets
    declared = {group_role(g) for g in (*old.auth.groups, *new.auth.groups)}
    old_specs = {b.name: b.access or {} for b in old.buckets}
    new_specs = {b.name: b.access or {} for b in new.buckets}
    changes: list[Change] = []
    for name in sorted(set(old_buckets) | set(new_buckets)):
        before = _side(old_buckets.get(name), old_specs.get(name, {}))
        after = _side(new_buckets.get(name), new_specs.get(name, {}))
        arn = (new_buckets.get(name) or old_buckets[name]).arn
        roles = set(before.roles) | set(after.roles) | declared | {ROLE_AUTHENTICATED, ROLE_GUEST}
        changes.extend(_bucket_changes(name, arn, before, after, sorted(roles)))
    return sorted(changes)


@dataclass(frozen=True)
class GroupChange:
    """A user-pool group added, removed, or moved in precedence (0 wins)."""

    group: str
    before: int | None
    after: int | None

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "precedence_before": self.before, "precedence_after": self.after}

    def describe(self) -> str:
        if self.before is None:
            return f"group {self.group} added (precedence {self.after})"
        if self.after is None:
            return f"group {self.group} removed (was precedence {self.before})"
        return (f"group {self.group}: precedence {self.before} -> {self.after} (a member of several groups gets "
                "the role of the group with the lowest precedence)")


@dataclass(frozen=True)
class BackendDiff:
    """Everything `diff` reports between two definitions."""

    storage: list[Change]
    data: list[DataChange]
    guest_identities: tuple[bool, bool] | None
    """(before, after) when guest identities are turned on or off; None when unchanged."""
    groups: list[GroupChange]
    destroyed: list[Destruction]
    in_place: list[str] = field(default_factory=list)
    """Table changes made in place, keeping every item (secondary indexes added or removed)."""

    @property
    def changed(self) -> bool:
        return bool(self.storage or self.data or self.guest_identities or self.groups or self.destroyed
                    or self.in_place)

    def to_json(self) -> dict[str, Any]:
        guest = self.guest_identities
        return {"changes": [c.to_json() for c in self.storage], "data": [c.to_json() for c in self.data],
                "guest_identities": None if guest is None else {"before": guest[0], "after": guest[1]},
                "groups": [g.to_json() for g in self.groups], "destroyed": [d.to_json() for d in self.destroyed],
                "updated_in_place": list(self.in_place)}


def backend_diff(old_plan: BackendPlan, new_plan: BackendPlan) -> BackendDiff:
    """Storage and Data access gained and lost, guest identities, group precedence, and the data-bearing
    resources the change would delete, from `old_plan` to `new_plan`."""
    old, new = old_plan.definition, new_plan.definition
    before = data_matrix(old, role_documents(old_plan), DATA_API.text)
    after = data_matrix(new, role_documents(new_plan), DATA_API.text)
    guest = (guest_access_needed(old), guest_access_needed(new))
    old_rank = {g: i for i, g in enumerate(old.auth.groups)}
    new_rank = {g: i for i, g in enumerate(new.auth.groups)}
    groups = [GroupChange(g, old_rank.get(g), new_rank.get(g)) for g in dict.fromkeys([*old_rank, *new_rank])
              if old_rank.get(g) != new_rank.get(g)]
    return BackendDiff(storage_changes(old_plan, new_plan), data_changes(before, after),
                       guest if guest[0] != guest[1] else None, groups, between_definitions(old, new),
                       updated_in_place(old, new))


def _side(compiled: CompiledBucket | None, access: AccessMap) -> _Side:
    return _Side(access, compiled.roles if compiled else {})


def _bucket_changes(bucket: str, arn: str, before: _Side, after: _Side, roles: Iterable[str]) -> list[Change]:
    requests = [(p, p.request(arn, OWN_IDENTITY)) for p in probes([*before.access, *after.access])]
    found: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for role in roles:
        old_docs, new_docs = before.roles.get(role, []), after.roles.get(role, [])
        for probe, request in requests:
            was, now = evaluate(old_docs, request).allowed, evaluate(new_docs, request).allowed
            if was == now:
                continue
            decider, other = (after, before) if now else (before, after)
            label = _label(probe, decider.access, other.access)
            gained, lost = found.setdefault((role, label), (set(), set()))
            (gained if now else lost).add(probe.action)
    return [Change(bucket, role, label, _ordered(g), _ordered(lost)) for (role, label), (g, lost) in found.items()]


def _ordered(actions: set[str]) -> tuple[str, ...]:
    return tuple(a for a in INTERNAL_ACTIONS if a in actions)


def _label(probe: Probe, deciding: AccessMap, other: AccessMap) -> str:
    """The deciding path, with whose folder it is and the nested path that the other side decides by."""
    target = probe.target or ""
    path = deciding_path(deciding, target, OWN_IDENTITY)
    if path is None:
        return "(no path)"
    nested = deciding_path(other, target, OWN_IDENTITY)
    inside = nested is not None and _reach(other, nested, target) > _reach(deciding, path, target)
    notes = []
    if ENTITY_TOKEN in path:
        own = target.startswith(path[:-1].replace(ENTITY_TOKEN, OWN_IDENTITY))
        if own or not inside:
            notes.append(OWN_FOLDER if own else OTHER_FOLDERS)
    if inside:
        notes.append(f"inside {nested}")
    return f"{path} ({', '.join(notes)})" if notes else path


def _reach(access: AccessMap, path: str, target: str) -> int:
    """Length of the longest effective prefix of `path`'s rules that `target` starts with (as in explain)."""
    prefixes = [rule_folder(path, rule, OWN_IDENTITY) for rule in access.get(path, ())]
    return max((len(p) for p in prefixes if p is not None and target.startswith(p)), default=0)
