"""`ampliform outputs`: amplify_outputs.json for Amplify's client libraries.

Shown here: the file generated for both stacks (offline run) validates against Amplify's JSON schema 1.5;
its `storage` section equals Amplify's `outputs.storage` for every accepted conformance case, and its `data`
section equals Amplify's `outputs_data` for the Data references (url and region aside); `--stack-outputs`
puts a deployed stack's real ids into every field the offline run leaves as a placeholder; the auth values
come from the stack's exports (groups, guest access, password policy), not from constants; bad stack-output
files exit 2 with every problem.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from reference_data import REFERENCE as CONFORMANCE

sys.path.insert(0, str(Path(__file__).resolve().parent / "data_fixtures"))
from oracle_specs import definition_of  # noqa: E402

from ampliform.cli import main
from ampliform.data.introspection import outputs_data
from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError
from ampliform.plan.backend import compile_definition
from ampliform.program.outputs import build_outputs
from ampliform.program.placeholders import placeholders
from ampliform.program.runner import run_preview

ROOT = Path(__file__).resolve().parents[1]
AMPLIFY = CONFORMANCE
SCHEMA = json.loads((AMPLIFY / "schema" / "amplify_outputs_schema_v1.5.json").read_text())
CASES = sorted(p for p in (AMPLIFY / "cases").glob("*.json") if "error" not in json.loads(p.read_text())["amplify"])
DATA_REFERENCES = [AMPLIFY / "data" / f"{name}.json" for name in (
    "post", "guest-groups", "blog", "keys", "fieldauth", "rules", "ops", "indexes", "apikey-ops",
    "identitypool-default", "lambda-default", "schema-rules")]
SAMPLE = ROOT / "tests" / "fixtures" / "stack-outputs.json"
URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql"


def validate(document: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def write_outputs(tmp_path: Path, *args: str) -> tuple[dict, str]:
    target = tmp_path / "amplify_outputs.json"
    result = run("outputs", "--project-dir", str(ROOT), "-o", str(target), *args)
    assert result.exit_code == 0, result.output
    text = target.read_text()
    return json.loads(text), text


def leaves(value: Any, at: tuple = ()) -> dict[tuple, Any]:
    """Every scalar in a JSON document by its path."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in leaves(item, (*at, key)).items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in leaves(item, (*at, i)).items()}
    return {at: value}


def case_exports(case: dict) -> dict[str, Any]:
    """The storage exports __main__.py produces, for one case's compiled definition (BUCKET, REGION)."""
    definition = parse_definition(case["input"])
    try:
        compiled = compile_definition(definition)
    except DefinitionError:  # inexpressible in the default mode (reference_data.DEFAULT_MODE_REJECTS): the
        compiled = compile_definition(definition, compat=True)  # paths map is the same in both modes
    return {
        "region": "REGION",
        "default_bucket": definition.default_bucket.name,
        "default_bucket_name": "BUCKET",
        "buckets": [{"name": name, "bucket_name": "BUCKET", "aws_region": "REGION", "paths": bucket.paths}
                    for name, bucket in compiled.items()],
    }


def as_sets(storage: dict) -> dict:
    buckets = [{**b, "paths": {p: {k: sorted(v) for k, v in rule.items()} for p, rule in b["paths"].items()}}
               for b in storage["buckets"]]
    return {**storage, "buckets": buckets}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_both_stacks_give_schema_valid_outputs_in_amplifys_order(tmp_path: Path, stack: str):
    outputs, text = write_outputs(tmp_path, "--stack", stack)
    validate(outputs)
    exports = run_preview(stack, ROOT)["outputs"]
    sections = ["auth", "data", "storage", "version"] if "data" in exports else ["auth", "storage", "version"]
    assert list(outputs) == sections and outputs["version"] == "1.5"
    assert text == json.dumps(outputs, indent=2) + "\n"
    assert list(outputs["auth"])[:3] == ["user_pool_id", "aws_region", "user_pool_client_id"]
    assert outputs["auth"]["user_pool_id"] == exports["user_pool_id"]
    assert outputs["storage"]["bucket_name"] == exports["default_bucket_name"]
    assert outputs["storage"]["buckets"] == exports["buckets"]
    assert placeholders(outputs), "the offline run cannot know the ids"


def test_with_a_data_section_the_outputs_are_still_schema_valid_and_data_comes_before_storage():
    exports = json.loads(SAMPLE.read_text())
    outputs = build_outputs(exports)
    validate(outputs)
    assert list(outputs) == ["auth", "data", "storage", "version"]
    assert list(outputs["data"]) == ["url", "aws_region", "default_authorization_type", "authorization_types",
                                     "model_introspection"]


def test_the_case_exports_have_the_shape_main_exports():
    exports = run_preview("dev", ROOT)["outputs"]
    constructed = case_exports(json.loads(CASES[0].read_text()))
    assert set(constructed) <= set(exports)
    assert [set(b) for b in constructed["buckets"]] == [set(b) for b in exports["buckets"]][:1]


@pytest.mark.parametrize("case_file", CASES, ids=lambda p: p.stem)
def test_storage_section_equals_amplifys_for_every_accepted_case(case_file: Path):
    case = json.loads(case_file.read_text())
    outputs = build_outputs(case_exports(case))
    validate(outputs)
    assert as_sets(outputs["storage"]) == as_sets(case["amplify"]["outputs"]["storage"])


