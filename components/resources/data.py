"""Data: an AppSync GraphQL API with one DynamoDB table per model and resolvers enforcing the models' rules.

Contract (pulumi-aws v7, type token ``ampliform:index:Data``), for a `DataSpec` that `validate` accepts
(anything else raises `DefinitionError` before a resource is built):

- one ``aws.appsync.GraphQLApi``: default auth the Auth component's user pool (``ALLOW``), IAM as the
  additional mode (as Amplify), the schema of `ampliform.data.schema`;
- per model: an ``aws.dynamodb.Table`` (``id`` hash key, on demand, point-in-time recovery on, server-side
  encryption with the AWS-managed KMS key; with ``protect``: deletion protection, Pulumi ``protect`` and
  ``retain_on_delete``); a data-source role trusting ``appsync.amazonaws.com`` only for this account and
  this API (``aws:SourceAccount`` / ``aws:SourceArn``) with one inline policy allowing only the item and
  scan actions the resolvers use, on this table and its indexes; the table's data source;
- one NONE data source (subscriptions and the owner field), and the APPSYNC_JS resolvers and pipeline
  functions of `ampliform.data.resolvers`, one resolver per field;
- ``appsync:GraphQL`` grants on the identity-pool roles only for the fields the rules open to IAM callers
  (`ampliform.data.grants`): the guest role for guest rules, the authenticated and group roles for guest and
  ``authenticated`` (identityPool) rules, placed through `Auth.policies` — the roles' one budget, shared with
  Storage — before any resource exists. Without such rules no role gets any grant. A guest rule needs the
  guest role (Auth with ``guest_access``; `guest_access_needed` tells).

Outputs: ``url``, ``api_id``, ``api_arn``, ``region``, ``default_authorization_type``,
``authorization_types``, ``model_introspection`` and ``outputs_data`` (the ``data`` section of
``amplify_outputs.json``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import pulumi
import pulumi_aws as aws

from ampliform.data.access import model_access
from ampliform.data.introspection import (
    AUTHORIZATION_TYPES,
    DEFAULT_AUTHORIZATION_TYPE,
    model_introspection,
    outputs_data,
)
from ampliform.data.resolvers import RUNTIME, IamRoles, ResolverSpec, model_resolvers
from ampliform.data.schema import render_schema
from ampliform.data.validate import data_problems
from ampliform.definition.data import DataSpec, ModelSpec
from ampliform.errors import DefinitionError, Problem
from ampliform.iam.document import POLICY_VERSION
from ampliform.plan.backend import BackendPlan
from ampliform.plan.contributions import DATA_API, data_contributions
from ampliform.resources.auth import Auth

TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                 "dynamodb:Scan")
"""What a model's data source may do with its table: exactly what the resolvers send."""

FUNCTION_RUNTIME: aws.appsync.FunctionRuntimeArgsDict = {"name": RUNTIME["name"],
                                                          "runtime_version": RUNTIME["runtime_version"]}
RESOLVER_RUNTIME: aws.appsync.ResolverRuntimeArgsDict = {"name": RUNTIME["name"],
                                                         "runtime_version": RUNTIME["runtime_version"]}

__all__ = ["Data", "DataArgs"]


@dataclass
class DataArgs:
    """Inputs of `Data`."""

    spec: DataSpec
    """The models (``definition.data``)."""

    auth: Auth
    """The Auth component: its user pool is the API's default auth mode, its identity-pool roles receive the
    IAM grants (spending their budgets through `Auth.policies`), its groups are those group rules may name."""

    region: pulumi.Input[str] | None = None
    """The user pool's region; default: the provider's region."""

    protect: bool = False
    """Production: tables get deletion protection, Pulumi ``protect`` and ``retain_on_delete``."""

    plan: BackendPlan | None = None
    """The backend plan `spec` was checked in (the stack program passes it); without one, Data checks the
    spec itself."""


