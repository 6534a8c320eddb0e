"""amplify_outputs.json (schema 1.5) from a stack's exports, for Amplify's client libraries.

Contract: `build_outputs(exports)` maps the exports of the ampliform program (``__main__.py``: either a
deployed stack's ``pulumi stack output --json --show-secrets`` or the offline preview's, whose ids are
``<resource.attribute>`` placeholders) to the document Amplify's ``Amplify.configure(outputs)`` reads:

- ``auth`` (when the stack exports ``user_pool_id``): ids and region from ``user_pool_id``,
  ``user_pool_client_id``, ``identity_pool_id`` (optional), ``region``, ``unauthenticated_identities_enabled``
  and ``groups``; the sign-in, password and MFA settings from the ``auth`` export (the Auth component's
  settings), and ``oauth`` (hosted-UI domain, identity providers, redirect URIs, response type, scopes) when
  the stack has sign-in redirects. Cognito's ``OFF``/``ON`` MFA values are written as the schema's
  ``NONE``/``REQUIRED``. Keys in the order Amplify's client-config writes them.
- ``data`` (when the stack exports ``data``, the Data component's section): url, region, auth modes,
  ``model_introspection``, and ``api_key`` from the secret export ``data_api_key`` (API key mode).
- ``storage`` (when the stack exports ``buckets``): ``aws_region`` and ``bucket_name`` of the default bucket
  (``default_bucket``, the friendly name, or ``default_bucket_name``, the physical one; the only bucket when
  there is one) and every bucket's ``name``, ``bucket_name``, ``aws_region`` and ``paths``.
- ``version``: ``"1.5"``.

Keys are in the order Amplify writes them (top level ``auth``, ``data``, ``storage``, ``version``). A missing
export, a value of the wrong type, or a secret shown as ``[secret]`` anywhere in the document (e.g. as
``model_introspection``) is a user error (`DefinitionError` listing every problem, each named).
With `complete` (what the CLI passes) the exports must be a whole ampliform stack's: every export the
program always makes (`PROGRAM_EXPORTS`) and ``buckets`` or ``data``, each one missing named (so ``{}`` is
an error, not a nearly empty file). `read_stack_outputs` reads a stack-output file
(`ampliform.definition.read.read_document`: bounded, regular files only). `render_outputs` serialises
the document (`ampliform.program.placeholders` lists the values not known until deployment). Pure: no
pulumi import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ampliform.definition.read import read_document
from ampliform.errors import DefinitionError, Problem

SCHEMA_VERSION = "1.5"
SECRET = "[secret]"
MFA_CONFIGURATION = {"OFF": "NONE", "NONE": "NONE", "ON": "REQUIRED", "REQUIRED": "REQUIRED",
                     "OPTIONAL": "OPTIONAL"}
"""Cognito's `mfa_configuration` (OFF/ON/OPTIONAL) → amplify_outputs' enum (NONE/REQUIRED/OPTIONAL)."""

SIGN_IN_SETTINGS = ("mfa_methods", "standard_required_attributes", "username_attributes",
                    "user_verification_types")
PASSWORD_POLICY = ("min_length", "require_numbers", "require_lowercase", "require_uppercase", "require_symbols")
OAUTH = ("identity_providers", "redirect_sign_in_uri", "redirect_sign_out_uri", "response_type", "scopes", "domain")
"""amplify_outputs' ``auth.oauth`` keys, in the order Amplify writes them."""
DATA_KEYS = ("url", "aws_region", "api_key", "default_authorization_type", "authorization_types",
             "model_introspection")
DATA_REQUIRED = ("url", "aws_region", "default_authorization_type", "authorization_types")
PROGRAM_EXPORTS = ("region", "user_pool_id", "user_pool_client_id", "identity_pool_id",
                   "unauthenticated_identities_enabled", "groups", "auth")
"""What `ampliform.program.stack` always exports (besides ``buckets`` and/or ``data``)."""


