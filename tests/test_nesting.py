"""Deeper nesting in the default mode: any depth, the longest matching path decides; compat keeps Amplify's rule."""

from __future__ import annotations

import pytest

from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError
from ampliform.iam.evaluate import evaluate, list_request, object_request
from ampliform.plan.backend import compile_definition

ME = "eu-west-1:11111111-1111-4111-8111-111111111111"
YOU = "eu-west-1:22222222-2222-4222-8222-222222222222"
ARN = "arn:aws:s3:::b"


def backend(access: dict, groups=("admin",)):
    return parse_definition({"auth": {"groups": list(groups)}, "storage": {"name": "b", "access": access}})


def allowed(bucket, role: str, action: str, target: str, identity: str = ME) -> bool:
    request = (list_request(ARN, target, identity) if action == "list"
               else object_request(action, ARN, target, identity))
    return evaluate(bucket.roles.get(role, []), request).allowed


THREE_LEVELS = {
    "a/*": [{"allow": "authenticated", "to": ["read"]}],
    "a/b/*": [{"allow": "groups", "groups": ["admin"], "to": ["read", "write"]}],
    "a/b/c/*": [{"allow": "guest", "to": ["read"]}],
}


def test_three_levels_are_rejected_in_compat_mode_with_amplify_message():
    with pytest.raises(DefinitionError) as caught:
        compile_definition(backend(THREE_LEVELS), compat=True)
    assert "For any given path, only one other path can be a prefix of it. Found [a/b/c/*]" in str(caught.value)


@pytest.mark.parametrize(("role", "target", "get", "write"), [
    ("authenticated", "a/x.txt", True, False),
    ("authenticated", "a/b/x.txt", False, False),
    ("authenticated", "a/b/c/x.txt", False, False),
    ("group:admin", "a/x.txt", True, False),       # signed-in access kept
    ("group:admin", "a/b/x.txt", True, True),
    ("group:admin", "a/b/c/x.txt", False, False),  # the longest path (guest only) decides
    ("guest", "a/x.txt", False, False),
    ("guest", "a/b/c/x.txt", True, False),
    ("guest", "a/b/c/d/e.txt", True, False),
])
def test_three_levels_longest_path_decides(role, target, get, write):
    (bucket,) = compile_definition(backend(THREE_LEVELS), {"b": ARN}).values()
    assert allowed(bucket, role, "get", target) is get
    assert allowed(bucket, role, "write", target) is write


@pytest.mark.parametrize(("role", "prefix", "expected"), [
    ("authenticated", "a/", True), ("authenticated", "a/other/", True), ("authenticated", "a/b/", False),
    ("authenticated", "a/b/c/", False), ("group:admin", "a/b/", True), ("group:admin", "a/b/c/", False),
    ("guest", "a/b/c/", True), ("guest", "a/b/", False), ("guest", "", False),
])
def test_three_levels_list(role, prefix, expected):
    (bucket,) = compile_definition(backend(THREE_LEVELS), {"b": ARN}).values()
    assert allowed(bucket, role, "list", prefix) is expected


def test_list_may_be_re_allowed_below_an_excluded_path():
    access = {"a/*": [{"allow": "authenticated", "to": ["list"]}],
              "a/b/*": [{"allow": "guest", "to": ["list"]}],
              "a/b/c/*": [{"allow": "authenticated", "to": ["list"]}]}
    (bucket,) = compile_definition(backend(access), {"b": ARN}).values()
    assert [allowed(bucket, "authenticated", "list", p) for p in ("a/", "a/b/", "a/b/x/", "a/b/c/", "a/b/c/d/")] \
        == [True, False, False, True, True]
    assert len(bucket.roles["authenticated"][0]["Statement"]) == 2  # two layers


def test_object_re_allow_below_a_deny_is_a_clear_user_error():
    access = {"a/*": [{"allow": "authenticated", "to": ["read"]}],
              "a/b/*": [{"allow": "guest", "to": ["read"]}],
              "a/b/c/*": [{"allow": "authenticated", "to": ["get"]}]}
    with pytest.raises(DefinitionError) as caught:
        compile_definition(backend(access))
    problems = {(p.message.split(" in ")[0], p.location) for p in caught.value.problems}
    assert ("authenticated may get", 'storage.access["a/b/c/*"]') in problems
    (first,) = [p for p in caught.value.problems if p.message.startswith("authenticated may get")]
    assert first.message.startswith("authenticated may get in a/b/c/ (a/b/c/*) and in a/ (a/*) but not in a/b/ "
                                    "between them (a/b/*)")
    assert first.fix.startswith("Either grant get to authenticated on a/b/* too, or move a/b/c/* out from under "
                                "a/b/*, or stop granting get to authenticated on a/*")


