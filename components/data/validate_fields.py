"""Meaning checks of fields: names, kinds, type grammar, references to enums and custom types, defaults.

Contract: `field_problems(owner, name, spec, at, scope, types)` returns the problems of one field of a model
(``model``), a custom type (``custom``), a custom operation's argument (``argument``) or return type
(``returns``); `enum_problems(name, values, at)` those of an enum. Checked: the field name (a GraphQL name,
not ``and``/``or``/``not`` in models), exactly one kind and only the keys that kind takes, the type grammar
and scalar names, refs (Amplify's "Invalid ref. …" and "Cannot use `.ref()` to refer a model …"),
relationships only in models, defaults valid for their type (Amplify's "Default value … is not a valid …").
Relationship pairs, keys and indexes are `ampliform.data.validate_models`.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from ampliform.definition.data_fields import RELATIONSHIPS, SCALARS, FieldSpec
from ampliform.errors import Problem, where

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
FILTER_OPERATORS = ("and", "or", "not")
TIMESTAMPS = ("createdAt", "updatedAt")
KEYS_OF_KIND: dict[str, tuple[str, ...]] = {
    "type": ("required", "array", "default", "authorization"),
    "ref": ("required", "array", "authorization"),
    "enum": ("authorization",),
    "custom_type": ("authorization",),
    "has_many": ("references", "required", "authorization"),
    "has_one": ("references", "required", "authorization"),
    "belongs_to": ("references", "authorization"),
}
MODIFIERS = ("references", "required", "array", "default", "authorization")

_DATE = r"\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(\.\d+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_EMAIL = r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@" + _LABEL + r"(?:\." + _LABEL + r")*"


def _json(value: object) -> bool:
    try:
        json.loads(str(value))
    except ValueError:
        return False
    return True


def _ip(value: object) -> bool:
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return True


def _int(value: object) -> bool:
    return not isinstance(value, bool) and (isinstance(value, int) or bool(re.fullmatch(r"[+-]?\d+", str(value))))


def _float(value: object) -> bool:
    if isinstance(value, bool):
        return False
    try:
        float(str(value))
    except ValueError:
        return False
    return True


VALIDATORS: dict[str, Callable[[object], bool]] = {
    "String": lambda v: isinstance(v, str), "ID": lambda v: isinstance(v, str), "Int": _int, "Float": _float,
    "Boolean": lambda v: isinstance(v, bool) or str(v).lower() in ("true", "false"), "AWSJSON": _json,
    "AWSDate": lambda v: bool(re.fullmatch(_DATE, str(v))), "AWSTime": lambda v: bool(re.fullmatch(_TIME, str(v))),
    "AWSDateTime": lambda v: bool(re.fullmatch(f"{_DATE}T{_TIME}", str(v))), "AWSTimestamp": _int,
    "AWSEmail": lambda v: bool(re.fullmatch(_EMAIL, str(v))), "AWSIPAddress": _ip,
    "AWSURL": lambda v: bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*://\S+", str(v))),
    "AWSPhone": lambda v: bool(re.fullmatch(r"\+?[0-9 ()-]{6,20}", str(v))),
}
"""Is a default value valid for this scalar (the checks of Amplify's default-value transformer)."""


@dataclass(frozen=True)
class TypeNames:
    """The type names a field may refer to."""

    enums: frozenset[str]
    custom_types: frozenset[str]
    models: frozenset[str]


def enum_problems(name: str, values: tuple[str, ...], at: tuple[str | int, ...]) -> list[Problem]:
    """An enum's values: at least one, no whitespace (Amplify's message), GraphQL names, each once."""
    if not values:
        return [Problem(f"enum {name} has no value", where(*at), "List its values, e.g. [DRAFT, PUBLISHED].")]
    if any(re.search(r"\s", v) for v in values):
        return [Problem(f"Values of the enum type {name} should not contain any whitespace.", where(*at),
                        "Write each value as one word, e.g. IN_REVIEW.")]
    problems = [Problem(f"enum value {v!r} is not a valid GraphQL name", where(*at, i),
                        "Start with a letter or _; use only letters, digits and underscores.")
                for i, v in enumerate(values) if not NAME.fullmatch(v) or v in ("true", "false", "null")]
    problems += [Problem(f"enum value {v!r} is listed twice", where(*at, i), "List each value once.")
                 for i, v in enumerate(values) if v in values[:i]]
    return problems


def field_problems(owner: str, name: str, spec: FieldSpec, at: tuple[str | int, ...], scope: str,
                   types: TypeNames) -> list[Problem]:
    """Every problem of one field (see the module docstring)."""
    problems = _name_problems(name, spec, at, scope)
    kinds = spec.kinds
    if len(kinds) > 1:
        return problems + [Problem(f"field {name!r} sets {', '.join(kinds)}: a field is one of them", where(*at),
                                   "Keep one of: type, ref, enum, custom_type, has_many, has_one, belongs_to.")]
    kind = spec.kind
    for key in MODIFIERS:
        value = getattr(spec, key) if key != "default" else (spec.default if spec.has_default else None)
        if value not in (None, False) and key not in KEYS_OF_KIND[kind]:
            problems.append(Problem(f"`{key}` does not apply to a {kind} field", where(*at, key),
                                    f"Remove `{key}`."))
    if spec.authorization is not None and scope != "model":
        problems.append(Problem("field-level `authorization` applies to model fields only", where(*at, "authorization"),
                                "Put the rules on the custom operation, or on a model field."))
    if kind in RELATIONSHIPS:
        problems += _relationship_problems(owner, spec, at, scope, types)
    elif kind == "enum":
        problems += enum_problems(name, spec.enum or (), (*at, "enum"))
    elif kind == "custom_type" and scope == "argument":
        problems.append(Problem("an argument cannot declare an inline custom type", where(*at, "custom_type"),
                                "Declare it under `custom_types:` and use `{ref: <Type>}`."))
    elif kind in ("type", "ref"):
        problems += _typed_problems(owner, name, spec, at, scope, types)
    return problems


def _name_problems(name: str, spec: FieldSpec, at: tuple[str | int, ...], scope: str) -> list[Problem]:
    if not NAME.fullmatch(name) or name.startswith("__"):
        return [Problem(f"field name {name!r} is not a valid GraphQL field name", where(*at),
                        "Start with a letter; use only letters, digits and underscores.")]
    if scope == "model" and name in FILTER_OPERATORS:
        return [Problem(f"field name {name!r} is reserved for filters (and, or, not)", where(*at),
                        "Rename the field.")]
    shape = spec.shape()
    if scope == "model" and name in TIMESTAMPS and (spec.kind != "type" or shape.is_list
                                                    or shape.base not in ("datetime", "string")):
        return [Problem(f"field {name!r} is the record's timestamp (set by the API)", where(*at),
                        f"Declare it as `{name}: datetime`, or leave it out (it is added).")]
    if scope == "model" and name == "id" and (spec.kind != "type" or shape.is_list
                                              or shape.base not in ("id", "string")):
        return [Problem("field 'id' is the record's identifier", where(*at),
                        "Declare it as `id: id!`, or leave it out (it is added); use `identifier:` for other keys.")]
    return []


def _relationship_problems(owner: str, spec: FieldSpec, at: tuple[str | int, ...], scope: str,
                           types: TypeNames) -> list[Problem]:
    if scope != "model":
        return [Problem(f"a {spec.kind} field belongs to a model", where(*at),
                        "Relationships connect models; use `{ref: <Type>}` here.")]
    related = spec.related or ""
    if related not in types.models:
        return [Problem(f"Invalid ref. {owner} is referring to {related} which is not defined in the schema",
                        where(*at, spec.kind), f"Declare model {related}, or fix its spelling.")]
    if not spec.references:
        return [Problem(f"a {spec.kind} field needs `references`", where(*at),
                        "Name the child's field(s) holding the parent's key, e.g. `references: postId`.")]
    return []


def _typed_problems(owner: str, name: str, spec: FieldSpec, at: tuple[str | int, ...], scope: str,
                    types: TypeNames) -> list[Problem]:
    shape = spec.shape()
    key = spec.kind
    if not shape.valid:
        return [Problem(f"invalid type {getattr(spec, key)!r}", where(*at, key),
                        "Write a type as `string`, `string!`, `string[]`, `string![]!` (or use `array: true` on a "
                        "type without []).")]
    if key == "type":
        if shape.base not in SCALARS:
            close = difflib.get_close_matches(shape.base.lower(), list(SCALARS), n=1)
            hint = f"Did you mean `{close[0]}`? " if close else ""
            known = ", ".join(SCALARS)
            return [Problem(f"unknown field type {shape.base!r}", where(*at, key),
                            f"{hint}Use one of: {known} (add `!` for a required field; use ref: for enums and types).")]
        return _default_problems(name, spec, at)
    if shape.base in types.models:
        if scope == "returns":
            return []
        referrer = "custom type" if scope == "custom" else "model" if scope == "model" else "argument"
        return [Problem(f"Cannot use `.ref()` to refer a model from a `{referrer}`. Field `{name}` of `{owner}` "
                        f"refers to model `{shape.base}`", where(*at, key),
                        "Use a relationship (has_many, has_one, belongs_to) between models.")]
    if shape.base not in types.enums and shape.base not in types.custom_types:
        return [Problem(f"Invalid ref. {owner} is referring to {shape.base} which is not defined in the schema",
                        where(*at, key), "Declare it under `enums:` or `custom_types:`, or fix its spelling.")]
    return []


def _default_problems(name: str, spec: FieldSpec, at: tuple[str | int, ...]) -> list[Problem]:
    if not spec.has_default:
        return []
    shape = spec.shape()
    scalar = SCALARS[shape.base]
    if shape.is_list:
        return [Problem("The @default directive may only be added to scalar or enum field types.",
                        where(*at, "default"), "Remove `default` from the list field.")]
    if spec.default is None:
        return [Problem("The @default directive does not support null values.", where(*at, "default"),
                        "Give a value, or remove `default`.")]
    if not VALIDATORS[scalar](spec.default):
        shown = str(spec.default).lower() if isinstance(spec.default, bool) else spec.default
        return [Problem(f'Default value "{shown}" is not a valid {scalar}.', where(*at, "default"),
                        f"Give a {scalar} value for {name}.")]
    return []
