"""Property tests of the access compiler against the independent model in `access_model.py`.

What each property checks (hypothesis draws random valid definitions, `strategies.definitions`):
(a) meaning: for every bucket and every role (authenticated, guest, each declared group, each function),
    the compiled policies, run through the IAM evaluator, allow exactly the probe requests the model
    allows, in the default mode and in compat mode. Probes: `ampliform.review.probes` around every path
    plus random keys and list prefixes drawn from the same segments and both identities. In the default
    mode a `DefinitionError` is accepted only when it is the "IAM cannot re-allow below an explicit deny"
    error *and* the model really has an allow → deny → allow chain for the role and action it names.
    Compat mode leaves out Amplify's first-parent quirk shapes (reference §4.4) and its hidden-allow shapes
    (`strategies.has_hidden_allow_quirk`): there Amplify itself deviates from the model;
    `test_first_parent_quirk_*` and `test_hidden_allow_quirk_*` pin those deviations down.
(b) shape: no Allow with a wildcard action (``s3:*``, ``*``) or Resource ``*``; no NotAction, NotResource
    or Principal; only the four S3 actions; every ListBucket Allow is on the bucket ARN and carries a
    ``StringLike s3:prefix`` condition whose values lie inside declared paths; every object Resource is
    ``<bucket arn>/<an effective prefix of a declared path>`` (so no Allow reaches outside a declared
    prefix), ``*`` only at the end; owner-path grants use ``${cognito-identity.amazonaws.com:sub}``.
(c) determinism: compiling twice, or from a fresh parse, gives byte-identical JSON; and the CLI gives the
    same output under two different ``PYTHONHASHSEED`` values.
(d) packing: splitting every statement into single-action, single-resource, single-value statements,
    merging them back, reordering them, and spreading them over several documents never changes a probe's
    decision (`policy_tools`; the budget splitter will be checked with the same helpers).
(e) IAM-special characters (``?``, ``$``, ``${...}`` including the owner variable as amplify_outputs.json
    spells it) in path segments, in both modes: a path with ``${`` is refused, each such path located
    (``storage.access["..."]``) with the "must not contain" message and nothing else refused; the rest of
    the map means what the model says (a).
The model itself is checked against real Amplify's policies on the conformance corpus.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import access_model as model
import pytest
from access_model import COMPAT, DEFAULT, OBJECT_ACTIONS, OWNER_TOKEN
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis_profile import tuned
from policy_tools import as_list, assert_same_decisions, merge_statements, split_statements, spread, statements_of
from reference_data import CASES
from strategies import (
    SEGMENTS,
    SPECIAL_SEGMENTS,
    buckets_of,
    definitions,
    has_first_parent_quirk,
    has_hidden_allow_quirk,
)

from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError, where
from ampliform.iam.budget import Limits
from ampliform.iam.evaluate import Request, evaluate
from ampliform.plan.backend import compile_definition, plan_backend
from ampliform.review.probes import OTHER_IDENTITY, OWN_IDENTITY, Probe, probes

REPO = Path(__file__).resolve().parents[1]
ENTITY_SUB = "${cognito-identity.amazonaws.com:sub}"
S3_ACTIONS = {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}
ARNS = {"myBucket": "arn:aws:s3:::ampliform-dev-mybucket-0a1b2c", "media": "arn:aws:s3:::media"}
REALLOW = "IAM cannot re-allow below an explicit deny"

AccessData = Mapping[str, Sequence[Mapping[str, Any]]]


# ---------------------------------------------------------------------------------------------- helpers

def targets(segments: Sequence[str]) -> st.SearchStrategy[str]:
    """Random keys / list prefixes over the strategy's segments and both identities."""
    part = st.sampled_from([*segments, OWN_IDENTITY, OTHER_IDENTITY])
    return st.builds(lambda parts, tail: "/".join(parts) + tail, st.lists(part, min_size=1, max_size=4),
                     st.sampled_from(["", "/", "/file.txt", "/x"]))


def extra_probes(draw: st.DrawFn, segments: Sequence[str]) -> list[Probe]:
    keys = draw(st.lists(targets(segments), max_size=12))
    return [Probe(action, key) for key in keys for action in ("get", "write", "delete", "list")]


