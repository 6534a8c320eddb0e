"""The APPSYNC_JS resolvers: they parse as ES modules, stay inside the APPSYNC_JS subset, and enforce the
models' rules when run under node against a fake AppSync context and DynamoDB table
(``data_fixtures/appsync_harness.mjs``).

Callers: user-pool users (alice, bob; carol is in group ``admin``) and IAM callers with the identity pool's
guest role, authenticated role, or a role the API does not know.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reference_data import DATA_REFERENCE

from ampliform.data.resolvers import IamRoles, ResolverSpec, data_resolvers
from ampliform.definition.data import DataSpec
from ampliform.definition.schema_dsl import a

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "data_fixtures" / "appsync_harness.mjs"
REFERENCE = DATA_REFERENCE
ACCOUNT = "123456789012"
ROLES = IamRoles(account=ACCOUNT, guest="app-guest-role", signed_in=("app-authenticated-role", "app-admin-role"))

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run resolver code")

ALICE = {"userPools": {"sub": "sub-alice", "username": "alice"}}
BOB = {"userPools": {"sub": "sub-bob", "username": "bob"}}
CAROL = {"userPools": {"sub": "sub-carol", "username": "carol", "groups": ["admin"]}}
GUEST = {"iam": {"role": "app-guest-role", "account": ACCOUNT}}
SIGNED_IN_IAM = {"iam": {"role": "app-authenticated-role", "account": ACCOUNT}}
STRANGER_IAM = {"iam": {"role": "some-other-role", "account": ACCOUNT}}
OTHER_ACCOUNT_GUEST = {"iam": {"role": "app-guest-role", "account": "999999999999"}}
API_KEY = {"apiKey": True}


def spec_of(case: str) -> DataSpec:
    return DataSpec.model_validate(json.loads((REFERENCE / f"{case}.json").read_text())["input"])


POST = spec_of("post")
TODO = spec_of("guest-groups")
DOC = a.schema({"Doc": a.model({"title": a.string(), "author": a.string()}).authorization(
    lambda allow: [allow.owner_defined_in("author"), allow.authenticated().to(["get"])])}).spec


def serialize(r: ResolverSpec) -> dict:
    return {"typeName": r.type_name, "fieldName": r.field_name, "dataSource": r.data_source, "code": r.code,
            "returns": r.returns,
            "functions": [{"name": f.name, "dataSource": f.data_source, "code": f.code} for f in r.functions]}


def run(spec: DataSpec, steps: list[dict], roles: IamRoles = ROLES) -> list[dict]:
    payload = {"resolvers": [serialize(r) for r in data_resolvers(spec, roles)], "steps": steps}
    done = subprocess.run(["node", str(HARNESS)], input=json.dumps(payload), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) == len(steps)
    return results


def call(field: str, caller: dict, **args) -> dict:
    return {"call": field, "as": caller, "args": args}


def error_type(result: dict) -> str | None:
    return result["error"]["type"] if result["error"] else None


def item(id_: str, owner: str | None, **fields) -> dict:
    out = {"id": id_, "__typename": "Todo", "createdAt": "2025-01-01T00:00:00.000Z",
           "updatedAt": "2025-01-01T00:00:00.000Z", **fields}
    if owner is not None:
        out["owner"] = owner
    return out


TODOS = [item("t1", "sub-alice::alice", content="alice 1", priority=1, done=False),
         item("t2", "sub-bob::bob", content="bob 1", priority=5, done=True),
         item("t3", "sub-alice::alice", content="alice 2", priority=9, done=True),
         item("t4", "sub-carol::carol", content="carol 1", priority=3)]


def all_codes(spec: DataSpec) -> list[str]:
    codes = []
    for r in data_resolvers(spec, ROLES):
        codes.append(r.code)
        codes.extend(f.code for f in r.functions)
    return codes


@pytest.mark.parametrize("spec", [POST, TODO, DOC], ids=["post", "todo", "doc"])
def test_every_resolver_parses_and_links_as_an_es_module(spec):
    codes = all_codes(spec)
    assert len(codes) >= 13
    (result,) = run(spec, [{"check": codes}])
    assert result == {"loaded": len(codes)}


FORBIDDEN = [r"\btry\b", r"\bcatch\b", r"\bthrow\b", r"\bwhile\b", r"\bdo\b", r"\bcontinue\b", r"\bclass\b",
             r"\bnew\b", r"\basync\b", r"\bawait\b", r"\+\+", r"--", r"\bfor\s*\([^)]*;", r"\bin\b(?!\s*:)",
             r"\bfinally\b"]


def _code_only(code: str) -> str:
    code = re.sub(r"//[^\n]*", "", code)
    code = re.sub(r"'(?:\\.|[^'\\])*'", "''", code)
    code = re.sub(r'"(?:\\.|[^"\\])*"', '""', code)
    return re.sub(r"`(?:\\.|[^`\\])*`", "``", code)


def test_resolver_code_stays_inside_the_appsync_js_subset():
    codes = all_codes(POST) + all_codes(TODO) + all_codes(DOC)
    for code in codes:
        body = _code_only(code)
        for pattern in FORBIDDEN:
            # `in` as an object key (`{ in: ... }`) is a property name, not the operator
            assert not re.search(pattern, body), (pattern, code[:200])
        imports = re.findall(r"^import .*$", code, flags=re.M)
        assert imports in ([], ["import { util, extensions, runtime } from '@aws-appsync/utils';"])
        assert re.search(r"^export function request\(ctx\)", code, flags=re.M)
        assert re.search(r"^export function response\(ctx\)", code, flags=re.M)


def test_owner_is_set_from_the_caller_on_create_and_only_the_owner_updates_and_deletes():
    results = run(POST, [
        call("Mutation.createPost", ALICE, input={"id": "p1", "title": "Hello", "picture": "post-pictures/x/a.png"}),
        {"dump": "Post"},
        call("Mutation.updatePost", BOB, input={"id": "p1", "title": "hijacked"}),
        call("Mutation.deletePost", BOB, input={"id": "p1"}),
        call("Query.getPost", BOB, id="p1"),
        call("Mutation.updatePost", ALICE, input={"id": "p1", "title": "Hello again", "picture": None}),
        call("Mutation.createPost", BOB, input={"title": "Bob's"}),
        call("Query.listPosts", ALICE),
        call("Mutation.deletePost", ALICE, input={"id": "p1"}),
        {"dump": "Post"},
        call("Mutation.updatePost", ALICE, input={"id": "p1", "title": "gone"}),
    ])
    (created, stored, bob_update, bob_delete, bob_get, alice_update, bob_create, listed, alice_delete, after,
     gone) = results
    assert created["error"] is None
    assert created["data"]["owner"] == "alice"  # what clients see: the user name, as Amplify's field resolver
    assert stored["items"][0]["owner"] == "sub-alice::alice"  # what is stored: <sub>::<username>
    assert stored["items"][0]["createdAt"] == stored["items"][0]["updatedAt"]
    assert error_type(bob_update) == "Unauthorized" and error_type(bob_delete) == "Unauthorized"
    assert bob_update["error"]["message"] == "Not Authorized to access updatePost on type Mutation"
    assert bob_get["data"]["title"] == "Hello"  # signed-in users read every post, unchanged by bob
    assert alice_update["error"] is None and alice_update["data"]["title"] == "Hello again"
    assert "picture" not in alice_update["data"]  # null removes the field
    assert alice_update["data"]["updatedAt"] > alice_update["data"]["createdAt"]
    assert bob_create["error"] is None and bob_create["data"]["owner"] == "bob"
    assert sorted(p["title"] for p in listed["data"]["items"]) == ["Bob's", "Hello again"]
    assert alice_delete["error"] is None and alice_delete["data"]["id"] == "p1"
    assert [p["title"] for p in after["items"]] == ["Bob's"]
    assert error_type(gone) == "DynamoDB:ConditionalCheckFailedException"


def test_post_is_closed_to_guests_other_iam_principals_and_api_keys():
    steps = []
    for caller in (GUEST, SIGNED_IN_IAM, STRANGER_IAM, API_KEY):
        steps += [call("Query.listPosts", caller), call("Query.getPost", caller, id="p1"),
                  call("Mutation.createPost", caller, input={"title": "x"})]
    results = run(POST, [{"seed": {"Post": [{"id": "p1", "title": "t", "owner": "sub-alice::alice"}]}}, *steps])
    assert all(error_type(r) == "Unauthorized" for r in results[1:])


def test_groups_update_and_delete_any_record_owners_only_their_own():
    results = run(TODO, [
        {"seed": {"Todo": TODOS}},
        call("Mutation.updateTodo", BOB, input={"id": "t1", "content": "bob was here"}),
        call("Mutation.updateTodo", CAROL, input={"id": "t1", "content": "admin edit"}),
        call("Mutation.deleteTodo", BOB, input={"id": "t3"}),
        call("Mutation.deleteTodo", CAROL, input={"id": "t3"}),
        call("Mutation.updateTodo", BOB, input={"id": "t2", "done": False}),
        call("Mutation.updateTodo", CAROL, input={"id": "missing", "done": False}),
        call("Mutation.updateTodo", BOB, input={"id": "missing", "done": False}),
        call("Mutation.createTodo", CAROL, input={"id": "t9", "content": "made by admin"}),
        call("Mutation.updateTodo", CAROL, input={"id": "t2", "content": None}),
        {"dump": "Todo"},
    ])
    (_, bob_on_alice, carol_on_alice, bob_delete, carol_delete, bob_own, carol_missing, bob_missing, created,
     required_removed, dump) = results
    assert error_type(bob_on_alice) == "Unauthorized"
    assert carol_on_alice["error"] is None and carol_on_alice["data"]["content"] == "admin edit"
    assert carol_on_alice["data"]["owner"] == "alice"  # an admin's edit keeps the owner
    assert error_type(bob_delete) == "Unauthorized"
    assert carol_delete["error"] is None
    assert bob_own["error"] is None and bob_own["data"]["done"] is False
    assert error_type(carol_missing) == "DynamoDB:ConditionalCheckFailedException"
    assert error_type(bob_missing) == "DynamoDB:ConditionalCheckFailedException"
    assert created["error"] is None
    assert required_removed["error"] == {"type": "ValidationError",
                                         "message": "content is required and cannot be removed"}
    stored = {t["id"]: t for t in dump["items"]}
    assert set(stored) == {"t1", "t2", "t4", "t9"}  # t3 deleted by the admin; no upsert of "missing"
    assert stored["t2"]["content"] == "bob 1"
    assert stored["t1"]["content"] == "admin edit"
    assert stored["t9"]["owner"] == "sub-carol::carol"


def test_the_owner_check_and_the_write_cannot_be_separated():
    """An admin gives t1 to bob after alice's update was authorized but before it is written: the write's
    condition (owner unchanged) fails instead of alice editing bob's record."""
    given_to_bob = {"Todo": [item("t1", "sub-bob::bob", content="now bob's")]}
    alices = {"Todo": [item("t1", "sub-alice::alice", content="alice's again")]}
    results = run(TODO, [
        {"seed": {"Todo": TODOS}},
        {**call("Mutation.updateTodo", ALICE, input={"id": "t1", "content": "alice edit"}),
         "between": {"after": "UpdateTodoAuthorize", "seed": given_to_bob}},
        {"seed": alices},
        {**call("Mutation.deleteTodo", ALICE, input={"id": "t1"}),
         "between": {"after": "DeleteTodoAuthorize", "seed": given_to_bob}},
        {"seed": alices},
        {**call("Mutation.updateTodo", ALICE, input={"id": "t1", "content": "alice edit"}),
         "between": {"after": "UpdateTodoAuthorize", "seed": {"Todo": [item("t1", "sub-alice::alice", done=True)]}}},
        {"dump": "Todo"},
    ])
    assert error_type(results[1]) == "DynamoDB:ConditionalCheckFailedException"
    assert error_type(results[3]) == "DynamoDB:ConditionalCheckFailedException"
    assert results[5]["error"] is None  # a concurrent change that keeps the owner does not block her
    stored = {t["id"]: t for t in results[6]["items"]}
    assert stored["t1"]["content"] == "alice edit" and stored["t1"]["done"] is True