class Data(pulumi.ComponentResource):
    """The GraphQL API and tables of a backend's models; see the module docstring."""

    api: aws.appsync.GraphQLApi
    tables: dict[str, aws.dynamodb.Table]
    data_sources: dict[str, aws.appsync.DataSource]
    resolvers: dict[str, aws.appsync.Resolver]
    functions: dict[str, aws.appsync.Function]
    grants: list[pulumi.CustomResource]
    url: pulumi.Output[str]
    region: pulumi.Output[str]
    model_introspection: dict[str, Any]
    outputs_data: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, args: DataArgs, opts: pulumi.ResourceOptions | None = None):
        _check(args)
        # the IAM grants spend the identity-pool roles' budgets before any resource exists
        contributions = data_contributions(args.spec, args.auth.args.groups)
        placed = args.auth.policies.place(contributions)
        super().__init__("ampliform:index:Data", name, None, opts)
        self.args = args
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self.region = pulumi.Output.from_input(args.region) if args.region is not None else \
            aws.get_region_output(opts=invoke).region
        account = aws.get_caller_identity_output(opts=invoke).account_id
        self.schema = render_schema(args.spec)
        self.api = aws.appsync.GraphQLApi(
            f"{name}-api",
            authentication_type=DEFAULT_AUTHORIZATION_TYPE,
            user_pool_config={"user_pool_id": args.auth.user_pool.id, "aws_region": self.region,
                              "default_action": "ALLOW"},
            additional_authentication_providers=[{"authentication_type": t} for t in AUTHORIZATION_TYPES],
            schema=self.schema,
            opts=child,
        )
        self.data_sources = {"NONE": aws.appsync.DataSource(
            f"{name}-none-ds", api_id=self.api.id, name="NONE_DS", type="NONE",
            description="Subscriptions and field resolvers", opts=child)}
        self.tables = {}
        for model in args.spec.models:
            self._model(name, model, account, child)
        self.resolvers, self.functions = {}, {}
        self._resolvers(name, account, child)
        self.grants = args.auth.policies.create(f"{name}-graphql", contributions, placed,
                                                {DATA_API.text: self.api.arn}, self)
        self.url = self.api.uris.apply(_graphql_url)
        self.model_introspection = model_introspection(args.spec)
        self.outputs_data = pulumi.Output.all(self.url, self.region).apply(
            lambda values: outputs_data(args.spec, values[0], values[1]))
        self.register_outputs({
            "url": self.url,
            "api_id": self.api.id,
            "api_arn": self.api.arn,
            "region": self.region,
            "default_authorization_type": DEFAULT_AUTHORIZATION_TYPE,
            "authorization_types": list(AUTHORIZATION_TYPES),
            "table_names": {m: t.name for m, t in self.tables.items()},
            "model_introspection": self.model_introspection,
        })

    def _model(self, name: str, model: str, account: pulumi.Output[str], child: pulumi.ResourceOptions) -> None:
        protect = self.args.protect
        table = aws.dynamodb.Table(
            f"{name}-{model}-table",
            hash_key="id",
            attributes=[{"name": "id", "type": "S"}],
            billing_mode="PAY_PER_REQUEST",
            point_in_time_recovery={"enabled": True},
            server_side_encryption={"enabled": True},
            deletion_protection_enabled=protect,
            tags={"ampliform:model": model},
            opts=pulumi.ResourceOptions(parent=self, protect=protect, retain_on_delete=protect, aliases=[
                pulumi.Alias(name=f"{name}-{old}-table") for old in self.args.spec.models[model].renamed_from] or None),
        )
        self.tables[model] = table
        role = aws.iam.Role(
            f"{name}-{model}-ds-role",
            assume_role_policy=pulumi.Output.json_dumps({
                "Version": POLICY_VERSION,
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Service": "appsync.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account},
                                  "ArnLike": {"aws:SourceArn": self.api.arn}},
                }],
            }, sort_keys=True),
            tags={"ampliform:model": model},
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-{model}-ds-policy",
            role=role.id,
            policy=table.arn.apply(lambda arn: json.dumps(table_policy(arn), sort_keys=True)),
            opts=child,
        )
        self.data_sources[model] = aws.appsync.DataSource(
            f"{name}-{model}-ds",
            api_id=self.api.id,
            name=f"{model}Table",
            type="AMAZON_DYNAMODB",
            description=f"The {model} table",
            dynamodb_config={"table_name": table.name, "region": self.region},
            service_role_arn=role.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )

    def _iam_roles(self, account: pulumi.Output[str]) -> pulumi.Output[IamRoles]:
        auth = self.args.auth
        guest = auth.guest_role.name if auth.guest_role is not None else None
        signed_in = [auth.authenticated_role.name, *(r.name for r in auth.group_roles.values())]
        return pulumi.Output.all(account, guest, *signed_in).apply(_iam_roles_of)

    def _resolvers(self, name: str, account: pulumi.Output[str], child: pulumi.ResourceOptions) -> None:
        roles = self._iam_roles(account)
        for model_name, model in self.args.spec.models.items():
            with_roles: pulumi.Output[list[ResolverSpec]] | None = None
            if model_access(model_name, model).uses_iam:
                with_roles = roles.apply(functools.partial(_role_aware_resolvers, model_name, model))
            for i, spec in enumerate(model_resolvers(model_name, model)):
                self._resolver(name, spec, CodePicker(spec, with_roles, i), child)

    def _resolver(self, name: str, spec: ResolverSpec, code: CodePicker, child: pulumi.ResourceOptions) -> None:
        functions = []
        for i, fn in enumerate(spec.functions):
            function = aws.appsync.Function(
                f"{name}-{fn.name}",
                api_id=self.api.id,
                name=fn.name,
                data_source=self.data_sources[fn.data_source or "NONE"].name,
                runtime=FUNCTION_RUNTIME,
                code=code.function(i),
                opts=child,
            )
            self.functions[fn.name] = function
            functions.append(function.function_id)
        target = f"{spec.type_name}.{spec.field_name}"
        resource = f"{name}-{spec.type_name}-{spec.field_name}"
        if functions:
            self.resolvers[target] = aws.appsync.Resolver(
                resource, api_id=self.api.id, type=spec.type_name, field=spec.field_name, kind="PIPELINE",
                runtime=RESOLVER_RUNTIME, code=code.resolver(), pipeline_config={"functions": functions},
                opts=child)
        else:
            self.resolvers[target] = aws.appsync.Resolver(
                resource, api_id=self.api.id, type=spec.type_name, field=spec.field_name, kind="UNIT",
                runtime=RESOLVER_RUNTIME, code=code.resolver(),
                data_source=self.data_sources[spec.data_source or "NONE"].name, opts=child)

