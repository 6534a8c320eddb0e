"""Every component's statements as `Contribution`s to the roles' budgets, in the one order they are placed.

Contract: `storage_contributions(buckets)` (contributor ``storage <bucket>``, one per bucket and role, bucket
ARN placeholders at their worst case) and `data_contributions(spec, groups)` (contributor ``data``, the API's
ARN placeholder `DATA_API`; `data_function_contributions(spec)` for the roles of functions granted ``allow:
resource``) and `function_contributions(functions)` (contributor ``function <name>``, its
own log group and secret parameters, `log_group_placeholder` / `parameter_placeholder`) and
`auth_contributions(auth)` (contributor ``auth``, the user-pool actions `auth.access` grants a function,
`AUTH_USER_POOL`) turn the planners' statements into contributions. The whole backend's are placed in the
order the stack program builds its components and the budgets are filled: data, then each function's own
needs, then each bucket in declaration order, then auth's grants (a function role gets its own needs first,
then what storage rules grant it, then what `auth.access` grants it, then what Data's ``allow: resource``
grants it). The
components contribute exactly these, in that order, to the owner of each role, so the plan's documents are
the deployed ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ampliform.access.compile import BucketAccess
from ampliform.auth.access import access_statements
from ampliform.data.grants import function_statements, role_statements
from ampliform.definition.auth import AuthSpec
from ampliform.definition.data import DataSpec
from ampliform.definition.functions import FunctionSpec
from ampliform.functions.names import LOG_GROUP_MAX, log_group_name, parameter_max, parameter_name
from ampliform.functions.statements import own_statements
from ampliform.iam.arns import (
    ArnPlaceholder,
    bucket_arn,
    graphql_api_arn,
    log_group_arn,
    ssm_parameter_arn,
    user_pool_arn,
)
from ampliform.iam.budget import Contribution
from ampliform.roles import function_role

DATA_CONTRIBUTOR = "data"
DATA_API = graphql_api_arn("data")
"""The placeholder the Data component binds to its API's ARN."""


def storage_contributor(bucket: str) -> str:
    """The contributor name of one bucket's access."""
    return f"storage {bucket}"


def storage_contributions(buckets: Mapping[str, BucketAccess]) -> list[Contribution]:
    """One contribution per bucket and role, buckets in order, roles sorted."""
    out = []
    for name, bucket in buckets.items():
        arns = {bucket.arn: bucket_arn(name).worst_case}
        for role, statements in bucket.roles.items():
            out.append(Contribution(storage_contributor(name), role, tuple(statements), arns))
    return out


def data_contributions(spec: DataSpec | None, groups: Sequence[str], api: ArnPlaceholder = DATA_API
                       ) -> list[Contribution]:
    """Data's statements for each identity-pool role its rules open (none without a data section)."""
    if spec is None:
        return []
    arns = {api.text: api.worst_case}
    return [Contribution(DATA_CONTRIBUTOR, role, tuple(statements), arns)
            for role, statements in role_statements(spec, groups, api.text).items()]


def data_function_contributions(spec: DataSpec | None, api: ArnPlaceholder = DATA_API) -> list[Contribution]:
    """Data's statements for each function a schema-level ``allow: resource`` rule names (placed once the
    functions are connected to Data, after their other grants)."""
    if spec is None:
        return []
    arns = {api.text: api.worst_case}
    return [Contribution(DATA_CONTRIBUTOR, role, tuple(statements), arns)
            for role, statements in function_statements(spec, api.text).items()]


def function_contributor(name: str) -> str:
    """The contributor name of a function's own needs."""
    return f"function {name}"


def log_group_placeholder(name: str) -> ArnPlaceholder:
    """Function `name`'s log group ARN as the plan writes it (the component binds it to the real one)."""
    return log_group_arn(log_group_name(name), LOG_GROUP_MAX)


def parameter_placeholder(name: str, secret: str) -> ArnPlaceholder:
    """The ARN of function `name`'s parameter for `secret`, as the plan writes it."""
    return ssm_parameter_arn(parameter_name(name, secret), parameter_max(secret))


def function_placeholders(name: str, spec: FunctionSpec) -> list[ArnPlaceholder]:
    """Every placeholder of one function's own statements: its log group, then its parameters."""
    return [log_group_placeholder(name), *(parameter_placeholder(name, s) for s in dict.fromkeys(spec.secrets))]


def function_contribution(name: str, spec: FunctionSpec) -> Contribution:
    """Function `name`'s own needs (`ampliform.functions.statements`) as one contribution to its role."""
    parameters = {s: parameter_placeholder(name, s).text for s in spec.secrets}
    statements = own_statements(spec, log_group_placeholder(name).text, parameters)
    return Contribution(function_contributor(name), function_role(name), tuple(statements),
                        {p.text: p.worst_case for p in function_placeholders(name, spec)})


def function_contributions(functions: Mapping[str, FunctionSpec]) -> list[Contribution]:
    """Every function's own contribution, in declaration order."""
    return [function_contribution(name, spec) for name, spec in functions.items()]


AUTH_CONTRIBUTOR = "auth"
AUTH_USER_POOL = user_pool_arn("auth")
"""The placeholder the Auth component binds to its user pool's ARN."""


def auth_contributions(auth: AuthSpec) -> list[Contribution]:
    """The user-pool actions `auth.access` grants each function (`ampliform.auth.access`), one contribution to its
    role per function, in `auth.access` order; the Auth component adds them once the functions exist."""
    arns = {AUTH_USER_POOL.text: AUTH_USER_POOL.worst_case}
    return [Contribution(AUTH_CONTRIBUTOR, role, tuple(statements), arns)
            for role, statements in access_statements(auth, AUTH_USER_POOL.text).items()]
