"""`ampliform diff OLD NEW`: access gained and lost per role and path, compared by effect.

The fixtures in tests/fixtures/diff/ are `base.yaml` and one edit each (a rule added, an action removed, a
nested path, a renamed group, a bucket added). Expected changes are checked against the CLI's JSON and,
independently, against the compiled policies through the evaluator; structural properties (no change
against itself, reversing OLD and NEW swaps gained and lost) are checked over every fixture pair.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from reference_data import CASES

from ampliform.cli import main
from ampliform.definition.load import load_definition, parse_definition
from ampliform.definition.model import Definition
from ampliform.iam.evaluate import evaluate, list_request, object_request
from ampliform.plan.backend import compile_definition
from ampliform.review.diff import Change, diff_definitions
from ampliform.review.probes import OTHER_IDENTITY, OWN_IDENTITY, probes

DIFF = Path(__file__).parent / "fixtures" / "diff"
BASE = str(DIFF / "base.yaml")
EDITS = ["add-rule", "remove-action", "nested", "renamed-group", "second-bucket"]
ARN = "arn:aws:s3:::myBucket"


def fixture(name: str) -> str:
    return str(DIFF / f"{name}.yaml")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def changes(old: str, new: str, *extra: str) -> list[dict]:
    result = run("diff", old, new, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["changes"]


def by_role(found: list[dict]) -> dict[str, dict[str, tuple[list[str], list[str]]]]:
    out: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
    for c in found:
        out.setdefault(c["role"], {})[c["path"]] = (c["gained"], c["lost"])
    return out


def allowed(path: str, role: str, action: str, key: str, compat: bool = False) -> bool:
    """Independent check: the role's compiled policies in one definition file."""
    compiled = compile_definition(load_definition(path), compat=compat)["myBucket"]
    request = (list_request(ARN, key, OWN_IDENTITY) if action == "list"
               else object_request(action, ARN, key, OWN_IDENTITY))
    return evaluate(compiled.roles.get(role, []), request).allowed


def test_no_changes_against_itself():
    result = run("diff", BASE, BASE, "--exit-code")
    assert result.exit_code == 0 and result.stdout.startswith("UNCHANGED  no access changes")
    assert changes(BASE, BASE) == []


def test_adding_a_rule_shows_exactly_that_grant():
    found = changes(BASE, fixture("add-rule"))
    assert found == [{"bucket": "myBucket", "role": "guest", "path": "media/*",
                      "gained": ["get", "list"], "lost": []}]
    assert not allowed(BASE, "guest", "get", "media/a.jpg")
    assert allowed(fixture("add-rule"), "guest", "get", "media/a.jpg")


def test_removing_an_action_is_lost_by_signed_in_users_and_by_group_roles_through_them():
    found = by_role(changes(BASE, fixture("remove-action")))
    own = "post-pictures/{entity_id}/* (own folder)"
    assert found == {"authenticated": {own: ([], ["delete"])}, "group:admin": {own: ([], ["delete"])}}
    key = f"post-pictures/{OWN_IDENTITY}/a.jpg"
    assert allowed(BASE, "group:admin", "delete", key)
    assert not allowed(fixture("remove-action"), "group:admin", "delete", key)


def test_compat_mode_group_roles_do_not_hold_signed_in_grants():
    found = by_role(changes(BASE, fixture("remove-action"), "--compat", "amplify"))
    assert set(found) == {"authenticated"}
    assert not allowed(BASE, "group:admin", "delete", f"post-pictures/{OWN_IDENTITY}/a.jpg", compat=True)


def test_nesting_a_path_removes_inherited_access_and_names_the_nested_path():
    found = by_role(changes(BASE, fixture("nested")))
    assert found == {"authenticated": {"media/* (inside media/drafts/*)": ([], ["get", "list"])}}
    for action, key in [("get", "media/drafts/a.txt"), ("list", "media/drafts/")]:
        assert allowed(BASE, "authenticated", action, key)
        assert not allowed(fixture("nested"), "authenticated", action, key)
    assert allowed(fixture("nested"), "authenticated", "get", "media/a.txt")  # the rest is unchanged
    assert allowed(fixture("nested"), "group:admin", "write", "media/drafts/a.txt")


def test_renaming_a_group_moves_all_its_access_to_the_new_name():
    found = by_role(changes(BASE, fixture("renamed-group")))
    assert set(found) == {"group:admin", "group:editors"}
    lost = {path: lost for path, (gained, lost) in found["group:admin"].items() if not gained}
    gained = {path: gained for path, (gained, lost) in found["group:editors"].items() if not lost}
    assert lost == gained == {
        "media/*": ["get", "list", "write", "delete"],
        "post-pictures/{entity_id}/* (own folder)": ["get", "list", "write", "delete"],
        "post-pictures/{entity_id}/* (other users' folders)": ["get", "list"],
    }


