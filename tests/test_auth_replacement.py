"""Cognito cannot change the sign-in attributes or an existing schema attribute: such an edit replaces the pool.

`ampliform.auth.attributes.replacement_inputs(auth)` gives a definition's user-pool inputs that force a
replacement (`ampliform.review.replacements`: usernameAttributes, usernameConfiguration.caseSensitive,
schemas), exactly as the program registers them, so the change-safety check can compare two definitions
(`diff OLD NEW`) or a definition with deployed state. Shown: the warning for each kind of edit that loses
every user (a changed, removed or retyped attribute, other sign-in attributes), none for an added attribute
or an MFA change, and the inputs equal to the registered pool's.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from ampliform.auth.attributes import replacement_inputs
from ampliform.definition.load import parse_definition
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


def test_the_inputs_are_what_the_program_registers(tmp_path: Path):
    import shutil

    from ampliform.program.runner import run_preview

    fixture = ROOT / "tests" / "fixtures" / "auth-app"
    shutil.copytree(fixture, tmp_path, dirs_exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    result = run_preview("dev", tmp_path)
    (pool,) = [r for r in result["resources"] if r["type"] == USER_POOL]
    from ampliform.definition.load import load_definition

    expected = replacement_inputs(load_definition(tmp_path / "backend.yaml").auth)
    assert {key: pool["inputs"][key] for key in expected} == expected
