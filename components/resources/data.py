"""Data: an AppSync GraphQL API with one DynamoDB table per model and resolvers enforcing the models' rules.

Contract (pulumi-aws v7, type token ``ampliform:index:Data``), for a `DataSpec` that `validate` accepts
(anything else raises `DefinitionError` before a resource is built):

- the API (`ampliform.resources.data_api`): its auth modes, API key, Lambda authorizer, logging, tags;
- per model: an ``aws.dynamodb.Table`` laid out by `ampliform.data.tables` (keys from ``identifier``, every
  secondary index and relationship index a GSI; on demand, point-in-time recovery, server-side encryption;
  with ``protect``: deletion protection, Pulumi ``protect`` and ``retain_on_delete``); a data-source role
  trusting ``appsync.amazonaws.com`` only for this account and this API with one inline policy allowing only
  the item, Query and Scan actions the resolvers use, on this table and its indexes; the table's data source;
- one NONE data source, and per function handler a Lambda data source whose role may invoke only that
  function;
- the APPSYNC_JS resolvers and pipeline functions of `ampliform.data.resolvers`, one resolver per field
  (APPSYNC_JS handler files read from `project_dir`);
- ``appsync:GraphQL`` grants (`ampliform.data.grants`): on the identity-pool roles for guest and
  identity-pool rules, placed through `Auth.policies` (the roles' one budget, shared with Storage), and on the
  roles of functions granted ``allow: resource``, through each function's policies; placed before any resource
  exists. A guest rule needs Auth's guest role.

Functions (handlers, the Lambda authorizer, ``allow: resource``) come in `DataArgs.functions`, by definition
name: any object with ``.arn`` (the Lambda function's ARN) and ``.policies`` (its role's `PolicyOwner`), as
`ampliform.resources.function.Function` has. `environment()` is what an ``allow: resource`` function needs
(``AMPLIFY_DATA_GRAPHQL_ENDPOINT``). Outputs: ``url``, ``api_id``, ``api_arn``, ``region``,
``default_authorization_type``, ``authorization_types``, ``table_names``, ``model_introspection``;
`outputs_data` is the ``data`` section of ``amplify_outputs.json`` without the API key, `api_key` the key (a
Pulumi secret; None without the API key mode).
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pulumi
import pulumi_aws as aws

from ampliform.data.access import needs_guest
from ampliform.data.introspection import (
    authorization_types,
    default_authorization_type,
    model_introspection,
    outputs_data,
)
from ampliform.data.model import resolve
from ampliform.data.resolver_config import IamRoles
from ampliform.data.resolvers import RUNTIME, ResolverSpec, data_resolvers
from ampliform.data.schema import render_schema
from ampliform.data.tables import table_layout
from ampliform.data.validate import data_problems, functions_named
from ampliform.definition.data import DataSpec
from ampliform.errors import DefinitionError, Problem
from ampliform.iam.document import POLICY_VERSION
from ampliform.plan.backend import BackendPlan
from ampliform.plan.contributions import DATA_API, data_contributions, data_function_contributions
from ampliform.resources.auth import Auth
from ampliform.resources.data_api import create_api
from ampliform.roles import FUNCTION_ROLE_PREFIX

TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                 "dynamodb:Query", "dynamodb:Scan")
"""What a model's data source may do with its table: exactly what the resolvers send."""
FUNCTION_RUNTIME: aws.appsync.FunctionRuntimeArgsDict = {"name": RUNTIME["name"],
                                                          "runtime_version": RUNTIME["runtime_version"]}
RESOLVER_RUNTIME: aws.appsync.ResolverRuntimeArgsDict = {"name": RUNTIME["name"],
                                                         "runtime_version": RUNTIME["runtime_version"]}
ENDPOINT_VARIABLE = "AMPLIFY_DATA_GRAPHQL_ENDPOINT"

Deferred = tuple[pulumi.Output[str], Callable[[pulumi.Output[str]], None]]
"""A value known once the functions are connected, and how to set it."""

