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
3. render per role (`render`), sorted and deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from components.access.amplify import amplify_access, client_paths
from components.access.constants import bucket_arn_of
from components.access.model import BucketSpec
from components.access.plan import plan_access
from components.access.render import document, render_amplify, render_merged
from components.definition import Definition
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


def compile_definition(
    definition: Definition, bucket_arns: Mapping[str, str] | None = None, compat: bool = False
) -> dict[str, CompiledBucket]:
    """Validate, then compile every bucket; keys are bucket names in declaration order."""
    check_definition(definition, compat)
    arns = dict(bucket_arns or {})
    return {
        b.name: compile_bucket(b, definition.auth.groups, arns.get(b.name) or bucket_arn_of(b.name), compat)
        for b in definition.buckets
    }


def compile_bucket(bucket: BucketSpec, groups: tuple[str, ...], arn: str, compat: bool = False) -> CompiledBucket:
    """Compile one (already validated) bucket."""
    access = bucket.access or {}
    roles: dict[str, list[PolicyDocument]] = {}
    if compat:
        sets = amplify_access(access)
        for role in sorted(sets):
            statements = render_amplify(sets, role, arn)
            if statements:
                roles[role] = [document(statements)]
    else:
        plan = plan_access(access, groups, bucket.name)
        for role in sorted(plan):
            statements = render_merged(plan[role], arn)
            if statements:
                roles[role] = [document(statements)]
    return CompiledBucket(bucket.name, arn, roles, client_paths(access))