def probe_set(access: AccessData, extra: Sequence[Probe]) -> list[Probe]:
    return sorted(set(probes(list(access))) | set(extra), key=lambda p: (p.action, p.target or ""))


def compile_data(data: Mapping[str, Any], mode: str) -> dict:
    return compile_definition(parse_definition(data), ARNS, compat=mode == COMPAT)


def all_roles(data: Mapping[str, Any]) -> list[str]:
    return model.roles_of_definition(data["auth"]["groups"], [b["access"] for b in buckets_of(data)])


def mismatches(docs: list[dict], access: AccessData, groups: Sequence[str], mode: str, role: str,
               arn: str, probe_list: Sequence[Probe]) -> list[str]:
    """The probes on which the compiled documents and the model disagree, described."""
    seen = model.grants(access, groups, mode, OWN_IDENTITY)
    out = []
    for probe in probe_list:
        expected = model.decide_with(seen, role, probe.action, probe.target)
        got = evaluate(docs, probe.request(arn, OWN_IDENTITY)).allowed
        if got != expected:
            out.append(f"{probe.describe()}: policies {'allow' if got else 'deny'}, "
                       f"model {'allows' if expected else 'denies'}")
    return out


def assert_error_is_justified(data: Mapping[str, Any], error: DefinitionError) -> None:
    """A default-mode error on a valid map must be the re-allow error, backed by a chain in the model."""
    roles = all_roles(data)
    groups = data["auth"]["groups"]
    for problem in error.problems:
        assert REALLOW in problem.message, (
            f"the compiler rejected a map the strategy considers valid in the default mode: {problem.render()}"
            " (if the path rules changed, update strategies.path_rules_ok)")
        named = [(r, a) for r in roles for a in OBJECT_ACTIONS if problem.message.startswith(f"{r} may {a} ")]
        candidates = named or [(r, a) for r in roles for a in OBJECT_ACTIONS]
        assert any(model.reallow_chains(b["access"], groups, r, OWN_IDENTITY, a)
                   for b in buckets_of(data) for r, a in candidates), (
            f"no allow → deny → allow chain in the model justifies: {problem.message}")
        several = isinstance(data["storage"], list)
        declared = {where("storage", *([i] if several else []), "access", path)
                    for i, b in enumerate(buckets_of(data)) for path in b["access"]}
        assert problem.location in declared, f"not located at a declared path: {problem.render()}"
        if re.search(r"(Either|or) grant ", problem.fix):
            gap = re.search(r"but not in (.+?) between them", problem.message).group(1)
            index = re.match(r"storage\[(\d+)\]", problem.location)
            b = buckets_of(data)[int(index.group(1)) if index else 0]
            seen = model.grants(b["access"], groups, DEFAULT, OWN_IDENTITY)
            for path in b["access"]:
                if OWNER_TOKEN in path:
                    other = path[:-1].replace(OWNER_TOKEN, OTHER_IDENTITY) + "file.txt"
                    assert gap not in model.deciding_prefixes(seen, other), (
                        f"the fix would open other users' folders of {path}: {problem.render()}")


def check_meaning(data: Mapping[str, Any], mode: str, extra: Sequence[Probe]) -> None:
    try:
        compiled = compile_data(data, mode)
    except DefinitionError as error:
        assert mode == DEFAULT, f"compat mode rejected a map the strategy considers Amplify-valid: {error}"
        assert_error_is_justified(data, error)
        event("default mode: inexpressible map rejected")
        return
    groups = data["auth"]["groups"]
    for spec in buckets_of(data):
        access = spec["access"]
        if mode == COMPAT and has_first_parent_quirk(access):
            event("compat: first-parent quirk shape, not compared")
            continue
        if mode == COMPAT and has_hidden_allow_quirk(access):
            event("compat: hidden-allow quirk shape, not compared")
            continue
        bucket = compiled[spec["name"]]
        assert set(bucket.roles) <= set(all_roles(data)), f"unexpected roles {sorted(bucket.roles)}"
        probe_list = probe_set(access, extra)
        for role in all_roles(data):
            diff = mismatches(bucket.roles.get(role, []), access, groups, mode, role, bucket.arn, probe_list)
            assert not diff, f"{mode} mode, bucket {spec['name']}, role {role}: {diff[:8]}"


