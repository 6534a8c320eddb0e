"""`model_introspection` and the `data` section of `amplify_outputs.json`, as Amplify's client reads them.

Contract: `model_introspection(spec)` is the document Amplify's ``generateClient()`` builds ``client.models``
and the custom operations from (version 1): per model its fields with GraphQL types (``{"model": …}``,
``{"enum": …}``, ``{"nonModel": …}`` for relationships, enums and custom types), ``association`` for
relationship fields (``HAS_MANY`` / ``HAS_ONE`` with ``associatedWith``, ``BELONGS_TO`` with
``targetNames``), ``pluralName``, the primary key and each secondary index as ``key`` attributes, the disabled
operations, and the auth rules in Amplify's vocabulary (``owner``, ``private``, ``public``, ``groups``,
``custom``); ``enums``, ``nonModels`` (custom types), and ``queries`` / ``mutations`` / ``subscriptions`` for
custom operations. It equals what Amplify generates for the same schema (compared in the tests).
`outputs_data(spec, url, region, api_key)` is the whole ``data`` section (schema 1.4/1.5). Pure.
"""

from __future__ import annotations

from typing import Any

from ampliform.data.model import DEFAULT_KEY, TIMESTAMPS, Field, Model, Operation, Schema, TypeRef, resolve
from ampliform.data.rules import DEFAULT_GROUP_CLAIM, Rule
from ampliform.definition.data import DEFAULT_OPERATIONS, DataSpec

AUTH_TYPES = {"userPools": "AMAZON_COGNITO_USER_POOLS", "identityPool": "AWS_IAM", "apiKey": "API_KEY",
              "function": "AWS_LAMBDA"}
"""Amplify's provider → the AppSync authentication type."""
ADDITIONAL_ORDER = ("userPools", "apiKey", "function", "identityPool")
_DISABLED_GROUPS = {"onCreate": "subscriptions", "onUpdate": "subscriptions", "onDelete": "subscriptions",
                    "create": "mutations", "update": "mutations", "delete": "mutations", "list": "queries",
                    "get": "queries"}


def default_authorization_type(schema: Schema) -> str:
    return AUTH_TYPES[schema.modes.default]


def authorization_types(schema: Schema) -> list[str]:
    """The API's additional authentication types, in Amplify's order."""
    return [AUTH_TYPES[p] for p in ADDITIONAL_ORDER if p in schema.modes.providers and p != schema.modes.default]


def _type(type_ref: TypeRef) -> Any:
    if type_ref.kind == "enum":
        return {"enum": type_ref.name}
    if type_ref.kind == "custom":
        return {"nonModel": type_ref.name}
    if type_ref.kind == "model":
        return {"model": type_ref.name}
    return type_ref.name


def _shape(type_ref: TypeRef, required: bool | None = None) -> dict[str, Any]:
    required = type_ref.required if required is None else required
    out: dict[str, Any] = {"isArray": type_ref.is_list}
    if type_ref.is_list:
        out["isArrayNullable"] = not required
        out["isRequired"] = type_ref.values_required
    else:
        out["isRequired"] = required
    return out


def _field(model: Model | None, field: Field) -> dict[str, Any]:
    forced = model is not None and field.name == model.key[0]
    out: dict[str, Any] = {"name": field.name, **_shape(field.type, field.type.required or forced or None),
                           "type": _type(field.type), "attributes": []}
    if field.relation is not None:
        refs = list(field.relation.references)
        kind = field.relation.kind
        out["association"] = ({"connectionType": "HAS_MANY", "associatedWith": refs} if kind == "has_many"
                              else {"connectionType": "HAS_ONE", "associatedWith": refs, "targetNames": []}
                              if kind == "has_one" else {"connectionType": "BELONGS_TO", "targetNames": refs})
    return out


def _rule(rule: Rule) -> dict[str, Any]:
    operations = list(rule.words) if rule.words is not None else list(DEFAULT_OPERATIONS)
    if rule.strategy == "owner":
        return {"provider": "userPools", "ownerField": rule.entity, "allow": "owner",
                "identityClaim": rule.identity_claim or "cognito:username", "operations": operations}
    if rule.strategy == "groups" and rule.groups is not None:
        return {"groupClaim": rule.group_claim or DEFAULT_GROUP_CLAIM, "provider": "userPools", "allow": "groups",
                "groups": list(rule.groups), "operations": operations}
    if rule.strategy == "groups":
        return {"groupClaim": rule.group_claim or DEFAULT_GROUP_CLAIM, "provider": "userPools", "allow": "groups",
                "groupsField": rule.entity, "groupField": "groups", "operations": operations}
    if rule.strategy == "custom":
        return {"allow": "custom", "operations": operations}
    out: dict[str, Any] = {"allow": rule.strategy}
    if rule.provider != "userPools":
        out["provider"] = rule.provider
    out["operations"] = operations
    return out


