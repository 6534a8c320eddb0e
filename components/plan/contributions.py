"""Every component's statements as `Contribution`s to the roles' budgets, in the one order they are placed.

Contract: `storage_contributions(buckets)` (contributor ``storage <bucket>``, one per bucket and role, bucket
ARN placeholders at their worst case) and `data_contributions(spec, groups)` (contributor ``data``, the API's
ARN placeholder `DATA_API`) turn the planners' statements into contributions. `backend_contributions` is the
whole backend's, in the order the stack program builds its components and the budgets are filled: data,
then each bucket in declaration order. The components contribute exactly these, in that order, to the owner
of each role, so the plan's documents are the deployed ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ampliform.access.compile import BucketAccess
from ampliform.data.grants import role_statements
from ampliform.definition.data import DataSpec
from ampliform.iam.arns import ArnPlaceholder, bucket_arn, graphql_api_arn
from ampliform.iam.budget import Contribution

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
    """Data's statements for each identity-pool role its rules open (none without models)."""
    if spec is None:
        return []
    arns = {api.text: api.worst_case}
    return [Contribution(DATA_CONTRIBUTOR, role, tuple(statements), arns)
            for role, statements in role_statements(spec, groups, api.text).items()]
