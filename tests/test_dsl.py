"""The Python DSL and the data form produce the same model, and the same compiled policies."""

from __future__ import annotations

import pytest

from ampliform.definition.dsl import allow, define_backend, define_storage
from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError
from ampliform.plan.backend import compile_definition

DATA = {
    "auth": {"groups": ["admin", "editor"]},
    "storage": {
        "name": "myBucket",
        "access": {
            "public/*": [
                {"allow": "guest", "to": ["read"]},
                {"allow": "groups", "groups": ["admin"], "to": ["read", "write", "delete"]},
            ],
            "protected/{entity_id}/*": [
                {"allow": "authenticated", "to": ["read"]},
                {"allow": "entity", "entity": "identity", "to": ["read", "write", "delete"]},
                {"allow": "resource", "resource": "thumbnailer", "to": ["read"]},
            ],
        },
    },
}


def dsl_backend():
    storage = define_storage(name="myBucket", access=lambda allow: {
        "public/*": [allow.guest.to(["read"]), allow.groups(["admin"]).to(["read", "write", "delete"])],
        "protected/{entity_id}/*": [
            allow.authenticated.to(["read"]),
            allow.entity("identity").to(["read", "write", "delete"]),
            allow.resource("thumbnailer").to(["read"]),
        ],
    })
    return define_backend(storage=storage, groups=["admin", "editor"])


def test_dsl_equals_data_form():
    assert dsl_backend() == parse_definition(DATA)


def test_dsl_compiles_like_data_form():
    a = compile_definition(dsl_backend())["myBucket"]
    b = compile_definition(parse_definition(DATA))["myBucket"]
    assert a == b
    assert set(a.roles) == {"authenticated", "guest", "group:admin", "group:editor", "function:thumbnailer"}


def test_dsl_accepts_a_plain_mapping_and_several_buckets():
    one = define_storage("files", {"a/*": [allow.guest.to(["get"])]}, is_default=True)
    two = define_storage("archive")
    backend = define_backend(storage=[one, two])
    assert [b.name for b in backend.buckets] == ["files", "archive"]
    assert backend.default_bucket == one


def test_dsl_bad_action_is_a_user_error():
    with pytest.raises(DefinitionError) as caught:
        allow.guest.to(["peek"])
    assert "invalid value 'peek'" in str(caught.value)


def test_dsl_bad_entity_is_a_user_error():
    with pytest.raises(DefinitionError) as caught:
        allow.entity("owner").to(["read"])
    assert "'identity'" in str(caught.value)
