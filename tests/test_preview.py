"""`ampliform preview`: the offline plan of a stack, its JSON form, the access matrix, budgets, user errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ampliform.cli import main
from ampliform.definition.load import load_definition
from ampliform.iam.budget import WORST_CASE_ARN_LENGTH
from ampliform.plan.backend import plan_backend
from ampliform.program.preview import attached_documents, attached_size, matrix_of
from ampliform.program.runner import run_preview

ROOT = Path(__file__).resolve().parent.parent
SUB = "${cognito-identity.amazonaws.com:sub}"
PLACEHOLDER = re.compile(r"^<[a-z0-9-]+\.[A-Za-z]+>$")


def project(tmp_path: Path, definition: str | None = None, **stack_files: str) -> Path:
    """A copy of this project (program, definition, stack files) to vary."""
    for name in ("Pulumi.yaml", "__main__.py", "backend.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks")
    if definition is not None:
        (tmp_path / "backend.yaml").write_text(definition)
    for stack, text in stack_files.items():
        (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text(text)
    return tmp_path


def by_name(result: dict) -> dict:
    return {r["name"]: r for r in result["resources"]}


def test_dev_preview_registers_the_tutorial_app():
    result = run_preview("dev", ROOT)
    resources = by_name(result)
    assert len(resources) == len(result["resources"]) >= 15
    assert resources["ampliform-dev-auth"]["parent"] is None
    assert resources["ampliform-dev-auth-user-pool"]["parent"] == "ampliform-dev-auth"
    bucket = resources["ampliform-dev-storage-mybucket"]
    assert bucket["type"] == "aws:s3/bucket:Bucket" and bucket["parent"] == "ampliform-dev-storage"
    assert bucket["options"]["protect"] is False and bucket["options"]["retainOnDelete"] is False
    assert bucket["inputs"]["forceDestroy"] is True
    pab = resources["ampliform-dev-storage-mybucket-public-access-block"]["inputs"]
    assert pab["bucket"] == "<ampliform-dev-storage-mybucket.id>"
    assert all(pab[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                        "restrictPublicBuckets"))
    lifecycle = resources["ampliform-dev-storage-mybucket-lifecycle"]["inputs"]
    assert lifecycle["rules"][0]["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    assert "ampliform-dev-storage-mybucket-public-access-block" in resources[
        "ampliform-dev-storage-mybucket-policy"]["options"]["dependencies"]


def test_prod_preview_protects_and_retains_the_bucket():
    resources = by_name(run_preview("prod", ROOT))
    options = resources["ampliform-prod-storage-mybucket"]["options"]
    assert options["protect"] is True and options["retainOnDelete"] is True
    assert resources["ampliform-prod-auth-user-pool"]["options"]["protect"] is True
    assert "ampliform-prod-storage-mybucket-versioning" in resources


def test_placeholders_are_never_dollar_braces():
    result = run_preview("dev", ROOT)
    # resolver source code (APPSYNC_JS) may use JavaScript template literals; nothing else holds "${"
    without_code = [{**r, "inputs": {k: v for k, v in r["inputs"].items() if k != "code"}}
                    for r in result["resources"]]
    text = json.dumps({**result, "resources": without_code}, sort_keys=True)
    assert "${" not in text.replace(SUB, "")
    assert any("code" in r["inputs"] for r in result["resources"])  # the Data resolvers are in the preview
    outputs = result["outputs"]
    for key in ("user_pool_id", "user_pool_client_id", "identity_pool_id", "default_bucket_name"):
        assert PLACEHOLDER.match(outputs[key]), (key, outputs[key])
    assert outputs["region"] == "eu-west-1"
    policy = by_name(result)["ampliform-dev-storage-mybucket-authenticated-0"]["inputs"]["policy"]
    assert "<ampliform-dev-storage-mybucket.arn>/post-pictures/" + SUB + "/*" in policy
    role = by_name(result)["ampliform-dev-storage-mybucket-authenticated-0"]["inputs"]["role"]
    assert role == "<ampliform-dev-auth-authenticated-role.id>"


def test_preview_is_deterministic_and_in_tree_order():
    first, second = run_preview("dev", ROOT), run_preview("dev", ROOT)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    seen = {None}
    for r in first["resources"]:
        assert r["parent"] in seen, f"{r['name']} listed before its parent"
        seen.add(r["name"])
        assert set(r) == {"type", "name", "parent", "urn", "inputs", "options"}


def test_cli_prints_tree_matrix_and_budgets():
    result = CliRunner().invoke(main, ["preview", "--project-dir", str(ROOT)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "  ampliform:index:Storage  ampliform-dev-storage" in out
    assert "    aws:s3/bucket:Bucket  ampliform-dev-storage-mybucket\n" in out
    assert re.search(r"authenticated\s+post-pictures/<own id>/\*\s+get, list, write, delete", out)
    assert re.search(r"authenticated\s+post-pictures/<other id>/\*\s+get, list\n", out)
    assert re.search(r"authenticated: inline [\d,]+ / 10,240 \([\d.]+%\), managed 0 / 10", out)


def test_cli_json_matches_run_preview():
    result = CliRunner().invoke(main, ["preview", "--stack", "prod", "--json", "--project-dir", str(ROOT)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"resources", "outputs"}
    assert data == json.loads(json.dumps(run_preview("prod", ROOT)))
    assert "[protect, retainOnDelete]" not in result.stdout


def test_prod_human_preview_shows_protection():
    result = CliRunner().invoke(main, ["preview", "--stack", "prod", "--project-dir", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "aws:s3/bucket:Bucket  ampliform-prod-storage-mybucket  [protect, retainOnDelete]" in result.stdout


GROUPS_AND_GUESTS = """\
auth: {groups: [admin]}
storage:
  name: files
  access:
    public/*:
      - {allow: guest, to: [read]}
      - {allow: groups, groups: [admin], to: [read, write, delete]}
    private/{entity_id}/*:
      - {allow: entity, entity: identity, to: [read, write, delete]}
"""


def test_access_matrix_and_budgets_follow_the_attached_policies(tmp_path):
    root = project(tmp_path, GROUPS_AND_GUESTS)
    result = run_preview("dev", root)
    definition = load_definition(root / "backend.yaml")
    matrix = matrix_of(result, definition)
    actions = {(m["role"], m["path"]): m["actions"] for m in matrix}
    assert actions[("guest", "public/*")] == ["get", "list"]
    assert actions[("group:admin", "public/*")] == ["get", "list", "write", "delete"]
    assert actions[("authenticated", "public/*")] == []
    assert actions[("authenticated", "private/<own id>/*")] == ["get", "list", "write", "delete"]
    assert actions[("authenticated", "private/<other id>/*")] == []
    assert actions[("guest", "private/<own id>/*")] == []
    # default mode: a group member keeps their owner access
    assert actions[("group:admin", "private/<own id>/*")] == ["get", "list", "write", "delete"]
    budgets = plan_backend(definition).budgets
    assert set(budgets) == {"authenticated", "guest", "group:admin"}
    attached = attached_documents(result)
    # what the program attached is exactly what the budget placed, and measured alike
    for role, budget in budgets.items():
        inline = [attached_size(text) for kind, text in attached[role] if kind == "inline"]
        managed = [attached_size(text) for kind, text in attached[role] if kind == "managed"]
        assert sum(inline) == budget.inline_size > 0
        assert managed == budget.managed_sizes


def test_attached_size_ignores_whitespace_and_counts_arns_at_their_maximum():
    assert attached_size('{"a": "b"}') == len('{"a":"b"}')
    assert attached_size('{"a": "b c"}') == len('{"a":"b c"}')  # spaces inside values count, as in IAM
    longest = "arn:aws-us-gov:s3:::" + "b" * 63
    assert len(longest) == WORST_CASE_ARN_LENGTH
    assert attached_size('"<x-bucket.arn>/p/*"') == len(f'"{longest}/p/*"')


@pytest.mark.parametrize(
    ("stack_file", "location"),
    [
        ("config:\n  aws:region: eu-west-1\n  ampliform:versionning: true\n", "ampliform:versionning"),
        ("config:\n  aws:region: eu-west-1\n  ampliform:versioning: sometimes\n", "ampliform:versioning"),
        ("config:\n  aws:region: eu-west-1\n  ampliform:corsOrigins: https://x.example\n", "ampliform:corsOrigins"),
        ("config:\n  ampliform:env: dev\n", "aws:region"),
    ],
)
def test_bad_stack_setting_exits_2_naming_the_key(tmp_path, stack_file, location):
    root = project(tmp_path, dev=stack_file)
    result = CliRunner().invoke(main, ["preview", "--project-dir", str(root)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"at: stacks/Pulumi.dev.yaml: {location}" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_definition_exits_2(tmp_path):
    root = project(tmp_path, "storage:\n  name: b\n  access:\n    nostar: [{allow: authenticated, to: [read]}]\n")
    result = CliRunner().invoke(main, ["preview", "--project-dir", str(root)])
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_bad_setting_in_a_real_process_has_no_traceback(tmp_path):
    root = project(tmp_path, prod="config:\n  aws:region: eu-west-1\n  ampliform:corsOrigins: ['*']\n")
    command = [sys.executable, "-m", "ampliform.cli", "preview", "--stack", "prod", "--project-dir", str(root)]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "at: stacks/Pulumi.prod.yaml: ampliform:corsOrigins[0]" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_main_job_in_a_real_process_prints_the_preview_and_nothing_on_stderr(stack):
    for _ in range(3):  # event loops left open by mock calls used to fail at exit now and then
        proc = subprocess.run([sys.executable, "-m", "ampliform.cli", "preview", "--stack", stack],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""  # no traceback at interpreter exit either
    assert proc.stdout.startswith(f"ampliform preview: stack {stack}")
    assert "aws:appsync/graphQLApi:GraphQLApi" in proc.stdout and "aws:s3/bucket:Bucket" in proc.stdout
