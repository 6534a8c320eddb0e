"""The pure access compiler: storage access maps → IAM policy documents, client paths, and an evaluator.

No pulumi import anywhere in this package (a test enforces it): it is fast, testable and used by the CLI.
Public API (loaded lazily, so that the model modules can be imported on their own):
- `compile_definition(definition, bucket_arns=None, compat=False) -> {bucket: CompiledBucket}`;
  `compile_backend(...)` also returns each role's budget
- `bind_arn(document, placeholder_arn, real_arn)`
- role keys: `ROLE_AUTHENTICATED`, `ROLE_GUEST`, `group_role(g)`, `function_role(f)`
Submodules: `dsl` (the Python DSL), `evaluate` (IAM evaluator), `probes`, `explain`.
"""

from __future__ import annotations

from components._lazy import lazy_getattr

_LAZY = {
    "CompiledBucket": "components.access.compile",
    "compile_backend": "components.access.compile",
    "CompiledBackend": "components.access.compile",
    "compile_definition": "components.access.compile",
    "bind_arn": "components.access.render",
    "ROLE_AUTHENTICATED": "components.access.constants",
    "ROLE_GUEST": "components.access.constants",
    "function_role": "components.access.constants",
    "group_role": "components.access.constants",
}

__all__ = sorted(_LAZY)
__getattr__ = lazy_getattr(__name__, _LAZY)
