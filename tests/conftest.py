"""Shared test fixtures: Pulumi mocks that record every registered resource and its options.

`mocks` installs fresh mocks (and a fresh root stack) for one test; `run(fn)` runs a program under them and
waits for every registration and apply. A test that builds resources must assert `mocks.resources` is not
empty: without mocks, pulumi builds nothing and raises nothing.
"""

from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks as pulumi_mocks

ACCOUNT = "123456789012"
REGION = "eu-west-1"


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """Records the resource options the engine would see (protect, retainOnDelete, ...)."""

    def __init__(self, mocks: RecordingMocks):
        super().__init__(mocks)
        self.options: dict[tuple[str, str], dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        self.options[(request.type, request.name)] = {
            "protect": bool(request.protect),
            "retainOnDelete": bool(request.retainOnDelete),
            "parent": request.parent,
            "dependencies": list(request.dependencies),
        }
        return super().RegisterResource(request)


class RecordingMocks(pulumi.runtime.Mocks):
    """Mocks that record resources and give computed attributes realistic values."""

    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []
        self.calls: list[pulumi.runtime.MockCallArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        self.resources.append(args)
        out, rid = dict(args.inputs), f"{args.name}-id"
        if args.typ == "aws:s3/bucket:Bucket":
            out["bucket"] = out.get("bucket") or f"{args.name}-abc123"
            out["arn"], rid = f"arn:aws:s3:::{out['bucket']}", out["bucket"]
        elif args.typ in ("aws:iam/role:Role", "aws:iam/policy:Policy"):
            out["name"] = out.get("name") or args.name
            kind = args.typ.split(":")[-1].lower()
            out["arn"] = f"arn:aws:iam::{ACCOUNT}:{kind}/{out['name']}"
            rid = out["name"]
        elif args.typ == "aws:cognito/userPool:UserPool":
            rid = f"{REGION}_{args.name}"
            out["endpoint"] = f"cognito-idp.{REGION}.amazonaws.com/{rid}"
            out["arn"] = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{rid}"
        elif args.typ == "aws:dynamodb/table:Table":
            out["name"] = out.get("name") or f"{args.name}-0a1b2c"
            out["arn"] = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{out['name']}"
        elif args.typ == "aws:appsync/graphQLApi:GraphQLApi":
            out["arn"] = f"arn:aws:appsync:{REGION}:{ACCOUNT}:apis/{args.name}-id"
            out["uris"] = {"GRAPHQL": f"https://{args.name}.appsync-api.{REGION}.amazonaws.com/graphql"}
        elif args.typ == "aws:appsync/function:Function":
            out["functionId"] = f"{args.name}-fid"
        elif args.typ == "aws:cloudwatch/logGroup:LogGroup":
            out["arn"] = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{out.get('name') or args.name}"
        elif args.typ == "aws:ssm/parameter:Parameter":
            out["arn"] = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{str(out.get('name') or args.name).lstrip('/')}"
        elif args.typ == "aws:lambda/function:Function":
            out["name"] = out.get("name") or args.name
            out["arn"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{out['name']}"
        elif args.typ == "aws:appsync/apiKey:ApiKey":
            out["key"] = f"da2-{args.name}"
        else:
            out.setdefault("arn", f"arn:aws:mock:{REGION}:{ACCOUNT}:{args.typ.split(':')[-1]}/{args.name}")
        return rid, out

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        self.calls.append(args)
        if args.token == "aws:index/getRegion:getRegion":
            return {"region": REGION, "name": REGION, "id": REGION}
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/test", "userId": "test"}
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com"}
        return {}

    def by_type(self, typ: str) -> list[pulumi.runtime.MockResourceArgs]:
        """Registered resources of one type token, in registration order."""
        return [r for r in self.resources if r.typ == typ]

    def by_name(self) -> dict[str, pulumi.runtime.MockResourceArgs]:
        """Registered resources by name."""
        return {r.name: r for r in self.resources}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite tests/golden/*/expected.json from the current compiler (make golden).")


@pytest.fixture
def mocks() -> RecordingMocks:
    """Fresh mocks and a fresh root stack for the 'ampliform' project, stack 'dev'."""
    pulumi.runtime.settings.ROOT.set(None)
    recorder = RecordingMocks()
    recorder.monitor = RecordingMonitor(recorder)  # type: ignore[attr-defined]
    pulumi.runtime.set_mocks(recorder, project="ampliform", stack="dev", preview=False,
                             monitor=recorder.monitor)  # type: ignore[attr-defined]
    return recorder


def run(fn: Callable[[], Any]) -> None:
    """Run `fn` as a Pulumi program under the installed mocks; blocks until all work has finished."""

    def program() -> None:
        fn()

    pulumi.runtime.test(program)()


def run_program(path: str | Path, config: dict[str, str]) -> dict[str, Any]:
    """Run the Pulumi program file `path` (e.g. __main__.py) under the installed mocks with stack `config`
    (``namespace:key`` → string); returns its stack exports, resolved."""
    pulumi.runtime.set_all_config(dict(config))
    exports: dict[str, Any] = {}

    def program() -> Any:
        runpy.run_path(str(path), run_name="__main__")
        stack = pulumi.runtime.settings.get_root_resource()
        return pulumi.Output.from_input(dict(stack.outputs)).apply(exports.update)  # type: ignore[union-attr]

    try:
        pulumi.runtime.test(program)()
    finally:
        pulumi.runtime.set_all_config({})
    return exports


def stack_mocks(stack: str) -> RecordingMocks:
    """Like the `mocks` fixture, for any stack name (the program reads it)."""
    pulumi.runtime.settings.ROOT.set(None)
    recorder = RecordingMocks()
    recorder.monitor = RecordingMonitor(recorder)  # type: ignore[attr-defined]
    pulumi.runtime.set_mocks(recorder, project="ampliform", stack=stack, preview=False,
                             monitor=recorder.monitor)  # type: ignore[attr-defined]
    return recorder