def test_list_returns_what_the_caller_may_read_with_their_filter():
    results = run(TODO, [
        {"seed": {"Todo": TODOS}},
        call("Query.listTodos", ALICE),
        call("Query.listTodos", BOB),
        call("Query.listTodos", CAROL),
        call("Query.listTodos", GUEST),
        call("Query.listTodos", SIGNED_IN_IAM),
        call("Query.listTodos", ALICE, filter={"priority": {"gt": 2}}),
        call("Query.listTodos", GUEST, filter={"or": [{"done": {"eq": False}}, {"content": {"beginsWith": "carol"}}]}),
        call("Query.listTodos", GUEST, filter={"not": {"done": {"eq": True}}, "priority": {"between": [1, 3]}}),
        call("Query.listTodos", BOB, filter={"owner": {"eq": "sub-alice::alice"}}),
        call("Query.listTodos", STRANGER_IAM),
        call("Query.listTodos", OTHER_ACCOUNT_GUEST),
    ])

    def ids(r):
        assert r["error"] is None, r
        return sorted(t["id"] for t in r["data"]["items"])

    assert ids(results[1]) == ["t1", "t3"]          # alice: her own
    assert ids(results[2]) == ["t2"]                # bob: his own
    assert ids(results[3]) == ["t1", "t2", "t3", "t4"]  # admin: all
    assert ids(results[4]) == ["t1", "t2", "t3", "t4"]  # guest rule: read all
    assert ids(results[5]) == ["t1", "t2", "t3", "t4"]  # signed-in IAM role: what guests may
    assert ids(results[6]) == ["t3"]                # her own AND priority > 2
    assert ids(results[7]) == ["t1", "t4"]
    assert ids(results[8]) == ["t1", "t4"]
    assert ids(results[9]) == []                    # bob cannot see alice's items by filtering for them
    assert error_type(results[10]) == "Unauthorized"
    assert error_type(results[11]) == "Unauthorized"


