"""Auth: Cognito user pool (email sign-in), web client, identity pool and the IAM roles it hands out.

Contract (pulumi-aws v7, type token ``ampliform:index:Auth``):
- a user pool with email as the username, a strong password policy, email verification and recovery;
  ``protect=True`` turns on deletion protection and Pulumi's ``protect``;
- one web client without a secret (SRP sign-in, refresh tokens, no user-existence errors);
- one identity pool: classic flow off, unauthenticated identities only when ``guest_access`` is set;
- the authenticated role, the guest (unauthenticated) role only when ``guest_access`` is set, and one role
  per group with a user-pool group (precedence = declaration order, 0 = first = wins);
- exactly one ``IdentityPoolRoleAttachment`` with token-based role mapping (ambiguous → authenticated role).

Every role trusts ``cognito-identity.amazonaws.com`` only with both conditions Cognito requires:
``StringEquals aud = <this identity pool>`` and
``ForAnyValue:StringLike amr = authenticated|unauthenticated``.
Roles carry no permissions of their own: Storage and Data attach policies to them, through `Auth.policies`
(`ampliform.resources.policies.PolicyOwner`), the one owner of each of these roles' budgets. `Auth.roles`
maps the role keys (``authenticated``, ``guest``, ``group:<name>``) to the roles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi
import pulumi_aws as aws

from ampliform.auth.check import auth_problems
from ampliform.definition.model import AuthSpec
from ampliform.errors import DefinitionError
from ampliform.iam.budget import Limits
from ampliform.iam.document import POLICY_VERSION
from ampliform.naming import slug
from ampliform.resources.policies import PolicyOwner
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST, group_role

COGNITO_IDENTITY = "cognito-identity.amazonaws.com"

PASSWORD_POLICY: dict[str, Any] = {
    "minimum_length": 8,
    "require_lowercase": True,
    "require_uppercase": True,
    "require_numbers": True,
    "require_symbols": True,
    "temporary_password_validity_days": 3,
}
"""Amplify's default password policy (also what the Amplify client validates against)."""

EXPLICIT_AUTH_FLOWS = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH")
"""Sign-in flows the web client allows: SRP (the Amplify client's default) and token refresh."""


def trust_policy(identity_pool_id: pulumi.Input[str], amr: str) -> pulumi.Output[str]:
    """The trust policy of a role handed out by the identity pool `identity_pool_id` to `amr` identities
    (``authenticated`` or ``unauthenticated``): both the ``aud`` and the ``amr`` conditions, always."""
    return pulumi.Output.json_dumps(
        {
            "Version": POLICY_VERSION,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": COGNITO_IDENTITY},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {f"{COGNITO_IDENTITY}:aud": identity_pool_id},
                        "ForAnyValue:StringLike": {f"{COGNITO_IDENTITY}:amr": amr},
                    },
                }
            ],
        },
        sort_keys=True,
    )