# ------------------------------------------------------------------------------------------ (a) meaning

@tuned(150)
@given(data=definitions(DEFAULT), draw=st.data())
def test_default_mode_means_what_the_model_says(data, draw):
    check_meaning(data, DEFAULT, extra_probes(draw.draw, SEGMENTS))


@tuned(150)
@given(data=definitions(COMPAT), draw=st.data())
def test_compat_mode_means_what_the_model_says(data, draw):
    check_meaning(data, COMPAT, extra_probes(draw.draw, SEGMENTS))


REFUSED = 'Storage access paths must not contain "${"'


def without_refused_paths(data: Mapping[str, Any], mode: str) -> Mapping[str, Any]:
    """Check that the paths the model refuses (``${``) are refused, each at its own location and for that
    reason only; return the definition without them."""
    several = isinstance(data["storage"], list)
    expected = {where("storage", *([i] if several else []), "access", path)
                for i, spec in enumerate(buckets_of(data)) for path in model.refused_paths(spec["access"])}
    if not expected:
        return data
    with pytest.raises(DefinitionError) as caught:
        compile_data(data, mode)
    problems = caught.value.problems
    assert {p.location for p in problems} == expected, [p.render() for p in problems]
    assert all(p.message.startswith(REFUSED) for p in problems), [p.render() for p in problems]
    event(f"{mode}: paths with ${{ refused")
    kept = json.loads(json.dumps(data))
    for spec in buckets_of(kept):
        for path in model.refused_paths(spec["access"]):
            del spec["access"][path]
    return kept


@tuned(100)
@given(data=definitions(DEFAULT, SPECIAL_SEGMENTS), draw=st.data())
def test_paths_with_iam_special_characters_mean_what_they_say(data, draw):
    """A path segment may contain ``?`` or ``$`` (S3 keys may); the policy must still grant exactly that
    path, not whatever IAM's wildcard or policy-variable reading of the text would match. ``${`` is refused."""
    check_meaning(without_refused_paths(data, DEFAULT), DEFAULT, extra_probes(draw.draw, SPECIAL_SEGMENTS))


@tuned(60)
@given(data=definitions(COMPAT, SPECIAL_SEGMENTS), draw=st.data())
def test_compat_paths_with_iam_special_characters_mean_what_they_say(data, draw):
    """Compat mode writes Amplify's shape, escaped: the same property as in the default mode."""
    check_meaning(without_refused_paths(data, COMPAT), COMPAT, extra_probes(draw.draw, SPECIAL_SEGMENTS))


def test_a_copied_owner_variable_is_refused_not_made_live():
    """``x/${cognito-identity.amazonaws.com:sub}/*`` (amplify_outputs.json's spelling of an owner folder) with
    an authenticated rule must not become a per-user variable: it is refused, in both modes, with a fix
    naming ``x/{entity_id}/*``."""
    data = {"auth": {"groups": []}, "storage": {"name": "media", "access": {
        f"x/{ENTITY_SUB}/*": [{"allow": "authenticated", "to": ["read"]}],
        "y/*": [{"allow": "guest", "to": ["read"]}]}}}
    for mode in (DEFAULT, COMPAT):
        with pytest.raises(DefinitionError) as caught:
            compile_data(data, mode)
        (problem,) = caught.value.problems
        assert problem.location == f'storage.access["x/{ENTITY_SUB}/*"]'
        assert problem.message.startswith(REFUSED) and "x/{entity_id}/*" in problem.fix