def test_get_and_pagination():
    results = run(TODO, [
        {"seed": {"Todo": TODOS}},
        call("Query.getTodo", BOB, id="t1"),
        call("Query.getTodo", ALICE, id="t1"),
        call("Query.getTodo", GUEST, id="t2"),
        call("Query.getTodo", ALICE, id="nope"),
        call("Query.listTodos", GUEST, limit=3),
        call("Query.listTodos", GUEST, limit=3, nextToken="token:3"),
        call("Query.listTodos", ALICE, limit=2),
    ])
    assert error_type(results[1]) == "Unauthorized"
    assert results[2]["data"]["content"] == "alice 1" and results[2]["data"]["owner"] == "alice"
    assert results[3]["data"]["id"] == "t2"
    assert results[4]["data"] is None and results[4]["error"] is None
    first, second, scanned = results[5]["data"], results[6]["data"], results[7]["data"]
    assert [t["id"] for t in first["items"]] == ["t1", "t2", "t3"] and first["nextToken"] == "token:3"
    assert [t["id"] for t in second["items"]] == ["t4"] and second["nextToken"] is None
    # DynamoDB applies the limit before the filter: alice's first page holds only t1, and a token
    assert [t["id"] for t in scanned["items"]] == ["t1"] and scanned["nextToken"] == "token:2"