@dataclass(frozen=True)
class CodePicker:
    """The code of one resolver and of its functions: plain text when the model's code does not depend on the
    IAM roles, else taken from the role-aware resolvers once the roles' names are known."""

    spec: ResolverSpec
    with_roles: pulumi.Output[list[ResolverSpec]] | None
    index: int

    def resolver(self) -> pulumi.Input[str]:
        if self.with_roles is None:
            return self.spec.code
        return self.with_roles.apply(lambda specs: specs[self.index].code)

    def function(self, step: int) -> pulumi.Input[str]:
        if self.with_roles is None:
            return self.spec.functions[step].code
        return self.with_roles.apply(lambda specs: specs[self.index].functions[step].code)


def _check(args: DataArgs) -> None:
    problems = data_problems(args.spec, tuple(args.auth.args.groups)) if args.plan is None else []
    if args.auth.guest_role is None and any(rule.allow == "guest" for model in args.spec.models.values()
                                       for rule in model.authorization):
        problems.append(Problem("a model has a guest rule, but Auth has no guest role", "data.models",
                                "Create Auth with guest_access=True (see ampliform.guest_access_needed)."))
    DefinitionError.raise_if(problems)


def _graphql_url(uris: Mapping[str, str] | None) -> str:
    """The GraphQL endpoint from the API's ``uris``."""
    return cast(str, (uris or {}).get("GRAPHQL"))


def _iam_roles_of(values: list[Any]) -> IamRoles:
    return IamRoles(account=values[0], guest=values[1], signed_in=tuple(values[2:]))


def _role_aware_resolvers(name: str, model: ModelSpec, roles: IamRoles) -> list[ResolverSpec]:
    return model_resolvers(name, model, roles)


def table_policy(table_arn: str) -> dict[str, Any]:
    """The data-source role's policy: the resolvers' DynamoDB actions on one table and its indexes."""
    return {"Version": POLICY_VERSION, "Statement": [{
        "Sid": "ModelTable", "Effect": "Allow", "Action": list(TABLE_ACTIONS),
        "Resource": [table_arn, f"{table_arn}/index/*"]}]}
