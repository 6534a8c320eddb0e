"""The backend plan: a whole definition checked once and compiled into per-role policy documents that fit.

Contract: `compile_backend(definition, bucket_arns=None, compat=False, limits=None)` runs every meaning check
(`ampliform.plan.check`; one `DefinitionError` with every problem, nothing produced from invalid input),
compiles the storage part (`ampliform.access.compile`), and fits each role's statements into IAM's limits
(`ampliform.iam.budget`), raising one `DefinitionError` for every role that does not fit. It returns a
`CompiledBackend`: per bucket a `CompiledBucket` (policy documents per role, client paths), and per role its
`RoleBudget` (which documents go inline, which into managed policies). Without `bucket_arns` a bucket's ARN
is ``arn:aws:s3:::<name>``. `guest_access_needed(definition)` says whether any component needs guest
identities. Pure: no pulumi import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ampliform.access.compile import ClientPaths, compile_storage
from ampliform.access.constants import bucket_arn_of
from ampliform.definition.load import as_definition
from ampliform.definition.model import Definition
from ampliform.errors import DefinitionError, Problem
from ampliform.iam.budget import Limits, RoleBudget, fit_role
from ampliform.iam.document import Document, Statement
from ampliform.plan.check import check_definition

__all__ = ["CompiledBackend", "CompiledBucket", "compile_backend", "compile_definition", "guest_access_needed"]


@dataclass(frozen=True)
class CompiledBucket:
    """What one bucket's access map compiles to: documents per role, and the client paths map."""

    name: str
    arn: str
    roles: dict[str, list[Document]] = field(default_factory=dict)
    paths: ClientPaths = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON form: ``{"roles": {...}, "paths": {...}}``."""
        return {"roles": self.roles, "paths": self.paths}


@dataclass(frozen=True)
class CompiledBackend:
    """The checked definition, every bucket, and per role how its documents are placed (inline or managed)
    within IAM's limits."""

    definition: Definition
    compat: bool
    buckets: dict[str, CompiledBucket]
    budgets: dict[str, RoleBudget]


def compile_definition(definition: Definition, bucket_arns: Mapping[str, str] | None = None,
                       compat: bool = False, limits: Limits | None = None) -> dict[str, CompiledBucket]:
    """Check, then compile every bucket; keys are bucket names in declaration order."""
    return compile_backend(definition, bucket_arns, compat, limits).buckets


def compile_backend(definition: Definition, bucket_arns: Mapping[str, str] | None = None,
                    compat: bool = False, limits: Limits | None = None) -> CompiledBackend:
    """Check, plan, render and fit every role into its budget."""
    check_definition(definition, compat)
    arns = {b.name: (bucket_arns or {}).get(b.name) or bucket_arn_of(b.name) for b in definition.buckets}
    storage = compile_storage(definition.buckets, definition.auth.groups, arns, compat, definition.bucket_location)
    per_role: dict[str, dict[str, tuple[str, list[Statement]]]] = {}
    for bucket in storage.values():
        for role, statements in bucket.roles.items():
            per_role.setdefault(role, {})[bucket.name] = (bucket.arn, statements)
    budgets: dict[str, RoleBudget] = {}
    problems: list[Problem] = []
    for role in sorted(per_role):
        try:
            budgets[role] = fit_role(role, per_role[role], limits or Limits(), split=not compat)
        except DefinitionError as exc:
            problems.extend(exc.problems)
    DefinitionError.raise_if(problems)
    buckets = {
        name: CompiledBucket(
            name, bucket.arn,
            {role: docs for role in sorted(budgets)
             if (docs := [p.document for p in budgets[role].placements if p.bucket == name])},
            bucket.paths)
        for name, bucket in storage.items()
    }
    return CompiledBackend(definition, compat, buckets, budgets)


def guest_access_needed(definition: Definition | Mapping[str, Any]) -> bool:
    """Some component has a guest rule (a bucket path or a data model), so the identity pool must allow
    guest identities and Auth must create the guest role. `definition` may be given in its data form."""
    definition = as_definition(definition)
    storage = any(rule.allow == "guest" for b in definition.buckets
                  for rules in (b.access or {}).values() for rule in rules)
    data = definition.data is not None and any(
        rule.allow == "guest" for model in definition.data.models.values() for rule in model.authorization)
    return storage or data
