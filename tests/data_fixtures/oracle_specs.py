"""The oracle's data specs (tests/reference/amplify/data/*.json ``input``) in ampliform's data form.

The oracle writes Amplify's camelCase (``hasMany``, ``ownerDefinedIn``, ``publicApiKey``,
``defaultAuthorizationMode: userPool`` ...); ampliform's data form is snake case. `to_ampliform(spec)`
maps one to the other — in the tests only, never in the product — and `definition_of(spec)` wraps it in
a whole definition with the groups (and functions) the oracle's ``defineAuth`` / ``defineFunction`` had.
A custom JS handler without an entry gets the trivial resolver the oracle uses (`TRIVIAL_RESOLVER`).
"""

from __future__ import annotations

from typing import Any

TRIVIAL_RESOLVER = "data/handlers/resolver.js"
RELATIONSHIPS = {"hasMany": "has_many", "belongsTo": "belongs_to", "hasOne": "has_one"}
ALLOW = {"ownerDefinedIn": "owner_defined_in", "owners": "owners_defined_in", "ownersDefinedIn": "owners_defined_in",
         "publicApiKey": "public_api_key", "groupDefinedIn": "group_defined_in",
         "groupsDefinedIn": "groups_defined_in"}
PROVIDERS = {"identityPool": "identity_pool", "userPools": "user_pool"}
MODES = {"userPool": "user_pool", "identityPool": "identity_pool", "apiKey": "api_key", "lambda": "lambda"}
TYPES = {"ipAddress": "ipaddress"}


def _type(text: str) -> str:
    for theirs, ours in TYPES.items():
        text = text.replace(theirs, ours)
    return text


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    out = dict(rule)
    out["allow"] = ALLOW.get(rule["allow"], rule["allow"])
    if "provider" in out:
        out["provider"] = PROVIDERS.get(out["provider"], out["provider"])
    if out["allow"] == "resource":
        out["resource"] = out.pop("function")
    return out


def _rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [_rule(r) for r in rules]


def _field(value: Any) -> Any:
    if isinstance(value, str):
        return _type(value)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in RELATIONSHIPS:
            out[RELATIONSHIPS[key]] = item
        elif key == "authorization":
            out[key] = _rules(item)
        elif key == "custom_type":
            out[key] = {"fields": _fields(item["fields"])}
        elif key == "type":
            out[key] = _type(item)
        else:
            out[key] = item
    return out


def _fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: _field(f) for name, f in fields.items()}


def _handler(handler: Any) -> Any:
    if isinstance(handler, list):
        (handler,) = handler
    if "custom" in handler:
        custom = dict(handler["custom"])
        custom.setdefault("entry", TRIVIAL_RESOLVER)
        return {"custom": custom}
    return dict(handler)


def _operation(op: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in op.items():
        if key == "arguments":
            out[key] = _fields(item)
        elif key == "returns":
            out[key] = _field(item)
        elif key == "handler":
            out[key] = _handler(item)
        elif key == "authorization":
            out[key] = _rules(item)
        else:
            out[key] = item
    return out


def _modes(spec: dict[str, Any]) -> dict[str, Any]:
    modes = spec.get("authorization_modes", {})
    out: dict[str, Any] = {}
    default = modes.get("defaultAuthorizationMode", spec.get("defaultAuthorizationMode"))
    if default is not None:
        out["default"] = MODES[default]
    if "apiKeyAuthorizationMode" in modes:
        key = modes["apiKeyAuthorizationMode"]
        out["api_key"] = {k: v for k, v in (("expires_in_days", key.get("expiresInDays")),
                                            ("description", key.get("description"))) if v is not None}
    if "lambdaAuthorizationMode" in modes:
        mode = modes["lambdaAuthorizationMode"]
        out["lambda"] = {"function": mode["function"],
                         **({"time_to_live_in_seconds": mode["timeToLiveInSeconds"]}
                            if "timeToLiveInSeconds" in mode else {})}
    return out


def to_ampliform(spec: dict[str, Any]) -> dict[str, Any]:
    """An oracle data spec in ampliform's data form (see the module docstring)."""
    out: dict[str, Any] = {}
    modes = _modes(spec)
    if modes:
        out["authorization_modes"] = modes
    for key in ("enums",):
        if key in spec:
            out[key] = spec[key]
    if "custom_types" in spec:
        out["custom_types"] = {n: {"fields": _fields(t["fields"])} for n, t in spec["custom_types"].items()}
    if "models" in spec:
        out["models"] = {}
        for name, model in spec["models"].items():
            mapped = {k: v for k, v in model.items() if k not in ("fields", "authorization")}
            mapped["fields"] = _fields(model.get("fields", {}))
            if "authorization" in model:
                mapped["authorization"] = _rules(model["authorization"])
            out["models"][name] = mapped
    for kind in ("queries", "mutations", "subscriptions"):
        if kind in spec:
            out[kind] = {n: _operation(op) for n, op in spec[kind].items()}
    if "authorization" in spec:
        out["authorization"] = _rules(spec["authorization"])
    return out


def _walk_rules(spec: dict[str, Any]):
    for model in spec.get("models", {}).values():
        yield from model.get("authorization", [])
        for f in model.get("fields", {}).values():
            if isinstance(f, dict):
                yield from f.get("authorization", [])
    for kind in ("queries", "mutations", "subscriptions"):
        for op in spec.get(kind, {}).values():
            yield from op.get("authorization", [])


def groups_of(spec: dict[str, Any]) -> list[str]:
    """The oracle's defineAuth groups: `groups` if given, else every group a rule names (first mention)."""
    if "groups" in spec:
        return list(spec["groups"])
    out: list[str] = []
    for rule in _walk_rules(spec):
        for group in rule.get("groups", []) + ([rule["group"]] if "group" in rule else []):
            if group not in out:
                out.append(group)
    return out


def functions_of(spec: dict[str, Any]) -> list[str]:
    """Every function the spec names (handlers, the Lambda authorizer, resource rules), first mention."""
    out: list[str] = []

    def add(name: str | None) -> None:
        if name and name not in out:
            out.append(name)

    add(spec.get("authorization_modes", {}).get("lambdaAuthorizationMode", {}).get("function"))
    for kind in ("queries", "mutations", "subscriptions"):
        for op in spec.get(kind, {}).values():
            handler = op.get("handler") or {}
            for h in handler if isinstance(handler, list) else [handler]:
                add(h.get("function"))
    for rule in spec.get("authorization", []):
        add(rule.get("function"))
    return out


def definition_of(spec: dict[str, Any]) -> dict[str, Any]:
    """A whole definition (data form) for one oracle spec: auth groups and the data section."""
    return {"auth": {"groups": groups_of(spec)}, "data": to_ampliform(spec)}