def _model_attribute(model: Model, disabled: tuple[str, ...]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    coarse = [w for w in disabled if w in ("queries", "mutations", "subscriptions")]
    for word in coarse:
        properties[word] = None
    for word in disabled:
        group = _DISABLED_GROUPS.get(word)
        if group is not None and properties.get(group, {}) is not None:
            properties.setdefault(group, {})[word] = None
    return {"type": "model", "properties": properties}


def model_entry(model: Model, disabled: tuple[str, ...] = ()) -> dict[str, Any]:
    """One model's entry under ``models``."""
    fields: dict[str, Any] = {}
    if not model.custom_key and "id" not in model.field_names:
        fields["id"] = {"name": "id", "isArray": False, "type": "ID", "isRequired": True, "attributes": []}
    for field in model.fields:
        fields[field.name] = _field(model, field)
    for stamp in TIMESTAMPS:
        if stamp not in model.field_names:
            fields[stamp] = {"name": stamp, "isArray": False, "type": "AWSDateTime", "isRequired": False,
                             "attributes": [], "isReadOnly": True}
    attributes: list[dict[str, Any]] = [_model_attribute(model, disabled)]
    if model.custom_key:
        attributes.append({"type": "key", "properties": {"fields": list(model.key)}})
    order = {name: i for i, name in enumerate(model.field_names)}
    for index in sorted(model.indexes, key=lambda i: order.get(i.partition, len(order))):
        attributes.append({"type": "key", "properties": {"name": index.name, "queryField": index.query_field,
                                                         "fields": [index.partition, *index.sort]}})
    attributes.append({"type": "auth", "properties": {"rules": [_rule(r) for r in model.rules]}})
    return {"name": model.name, "fields": fields, "syncable": True, "pluralName": model.names.plural,
            "attributes": attributes,
            "primaryKeyInfo": {"isCustomPrimaryKey": model.custom_key, "primaryKeyFieldName": model.key[0],
                               "sortKeyFieldNames": list(model.key[1:])}}


def _operation(operation: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {"name": operation.name, **_shape(operation.returns), "type": _type(operation.returns)}
    if operation.arguments:
        args = {}
        for name, type_ref in operation.arguments:
            shown = {"input": f"{type_ref.name}Input"} if type_ref.kind == "custom" else _type(type_ref)
            args[name] = {"name": name, **_shape(type_ref), "type": shown}
        out["arguments"] = args
    return out


def introspection_of(schema: Schema, spec: DataSpec | None = None) -> dict[str, Any]:
    """The ``model_introspection`` document of a resolved schema."""
    disabled = {name: tuple(m.disable_operations) for name, m in (spec.models.items() if spec else ())}
    out: dict[str, Any] = {
        "version": 1,
        "models": {name: model_entry(m, disabled.get(name, ())) for name, m in schema.models.items()},
        "enums": {name: {"name": name, "values": list(values)} for name, values in schema.enums.items()},
        "nonModels": {name: {"name": name, "fields": {f.name: _field(None, f) for f in custom.fields}}
                      for name, custom in schema.custom_types.items()},
    }
    for key, type_name in (("queries", "Query"), ("mutations", "Mutation"), ("subscriptions", "Subscription")):
        operations = {o.name: _operation(o) for o in schema.operations if o.type_name == type_name}
        if operations:
            out[key] = operations
    inputs = _inputs(schema)
    if inputs:
        out["inputs"] = inputs
    return out


def _inputs(schema: Schema) -> dict[str, Any]:
    """The input types of custom-type arguments (nested ones too)."""
    names: list[str] = []

    def add(name: str) -> None:
        if name in names or name not in schema.custom_types:
            return
        names.append(name)
        for field in schema.custom_types[name].fields:
            if field.type.kind == "custom":
                add(field.type.name)

    for operation in schema.operations:
        for _, type_ref in operation.arguments:
            if type_ref.kind == "custom":
                add(type_ref.name)
    out = {}
    for name in names:
        attributes = {}
        for field in schema.custom_types[name].fields:
            shown = {"input": f"{field.type.name}Input"} if field.type.kind == "custom" else _type(field.type)
            attributes[field.name] = {"name": field.name, **_shape(field.type), "type": shown}
        out[f"{name}Input"] = {"name": f"{name}Input", "attributes": attributes}
    return out


def model_introspection(spec: DataSpec) -> dict[str, Any]:
    """The ``model_introspection`` document for a validated `DataSpec`."""
    return introspection_of(resolve(spec), spec)


def outputs_data(spec: DataSpec, url: str, region: str, api_key: str | None = None) -> dict[str, Any]:
    """The ``data`` section of ``amplify_outputs.json`` (``api_key`` with the API key mode)."""
    schema = resolve(spec)
    out: dict[str, Any] = {"url": url, "aws_region": region}
    if schema.modes.api_key_days is not None and api_key is not None:
        out["api_key"] = api_key
    out["default_authorization_type"] = default_authorization_type(schema)
    out["authorization_types"] = authorization_types(schema)
    out["model_introspection"] = introspection_of(schema, spec)
    return out


__all__ = ["DEFAULT_KEY", "authorization_types", "default_authorization_type", "model_introspection",
           "outputs_data"]