__all__ = ["Data", "DataArgs"]


@dataclass
class DataArgs:
    """Inputs of `Data`."""

    spec: DataSpec
    """The data section (``definition.data``)."""
    auth: Auth
    """The Auth component: its user pool is an auth mode, its identity-pool roles receive the IAM grants
    (spending their budgets through `Auth.policies`), its groups are those group rules may name."""
    region: pulumi.Input[str] | None = None
    """The user pool's region; default: the provider's region."""
    protect: bool = False
    """Production: tables get deletion protection, Pulumi ``protect`` and ``retain_on_delete``."""
    plan: BackendPlan | None = None
    """The backend plan `spec` was checked in (the stack program passes it); without one, Data checks it."""
    functions: Mapping[str, Any] = field(default_factory=dict)
    """The functions the data section names, by definition name (``.arn``, ``.policies``)."""
    project_dir: Path | None = None
    """Where APPSYNC_JS handler files (``handler: {custom: {entry}}``) are; default the working directory."""
    logging: str | None = None
    """The API's CloudWatch log level (ERROR, INFO, DEBUG, ALL); None: no logging."""
    log_retention_days: int = 30
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the API, tables and roles."""
    today: datetime.date | None = None
    """The day the API key's expiry counts from (default: today, UTC)."""


class Data(pulumi.ComponentResource):
    """The GraphQL API and tables of a backend's data section; see the module docstring."""

    api: aws.appsync.GraphQLApi
    api_key: pulumi.Output[str] | None
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
        handlers = _check(args)
        pool = data_contributions(args.spec, args.auth.args.groups)
        self._owned = data_function_contributions(args.spec)
        placed = args.auth.policies.place(pool)
        super().__init__("ampliform:index:Data", name, None, opts)
        self.name, self.args = name, args
        self.schema = resolve(args.spec)
        self.pending = named_functions(self.schema)
        self._arns: dict[str, Deferred] = {f: pulumi.deferred_output() for f in self.pending}
        self._roles: dict[str, Deferred] = {f: pulumi.deferred_output() for f in self.pending}
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self.region = pulumi.Output.from_input(args.region) if args.region is not None else \
            aws.get_region_output(opts=invoke).region
        account = aws.get_caller_identity_output(opts=invoke).account_id
        self.sdl = render_schema(args.spec)
        authorizer = self.schema.modes.lambda_function
        self.api, key, self.extras = create_api(self, name, args, self.schema, self.sdl, self.region, account,
                                                self._arns[authorizer][0] if authorizer else None)
        self.api_key = pulumi.Output.secret(key.key) if key is not None else None
        self.data_sources = {"NONE": aws.appsync.DataSource(
            f"{name}-none-ds", api_id=self.api.id, name="NONE_DS", type="NONE",
            description="Custom operations' checks, subscriptions and field resolvers", opts=child)}
        self.tables = {}
        for model in self.schema.models:
            self._model(name, model, account)
        for function in sorted({o.handler.function for o in self.schema.operations if o.handler.function}):
            self._lambda_source(name, function, account)
        self.resolvers, self.functions = {}, {}
        self._resolvers(name, account, handlers)
        self.grants = args.auth.policies.create(f"{name}-graphql", pool, placed, {DATA_API.text: self.api.arn}, self)
        self.url = self.api.uris.apply(_graphql_url)
        self.model_introspection = model_introspection(args.spec)
        self.outputs_data = pulumi.Output.all(self.url, self.region).apply(
            lambda values: outputs_data(args.spec, values[0], values[1]))
        self.register_outputs({
            "url": self.url, "api_id": self.api.id, "api_arn": self.api.arn, "region": self.region,
            "default_authorization_type": default_authorization_type(self.schema),
            "authorization_types": authorization_types(self.schema),
            "table_names": {m: t.name for m, t in self.tables.items()},
            "model_introspection": self.model_introspection,
        })
        if self.pending and args.functions:
            self.connect_functions(args.functions)
        if self.pending:
            _after_program_body(self._fail_unconnected)

    def connect_functions(self, functions: Mapping[str, Any]) -> None:
        """Connect the functions the data section names (handlers, the Lambda authorizer, ``allow: resource``),
        by definition name: their ARNs reach the Lambda data sources and the authorizer, their roles' names the
        resolvers (which recognise a granted function's IAM calls), and their roles get the grants (spending
        each function's budget). Call it once the functions exist (they may take `environment()`); until then
        what depends on them waits."""
        missing = [f for f in self.pending if f not in functions]
        DefinitionError.raise_if(Problem(
            f"the data section names function {f!r}, but Data was given no such function", "data",
            "Pass it to connect_functions (the Function component of that name).") for f in missing)
        for function in self.pending:
            self._arns[function][1](pulumi.Output.from_input(functions[function].arn))
            self._roles[function][1](pulumi.Output.from_input(functions[function].role.name))
        for contribution in self._owned:
            owner = functions[contribution.role[len(FUNCTION_ROLE_PREFIX):]].policies
            self.grants += owner.create(f"{self.name}-graphql", [contribution], owner.place([contribution]),
                                        {DATA_API.text: self.api.arn}, self)
        authorizer = self.schema.modes.lambda_function
        if authorizer is not None:
            self.extras.append(aws.lambda_.Permission(
                f"{self.name}-authorizer-permission", action="lambda:InvokeFunction",
                function=functions[authorizer].arn, principal="appsync.amazonaws.com", source_arn=self.api.arn,
                opts=pulumi.ResourceOptions(parent=self)))
        self.pending = []

    def _fail_unconnected(self) -> None:
        """Once the program's body has run: functions still not connected fail what waits for them with a clean
        error, instead of leaving it waiting forever."""
        if not self.pending:
            return
        error = DefinitionError(Problem(
            f"Data {self.name!r}: function(s) {', '.join(self.pending)} were never given to connect_functions",
            "Data.connect_functions", "Call data.connect_functions({name: Function, ...}) in the program's body, "
            "once the functions exist (the stack program does), or pass DataArgs(functions=...)."))
        for function in self.pending:
            for deferred in (self._arns[function], self._roles[function]):
                deferred[1](pulumi.Output.from_input(function).apply(functools.partial(_raise, error)))
        self.pending = []

    def environment(self) -> dict[str, pulumi.Output[str]]:
        """What an ``allow: resource`` function needs to call the API: its GraphQL endpoint."""
        return {ENDPOINT_VARIABLE: self.url}

    def _model(self, name: str, model_name: str, account: pulumi.Output[str]) -> None:
        protect = self.args.protect
        model = self.schema.models[model_name]
        tags = {**dict(self.args.tags), "ampliform:model": model_name}
        table = aws.dynamodb.Table(
            f"{name}-{model_name}-table",
            billing_mode="PAY_PER_REQUEST",
            point_in_time_recovery={"enabled": True},
            server_side_encryption={"enabled": True},
            deletion_protection_enabled=protect,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=protect, retain_on_delete=protect, aliases=[
                pulumi.Alias(name=f"{name}-{old}-table") for old in self.args.spec.models[model_name].renamed_from]
                or None),
            **table_layout(model, self.schema).inputs(),
        )
        self.tables[model_name] = table
        role = self._service_role(f"{name}-{model_name}-ds-role", account, tags)
        policy = aws.iam.RolePolicy(
            f"{name}-{model_name}-ds-policy", role=role.id,
            policy=table.arn.apply(lambda arn: json.dumps(table_policy(arn), sort_keys=True)),
            opts=pulumi.ResourceOptions(parent=self))
        self.data_sources[model_name] = aws.appsync.DataSource(
            f"{name}-{model_name}-ds", api_id=self.api.id, name=model.names.table_data_source,
            type="AMAZON_DYNAMODB", description=f"The {model_name} table",
            dynamodb_config={"table_name": table.name, "region": self.region}, service_role_arn=role.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]))

    def _service_role(self, resource: str, account: pulumi.Output[str], tags: Mapping[str, str]) -> aws.iam.Role:
        return aws.iam.Role(
            resource,
            assume_role_policy=pulumi.Output.json_dumps({
                "Version": POLICY_VERSION,
                "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "appsync.amazonaws.com"}, "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account},
                                  "ArnLike": {"aws:SourceArn": self.api.arn}},
                }],
            }, sort_keys=True),
            tags=dict(tags), opts=pulumi.ResourceOptions(parent=self))

    def _lambda_source(self, name: str, function: str, account: pulumi.Output[str]) -> None:
        arn = self._arns[function][0]
        role = self._service_role(f"{name}-{function}-ds-role", account, {**dict(self.args.tags),
                                                                         "ampliform:function": function})
        policy = aws.iam.RolePolicy(
            f"{name}-{function}-ds-policy", role=role.id,
            policy=arn.apply(lambda value: json.dumps(invoke_policy(value), sort_keys=True)),
            opts=pulumi.ResourceOptions(parent=self))
        self.data_sources[f"lambda:{function}"] = aws.appsync.DataSource(
            f"{name}-{function}-ds", api_id=self.api.id, name=f"{_identifier(function)}LambdaDataSource",
            type="AWS_LAMBDA", description=f"The function {function}", lambda_config={"function_arn": arn},
            service_role_arn=role.arn, opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]))

    def _iam_roles(self, account: pulumi.Output[str]) -> pulumi.Output[IamRoles]:
        auth = self.args.auth
        guest = auth.guest_role.name if auth.guest_role is not None else None
        signed_in = [auth.authenticated_role.name, *(r.name for r in auth.group_roles.values())]
        grants = list(self.schema.resource_grants)
        function_roles = [self._roles[f][0] for f, _ in grants]

        def build(values: list[Any]) -> IamRoles:
            account_id, guest_name, *rest = values
            names, fns = rest[:len(signed_in)], rest[len(signed_in):]
            return IamRoles(account_id, guest_name, tuple(names),
                            tuple((fn, tuple(actions)) for fn, (_, actions) in zip(fns, grants, strict=True)))

        return pulumi.Output.all(account, guest, *signed_in, *function_roles).apply(build)

    def _resolvers(self, name: str, account: pulumi.Output[str], handlers: Mapping[str, str]) -> None:
        static = data_resolvers(self.args.spec, IamRoles(), handlers)
        with_roles = self._iam_roles(account).apply(lambda roles: data_resolvers(self.args.spec, roles, handlers))
        for i, spec in enumerate(static):
            self._resolver(name, spec, CodePicker(spec, with_roles if spec.embeds_roles else None, i))

    def _resolver(self, name: str, spec: ResolverSpec, code: CodePicker) -> None:
        child = pulumi.ResourceOptions(parent=self)
        functions = []
        for i, fn in enumerate(spec.functions):
            function = aws.appsync.Function(
                f"{name}-{fn.name}", api_id=self.api.id, name=fn.name,
                data_source=self.data_sources[fn.data_source or "NONE"].name, runtime=FUNCTION_RUNTIME,
                code=code.function(i), opts=child)
            self.functions[fn.name] = function
            functions.append(function.function_id)
        target = f"{spec.type_name}.{spec.field_name}"
        resource = f"{name}-{spec.type_name}-{spec.field_name}"
        if functions:
            self.resolvers[target] = aws.appsync.Resolver(
                resource, api_id=self.api.id, type=spec.type_name, field=spec.field_name, kind="PIPELINE",
                runtime=RESOLVER_RUNTIME, code=code.resolver(), pipeline_config={"functions": functions}, opts=child)
        else:
            self.resolvers[target] = aws.appsync.Resolver(
                resource, api_id=self.api.id, type=spec.type_name, field=spec.field_name, kind="UNIT",
                runtime=RESOLVER_RUNTIME, code=code.resolver(),
                data_source=self.data_sources[spec.data_source or "NONE"].name, opts=child)


