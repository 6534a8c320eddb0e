"""Rules at run time, as Amplify enforces them: field-level rules (a field the caller may not read is null with
an error; in a mutation's result protected fields are null without one), owner lists and dynamic groups held in
records, custom group claims and identity claims, API-key, Lambda-authorized, identity-pool and function (``allow:
resource``) callers, and custom operations with their APPSYNC_JS and function handlers.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data_fixtures"))
from harness import (  # noqa: E402
    ALICE,
    API_KEY,
    BOB,
    CAROL,
    GUEST,
    LAMBDA,
    REPORTER,
    SIGNED_IN_IAM,
    call,
    error_type,
    run_resolvers,
)
from oracle_specs import TRIVIAL_RESOLVER, to_ampliform  # noqa: E402
from reference_data import DATA_REFERENCE  # noqa: E402

from ampliform.definition.data import DataSpec  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run resolver code")
FIXTURES = Path(__file__).resolve().parent / "data_fixtures"


def spec_of(case: str) -> DataSpec:
    return DataSpec.model_validate(to_ampliform(json.loads((DATA_REFERENCE / f"{case}.json").read_text())["input"]))


FIELDAUTH, RULES = spec_of("fieldauth"), spec_of("rules")
COUNT = "data/handlers/count.js"
_ops = to_ampliform(json.loads((DATA_REFERENCE / "ops.json").read_text())["input"])
_ops["queries"]["countTodos"]["handler"]["custom"]["entry"] = COUNT
OPS = DataSpec.model_validate(_ops)
DAVE = {"userPools": {"sub": "sub-dave", "username": "dave", "groups": ["reviewers"]}}
STAMPS = {"createdAt": "2025-01-01T00:00:00.000Z", "updatedAt": "2025-01-01T00:00:00.000Z"}
DOCUMENT = {"id": "d1", "title": "T", "content": "C", "secret": "S", "reviewNotes": "R", "owner": "sub-alice::alice",
            "editors": ["bob"], **STAMPS}


def field_errors(result: dict) -> dict[str, str]:
    return {".".join(map(str, e["path"][1:])): e["type"] for e in result["errors"]}


def test_a_field_the_caller_may_not_read_is_null_with_an_error():
    results = run_resolvers(FIELDAUTH, [
        {"seed": {"Document": [DOCUMENT]}},
        call("Query.getDocument", ALICE, id="d1"),
        call("Query.getDocument", BOB, id="d1"),
        call("Query.getDocument", API_KEY, id="d1"),
        call("Query.getDocument", DAVE, id="d1"),
        call("Query.listDocuments", API_KEY),
    ])
    _, alice, bob, api_key, dave, listed = results
    assert alice["data"]["secret"] == "S" and alice["data"]["title"] == "T"
    assert alice["data"]["reviewNotes"] is None and field_errors(alice) == {"reviewNotes": "Unauthorized"}
    assert bob["data"]["title"] == "T" and bob["data"]["reviewNotes"] == "R"  # an editor reads the notes
    assert bob["data"]["secret"] is None and field_errors(bob) == {"secret": "Unauthorized"}
    assert api_key["data"]["title"] == "T"  # public_api_key reads the title only
    assert field_errors(api_key) == {"content": "Unauthorized", "secret": "Unauthorized",
                                     "reviewNotes": "Unauthorized", "editors": "Unauthorized"}
    assert {k: api_key["data"][k] for k in ("content", "secret", "reviewNotes")} == dict.fromkeys(
        ("content", "secret", "reviewNotes"))
    # a reviewer's only rule is on reviewNotes: they get the record, every other field is an error (Amplify)
    assert dave["data"]["reviewNotes"] == "R" and dave["data"]["title"] is None
    assert set(field_errors(dave)) == {"title", "content", "secret", "editors"}
    assert [d["title"] for d in listed["data"]["items"]] == ["T"]


def test_field_rules_on_writes_and_protected_fields_in_mutation_results():
    results = run_resolvers(FIELDAUTH, [
        {"seed": {"Document": [DOCUMENT]}},
        call("Mutation.createDocument", ALICE, input={"id": "d2", "title": "mine", "secret": "x"}),
        call("Mutation.createDocument", ALICE, input={"id": "d3", "reviewNotes": "not hers"}),
        call("Mutation.updateDocument", BOB, input={"id": "d1", "title": "edited"}),
        call("Mutation.updateDocument", BOB, input={"id": "d1", "secret": "not his field"}),
        call("Mutation.updateDocument", ALICE, input={"id": "d1", "reviewNotes": None}),
        call("Mutation.deleteDocument", ALICE, input={"id": "d1"}),
        {"dump": "Document"},
    ])
    _, created, notes, edited, content, clear_notes, deleted, dump = results
    assert created["error"] is None
    assert created["data"]["title"] is None and created["data"]["secret"] is None  # protected: null in mutations
    assert field_errors(created) == {"reviewNotes": "Unauthorized"}  # and what she may not read: an error
    assert created["data"]["id"] == "d2"
    assert error_type(notes) == "Unauthorized"  # the owner may not create reviewNotes (reviewers, editors)
    assert edited["error"] is None and error_type(content) == "Unauthorized"
    assert error_type(clear_notes) == "Unauthorized"
    assert error_type(deleted) == "Unauthorized"  # nobody may delete every field: Amplify's rule
    stored = {d["id"]: d for d in dump["items"]}
    assert stored["d1"]["title"] == "edited" and stored["d1"]["reviewNotes"] == "R"
    assert stored["d2"]["owner"] == "sub-alice::alice" and "__operation" not in stored["d2"]


def test_api_key_callers_get_exactly_the_public_api_key_rules():
    notice = {"id": "n1", "message": "hi", "level": "INFO", **STAMPS}
    results = run_resolvers(FIELDAUTH, [
        {"seed": {"Notice": [notice]}},
        call("Query.getNotice", API_KEY, id="n1"),
        call("Query.listNotices", API_KEY),
        call("Mutation.createNotice", API_KEY, input={"message": "spam"}),
        call("Mutation.createNotice", DAVE, input={"id": "n2", "message": "from a reviewer"}),
        call("Query.getNotice", GUEST, id="n1"),
    ])
    _, got, listed, spam, reviewer, guest = results
    assert got["data"]["message"] == "hi" and len(listed["data"]["items"]) == 1
    assert error_type(spam) == "Unauthorized"
    assert reviewer["error"] is None
    assert error_type(guest) == "Unauthorized"


TEAMS = [{"id": "t1", "name": "core", "adminGroup": "core-admins", "memberGroups": ["core", "friends"], **STAMPS},
         {"id": "t2", "name": "ops", "adminGroup": "ops-admins", "memberGroups": ["ops"], **STAMPS}]


def user(name: str, groups: list[str], **claims) -> dict:
    return {"userPools": {"sub": f"sub-{name}", "username": name, "groups": groups, "claims": claims}}


def test_groups_held_in_records_identity_pool_readers_and_static_groups():
    results = run_resolvers(RULES, [
        {"seed": {"Team": TEAMS}},
        call("Query.listTeams", user("erin", ["friends"])),
        call("Query.listTeams", user("fay", ["ops-admins"])),
        call("Mutation.updateTeam", user("fay", ["ops-admins"]), input={"id": "t2", "name": "ops!"}),
        call("Mutation.updateTeam", user("fay", ["ops-admins"]), input={"id": "t1", "name": "mine now"}),
        call("Mutation.updateTeam", user("erin", ["friends"]), input={"id": "t1", "name": "members only read"}),
        call("Mutation.deleteTeam", CAROL, input={"id": "t1"}),
        call("Query.listTeams", SIGNED_IN_IAM),
        call("Mutation.createTeam", SIGNED_IN_IAM, input={"name": "iam"}),
        call("Query.listTeams", GUEST),
    ])
    _, erin, fay, fay_own, fay_other, erin_update, carol_delete, iam, iam_create, guest = results
    assert [t["id"] for t in erin["data"]["items"]] == ["t1"]
    assert [t["id"] for t in fay["data"]["items"]] == ["t2"]
    assert fay_own["error"] is None
    assert error_type(fay_other) == "Unauthorized" and error_type(erin_update) == "Unauthorized"
    assert carol_delete["error"] is None  # the static group admin
    assert len(iam["data"]["items"]) == 1  # identity-pool users read every team
    assert error_type(iam_create) == "Unauthorized" and error_type(guest) == "Unauthorized"


TICKETS = [{"id": "k1", "subject": "a", "assignee": "sub-alice", **STAMPS},
           {"id": "k2", "subject": "b", "assignee": "sub-bob", **STAMPS}]


def test_identity_claims_custom_group_claims_and_lambda_callers():
    support = user("gus", [], **{"custom:groups": '["support"]'})
    results = run_resolvers(RULES, [
        {"seed": {"Ticket": TICKETS}},
        call("Query.listTickets", ALICE),
        call("Query.listTickets", support),
        call("Query.listTickets", user("hal", ["support"])),
        call("Query.getTicket", LAMBDA, id="k2"),
        call("Mutation.updateTicket", LAMBDA, input={"id": "k2", "subject": "by the authorizer"}),
        call("Mutation.deleteTicket", LAMBDA, input={"id": "k2"}),
        call("Mutation.createTicket", ALICE, input={"id": "k3", "subject": "mine"}),
        {"dump": "Ticket"},
    ])
    _, alice, gus, hal, lambda_get, lambda_update, lambda_delete, created, dump = results
    assert [t["id"] for t in alice["data"]["items"]] == ["k1"]  # assignee holds the sub (identity_claim: sub)
    assert len(gus["data"]["items"]) == 2  # support through the custom:groups claim
    assert hal["data"]["items"] == []  # cognito:groups is not the claim this rule reads: his own tickets only
    assert lambda_get["data"]["subject"] == "b" and lambda_update["error"] is None
    assert error_type(lambda_delete) == "Unauthorized"  # custom: read and update only
    assert created["error"] is None and {t["id"]: t for t in dump["items"]}["k3"]["assignee"] == "sub-alice"


def test_custom_operations_with_appsync_js_and_function_handlers():
    handlers = {TRIVIAL_RESOLVER: (FIXTURES / TRIVIAL_RESOLVER).read_text(), COUNT: (FIXTURES / COUNT).read_text()}
    steps = [
        {**call("Query.echo", BOB, content="hi"),
         "lambda": {"echoHandler": {"content": "hi", "executionDuration": 1.5}}},
        {**call("Query.echo", API_KEY, content="key"), "lambda": {"echoHandler": {"content": "key"}}},
        {**call("Query.echo", GUEST, content="no"), "lambda": {"echoHandler": {}}},
        {**call("Mutation.sendReport", ALICE, todoId="t1"), "lambda": {"reportSender": None}},
        call("Query.countTodos", CAROL),
        call("Query.countTodos", BOB),
        call("Mutation.publish", ALICE, name="news", content="hello"),
        call("Mutation.publish", API_KEY, name="news", content="hello"),
        call("Query.listTodos", REPORTER),
        call("Mutation.createTodo", REPORTER, input={"content": "not allowed: query only"}),
    ]
    todos = [{"id": f"t{i}", "content": "x", "owner": "sub-alice::alice", **STAMPS} for i in range(3)]
    results = run_resolvers(OPS, [{"seed": {"Todo": todos}}, *steps], handlers=handlers)[1:]
    echo, key, guest, report, admin, not_admin, published, key_publish, reporter, reporter_create = results
    assert echo["data"] == {"content": "hi", "executionDuration": 1.5}
    (invocation,) = echo["invocations"]
    assert invocation["function"] == "echoHandler" and invocation["invocationType"] == "RequestResponse"
    assert invocation["payload"]["arguments"] == {"content": "hi"}
    assert invocation["payload"]["identity"]["username"] == "bob"
    assert invocation["payload"]["fieldName"] == "echo" and invocation["payload"]["typeName"] == "Query"
    assert key["data"] == {"content": "key"}
    assert error_type(guest) == "Unauthorized" and guest["invocations"] == []
    assert report["data"] == {"success": True} and report["invocations"][0]["invocationType"] == "Event"
    assert admin["data"] == 3 and error_type(not_admin) == "Unauthorized"
    assert published["data"] == {"name": "news", "content": "hello"}
    assert error_type(key_publish) == "Unauthorized"
    assert reporter["error"] is None  # a function with `allow: resource` to query
    assert error_type(reporter_create) == "Unauthorized"
