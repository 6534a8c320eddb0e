"""Functions' access to the user pool (`auth.access`): Amplify's actions as IAM statements (pure).

Contract: `function_actions(auth)` maps each function named in `auth.access` to the ``cognito-idp:`` actions
its rules grant (Amplify's action table, `ampliform.definition.auth.AUTH_ACTIONS`; sorted, each once,
rules of one function merged). `access_statements(auth, user_pool_arn)` is one statement per function,
keyed by the function's role key (``function:<name>``), allowing exactly those actions on the one user pool
(`user_pool_arn` is the placeholder the budget sizes, `ampliform.iam.arns.user_pool_arn`); the backend
plan hands them to the function's budget owner. No rule, no statement.
"""

from __future__ import annotations

from typing import Any

from ampliform.definition.auth import AUTH_ACTIONS, AuthSpec
from ampliform.roles import function_role


def function_actions(auth: AuthSpec) -> dict[str, tuple[str, ...]]:
    """Function → the IAM actions `auth.access` grants it on the user pool."""
    out: dict[str, set[str]] = {}
    for rule in auth.access:
        actions = out.setdefault(rule.function, set())
        for action in rule.to:
            actions.update(f"cognito-idp:{a}" for a in AUTH_ACTIONS.get(action, ()))
    return {fn: tuple(sorted(actions)) for fn, actions in out.items() if actions}


def access_statements(auth: AuthSpec, user_pool_arn: str) -> dict[str, list[dict[str, Any]]]:
    """Role key → the statements giving that function its user-pool actions."""
    return {function_role(fn): [{"Sid": "UserPoolAccess", "Effect": "Allow", "Action": list(actions),
                                 "Resource": user_pool_arn}]
            for fn, actions in function_actions(auth).items()}
