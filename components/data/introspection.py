"""`model_introspection` and the `data` section of `amplify_outputs.json`, as Amplify's client reads them.

Contract: `model_introspection(spec)` is the document Amplify's ``generateClient()`` builds
``client.models.<Model>`` from (version 1: per model its fields with GraphQL types, ``pluralName``,
primary key, and its auth rules in Amplify's vocabulary: ``owner``, ``private``, ``public``, ``groups``),
equal to what Amplify generates for the same models. `outputs_data(spec, url, region)` is the whole `data`
section (schema 1.4/1.5): URL, region, default auth type (user pool) and the additional types (IAM).
Pure: plain dicts, deterministic order.
"""

from __future__ import annotations

from typing import Any

from ampliform.data.access import owner_field
from ampliform.data.names import ModelNames
from ampliform.data.schema import graphql_type
from ampliform.definition.data import DEFAULT_OPERATIONS, DataRule, DataSpec, ModelSpec

DEFAULT_AUTHORIZATION_TYPE = "AMAZON_COGNITO_USER_POOLS"
AUTHORIZATION_TYPES = ("AWS_IAM",)
"""The API's auth modes: user-pool tokens by default, IAM (identity-pool roles) as the additional mode."""


def _field(name: str, type_name: str, required: bool, read_only: bool = False) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "isArray": False, "type": type_name, "isRequired": required,
                             "attributes": []}
    if read_only:
        field["isReadOnly"] = True
    return field


def _rule(rule: DataRule, model: ModelSpec) -> dict[str, Any]:
    operations = list(rule.to) if rule.to is not None else list(DEFAULT_OPERATIONS)
    if rule.allow == "owner":
        return {"provider": "userPools", "ownerField": owner_field(model), "allow": "owner",
                "identityClaim": "cognito:username", "operations": operations}
    if rule.allow == "groups":
        return {"groupClaim": "cognito:groups", "provider": "userPools", "allow": "groups",
                "groups": list(rule.groups or ()), "operations": operations}
    if rule.allow == "guest":
        return {"allow": "public", "provider": "identityPool", "operations": operations}
    out: dict[str, Any] = {"allow": "private"}
    if rule.provider == "identityPool":
        out["provider"] = "identityPool"
    out["operations"] = operations
    return out


def model_entry(name: str, model: ModelSpec) -> dict[str, Any]:
    """One model's entry under ``models``."""
    fields = {"id": _field("id", "ID", True)}
    for field, spec in model.fields.items():
        fields[field] = _field(field, graphql_type(spec.type), spec.required)
    fields["createdAt"] = _field("createdAt", "AWSDateTime", False, read_only=True)
    fields["updatedAt"] = _field("updatedAt", "AWSDateTime", False, read_only=True)
    return {
        "name": name,
        "fields": fields,
        "syncable": True,
        "pluralName": ModelNames(name).plural,
        "attributes": [
            {"type": "model", "properties": {}},
            {"type": "auth", "properties": {"rules": [_rule(r, model) for r in model.authorization]}},
        ],
        "primaryKeyInfo": {"isCustomPrimaryKey": False, "primaryKeyFieldName": "id", "sortKeyFieldNames": []},
    }


def model_introspection(spec: DataSpec) -> dict[str, Any]:
    """The ``model_introspection`` document for a validated `DataSpec`."""
    return {
        "version": 1,
        "models": {name: model_entry(name, model) for name, model in spec.models.items()},
        "enums": {},
        "nonModels": {},
    }


def outputs_data(spec: DataSpec, url: str, region: str) -> dict[str, Any]:
    """The ``data`` section of ``amplify_outputs.json``."""
    return {
        "url": url,
        "aws_region": region,
        "default_authorization_type": DEFAULT_AUTHORIZATION_TYPE,
        "authorization_types": list(AUTHORIZATION_TYPES),
        "model_introspection": model_introspection(spec),
    }
