"""The stack program: the backend of one definition, for the stack being run (what ``__main__.py`` runs).

Contract: `main(project_dir)` reads the stack's ``ampliform:*`` settings (`settings_from_pulumi`), loads the
definition they name (default ``backend.yaml``), plans the whole backend once (`ampliform.plan.backend`:
every meaning check and the policy budget, before any resource exists), then builds Auth, Data (when the
definition has models) and Storage (when it has buckets) from that plan, and exports the stack outputs. A
bad setting or definition raises `DefinitionError` with every problem; ``__main__.py`` turns it into a clean
Pulumi error.

Stack outputs (stable names; `ampliform outputs` turns them into amplify_outputs.json):
- ``region``: the stack's AWS region. ``env``: ``dev`` or ``prod``.
- ``user_pool_id``, ``user_pool_client_id``, ``identity_pool_id``: the Cognito ids.
- ``unauthenticated_identities_enabled``: true only when some bucket or model has a guest rule.
- ``groups``: ``[{"<group>": {"precedence": <int>}}, ...]`` in declaration order.
- ``auth``: everything a client needs for sign-in, in amplify_outputs' ``auth`` shape: ``aws_region``,
  ``user_pool_id``, ``user_pool_client_id``, ``identity_pool_id``, ``unauthenticated_identities_enabled``,
  ``groups``, ``username_attributes``, ``standard_required_attributes``, ``user_verification_types``,
  ``mfa_configuration``, ``mfa_methods``, ``password_policy``.
- ``default_bucket``: the default bucket's friendly name; ``default_bucket_name``: its physical name.
- ``buckets``: one entry per bucket, in declaration order: ``name`` (friendly), ``bucket_name``
  (physical), ``aws_region``, ``paths`` (the client paths map).
- ``storage``: amplify_outputs' ``storage`` shape: ``aws_region``, ``bucket_name`` (default), ``buckets``.
- ``data`` (with models): amplify_outputs' ``data`` shape: ``url``, ``aws_region``,
  ``default_authorization_type``, ``authorization_types``, ``model_introspection``.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from ampliform.definition.load import load_definition
from ampliform.definition.settings import Settings, parse_settings
from ampliform.plan.backend import guest_access_needed, limits_of, plan_backend
from ampliform.resources.auth import Auth, AuthArgs
from ampliform.resources.data import Data, DataArgs
from ampliform.resources.storage import Storage, StorageArgs


def settings_from_pulumi() -> Settings:
    """The running Pulumi program's settings (its config and stack name)."""
    from pulumi.runtime import config as runtime_config

    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    stack = pulumi.get_stack()
    return parse_settings({k: str(v) for k, v in config.items()}, stack, f"stacks/Pulumi.{stack}.yaml")


def main(project_dir: Path) -> None:
    """Build the stack's backend (see the module docstring)."""
    settings = settings_from_pulumi()
    definition = load_definition(project_dir / settings.definition)
    plan = plan_backend(definition, limits=limits_of(settings))
    prefix = f"{pulumi.get_project()}-{pulumi.get_stack()}"

    auth = Auth(f"{prefix}-auth", AuthArgs(
        groups=definition.auth.groups,
        guest_access=guest_access_needed(definition),
        protect=settings.protect,
        policy_limits=plan.limits,
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

    if definition.data is not None:
        data = Data(f"{prefix}-data", DataArgs(
            spec=definition.data,
            auth=auth,
            region=region,
            protect=settings.protect,
            plan=plan,
        ))
        pulumi.export("data", data.outputs_data)

    if not definition.buckets:
        return
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
