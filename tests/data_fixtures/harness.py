"""Running a data section's resolvers under node against the stand-in (`appsync_harness.mjs`).

`run_resolvers(spec, steps, roles, handlers)` serialises every resolver of `spec`, declares each model's table
as `ampliform.data.tables` lays it out (keys and indexes), runs `steps` and returns one result per step. The
callers below are the ones the tests use (alice, bob; carol in group admin; IAM callers by role; an API key; a
Lambda-authorized caller).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from ampliform.data.model import resolve
from ampliform.data.resolvers import IamRoles, ResolverSpec, data_resolvers
from ampliform.data.tables import table_layout
from ampliform.definition.data import DataSpec

HARNESS = Path(__file__).with_name("appsync_harness.mjs")
ACCOUNT = "123456789012"
ROLES = IamRoles(account=ACCOUNT, guest="app-guest-role", signed_in=("app-authenticated-role", "app-admin-role"),
                 functions=(("app-reporter-role", ("query",)),))

ALICE = {"userPools": {"sub": "sub-alice", "username": "alice"}}
BOB = {"userPools": {"sub": "sub-bob", "username": "bob"}}
CAROL = {"userPools": {"sub": "sub-carol", "username": "carol", "groups": ["admin"]}}
GUEST = {"iam": {"role": "app-guest-role", "account": ACCOUNT}}
SIGNED_IN_IAM = {"iam": {"role": "app-authenticated-role", "account": ACCOUNT}}
STRANGER_IAM = {"iam": {"role": "some-other-role", "account": ACCOUNT}}
REPORTER = {"iam": {"role": "app-reporter-role", "account": ACCOUNT}}
API_KEY = {"apiKey": True}
LAMBDA = {"lambda": {"tenant": "t1"}}


def serialize(r: ResolverSpec) -> dict[str, Any]:
    return {"typeName": r.type_name, "fieldName": r.field_name, "dataSource": r.data_source, "code": r.code,
            "returns": r.returns,
            "functions": [{"name": f.name, "dataSource": f.data_source, "code": f.code} for f in r.functions]}


def tables_step(spec: DataSpec) -> dict[str, Any]:
    schema = resolve(spec)
    tables = {}
    for name, model in schema.models.items():
        layout = table_layout(model, schema)
        keys = [layout.hash_key] + ([layout.range_key] if layout.range_key else [])
        indexes = {i.name: {"keys": [i.hash_key] + ([i.range_key] if i.range_key else [])}
                   for i in layout.global_indexes}
        tables[name] = {"keys": keys, "indexes": indexes}
    return {"tables": tables}


def run_resolvers(spec: DataSpec, steps: list[dict[str, Any]], roles: IamRoles = ROLES,
                  handlers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One result per step (the tables step is added first and left out of the results)."""
    payload = {"resolvers": [serialize(r) for r in data_resolvers(spec, roles, handlers)],
               "steps": [tables_step(spec), *steps]}
    done = subprocess.run(["node", str(HARNESS)], input=json.dumps(payload), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) == len(steps) + 1
    return results[1:]


def call(field: str, caller: dict[str, Any], select: dict[str, Any] | None = None, **args: Any) -> dict[str, Any]:
    step: dict[str, Any] = {"call": field, "as": caller, "args": args}
    if select is not None:
        step["select"] = select
    return step


def error_type(result: dict[str, Any]) -> str | None:
    return result["error"]["type"] if result["error"] else None
