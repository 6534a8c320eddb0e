"""The pure access compiler: storage access maps → IAM policy documents, client paths, and an evaluator.

No pulumi import anywhere in this package (a test enforces it): it is fast, testable and used by the CLI.
Public API:
- `compile_definition(definition, bucket_arns=None, compat=False) -> {bucket: CompiledBucket}`
- `bind_arn(document, placeholder_arn, real_arn)`
- `allow`: the Python DSL (`allow.guest.to(["read"])`, ...), `define_storage(...)`
- `evaluate(documents, request)`, `Request`, `object_request`, `list_request`
"""

from components.access.compile import CompiledBucket, compile_bucket, compile_definition
from components.access.constants import ROLE_AUTHENTICATED, ROLE_GUEST, function_role, group_role
from components.access.render import bind_arn

__all__ = [
    "ROLE_AUTHENTICATED",
    "ROLE_GUEST",
    "CompiledBucket",
    "bind_arn",
    "compile_bucket",
    "compile_definition",
    "function_role",
    "group_role",
]