@dataclass
class AuthArgs:
    """Inputs of `Auth`."""

    groups: Sequence[str] = ()
    """User-pool groups, each with its own IAM role. Precedence is the list order: the first group has
    precedence 0 and wins when a user is in several. Example: ``("admin", "editor")``."""

    guest_access: bool = False
    """Allow unauthenticated (guest) identities and create the guest role. Turn it on only when some
    bucket or model has a guest rule (`ampliform.guest_access_needed` tells)."""

    protect: bool = False
    """Production: user-pool deletion protection ``ACTIVE``; Pulumi ``protect`` and ``retain_on_delete`` on the
    user pool, the identity pool (its identity ids own the users' folders) and the user groups."""

    password_policy: dict[str, Any] = field(default_factory=lambda: dict(PASSWORD_POLICY))
    """The user pool's password policy (pulumi-aws snake_case keys). Default: `PASSWORD_POLICY`."""

    identity_pool_name: str | None = None
    """The identity pool's name; default: the component name with invalid characters replaced."""

    policy_limits: Limits = field(default_factory=Limits)
    """The budget of each role (`ampliform.iam.budget.Limits`; the stack setting ampliform:maxManagedPolicies
    is its ``managed_quota``). Every component granting these roles something spends it (`Auth.policies`)."""


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

    def __init__(self, name: str, args: AuthArgs | None = None, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ampliform:index:Auth", name, None, opts)
        self.args = args = args or AuthArgs()
        DefinitionError.raise_if(auth_problems(AuthSpec(groups=tuple(args.groups))))
        self._group_slugs = {group: slug(group) for group in args.groups}
        child = pulumi.ResourceOptions(parent=self)
        self._create_user_pool(name, args)
        self._create_identity_pool(name, args, child)
        self.authenticated_role = self._role(name, ROLE_AUTHENTICATED, "authenticated", child)
        self.guest_role = self._role(name, ROLE_GUEST, "unauthenticated", child) if args.guest_access else None
        self._create_groups(name, args, child)
        self._attach_roles(name, child)
        self.policies = PolicyOwner(self.roles, args.policy_limits)
        self.register_outputs(
            {
                "user_pool_id": self.user_pool.id,
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

    def client_settings(self) -> dict[str, Any]:
        """The sign-in settings a client needs (plain data; amplify_outputs' auth section takes them)."""
        policy = self.args.password_policy
        return {
            "username_attributes": ["email"],
            "standard_required_attributes": ["email"],
            "user_verification_types": ["email"],
            "mfa_configuration": "NONE",
            "mfa_methods": [],
            "password_policy": {
                "min_length": policy.get("minimum_length", 8),
                "require_lowercase": bool(policy.get("require_lowercase")),
                "require_uppercase": bool(policy.get("require_uppercase")),
                "require_numbers": bool(policy.get("require_numbers")),
                "require_symbols": bool(policy.get("require_symbols")),
            },
            "unauthenticated_identities_enabled": self.guest_role is not None,
            "groups": [{g: {"precedence": i}} for i, g in enumerate(self.args.groups)],
        }

    def _create_user_pool(self, name: str, args: AuthArgs) -> None:
        self.user_pool = aws.cognito.UserPool(
            f"{name}-user-pool",
            username_attributes=["email"],
            auto_verified_attributes=["email"],
            username_configuration={"case_sensitive": False},
            password_policy=cast(Any, args.password_policy),
            account_recovery_setting={"recovery_mechanisms": [{"name": "verified_email", "priority": 1}]},
            admin_create_user_config={"allow_admin_create_user_only": False},
            verification_message_template={"default_email_option": "CONFIRM_WITH_CODE"},
            mfa_configuration="OFF",
            deletion_protection="ACTIVE" if args.protect else "INACTIVE",
            schemas=[
                {
                    "name": "email",
                    "attribute_data_type": "String",
                    "required": True,
                    "mutable": True,
                    "string_attribute_constraints": {"min_length": "0", "max_length": "2048"},
                }
            ],
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect),
        )
        self.client = aws.cognito.UserPoolClient(
            f"{name}-client",
            user_pool_id=self.user_pool.id,
            generate_secret=False,
            explicit_auth_flows=list(EXPLICIT_AUTH_FLOWS),
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
            supported_identity_providers=["COGNITO"],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_identity_pool(self, name: str, args: AuthArgs, child: pulumi.ResourceOptions) -> None:
        self.identity_pool = aws.cognito.IdentityPool(
            f"{name}-identity-pool",
            identity_pool_name=args.identity_pool_name or re.sub(r"[^\w+=,.@-]", "_", name),
            allow_classic_flow=False,
            allow_unauthenticated_identities=args.guest_access,
            cognito_identity_providers=[
                {
                    "client_id": self.client.id,
                    "provider_name": self.user_pool.endpoint,
                    "server_side_token_check": False,
                }
            ],
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

    def _create_groups(self, name: str, args: AuthArgs, child: pulumi.ResourceOptions) -> None:
        self.group_roles, self.user_groups = {}, {}
        for precedence, group in enumerate(args.groups):
            key = self._group_slugs[group]
            role = self._role(name, group_role(group), "authenticated", child, f"group-{key}")
            self.group_roles[group] = role
            self.user_groups[group] = aws.cognito.UserGroup(
                f"{name}-group-{key}",
                name=group,
                user_pool_id=self.user_pool.id,
                role_arn=role.arn,
                precedence=precedence,
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect),
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