class _Absent(dict[str, Any]):
    """The value of an export that is missing or wrong (already reported): nothing inside it is reported."""


class _Reader:
    """Reads exports, collecting a `Problem` for each one that is missing, secret or of the wrong type."""

    def __init__(self, exports: Mapping[str, Any]):
        self.exports = exports
        self.problems: list[Problem] = []

    def get(self, name: str, kind: type | tuple[type, ...], where: Mapping[str, Any] | None = None,
            label: str | None = None) -> Any:
        source = self.exports if where is None else where
        if isinstance(source, _Absent):
            return None
        label = label or name
        if name not in source:
            self.problems.append(Problem(f"the stack outputs lack `{label}`", label,
                                         "Deploy the current program (its exports are listed in __main__.py)."))
            return None
        value = source[name]
        if value == SECRET:
            self.problems.append(Problem(f"`{label}` is a secret shown as {SECRET}", label,
                                         "Write the file with `pulumi stack output --json --show-secrets`."))
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problems.append(Problem(f"`{label}` has the wrong type ({type(value).__name__})", label,
                                         "Pass the JSON written by `pulumi stack output --json --show-secrets`."))
            return None
        return value


def build_outputs(exports: Mapping[str, Any], complete: bool = False) -> dict[str, Any]:
    """The amplify_outputs.json document for a stack's exports (see the module docstring). `complete`: the
    exports must be a whole ampliform stack's (every one of `PROGRAM_EXPORTS`, and ``buckets`` or ``data``)."""
    reader = _Reader(exports)
    outputs: dict[str, Any] = {}
    if complete or "user_pool_id" in exports or "auth" in exports:
        outputs["auth"] = _auth(reader, complete)
    if "data" in exports:
        outputs["data"] = _data(reader)
    if "buckets" in exports:
        outputs["storage"] = _storage(reader)
    if complete and "data" not in exports and "buckets" not in exports:
        reader.problems.append(Problem("the stack outputs lack both `buckets` and `data` (an ampliform stack "
                                       "exports one or both)", "buckets",
                                       "Deploy the current program (its exports are listed in __main__.py)."))
    reader.problems.extend(_secrets(outputs))
    DefinitionError.raise_if(reader.problems)
    outputs["version"] = SCHEMA_VERSION
    return outputs


def _secrets(value: Any, at: str = "") -> list[Problem]:
    """A `Problem` for every ``[secret]`` left in the document (a file written without --show-secrets)."""
    if value == SECRET:
        return [Problem(f"`{at}` is a secret shown as {SECRET}", at,
                        "Write the file with `pulumi stack output --json --show-secrets`.")]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _secrets(v, f"{at}.{k}" if at else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _secrets(v, f"{at}[{i}]")]
    return []


def _auth(reader: _Reader, complete: bool = False) -> dict[str, Any]:
    settings = reader.get("auth", dict)
    settings = _Absent() if settings is None else settings
    section = {
        "user_pool_id": reader.get("user_pool_id", str),
        "aws_region": reader.get("region", str),
        "user_pool_client_id": reader.get("user_pool_client_id", str),
    }
    if complete or reader.exports.get("identity_pool_id") is not None:
        section["identity_pool_id"] = reader.get("identity_pool_id", str)
    for key in SIGN_IN_SETTINGS:
        section[key] = reader.get(key, list, settings, f"auth.{key}")
    section["groups"] = _groups(reader)
    mfa = reader.get("mfa_configuration", str, settings, "auth.mfa_configuration")
    if mfa is not None and mfa not in MFA_CONFIGURATION:
        reader.problems.append(Problem(f"unknown MFA configuration {mfa!r}", "auth.mfa_configuration",
                                       f"Use one of: {', '.join(MFA_CONFIGURATION)}."))
    section["mfa_configuration"] = MFA_CONFIGURATION.get(mfa or "", mfa)
    policy = reader.get("password_policy", dict, settings, "auth.password_policy")
    policy = _Absent() if policy is None else policy
    section["password_policy"] = {
        key: reader.get(key, int if key == "min_length" else bool, policy, f"auth.password_policy.{key}")
        for key in PASSWORD_POLICY
    }
    if "oauth" in settings:
        section["oauth"] = _oauth(reader, settings)
    section["unauthenticated_identities_enabled"] = reader.get("unauthenticated_identities_enabled", bool)
    return section


