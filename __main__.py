"""The ampliform Pulumi program: the app in the box (backend.yaml) for the stack being run.

Reads the stack's ``ampliform:*`` settings (`components.settings`; stacks/Pulumi.<stack>.yaml), loads and
validates the definition they name (default ``backend.yaml``), then builds Auth, Data (when the definition has
models) and Storage. A bad setting or
definition stops the program with every problem listed (no traceback in the Pulumi CLI).

Stack outputs (stable names; `ampliform outputs` turns them into amplify_outputs.json):
- ``region``: the stack's AWS region.
- ``env``: ``dev`` or ``prod``.
- ``user_pool_id``, ``user_pool_client_id``, ``identity_pool_id``: the Cognito ids.
- ``unauthenticated_identities_enabled``: true only when some bucket has a guest rule.
- ``groups``: ``[{"<group>": {"precedence": <int>}}, ...]`` in declaration order.
- ``auth``: everything a client needs for sign-in, in amplify_outputs' ``auth`` shape: ``aws_region``,
  ``user_pool_id``, ``user_pool_client_id``, ``identity_pool_id``, ``unauthenticated_identities_enabled``,
  ``groups``, ``username_attributes``, ``standard_required_attributes``, ``user_verification_types``,
  ``mfa_configuration``, ``mfa_methods``, ``password_policy`` (``min_length``, ``require_lowercase``,
  ``require_uppercase``, ``require_numbers``, ``require_symbols``).
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

from components import Auth, AuthArgs, Data, DataArgs, Storage, StorageArgs
from components.access.budget import Limits
from components.access.compile import compile_backend
from components.data.access import guest_access_needed as data_guest_access_needed
from components.errors import DefinitionError
from components.loader import load_definition
from components.settings import settings_from_pulumi
from components.storage import guest_access_needed

PROJECT_DIR = Path(globals().get("__file__") or "__main__.py").resolve().parent


class ProgramError(DefinitionError, pulumi.RunError):
    """A user error that the Pulumi CLI reports as a clean failure, listing every problem."""


def main() -> None:
    settings = settings_from_pulumi()
    definition = load_definition(PROJECT_DIR / settings.definition)
    # everything Storage will check (paths, groups, data, the policy budget), before any resource exists
    compile_backend(definition, compat=settings.amplify_compat,
                    limits=Limits(managed_quota=settings.max_managed_policies))
    prefix = f"{pulumi.get_project()}-{pulumi.get_stack()}"

    auth = Auth(f"{prefix}-auth", AuthArgs(
        groups=definition.auth.groups,
        guest_access=guest_access_needed(definition) or data_guest_access_needed(definition.data),
        protect=settings.protect,
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
            user_pool_id=auth.user_pool.id,
            authenticated_role=auth.authenticated_role,
            guest_role=auth.guest_role,
            group_roles=auth.group_roles,
            groups=definition.auth.groups,
            region=region,
            protect=settings.protect,
        ))
        pulumi.export("data", data.outputs_data)

    if not definition.buckets:
        return
    storage = Storage(f"{prefix}-storage", StorageArgs(
        definition=definition,
        auth=auth,
        cors_origins=settings.cors_origins,
        versioning=settings.versioning,
        protect=settings.protect,
        compat=settings.amplify_compat,
        max_managed_policies=settings.max_managed_policies,
    ))
    buckets = storage.client_outputs()
    default_name = storage.bucket_names[storage.default_bucket]
    pulumi.export("default_bucket", storage.default_bucket)
    pulumi.export("default_bucket_name", default_name)
    pulumi.export("buckets", buckets)
    pulumi.export("storage", {"aws_region": storage.region, "bucket_name": default_name, "buckets": buckets})


try:
    main()
except DefinitionError as error:
    raise ProgramError(error.problems) from None