def test_an_inexpressible_owner_folder_never_gets_a_fix_that_opens_other_folders():
    """Granting on the folder between would open every user's folder under it: the fix does not offer it."""
    access = {"b/{entity_id}/*": [{"allow": "authenticated", "to": ["read"]},
                                  {"allow": "entity", "entity": "identity", "to": ["read"]}],
              "b/a/{entity_id}/*": [{"allow": "guest", "to": ["read"]},
                                    {"allow": "entity", "entity": "identity", "to": ["read"]}]}
    with pytest.raises(DefinitionError) as caught:
        compile_definition(backend(access, groups=()))
    (problem,) = caught.value.problems
    assert problem.location == 'storage.access["b/a/{entity_id}/*"]'
    assert "in b/a/<own id>/ (b/a/{entity_id}/*) and in b/ (b/{entity_id}/*)" in problem.message
    assert problem.fix == ("Either move b/a/{entity_id}/* out from under b/{entity_id}/*, or stop granting get to "
                           "authenticated on b/{entity_id}/* (granting get to authenticated in b/a/ would open "
                           "every user's folder there).")


def test_an_inexpressible_map_in_a_list_of_buckets_is_located_in_its_bucket():
    access = {"a/*": [{"allow": "guest", "to": ["read"]}], "a/b/*": [{"allow": "authenticated", "to": ["read"]}],
              "a/b/c/*": [{"allow": "guest", "to": ["get"]}]}
    definition = parse_definition({"storage": [{"name": "x", "is_default": True,
                                                "access": {"x/*": [{"allow": "guest", "to": ["read"]}]}},
                                               {"name": "y", "access": access}]})
    with pytest.raises(DefinitionError) as caught:
        compile_definition(definition)
    assert {p.location for p in caught.value.problems} == {'storage[1].access["a/b/c/*"]'}


def test_owner_folder_under_a_prefix_path_is_decided_with_it():
    access = {"shared/*": [{"allow": "authenticated", "to": ["read"]}],
              "shared/{entity_id}/*": [{"allow": "entity", "entity": "identity", "to": ["write", "delete"]}]}
    with pytest.raises(DefinitionError):
        compile_definition(backend(access), compat=True)  # Amplify's rule 6
    (bucket,) = compile_definition(backend(access), {"b": ARN}).values()
    assert allowed(bucket, "authenticated", "get", f"shared/{YOU}/p.jpg")
    assert allowed(bucket, "authenticated", "get", f"shared/{ME}/p.jpg")
    assert allowed(bucket, "authenticated", "write", f"shared/{ME}/p.jpg")
    assert not allowed(bucket, "authenticated", "write", f"shared/{YOU}/p.jpg")
    assert not allowed(bucket, "authenticated", "write", "shared/p.jpg")
    assert bucket.paths == {"shared/*": {"authenticated": ["get", "list"]},
                            "shared/${cognito-identity.amazonaws.com:sub}/*": {"entityidentity": ["write", "delete"]}}


def test_owner_folder_deeper_under_a_prefix_path_gets_only_its_own_rules():
    access = {"a/*": [{"allow": "authenticated", "to": ["read", "write"]}],
              "a/inbox/{entity_id}/*": [{"allow": "entity", "entity": "identity", "to": ["get", "delete"]}]}
    (bucket,) = compile_definition(backend(access), {"b": ARN}).values()
    assert allowed(bucket, "authenticated", "get", f"a/inbox/{ME}/m.txt")
    assert allowed(bucket, "authenticated", "delete", f"a/inbox/{ME}/m.txt")
    assert not allowed(bucket, "authenticated", "write", f"a/inbox/{ME}/m.txt")  # own folder: entity rules decide
    assert allowed(bucket, "authenticated", "write", f"a/inbox/{YOU}/m.txt")      # other folders: a/* decides
    assert not allowed(bucket, "authenticated", "delete", f"a/inbox/{YOU}/m.txt")


def test_two_paths_with_one_effective_prefix_merge_in_the_client_paths():
    access = {"p/*": [{"allow": "authenticated", "to": ["get"]}],
              "p/{entity_id}/*": [{"allow": "authenticated", "to": ["list"]},
                                  {"allow": "entity", "entity": "identity", "to": ["write"]}]}
    (bucket,) = compile_definition(backend(access), {"b": ARN}).values()
    assert bucket.paths["p/*"] == {"authenticated": ["get", "list"]}