def test_guests_read_only_where_a_guest_rule_allows():
    results = run(TODO, [
        {"seed": {"Todo": TODOS}},
        call("Mutation.createTodo", GUEST, input={"content": "spam"}),
        call("Mutation.updateTodo", GUEST, input={"id": "t1", "content": "spam"}),
        call("Mutation.deleteTodo", GUEST, input={"id": "t1"}),
        call("Mutation.createTodo", SIGNED_IN_IAM, input={"content": "spam"}),
        call("Query.getTodo", GUEST, id="t1"),
    ])
    assert [error_type(r) for r in results[1:5]] == ["Unauthorized"] * 4
    assert results[5]["data"]["id"] == "t1"


def test_conditions_are_applied_with_the_authorization_condition():
    results = run(TODO, [
        {"seed": {"Todo": TODOS}},
        call("Mutation.updateTodo", ALICE, input={"id": "t1", "done": True}, condition={"priority": {"gt": 5}}),
        call("Mutation.updateTodo", ALICE, input={"id": "t1", "done": True}, condition={"priority": {"le": 5}}),
        call("Mutation.deleteTodo", ALICE, input={"id": "t3"}, condition={"content": {"contains": "zzz"}}),
        call("Mutation.deleteTodo", ALICE, input={"id": "t3"},
             condition={"and": [{"content": {"contains": "alice"}}, {"done": {"attributeExists": True}}]}),
        call("Mutation.createTodo", ALICE, input={"id": "t1", "content": "duplicate id"}),
        call("Mutation.createTodo", ALICE, input={"id": "t5", "content": "new"},
             condition={"content": {"size": {"gt": 0}}}),
        {"dump": "Todo"},
    ])
    assert error_type(results[1]) == "DynamoDB:ConditionalCheckFailedException"
    assert results[2]["error"] is None and results[2]["data"]["done"] is True
    assert error_type(results[3]) == "DynamoDB:ConditionalCheckFailedException"
    assert results[4]["error"] is None
    assert error_type(results[5]) == "DynamoDB:ConditionalCheckFailedException"  # no overwrite of t1
    # a condition on a field the new item lacks fails: DynamoDB checks it against the (absent) old item
    assert error_type(results[6]) == "DynamoDB:ConditionalCheckFailedException"
    stored = {t["id"]: t for t in results[7]["items"]}
    assert set(stored) == {"t1", "t2", "t4"} and stored["t1"]["content"] == "alice 1"


