"""ARN placeholders: how planners name a resource in a statement before the resource exists.

Contract: an `ArnPlaceholder` is the text a planner writes for a resource's ARN (``arn:aws:s3:::myBucket``,
``arn:aws:appsync:REGION:ACCOUNT:apis/data``) and the longest length the real ARN can have. The budget sizes
every statement with each placeholder counted at that worst case, so a plan that fits fits once deployed,
whatever partition, region, account or generated name the resource gets. Components bind placeholders to
the real ARNs (`ampliform.iam.document.bind_arns`) once the resources exist. The worst cases: the longest
partition (``aws-us-gov``), a 14-character region (``ap-southeast-5``), a 12-digit account, and the longest
name the service allows or ampliform generates.
"""

from __future__ import annotations

from dataclasses import dataclass

WORST_PARTITION = "aws-us-gov"
WORST_REGION_LENGTH = len("ap-southeast-5")
ACCOUNT_LENGTH = 12
REGION = "REGION"
ACCOUNT = "ACCOUNT"
"""The region and account written in placeholders (never deployed: components bind the real ARN)."""


@dataclass(frozen=True)
class ArnPlaceholder:
    """A resource's ARN as a planner writes it, and the longest the real one can be."""

    text: str
    worst_case: int


def regional_worst_case(service: str, resource: int) -> int:
    """Worst-case length of ``arn:<partition>:<service>:<region>:<account>:`` plus `resource` characters."""
    return len(f"arn:{WORST_PARTITION}:{service}:") + WORST_REGION_LENGTH + 1 + ACCOUNT_LENGTH + 1 + resource


def bucket_arn(name: str) -> ArnPlaceholder:
    """A bucket's ARN, ``arn:aws:s3:::<name>``; the real one has at most the longest partition and a
    63-character bucket name."""
    return ArnPlaceholder(f"arn:aws:s3:::{name}", len(f"arn:{WORST_PARTITION}:s3:::") + 63)


def graphql_api_arn(name: str) -> ArnPlaceholder:
    """An AppSync API's ARN (``.../apis/<26-character id>``)."""
    return ArnPlaceholder(f"arn:aws:appsync:{REGION}:{ACCOUNT}:apis/{name}",
                          regional_worst_case("appsync", len("apis/") + 26))


def user_pool_arn(name: str) -> ArnPlaceholder:
    """A Cognito user pool's ARN (``.../userpool/<region>_<9 characters>``)."""
    return ArnPlaceholder(f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{name}",
                          regional_worst_case("cognito-idp", len("userpool/") + WORST_REGION_LENGTH + 10))


def lambda_function_arn(name: str) -> ArnPlaceholder:
    """A Lambda function's ARN (a 64-character function name at most)."""
    return ArnPlaceholder(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
                          regional_worst_case("lambda", len("function:") + 64))


def log_group_arn(name: str, name_length: int) -> ArnPlaceholder:
    """A CloudWatch log group's ARN, whose real name has at most `name_length` characters."""
    return ArnPlaceholder(f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}",
                          regional_worst_case("logs", len("log-group:") + name_length))


def ssm_parameter_arn(name: str, name_length: int) -> ArnPlaceholder:
    """An SSM parameter's ARN (``.../parameter/<name>``, the name without its leading ``/``), whose real name has
    at most `name_length` characters."""
    return ArnPlaceholder(f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{name.lstrip('/')}",
                          regional_worst_case("ssm", len("parameter/") + name_length))
