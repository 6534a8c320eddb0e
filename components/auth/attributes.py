"""User-pool attributes: the sign-in attributes and the schema a definition asks of Cognito (pure).

Contract:
- `parsed_attributes(auth)` reads `auth.user_attributes` into `StandardAttribute` / `CustomAttribute` models,
  and `attribute_problems(auth)` reports every shape problem of it, located under ``auth.user_attributes``
  (unknown standard names with the Cognito spelling they mean, bad custom names, constraints of the wrong
  type or order).
- `sign_in_attributes(auth)` is the pool's ``username_attributes`` (``email``, ``phone_number``);
  `verified_attributes(auth)` the ones Cognito verifies (the same); `schema(auth)` the pool's ``schemas``
  input (pulumi-aws snake_case, in Amplify's order: the sign-in attributes, the standard attributes as
  written, then the custom ones without their ``custom:`` prefix), with Cognito's own constraints for
  standard attributes so that a deployed pool reads back the same; `required_attributes(auth)` the standard
  attributes a sign-up must give (amplify_outputs' ``standard_required_attributes``).
- `replacement_inputs(auth)` is what the user pool receives for the inputs Cognito cannot change after
  creation, as the provider names them (camelCase, as in a preview and a ``pulumi stack export``):
  ``usernameAttributes``, ``usernameConfiguration.caseSensitive`` and ``schemas`` — the inputs
  `ampliform.review.replacements` lists for ``aws:cognito/userPool:UserPool``, so that
  ``replacing(USER_POOL, replacement_inputs(old), replacement_inputs(new))`` says whether an edit of the
  definition replaces the pool (every user lost).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from ampliform.definition.auth import STANDARD_ATTRIBUTES, AuthSpec, CustomAttribute, StandardAttribute
from ampliform.definition.load import problems_from
from ampliform.errors import Problem, where

CUSTOM_NAME = re.compile(r"^[\w.:-]{1,20}$")
"""Cognito: a custom attribute's name (without ``custom:``) has 1 to 20 characters."""
MAX_CUSTOM = 50
"""Cognito: at most 50 custom attributes per user pool."""
DATA_TYPES = {"string": "String", "number": "Number", "boolean": "Boolean", "datetime": "DateTime"}
STANDARD_TYPES = {"updated_at": "Number"}
"""Standard attributes that are not strings (Cognito's schema)."""
STANDARD_LENGTHS = {"birthdate": ("10", "10")}
"""Standard string attributes whose Cognito length constraints are not 0–2048."""
COGNITO_NAMES = {cognito: name for name, cognito in STANDARD_ATTRIBUTES.items()}
Attribute = StandardAttribute | CustomAttribute


def parsed_attributes(auth: AuthSpec) -> dict[str, Attribute]:
    """The user attributes as models, by the name written (call after `attribute_problems` found none)."""
    out: dict[str, Attribute] = {}
    for name, value in auth.user_attributes.items():
        model: type[Attribute] = CustomAttribute if name.startswith("custom:") else StandardAttribute
        try:
            out[name] = TypeAdapter(model).validate_python(value if value is not None else {})
        except ValidationError:
            continue
    return out


def attribute_problems(auth: AuthSpec) -> list[Problem]:
    """Every problem of `auth.user_attributes`, in the order written."""
    problems: list[Problem] = []
    customs = 0
    for name, value in auth.user_attributes.items():
        at = ("auth", "user_attributes", name)
        model: type[BaseModel] = CustomAttribute if name.startswith("custom:") else StandardAttribute
        if name.startswith("custom:"):
            customs += 1
            if not CUSTOM_NAME.fullmatch(name.removeprefix("custom:")):
                problems.append(Problem(f"invalid custom attribute name {name!r}", where(*at),
                                        "Use custom:<name> with 1 to 20 letters, digits or _ . : - (Cognito's "
                                        "limit)."))
        elif name not in STANDARD_ATTRIBUTES:
            problems.append(_unknown_standard(name, where(*at)))
            continue
        try:
            parsed = TypeAdapter(model).validate_python(value if value is not None else {})
        except ValidationError as exc:
            problems += problems_from(exc, model, at)
            continue
        if isinstance(parsed, CustomAttribute):
            problems += _constraint_problems(parsed, at)
    if customs > MAX_CUSTOM:
        problems.append(Problem(f"{customs} custom attributes; Cognito allows {MAX_CUSTOM}",
                                "auth.user_attributes", "Keep at most 50 custom attributes."))
    return problems