def test_an_owner_cannot_create_for_or_give_a_record_to_someone_else():
    results = run(DOC, [
        call("Mutation.createDoc", ALICE, input={"id": "d1", "title": "mine"}),
        call("Mutation.createDoc", ALICE, input={"id": "d2", "title": "framed", "author": "sub-bob::bob"}),
        call("Mutation.createDoc", ALICE, input={"id": "d3", "title": "explicit", "author": "alice"}),
        call("Mutation.updateDoc", ALICE, input={"id": "d1", "author": "sub-bob::bob"}),
        call("Mutation.updateDoc", ALICE, input={"id": "d1", "author": None}),
        call("Mutation.updateDoc", ALICE, input={"id": "d1", "title": "still mine"}),
        call("Query.getDoc", BOB, id="d1"),
        call("Query.listDocs", BOB),
        {"dump": "Doc"},
    ])
    assert results[0]["error"] is None and results[0]["data"]["author"] == "alice"
    assert error_type(results[1]) == "Unauthorized"
    assert results[2]["error"] is None
    assert error_type(results[3]) == "Unauthorized" and error_type(results[4]) == "Unauthorized"
    assert results[5]["data"]["title"] == "still mine"
    assert results[6]["data"]["title"] == "still mine"  # authenticated: get only
    assert results[7]["data"]["items"] == []            # list: only their own (none)
    assert {d["id"]: d["author"] for d in results[8]["items"]} == {"d1": "sub-alice::alice", "d3": "alice"}


def test_subscriptions_deliver_only_what_the_caller_may_read():
    alice_event = {"id": "t1", "owner": "alice", "content": "a"}
    bob_event = {"id": "t2", "owner": "bob", "content": "b"}
    events = [alice_event, bob_event]

    def subscribe(caller, **args):
        return {"subscribe": "Subscription.onCreateTodo", "as": caller, "args": args, "events": events}

    results = run(TODO, [
        subscribe(ALICE),
        subscribe(CAROL),
        subscribe(GUEST),
        subscribe(ALICE, filter={"content": {"eq": "b"}}),
        subscribe(CAROL, filter={"content": {"eq": "b"}}),
        subscribe(ALICE, owner="bob"),
        subscribe(ALICE, owner="alice"),
        subscribe(STRANGER_IAM),
    ])
    alice, carol, guest, alice_filtered, carol_filtered, alice_as_bob, alice_as_alice, stranger = results
    assert alice["delivered"] == [True, False]
    assert alice["filter"] == {"filterGroup": [{"filters": [
        {"fieldName": "owner", "operator": "in", "value": ["sub-alice::alice", "sub-alice", "alice"]}]}]}
    assert carol["delivered"] == [True, True] and carol["filter"] is None
    assert guest["delivered"] == [True, True]
    assert alice_filtered["delivered"] == [False, False]
    assert carol_filtered["delivered"] == [False, True]
    assert error_type(alice_as_bob) == "Unauthorized"
    assert alice_as_alice["delivered"] == [True, False]
    assert error_type(stranger) == "Unauthorized"
    post = run(POST, [{"subscribe": "Subscription.onUpdatePost", "as": GUEST, "args": {}, "events": []},
                      {"subscribe": "Subscription.onDeletePost", "as": BOB, "args": {}, "events": events}])
    assert error_type(post[0]) == "Unauthorized"
    assert post[1]["delivered"] == [True, True]  # every signed-in user reads posts


def test_iam_roles_are_only_embedded_for_models_with_iam_rules():
    post_codes = all_codes(POST)
    assert all('"iam": {"account": null, "guest": null, "signedIn": [], "functions": {}}' in c
               for c in post_codes if "CONFIG" in c)
    todo = [r.code for r in data_resolvers(TODO, ROLES) if r.field_name == "listTodos"][0]
    assert f'"iam": {{"account": "{ACCOUNT}", "guest": "app-guest-role", "signedIn": ' \
           '["app-authenticated-role", "app-admin-role"], "functions": {}}' in todo


def test_function_roles_are_embedded_only_when_the_schema_grants_functions_access():
    with_function = IamRoles(ACCOUNT, "app-guest-role", ("app-authenticated-role",), (("app-fn-role", ("query",)),))
    assert data_resolvers(POST, with_function) == data_resolvers(POST)  # no allow: resource, no IAM rule
    granted = DataSpec.model_validate({**POST.model_dump(exclude_none=True),
                                       "authorization": [{"allow": "resource", "resource": "reader", "to": ["query"]}]})
    codes = [r.code for r in data_resolvers(granted, with_function) if r.field_name == "listPosts"]
    assert codes and '"functions": {"app-fn-role": ["query"]}' in codes[0]
