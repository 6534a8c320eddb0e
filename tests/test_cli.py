"""The CLI contract, through click's CliRunner: JSON on stdout, user errors exit 2 with `error:` lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ampliform.access.constants import ENTITY_SUB
from ampliform.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
TUTORIAL = str(FIXTURES / "tutorial.yaml")
USER_A = "eu-west-1:aaaaaaaa-0000-4000-8000-00000000000a"
USER_B = "eu-west-1:bbbbbbbb-0000-4000-8000-00000000000b"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_compile_tutorial_prints_the_agreed_json():
    result = run("compile", TUTORIAL)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(out) == ["buckets"] and list(out["buckets"]) == ["myBucket"]
    bucket = out["buckets"]["myBucket"]
    assert set(bucket) == {"roles", "paths"}
    assert bucket["paths"] == {
        "post-pictures/*": {"authenticated": ["get", "list"]},
        f"post-pictures/{ENTITY_SUB}/*": {"entityidentity": ["write", "delete"]},
    }
    assert list(bucket["roles"]) == ["authenticated"]  # no guest, no group role
    (doc,) = bucket["roles"]["authenticated"]
    assert doc["Version"] == "2012-10-17"
    resources = json.dumps(doc)
    assert "arn:aws:s3:::myBucket/post-pictures/*" in resources
    assert f"arn:aws:s3:::myBucket/post-pictures/{ENTITY_SUB}/*" in resources


def test_compile_output_is_deterministic_and_takes_the_bucket_arn():
    first = run("compile", TUTORIAL, "--bucket-arn", "arn:aws:s3:::real-bucket-123")
    second = run("compile", TUTORIAL, "--bucket-arn", "arn:aws:s3:::real-bucket-123")
    assert first.stdout == second.stdout
    assert "arn:aws:s3:::real-bucket-123/post-pictures/*" in first.stdout
    assert "arn:aws:s3:::myBucket" not in first.stdout


def test_compat_mode_renders_amplify_statements():
    out = json.loads(run("compile", TUTORIAL, "--compat", "amplify").stdout)
    statements = out["buckets"]["myBucket"]["roles"]["authenticated"][0]["Statement"]
    assert [s["Action"] for s in statements] == ["s3:GetObject", "s3:ListBucket", "s3:PutObject",
                                                 "s3:DeleteObject"]
    assert statements[1]["Condition"] == {"StringLike": {"s3:prefix": ["post-pictures/*", "post-pictures/"]}}


def explain(*args: str) -> dict:
    result = run("explain", TUTORIAL, "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_explain_user_a_reads_user_b_picture():
    out = explain("--as", "authenticated", "--identity", USER_A, "read", f"post-pictures/{USER_B}/cat.jpg")
    assert out["decision"] == "allow"
    assert [r["action"] for r in out["requests"]] == ["get", "list"]
    assert out["requests"][0]["statement"]["Resource"] == "arn:aws:s3:::myBucket/post-pictures/*"
    assert out["requests"][0]["path"] == "post-pictures/{entity_id}/*"


def test_explain_user_a_may_not_write_into_b_folder_but_may_into_own():
    other = explain("--as", "authenticated", "--identity", USER_A, "write", f"post-pictures/{USER_B}/x.jpg")
    assert other["decision"] == "deny"
    assert other["requests"][0]["reason"].startswith("implicit deny")
    own = explain("--as", "authenticated", "--identity", USER_A, "write", f"post-pictures/{USER_A}/x.jpg")
    assert own["decision"] == "allow"
    assert ENTITY_SUB in json.dumps(own["requests"][0]["statement"])


@pytest.mark.parametrize("action", ["read", "get", "list", "write", "delete"])
def test_explain_has_no_guest_role_without_a_guest_rule(action):
    """The tutorial has no guest rule, so there is no guest role to explain (it is not offered either)."""
    result = run("explain", TUTORIAL, "--as", "guest", action, f"post-pictures/{USER_B}/cat.jpg")
    assert result.exit_code == 2 and result.stdout == ""
    assert "no guest rule, so there is no guest role" in result.stderr
    assert "fix: Use one of: authenticated." in result.stderr


def test_explain_prints_the_decision_first_then_why():
    result = run("explain", TUTORIAL, "--as", "authenticated", "--identity", USER_A, "write",
                 f"post-pictures/{USER_B}/x.jpg")
    assert result.exit_code == 0
    first, *rest = result.stdout.splitlines()
    assert first == f"DENY  authenticated (identity {USER_A}) write 'post-pictures/{USER_B}/x.jpg' on bucket myBucket"
    assert rest[0].split()[:3] == ["write", "deny", "implicit"]
    assert rest[1].split() == ["path", "post-pictures/{entity_id}/*"]
    own = run("explain", TUTORIAL, "--as", "authenticated", "--identity", USER_A, "write",
              f"post-pictures/{USER_A}/x.jpg")
    assert own.stdout.startswith("ALLOW  ") and "statement  Allow s3:DeleteObject, s3:PutObject on " in own.stdout


def test_explain_unknown_role_is_a_user_error():
    result = run("explain", TUTORIAL, "--as", "group:admin", "get", "post-pictures/x")
    assert result.exit_code == 2
    assert "error: unknown role 'group:admin'" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("content", "suffix", "expected"), [
    ("storage: {name: b, access: {a/*: [{allow: guest, to: [read]}]\n", ".yaml", "invalid YAML"),
    ('{"storage": ', ".json", "invalid JSON"),
    ("storage:\n  name: b\n  name: c\n", ".yaml", "duplicate key 'name'"),
    ("- a\n- b\n", ".yaml", "expected a mapping at the top level"),
    ("storage: {name: b, access: {a/*: [{allow: guest, to: read}]}}", ".yaml", "Input should be a list"),
    ("storage: {name: b, access: {a/*: [{allow: guest, to: [read], extra: 1}]}}", ".yaml", "unknown key `extra`"),
    ("storage: {name: b, acces: {}}", ".yaml", "unknown key `acces`"),
    ("storage: {name: b, access: {a/*: [{allow: everyone, to: [read]}]}}", ".yaml", "unknown kind 'everyone'"),
    ("storage: {name: b, access: {a/*: [{allow: guest, to: [peek]}]}}", ".yaml", "invalid value 'peek'"),
    ("storage: {name: b, access: {a/*: [{allow: guest, to: []}]}}", ".yaml", "`to` lists no action"),
    ("storage: {name: b, access: {a/*: [{allow: groups, to: [read]}]}}", ".yaml", "missing required key `groups`"),
    ("storage: {name: 7, access: {}}", ".yaml", "Input should be a valid string"),
])
@pytest.mark.parametrize("command", ["validate", "compile"])
def test_malformed_input_exits_2_without_traceback(tmp_path, content, suffix, expected, command):
    path = tmp_path / f"definition{suffix}"
    path.write_text(content)
    result = run(command, str(path))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output and result.stdout == ""
    assert "  at: " in result.stderr and "  fix: " in result.stderr


def test_missing_file_exits_2(tmp_path):
    result = run("compile", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "error: file not found" in result.stderr


def test_every_problem_is_reported_in_one_run():
    result = run("validate", str(FIXTURES / "many-problems.yaml"))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    expected = [
        "Resource name contains invalid characters, found 1bucket",
        "No default storage set in the Amplify project.",
        'Storage access paths must not start with "/". Found [/lead/*].',
        "Entity access definition for guest users specified multiple times.",
        'No auth IAM role found for "editors".',
        "The {entity_id} token must be the path part right before the ending wildcard. Found [c/{entity_id}/x/*].",
    ]
    for message in expected:
        assert any(message in line for line in errors), message
    assert len(errors) == len(expected)
    assert 'at: storage[0].access["a/*"][1]' in result.stderr
    assert 'at: storage[1].access["c/{entity_id}/x/*"]' in result.stderr


def test_validate_ok_prints_json_summary():
    result = run("validate", TUTORIAL, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["valid"] is True


def test_validate_prints_the_verdict_first_then_buckets_and_budgets():
    result = run("validate", TUTORIAL)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"VALID  {TUTORIAL}"
    assert lines[1].split() == ["bucket", "myBucket", "1", "path", "authenticated"]
    assert any(line.split()[:2] == ["authenticated", "inline"] and "/ 10,240" in line for line in lines)
    assert "\x1b[" not in result.stdout


def test_bucket_arn_for_unknown_bucket_is_a_user_error():
    result = run("compile", TUTORIAL, "--bucket-arn", "other=arn:aws:s3:::x")
    assert result.exit_code == 2 and "unknown bucket 'other'" in result.stderr


@pytest.mark.parametrize(("args", "at"), [
    (["preview", "--project-dir", "README.md"], "'--project-dir'"),
    (["explain", "backend.yaml", "get", "x"], "'--as'"),
    (["validate", "--max-managed-policies", "99"], "'--max-managed-policies'"),
])
def test_usage_errors_are_user_errors_in_the_same_form(args, at):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert f"  at: {at}" in result.stderr and "  fix: See `ampliform " in result.stderr


class _Terminal:
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    from ampliform.cli import output

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(output.sys, "stdout", _Terminal())
    assert output.use_colour() is True
    monkeypatch.setenv("NO_COLOR", "")  # set at all, even empty, turns colour off (no-color.org)
    assert output.use_colour() is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert output.use_colour() is False
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(output.sys, "stdout", object())  # a pipe or a file: no isatty
    assert output.use_colour() is False
    assert "\x1b[" in output.verdict("allow") and output.verdict("allow").endswith("\x1b[0m")
