"""The review tools cover the whole backend: Data in the access matrix, `explain` and `diff`; guest identities and
group precedence in `diff`; and one budget per role shared by Data and Storage in `validate` and `preview`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

from ampliform.cli import main
from ampliform.definition.load import load_definition
from ampliform.program.preview import data_matrix_of
from ampliform.program.runner import run_preview

ROOT = Path(__file__).resolve().parents[1]
GUEST_WRITES = "        - {allow: guest, to: [read, create, update, delete]}\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def tutorial(tmp_path: Path, name: str, groups: str = "[]", extra_rule: str = "") -> Path:
    text = (ROOT / "backend.yaml").read_text().replace("groups: []", f"groups: {groups}")
    text = text.replace("        - {allow: authenticated, to: [read]}\n",
                        "        - {allow: authenticated, to: [read]}\n" + extra_rule)
    path = tmp_path / name
    path.write_text(text)
    return path


def test_diff_reports_opening_post_to_guests(tmp_path):
    old, new = tutorial(tmp_path, "old.yaml"), tutorial(tmp_path, "new.yaml", extra_rule=GUEST_WRITES)
    result = run("diff", str(old), str(new), "--exit-code")
    assert result.exit_code == 1
    assert result.stdout.startswith("CHANGED  1 data access change, 1 guest identity change")
    assert "guest identities: off -> on" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.split()[:2] == ["Post", "guest"])
    assert row.split()[2:] == ["create,", "get,", "list,", "update,", "delete,", "listen", "-"]
    data = json.loads(run("diff", str(old), str(new), "--json").stdout)
    assert data["data"] == [{"model": "Post", "caller": "guest", "lost": [],
                             "gained": ["create", "get", "list", "update", "delete", "listen"]}]
    assert data["guest_identities"] == {"before": False, "after": True}
    back = json.loads(run("diff", str(new), str(old), "--json").stdout)
    assert back["data"][0]["lost"] == data["data"][0]["gained"] and back["guest_identities"]["after"] is False


def test_diff_reports_a_group_reorder(tmp_path):
    old = tutorial(tmp_path, "old.yaml", groups="[admin, editors]")
    new = tutorial(tmp_path, "new.yaml", groups="[editors, admin]")
    result = run("diff", str(old), str(new), "--exit-code")
    assert result.exit_code == 1
    assert "group admin: precedence 0 -> 1" in result.stdout and "group editors: precedence 1 -> 0" in result.stdout
    groups = json.loads(run("diff", str(old), str(new), "--json").stdout)["groups"]
    assert groups == [{"group": "admin", "precedence_before": 0, "precedence_after": 1},
                      {"group": "editors", "precedence_before": 1, "precedence_after": 0}]


def test_explain_answers_data_questions_with_the_deciding_rule(tmp_path):
    open_to_guests = tutorial(tmp_path, "guests.yaml", extra_rule=GUEST_WRITES)
    allowed = json.loads(run("explain", str(open_to_guests), "--as", "guest", "create", "Post", "--json").stdout)
    assert allowed["decision"] == "allow"
    (request,) = allowed["requests"]
    assert request["rules"] == [{"at": "data.models.Post.authorization[2]",
                                 "rule": {"allow": "guest", "to": ["read", "create", "update", "delete"]}}]
    assert request["iam"] == {"role": "guest", "allows": True}
    denied = run("explain", "backend.yaml", "--as", "guest", "create", "Post")
    assert denied.exit_code == 0 and denied.stdout.startswith("DENY  guest create Post")
    assert "no rule of the model grants it" in denied.stdout
    owner = run("explain", "backend.yaml", "--as", "authenticated", "update", "Post")
    assert owner.stdout.startswith("ALLOW  authenticated update Post (only records the caller owns)")
    assert "data.models.Post.authorization[0]" in owner.stdout
    bad = run("explain", "backend.yaml", "--as", "guest", "create", "post-pictures/x")
    assert bad.exit_code == 2 and "'create' is a Data operation" in bad.stderr


def test_the_preview_matrix_shows_data_decided_by_rules_and_attached_policies(tmp_path):
    root = tmp_path / "app"
    root.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "stacks", root / "stacks")
    shutil.copy(tutorial(tmp_path, "backend.yaml", groups="[admin]", extra_rule=GUEST_WRITES), root / "backend.yaml")
    result = run_preview("dev", root)
    cells = {(c.model, c.operation, c.caller): c.decision
             for c in data_matrix_of(result, load_definition(root / "backend.yaml"))}
    assert cells[("Post", "create", "guest")] == "allow"  # the rule, and the guest role's attached policy
    assert cells[("Post", "update", "authenticated")] == "own"
    assert cells[("Post", "get", "group:admin")] == "allow"
    assert cells[("Post", "delete", "group:admin")] == "own"
    text = run("preview", "--project-dir", str(root)).stdout
    assert "Data access (model x operation x caller; own = only the records the caller owns)" in text
    # without the guest role's policy the same rule decides nothing: the matrix reads the attached IAM policies
    for r in result["resources"]:
        if r["type"] == "aws:iam/rolePolicy:RolePolicy" and r["inputs"]["role"] == "<ampliform-dev-auth-guest-role.id>":
            r["inputs"]["policy"] = json.dumps({"Version": "2012-10-17", "Statement": []})
    stripped = {(c.model, c.operation, c.caller): c.decision
                for c in data_matrix_of(result, load_definition(root / "backend.yaml"))}
    assert stripped[("Post", "create", "guest")] == "deny"


def big_app(path: Path) -> Path:
    """10 models open to guests and identity-pool callers, and 60 owner folders: Data and Storage share roles."""
    models = {f"Model{i}": {"fields": {"title": "string!"}, "authorization": [
        {"allow": "owner"}, {"allow": "guest", "to": ["read", "create", "update", "delete"]},
        {"allow": "authenticated", "provider": "identityPool"}]} for i in range(10)}
    access = {f"folder{i:02d}/{{entity_id}}/*": [{"allow": "authenticated", "to": ["read"]},
                                                 {"allow": "entity", "entity": "identity", "to": ["write", "delete"]}]
              for i in range(60)}
    path.write_text(yaml.safe_dump({"storage": {"name": "myBucket", "access": access}, "data": {"models": models}}))
    return path


def test_data_and_storage_share_each_roles_budget_in_validate_and_preview(tmp_path):
    definition = big_app(tmp_path / "big.yaml")
    summary = json.loads(run("validate", str(definition), "--json").stdout)["budgets"]["authenticated"]
    assert set(summary["shares"]) == {"data", "storage myBucket"}
    total = summary["inline"]["used"] + sum(summary["managed"]["sizes"])
    assert total == sum(summary["shares"].values()) > 10_240  # more than the inline room: Data's grants spill too
    over = run("validate", str(definition), "--max-managed-policies", "3")
    assert over.exit_code == 2 and over.stdout == ""
    assert "error: role authenticated does not fit IAM's limits" in over.stderr
    assert f"data {summary['shares']['data']:,}, storage myBucket {summary['shares']['storage myBucket']:,}" in \
        over.stderr
    root = tmp_path / "app"
    root.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "stacks", root / "stacks")
    shutil.copy(definition, root / "backend.yaml")
    dev = root / "stacks" / "Pulumi.dev.yaml"
    dev.write_text(dev.read_text() + "  ampliform:maxManagedPolicies: 3\n")
    refused = run("preview", "--project-dir", str(root))
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "error: role authenticated does not fit IAM's limits" in refused.stderr
    dev.write_text(dev.read_text().replace("  ampliform:maxManagedPolicies: 3\n", ""))
    fits = run("preview", "--project-dir", str(root))
    assert fits.exit_code == 0
    line = next(x for x in fits.stdout.splitlines() if x.startswith("  authenticated: inline"))
    assert f"inline {summary['inline']['used']:,} / 10,240" in line
    assert f"managed {summary['managed']['policies']} / 10" in line