def test_first_parent_quirk_compat_mode_follows_amplify_not_the_model():
    """Reference §4.4: with an owner path and a literal sibling, Amplify takes a sub-path's parent to be
    the *first* covering path in insertion order. For ``a/{entity_id}/*`` (authenticated read),
    ``a/b/*`` (guest read), ``a/b/c/*`` (guest get), the denies for ``a/b/c/*`` are computed against
    ``a/*``, which the guest does not hold, so the guest may still *list* ``a/b/c/`` (through ``a/b/*``),
    although the longest path ``a/b/c/*`` grants the guest only get. Compat mode reproduces Amplify; the
    model and the default mode follow "the longest matching path decides"."""
    access = {"a/{entity_id}/*": [{"allow": "authenticated", "to": ["read"]}],
              "a/b/*": [{"allow": "guest", "to": ["read"]}],
              "a/b/c/*": [{"allow": "guest", "to": ["get"]}]}
    data = {"auth": {"groups": []}, "storage": {"name": "media", "access": access}}
    assert has_first_parent_quirk(access)
    request = Probe("list", "a/b/c/").request(ARNS["media"], OWN_IDENTITY)
    compat = compile_data(data, COMPAT)["media"].roles["guest"]
    default = compile_data(data, DEFAULT)["media"].roles["guest"]
    assert evaluate(compat, request).allowed, "Amplify (compat) lets the guest list a/b/c/"
    assert not model.decide(access, [], COMPAT, "guest", OWN_IDENTITY, "list", "a/b/c/")
    assert not evaluate(default, request).allowed, "the default mode follows the longest path"
    get = Probe("get", "a/b/c/x.jpg").request(ARNS["media"], OWN_IDENTITY)
    assert evaluate(compat, get).allowed and evaluate(default, get).allowed


def test_hidden_allow_quirk_compat_mode_follows_amplify_not_the_model():
    """Real Amplify (``example-nested-owner``): with ``b/{entity_id}/*`` (authenticated read, entity read) and
    ``b/a/{entity_id}/*`` (guest read, entity read), Amplify denies ``b/a/*`` to the authenticated role, so the
    owner may not get ``b/a/<own id>/f``. Compat mode reproduces that; the model lets the owner in (the owner
    folder is decided with its twin), which IAM cannot express here, so the default mode rejects the map."""
    case = json.loads((CASES / "example-nested-owner.json").read_text())
    access = case["input"]["storage"]["access"]
    assert has_hidden_allow_quirk(access) and not has_first_parent_quirk(access)
    key = f"b/a/{OWN_IDENTITY}/f.txt"
    compat = compile_data(case["input"], COMPAT)["media"].roles["authenticated"]
    amplify = [{"Version": "2012-10-17", "Statement": case["amplify"]["roles"]["authenticated"]}]
    request = Probe("get", key).request(ARNS["media"], OWN_IDENTITY)
    assert not evaluate(compat, request).allowed
    assert not evaluate(amplify, Probe("get", key).request("arn:aws:s3:::BUCKET", OWN_IDENTITY)).allowed
    assert model.decide(access, [], COMPAT, "authenticated", OWN_IDENTITY, "get", key)
    with pytest.raises(DefinitionError) as caught:
        compile_data(case["input"], DEFAULT)
    assert_error_is_justified(case["input"], caught.value)
    shapes = [{"a/{entity_id}/*": [{"allow": "authenticated", "to": ["read"]}],
               "a/b/{entity_id}/*": [{"allow": "entity", "entity": "identity", "to": ["read"]}]},
              {"b/{entity_id}/*": [{"allow": "guest", "to": ["read"]}],
               "b/a/{entity_id}/*": [{"allow": "guest", "to": ["read"]},
                                     {"allow": "entity", "entity": "identity", "to": ["read"]}]}]
    assert not any(has_hidden_allow_quirk(s) for s in shapes), "no deny hides an allow of the same role"


