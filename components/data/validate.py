"""Meaning checks of `data.models`: every problem in one run, each with where it is and how to fix it.

Contract: `data_problems(spec, groups)` (run by `ampliform.plan.check`) returns a list of `Problem`s, empty
when the models can be built. Checked: at least one model; model names (GraphQL type names that do not collide
with each other, with the types generated for them or with GraphQL's and AppSync's own types); field names
(GraphQL names other than the automatic ``id``, ``createdAt``, ``updatedAt`` and the filter operators
``and``/``or``/``not``); field types; every model has rules; each rule's kind, operations, and the keys its
kind accepts; groups declared under ``auth.groups``; at most one owner rule, whose field is a free name or an
optional string field. Messages name Amplify's spelling where users coming from Amplify would write it
(``public``, ``private``, ``write``…)."""

from __future__ import annotations

import difflib
import re

from ampliform.data.names import OPERATION_TYPES, ModelNames
from ampliform.definition.data import OPERATION_WORDS, PROVIDERS, RULE_KINDS, SCALARS, DataRule, DataSpec, ModelSpec
from ampliform.errors import Problem, where

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
AUTOMATIC_FIELDS = ("id", "createdAt", "updatedAt")
RESERVED_FIELDS = (*AUTOMATIC_FIELDS, "and", "or", "not")
BUILTIN_TYPES = (
    *OPERATION_TYPES, "String", "Int", "Float", "Boolean", "ID", *sorted(set(SCALARS.values())),
    "ModelStringInput", "ModelIntInput", "ModelFloatInput", "ModelBooleanInput", "ModelIDInput",
    "ModelSubscriptionStringInput", "ModelSubscriptionIntInput", "ModelSubscriptionFloatInput",
    "ModelSubscriptionBooleanInput", "ModelSubscriptionIDInput", "ModelAttributeTypes", "ModelSizeInput",
    "ModelSortDirection",
)
"""Type names a model must not take: GraphQL's and AppSync's scalars and the shared filter inputs."""

KIND_HINTS = {
    "public": "Amplify's `public` is `guest` here (signed-out users).",
    "private": "Amplify's `private` is `authenticated` here (every signed-in user).",
    "owners": "Only one owner per record is supported; use `owner`.",
    "group": "Use `groups` with a `groups:` list.",
}
OPERATION_HINTS = {
    "write": "Data operations are create, update and delete (storage's `write` is not one).",
    "sync": "DataStore sync is not supported.",
    "search": "Search (OpenSearch) is not supported.",
}
KEYS_OF_KIND = {"owner": ("owner_field",), "authenticated": ("provider",), "guest": (), "groups": ("groups",)}


def data_problems(spec: DataSpec, groups: tuple[str, ...] = ()) -> list[Problem]:
    """Every problem of a data section, given the user-pool groups auth declares."""
    if not spec.models:
        return [Problem("`data.models` declares no model", "data.models",
                        "Declare at least one model, or remove the `data` section.")]
    problems: list[Problem] = []
    for name, model in spec.models.items():
        problems += _model_name_problems(name)
        problems += _field_problems(name, model)
        problems += _rule_problems(name, model, groups)
    problems += _collision_problems(spec)
    return problems


def _model_name_problems(name: str) -> list[Problem]:
    at = where("data", "models", name)
    if not NAME.match(name):
        return [Problem(f"model name {name!r} is not a valid GraphQL type name", at,
                        "Start with a letter; use only letters, digits and underscores (e.g. Post, TodoItem).")]
    if name in BUILTIN_TYPES:
        return [Problem(f"model name {name!r} is taken by a GraphQL or AppSync type", at,
                        "Choose another name for the model.")]
    return []


def _field_problems(model_name: str, model: ModelSpec) -> list[Problem]:
    problems = []
    for field, spec in model.fields.items():
        at = where("data", "models", model_name, "fields", field)
        if not FIELD_NAME.match(field) or field.startswith("__"):
            problems.append(Problem(f"field name {field!r} is not a valid GraphQL field name", at,
                                    "Start with a letter; use only letters, digits and underscores."))
        elif field in AUTOMATIC_FIELDS:
            problems.append(Problem(f"field {field!r} is added to every model automatically", at,
                                    "Remove it (id, createdAt and updatedAt are managed by the API)."))
        elif field in RESERVED_FIELDS:
            problems.append(Problem(f"field name {field!r} is reserved for filters (and, or, not)", at,
                                    "Rename the field."))
        if spec.type not in SCALARS:
            close = difflib.get_close_matches(spec.type.lower(), list(SCALARS), n=1)
            hint = f"Did you mean `{close[0]}`? " if close else ""
            problems.append(Problem(f"unknown field type {spec.type!r}", where("data", "models", model_name,
                                    "fields", field, "type"),
                                    f"{hint}Use one of: {', '.join(SCALARS)} (add `!` for a required field)."))
    return problems


