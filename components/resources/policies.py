"""How planned policy documents reach roles: the one owner of a set of roles' budgets, at deployment.

Contract: a `PolicyOwner` holds roles (role key → a Role, a role name or a role ARN) and the budget of each
(`ampliform.iam.budget.RolePolicies`). Auth owns its identity-pool roles' budgets, a Function its own role's,
so that every component granting something to a role (each Storage, Data, a function's own needs) spends one
budget. `place(contributions)` spends the budgets (raising `DefinitionError` before anything is created when a
role would not fit: the role, each contributor's share, the fix); `create(prefix, contributions, placed, arns,
parent)` then creates each document: an inline one as ``aws.iam.RolePolicy`` (``<prefix>-<role>-<i>``), a managed one as
``aws.iam.Policy`` + ``aws.iam.RolePolicyAttachment`` (``<prefix>-<role>-managed-<i>``), with the placeholder
ARNs bound to the real ones (`arns`: placeholder → the resource's ARN output) — never through the role's
``inline_policies``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from ampliform.errors import DefinitionError, Problem
from ampliform.iam.budget import Contribution, Limits, Placement, RolePolicies
from ampliform.iam.document import bind_arns
from ampliform.naming import slug

RoleRef = aws.iam.Role | pulumi.Input[str]
"""A role to attach policies to: a Role resource, or a role name (an ARN is reduced to its name)."""


def role_name(role: RoleRef) -> pulumi.Input[str]:
    """The name to attach policies to: a Role's id (its name), or the given name/ARN's name."""
    if isinstance(role, aws.iam.Role):
        return role.id
    return pulumi.Output.from_input(role).apply(lambda v: v.rsplit("/", 1)[-1] if v.startswith("arn:") else v)


class PolicyOwner:
    """The roles of one owner and their one budget each (see the module docstring)."""

    def __init__(self, roles: Mapping[str, RoleRef] | None = None, limits: Limits | None = None):
        self.roles: dict[str, RoleRef] = dict(roles or {})
        self.ledger = RolePolicies(limits)

    def add_role(self, key: str, role: RoleRef) -> None:
        """Own one more role (e.g. a function's execution role)."""
        self.roles[key] = role

    def place(self, contributions: Sequence[Contribution]) -> list[list[Placement]]:
        """Spend this owner's budgets on `contributions` (all or nothing; `DefinitionError` when a role would not
        fit). Pure: call it before creating any resource, then `create` with its result."""
        missing = [c for c in contributions if c.role not in self.roles]
        if missing:
            raise DefinitionError([Problem(f"{c.contributor} grants role {c.role!r}, which this owner lacks",
                                           f"role {c.role}", "Create the role first (Auth's groups and guest "
                                           "access, or the function) and pass its owner.") for c in missing])
        return self.ledger.add(contributions)

    def create(self, prefix: str, contributions: Sequence[Contribution], placed: Sequence[Sequence[Placement]],
               arns: Mapping[str, pulumi.Input[str]], parent: pulumi.Resource,
               renamed: Sequence[str] = ()) -> list[pulumi.CustomResource]:
        """The policy resources of placed contributions (see the module docstring); `renamed` are prefixes the
        contributor's resources had before (aliases, so a renamed bucket's policies are kept, not replaced)."""

        def opts(name: str) -> pulumi.ResourceOptions:
            aliases = [pulumi.Alias(name=old + name[len(prefix):]) for old in renamed]
            return pulumi.ResourceOptions(parent=parent, aliases=aliases or None)

        names = sorted(arns)
        values = [arns[n] for n in names]
        created: list[pulumi.CustomResource] = []
        for contribution, placements in zip(contributions, placed, strict=True):
            role = role_name(self.roles[contribution.role])
            key = slug(contribution.role)
            inline = [p for p in placements if p.kind == "inline"]
            managed = [p for p in placements if p.kind == "managed"]
            for i, placement in enumerate(inline):
                name = f"{prefix}-{key}-{i}"
                created.append(aws.iam.RolePolicy(name, role=role, policy=_bound(placement, names, values),
                                                  opts=opts(name)))
            for i, placement in enumerate(managed):
                name = f"{prefix}-{key}-managed-{i}"
                policy = aws.iam.Policy(
                    name, policy=_bound(placement, names, values),
                    description=f"ampliform: {contribution.contributor} for role {contribution.role}", opts=opts(name))
                attachment = aws.iam.RolePolicyAttachment(name, role=role, policy_arn=policy.arn, opts=opts(name))
                created += [policy, attachment]
        return created

    def attach(self, prefix: str, contributions: Sequence[Contribution], arns: Mapping[str, pulumi.Input[str]],
               parent: pulumi.Resource) -> list[pulumi.CustomResource]:
        """`place`, then `create`."""
        return self.create(prefix, contributions, self.place(contributions), arns, parent)


def _bound(placement: Placement, names: list[str], values: list[pulumi.Input[str]]) -> pulumi.Output[str]:
    """The placement's document with its placeholder ARNs bound, as policy JSON."""

    def render(real: list[Any]) -> str:
        return json.dumps(bind_arns(placement.document, dict(zip(names, real, strict=True))), sort_keys=True)

    return pulumi.Output.all(*values).apply(render)
