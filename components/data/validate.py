"""Meaning checks of `data:`: every problem in one run, each with where it is and how to fix it.

Contract: `data_problems(spec, groups, functions)` (run by `ampliform.plan.check`) returns a list of
`Problem`s, empty when the data section can be built; `groups` are the user-pool groups ``auth.groups``
declares, `functions` the names ``functions:`` declares (None: the definition has no functions at all).
Checked, with Amplify's own message wherever Amplify rejects the same schema
(``tests/reference/amplify/data/invalid.json``): something to build (a model or a custom operation); the auth
modes (``default`` given when API-key or Lambda modes are added — Amplify's message); names of models, enums
and custom types (GraphQL type names, not GraphQL's, AppSync's or the generated ``Model*`` types); enums;
custom types' fields; each model (`ampliform.data.validate_models`), custom operation
(`ampliform.data.validate_ops`) and schema-level rule (`ampliform.data.validate_rules`); then, on the resolved
schema, every type name and root field defined once, each model's roles once and its field-level rules.
Ampliform refuses what Amplify silently drops (an index on a missing field, an identifier naming a missing
field).
"""

from __future__ import annotations

import re
from pathlib import Path

from ampliform.data.model import resolve
from ampliform.data.names import OPERATION_TYPES
from ampliform.data.schema import SHARED_TYPES, root_fields, type_owners
from ampliform.data.validate_fields import TypeNames, enum_problems, field_problems
from ampliform.data.validate_models import matrix_problems, model_problems
from ampliform.data.validate_ops import operation_problems
from ampliform.data.validate_rules import RuleContext, function_problems, rule_problems
from ampliform.definition.data import DataSpec
from ampliform.definition.data_fields import SCALARS
from ampliform.errors import Problem, where

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MODES = ("user_pool", "identity_pool", "api_key", "lambda")
BUILTIN_TYPES = (*OPERATION_TYPES, "String", "Int", "Float", "Boolean", "ID", *sorted(set(SCALARS.values())),
                 *SHARED_TYPES, "EventInvocationResponse")
"""Type names a model, enum or custom type must not take: GraphQL's and AppSync's scalars, the shared types."""


def data_problems(spec: DataSpec, groups: tuple[str, ...] = (), functions: tuple[str, ...] | None = None,
                  project_dir: str | Path | None = None) -> list[Problem]:
    """Every problem of a data section (see the module docstring); with `project_dir`, every APPSYNC_JS handler
    file must exist there."""
    has_operations = bool(spec.queries or spec.mutations or spec.subscriptions)
    if not spec.models and not has_operations:
        return [Problem("`data` declares no model or custom operation", "data.models",
                        "Declare at least one model, or remove the `data` section.")]
    modes = spec.authorization_modes
    context = RuleContext(tuple(groups), functions, modes.api_key is not None, modes.lambda_ is not None)
    problems = _mode_problems(spec, functions)
    problems += _name_problems(spec)
    types = TypeNames(frozenset(spec.enums), frozenset(spec.custom_types), frozenset(spec.models))
    for name, values in spec.enums.items():
        problems += enum_problems(name, values, ("data", "enums", name))
    for name, custom in spec.custom_types.items():
        if not custom.fields:
            problems.append(Problem(f"custom type {name} has no field", where("data", "custom_types", name),
                                    "Declare its fields."))
        for field, fspec in custom.fields.items():
            problems += field_problems(name, field, fspec, ("data", "custom_types", name, "fields", field), "custom",
                                       types)
    for name, model in spec.models.items():
        problems += model_problems(name, model, spec, context)
    for kind in ("queries", "mutations", "subscriptions"):
        for name, operation in getattr(spec, kind).items():
            problems += operation_problems(kind, name, operation, spec, context)
    for i, rule in enumerate(spec.authorization):
        problems += rule_problems(rule, ("data", "authorization", i), "schema", context)
    if project_dir is not None:
        problems += _handler_file_problems(spec, Path(project_dir))
    if problems:
        return _unique(problems)
    return _schema_problems(spec)


def functions_named(spec: DataSpec) -> tuple[str, ...]:
    """The functions a data section names (handlers, the Lambda authorizer, ``allow: resource``), sorted."""
    return spec.function_names


