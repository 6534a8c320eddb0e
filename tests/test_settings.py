"""Stack settings: defaults per env, the stack files in the repo, and errors that name the bad key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ampliform.definition.settings import DEV_CORS_ORIGINS, parse_settings, read_stack_file
from ampliform.errors import DefinitionError

ROOT = Path(__file__).resolve().parent.parent


def problems_of(config: dict, stack: str = "dev") -> list:
    with pytest.raises(DefinitionError) as info:
        parse_settings(config, stack, f"stacks/Pulumi.{stack}.yaml")
    return list(info.value.problems)


def test_dev_defaults():
    s = parse_settings({"aws:region": "eu-west-1"}, "dev")
    assert (s.env, s.region, s.versioning, s.protect, s.compat) == ("dev", "eu-west-1", False, False, None)
    assert s.cors_origins == DEV_CORS_ORIGINS
    assert s.definition == "backend.yaml" and s.max_managed_policies == 10


def test_prod_defaults_turn_versioning_and_protection_on():
    config = {"aws:region": "eu-west-1", "ampliform:corsOrigins": '["https://app.example.com"]'}
    s = parse_settings(config, "prod")
    assert (s.env, s.versioning, s.protect) == ("prod", True, True)
    assert s.cors_origins == ("https://app.example.com",)


def test_explicit_values_are_decoded_like_pulumi_config():
    s = parse_settings({"aws:region": "us-east-1", "ampliform:env": "prod", "ampliform:versioning": "false",
                        "ampliform:protect": "true", "ampliform:compat": "amplify",
                        "ampliform:maxManagedPolicies": "3", "ampliform:definition": "other.yaml",
                        "ampliform:corsOrigins": '["https://a.example", "https://b.example:8443"]',
                        "aws:profile": "ignored-namespace"}, "staging")
    assert (s.env, s.versioning, s.protect, s.max_managed_policies) == ("prod", False, True, 3)
    assert s.amplify_compat and s.definition == "other.yaml"
    assert s.cors_origins == ("https://a.example", "https://b.example:8443")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_repo_stack_files_are_valid(stack):
    config, source = read_stack_file(ROOT, stack)
    s = parse_settings(config, stack, source)
    assert s.env == stack and s.region
    assert "*" not in s.cors_origins or stack == "dev"
    assert (ROOT / s.definition).is_file()


def test_unknown_key_is_named_with_a_suggestion():
    (p,) = problems_of({"aws:region": "eu-west-1", "ampliform:corsOrigin": '["https://x.example"]'})
    assert p.location == "stacks/Pulumi.dev.yaml: ampliform:corsOrigin"
    assert "ampliform:corsOrigin" in p.message and "ampliform:corsOrigins" in p.fix


@pytest.mark.parametrize(
    ("key", "value", "location"),
    [
        ("versioning", "maybe", "ampliform:versioning"),
        ("protect", "1", "ampliform:protect"),
        ("maxManagedPolicies", '"ten"', "ampliform:maxManagedPolicies"),
        ("maxManagedPolicies", "50", "ampliform:maxManagedPolicies"),
        ("corsOrigins", "https://x.example", "ampliform:corsOrigins"),
        ("corsOrigins", "[1]", "ampliform:corsOrigins[0]"),
        ("env", "staging", "ampliform:env"),
        ("compat", "cdk", "ampliform:compat"),
    ],
)
def test_wrong_type_names_the_key(key, value, location):
    (p,) = problems_of({"aws:region": "eu-west-1", f"ampliform:{key}": value})
    assert p.location == f"stacks/Pulumi.dev.yaml: {location}", p.render()
    assert p.render().startswith("error: ")


def test_prod_rejects_star_origin_and_requires_origins():
    origins = '["https://a.example", "*"]'
    (p,) = problems_of({"aws:region": "eu-west-1", "ampliform:corsOrigins": origins}, "prod")
    assert p.location == "stacks/Pulumi.prod.yaml: ampliform:corsOrigins[1]" and "*" in p.message
    (p,) = problems_of({"aws:region": "eu-west-1"}, "prod")
    assert p.location == "stacks/Pulumi.prod.yaml: ampliform:corsOrigins"
    dev = parse_settings({"aws:region": "eu-west-1", "ampliform:corsOrigins": '["*"]'}, "dev")
    assert dev.cors_origins == ("*",)


def test_origin_with_path_is_rejected():
    (p,) = problems_of({"aws:region": "eu-west-1", "ampliform:corsOrigins": '["https://a.example/"]'})
    assert p.location.endswith("ampliform:corsOrigins[0]") and "trailing slash" in p.fix


def test_region_is_required_and_all_problems_are_reported_together():
    found = problems_of({"ampliform:versioning": "yes please", "ampliform:nope": "1"})
    locations = sorted(p.location.split(": ", 1)[1] for p in found)
    assert locations == ["ampliform:nope", "ampliform:versioning", "aws:region"]


def test_stack_file_values_are_strings_like_the_cli_passes(tmp_path):
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.x.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  ampliform:versioning: true\n  ampliform:corsOrigins: [\"*\"]\n")
    config, source = read_stack_file(tmp_path, "x")
    assert config == {"aws:region": "eu-west-1", "ampliform:versioning": "true",
                      "ampliform:corsOrigins": json.dumps(["*"])}
    assert source == "stacks/Pulumi.x.yaml"
    assert parse_settings(config, "x", source).versioning is True


def test_missing_stack_file_is_a_user_error(tmp_path):
    with pytest.raises(DefinitionError) as info:
        read_stack_file(tmp_path, "qa")
    assert info.value.problems[0].location == "stacks/Pulumi.qa.yaml"
