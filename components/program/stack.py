"""The stack program: the backend of one definition, for the stack being run (what ``__main__.py`` runs).

Contract: `main(project_dir)` reads the stack's ``ampliform:*`` settings (`settings_from_pulumi`), loads the
definition they name (default ``backend.yaml``), plans the whole backend once (`plan_stack`:
`ampliform.plan.backend` — every meaning check, handler files in `project_dir`, every function a rule names
declared, the policy budget — and `ampliform.auth.plan`: the auth settings checked with the definition, every
problem of both in one error), checks that the stack holds every secret a function lists, and builds every
function's archive (`ampliform.functions.packaging`), all before any resource exists. Then it builds Auth
(from the auth plan; credentials the stack file holds encrypted become placeholders offline), Data (when the
definition has models), Storage (when it has buckets: buckets and identity-pool grants), each Function (with
``<STORAGE>_BUCKET_NAME`` of the buckets it has rules on, its secrets from ``ampliform:secrets``), and
connects the functions to Storage (their roles' grants, the buckets' notifications), then to Auth (the
pool's triggers and invoke permissions, `auth.access` grants) — the order of the plan's contributions. A bad
setting or definition raises `DefinitionError` with every problem; `run` (what ``__main__.py`` calls) turns
it into a clean Pulumi error.

Stack outputs (stable names; `ampliform outputs` turns them into amplify_outputs.json):
- ``region``: the stack's AWS region. ``env``: ``dev`` or ``prod``.
- ``user_pool_id``, ``user_pool_client_id``, ``identity_pool_id``: the Cognito ids.
- ``unauthenticated_identities_enabled``: true only when some bucket or model has a guest rule.
- ``groups``: ``[{"<group>": {"precedence": <int>}}, ...]`` in declaration order.
- ``auth``: everything a client needs for sign-in, in amplify_outputs' ``auth`` shape: ``aws_region``,
  ``user_pool_id``, ``user_pool_client_id``, ``identity_pool_id``, ``unauthenticated_identities_enabled``,
  ``groups``, ``username_attributes``, ``standard_required_attributes``, ``user_verification_types``,
  ``mfa_configuration``, ``mfa_methods``, ``password_policy``, and ``oauth`` (domain, identity providers,
  redirect URIs, response type, scopes) when the stack has sign-in redirects.
- ``default_bucket``: the default bucket's friendly name; ``default_bucket_name``: its physical name.
- ``buckets``: one entry per bucket, in declaration order: ``name`` (friendly), ``bucket_name``
  (physical), ``aws_region``, ``paths`` (the client paths map).
- ``storage``: amplify_outputs' ``storage`` shape: ``aws_region``, ``bucket_name`` (default), ``buckets``.
- ``data`` (with a data section): amplify_outputs' ``data`` shape: ``url``, ``aws_region``,
  ``default_authorization_type``, ``authorization_types``, ``model_introspection``; ``data_api_key`` (a
  secret, with the API key mode): the API key amplify_outputs' ``data.api_key`` holds.
- ``functions`` (with functions): per function, ``function_name`` and ``arn``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from ampliform.auth.check import auth_settings_problems
from ampliform.auth.plan import AuthPlan, plan_auth
from ampliform.data.model import resolve
from ampliform.definition.load import load_definition
from ampliform.definition.model import Definition
from ampliform.definition.settings import NAMESPACE, Settings, parse_settings
from ampliform.errors import DefinitionError
from ampliform.functions.checks import secret_problems
from ampliform.functions.names import bucket_environment, lambda_name
from ampliform.functions.packaging import Package, build_package
from ampliform.naming import slug
from ampliform.plan.backend import BackendPlan, guest_access_needed, limits_of, plan_backend
from ampliform.program.placeholders import placeholder
from ampliform.resources.auth import Auth, AuthArgs
from ampliform.resources.data import Data, DataArgs
from ampliform.resources.function import Function, FunctionArgs
from ampliform.resources.storage import Storage, StorageArgs


def settings_from_pulumi() -> Settings:
    """The running Pulumi program's settings (its config and stack name)."""
    from pulumi.runtime import config as runtime_config

    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = {k for k in config if runtime_config.is_config_secret(k)}
    secret_keys.update(runtime_config.get_config_secret_keys_env())
    stack = pulumi.get_stack()
    return parse_settings({k: str(v) for k, v in config.items()}, stack, f"stacks/Pulumi.{stack}.yaml", secret_keys)


def packages(plan: BackendPlan, settings: Settings, project_dir: Path) -> dict[str, Package]:
    """Every function's archive, after checking that the stack holds each secret a function lists."""
    DefinitionError.raise_if(secret_problems(plan.definition, settings.secrets, f"stacks/Pulumi.{settings.stack}.yaml"))
    return {name: build_package(name, spec, project_dir) for name, spec in plan.definition.functions.items()}


def _secret(secrets: pulumi.Output[Any], name: str) -> pulumi.Output[str]:
    """One value of ``ampliform:secrets`` (still a Pulumi secret)."""
    return secrets.apply(lambda values: str(values[name]))


