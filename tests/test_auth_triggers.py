"""Cognito triggers and functions' user-pool access, without the circular dependency Amplify users hit.

The Auth component takes its trigger functions before or after it is built (`AuthArgs.functions`, or
`Auth.connect_functions` once the functions exist, as the stack program builds them after Storage). Shown under
mocks, for both orders: the pool's ``lambdaConfig`` names each function's ARN; one Lambda permission per
function lets ``cognito-idp.amazonaws.com`` invoke it for this pool only; `auth.access` puts exactly the
granted actions on this pool into the function's role, through its budget owner; the registered dependency
graph has no cycle and the function depends on nothing of the pool's. The trigger reads the pool's id from
its event (`tests/fixtures/auth-app/functions/add_to_group/handler.py`).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from conftest import ACCOUNT, REGION, run
from iam_lint import lint

from ampliform.auth.plan import plan_auth
from ampliform.definition.load import parse_definition
from ampliform.definition.settings import parse_settings
from ampliform.resources.auth import Auth, AuthArgs
from ampliform.resources.policies import PolicyOwner
from ampliform.roles import function_role

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "auth-app"
AUTH = {"groups": ["editors"], "triggers": {"pre_sign_up": "checkDomain", "post_confirmation": "addToGroup"},
        "access": [{"function": "addToGroup", "to": ["add_user_to_group"]}]}
POOL_ARN = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_a-user-pool"


class Lambda:
    """A function as Auth needs it: an ``arn``, and a ``policies`` budget owner for its role."""

    def __init__(self, name: str):
        self.role = aws.iam.Role(f"{name}-role", assume_role_policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]}))
        self.function = aws.lambda_.Function(f"{name}-function", role=self.role.arn, runtime="python3.13",
                                             handler="handler.handler", code=pulumi.AssetArchive({}))
        self.arn = self.function.arn
        self.policies = PolicyOwner({function_role(name): self.role})


def plan():
    settings = parse_settings({"aws:region": REGION}, "dev")
    return plan_auth(parse_definition({"auth": AUTH}).auth, settings, "ampliform", "dev")


def build(mocks: Any, before: bool) -> Auth:
    captured: dict[str, Auth] = {}

    def program() -> None:
        if before:
            functions = {n: Lambda(n) for n in ("checkDomain", "addToGroup")}
            captured["auth"] = Auth("a", AuthArgs(plan=plan(), functions=functions))
        else:
            auth = Auth("a", AuthArgs(plan=plan()))
            assert auth.pending == ["addToGroup", "checkDomain"]
            auth.connect_functions({n: Lambda(n) for n in ("checkDomain", "addToGroup")})
            captured["auth"] = auth
        assert captured["auth"].pending == []

    run(program)
    assert mocks.resources
    return captured["auth"]


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A dependency cycle among the registered resources, if there is one."""
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, node])):
                return found
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node, [])):
            return found
    return None


@pytest.mark.parametrize("before", [True, False], ids=["functions-first", "functions-after-auth"])
def test_triggers_are_wired_without_a_cycle(mocks: Any, before: bool):
    build(mocks, before)
    by_name = mocks.by_name()
    pool = by_name["a-user-pool"].inputs
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{{}}-function"
    assert pool["lambdaConfig"] == {"preSignUp": arn.format("checkDomain"),
                                    "postConfirmation": arn.format("addToGroup")}
    for fn in ("checkDomain", "addToGroup"):
        permission = by_name[f"a-invoke-{fn.lower()}"].inputs
        assert permission == {"action": "lambda:InvokeFunction", "function": arn.format(fn),
                              "principal": "cognito-idp.amazonaws.com", "sourceArn": POOL_ARN,
                              "sourceAccount": ACCOUNT}
    options = mocks.monitor.options
    urn_of = {name: f"{typ}::{name}" for typ, name in options}
    edges = {name: {n for dep in opts["dependencies"] for n in urn_of if dep.endswith(urn_of[n])}
             for (_, name), opts in options.items()}
    assert cycle(edges) is None and cycle({**edges, "checkDomain-function": {"a-user-pool"}}) is not None
    assert {"checkDomain-function", "addToGroup-function"} <= edges["a-user-pool"]
    for fn in ("checkDomain-function", "addToGroup-function"):
        assert "a-user-pool" not in edges[fn]


def test_access_puts_exactly_the_granted_actions_in_the_functions_role(mocks: Any):
    build(mocks, before=False)
    policies = mocks.by_type("aws:iam/rolePolicy:RolePolicy")
    (policy,) = [p for p in policies if p.name.startswith("a-access-")]
    assert policy.name == "a-access-function-addtogroup-0"
    assert policy.inputs["role"] == "addToGroup-role"
    document = json.loads(policy.inputs["policy"])
    assert document["Statement"] == [{"Sid": "UserPoolAccess", "Effect": "Allow",
                                      "Action": ["cognito-idp:AdminAddUserToGroup"], "Resource": POOL_ARN}]
    assert lint(document) == []
    assert not [p for p in policies if "checkdomain" in p.name.lower()], "a trigger alone grants nothing"


def test_auth_refuses_to_wire_an_unknown_function(mocks: Any):
    def program() -> None:
        auth = Auth("a", AuthArgs(plan=plan()))
        with pytest.raises(ValueError, match=r"no function given for \['checkDomain'\]"):
            auth.connect_functions({"addToGroup": Lambda("addToGroup")})
        auth.connect_functions({"addToGroup": Lambda("addToGroup"), "checkDomain": Lambda("checkDomain")})

    run(program)
    assert mocks.by_type("aws:cognito/userPool:UserPool")


def test_the_trigger_reads_the_pool_id_from_its_event(monkeypatch: pytest.MonkeyPatch):
    spec = importlib.util.spec_from_file_location("add_to_group", FIXTURE / "functions" / "add_to_group" / "handler.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calls: list[dict[str, str]] = []

    class Client:
        def admin_add_user_to_group(self, **kwargs: str) -> None:
            calls.append(kwargs)

    event = {"version": "1", "triggerSource": "PostConfirmation_ConfirmSignUp", "region": REGION,
             "userPoolId": f"{REGION}_AbCdEf123", "userName": "3f1c-user", "request": {"userAttributes": {}},
             "response": {}}
    monkeypatch.setenv("GROUP_NAME", "editors")
    assert module.handler(event, None, client=Client()) is event
    assert calls == [{"UserPoolId": f"{REGION}_AbCdEf123", "Username": "3f1c-user", "GroupName": "editors"}]


def test_triggers_never_connected_fail_cleanly_instead_of_hanging(mocks: Any):
    """An Auth whose trigger functions are never given to connect_functions would leave the user pool waiting
    for their ARNs forever; once the program's body has run, it fails with a located error instead."""
    import threading

    from ampliform.errors import DefinitionError

    outcome: dict[str, BaseException | None] = {}

    def program() -> None:
        Auth("a", AuthArgs(plan=plan()))  # triggers planned, functions never connected

    def target() -> None:
        try:
            run(program)
            outcome["error"] = None
        except BaseException as error:  # noqa: BLE001 - what the run raised is the result
            outcome["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the program hung waiting for the trigger functions"
    error = outcome["error"]
    assert isinstance(error, DefinitionError), repr(error)
    assert "were never given to connect_functions" in str(error) and "addToGroup, checkDomain" in str(error)