def test_hidden_allow_quirk_three_levels_through_owner_paths():
    """Found by the exploring profile: owner paths escape Amplify's "one other prefix" rule, so a function
    granted on ``b/`` and ``b/a/a/`` is denied ``b/a/*`` (it lacks ``b/a/``) and so loses ``b/a/a/`` too."""
    read = ["read"]
    access = {"b/a/{entity_id}/*": [{"allow": "guest", "to": read}, {"allow": "authenticated", "to": read},
                                    {"allow": "entity", "entity": "identity", "to": read}],
              "b/{entity_id}/*": [{"allow": "guest", "to": read}, {"allow": "authenticated", "to": read},
                                  {"allow": "entity", "entity": "identity", "to": read},
                                  {"allow": "resource", "resource": "thumbnailer", "to": read}],
              "b/a/a/{entity_id}/*": [{"allow": "resource", "resource": "thumbnailer", "to": read}]}
    data = {"auth": {"groups": []}, "storage": {"name": "media", "access": access}}
    assert has_hidden_allow_quirk(access) and not has_first_parent_quirk(access)
    roles = compile_data(data, COMPAT)["media"].roles["function:thumbnailer"]
    assert not evaluate(roles, Probe("get", "b/a/a/x.txt").request(ARNS["media"], OWN_IDENTITY)).allowed
    assert model.decide(access, [], COMPAT, "function:thumbnailer", OWN_IDENTITY, "get", "b/a/a/x.txt")
    with pytest.raises(DefinitionError) as caught:  # allow b/, not b/a/, allow b/a/a/: IAM cannot say it
        compile_data(data, DEFAULT)
    assert_error_is_justified(data, caught.value)


def test_inexpressible_map_is_rejected_and_the_model_agrees_why():
    """allow (a/) → deny (a/b/) → allow (a/b/c/) for one role and object action cannot be written with
    identity policies (the Deny on a/b/* would hide a/b/c/*): the default mode rejects it, and the model
    shows exactly that chain."""
    access = {"a/*": [{"allow": "guest", "to": ["read"]}],
              "a/b/*": [{"allow": "authenticated", "to": ["read"]}],
              "a/b/c/*": [{"allow": "guest", "to": ["get"]}]}
    data = {"auth": {"groups": []}, "storage": {"name": "media", "access": access}}
    assert model.reallow_chains(access, [], "guest", OWN_IDENTITY, "get") == [("a/", "a/b/", "a/b/c/")]
    assert not model.reallow_chains(access, [], "guest", OWN_IDENTITY, "write")
    with pytest.raises(DefinitionError) as caught:
        compile_data(data, DEFAULT)
    assert_error_is_justified(data, caught.value)


# ------------------------------------------------------------------------------------------- (b) shape

def effective_prefixes(access: AccessData) -> set[str]:
    """Every effective prefix a declared path can stand for, with its ``*``."""
    out = set()
    for raw, rules in access.items():
        for rule in rules:
            sub = ENTITY_SUB if rule["allow"] == "entity" else "*"
            p = raw.replace(OWNER_TOKEN, sub)
            out.add(p[:-2] if p.endswith("/*/*") else p)
    return out


def check_shape(bucket: Any, access: AccessData) -> None:
    arn = bucket.arn
    declared = effective_prefixes(access)
    folders = [p[:-1] for p in declared]
    for role, docs in bucket.roles.items():
        assert docs, f"{role}: a role with no documents must be absent"
        for doc in docs:
            assert doc["Version"] == "2012-10-17"
            assert statements_of(doc), f"{role}: empty document"
            for s in statements_of(doc):
                where = f"{role}: {json.dumps(s)}"
                assert set(s) <= {"Sid", "Effect", "Action", "Resource", "Condition"}, where
                assert s["Effect"] in ("Allow", "Deny"), where
                actions, resources = as_list(s["Action"]), as_list(s["Resource"])
                assert actions and resources, where
                assert set(actions) <= S3_ACTIONS, f"unexpected action in {where}"
                assert "*" not in resources and arn + "*" not in resources, where
                if "s3:ListBucket" in actions:
                    assert actions == ["s3:ListBucket"] and resources == [arn], where
                    check_list_condition(s, folders, where)
                    continue
                assert "Condition" not in s, where
                for resource in resources:
                    assert resource.startswith(arn + "/"), f"object resource outside the bucket: {where}"
                    rest = resource[len(arn) + 1:]
                    assert rest.index("*") == len(rest) - 1, f"wildcard inside a resource: {where}"
                    assert rest in declared, f"resource is not a declared path's prefix: {where}"
                    assert OWNER_TOKEN not in rest, where
                    if ENTITY_SUB in rest:
                        assert rest.endswith("/" + ENTITY_SUB + "/*"), where


