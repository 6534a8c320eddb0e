"""The access compiler: a definition's storage access maps → per bucket, per role, IAM policy documents.

Contract: `compile_definition(definition, bucket_arns=None, compat=False)` validates the definition (raising
one `DefinitionError` with every problem; nothing is produced from invalid input) and returns, per bucket
name, a `CompiledBucket` with
- `roles`: role key (`authenticated`, `guest`, `group:<g>`, `function:<f>`) → list of policy documents; a role
  that is granted nothing on the bucket is absent;
- `paths`: the client `paths` map of amplify_outputs.json (identical in both modes: it is a client contract).
Without `bucket_arns` a bucket's ARN is ``arn:aws:s3:::<name>``. Pure: no pulumi import (a test enforces it).

Steps:
1. validate (`components.validate.check_definition`);
2. per bucket, plan the access: `amplify.amplify_access` in compat mode (Amplify's exact algorithm, group
   roles exclusive), `plan.plan_access` otherwise (longest path decides; group roles keep signed-in access);
3. render per role (`render`), sorted and deterministic;
4. fit each role into IAM's size limits (`budget`): inline first, then managed policies; `compile_backend`
   also returns each role's budget use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from components.access.amplify import amplify_access, client_paths
from components.access.budget import Limits, RoleBudget, fit_role
from components.access.constants import bucket_arn_of
from components.access.model import BucketSpec
from components.access.plan import plan_access
from components.access.render import Statement, render_amplify, render_merged
from components.definition import Definition
from components.errors import DefinitionError, Problem
from components.validate import check_definition

PolicyDocument = dict[str, Any]


@dataclass(frozen=True)
class CompiledBucket:
    """What one bucket's access map compiles to."""

    name: str
    arn: str
    roles: dict[str, list[PolicyDocument]] = field(default_factory=dict)
    paths: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON form: ``{"roles": {...}, "paths": {...}}``."""
        return {"roles": self.roles, "paths": self.paths}


@dataclass(frozen=True)
class CompiledBackend:
    """Every bucket, and per role how its documents are placed (inline or managed) within IAM's limits."""

    buckets: dict[str, CompiledBucket]
    budgets: dict[str, RoleBudget]


def compile_definition(
    definition: Definition, bucket_arns: Mapping[str, str] | None = None, compat: bool = False,
    limits: Limits | None = None,
) -> dict[str, CompiledBucket]:
    """Validate, then compile every bucket; keys are bucket names in declaration order."""
    return compile_backend(definition, bucket_arns, compat, limits).buckets


def compile_backend(
    definition: Definition, bucket_arns: Mapping[str, str] | None = None, compat: bool = False,
    limits: Limits | None = None,
) -> CompiledBackend:
    """Validate, plan, render and fit every role into its budget."""
    check_definition(definition, compat)
    arns = {b.name: (bucket_arns or {}).get(b.name) or bucket_arn_of(b.name) for b in definition.buckets}
    per_role: dict[str, dict[str, tuple[str, list[Statement]]]] = {}
    for bucket in definition.buckets:
        arn = arns[bucket.name]
        for role, statements in role_statements(bucket, definition.auth.groups, arn, compat).items():
            per_role.setdefault(role, {})[bucket.name] = (arn, statements)
    budgets: dict[str, RoleBudget] = {}
    problems: list[Problem] = []
    for role in sorted(per_role):
        try:
            budgets[role] = fit_role(role, per_role[role], limits or Limits(), split=not compat)
        except DefinitionError as exc:
            problems.extend(exc.problems)
    DefinitionError.raise_if(problems)
    buckets = {
        b.name: CompiledBucket(
            b.name, arns[b.name],
            {role: docs for role in sorted(budgets)
             if (docs := [p.document for p in budgets[role].placements if p.bucket == b.name])},
            client_paths(b.access or {}))
        for b in definition.buckets
    }
    return CompiledBackend(buckets, budgets)


def role_statements(bucket: BucketSpec, groups: tuple[str, ...], arn: str, compat: bool) -> dict[str, list[Statement]]:
    """Per role, the statements one (already validated) bucket grants, before budgeting."""
    access = bucket.access or {}
    if compat:
        sets = amplify_access(access)
        out = {role: render_amplify(sets, role, arn) for role in sorted(sets)}
    else:
        plan = plan_access(access, groups, bucket.name)
        out = {role: render_merged(plan[role], arn) for role in sorted(plan)}
    return {role: statements for role, statements in out.items() if statements}
