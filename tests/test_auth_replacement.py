"""Cognito cannot change the sign-in attributes or an existing schema attribute: such an edit replaces the pool.

`ampliform.auth.attributes.replacement_inputs(auth)` gives a definition's user-pool inputs that force a
replacement (`ampliform.review.replacements`: usernameAttributes, usernameConfiguration.caseSensitive,
schemas), exactly as the program registers them, so the change-safety check can compare two definitions
(`diff OLD NEW`) or a definition with deployed state. Shown: the warning for each kind of edit that loses
every user (a changed, removed or retyped attribute, other sign-in attributes), none for an added attribute
or an MFA change, and the inputs equal to the registered pool's; end to end, `ampliform preview --state` of
the test stack (its prod state built from the preview of the old definition) says the pool would be replaced,
losing every user, and refuses in prod unless `--allow-data-loss`.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from state_export import write_state

from ampliform.auth.attributes import replacement_inputs
from ampliform.cli import main
from ampliform.definition.load import parse_definition
from ampliform.program.runner import run_preview
from ampliform.review.replacements import DATA_BEARING, replacing

USER_POOL = "aws:cognito/userPool:UserPool"
ROOT = Path(__file__).resolve().parents[1]
BASE: dict[str, Any] = {
    "login_with": {"email": True},
    "user_attributes": {"birthdate": {"mutable": False, "required": True},
                        "custom:display_name": {"type": "string", "max_len": 64}},
}


def warnings(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What the change-safety check says for an edit of `auth:` (the user-pool replacement warning)."""
    before, after = (replacement_inputs(parse_definition({"auth": a}).auth) for a in (old, new))
    return [f"user-pool replacement: {DATA_BEARING[USER_POOL]} lost ({r.input}: {r.why})"
            for r in replacing(USER_POOL, before, after)]


def edited(fn: Any) -> dict[str, Any]:
    auth = copy.deepcopy(BASE)
    fn(auth)
    return auth


SCHEMA = ("user-pool replacement: every user account (and every identity-pool identity tied to it) lost (schemas: "
          "schema attributes can be added but never changed or removed (Cognito))")
SIGN_IN = ("user-pool replacement: every user account (and every identity-pool identity tied to it) lost "
           "(usernameAttributes: sign-in attributes are fixed at creation)")


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda a: a["user_attributes"]["birthdate"].update(mutable=True), [SCHEMA]),
    (lambda a: a["user_attributes"].pop("custom:display_name"), [SCHEMA]),
    (lambda a: a["user_attributes"]["custom:display_name"].update(max_len=128), [SCHEMA]),
    (lambda a: a["user_attributes"].update({"custom:display_name": {"type": "number"}}), [SCHEMA]),
    (lambda a: a["login_with"].update(phone=True), [SIGN_IN]),
    (lambda a: a.update(login_with={"phone": True}), [SIGN_IN, SCHEMA]),
], ids=["attribute-made-mutable", "attribute-removed", "constraint-changed", "type-changed", "phone-added",
        "email-to-phone"])
def test_edits_cognito_cannot_apply_replace_the_pool(edit: Any, expected: list[str]):
    assert warnings(BASE, edited(edit)) == expected


@pytest.mark.parametrize("edit", [
    lambda a: a["user_attributes"].update({"custom:plan": {"type": "string"}}),
    lambda a: a["user_attributes"].update({"nickname": {}}),
    lambda a: a.update(multifactor={"mode": "optional", "totp": True}),
    lambda a: a.update(account_recovery="none", self_sign_up=False),
], ids=["custom-attribute-added", "standard-attribute-added", "mfa", "recovery-and-sign-up"])
def test_edits_cognito_applies_in_place_do_not_warn(edit: Any):
    assert warnings(BASE, edited(edit)) == []


def app_project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "tests" / "fixtures" / "auth-app", tmp_path, dirs_exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_inputs_are_what_the_program_registers(tmp_path: Path):
    app_project(tmp_path)
    result = run_preview("dev", tmp_path)
    (pool,) = [r for r in result["resources"] if r["type"] == USER_POOL]
    from ampliform.definition.load import load_definition

    expected = replacement_inputs(load_definition(tmp_path / "backend.yaml").auth)
    assert {key: pool["inputs"][key] for key in expected} == expected


@pytest.mark.parametrize(("old", "new", "why"), [
    ("birthdate: {mutable: false, required: true}", "birthdate: {mutable: true, required: true}",
     "schemas: schema attributes can be added but never changed or removed (Cognito)"),
    ("    phone:\n      verification_message: \"MyApp code: {code}\"\n", "",
     "usernameAttributes: sign-in attributes are fixed at creation"),
], ids=["attribute-changed", "phone-sign-in-dropped"])
def test_the_preview_against_the_deployed_pool_warns_and_refuses_in_prod(tmp_path: Path, old: str, new: str,
                                                                         why: str):
    root = app_project(tmp_path)
    state = write_state(run_preview("prod", root), "prod", root / "prod.state.json")
    text = (root / "backend.yaml").read_text()
    assert old in text
    edited_text = text.replace(old, new)
    if "phone:" not in edited_text:  # without phone sign-in, SMS MFA is what remains of phone
        edited_text = edited_text.replace("recovery: email_and_phone_without_mfa", "recovery: email_only")
    (root / "backend.yaml").write_text(edited_text)
    refused = CliRunner().invoke(main, ["preview", "--stack", "prod", "--project-dir", str(root), "--state",
                                        str(state)])
    assert refused.exit_code == 2, refused.output
    warning = ("error: UserPool ampliform-prod-auth-user-pool would be replaced, losing every user account (and "
               "every identity-pool identity tied to it)")
    assert warning in refused.stderr and why in refused.stderr
    allowed = CliRunner().invoke(main, ["preview", "--stack", "prod", "--project-dir", str(root), "--state",
                                        str(state), "--allow-data-loss"])
    assert allowed.exit_code == 0, allowed.output
    assert "DATA LOSS  UserPool ampliform-prod-auth-user-pool would be replaced" in allowed.stdout


def test_adding_an_attribute_replaces_nothing(tmp_path: Path):
    root = app_project(tmp_path)
    state = write_state(run_preview("prod", root), "prod", root / "prod.state.json")
    text = (root / "backend.yaml").read_text()
    (root / "backend.yaml").write_text(text.replace("    custom:age:", "    custom:plan: {type: string}\n"
                                                                    "    custom:age:"))
    result = CliRunner().invoke(main, ["preview", "--stack", "prod", "--project-dir", str(root), "--state",
                                       str(state)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Change safety: against the deployed state, the update deletes and replaces "
                                    "nothing."), result.stdout[:300]
