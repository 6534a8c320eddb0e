"""Function: a Lambda function from a handler in the project, with its own role, log group, secrets and schedule.

Contract (pulumi-aws v7, type token ``ampliform:index:Function``), usable on its own or from the stack program:
- before creating anything: the spec is checked (when no plan is given), the archive is built
  (`ampliform.functions.packaging`: deterministic, dependencies for the Lambda platform, cached), every
  secret the spec lists must have a value, and the function's own needs (its log group, its parameters;
  `ampliform.plan.contributions.function_contribution`) spend its role's budget — `Function.policies`, the
  one owner of that budget (role key ``function:<name>``), which Storage then spends for `resource` rules;
- ``<name>-role``: the execution role, trusting ``lambda.amazonaws.com`` only, and only for this account
  (``aws:SourceAccount``), tagged ``ampliform:role`` = ``function:<name>``; its policies are the budget's
  documents (``aws.iam.RolePolicy``, managed ones beyond the inline room), never ``inline_policies``;
- ``<name>-logs``: the log group ``/aws/lambda/<function name>`` with the retention asked (protected and
  retained in prod), created before the function: the role may write to this group's streams only;
- ``<name>-secret-<secret>``: one SSM ``SecureString`` parameter per secret (AWS-managed key), the value a
  Pulumi secret; the function gets its name in ``<SECRET>_PARAMETER`` and may read exactly it;
- ``<name>-function``: the Lambda function (runtime and handler from `ampliform.functions.runtime`, arm64
  unless asked otherwise, ``code`` = the archive, ``source_code_hash`` = its SHA-256 in base64), its
  environment `FunctionArgs.environment` (e.g. ``<STORAGE>_BUCKET_NAME``), the spec's, and the parameter
  names, logging to its log group;
- with a schedule: ``<name>-schedule`` (EventBridge Scheduler, ``schedule_expression_timezone``) and its role
  ``<name>-schedule-role``, trusting ``scheduler.amazonaws.com`` for this account only, allowed
  ``lambda:InvokeFunction`` on this function and nothing else.
Outputs: ``function_name``, ``arn``, ``role_arn``, ``log_group``. Children are named ``<name>-...`` and
parented to the component; `register_outputs` comes last.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from ampliform.definition.functions import FunctionSpec
from ampliform.definition.load import parse_model
from ampliform.definition.model import Definition
from ampliform.errors import DefinitionError, Problem, where
from ampliform.functions.checks import spec_problems
from ampliform.functions.names import lambda_name, log_group_name, parameter_name, secret_env_name
from ampliform.functions.packaging import Package, build_package
from ampliform.functions.runtime import entry_of
from ampliform.functions.schedule import schedule_expression
from ampliform.iam.budget import Limits
from ampliform.iam.document import POLICY_VERSION
from ampliform.naming import slug
from ampliform.plan.backend import BackendPlan
from ampliform.plan.contributions import (
    function_contribution,
    function_contributor,
    log_group_placeholder,
    parameter_placeholder,
)
from ampliform.resources.policies import PolicyOwner
from ampliform.roles import function_role

LAMBDA_SERVICE = "lambda.amazonaws.com"
SCHEDULER_SERVICE = "scheduler.amazonaws.com"
ROLE_TAG = "ampliform:role"


def service_trust(service: str, account: pulumi.Input[str]) -> pulumi.Output[str]:
    """A trust policy for one AWS service, acting for this account only (``aws:SourceAccount``)."""
    return pulumi.Output.json_dumps({"Version": POLICY_VERSION, "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]}, sort_keys=True)


@dataclass
class FunctionArgs:
    """Inputs of `Function`."""

    spec: FunctionSpec | Mapping[str, Any]
    """The function (``definition.functions[name]``, or its data form: ``{"handler": "functions/x/handler.py"}``)."""

    name: str | None = None
    """Its name in the definition (role key ``function:<name>``); default: the component's name."""

    project_dir: str | Path = "."
    """The project the handler path is relative to."""

    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Environment other components provide (e.g. ``MY_BUCKET_BUCKET_NAME`` → the bucket's name)."""

    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """The value of each secret the spec lists (made a Pulumi secret if it is not one)."""

    log_retention_days: int = 14
    """Days the logs are kept, unless the spec says (the stack setting ampliform:logRetentionDays)."""

    protect: bool = False
    """Production: the log group is protected and retained on delete."""

    function_name: str | None = None
    """The physical Lambda name; default: the component's name (made valid, 64 characters at most)."""

    package: Package | None = None
    """The archive, already built (the stack program builds every archive before any resource)."""

    plan: BackendPlan | None = None
    """The backend plan the spec was checked in; without one the spec is checked here."""

    policy_limits: Limits = field(default_factory=Limits)
    """The role's budget limits, when no plan gives them."""

    pip_args: Sequence[str] = ()
    """Extra pip arguments for installing requirements (e.g. ``--find-links``, ``--no-index``)."""


def _spec(args: FunctionArgs, key: str) -> FunctionSpec:
    if isinstance(args.spec, FunctionSpec):
        return args.spec
    return parse_model(FunctionSpec, dict(args.spec), root=("functions", key))


class Function(pulumi.ComponentResource):
    """One Lambda function; see the module docstring."""

    role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup
    parameters: dict[str, aws.ssm.Parameter]
    function: aws.lambda_.Function
    schedule: aws.scheduler.Schedule | None
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: FunctionArgs, opts: pulumi.ResourceOptions | None = None):
        self.key = key = args.name or name
        self.spec = spec = _spec(args, key)
        self.entry = entry_of(spec)
        self.package = self._prepare(name, args)
        contributions = ([c for c in args.plan.contributions if c.contributor == function_contributor(key)]
                         if args.plan is not None else [function_contribution(key, spec)])
        limits = args.plan.limits if args.plan is not None else args.policy_limits
        self.policies = PolicyOwner({function_role(key): key}, limits)
        placed = self.policies.place(contributions)  # the role's own needs spend its budget first
        super().__init__("ampliform:index:Function", name, None, opts)
        self.args = args
        self.physical_name = args.function_name or lambda_name(name)
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(f"{name}-role", assume_role_policy=service_trust(LAMBDA_SERVICE, account),
                                 description=f"ampliform: execution role of function {key}",
                                 tags={ROLE_TAG: function_role(key)}, opts=child)
        self.policies.add_role(function_role(key), self.role)
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=log_group_name(self.physical_name),
            retention_in_days=spec.log_retention or args.log_retention_days,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect))
        self.parameters = {secret: aws.ssm.Parameter(
            f"{name}-secret-{slug(secret)}", name=parameter_name(self.physical_name, secret), type="SecureString",
            value=pulumi.Output.secret(args.secrets[secret]), description=f"ampliform: secret {secret} of {key}",
            opts=child) for secret in dict.fromkeys(spec.secrets)}
        arns: dict[str, pulumi.Input[str]] = {log_group_placeholder(key).text: self.log_group.arn}
        arns.update({parameter_placeholder(key, s).text: p.arn for s, p in self.parameters.items()})
        own = self.policies.create(name, contributions, placed, arns, self)
        after = pulumi.ResourceOptions(parent=self, depends_on=[self.log_group, *own])
        self.function = aws.lambda_.Function(f"{name}-function", **self._function_inputs(args), opts=after)
        self.arn = self.function.arn
        self.schedule = self._create_schedule(name, account)
        self.register_outputs({"function_name": self.function.name, "arn": self.function.arn,
                               "role_arn": self.role.arn, "log_group": self.log_group.name})

    def _prepare(self, name: str, args: FunctionArgs) -> Package:
        """Check (without a plan), require every secret's value, then build the archive: nothing exists yet."""
        problems: list[Problem] = []
        if args.plan is None:
            problems += spec_problems(Definition(), self.key, self.spec, Path(args.project_dir).resolve())
        problems += [Problem(f"function {self.key!r} lists secret {s!r}, but no value was given",
                             where("functions", self.key, "secrets", i),
                             f"Pass it: FunctionArgs(secrets={{{s!r}: <a Pulumi secret>}}).")
                     for i, s in enumerate(self.spec.secrets) if s not in args.secrets]
        DefinitionError.raise_if(problems)
        return args.package or build_package(self.key, self.spec, args.project_dir, pip_args=args.pip_args)

    def _function_inputs(self, args: FunctionArgs) -> dict[str, Any]:
        spec = self.spec
        environment: dict[str, pulumi.Input[str]] = {**args.environment, **spec.environment}
        environment.update({secret_env_name(s): p.name for s, p in self.parameters.items()})
        inputs: dict[str, Any] = {
            "name": self.physical_name, "role": self.role.arn, "runtime": self.entry.runtime,
            "handler": self.entry.lambda_handler, "code": pulumi.FileArchive(str(self.package.path)),
            "source_code_hash": self.package.source_code_hash, "architectures": [spec.architecture],
            "timeout": spec.timeout, "memory_size": spec.memory, "ephemeral_storage": {"size": spec.ephemeral_storage},
            "logging_config": {"log_format": "Text", "log_group": self.log_group.name},
            "tags": {"ampliform:function": self.key}}
        if environment:
            inputs["environment"] = {"variables": dict(sorted(environment.items()))}
        if spec.reserved_concurrency is not None:
            inputs["reserved_concurrent_executions"] = spec.reserved_concurrency
        return inputs

    def _create_schedule(self, name: str, account: pulumi.Output[str]) -> aws.scheduler.Schedule | None:
        schedule = self.spec.schedule_spec
        if schedule is None:
            return None
        expression, _ = schedule_expression(schedule.expression)
        child = pulumi.ResourceOptions(parent=self)
        self.schedule_role = aws.iam.Role(f"{name}-schedule-role",
                                          assume_role_policy=service_trust(SCHEDULER_SERVICE, account),
                                          description=f"ampliform: EventBridge Scheduler invoking {self.key}",
                                          opts=child)
        policy = pulumi.Output.json_dumps({"Version": POLICY_VERSION, "Statement": [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": self.function.arn}]}, sort_keys=True)
        invoke = aws.iam.RolePolicy(f"{name}-schedule-invoke", role=self.schedule_role.id, policy=policy, opts=child)
        return aws.scheduler.Schedule(
            f"{name}-schedule", schedule_expression=expression, schedule_expression_timezone=schedule.timezone,
            flexible_time_window={"mode": "OFF"}, description=f"ampliform: runs {self.key}",
            target={"arn": self.function.arn, "role_arn": self.schedule_role.arn},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[invoke]))
