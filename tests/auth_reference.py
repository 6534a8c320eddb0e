"""The Amplify auth references (`tests/reference/amplify/auth/`) as ampliform projects.

A reference's input is the oracle's: Amplify's `defineAuth` props in camelCase, with `{"secret": NAME}` for
credentials and the callback/logout URLs and domain prefix inside `externalProviders`, plus a storage map in
the oracle's form (`who`/`actions`). `definition_of(input)` is the same backend in ampliform's data form (the
definition never holds a credential or a URL), `stack_config(input)` the stack settings that carry the rest
(credentials as secrets), and `write_project(tmp, input)` a project the program can preview.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml
from reference_data import AUTH_REFERENCE, REPO

SETTING_OF = {"google": "google", "facebook": "facebook", "loginWithAmazon": "amazon", "signInWithApple": "apple"}
FIELDS = {"google": ("clientId", "clientSecret"), "facebook": ("clientId", "clientSecret"),
          "loginWithAmazon": ("clientId", "clientSecret"),
          "signInWithApple": ("clientId", "keyId", "privateKey", "teamId")}
SECRET_FIELDS = ("clientSecret", "privateKey")
CASES = ("auth-social", "auth-mfa-attributes", "auth-triggers", "auth-more-providers", "auth-phone-mfa-required",
         "auth-link-invitation", "auth-attributes-recovery")


def reference(name: str) -> dict[str, Any]:
    return json.loads((AUTH_REFERENCE / f"{name}.json").read_text())


def snake(key: str) -> str:
    if key.startswith("custom:"):
        return key
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), key)


def _snake_all(value: Any) -> Any:
    if isinstance(value, dict):
        return {snake(k): _snake_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake_all(v) for v in value]
    return value


def _secret_name(value: Any) -> str:
    return value["secret"] if isinstance(value, dict) else str(value)


def storage_of(case_input: dict[str, Any]) -> dict[str, Any]:
    """The oracle's storage map in ampliform's form."""
    access = {}
    for path, rules in case_input["access"].items():
        out = []
        for rule in rules:
            who = rule["who"]
            item: dict[str, Any] = {"allow": who, "to": rule["actions"]}
            if who == "entity":
                item["entity"] = "identity"
            elif who == "groups":
                item["groups"] = rule["groups"]
            elif who == "resource":
                item["resource"] = rule["function"]
            out.append(item)
        access[path] = out
    return {"name": case_input["name"], "access": access}


def without_credentials(case_input: dict[str, Any]) -> dict[str, Any]:
    """A copy of a reference's `defineAuth` props without what ampliform keeps in stack settings: callback and
    logout URLs, the domain prefix, and every provider credential."""
    auth = json.loads(json.dumps(case_input.get("auth", {})))
    external = auth.get("loginWith", {}).get("externalProviders")
    if external:
        for key in ("callbackUrls", "logoutUrls", "domainPrefix"):
            external.pop(key, None)
        for key, fields in FIELDS.items():
            for field in fields:
                (external.get(key) or {}).pop(field, None)
        for oidc in external.get("oidc", []):
            oidc.pop("clientId"), oidc.pop("clientSecret")
    return auth


def definition_of(case_input: dict[str, Any], with_functions: bool = False) -> dict[str, Any]:
    """The reference's backend as an ampliform definition (data form). Without `with_functions`, the
    triggers and the functions' access are left out."""
    auth = without_credentials(case_input)
    if not with_functions:
        auth.pop("triggers", None), auth.pop("access", None)
    access = auth.pop("access", None)
    data = _snake_all(auth)
    if access is not None:
        data["access"] = [{"function": a["function"], "to": [snake(x) for x in a["actions"]]} for a in access]
    out = {"auth": data, "storage": storage_of(case_input)}
    used = [*data.get("triggers", {}).values(), *(a["function"] for a in data.get("access", []))]
    if used:
        environment = {n: f.get("environment", {}) for n, f in case_input.get("functions", {}).items()}
        out["functions"] = {n: {"handler": f"functions/{n}/handler.py", "environment": environment.get(n, {})}
                            for n in dict.fromkeys(used)}
    return out


HANDLER = "def handler(event, context):\n    return event\n"


def stack_config(case_input: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The stack settings carrying the reference's credentials and URLs, and which keys are secret."""
    config: dict[str, Any] = {"aws:region": "eu-west-1", "ampliform:env": "dev"}
    secret = []
    external = case_input.get("auth", {}).get("loginWith", {}).get("externalProviders") or {}
    for key, setting in (("callbackUrls", "callbackUrls"), ("logoutUrls", "logoutUrls"),
                         ("domainPrefix", "authDomainPrefix")):
        if key in external:
            config[f"ampliform:{setting}"] = external[key]
    for key, fields in FIELDS.items():
        if key in external:
            config[f"ampliform:{SETTING_OF[key]}"] = {f: _secret_name(external[key][f]) for f in fields}
            secret.append(f"ampliform:{SETTING_OF[key]}")
    if external.get("oidc"):
        config["ampliform:oidc"] = {o["name"]: {f: _secret_name(o[f]) for f in ("clientId", "clientSecret")}
                                    for o in external["oidc"]}
        secret.append("ampliform:oidc")
    return config, secret


def encrypted(config: dict[str, Any], secret: list[str]) -> dict[str, Any]:
    """`config` as a stack file holds it after `pulumi config set --secret --path`: secret fields encrypted."""
    out = dict(config)
    for key in secret:
        value = config[key]
        if key == "ampliform:oidc":
            out[key] = {n: {f: ({"secure": "v1:AAAA"} if f in SECRET_FIELDS else v) for f, v in c.items()}
                        for n, c in value.items()}
        else:
            out[key] = {f: ({"secure": "v1:AAAA"} if f in SECRET_FIELDS else v) for f, v in value.items()}
    return out


def write_project(tmp: Path, case_input: dict[str, Any], with_functions: bool = False) -> Path:
    """A project (this program, the reference's definition, a dev stack with its settings) to preview."""
    (tmp / "stacks").mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO / name, tmp / name)
    definition = definition_of(case_input, with_functions)
    (tmp / "backend.yaml").write_text(yaml.safe_dump(definition, sort_keys=False))
    for name in definition.get("functions", {}):
        (tmp / "functions" / name).mkdir(parents=True, exist_ok=True)
        (tmp / "functions" / name / "handler.py").write_text(HANDLER)
    config, secret = stack_config(case_input)
    (tmp / "stacks" / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": encrypted(config, secret)}))
    return tmp
