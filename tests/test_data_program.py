"""The offline preview of both stacks with Data wired into the program, and the ``data`` section of
amplify_outputs.json it yields (valid against Amplify's schema, introspection equal to Amplify's).

Until ``__main__.py`` builds Data itself, the test runs a copy of it with the wiring below added (the lines
proposed for ``__main__.py``); once it does, the real program is previewed as it is. Likewise, until the
preview's mocks compute the attributes AppSync computes (`PREVIEW_COMPUTED`), the test adds them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from components import preview
from components.outputs import build_outputs
from components.preview import run_preview

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path("/work/shared/conformance/amplify")

IMPORT = ("from components import Auth, AuthArgs, Storage, StorageArgs\n",
          "from components import Auth, AuthArgs, Data, DataArgs, Storage, StorageArgs\n"
          "from components.data.access import guest_access_needed as data_guest_access_needed\n")
GUEST = ("guest_access=guest_access_needed(definition),",
         "guest_access=guest_access_needed(definition) or data_guest_access_needed(definition.data),")
BUILD = ("    if not definition.buckets:\n", """\
    if definition.data is not None:
        data = Data(f"{prefix}-data", DataArgs(
            spec=definition.data,
            user_pool_id=auth.user_pool.id,
            authenticated_role=auth.authenticated_role,
            guest_role=auth.guest_role,
            group_roles=auth.group_roles,
            groups=definition.auth.groups,
            region=region,
            protect=settings.protect,
        ))
        pulumi.export("data", data.outputs_data)

    if not definition.buckets:
""")


PREVIEW_COMPUTED = {"aws:appsync/graphQLApi:GraphQLApi": ("uris",), "aws:appsync/function:Function": ("functionId",)}
"""Attributes AppSync computes that the preview must show as placeholders (the endpoint, function ids)."""


@pytest.fixture(autouse=True)
def appsync_placeholders(monkeypatch):
    for typ, attributes in PREVIEW_COMPUTED.items():
        if not set(attributes) <= set(preview.COMPUTED.get(typ, ())):
            monkeypatch.setitem(preview.COMPUTED, typ, (*preview.COMPUTED.get(typ, ()), *attributes))


def wired_project(tmp_path: Path) -> Path:
    """The project as it is, or, while ``__main__.py`` has no Data yet, a copy with the proposed wiring."""
    source = (ROOT / "__main__.py").read_text()
    if "DataArgs(" in source:
        return ROOT
    for old, new in (IMPORT, GUEST, BUILD):
        assert source.count(old) == 1, f"anchor not found once in __main__.py: {old!r}"
        source = source.replace(old, new)
    for name in ("Pulumi.yaml", "backend.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks")
    (tmp_path / "__main__.py").write_text(source)
    return tmp_path


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_of_both_stacks_includes_the_data_resources(tmp_path, stack):
    project = wired_project(tmp_path)
    result = run_preview(stack, project)
    resources = result["resources"]
    by_type: dict[str, list[dict]] = {}
    for r in resources:
        by_type.setdefault(r["type"], []).append(r)
    (component,) = by_type["ampliform:index:Data"]
    assert component["name"] == f"ampliform-{stack}-data"
    (table,) = by_type["aws:dynamodb/table:Table"]
    assert table["inputs"]["pointInTimeRecovery"] == {"enabled": True}
    assert table["inputs"]["deletionProtectionEnabled"] is (stack == "prod")
    assert table["options"]["protect"] is (stack == "prod")
    assert table["options"]["retainOnDelete"] is (stack == "prod")
    (api,) = by_type["aws:appsync/graphQLApi:GraphQLApi"]
    assert api["inputs"]["additionalAuthenticationProviders"] == [{"authenticationType": "AWS_IAM"}]
    assert api["inputs"]["userPoolConfig"]["userPoolId"].startswith("<")  # known after deployment
    assert len(by_type["aws:appsync/resolver:Resolver"]) == 9  # 2 queries, 3 mutations, 3 subscriptions, owner
    functions = {f["name"]: f for f in by_type["aws:appsync/function:Function"]}
    assert len(functions) == 4
    resolvers = {r["inputs"]["field"]: r["inputs"] for r in by_type["aws:appsync/resolver:Resolver"]}
    assert resolvers["updatePost"]["pipelineConfig"] == {"functions": [
        f"<ampliform-{stack}-data-UpdatePostAuthorize.functionId>",
        f"<ampliform-{stack}-data-UpdatePostWrite.functionId>"]}
    # the tutorial's Post opens nothing to IAM: no appsync:GraphQL grant on any Cognito role
    assert not [r for r in by_type["aws:iam/rolePolicy:RolePolicy"] if "appsync:GraphQL" in r["inputs"]["policy"]]
    assert "ampliform:index:Storage" in by_type  # the rest of the app is still there


def test_preview_outputs_make_a_valid_data_section_with_amplifys_introspection(tmp_path):
    result = run_preview("dev", wired_project(tmp_path))
    outputs = build_outputs(result["outputs"])
    schema = json.loads((REFERENCE / "schema" / "amplify_outputs_schema_v1.5.json").read_text())
    jsonschema.validate(outputs, schema)
    data = outputs["data"]
    assert data["default_authorization_type"] == "AMAZON_COGNITO_USER_POOLS"
    assert data["authorization_types"] == ["AWS_IAM"]
    assert data["aws_region"] == "eu-west-1"
    assert data["url"] == "<ampliform-dev-data-api.uris>"
    expected = json.loads((REFERENCE / "data" / "post.json").read_text())["amplify"]["outputs_data"]
    assert data["model_introspection"] == expected["model_introspection"]
