"""Storage triggers at deployment: one bucket's S3 notification and the Lambda permissions it needs.

Contract: `create_triggers(prefix, bucket, triggers, functions, account, parent)` creates, for one bucket and
its planned triggers (`ampliform.functions.triggers.PlannedTrigger`, in the order written):
- one ``aws.lambda_.Permission`` per function (``<prefix>-invoke-<function>``): ``lambda:InvokeFunction`` for
  ``s3.amazonaws.com``, limited to this bucket's ARN (``source_arn``) and this account (``source_account``);
- exactly one ``aws.s3.BucketNotification`` (``<prefix>-notifications``) holding every trigger: created events
  → ``on_upload``, removed → ``on_delete``, each with its prefix/suffix filter; it depends on the
  permissions, since S3 checks that it may invoke each destination when the configuration is put.
Returns the notification and the permissions by function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from ampliform.functions.triggers import PlannedTrigger
from ampliform.naming import slug
from ampliform.resources.function import Function


def create_triggers(prefix: str, bucket: aws.s3.Bucket, triggers: Sequence[PlannedTrigger],
                    functions: Mapping[str, Function], account: pulumi.Input[str], parent: pulumi.Resource
                    ) -> tuple[aws.s3.BucketNotification, dict[str, aws.lambda_.Permission]]:
    """The permissions, then the notification (see the module docstring)."""
    permissions = {function: aws.lambda_.Permission(
        f"{prefix}-invoke-{slug(function)}", action="lambda:InvokeFunction",
        function=functions[function].function.name, principal="s3.amazonaws.com", source_arn=bucket.arn,
        source_account=account, opts=pulumi.ResourceOptions(parent=parent))
        for function in dict.fromkeys(t.function for t in triggers)}
    notification = aws.s3.BucketNotification(
        f"{prefix}-notifications", bucket=bucket.id,
        lambda_functions=[_configuration(t, i, functions[t.function]) for i, t in enumerate(triggers)],
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(permissions.values())))
    return notification, permissions


def _configuration(trigger: PlannedTrigger, index: int, function: Function) -> Any:
    """One Lambda configuration of the notification."""
    out: dict[str, Any] = {"id": f"{trigger.event}-{slug(trigger.function)}-{index}",
                           "lambda_function_arn": function.arn, "events": [trigger.s3_event]}
    if trigger.prefix:
        out["filter_prefix"] = trigger.prefix
    if trigger.suffix:
        out["filter_suffix"] = trigger.suffix
    return out