def plan_stack(definition: Definition, settings: Settings, project_dir: Path | None = None
               ) -> tuple[BackendPlan, AuthPlan]:
    """The backend plan and the auth plan of one stack, or one `DefinitionError` with every problem of both."""
    auth_problems = auth_settings_problems(definition.auth, settings)
    try:
        plan = plan_backend(definition, limits=limits_of(settings), project_dir=project_dir,
                            require_declared_functions=project_dir is not None)
    except DefinitionError as error:
        raise DefinitionError([*error.problems, *auth_problems]) from None
    return plan, plan_auth(definition.auth, settings, pulumi.get_project(), pulumi.get_stack())


def offline_credentials(auth: AuthPlan) -> dict[str, str]:
    """Placeholders for the credentials the settings hold encrypted (an offline preview cannot decrypt them)."""
    credentials = [c for p in auth.providers for c in p.credentials.values()] + list(auth.login_providers.values())
    return {c.key: placeholder(*c.key.rsplit(".", 1)) for c in credentials if c.value is None}


def main(project_dir: Path) -> None:
    """Build the stack's backend (see the module docstring)."""
    settings = settings_from_pulumi()
    definition = load_definition(project_dir / settings.definition)
    plan, auth_plan = plan_stack(definition, settings, project_dir)
    archives = packages(plan, settings, project_dir)
    prefix = f"{pulumi.get_project()}-{pulumi.get_stack()}"

    auth = Auth(f"{prefix}-auth", AuthArgs(
        plan=auth_plan,
        guest_access=guest_access_needed(definition),
        protect=settings.protect,
        policy_limits=plan.limits,
        credentials=offline_credentials(auth_plan),
    ))
    region = aws.get_region_output().region
    client_auth = auth.client_settings()
    pulumi.export("region", region)
    pulumi.export("env", settings.env)
    pulumi.export("user_pool_id", auth.user_pool.id)
    pulumi.export("user_pool_client_id", auth.client.id)
    pulumi.export("identity_pool_id", auth.identity_pool.id)
    pulumi.export("unauthenticated_identities_enabled", client_auth["unauthenticated_identities_enabled"])
    pulumi.export("groups", client_auth["groups"])
    pulumi.export("auth", {
        "aws_region": region,
        "user_pool_id": auth.user_pool.id,
        "user_pool_client_id": auth.client.id,
        "identity_pool_id": auth.identity_pool.id,
        **client_auth,
    })

    data = None
    if definition.data is not None:
        data = Data(f"{prefix}-data", DataArgs(
            spec=definition.data,
            auth=auth,
            region=region,
            protect=settings.protect,
            plan=plan,
            project_dir=project_dir,
            logging=settings.data_logging,
            log_retention_days=settings.data_log_retention_days,
            tags=dict(settings.data_tags),
        ))
        pulumi.export("data", data.outputs_data)
        if data.api_key is not None:
            pulumi.export("data_api_key", data.api_key)

    storage = None
    if definition.buckets:
        storage = Storage(f"{prefix}-storage", StorageArgs(
            plan=plan,
            auth=auth,
            cors_origins=settings.cors_origins,
            versioning=settings.versioning,
            protect=settings.protect,
        ))
        buckets = storage.client_outputs()
        default_name = storage.bucket_names[storage.default_bucket]
        pulumi.export("default_bucket", storage.default_bucket)
        pulumi.export("default_bucket_name", default_name)
        pulumi.export("buckets", buckets)
        pulumi.export("storage", {"aws_region": storage.region, "bucket_name": default_name, "buckets": buckets})

    if not definition.functions:
        return
    names = storage.bucket_names if storage is not None else {}
    secrets = pulumi.Config(NAMESPACE).get_secret_object("secrets") if settings.secrets else None
    functions = {}
    calls_data = {f for f, _ in resolve(definition.data).resource_grants} if definition.data is not None else set()
    for name, spec in definition.functions.items():
        environment: dict[str, pulumi.Input[str]] = {
            env: names[bucket] for env, bucket in bucket_environment(definition, name).items()}
        if data is not None and name in calls_data:
            environment.update(data.environment())
        functions[name] = Function(f"{prefix}-fn-{slug(name)}", FunctionArgs(
            spec=spec,
            name=name,
            project_dir=project_dir,
            environment=environment,
            secrets={s: _secret(secrets, s) for s in spec.secrets} if secrets is not None else {},
            log_retention_days=settings.log_retention_days,
            protect=settings.protect,
            function_name=lambda_name(f"{prefix}-{name}"),
            package=archives[name],
            plan=plan,
        ))
    if storage is not None and storage.pending:
        storage.connect_functions({n: functions[n] for n in storage.pending})
    if auth.pending:
        auth.connect_functions({n: functions[n] for n in auth.pending})
    if data is not None and data.pending:
        data.connect_functions({n: functions[n] for n in data.pending})
    pulumi.export("functions", {n: {"function_name": f.function.name, "arn": f.arn} for n, f in functions.items()})


class ProgramError(DefinitionError, pulumi.RunError):
    """A user error that the Pulumi CLI reports as a clean failure, listing every problem."""


def run(project_dir: Path) -> None:
    """`main`, with a user error turned into a `ProgramError`: what a project's ``__main__.py`` calls."""
    try:
        main(project_dir)
    except DefinitionError as error:
        raise ProgramError(error.problems) from None