def check_list_condition(s: Mapping[str, Any], folders: Sequence[str], where: str) -> None:
    condition = s.get("Condition", {})
    assert set(condition) <= {"StringLike", "StringNotLike"}, where
    for operator, block in condition.items():
        assert set(block) == {"s3:prefix"}, where
        for value in as_list(block["s3:prefix"]):
            body = value.replace("*", "")
            assert value.index("*") == len(value) - 1 if "*" in value else True, where
            assert any(body.startswith(f) for f in folders), f"{operator} value {value!r} outside paths: {where}"
    if s["Effect"] == "Allow":
        values = as_list(condition.get("StringLike", {}).get("s3:prefix", []))
        assert values, f"ListBucket Allow without an s3:prefix StringLike condition: {where}"


@tuned(100)
@given(data=definitions(DEFAULT))
def test_default_mode_policy_shape(data):
    try:
        compiled = compile_data(data, DEFAULT)
    except DefinitionError as error:
        assert_error_is_justified(data, error)
        return
    for spec in buckets_of(data):
        check_shape(compiled[spec["name"]], spec["access"])


@tuned(100)
@given(data=definitions(COMPAT))
def test_compat_mode_policy_shape(data):
    compiled = compile_data(data, COMPAT)
    for spec in buckets_of(data):
        check_shape(compiled[spec["name"]], spec["access"])