@dataclass(frozen=True)
class CodePicker:
    """The code of one resolver and of its functions: plain text when it does not depend on the IAM roles,
    else taken from the role-aware resolvers once the roles' names are known."""

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


def _check(args: DataArgs) -> dict[str, str]:
    """Check what the component needs beyond the spec itself; returns the APPSYNC_JS handlers' code."""
    # without a plan, the functions are those given, or (connected later) those the data section names
    functions = tuple(args.functions) or functions_named(args.spec)
    problems = data_problems(args.spec, tuple(args.auth.args.groups), functions) if args.plan is None else []
    if problems:
        raise DefinitionError(problems)
    schema = resolve(args.spec)
    if args.auth.guest_role is None and needs_guest(schema):
        problems.append(Problem("a data rule lets guests in, but Auth has no guest role", "data",
                                "Create Auth with guest_access=True (see ampliform.guest_access_needed)."))
    if args.functions:
        problems += [Problem(f"the data section names function {f!r}, but Data was given no such function",
                             "data", "Pass it in DataArgs.functions (the Function component of that name).")
                     for f in named_functions(schema) if f not in args.functions]
    handlers: dict[str, str] = {}
    root = args.project_dir or Path.cwd()
    for operation in schema.operations:
        entry = operation.handler.entry
        if entry is None or entry in handlers:
            continue
        path = root / entry
        if not path.is_file():
            problems.append(Problem(f"APPSYNC_JS handler {entry!r} of {operation.name} not found", str(path),
                                    "Create the file (request/response functions), or fix `entry`."))
            continue
        handlers[entry] = path.read_text(encoding="utf-8")
    DefinitionError.raise_if(problems)
    return handlers