@pytest.mark.parametrize("reference", DATA_REFERENCES, ids=lambda p: p.stem)
def test_data_section_equals_amplifys_outputs_data(reference: Path):
    case = json.loads(reference.read_text())
    expected = case["amplify"]["outputs_data"]
    spec = parse_definition(definition_of(case["input"])).data
    exports: dict[str, Any] = {"data": outputs_data(spec, URL, "eu-west-1")}
    if "api_key" in expected:
        exports["data_api_key"] = expected["api_key"]
    outputs = build_outputs(exports)
    validate(outputs)
    data = outputs["data"]
    assert (data["url"], data["aws_region"]) == (URL, "eu-west-1")
    aside = ("url", "aws_region")
    assert {k: v for k, v in data.items() if k not in aside} == {k: v for k, v in expected.items() if k not in aside}


def test_stack_outputs_file_puts_the_real_ids_into_every_field(tmp_path: Path):
    offline, _ = write_outputs(tmp_path, "--stack", "dev")
    deployed, _ = write_outputs(tmp_path, "--stack-outputs", str(SAMPLE))
    validate(deployed)
    assert placeholders(deployed) == []
    sample = json.loads(SAMPLE.read_text())
    assert set(run_preview("dev", ROOT)["outputs"]) <= set(sample), "the sample is a dev stack's exports"
    real = {
        ("auth", "user_pool_id"): sample["user_pool_id"],
        ("auth", "user_pool_client_id"): sample["user_pool_client_id"],
        ("auth", "identity_pool_id"): sample["identity_pool_id"],
        ("storage", "bucket_name"): sample["default_bucket_name"],
        ("storage", "buckets", 0, "bucket_name"): sample["buckets"][0]["bucket_name"],
        ("data", "url"): sample["data"]["url"],
    }
    was_placeholder = {at for at, value in leaves(offline).items() if value in placeholders(offline)}
    assert was_placeholder and was_placeholder <= set(real)
    found = leaves(deployed)
    for at, value in real.items():
        assert found[at] == value, at


def test_auth_values_come_from_the_stack_not_constants(tmp_path: Path):
    """A project whose definition has groups and a guest rule, and a stricter password policy in the exports."""
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    shutil.copy(ROOT / "__main__.py", project)
    shutil.copy(ROOT / "Pulumi.yaml", project)
    case = json.loads((AMPLIFY / "cases" / "example-owner-paths.json").read_text())
    (project / "backend.yaml").write_text(yaml.safe_dump(case["input"]))
    stack = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())
    (project / "stacks" / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack))
    exports = run_preview("dev", project)["outputs"]
    outputs = build_outputs(exports)
    validate(outputs)
    auth = outputs["auth"]
    assert auth["groups"] == [{"admin": {"precedence": 0}}, {"editors": {"precedence": 1}}]
    assert auth["unauthenticated_identities_enabled"] is True  # the map has a guest rule
    assert outputs["storage"]["buckets"][0]["name"] == "appFiles"
    assert as_sets(outputs["storage"])["buckets"][0]["paths"] == as_sets(
        case["amplify"]["outputs"]["storage"])["buckets"][0]["paths"]
    stricter = {**exports, "auth": {**exports["auth"], "mfa_configuration": "OFF",
                                    "password_policy": {**exports["auth"]["password_policy"], "min_length": 12}}}
    assert build_outputs(stricter)["auth"]["password_policy"]["min_length"] == 12
    assert build_outputs(stricter)["auth"]["mfa_configuration"] == "NONE"  # Cognito's OFF in the schema's terms


def test_the_default_bucket_is_the_one_the_stack_names():
    buckets = [{"name": n, "bucket_name": f"{n.lower()}-123", "aws_region": r, "paths": {}}
               for n, r in (("media", "eu-west-1"), ("appFiles", "us-east-1"))]
    storage = build_outputs({"default_bucket": "appFiles", "buckets": buckets})["storage"]
    assert (storage["aws_region"], storage["bucket_name"]) == ("us-east-1", "appfiles-123")
    assert [b["name"] for b in storage["buckets"]] == ["media", "appFiles"]
    with pytest.raises(DefinitionError, match="which bucket is the default"):
        build_outputs({"buckets": buckets})


def test_missing_and_secret_exports_exit_2_listing_every_problem(tmp_path: Path):
    sample = json.loads(SAMPLE.read_text())
    del sample["user_pool_client_id"]
    sample["identity_pool_id"] = "[secret]"
    del sample["auth"]["password_policy"]["min_length"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(sample))
    target = tmp_path / "amplify_outputs.json"
    result = run("outputs", "--stack-outputs", str(broken), "-o", str(target))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == ["error: the stack outputs lack `user_pool_client_id`",
                      "error: `identity_pool_id` is a secret shown as [secret]",
                      "error: the stack outputs lack `auth.password_policy.min_length`"]
    assert not target.exists()


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_a_stack_outputs_file_that_is_not_a_json_object_exits_2(tmp_path: Path, content: str):
    bad = tmp_path / "outputs.json"
    bad.write_text(content)
    result = run("outputs", "--stack-outputs", str(bad), "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
