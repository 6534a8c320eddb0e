"""The Data component's API: the GraphQL API with its auth modes, the API key, and the API's logging.

Contract: `create_api(parent, name, args, schema, sdl, region, account)` builds, parented to the Data component:

- the ``aws.appsync.GraphQLApi``: the default mode (`ampliform.data.introspection.default_authorization_type`)
  and every other configured mode as an additional provider — the Auth component's user pool
  (``default_action: ALLOW`` when it is the default), IAM (the identity pool's roles), the API key, the
  Lambda authorizer (`authorizer_arn`, the function's ARN, and the result TTL); the SDL; the stack's data
  tags; with a log level, a ``log_config`` whose role only this account's AppSync may assume and that may only
  write the API's log group;
- with the API key mode, an ``aws.appsync.ApiKey`` expiring `expires_in_days` after `args.today` (the day of
  the deployment, as Amplify's key is dated at synthesis; its key is a secret output);
- with logging, the ``aws.cloudwatch.LogGroup`` AppSync writes to (``/aws/appsync/apis/<api id>``, retention).

It returns the API, the API key resource (or None) and the other resources created.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from ampliform.data.introspection import ADDITIONAL_ORDER, AUTH_TYPES
from ampliform.data.model import Schema
from ampliform.iam.document import POLICY_VERSION


def api_key_expiry(today: datetime.date, days: int) -> str:
    """The API key's expiry: `days` after `today`, at midnight UTC (RFC 3339)."""
    return (datetime.datetime.combine(today, datetime.time(), datetime.timezone.utc)
            + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _provider(kind: str, user_pool_id: pulumi.Input[str], region: pulumi.Input[str], authorizer: Any,
              ttl: int, default: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"authentication_type": AUTH_TYPES[kind]}
    if kind == "userPools":
        out["user_pool_config"] = {"user_pool_id": user_pool_id, "aws_region": region}
        if default:
            out["user_pool_config"]["default_action"] = "ALLOW"
    if kind == "function":
        out["lambda_authorizer_config"] = {"authorizer_uri": authorizer, "authorizer_result_ttl_in_seconds": ttl}
    return out


def _log_role(parent: pulumi.Resource, name: str, account: pulumi.Output[str], region: pulumi.Input[str],
              tags: Mapping[str, str]) -> aws.iam.Role:
    return aws.iam.Role(
        f"{name}-api-logs-role",
        assume_role_policy=pulumi.Output.json_dumps({
            "Version": POLICY_VERSION,
            "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "appsync.amazonaws.com"}, "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account},
                              "ArnLike": {"aws:SourceArn": pulumi.Output.concat(
                                  "arn:aws:appsync:", region, ":", account, ":apis/*")}},
            }],
        }, sort_keys=True),
        tags=dict(tags), opts=pulumi.ResourceOptions(parent=parent))


def log_policy(log_group_arn: str) -> dict[str, Any]:
    """What the API's logging role may do: write its own log group, nothing else."""
    return {"Version": POLICY_VERSION, "Statement": [{
        "Sid": "ApiLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [log_group_arn, f"{log_group_arn}:log-stream:*"]}]}


def create_api(parent: pulumi.Resource, name: str, args: Any, schema: Schema, sdl: str, region: pulumi.Input[str],
               account: pulumi.Output[str], authorizer_arn: pulumi.Input[str] | None = None
               ) -> tuple[aws.appsync.GraphQLApi, aws.appsync.ApiKey | None, list]:
    """The API and its side resources (see the module docstring)."""
    child = pulumi.ResourceOptions(parent=parent)
    modes = schema.modes
    user_pool_id = args.auth.user_pool.id
    authorizer = authorizer_arn
    tags = {**dict(args.tags), "ampliform:component": "data"}
    extra: list = []
    kwargs: dict[str, Any] = {"authentication_type": AUTH_TYPES[modes.default], "schema": sdl, "tags": tags}
    if modes.default == "userPools":
        kwargs["user_pool_config"] = {"user_pool_id": user_pool_id, "aws_region": region, "default_action": "ALLOW"}
    if modes.default == "function" and authorizer is not None:
        kwargs["lambda_authorizer_config"] = {"authorizer_uri": authorizer,
                                              "authorizer_result_ttl_in_seconds": modes.lambda_ttl}
    kwargs["additional_authentication_providers"] = [
        _provider(kind, user_pool_id, region, authorizer, modes.lambda_ttl, False)
        for kind in ADDITIONAL_ORDER if kind in modes.providers and kind != modes.default]
    log_role = None
    if args.logging is not None:
        log_role = _log_role(parent, name, account, region, tags)
        kwargs["log_config"] = {"cloudwatch_logs_role_arn": log_role.arn, "field_log_level": args.logging,
                                "exclude_verbose_content": True}
        extra.append(log_role)
    api = aws.appsync.GraphQLApi(f"{name}-api", opts=child, **kwargs)
    if log_role is not None:
        group = aws.cloudwatch.LogGroup(f"{name}-api-logs", name=pulumi.Output.concat("/aws/appsync/apis/", api.id),
                                        retention_in_days=args.log_retention_days, tags=tags, opts=child)
        policy = aws.iam.RolePolicy(f"{name}-api-logs-policy", role=log_role.id, opts=child,
                                    policy=group.arn.apply(lambda arn: json.dumps(log_policy(arn), sort_keys=True)))
        extra += [group, policy]
    key = None
    if modes.api_key_days is not None:
        today = args.today or datetime.datetime.now(datetime.timezone.utc).date()
        key = aws.appsync.ApiKey(f"{name}-api-key", api_id=api.id, description=modes.api_key_description,
                                 expires=api_key_expiry(today, modes.api_key_days), opts=child)
    return api, key, extra
