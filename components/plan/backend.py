"""The backend plan: a whole definition checked once and planned into per-role documents that fit.

Contract: `plan_backend(definition, bucket_arns=None, limits=None, project_dir=".",
require_declared_functions=False)` runs every meaning check (`ampliform.plan.check`, handler files looked up
in `project_dir`; one `DefinitionError` with every problem, nothing produced from invalid input),
plans storage (`ampliform.access.compile`) and data (`ampliform.data.grants`), and places every component's
contribution to every role into that role's one budget (`ampliform.iam.budget`, in the order of
`ampliform.plan.contributions`), raising one `DefinitionError` for every role that does not fit — the role,
each contributor's share, the fix. `limits.compat` selects Amplify's behaviour. It returns a `BackendPlan`:
the definition, the contributions (data, each function's own needs, storage, auth's grants to functions:
`ampliform.plan.contributions`),
every role's `RoleBudget`, per bucket a `CompiledBucket` (the bucket's documents per role, its client
paths), and per bucket its planned triggers (`ampliform.functions.triggers`). Without `bucket_arns` a
bucket's ARN is ``arn:aws:s3:::<name>``. `compile_definition` is the buckets alone (access only: handler
files are not looked at unless a `project_dir` is given); `guest_access_needed(definition)` says whether
any component needs guest identities. Pure: no pulumi import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ampliform.access.compile import ClientPaths, compile_storage
from ampliform.data.access import needs_guest
from ampliform.data.model import resolve
from ampliform.definition.load import as_definition
from ampliform.definition.model import Definition
from ampliform.definition.settings import Settings
from ampliform.functions.triggers import PlannedTrigger, bucket_triggers
from ampliform.iam.arns import bucket_arn
from ampliform.iam.budget import Contribution, Limits, RoleBudget, fit_roles
from ampliform.iam.document import Document
from ampliform.plan.check import ProjectDir, check_definition
from ampliform.plan.contributions import (
    auth_contributions,
    data_contributions,
    data_function_contributions,
    function_contributions,
    storage_contributions,
    storage_contributor,
)

__all__ = ["BackendPlan", "CompiledBucket", "compile_definition", "guest_access_needed", "limits_of", "plan_backend",
           "role_documents"]


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
class BackendPlan:
    """A checked definition, every contribution to every role, and how each role's budget holds them."""

    definition: Definition
    limits: Limits
    contributions: list[Contribution]
    budgets: dict[str, RoleBudget]
    buckets: dict[str, CompiledBucket]
    triggers: dict[str, list[PlannedTrigger]] = field(default_factory=dict)
    """Per bucket (those with triggers), its storage triggers in the order written."""

    @property
    def compat(self) -> bool:
        return self.limits.compat


def plan_backend(definition: Definition | Mapping[str, Any], bucket_arns: Mapping[str, str] | None = None,
                 limits: Limits | None = None, project_dir: ProjectDir = ".",
                 require_declared_functions: bool = False) -> BackendPlan:
    """Check the definition and plan the whole backend (see the module docstring)."""
    definition = as_definition(definition)
    limits = limits or Limits()
    check_definition(definition, limits.compat, project_dir, require_declared_functions)
    arns = {b.name: (bucket_arns or {}).get(b.name) or bucket_arn(b.name).text for b in definition.buckets}
    storage = compile_storage(definition.buckets, definition.auth.groups, arns, limits.compat,
                              definition.bucket_location)
    contributions = [*data_contributions(definition.data, definition.auth.groups),
                     *function_contributions(definition.functions), *storage_contributions(storage),
                     *auth_contributions(definition.auth), *data_function_contributions(definition.data)]
    budgets = fit_roles(contributions, limits)
    buckets = {
        name: CompiledBucket(
            name, bucket.arn,
            {role: docs for role in sorted(budgets)
             if (docs := [p.document for p in budgets[role].of(storage_contributor(name))])},
            bucket.paths)
        for name, bucket in storage.items()
    }
    return BackendPlan(definition, limits, contributions, budgets, buckets, bucket_triggers(definition))


def limits_of(settings: Settings) -> Limits:
    """The roles' budget limits a stack's settings ask for (``ampliform:maxManagedPolicies``, compat)."""
    return Limits(managed_quota=settings.max_managed_policies, compat=settings.amplify_compat)


def compile_definition(definition: Definition, bucket_arns: Mapping[str, str] | None = None,
                       compat: bool = False, limits: Limits | None = None,
                       project_dir: ProjectDir = None) -> dict[str, CompiledBucket]:
    """Check, then compile every bucket; keys are bucket names in declaration order."""
    limits = limits or Limits()
    if compat and not limits.compat:
        limits = Limits(limits.inline, limits.managed, limits.managed_quota, compat=True)
    return plan_backend(definition, bucket_arns, limits, project_dir).buckets


def guest_access_needed(definition: Definition | Mapping[str, Any]) -> bool:
    """Some component has a guest rule (a bucket path; a model, field or custom-operation rule of Data), so
    the identity pool must allow guest identities and Auth must create the guest role. `definition` may be
    given in its data form."""
    definition = as_definition(definition)
    storage = any(rule.allow == "guest" for b in definition.buckets
                  for rules in (b.access or {}).values() for rule in rules)
    return storage or (definition.data is not None and needs_guest(resolve(definition.data)))


def role_documents(plan: BackendPlan) -> dict[str, list[Document]]:
    """Every role's documents, every contributor's, as the budget placed them (placeholder ARNs)."""
    return {role: [p.document for p in budget.placements] for role, budget in plan.budgets.items()}