def _raise(error: Exception, _value: Any) -> Any:
    raise error


def _after_program_body(callback: Callable[[], None]) -> None:
    """Run `callback` once the program's synchronous body has returned (the event loop's next turn)."""
    try:
        asyncio.get_running_loop().call_soon(callback)
    except RuntimeError:
        return


def named_functions(schema: Any) -> list[str]:
    """The functions a resolved schema names: handlers, the Lambda authorizer, ``allow: resource`` targets."""
    named = {o.handler.function for o in schema.operations if o.handler.function}
    named |= {f for f, _ in schema.resource_grants}
    if schema.modes.lambda_function:
        named.add(schema.modes.lambda_function)
    return sorted(named)


def _identifier(name: str) -> str:
    """A data-source-safe name: letters, digits and underscores, starting with a letter."""
    out = "".join(c if c.isalnum() else "_" for c in name)
    return out if out[:1].isalpha() else f"Fn{out}"


def _graphql_url(uris: Mapping[str, str] | None) -> str:
    """The GraphQL endpoint from the API's ``uris``."""
    return cast(str, (uris or {}).get("GRAPHQL"))


def table_policy(table_arn: str) -> dict[str, Any]:
    """The data-source role's policy: the resolvers' DynamoDB actions on one table and its indexes."""
    return {"Version": POLICY_VERSION, "Statement": [{
        "Sid": "ModelTable", "Effect": "Allow", "Action": list(TABLE_ACTIONS),
        "Resource": [table_arn, f"{table_arn}/index/*"]}]}


def invoke_policy(function_arn: str) -> dict[str, Any]:
    """A Lambda data source's role policy: invoke one function (and its versions), nothing else."""
    return {"Version": POLICY_VERSION, "Statement": [{
        "Sid": "InvokeHandler", "Effect": "Allow", "Action": "lambda:InvokeFunction",
        "Resource": [function_arn, f"{function_arn}:*"]}]}