def _oauth(reader: _Reader, settings: Mapping[str, Any]) -> dict[str, Any]:
    oauth = reader.get("oauth", dict, settings, "auth.oauth") or {}
    return {key: reader.get(key, str if key in ("response_type", "domain") else list, oauth, f"auth.oauth.{key}")
            for key in OAUTH}


def _groups(reader: _Reader) -> list[dict[str, dict[str, int]]]:
    groups = reader.get("groups", list) or []
    out = []
    for i, entry in enumerate(groups):
        if not (isinstance(entry, dict) and len(entry) == 1):
            reader.problems.append(Problem(f"`groups[{i}]` is not {{\"<group>\": {{\"precedence\": <int>}}}}",
                                           f"groups[{i}]", "Deploy the current program."))
            continue
        ((name, config),) = entry.items()
        precedence = reader.get("precedence", int, config if isinstance(config, dict) else {},
                                f"groups[{i}].{name}.precedence")
        out.append({name: {"precedence": precedence}})
    return out


def _data(reader: _Reader) -> dict[str, Any]:
    data = dict(reader.get("data", dict) or {})
    for key in DATA_REQUIRED:
        reader.get(key, list if key == "authorization_types" else str, data, f"data.{key}")
    if "data_api_key" in reader.exports:
        data["api_key"] = reader.get("data_api_key", str)
    return {key: data[key] for key in DATA_KEYS if key in data}


def _storage(reader: _Reader) -> dict[str, Any]:
    buckets = [_bucket(reader, i, b) for i, b in enumerate(reader.get("buckets", list) or [])]
    default = _default_bucket(reader, buckets)
    return {
        "aws_region": default["aws_region"] if default else None,
        "bucket_name": default["bucket_name"] if default else None,
        "buckets": buckets,
    }


def _bucket(reader: _Reader, index: int, entry: Any) -> dict[str, Any]:
    entry = entry if isinstance(entry, dict) else {}
    out = {key: reader.get(key, str, entry, f"buckets[{index}].{key}") for key in ("name", "bucket_name", "aws_region")}
    if "paths" in entry:
        out["paths"] = reader.get("paths", dict, entry, f"buckets[{index}].paths")
    return out


def _default_bucket(reader: _Reader, buckets: list[dict[str, Any]]) -> dict[str, Any] | None:
    if len(buckets) == 1:
        return buckets[0]
    friendly, physical = reader.exports.get("default_bucket"), reader.exports.get("default_bucket_name")
    found = [b for b in buckets if (friendly is not None and b["name"] == friendly)
             or (friendly is None and physical is not None and b["bucket_name"] == physical)]
    if len(found) != 1:
        reader.problems.append(Problem("the stack outputs do not say which bucket is the default", "default_bucket",
                                       "Deploy the current program (it exports `default_bucket`)."))
        return None
    return found[0]


def read_stack_outputs(path: str | Path) -> dict[str, Any]:
    """A ``pulumi stack output --json --show-secrets`` file: a JSON object of export name → value."""
    document = read_document(Path(path))
    if not isinstance(document, dict):
        raise DefinitionError(Problem(f"{path} is not a JSON object of stack outputs", str(path),
                                      "Write it with `pulumi stack output --json --show-secrets > FILE`."))
    return document


def render_outputs(outputs: Mapping[str, Any]) -> str:
    """The file's text. The one JSON ampliform writes in Amplify's key order rather than sorted: Amplify's
    client tooling and people diff amplify_outputs.json against Amplify's own, so the order is Amplify's."""
    return json.dumps(outputs, indent=2, ensure_ascii=False) + "\n"
