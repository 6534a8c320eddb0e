"""The storage compiler: buckets (already checked) → per bucket, per role, the IAM statements it grants.

Contract: `compile_storage(buckets, groups, arns, compat)` takes the storage part of a definition (its
buckets, in declaration order), the user-pool groups auth declares, and each bucket's ARN, and returns per
bucket name a `BucketAccess`:
- `roles`: role key (`ampliform.roles`) → statements, sorted and deterministic; a role granted nothing on
  the bucket is absent;
- `paths`: the client `paths` map of amplify_outputs.json (identical in both modes: a client contract).
The buckets must have passed `ampliform.access.check`; a map IAM cannot express raises `DefinitionError`
(`plan_default`). Fitting the statements into IAM's size limits is the budget's job (`ampliform.iam.budget`),
which sees every component's statements for a role. Pure: no pulumi import.

Steps, per bucket:
1. plan: `plan_compat.amplify_access` in compat mode (Amplify's exact algorithm, group roles exclusive),
   `plan_default.plan_access` otherwise (longest path decides; group roles keep signed-in access);
2. render per role (`render`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ampliform.access.plan_compat import amplify_access, client_paths
from ampliform.access.plan_default import plan_access
from ampliform.access.render import Statement, render_amplify, render_merged
from ampliform.definition.storage import BucketSpec
from ampliform.errors import DefinitionError, Problem

ClientPaths = dict[str, dict[str, list[str]]]
Location = Callable[[int], tuple[str | int, ...]]


@dataclass(frozen=True)
class BucketAccess:
    """What one bucket's access map grants: statements per role, and the client paths map."""

    name: str
    arn: str
    roles: dict[str, list[Statement]] = field(default_factory=dict)
    paths: ClientPaths = field(default_factory=dict)


def compile_storage(buckets: Sequence[BucketSpec], groups: Sequence[str], arns: Mapping[str, str],
                    compat: bool = False, location: Location | None = None) -> dict[str, BucketAccess]:
    """Every bucket's statements per role (see the module docstring), keyed by bucket name in order.
    `location(i)` is where bucket `i` is in the user's file (default: ``storage``, or ``storage[i]`` when
    there are several), for the locations of the planner's problems."""
    out: dict[str, BucketAccess] = {}
    problems: list[Problem] = []
    where_is = location or (lambda i: ("storage", i) if len(buckets) > 1 else ("storage",))
    for i, bucket in enumerate(buckets):
        try:
            roles = role_statements(bucket, tuple(groups), arns[bucket.name], compat, where_is(i))
        except DefinitionError as error:
            problems.extend(error.problems)
            continue
        out[bucket.name] = BucketAccess(bucket.name, arns[bucket.name], roles, client_paths(bucket.access or {}))
    DefinitionError.raise_if(problems)
    return out


def role_statements(bucket: BucketSpec, groups: tuple[str, ...], arn: str, compat: bool,
                    location: tuple[str | int, ...] = ("storage",)) -> dict[str, list[Statement]]:
    """Per role, the statements one (already checked) bucket grants."""
    access = bucket.access or {}
    if compat:
        sets = amplify_access(access)
        out = {role: render_amplify(sets, role, arn) for role in sorted(sets)}
    else:
        plan = plan_access(access, groups, location)
        out = {role: render_merged(plan[role], arn) for role in sorted(plan)}
    return {role: statements for role, statements in out.items() if statements}
