"""Auth: the Cognito user pool and everything around it, and the IAM roles the identity pool hands out.

Contract (pulumi-aws v7, type token ``ampliform:index:Auth``): built from an `ampliform.auth.plan.AuthPlan`
(`AuthArgs.plan`; without one, Amplify's default: email sign-in with `AuthArgs.groups`):
- the user pool with the plan's arguments (sign-in attributes, schema, MFA, recovery, templates, admin-only
  sign-up, threat protection), the SES sender (``source_arn`` of the from address's identity), the SNS role
  Cognito sends SMS with when the plan needs one (`ampliform.resources.auth_parts`), its tags;
  ``protect=True`` turns on deletion protection and Pulumi's ``protect`` and ``retain_on_delete`` (also on
  the identity pool and the user groups);
- the identity providers (credentials as Pulumi secrets where secret) and, with OAuth, the hosted-UI domain;
- one web client without a secret, with the plan's flows, scopes, URLs and providers (after the providers);
- one identity pool: classic flow off, the server-side token check on, unauthenticated identities only when
  ``guest_access`` is set, the plan's login providers;
- the authenticated role, the guest (unauthenticated) role only when ``guest_access`` is set, and one role
  per group with a user-pool group (precedence = declaration order, 0 = first = wins);
- exactly one ``IdentityPoolRoleAttachment`` with token-based role mapping (ambiguous → authenticated role);
- the plan's Lambda triggers (``lambda_config``), each function allowed to be invoked by this pool only
  (`ampliform.resources.auth_parts.trigger_permissions`), and the user-pool actions `auth.access` grants a
  function, in its role (`ampliform.resources.auth_parts.access_policies`). The functions may be built after
  Auth (they may need Storage, which needs Auth): `connect_functions` wires them then; the pool's
  ``lambda_config`` waits for their ARNs (`pulumi.deferred_output`), so `pending` must be empty when the
  program ends.

Every identity-pool role trusts ``cognito-identity.amazonaws.com`` only with both conditions Cognito requires:
``StringEquals aud = <this identity pool>`` and ``ForAnyValue:StringLike amr = authenticated|unauthenticated``.
Roles carry no permissions of their own: Storage and Data attach policies to them through `Auth.policies`
(`ampliform.resources.policies.PolicyOwner`), the one owner of each of these roles' budgets. `Auth.roles`
maps the role keys (``authenticated``, ``guest``, ``group:<name>``) to the roles. `client_settings()` is the
sign-in part of amplify_outputs' ``auth`` section.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi
import pulumi_aws as aws

from ampliform.auth.check import auth_problems
from ampliform.auth.plan import AuthPlan, default_plan
from ampliform.auth.user_pool import PASSWORD_POLICY
from ampliform.definition.auth import AuthSpec
from ampliform.errors import DefinitionError, Problem
from ampliform.iam.budget import Limits
from ampliform.naming import slug
from ampliform.resources.auth_parts import (
    access_policies,
    credential_input,
    identity_providers,
    sms_role,
    trigger_permissions,
    trust_policy,
)
from ampliform.resources.policies import PolicyOwner
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST, group_role

__all__ = ["PASSWORD_POLICY", "Auth", "AuthArgs", "trust_policy"]


@dataclass
class AuthArgs:
    """Inputs of `Auth`."""

    groups: Sequence[str] = ()
    """User-pool groups, each with its own IAM role (when no `plan` is given; a plan carries its groups).
    Precedence is the list order: the first group has precedence 0 and wins. Example: ``("admin", "editor")``."""

    guest_access: bool = False
    """Allow unauthenticated (guest) identities and create the guest role. Turn it on only when some
    bucket or model has a guest rule (`ampliform.guest_access_needed` tells)."""

    protect: bool = False
    """Production: user-pool deletion protection ``ACTIVE``; Pulumi ``protect`` and ``retain_on_delete`` on the
    user pool, the identity pool (its identity ids own the users' folders) and the user groups."""

    plan: AuthPlan | None = None
    """What to build (`ampliform.auth.plan.plan_auth` of a definition and a stack's settings). Default: email
    sign-in (`ampliform.auth.plan.default_plan` of `groups`)."""

    password_policy: dict[str, Any] | None = None
    """Override the user pool's password policy (pulumi-aws snake_case keys). Default: the plan's (Amplify's)."""

    identity_pool_name: str | None = None
    """The identity pool's name; default: the component name with invalid characters replaced."""

    policy_limits: Limits = field(default_factory=Limits)
    """The budget of each role (`ampliform.iam.budget.Limits`; the stack setting ampliform:maxManagedPolicies
    is its ``managed_quota``). Every component granting these roles something spends it (`Auth.policies`)."""

    functions: Mapping[str, Any] = field(default_factory=dict)
    """The functions the plan's triggers and access name, when they exist before Auth: anything with an ``arn``
    output (and, for access, a ``policies`` budget owner: an `ampliform.Function`). Functions built later are
    given to `Auth.connect_functions`."""

    credentials: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Values for the plan's credentials by their setting (``ampliform:google.clientSecret``), for those the
    settings hold no value of (an offline preview of encrypted settings); each is used as a secret."""


def _raise(error: Exception, _value: Any) -> Any:
    raise error


def _after_program_body(callback: Callable[[], None]) -> None:
    """Run `callback` once the program's synchronous body has returned (the event loop's next turn); nothing
    when no loop runs (then no registration waits either)."""
    try:
        asyncio.get_running_loop().call_soon(callback)
    except RuntimeError:
        return


class Auth(pulumi.ComponentResource):
    """Cognito sign-in plus the IAM roles identities receive; see the module docstring."""

    user_pool: aws.cognito.UserPool
    client: aws.cognito.UserPoolClient
    identity_pool: aws.cognito.IdentityPool
    authenticated_role: aws.iam.Role
    guest_role: aws.iam.Role | None
    group_roles: dict[str, aws.iam.Role]
    user_groups: dict[str, aws.cognito.UserGroup]
    role_attachment: aws.cognito.IdentityPoolRoleAttachment
    identity_providers: dict[str, aws.cognito.IdentityProvider]
    domain: aws.cognito.UserPoolDomain | None
    sms_role: aws.iam.Role | None
    trigger_permissions: dict[str, pulumi.CustomResource]
    """Per trigger function, its ``aws.lambda_.Permission`` (typed loosely: pulumi evaluates a component's
    annotations when it registers, and naming the Lambda module here would import it for every app)."""

    def __init__(self, name: str, args: AuthArgs | None = None, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ampliform:index:Auth", name, None, opts)
        self.args = args = args or AuthArgs()
        plan = args.plan or default_plan(tuple(args.groups))
        if args.plan is not None and args.groups and tuple(args.groups) != plan.groups:
            raise ValueError(f"Auth {name!r}: groups {list(args.groups)} differ from the plan's {list(plan.groups)}")
        self.plan, self.groups = plan, plan.groups
        DefinitionError.raise_if(auth_problems(AuthSpec(groups=tuple(self.groups))))
        self.name = name
        self._trigger_arns: dict[str, pulumi.Output[str]] = {}
        self._resolve: dict[str, Any] = {}
        self._connected: set[str] = set()
        for fn in sorted(set(plan.triggers.values())):
            self._trigger_arns[fn], self._resolve[fn] = pulumi.deferred_output()
        self._group_slugs = {group: slug(group) for group in self.groups}
        child = pulumi.ResourceOptions(parent=self)
        self.sms_role = sms_role(name, self) if plan.sms_role else None
        self._create_user_pool(name, args, plan)
        self._create_federation(name, plan, child)
        self._create_identity_pool(name, args, plan, child)
        self.authenticated_role = self._role(name, ROLE_AUTHENTICATED, "authenticated", child)
        self.guest_role = self._role(name, ROLE_GUEST, "unauthenticated", child) if args.guest_access else None
        self._create_groups(name, child)
        self._attach_roles(name, child)
        self.trigger_permissions = {}
        self.access_policies: list[pulumi.CustomResource] = []
        self.policies = PolicyOwner(self.roles, args.policy_limits)
        if args.functions:
            self.connect_functions(args.functions)
        if self.pending:
            _after_program_body(self._fail_unconnected)
        self.register_outputs(
            {
                "user_pool_id": self.user_pool.id,
                "user_pool_arn": self.user_pool.arn,
                "user_pool_client_id": self.client.id,
                "identity_pool_id": self.identity_pool.id,
                "authenticated_role_arn": self.authenticated_role.arn,
                "guest_role_arn": self.guest_role.arn if self.guest_role else None,
                "group_role_arns": {g: r.arn for g, r in self.group_roles.items()},
            }
        )

    @property
    def roles(self) -> dict[str, aws.iam.Role]:
        """The roles by the access compiler's role keys: ``authenticated``, ``guest`` (when enabled) and
        ``group:<name>``."""
        roles = {ROLE_AUTHENTICATED: self.authenticated_role}
        if self.guest_role is not None:
            roles[ROLE_GUEST] = self.guest_role
        roles.update({group_role(g): r for g, r in self.group_roles.items()})
        return roles

    @property
    def pending(self) -> list[str]:
        """Functions the plan's triggers or access name that `connect_functions` has not been given yet."""
        named = set(self._resolve) | set(self.plan.access)
        return sorted(named - self._connected)

    def connect_functions(self, functions: Mapping[str, Any]) -> None:
        """Wire the plan's trigger and access functions, once they exist: the user pool's ``lambda_config``
        takes their ARNs (so the pool is created after them; nothing of theirs depends on the pool), each
        trigger function may be invoked by this pool only, and each function's role gets the user-pool
        actions `auth.access` grants it, through its budget owner (``fn.policies``). Every function named must
        be given (here or earlier); each is wired once."""
        missing = sorted(n for n in self.pending if n not in functions)
        if missing:
            raise ValueError(f"Auth {self.name!r}: no function given for {missing} (named by auth triggers/access)")
        wanted = [n for n in self.pending if n in functions]
        for fn in wanted:
            if fn in self._resolve:
                self._resolve[fn](pulumi.Output.from_input(functions[fn].arn))
        triggers = {e: f for e, f in self.plan.triggers.items() if f in wanted}
        self.trigger_permissions.update(trigger_permissions(self.name, triggers, functions, self.user_pool, self))
        self.access_policies += access_policies(self.name, self.plan, {f: functions[f] for f in wanted},
                                                self.user_pool, self)
        self._connected |= set(wanted)

    def _fail_unconnected(self) -> None:
        """Once the program's body has run: trigger functions still not connected fail the user pool's
        registration with a clean error, instead of leaving it waiting for their ARNs forever."""
        missing = [fn for fn in self._resolve if fn not in self._connected]
        if not missing:
            return
        error = DefinitionError(Problem(
            f"Auth {self.name!r}: trigger function(s) {', '.join(missing)} were never given to connect_functions",
            "Auth.connect_functions", "Call auth.connect_functions({name: Function, ...}) in the program's body, "
            "once the functions exist (the stack program does), or pass AuthArgs(functions=...)."))
        for fn in missing:
            self._connected.add(fn)
            self._resolve[fn](pulumi.Output.from_input(fn).apply(functools.partial(_raise, error)))

    def client_settings(self) -> dict[str, Any]:
        """The sign-in settings a client needs (amplify_outputs' auth section without the ids and region)."""
        settings = dict(self.plan.client_settings)
        if self.args.password_policy is not None:
            policy = self.args.password_policy
            settings["password_policy"] = {
                "min_length": policy.get("minimum_length", 8),
                **{k: bool(policy.get(k)) for k in ("require_lowercase", "require_uppercase", "require_numbers",
                                                     "require_symbols")},
            }
        settings["unauthenticated_identities_enabled"] = self.guest_role is not None
        settings["groups"] = [{g: {"precedence": i}} for i, g in enumerate(self.groups)]
        return settings

    def _create_user_pool(self, name: str, args: AuthArgs, plan: AuthPlan) -> None:
        pool: dict[str, Any] = dict(plan.user_pool)
        if args.password_policy is not None:
            pool["password_policy"] = dict(args.password_policy)
        if self.sms_role is not None:
            pool["sms_configuration"] = {"external_id": f"{name}-sms", "sns_caller_arn": self.sms_role.arn}
        if plan.ses_identity is not None:
            identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
            region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
            partition = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=self)).partition
            pool["email_configuration"] = {**pool["email_configuration"], "source_arn": pulumi.Output.concat(
                "arn:", partition, ":ses:", region, ":", identity.account_id, ":identity/", plan.ses_identity)}
        if plan.triggers:
            pool["lambda_config"] = {event: self._trigger_arns[fn] for event, fn in sorted(plan.triggers.items())}
        self.user_pool = aws.cognito.UserPool(
            f"{name}-user-pool",
            **cast(Any, pool),
            deletion_protection="ACTIVE" if args.protect else "INACTIVE",
            tags=dict(plan.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect),
        )

    def _create_federation(self, name: str, plan: AuthPlan, child: pulumi.ResourceOptions) -> None:
        self.identity_providers = identity_providers(name, plan, self.user_pool, self.args.credentials, self)
        self.domain = None
        if plan.domain is not None:
            self.domain = aws.cognito.UserPoolDomain(
                f"{name}-domain", domain=plan.domain, user_pool_id=self.user_pool.id, opts=child)
        self.client = aws.cognito.UserPoolClient(
            f"{name}-client",
            user_pool_id=self.user_pool.id,
            **cast(Any, plan.client),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(self.identity_providers.values())),
        )

    def _create_identity_pool(self, name: str, args: AuthArgs, plan: AuthPlan, child: pulumi.ResourceOptions) -> None:
        logins = {issuer: credential_input(c, args.credentials) for issuer, c in plan.login_providers.items()}
        self.identity_pool = aws.cognito.IdentityPool(
            f"{name}-identity-pool",
            identity_pool_name=args.identity_pool_name or re.sub(r"[^\w+=,.@-]", "_", name),
            allow_classic_flow=False,
            allow_unauthenticated_identities=args.guest_access,
            cognito_identity_providers=[
                {
                    "client_id": self.client.id,
                    "provider_name": self.user_pool.endpoint,
                    "server_side_token_check": True,
                }
            ],
            supported_login_providers=logins or None,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect),
        )

    def _role(
        self, name: str, key: str, amr: str, child: pulumi.ResourceOptions, part: str | None = None
    ) -> aws.iam.Role:
        return aws.iam.Role(
            f"{name}-{part or key}-role",
            assume_role_policy=trust_policy(self.identity_pool.id, amr),
            tags={"ampliform:role": key},
            opts=child,
        )

    def _create_groups(self, name: str, child: pulumi.ResourceOptions) -> None:
        self.group_roles, self.user_groups = {}, {}
        for precedence, group in enumerate(self.groups):
            key = self._group_slugs[group]
            role = self._role(name, group_role(group), "authenticated", child, f"group-{key}")
            self.group_roles[group] = role
            self.user_groups[group] = aws.cognito.UserGroup(
                f"{name}-group-{key}",
                name=group,
                user_pool_id=self.user_pool.id,
                role_arn=role.arn,
                precedence=precedence,
                opts=pulumi.ResourceOptions(parent=self, protect=self.args.protect, retain_on_delete=self.args.protect),
            )

    def _attach_roles(self, name: str, child: pulumi.ResourceOptions) -> None:
        roles: dict[str, pulumi.Input[str]] = {"authenticated": self.authenticated_role.arn}
        if self.guest_role is not None:
            roles["unauthenticated"] = self.guest_role.arn
        self.role_attachment = aws.cognito.IdentityPoolRoleAttachment(
            f"{name}-role-attachment",
            identity_pool_id=self.identity_pool.id,
            roles=roles,
            role_mappings=[
                {
                    "identity_provider": pulumi.Output.concat(self.user_pool.endpoint, ":", self.client.id),
                    "type": "Token",
                    "ambiguous_role_resolution": "AuthenticatedRole",
                }
            ],
            opts=child,
        )