def _handler_file_problems(spec: DataSpec, root: Path) -> list[Problem]:
    problems = []
    for kind in ("queries", "mutations", "subscriptions"):
        for name, operation in getattr(spec, kind).items():
            custom = operation.handler.custom if operation.handler is not None else None
            if custom is not None and not (root / custom.entry).is_file():
                problems.append(Problem(f"APPSYNC_JS handler file not found: {custom.entry}",
                                        where("data", kind, name, "handler", "custom", "entry"),
                                        f"Create {custom.entry} (request/response functions), or fix the path "
                                        f"(relative to the project, {root})."))
    return problems


def _mode_problems(spec: DataSpec, functions: tuple[str, ...] | None) -> list[Problem]:
    modes = spec.authorization_modes
    at = ("data", "authorization_modes")
    problems = []
    if modes.default is not None and modes.default not in MODES:
        problems.append(Problem(f"unknown authorization mode {modes.default!r}", where(*at, "default"),
                                f"Use one of: {', '.join(MODES)}."))
    if (modes.api_key or modes.lambda_) and modes.default is None:
        problems.append(Problem("A defaultAuthorizationMode is required if multiple authorization modes are configured",
                                where(*at), "Add `default:` (user_pool, identity_pool, api_key or lambda)."))
    if modes.default == "api_key" and modes.api_key is None:
        problems.append(Problem("the default mode api_key needs `api_key:`", where(*at),
                                "Add `api_key: {expires_in_days: 30}`."))
    if modes.default == "lambda" and modes.lambda_ is None:
        problems.append(Problem("the default mode lambda needs `lambda:`", where(*at),
                                "Add `lambda: {function: <authorizer>}`."))
    if modes.api_key is not None and not 1 <= modes.api_key.expires_in_days <= 365:
        problems.append(Problem("an API key expires after 1 to 365 days", where(*at, "api_key", "expires_in_days"),
                                "Use a number of days from 1 to 365."))
    if modes.lambda_ is not None:
        problems += function_problems(modes.lambda_.function, where(*at, "lambda", "function"), functions)
        if not 0 <= modes.lambda_.time_to_live_in_seconds <= 3600:
            problems.append(Problem("a Lambda authorizer's result is cached for 0 to 3600 seconds",
                                    where(*at, "lambda", "time_to_live_in_seconds"), "Use 0 to 3600."))
    return problems


def _name_problems(spec: DataSpec) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for kind, names in (("enums", spec.enums), ("custom_types", spec.custom_types), ("models", spec.models)):
        for name in names:
            at = where("data", kind, name)
            if not NAME.fullmatch(name):
                problems.append(Problem(f"{kind[:-1].replace('_', ' ')} name {name!r} is not a valid GraphQL type name",
                                        at, "Start with a letter; use only letters, digits and underscores "
                                        "(e.g. Post)."))
            elif name in BUILTIN_TYPES:
                problems.append(Problem(f"type name {name!r} is taken by a GraphQL or AppSync type", at,
                                        "Choose another name."))
            elif name in seen:
                problems.append(Problem(f'There can be only one type named "{name}".', at,
                                        f"Rename it (it is also the name of {seen[name]})."))
            seen.setdefault(name, f"{kind[:-1].replace('_', ' ')} {name}")
    return problems


def _schema_problems(spec: DataSpec) -> list[Problem]:
    schema = resolve(spec)
    problems: list[Problem] = []
    owners: dict[str, str] = {name: "a GraphQL or AppSync type" for name in BUILTIN_TYPES
                              if name != "EventInvocationResponse"}
    for name, owner in type_owners(schema):
        known = owners.get(name)
        if known is not None and known != owner:
            problems.append(Problem(f'There can be only one type named "{name}".', f"data ({owner})",
                                    f"Rename the model, enum or custom type ({name} is also {known})."))
        owners.setdefault(name, owner)
    fields: dict[tuple[str, str], str] = {}
    for type_name, field, owner in root_fields(schema):
        if (type_name, field) in fields:
            problems.append(Problem(f"Object type extension '{type_name}' cannot redeclare field {field}",
                                    f"data ({owner})",
                                    f"Rename one of them ({field} is also {fields[type_name, field]})."))
        fields.setdefault((type_name, field), owner)
    for name, model in schema.models.items():
        problems += matrix_problems(model, ("data", "models", name))
    return _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once (both sides of a relationship report the same broken pair)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for problem in problems:
        if (problem.message, problem.location) not in seen and (problem.message, "") not in seen:
            seen.add((problem.message, problem.location))
            out.append(problem)
    return out
