"""Change safety: renames keep data (aliases), the preview against a deployed state says what would be
deleted or replaced, protected stacks refuse data loss, and `diff` lists destroyed data-bearing resources.

The deployed state is built from the preview of the old definition (`state_export.state_of`: the document a
real `pulumi stack export` prints), then the definition is edited and previewed against it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from state_export import write_state

from ampliform.cli import main
from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError
from ampliform.plan.backend import plan_backend
from ampliform.program.runner import run_preview
from ampliform.review.safety import against_state, between_definitions

ROOT = Path(__file__).resolve().parents[1]
BUCKET = ("urn:pulumi:{stack}::ampliform::ampliform:index:Storage$aws:s3/bucket:Bucket::"
          "ampliform-{stack}-storage-mybucket")
TABLE = ("urn:pulumi:{stack}::ampliform::ampliform:index:Data$aws:dynamodb/table:Table::"
         "ampliform-{stack}-data-Post-table")


def project(tmp_path: Path) -> Path:
    for name in ("Pulumi.yaml", "__main__.py", "backend.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks")
    return tmp_path


def edit(root: Path, old: str, new: str) -> None:
    text = (root / "backend.yaml").read_text()
    assert old in text
    (root / "backend.yaml").write_text(text.replace(old, new))


def deployed(root: Path, stack: str) -> Path:
    return write_state(run_preview(stack, root), stack, root / f"{stack}.state.json")


def preview(root: Path, stack: str, state: Path, *extra: str):
    return CliRunner().invoke(main, ["preview", "--stack", stack, "--project-dir", str(root), "--state", str(state),
                                     *extra])


def test_an_unchanged_definition_destroys_nothing(tmp_path):
    root = project(tmp_path)
    state = deployed(root, "prod")
    result = preview(root, "prod", state)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Change safety: against the deployed state, the update deletes and replaces "
                                    "nothing.")


def test_renaming_the_bucket_in_prod_is_refused_naming_the_bucket(tmp_path):
    root = project(tmp_path)
    state = deployed(root, "prod")
    edit(root, "name: myBucket", "name: photos")
    result = preview(root, "prod", state)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error: Bucket ampliform-prod-storage-mybucket would be deleted, losing every object in the bucket" in \
        result.stderr
    assert f"at: {BUCKET.format(stack='prod')}" in result.stderr
    assert "renamed_from" in result.stderr and "--allow-data-loss" in result.stderr
    allowed = preview(root, "prod", state, "--allow-data-loss")
    assert allowed.exit_code == 0
    first = allowed.stdout.splitlines()[:2]  # said first
    assert "1 of them holding data" in first[0]
    assert first[1].startswith("  DATA LOSS  Bucket ampliform-prod-storage-mybucket would be deleted")


def test_a_rename_with_renamed_from_keeps_the_bucket_and_its_configuration(tmp_path):
    root = project(tmp_path)
    state = deployed(root, "prod")
    edit(root, "name: myBucket", "name: photos\n  renamed_from: [myBucket]")
    result = preview(root, "prod", state)
    assert result.exit_code == 0, result.output
    assert "deletes and replaces nothing" in result.stdout.splitlines()[0]
    planned = run_preview("prod", root)["resources"]
    bucket = next(r for r in planned if r["type"] == "aws:s3/bucket:Bucket")
    assert bucket["name"] == "ampliform-prod-storage-photos"
    assert BUCKET.format(stack="prod") in bucket["options"]["aliases"]
    assert bucket["inputs"]["tags"] == {"ampliform:bucket": "photos"}  # updated in place


def test_dev_says_what_would_be_lost_but_does_not_refuse(tmp_path):
    root = project(tmp_path)
    state = deployed(root, "dev")
    edit(root, "    Post:", "    Article:")
    result = preview(root, "dev", state)
    assert result.exit_code == 0, result.output
    assert "DATA LOSS  Table ampliform-dev-data-Post-table would be deleted, losing every item in the table" in \
        result.stdout.split("\n\nampliform preview:")[0]


def test_a_model_rename_with_renamed_from_keeps_its_table(tmp_path):
    root = project(tmp_path)
    state = deployed(root, "prod")
    edit(root, "    Post:", "    Article:\n      renamed_from: [Post]")
    result = preview(root, "prod", state)
    assert result.exit_code == 0, result.output
    assert "(none holding data)" in result.stdout.splitlines()[0] and "DATA LOSS" not in result.stdout
    table = next(r for r in run_preview("prod", root)["resources"] if r["type"] == "aws:dynamodb/table:Table")
    assert TABLE.format(stack="prod") in table["options"]["aliases"]


def test_replace_forcing_inputs_are_found_against_the_state(tmp_path):
    root = project(tmp_path)
    state_file = deployed(root, "prod")
    state = json.loads(state_file.read_text())["deployment"]["resources"]
    for r in state:  # as if the pool had been created with phone sign-in and the table keyed by `slug`
        if r["type"] == "aws:cognito/userPool:UserPool":
            r["inputs"]["usernameAttributes"] = ["phone_number"]
        if r["type"] == "aws:dynamodb/table:Table":
            r["inputs"]["hashKey"] = "slug"
    found = against_state(state, run_preview("prod", root)["resources"])
    described = [d.describe() for d in found]
    assert any(d.startswith("UserPool ampliform-prod-auth-user-pool would be replaced, losing every user account")
               and "usernameAttributes: sign-in attributes are fixed at creation" in d for d in described)
    assert any(d.startswith("Table ampliform-prod-data-Post-table would be replaced") and "hashKey" in d
               for d in described)
    assert all(d.data_bearing for d in found)


def test_prod_protects_every_data_bearing_resource():
    resources = run_preview("prod", ROOT)["resources"]
    kinds = {"aws:s3/bucket:Bucket", "aws:dynamodb/table:Table", "aws:cognito/userPool:UserPool",
             "aws:cognito/identityPool:IdentityPool", "aws:cognito/userGroup:UserGroup"}
    bearing = [r for r in resources if r["type"] in kinds]
    assert {r["type"] for r in bearing} >= kinds - {"aws:cognito/userGroup:UserGroup"}  # no group in backend.yaml
    assert all(r["options"]["protect"] and r["options"]["retainOnDelete"] for r in bearing)


def test_prod_protects_user_groups(mocks):
    from conftest import run

    from ampliform.resources.auth import Auth, AuthArgs

    run(lambda: Auth("a", AuthArgs(groups=("admin",), protect=True)))
    options = mocks.monitor.options[("aws:cognito/userGroup:UserGroup", "a-group-admin")]
    assert options["protect"] and options["retainOnDelete"]
    pool = mocks.monitor.options[("aws:cognito/identityPool:IdentityPool", "a-identity-pool")]
    assert pool["protect"] and pool["retainOnDelete"]


@pytest.mark.parametrize(("content", "expected"), [
    ("not json", "invalid JSON"),
    ('{"resources": []}', "is not a `pulumi stack export` document"),
    ('{"version": 3, "deployment": {"resources": [{"type": "x"}]}}', "resource 0 has no `urn` and `type`"),
])
def test_a_bad_state_file_is_a_user_error(tmp_path, content, expected):
    state = tmp_path / "state.json"
    state.write_text(content)
    result = CliRunner().invoke(main, ["preview", "--state", str(state), "--project-dir", str(ROOT)])
    assert result.exit_code == 2 and expected in result.stderr and result.stdout == ""


def test_an_empty_definition_is_an_error_showing_the_smallest_one(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    result = CliRunner().invoke(main, ["validate", str(empty)])
    assert result.exit_code == 2
    assert "error: the definition declares neither storage nor data" in result.stderr
    assert "fix: Declare at least a bucket or a model; the smallest definition is: storage:" in result.stderr
    with pytest.raises(DefinitionError):
        plan_backend({"auth": {"groups": ["admin"]}})


def test_diff_lists_the_data_bearing_resources_a_change_destroys(tmp_path):
    old = parse_definition({"auth": {"groups": ["admin", "staff"]},
                            "storage": [{"name": "photos", "is_default": True}, {"name": "docs"}],
                            "data": {"models": {"Post": {"authorization": [{"allow": "owner"}]},
                                                "Note": {"authorization": [{"allow": "owner"}]}}}})
    new = parse_definition({"auth": {"groups": ["admin"]},
                            "storage": [{"name": "pictures", "is_default": True, "renamed_from": ["photos"]}],
                            "data": {"models": {"Article": {"authorization": [{"allow": "owner"}],
                                                            "renamed_from": ["Post"]}}}})
    found = {(d.type.rsplit(":", 1)[-1], d.name) for d in between_definitions(old, new)}
    assert found == {("Bucket", "docs"), ("Table", "Note"), ("UserGroup", "staff")}
    (tmp_path / "old.json").write_text(json.dumps(old.model_dump(exclude_none=True)))
    (tmp_path / "new.json").write_text(json.dumps(new.model_dump(exclude_none=True)))
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--exit-code"])
    assert result.exit_code == 1
    assert "DATA LOSS: the change would delete" in result.stdout
    assert "  Bucket docs would be deleted, losing every object in the bucket" in result.stdout
    data = json.loads(CliRunner().invoke(main, ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"),
                                               "--json"]).stdout)
    assert {d["name"] for d in data["destroyed"]} == {"docs", "Note", "staff"}


def test_diff_says_a_sign_in_attribute_change_replaces_the_user_pool():
    old = parse_definition({"auth": {"login_with": {"email": True}}, "storage": {"name": "files"}})
    new = parse_definition({"auth": {"login_with": {"email": True, "phone": True}}, "storage": {"name": "files"}})
    (found,) = between_definitions(old, new)
    assert found.action == "replace" and found.type == "aws:cognito/userPool:UserPool"
    assert found.describe().startswith("UserPool user pool would be replaced, losing every user account")
    assert "usernameAttributes" in found.describe()
    same = parse_definition({"auth": {"login_with": {"email": True}}, "storage": {"name": "files"}})
    assert between_definitions(old, same) == []


def _posts(indexes=None, identifier=None) -> dict:
    post = {"fields": {"title": "string!", "status": "string!", "createdAt": "datetime"},
            "authorization": [{"allow": "owner"}]}
    if indexes is not None:
        post["secondary_indexes"] = indexes
    if identifier is not None:
        post["identifier"] = identifier
    return {"data": {"models": {"Post": post}}}


def test_diff_says_an_index_change_is_made_in_place_and_a_key_change_replaces_the_table(tmp_path):
    by_status = [{"partition": "status", "sort": ["createdAt"], "query_field": "listByStatus"}]
    files = {}
    for name, data in (("plain", _posts()), ("indexed", _posts(by_status)), ("keyed", _posts(by_status, ["title"]))):
        files[name] = tmp_path / f"{name}.json"
        files[name].write_text(json.dumps(data))
    added = CliRunner().invoke(main, ["diff", str(files["plain"]), str(files["indexed"]), "--exit-code"])
    assert added.exit_code == 1
    assert "in place (every item is kept):" in added.stdout
    assert "table of Post: index postsByStatusAndCreatedAt added (built in place; no item is lost)" in added.stdout
    assert "DATA LOSS" not in added.stdout
    removed = json.loads(CliRunner().invoke(main, ["diff", str(files["indexed"]), str(files["plain"]),
                                                   "--json"]).stdout)
    assert removed["destroyed"] == [] and removed["updated_in_place"] == [
        "table of Post: index postsByStatusAndCreatedAt removed (in place; no item is lost)"]
    rekeyed = CliRunner().invoke(main, ["diff", str(files["indexed"]), str(files["keyed"])])
    assert "DATA LOSS: the change would delete or replace" in rekeyed.stdout
    assert ("Table Post would be replaced, losing every item in the table (the table's partition key changes "
            "from id to title, which DynamoDB cannot change in place)") in rekeyed.stdout
