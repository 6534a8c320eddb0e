"""The two equal forms of `auth:` (data and DSL), and the documentation's sign-in example.

Shown: `define_auth(**props)` with Amplify's own `defineAuth` props (camelCase, as in every auth reference)
builds the same `AuthSpec` as the data form; the access builder takes Amplify's action names; bad arguments
are located errors; `define_backend(auth=...)` keeps everything; the Google example of docs/frontend.md is a
valid definition and stack whose `amplify_outputs` `oauth` is the one the page shows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from auth_reference import CASES, definition_of, reference, without_credentials

from ampliform.auth.plan import plan_auth
from ampliform.definition.dsl import define_auth, define_backend, define_storage
from ampliform.definition.load import parse_definition
from ampliform.definition.settings import parse_settings
from ampliform.errors import DefinitionError

ROOT = Path(__file__).resolve().parents[1]


def amplify_props(case_input: dict[str, Any]) -> dict[str, Any]:
    """A reference's `defineAuth` props as a Python program would pass them (credentials and URLs aside)."""
    props = without_credentials(case_input)
    access = props.pop("access", None)
    out = {re.sub(r"(?<=[a-z])([A-Z])", lambda m: "_" + m.group(1).lower(), k): v for k, v in props.items()}
    if access is not None:
        out["access"] = lambda allow: [allow.resource(a["function"]).to(a["actions"]) for a in access]
    return out


@pytest.mark.parametrize("name", CASES)
def test_the_dsl_with_amplifys_props_equals_the_data_form(name: str):
    case_input = reference(name)["input"]
    assert define_auth(**amplify_props(case_input)) == parse_definition(definition_of(case_input, True)).auth


def test_access_takes_amplifys_action_names_and_function_objects():
    class Fn:
        name = "addToGroup"

    spec = define_auth(login_with={"email": True}, triggers={"postConfirmation": Fn()},
                       access=lambda allow: [allow.resource(Fn()).to(["addUserToGroup", "listUsers"])])
    assert spec.triggers == {"post_confirmation": "addToGroup"}
    assert [(a.function, a.to) for a in spec.access] == [("addToGroup", ("add_user_to_group", "list_users"))]


def test_bad_arguments_are_located_errors():
    with pytest.raises(DefinitionError) as error:
        define_auth(login_with={"email": True, "externalProviders": {"google": {"scopes": "email"}}},
                    multifactor={"mode": "sometimes"})
    assert [p.location for p in error.value.problems] == ["auth.login_with.external_providers.google.scopes",
                                                          "auth.multifactor.mode"]


def test_define_backend_keeps_the_auth_section():
    auth = define_auth(groups=["admin"], login_with={"email": True, "phone": True},
                       multifactor={"mode": "REQUIRED", "sms": True},
                       user_attributes={"custom:plan": {"dataType": "String", "maxLen": 16}})
    backend = define_backend(auth=auth, storage=define_storage("files", access={}))
    assert backend.auth == auth and backend.auth.groups == ("admin",)
    with pytest.raises(DefinitionError, match="groups are given twice"):
        define_backend(auth=auth, groups=["other"])


def test_the_google_example_of_the_frontend_page_is_what_the_program_writes():
    page = (ROOT / "docs" / "frontend.md").read_text()
    section = page[page.index("### From the definition to `signInWithRedirect` (Google)"):]
    yaml_blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    definition = yaml.safe_load(re.sub(r"(?m)^   ", "", yaml_blocks[0]))
    stack = yaml.safe_load(re.sub(r"(?m)^   ", "", yaml_blocks[1]))["config"]
    oauth = json.loads("{" + re.findall(r"```json\n(.*?)```", section, re.S)[0].strip() + "}")["oauth"]
    config = {"aws:region": "eu-west-1", **{k: v if isinstance(v, str) else json.dumps(v) for k, v in stack.items()}}
    settings = parse_settings(config, "dev")
    spec = parse_definition({**definition, "storage": {"name": "b", "access": {}}}).auth
    plan = plan_auth(spec, settings, "ampliform", "dev")
    assert plan.client_settings["oauth"] == oauth
    assert 'signInWithRedirect({ provider: "Google" })' in section
    dsl = re.search(r"`(define_auth\(.*?\))`", section, re.S)
    assert dsl is not None
    assert eval(dsl.group(1).replace("\n   ", ""), {"define_auth": define_auth}) == spec  # noqa: S307
