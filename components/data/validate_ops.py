"""Meaning checks of custom operations (``queries``, ``mutations``, ``subscriptions``).

Contract: `operation_problems(kind, name, spec, data, context)` returns the problems of one custom operation,
located under ``data.<kind>.<name>``, with Amplify's messages where Amplify has them: a handler and rules
together ("Custom operation … requires both an authorization rule and a handler reference"), a return type for
queries and mutations, ``for`` only on subscriptions and what it may reference (a custom mutation, or a model
with its mutations, all returning the same type), rules a custom operation takes (no identity-pool rules with an
APPSYNC_JS handler), the handler (a declared function, or an APPSYNC_JS file with an optional model data source),
argument and return types (`ampliform.data.validate_fields`).
"""

from __future__ import annotations

from ampliform.data.validate_fields import NAME, TypeNames, field_problems
from ampliform.data.validate_rules import RuleContext, function_problems, rule_problems
from ampliform.definition.data import DataSpec, OperationSpec
from ampliform.errors import Problem, where

TYPE_OF_KIND = {"queries": "Query", "mutations": "Mutation", "subscriptions": "Subscription"}
MODEL_MUTATIONS = ("create", "update", "delete")


def operation_problems(kind: str, name: str, spec: OperationSpec, data: DataSpec,
                       context: RuleContext) -> list[Problem]:
    """Every problem of one custom operation (see the module docstring)."""
    at = ("data", kind, name)
    type_name = TYPE_OF_KIND[kind]
    if not NAME.fullmatch(name) or name.startswith("__"):
        return [Problem(f"operation name {name!r} is not a valid GraphQL field name", where(*at),
                        "Start with a letter; use only letters, digits and underscores.")]
    types = TypeNames(frozenset(data.enums), frozenset(data.custom_types), frozenset(data.models))
    problems: list[Problem] = []
    for arg, arg_spec in spec.arguments.items():
        problems += field_problems(name, arg, arg_spec, (*at, "arguments", arg), "argument", types)
    if spec.returns is not None:
        problems += field_problems(name, "returns", spec.returns, (*at, "returns"), "returns", types)
    rules = spec.authorization or tuple(r for r in data.authorization if r.allow != "resource")
    if bool(rules) != (spec.handler is not None) or not rules:
        problems.append(Problem(f"Custom operation {name} requires both an authorization rule and a handler reference",
                                where(*at),
                                "Give it `handler:` and `authorization:` (e.g. `- {allow: authenticated}`)."))
    for i, rule in enumerate(spec.authorization):
        problems += rule_problems(rule, (*at, "authorization", i), "operation", context)
    if spec.handler is not None:
        problems += _handler_problems(name, spec, rules, data, context, at)
    is_async = spec.handler is not None and spec.handler.function is not None and spec.handler.async_
    if type_name != "Subscription" and spec.returns is None and not is_async:
        label = f"Custom {type_name}"
        problems.append(Problem(f"Invalid {label} definition. A {label} must include a return type. {name} has no "
                                "return type specified.", where(*at), "Add `returns:`, e.g. `returns: string`."))
    problems += _source_problems(type_name, name, spec, data, at)
    return problems


def _handler_problems(name: str, spec: OperationSpec, rules: tuple, data: DataSpec, context: RuleContext,
                      at: tuple[str, ...]) -> list[Problem]:
    handler = spec.handler
    assert handler is not None
    here = (*at, "handler")
    if (handler.function is None) == (handler.custom is None):
        return [Problem("a handler is either a `function` or a `custom` APPSYNC_JS file", where(*here),
                        "Write `handler: {function: <name>}` or `handler: {custom: {entry: <file.js>}}`.")]
    if handler.function is not None:
        return function_problems(handler.function, where(*here, "function"), context.functions)
    problems = []
    if handler.async_:
        problems.append(Problem("`async` applies to function handlers only", where(*here, "async"), "Remove `async`."))
    custom = handler.custom
    assert custom is not None
    source = custom.data_source.get("ref") if isinstance(custom.data_source, dict) else custom.data_source
    if source is not None and source != "NONE_DS" and source not in data.models:
        problems.append(Problem(f"Invalid ref. {name} is referring to {source} which is not defined in the schema",
                                where(*here, "custom", "data_source"), "Name a model (its table), or leave it out."))
    if not custom.entry.endswith((".js", ".mjs")):
        problems.append(Problem(f"APPSYNC_JS handler {custom.entry!r} is not a .js file",
                                where(*here, "custom", "entry"),
                                "Name a JavaScript resolver file (request/response functions) in the project."))
    if any(r.allow == "guest" or (r.allow == "authenticated" and r.provider in ("identity_pool", "identityPool"))
           for r in rules):
        problems.append(Problem("identityPool-based auth (allow.guest() and allow.authenticated('identityPool')) is "
                                "not supported with a.handler.custom", where(*at, "authorization"),
                                "Use a function handler, or user-pool / API-key rules."))
    return problems


def _source_problems(type_name: str, name: str, spec: OperationSpec, data: DataSpec,
                     at: tuple[str, ...]) -> list[Problem]:
    if type_name != "Subscription":
        if spec.for_ is not None:
            return [Problem("The .for() modifier function can only be used with a custom subscription. "
                            f"{name} is not a custom subscription.", where(*at, "for"), "Remove `for`.")]
        return []
    if not spec.for_:
        return [Problem(f"{name} is missing a mutation source. Custom subscriptions must reference a mutation "
                        "source via subscription().for(a.ref('ModelOrOperationName'))", where(*at),
                        "Add `for: {ref: <custom mutation>}` or `for: {ref: <Model>, mutations: [create]}`.")]
    problems: list[Problem] = []
    returns: set[str] = set()
    for i, source in enumerate(spec.for_):
        here = where(*at, "for", i)
        if source.ref in data.models:
            if not source.mutations:
                problems.append(Problem("Invalid subscription definition. .mutations() modifier must be used with a "
                                        f"Model ref subscription source. {name} is referencing {source.ref} without "
                                        "specifying a mutation", here,
                                        "Add `mutations: [create, update, delete]` (some of them)."))
            problems += [Problem(f"unknown mutation {m!r}", here, f"Use: {', '.join(MODEL_MUTATIONS)}.")
                         for m in source.mutations or () if m not in MODEL_MUTATIONS]
            returns.add(f"model:{source.ref}")
        elif source.ref in data.mutations:
            if source.mutations is not None:
                problems.append(Problem("Invalid subscription definition. .mutations() modifier can only be used "
                                        f"with a Model ref. {name} is referencing CustomOperation", here,
                                        "Remove `mutations`."))
            target = data.mutations[source.ref].returns
            returns.add(repr(target.model_dump() if target else None))
        elif source.ref in data.queries:
            problems.append(Problem(f"Invalid subscription definition. .for() can only reference a mutation. {name} is "
                                    f"referencing {source.ref} which is a Query", here, "Reference a mutation."))
        else:
            problems.append(Problem(f"Invalid ref. {name} is referring to {source.ref} which is not defined in the "
                                    "schema",
                                    here, "Reference a custom mutation or a model."))
    if len(returns) > 1:
        problems.append(Problem("Invalid subscription definition. .for() can only reference resources that have the "
                                f"same return type. {name} is referencing resources that have different return types.",
                                where(*at, "for"), "Follow mutations that return the same type."))
    return problems
