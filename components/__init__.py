"""ampliform: Amplify-Gen-2-style app backends as Pulumi ComponentResources.

``from ampliform import Auth, Storage, Data`` (and their ``*Args``), ``plan_backend`` (the whole backend
planned once: every check and every role's budget), ``guest_access_needed``, ``load_definition`` /
``parse_definition``, and the DSL (``allow``, ``define_auth``, ``define_storage``, ``define_backend``, ``a``). Names are
loaded lazily, so that the pure layers (definition, planners, IAM, review) and the CLI never import pulumi.
Layers, lowest first, each importing only the ones below it (import-linter checks it in ``make lint``):
``errors``/``roles``/``naming`` → ``definition`` → ``access`` | ``data`` | ``auth`` → ``iam`` → ``plan`` →
``review`` → ``resources`` → ``program`` → ``cli``.
"""

from __future__ import annotations

from ampliform._lazy import lazy_getattr

_LAZY = {
    "Auth": "ampliform.resources.auth",
    "AuthArgs": "ampliform.resources.auth",
    "Data": "ampliform.resources.data",
    "DataArgs": "ampliform.resources.data",
    "Storage": "ampliform.resources.storage",
    "StorageArgs": "ampliform.resources.storage",
    "a": "ampliform.definition.schema_dsl",
    "allow": "ampliform.definition.dsl",
    "define_auth": "ampliform.definition.dsl",
    "define_backend": "ampliform.definition.dsl",
    "define_storage": "ampliform.definition.dsl",
    "guest_access_needed": "ampliform.plan.backend",
    "load_definition": "ampliform.definition.load",
    "parse_definition": "ampliform.definition.load",
    "plan_backend": "ampliform.plan.backend",
}

__all__ = sorted(_LAZY)
__getattr__ = lazy_getattr(__name__, _LAZY)