def test_an_added_bucket_shows_all_its_access_gained_and_a_removed_one_all_lost():
    added = changes(BASE, fixture("second-bucket"))
    assert added == [{"bucket": "archive", "role": "group:admin", "path": "old/*",
                      "gained": ["get", "list"], "lost": []}]
    removed = changes(fixture("second-bucket"), BASE)
    assert removed == [{**added[0], "gained": [], "lost": ["get", "list"]}]


@pytest.mark.parametrize(("old", "new"), list(itertools.permutations(["base", *EDITS], 2)))
def test_reversing_old_and_new_swaps_gained_and_lost(old: str, new: str):
    forward = diff_definitions(load_definition(fixture(old)), load_definition(fixture(new)))
    backward = diff_definitions(load_definition(fixture(new)), load_definition(fixture(old)))
    assert forward, "every fixture changes access"
    assert backward == [Change(c.bucket, c.role, c.path, c.lost, c.gained) for c in forward]


def _accepted_cases() -> list[Path]:
    found = sorted(p for p in CASES.glob("*.json") if "error" not in json.loads(p.read_text())["amplify"])
    return found[::10]


@pytest.mark.parametrize("case_file", _accepted_cases(), ids=lambda p: p.stem)
@pytest.mark.parametrize("compat", [False, True], ids=["default", "compat"])
def test_from_an_empty_bucket_every_allowed_action_is_gained(case_file: Path, compat: bool):
    """Cross-check on Amplify's cases: the actions gained per role are exactly what its policies allow."""
    case = json.loads(case_file.read_text())["input"]
    new = parse_definition(case)
    old = parse_definition({**case, "storage": {"name": case["storage"]["name"]}})
    found = diff_definitions(old, new, compat=compat)
    assert all(not c.lost for c in found)
    compiled = compile_definition(new, compat=compat)[case["storage"]["name"]]
    for role in {"authenticated", "guest", *(f"group:{g}" for g in new.auth.groups), *compiled.roles}:
        expected = {p.action for p in probes(case["storage"]["access"])
                    if evaluate(compiled.roles.get(role, []), p.request(compiled.arn, OWN_IDENTITY)).allowed}
        assert {a for c in found if c.role == role for a in c.gained} == expected, role


def test_other_users_folders_are_probed():
    definition = load_definition(BASE)
    only_own = Definition.model_validate(definition.model_dump() | {"storage": {"name": "myBucket", "access": {
        "post-pictures/{entity_id}/*": [{"allow": "entity", "entity": "identity", "to": ["write", "delete"]}]}}})
    found = diff_definitions(definition, only_own)
    assert Change("myBucket", "authenticated", "post-pictures/{entity_id}/* (other users' folders)",
                  (), ("get", "list")) in found
    assert not allowed_for(only_own, "get", f"post-pictures/{OTHER_IDENTITY}/a.jpg")


def allowed_for(definition: Definition, action: str, key: str) -> bool:
    compiled = compile_definition(definition)["myBucket"]
    return evaluate(compiled.roles.get("authenticated", []), object_request(action, ARN, key, OWN_IDENTITY)).allowed


def test_exit_code_and_table():
    result = run("diff", BASE, fixture("add-rule"), "--exit-code")
    assert result.exit_code == 1
    verdict, guest, header, row = [line for line in result.stdout.strip().splitlines() if line]
    assert verdict.startswith("CHANGED  1 storage access change, 1 guest identity change from ")  # decision first
    assert guest.startswith("guest identities: off -> on")
    assert header.split() == ["bucket", "role", "path", "gained", "lost"]
    assert row.split() == ["myBucket", "guest", "media/*", "get,", "list", "-"]
    assert header.index("path") == row.index("media/*")  # aligned
    assert "\x1b[" not in result.stdout  # no colour off a terminal
    assert run("diff", BASE, fixture("add-rule")).exit_code == 0  # without --exit-code
    same = run("diff", BASE, BASE, "--exit-code")
    assert same.exit_code == 0 and same.stdout.startswith("UNCHANGED  no access changes")


@pytest.mark.parametrize("order", ["bad-first", "bad-second"])
def test_bad_input_exits_2_with_every_problem_of_both_files(order: str):
    bad, missing = fixture("bad"), str(DIFF / "missing.yaml")
    args = (bad, missing) if order == "bad-first" else (missing, bad)
    result = run("diff", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3, result.stderr
    assert any('must end with "/*"' in e for e in errors)
    assert any('"editors"' in e for e in errors)
    assert any("file not found" in e for e in errors)
    assert result.stderr.count(f"at: {bad}: ") == 2