def test_shape_check_catches_an_allow_outside_declared_paths():
    """The shape check is not vacuous: a widened resource, a bare ListBucket and s3:* are each caught."""
    data = {"auth": {"groups": []}, "storage": {"name": "media", "access": {
        "a/{entity_id}/*": [{"allow": "entity", "entity": "identity", "to": ["read", "write"]}]}}}
    bucket = compile_data(data, DEFAULT)["media"]
    access = data["storage"]["access"]
    check_shape(bucket, access)
    for broken in ({"Effect": "Allow", "Action": "s3:PutObject", "Resource": ARNS["media"] + "/a/*"},
                   {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": ARNS["media"]},
                   {"Effect": "Allow", "Action": "s3:*", "Resource": ARNS["media"] + "/a/${x}/*"}):
        bad = type(bucket)(bucket.name, bucket.arn, {"authenticated": [
            {"Version": "2012-10-17", "Statement": [broken]}]}, bucket.paths)
        with pytest.raises(AssertionError):
            check_shape(bad, access)


# ------------------------------------------------------------------------------------- (c) determinism

def as_json(compiled: Mapping[str, Any]) -> str:
    return json.dumps({name: b.to_json() for name, b in compiled.items()})  # key order kept: not sorted


@tuned(50)
@given(data=definitions(DEFAULT), mode=st.sampled_from([DEFAULT, COMPAT]))
def test_compiling_twice_gives_identical_json(data, mode):
    try:
        first = as_json(compile_data(data, mode))
    except DefinitionError as error:
        with pytest.raises(DefinitionError) as again:
            compile_data(json.loads(json.dumps(data)), mode)
        assert str(again.value) == str(error)
        return
    assert as_json(compile_data(data, mode)) == first
    assert as_json(compile_data(json.loads(json.dumps(data)), mode)) == first


def test_cli_output_does_not_depend_on_hash_seed(tmp_path):
    """Statements with several resources, several ``s3:prefix`` values and several roles, compiled by the
    CLI in fresh interpreters with different ``PYTHONHASHSEED``: any set/hash ordering would show."""
    everyone = [{"allow": "guest", "to": ["read"]}, {"allow": "authenticated", "to": ["read", "write"]},
                {"allow": "groups", "groups": ["editor", "admin"], "to": ["read", "write", "delete"]},
                {"allow": "resource", "resource": "resize", "to": ["get", "write"]}]
    access = {f"{name}/*": everyone for name in ("public", "shared", "docs", "media", "tmp")}
    access["public/raw/*"] = [{"allow": "groups", "groups": ["Viewers"], "to": ["get"]}]
    access["protected/{entity_id}/*"] = [{"allow": "authenticated", "to": ["get"]},
                                         {"allow": "entity", "entity": "identity", "to": ["read", "write"]},
                                         {"allow": "groups", "groups": ["admin"], "to": ["read", "delete"]}]
    definition = {"auth": {"groups": ["admin", "editor", "Viewers"]}, "storage": {"name": "media", "access": access}}
    path = tmp_path / "backend.json"
    path.write_text(json.dumps(definition))
    outputs: dict[tuple[str, ...], set[str]] = {}
    for seed in ("1", "2", "3"):
        for compat in ((), ("--compat", "amplify")):
            run = subprocess.run([sys.executable, "-c", "from ampliform.cli import main; main()", "compile",
                                  str(path), *compat], capture_output=True, text=True, cwd=REPO, timeout=60,
                                 env={**os.environ, "PYTHONHASHSEED": seed})
            assert run.returncode == 0, run.stderr
            outputs.setdefault(compat, set()).add(run.stdout)
    assert '"Resource": [' in next(iter(outputs[()])), "the example should have multi-resource statements"
    assert all(len(texts) == 1 for texts in outputs.values()), "output depends on the hash seed"


# ------------------------------------------------------------------------------- (d) merging, splitting

def requests_for(access: AccessData, arn: str, extra: Sequence[Probe]) -> list[Request]:
    return [p.request(arn, OWN_IDENTITY) for p in probe_set(access, extra)]


@tuned(100)
@given(data=definitions(DEFAULT), mode=st.sampled_from([DEFAULT, COMPAT]), parts=st.integers(2, 4),
       draw=st.data())
def test_splitting_and_merging_statements_keeps_every_decision(data, mode, parts, draw):
    try:
        compiled = compile_data(data, mode)
    except DefinitionError:
        return
    extra = extra_probes(draw.draw, SEGMENTS)
    for spec in buckets_of(data):
        bucket = compiled[spec["name"]]
        requests = requests_for(spec["access"], bucket.arn, extra)
        for role, docs in bucket.roles.items():
            split = [split_statements(d) for d in docs]
            for s in (s for d in split for s in statements_of(d)):
                assert isinstance(s["Action"], str) and isinstance(s["Resource"], str)
                assert len(as_list(s.get("Condition", {}).get("StringLike", {}).get("s3:prefix", []))) <= 1
            merged = [merge_statements(d) for d in split]
            reordered = [{"Version": d["Version"], "Statement": statements_of(d)[::-1]} for d in docs]
            what = f"{mode} {spec['name']} {role}"
            assert_same_decisions(docs, split, requests, f"{what} split")
            assert_same_decisions(docs, merged, requests, f"{what} split+merged")
            assert_same_decisions(docs, spread(split, parts), requests, f"{what} split across {parts} docs")
            assert_same_decisions(docs, spread(merged, parts), requests, f"{what} merged across {parts} docs")
            assert_same_decisions(docs, reordered, requests, f"{what} reordered")
            assert sum(len(statements_of(d)) for d in merged) <= sum(len(statements_of(d)) for d in split)


TIGHT = Limits(inline=600, managed=420, managed_quota=1_000)
"""Budget limits small enough that most random maps spill into managed policies and split statements."""


@tuned(100)
@given(data=definitions(DEFAULT), draw=st.data())
def test_budget_splitting_keeps_every_decision(data, draw):
    """The budget splitter (inline first, then managed policies, statements split by resources or
    ``s3:prefix`` values) allows exactly what the unsplit documents allow; no document exceeds its limit."""
    definition = parse_definition(data)
    try:
        roomy = compile_definition(definition, ARNS, limits=Limits(managed_quota=1_000))
    except DefinitionError:
        return
    try:
        tight = plan_backend(definition, ARNS, limits=TIGHT)
    except DefinitionError as error:
        assert all("more than one policy may hold" in p.message for p in error.problems), str(error)
        event("tight budget: a single statement part does not fit")
        return
    extra = extra_probes(draw.draw, SEGMENTS)
    for spec in buckets_of(data):
        requests = requests_for(spec["access"], ARNS[spec["name"]], extra)
        for role in all_roles(data):
            before = roomy[spec["name"]].roles.get(role, [])
            after = tight.buckets[spec["name"]].roles.get(role, [])
            assert_same_decisions(before, after, requests, f"{spec['name']} {role} under a tight budget")
            if len(after) > len(before):
                event("tight budget: documents split")
    for budget in tight.budgets.values():
        for placement in budget.placements:
            limit = TIGHT.inline if placement.kind == "inline" else TIGHT.managed
            assert len(json.dumps(placement.document, separators=(",", ":"))) <= limit
        assert budget.inline_size <= TIGHT.inline


def test_merging_is_not_vacuous():
    """merge_statements really merges; and the decision check catches an unsound merge."""
    arn = "arn:aws:s3:::b"
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": arn + "/a/*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": arn + "/b/*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": arn + "/a/*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": arn + "/b/*"},
        *({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": arn,
           "Condition": {"StringLike": {"s3:prefix": [p]}}} for p in ("a/*", "b/*")),
        {"Effect": "Deny", "Action": "s3:PutObject", "Resource": arn + "/a/x/*"}]}
    merged = merge_statements(doc)
    assert len(statements_of(merged)) == 3
    requests = [Probe(a, k).request(arn, OWN_IDENTITY) for a in ("get", "write", "delete")
                for k in ("a/f", "b/f", "a/x/f", "c/f")] + [Probe("list", p).request(arn, None)
                                                              for p in ("a/", "b/", "c/", None)]
    assert_same_decisions([doc], [merged], requests, "merge")
    unsound = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": [arn + "/a/*", arn + "/b/*"]}]}
    with pytest.raises(AssertionError):
        assert_same_decisions([doc], [unsound], requests, "unsound")


# ----------------------------------------------------------------------- the model against real Amplify

def _conformance_cases() -> list[Path]:
    return sorted(CASES.glob("*.json"))


def test_model_matches_real_amplify_on_the_conformance_corpus():
    """The oracle is checked against Amplify's own synthesized policies (compat mode: exclusive group
    roles), on every accepted case that is not a first-parent quirk shape."""
    cases = _conformance_cases()
    assert len(cases) >= 100, f"conformance cases not found under {CASES}"
    compared = 0
    for case_file in cases:
        case = json.loads(case_file.read_text())
        if "error" in case["amplify"]:
            continue
        access = case["input"]["storage"]["access"]
        if has_first_parent_quirk(access) or has_hidden_allow_quirk(access):
            continue
        groups = case["input"].get("auth", {}).get("groups", [])
        arn = "arn:aws:s3:::BUCKET"
        roles = set(case["amplify"]["roles"]) | {"authenticated", "guest"} | {f"group:{g}" for g in groups}
        for role in sorted(roles):
            statements = case["amplify"]["roles"].get(role, [])
            docs = [{"Version": "2012-10-17", "Statement": statements}] if statements else []
            diff = mismatches(docs, access, groups, COMPAT, role, arn, probes(list(access)))
            assert not diff, f"{case_file.name} {role}: Amplify and the model differ on {diff[:5]}"
        compared += 1
    assert compared >= 50


def test_model_on_the_tutorial():
    """The reference's Example 1, read straight off the model."""
    access = {"post-pictures/{entity_id}/*": [{"allow": "authenticated", "to": ["read"]},
                                              {"allow": "entity", "entity": "identity", "to": ["write", "delete"]}]}

    def may(role: str, action: str, target: str | None) -> bool:
        return model.decide(access, ["admin"], DEFAULT, role, OWN_IDENTITY, action, target)

    assert may("authenticated", "get", f"post-pictures/{OTHER_IDENTITY}/a.jpg")
    assert may("authenticated", "write", f"post-pictures/{OWN_IDENTITY}/a.jpg")
    assert not may("authenticated", "write", f"post-pictures/{OTHER_IDENTITY}/a.jpg")
    assert not may("authenticated", "write", "post-pictures/a.jpg")
    assert may("authenticated", "list", "post-pictures/")
    assert not may("authenticated", "list", "post-pictures")
    assert not may("authenticated", "list", "") and not may("authenticated", "list", None)
    assert not may("guest", "get", "post-pictures/a.jpg")
    assert may("group:admin", "write", f"post-pictures/{OWN_IDENTITY}/a.jpg")
    assert not model.decide(access, ["admin"], COMPAT, "group:admin", OWN_IDENTITY, "get", "post-pictures/a")
