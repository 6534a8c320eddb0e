"""__main__.py for the dev and the prod stack, under mocks, with the repo's stack files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ACCOUNT, REGION, run_program, stack_mocks

from ampliform.definition.settings import read_stack_file
from ampliform.errors import DefinitionError

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "__main__.py"
SUB = "${cognito-identity.amazonaws.com:sub}"


def run_stack(stack: str, main: Path = MAIN, **overrides: str):
    mocks = stack_mocks(stack)
    config, _ = read_stack_file(ROOT, stack)
    config.update(overrides)
    exports = run_program(main, config)
    assert mocks.resources, "no resources registered: mocks not installed?"
    return mocks, exports, config


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_program_builds_the_tutorial_app(stack):
    mocks, exports, config = run_stack(stack)
    types = [r.typ for r in mocks.resources]
    assert types.count("ampliform:index:Auth") == 1 and types.count("ampliform:index:Storage") == 1
    assert types.count("aws:s3/bucket:Bucket") == 1
    assert types.count("aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment") == 1
    assert "aws:iam/rolePolicy:RolePolicy" in types
    (bucket,) = mocks.by_type("aws:s3/bucket:Bucket")
    assert bucket.name == f"ampliform-{stack}-storage-mybucket"
    options = mocks.monitor.options[("aws:s3/bucket:Bucket", bucket.name)]
    prod = stack == "prod"
    assert options["protect"] is prod and options["retainOnDelete"] is prod
    assert bool(bucket.inputs.get("forceDestroy")) is not prod
    assert any(r.name.endswith("-versioning") for r in mocks.resources) is prod
    (cors,) = mocks.by_type("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")
    assert cors.inputs["corsRules"][0]["allowedOrigins"] == json.loads(config["ampliform:corsOrigins"])
    pool = mocks.by_type("aws:cognito/userPool:UserPool")[0]
    assert pool.inputs["deletionProtection"] == ("ACTIVE" if prod else "INACTIVE")
    # the tutorial has no guest rule
    assert not [r for r in mocks.by_type("aws:iam/role:Role") if "guest" in r.name]
    assert exports["unauthenticated_identities_enabled"] is False


def test_exports_hold_what_a_client_needs():
    mocks, exports, _ = run_stack("dev")
    physical = "ampliform-dev-storage-mybucket-abc123"
    assert exports["region"] == REGION and exports["env"] == "dev"
    assert exports["user_pool_id"] == f"{REGION}_ampliform-dev-auth-user-pool"
    assert exports["user_pool_client_id"] == "ampliform-dev-auth-client-id"
    assert exports["identity_pool_id"] == "ampliform-dev-auth-identity-pool-id"
    assert exports["groups"] == []
    auth = exports["auth"]
    assert auth["user_pool_id"] == exports["user_pool_id"] and auth["aws_region"] == REGION
    assert auth["password_policy"]["min_length"] >= 8 and auth["username_attributes"] == ["email"]
    assert exports["default_bucket"] == "myBucket" and exports["default_bucket_name"] == physical
    (bucket,) = exports["buckets"]
    assert bucket == {"name": "myBucket", "bucket_name": physical, "aws_region": REGION, "paths": {
        "post-pictures/*": {"authenticated": ["get", "list"]},
        f"post-pictures/{SUB}/*": {"entityidentity": ["write", "delete"]}}}
    assert exports["storage"] == {"aws_region": REGION, "bucket_name": physical, "buckets": [bucket]}
    assert ACCOUNT not in json.dumps(exports)


def project_copy(tmp_path: Path) -> Path:
    """A project in `tmp_path` running the repository's program: its __main__.py, definitions beside it
    (`ampliform:definition` must name a file inside the project)."""
    shutil.copy(MAIN, tmp_path / "__main__.py")
    return tmp_path / "__main__.py"


def test_definition_setting_points_at_another_file(tmp_path):
    other = tmp_path / "defs" / "guests.yaml"
    other.parent.mkdir()
    other.write_text("auth: {groups: [admin]}\nstorage:\n  name: files\n  access:\n"
                     "    public/*:\n      - {allow: guest, to: [read]}\n"
                     "      - {allow: groups, groups: [admin], to: [read, write]}\n")
    mocks, exports, _ = run_stack("dev", project_copy(tmp_path), **{"ampliform:definition": "defs/guests.yaml"})
    assert exports["unauthenticated_identities_enabled"] is True
    assert exports["groups"] == [{"admin": {"precedence": 0}}]
    roles = {r.name for r in mocks.by_type("aws:iam/role:Role")}
    assert roles == {"ampliform-dev-auth-authenticated-role", "ampliform-dev-auth-guest-role",
                     "ampliform-dev-auth-group-admin-role"}


def test_bad_setting_stops_the_program_naming_the_key():
    with pytest.raises(DefinitionError) as info:
        run_stack("prod", **{"ampliform:versioning": "sometimes"})
    assert [p.location for p in info.value.problems] == ["stacks/Pulumi.prod.yaml: ampliform:versioning"]


def test_over_budget_definition_stops_the_program_before_any_resource(tmp_path):
    big = tmp_path / "big.json"
    access = {f"p{i:04d}/*": [{"allow": "authenticated", "to": ["read", "write", "delete"]}] for i in range(1000)}
    big.write_text(json.dumps({"storage": {"name": "files", "access": access}}))
    mocks = stack_mocks("dev")
    config, _ = read_stack_file(ROOT, "dev")
    with pytest.raises(DefinitionError) as info:
        run_program(project_copy(tmp_path), {**config, "ampliform:definition": "big.json"})
    assert "role authenticated does not fit IAM's limits" in str(info.value)
    assert [r for r in mocks.resources if r.typ != "pulumi:pulumi:Stack"] == []