def _rule_problems(model_name: str, model: ModelSpec, groups: tuple[str, ...]) -> list[Problem]:
    base = ("data", "models", model_name, "authorization")
    if not model.authorization:
        return [Problem(f"model {model_name!r} has no authorization rules, so nobody could use it",
                        where(*base), "Add rules, e.g. `- {allow: owner}` and `- {allow: authenticated, to: [read]}`.")]
    problems: list[Problem] = []
    owners = [i for i, rule in enumerate(model.authorization) if rule.allow == "owner"]
    for i in owners[1:]:
        problems.append(Problem(f"model {model_name!r} has more than one owner rule", where(*base, i),
                                "Keep one owner rule and list all its operations in its `to`."))
    for i, rule in enumerate(model.authorization):
        problems += _one_rule_problems(rule, (*base, i), model_name, model, groups)
    return problems


def _one_rule_problems(rule: DataRule, at: tuple[str | int, ...], model_name: str, model: ModelSpec,
                       groups: tuple[str, ...]) -> list[Problem]:
    if rule.allow not in RULE_KINDS:
        hint = KIND_HINTS.get(rule.allow, "")
        return [Problem(f"unknown rule kind {rule.allow!r} in `allow`", where(*at, "allow"),
                        (hint + " " if hint else "") + f"Use one of: {', '.join(RULE_KINDS)}.")]
    problems = []
    for key in ("owner_field", "provider", "groups"):
        if getattr(rule, key) is not None and key not in KEYS_OF_KIND[rule.allow]:
            problems.append(Problem(f"`{key}` does not apply to {rule.allow} rules", where(*at, key),
                                    f"Remove `{key}`" + _key_home(key)))
    problems += _operation_problems(rule, at)
    if rule.allow == "groups":
        problems += _group_problems(rule, at, groups)
    if rule.allow == "owner":
        problems += _owner_field_problems(rule, at, model)
    if rule.allow == "authenticated" and rule.provider is not None and rule.provider not in PROVIDERS:
        problems.append(Problem(f"unknown provider {rule.provider!r}", where(*at, "provider"),
                                f"Use one of: {', '.join(PROVIDERS)} (default userPools)."))
    return problems


def _key_home(key: str) -> str:
    home = {"owner_field": "owner", "provider": "authenticated", "groups": "groups"}[key]
    return f" (it belongs to {home} rules)."


def _operation_problems(rule: DataRule, at: tuple[str | int, ...]) -> list[Problem]:
    words = ", ".join(OPERATION_WORDS)
    if rule.to is None:
        if rule.allow == "guest":
            return [Problem("a guest rule must list its operations in `to`", where(*at),
                            f"Add e.g. `to: [read]` (guests get nothing by default); operations: {words}.")]
        return []
    if not rule.to:
        return [Problem("`to` lists no operation", where(*at, "to"),
                        f"List at least one of: {words} (or leave `to` out for every operation).")]
    problems = []
    for j, word in enumerate(rule.to):
        if word not in OPERATION_WORDS:
            hint = OPERATION_HINTS.get(word, "")
            problems.append(Problem(f"unknown operation {word!r}", where(*at, "to", j),
                                    (hint + " " if hint else "") + f"Use one of: {words}."))
    return problems


def _group_problems(rule: DataRule, at: tuple[str | int, ...], declared: tuple[str, ...]) -> list[Problem]:
    if not rule.groups:
        return [Problem("a groups rule needs at least one group", where(*at, "groups"),
                        "Add `groups: [<group>, ...]` naming groups declared under auth.groups.")]
    return [Problem(f'No auth IAM role found for "{group}".', where(*at, "groups", j),
                    f"Declare the group under auth.groups (declared: {sorted(declared) or 'none'}), "
                    "or fix its spelling.")
            for j, group in enumerate(rule.groups) if group not in declared]


def _owner_field_problems(rule: DataRule, at: tuple[str | int, ...], model: ModelSpec) -> list[Problem]:
    name = rule.owner_field
    if name is None:
        declared = model.fields.get("owner")
    elif not FIELD_NAME.match(name) or name.startswith("__") or name in RESERVED_FIELDS:
        return [Problem(f"owner field {name!r} cannot hold the owner", where(*at, "owner_field"),
                        "Name a field other than id, createdAt, updatedAt, and, or, not (default: owner).")]
    else:
        declared = model.fields.get(name)
    if declared is not None and (declared.type != "string" or declared.required):
        field = name or "owner"
        return [Problem(f"owner field {field!r} is declared as {declared.type}"
                        f"{' (required)' if declared.required else ''}; the owner is an optional string",
                        where(*at), f"Declare `{field}: string`, or leave the field out (it is added).")]
    return []


def _collision_problems(spec: DataSpec) -> list[Problem]:
    seen: dict[str, str] = {name: "a GraphQL or AppSync type" for name in BUILTIN_TYPES}
    problems = []
    for name in spec.models:
        if not NAME.match(name) or name in BUILTIN_TYPES:
            continue
        names = ModelNames(name)
        generated = list(names.type_names()) + [f"{t}.{f}" for t, f in names.operation_fields()]
        for item in generated:
            owner = seen.get(item)
            if owner is not None and owner != f"model {name!r}":
                problems.append(Problem(f"model {name!r} generates {item!r}, which {owner} also defines",
                                        where("data", "models", name), "Rename one of the models."))
            seen.setdefault(item, f"model {name!r}")
    return problems
