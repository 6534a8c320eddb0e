"""A function's own IAM needs: its log group and its secrets (statements; `ampliform.plan.contributions` puts
them in the function role's budget).

Contract: `own_statements(spec, log_group, parameters)` returns exactly:
- ``logs:CreateLogStream`` + ``logs:PutLogEvents`` on the function's own log group's streams
  (``<log_group>:*``, `log_group` the group's ARN); the group exists before the function (no
  ``logs:CreateLogGroup``), and no other group is writable;
- with secrets, ``ssm:GetParameter`` + ``ssm:GetParameters`` on exactly its secrets' parameters
  (`parameters`: secret name → parameter ARN). No ``kms:Decrypt``: the parameters are SecureStrings under the
  AWS-managed key ``aws/ssm``, whose key policy already lets the account's principals decrypt through SSM
  (AWS Systems Manager guide, "Restricting decryption of SecureString parameter values"), so the ``ssm:``
  grant is the only gate, and it names these parameters only.
The ARNs are whatever the caller passes (placeholders in the plan, real ARNs nowhere else). The statements
storage `resource` rules compile to come from the storage planner, as for every other role.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ampliform.definition.functions import FunctionSpec

LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
PARAMETER_ACTIONS = ("ssm:GetParameter", "ssm:GetParameters")


def own_statements(spec: FunctionSpec, log_group: str, parameters: Mapping[str, str]) -> list[dict[str, Any]]:
    """What one function needs for itself (see the module docstring)."""
    statements: list[dict[str, Any]] = [{"Effect": "Allow", "Action": list(LOG_ACTIONS),
                                         "Resource": f"{log_group}:*"}]
    arns = sorted({parameters[s] for s in spec.secrets})
    if arns:
        statements.append({"Effect": "Allow", "Action": list(PARAMETER_ACTIONS),
                           "Resource": arns if len(arns) > 1 else arns[0]})
    return statements
