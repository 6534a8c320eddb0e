"""Relationships, secondary indexes and custom keys at run time: the resolvers under node against the stand-in.

Index queries are DynamoDB Queries of their GSI (the stand-in records every table operation) with the sort key
condition, ``sortDirection`` and pagination; a has-many field is a paginated Query of the child's
``gsi-<Parent>.<field>`` index and returns only the children the caller may read; belongs-to and has-one show
null for a record the caller may not read; composite keys address records by every key field.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data_fixtures"))
from harness import ALICE, BOB, CAROL, call, error_type, run_resolvers  # noqa: E402
from oracle_specs import to_ampliform  # noqa: E402
from reference_data import DATA_REFERENCE  # noqa: E402

from ampliform.data.validate import data_problems  # noqa: E402
from ampliform.definition.data import DataSpec  # noqa: E402
from ampliform.definition.schema_dsl import a  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run resolver code")


def spec_of(case: str) -> DataSpec:
    return DataSpec.model_validate(to_ampliform(json.loads((DATA_REFERENCE / f"{case}.json").read_text())["input"]))


BLOG = spec_of("blog")
KEYS = spec_of("keys")


def post(id_: str, status: str, created: str, owner: str = "sub-alice::alice", **fields) -> dict:
    return {"id": id_, "title": id_, "status": status, "createdAt": created, "updatedAt": created, "owner": owner,
            "__typename": "Post", **fields}


POSTS = [post("p1", "PUBLISHED", "2025-01-01T00:00:00.000Z"), post("p2", "DRAFT", "2025-01-02T00:00:00.000Z"),
         post("p3", "PUBLISHED", "2025-01-03T00:00:00.000Z", "sub-bob::bob"),
         post("p4", "PUBLISHED", "2025-01-04T00:00:00.000Z"), post("p5", "ARCHIVED", "2025-01-05T00:00:00.000Z")]
COMMENTS = [{"id": f"c{i}", "content": f"c{i}", "postId": "p1" if i < 4 else "p3", "owner": "sub-bob::bob",
             "createdAt": "2025-02-01T00:00:00.000Z", "updatedAt": "2025-02-01T00:00:00.000Z"} for i in range(1, 6)]


def ids(result: dict) -> list[str]:
    assert result["error"] is None, result
    return [item["id"] for item in result["data"]["items"]]


def test_an_index_query_is_a_dynamodb_query_with_sort_direction_conditions_and_pages():
    results = run_resolvers(BLOG, [
        {"seed": {"Post": POSTS}},
        call("Query.listByStatus", BOB, status="PUBLISHED"),
        call("Query.listByStatus", BOB, status="PUBLISHED", sortDirection="DESC"),
        call("Query.listByStatus", BOB, status="PUBLISHED", createdAt={"gt": "2025-01-02T00:00:00.000Z"}),
        call("Query.listByStatus", BOB, status="PUBLISHED",
             createdAt={"between": ["2025-01-01T00:00:00.000Z", "2025-01-03T00:00:00.000Z"]}),
        call("Query.listByStatus", BOB, status="PUBLISHED", createdAt={"beginsWith": "2025-01-04"}),
        call("Query.listByStatus", BOB, status="PUBLISHED", limit=2),
        call("Query.listByStatus", BOB, status="PUBLISHED", limit=2, nextToken="token:2"),
        call("Query.listByStatus", BOB, status="PUBLISHED", filter={"owner": {"eq": "sub-bob::bob"}}),
        call("Query.listByStatus", {"apiKey": True}, status="PUBLISHED"),
    ])
    _, asc, desc, after, between, begins, page1, page2, filtered, api_key = results
    assert ids(asc) == ["p1", "p3", "p4"] and ids(desc) == ["p4", "p3", "p1"]
    assert ids(after) == ["p3", "p4"] and ids(between) == ["p1", "p3"] and ids(begins) == ["p4"]
    assert ids(page1) == ["p1", "p3"] and page1["data"]["nextToken"] == "token:2"
    assert ids(page2) == ["p4"] and page2["data"]["nextToken"] is None
    assert ids(filtered) == ["p3"]
    assert error_type(api_key) == "Unauthorized"
    for result in (asc, desc, after, between, begins, page1, page2, filtered):
        assert result["operations"] == [{"table": "Post", "operation": "Query", "index": "postsByStatusAndCreatedAt"}]
    assert asc["data"]["items"][0]["owner"] == "alice"  # the owner field resolver runs on index results too


def test_has_many_queries_the_child_index_with_pages_and_belongs_to_loads_the_parent():
    results = run_resolvers(BLOG, [
        {"seed": {"Post": POSTS, "Comment": COMMENTS}},
        call("Query.getPost", ALICE, id="p1", select={"comments": {"args": {"limit": 2}}}),
        call("Query.getPost", ALICE, id="p1", select={"comments": {"args": {"limit": 2, "nextToken": "token:2"}}}),
        call("Query.getPost", ALICE, id="p1", select={"comments": {"args": {"sortDirection": "DESC"},
                                                                   "select": {"post": {}}}}),
        call("Query.getComment", BOB, id="c4", select={"post": {"select": {"comments": {}}}}),
        call("Query.getPost", ALICE, id="p2", select={"comments": {}}),
    ])
    _, first, second, desc, comment, empty = results
    assert [c["id"] for c in first["data"]["comments"]["items"]] == ["c1", "c2"]
    assert first["data"]["comments"]["nextToken"] == "token:2"
    assert [c["id"] for c in second["data"]["comments"]["items"]] == ["c3"]
    assert [c["id"] for c in desc["data"]["comments"]["items"]] == ["c3", "c2", "c1"]
    assert all(c["post"]["id"] == "p1" for c in desc["data"]["comments"]["items"])
    assert comment["data"]["post"]["id"] == "p3"
    assert [c["id"] for c in comment["data"]["post"]["comments"]["items"]] == ["c4", "c5"]
    assert empty["data"]["comments"] == {"items": [], "nextToken": None}
    assert all(r["errors"] == [] for r in results[1:])
    assert first["operations"][-1] == {"table": "Comment", "operation": "Query", "index": "gsi-Post.comments"}


PRIVATE = a.schema({
    "Album": a.model({"title": a.string(), "photos": a.hasMany("Photo", "albumId"),
                      "cover": a.hasOne("Photo", "coverOf")})
    .authorization(lambda allow: [allow.owner(), allow.authenticated().to(["read"])]),
    "Photo": a.model({"albumId": a.id(), "album": a.belongsTo("Album", "albumId"), "coverOf": a.id(),
                      "albumCover": a.belongsTo("Album", "coverOf"), "caption": a.string()})
    .authorization(lambda allow: [allow.owner()]),
    "Diary": a.model({"text": a.string(), "photoId": a.id()}).authorization(lambda allow: [allow.owner()]),
}).spec


def test_reading_through_a_relationship_returns_only_what_the_caller_may_read():
    assert data_problems(PRIVATE) == []
    photo = {"createdAt": "2025-01-01T00:00:00.000Z", "updatedAt": "2025-01-01T00:00:00.000Z"}
    results = run_resolvers(PRIVATE, [
        {"seed": {"Album": [{"id": "a1", "title": "trip", "owner": "sub-alice::alice"}],
                  "Photo": [{"id": "f1", "albumId": "a1", "owner": "sub-alice::alice", **photo},
                            {"id": "f2", "albumId": "a1", "owner": "sub-bob::bob", **photo},
                            {"id": "f3", "albumId": "a1", "coverOf": "a1", "owner": "sub-bob::bob", **photo}]}},
        call("Query.getAlbum", ALICE, id="a1", select={"photos": {}, "cover": {}}),
        call("Query.getAlbum", BOB, id="a1", select={"photos": {}, "cover": {}}),
        call("Query.getAlbum", CAROL, id="a1", select={"photos": {}, "cover": {}}),
        call("Query.getPhoto", BOB, id="f2", select={"album": {}}),
    ])
    _, alice, bob, carol, bob_photo = results
    assert [p["id"] for p in alice["data"]["photos"]["items"]] == ["f1"]
    assert alice["data"]["cover"] is None  # bob's cover photo is not alice's to read: null, not an error
    assert [p["id"] for p in bob["data"]["photos"]["items"]] == ["f2", "f3"]
    assert bob["data"]["cover"]["id"] == "f3"
    assert carol["data"]["photos"]["items"] == [] and carol["data"]["cover"] is None
    assert bob_photo["data"]["album"]["id"] == "a1"  # every signed-in user reads albums
    assert all(r["errors"] == [] for r in results[1:])


def product(sku: str, region: str, **fields) -> dict:
    return {"sku": sku, "region": region, "name": f"{sku}-{region}", "createdAt": "2025-01-01T00:00:00.000Z",
            "updatedAt": "2025-01-01T00:00:00.000Z", **fields}


def test_composite_keys_address_records_and_relationships_by_every_key_field():
    results = run_resolvers(KEYS, [
        {"seed": {"Product": [product("k1", "eu"), product("k1", "us"), product("k2", "eu")]}},
        call("Mutation.createProduct", CAROL, input={"sku": "k3", "region": "eu", "name": "new"}),
        call("Mutation.createProduct", CAROL, input={"sku": "k1", "region": "eu", "name": "again"}),
        call("Query.getProduct", BOB, sku="k1", region="us"),
        call("Query.listProducts", BOB, sku="k1"),
        call("Query.listProducts", BOB, sku="k1", region={"beginsWith": "e"}),
        call("Query.listProducts", BOB),
        call("Mutation.updateProduct", CAROL, input={"sku": "k1", "region": "us", "price": 3.5}),
        call("Mutation.updateProduct", BOB, input={"sku": "k1", "region": "us", "price": 0.5}),
        call("Mutation.createReview", BOB, input={"id": "r1", "productSku": "k1", "productRegion": "us", "rating": 5}),
        call("Mutation.createReview", ALICE,
             input={"id": "r2", "productSku": "k1", "productRegion": "eu", "rating": 1}),
        call("Query.getProduct", BOB, sku="k1", region="us", select={"reviews": {}}),
        call("Query.getReview", ALICE, id="r1", select={"product": {}}),
        call("Mutation.deleteProduct", CAROL, input={"sku": "k2", "region": "eu"}),
        {"dump": "Product"},
    ])
    (_, created, duplicate, got, listed, begins, scanned, updated, not_admin, review, _, with_reviews, review_product,
     deleted, dump) = results
    assert created["error"] is None and created["data"]["sku"] == "k3"
    assert error_type(duplicate) == "DynamoDB:ConditionalCheckFailedException"
    assert got["data"]["name"] == "k1-us"
    assert [p["region"] for p in listed["data"]["items"]] == ["eu", "us"]
    assert listed["operations"] == [{"table": "Product", "operation": "Query", "index": None}]
    assert [p["region"] for p in begins["data"]["items"]] == ["eu"]
    assert scanned["operations"] == [{"table": "Product", "operation": "Scan"}]
    assert updated["data"]["price"] == 3.5 and error_type(not_admin) == "Unauthorized"
    assert review["error"] is None
    assert [r["id"] for r in with_reviews["data"]["reviews"]["items"]] == ["r1"]
    assert with_reviews["operations"][-1] == {"table": "Review", "operation": "Query", "index": "gsi-Product.reviews"}
    assert review_product["data"]["product"]["name"] == "k1-us"
    assert deleted["error"] is None
    assert sorted((p["sku"], p["region"]) for p in dump["items"]) == [("k1", "eu"), ("k1", "us"), ("k3", "eu")]


def test_an_owner_defined_by_the_sub_claim_is_the_key_of_their_own_record():
    results = run_resolvers(KEYS, [
        call("Mutation.createCustomer", ALICE, input={"customerId": "sub-alice", "email": "a@example.com"}),
        call("Mutation.createCustomer", ALICE, input={"customerId": "sub-bob", "email": "b@example.com"}),
        call("Query.getCustomer", ALICE, customerId="sub-alice"),
        call("Query.getCustomer", BOB, customerId="sub-alice"),
        call("Query.listCustomers", BOB),
    ])
    mine, others, got, not_bobs, bobs = results
    assert mine["error"] is None and mine["data"]["customerId"] == "sub-alice"
    assert error_type(others) == "Unauthorized"  # the key is the owner: alice cannot create bob's record
    assert got["data"]["email"] == "a@example.com"
    assert error_type(not_bobs) == "Unauthorized"
    assert bobs["data"]["items"] == []