def _unknown_standard(name: str, at: str) -> Problem:
    if name in COGNITO_NAMES:
        return Problem(f"unknown standard attribute `{name}`", at,
                       f"Write `{COGNITO_NAMES[name]}` (Amplify's name for Cognito's `{name}`).")
    close = difflib.get_close_matches(name, list(STANDARD_ATTRIBUTES), n=1)
    hint = f"Did you mean `{close[0]}`? " if close else ""
    return Problem(f"unknown standard attribute `{name}`", at,
                   f"{hint}Standard attributes: {', '.join(sorted(STANDARD_ATTRIBUTES))}; "
                   "custom ones are written custom:<name>.")


def _constraint_problems(attr: CustomAttribute, at: tuple[str, ...]) -> list[Problem]:
    problems = []
    lengths, bounds = (attr.min_len, attr.max_len), (attr.min, attr.max)
    if attr.type != "string" and any(v is not None for v in lengths):
        problems.append(Problem("min_len / max_len apply to string attributes only", where(*at),
                                "Remove them, or make the attribute `type: string`."))
    if attr.type != "number" and any(v is not None for v in bounds):
        problems.append(Problem("min / max apply to number attributes only", where(*at),
                                "Remove them, or make the attribute `type: number`."))
    for low, high, label in ((*lengths, "min_len"), (*bounds, "min")):
        if low is not None and high is not None and low > high:
            problems.append(Problem(f"{label} is greater than its maximum", where(*at), "Swap the two values."))
    return problems


def sign_in_attributes(auth: AuthSpec) -> list[str]:
    """The pool's username attributes: ``email`` and/or ``phone_number`` (Amplify's order)."""
    login = auth.login_with
    return [name for name, on in (("email", login.email_enabled), ("phone_number", login.phone_enabled)) if on]


def verified_attributes(auth: AuthSpec) -> list[str]:
    """The attributes Cognito verifies (and keeps unchanged until a new value is verified)."""
    return sign_in_attributes(auth)


def required_attributes(auth: AuthSpec) -> list[str]:
    """Cognito names of the standard attributes a sign-up must give, in schema order."""
    return [s["name"] for s in schema(auth) if s.get("required")]


def schema(auth: AuthSpec) -> list[dict[str, Any]]:
    """The user pool's ``schemas`` input (see the module docstring)."""
    attributes = parsed_attributes(auth)
    standard: dict[str, StandardAttribute] = {n: StandardAttribute(required=True) for n in sign_in_attributes(auth)}
    for name, attr in attributes.items():
        if isinstance(attr, StandardAttribute):
            standard[STANDARD_ATTRIBUTES[name]] = attr
    out = [_standard(name, attr) for name, attr in standard.items()]
    for name, attr in attributes.items():
        if isinstance(attr, CustomAttribute):
            out.append(_custom(name.removeprefix("custom:"), attr))
    return out


def _standard(name: str, attr: StandardAttribute) -> dict[str, Any]:
    kind = STANDARD_TYPES.get(name, "String")
    entry: dict[str, Any] = {"name": name, "attribute_data_type": kind, "mutable": attr.mutable,
                             "required": attr.required}
    if kind == "String":
        low, high = STANDARD_LENGTHS.get(name, ("0", "2048"))
        entry["string_attribute_constraints"] = {"min_length": low, "max_length": high}
    else:
        entry["number_attribute_constraints"] = {"min_value": "0"}
    return entry


def _custom(name: str, attr: CustomAttribute) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "attribute_data_type": DATA_TYPES[attr.type], "mutable": attr.mutable,
                             "required": False}
    if attr.type == "string":
        entry["string_attribute_constraints"] = {
            "min_length": str(attr.min_len if attr.min_len is not None else 0),
            "max_length": str(attr.max_len if attr.max_len is not None else 2048)}
    elif attr.type == "number":
        entry["number_attribute_constraints"] = {
            k: str(v) for k, v in (("min_value", attr.min), ("max_value", attr.max)) if v is not None}
    return entry


def replacement_inputs(auth: AuthSpec) -> dict[str, Any]:
    """The user pool's replace-forcing inputs, camelCase (see the module docstring)."""
    return {
        "usernameAttributes": sign_in_attributes(auth),
        "usernameConfiguration": {"caseSensitive": False},
        "schemas": [_camel(entry) for entry in schema(auth)],
    }


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): _camel(v) for k, v in value.items()}
    return value
