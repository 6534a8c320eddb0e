"""Meaning checks of authorization rules: model, field, custom-operation and schema level.

Contract: `rule_problems(rule, at, scope, context)` returns the problems of one rule, located at `at`
(`scope`: ``model``, ``field``, ``operation`` or ``schema``). Checked: the kind (``allow``), the keys each
kind takes, ``to`` (known operations, ``read`` not mixed with its parts — Amplify's message —, no read parts
at field level, none on custom operations, required for guest rules), providers (Amplify's "Invalid
provider (…) given!"), groups (not empty — Amplify's message —, declared under ``auth.groups``), claims,
the auth mode a rule needs (Amplify's messages for API key and Lambda rules), and the function of a
``resource`` rule. Messages name Amplify's spelling where users coming from Amplify would write it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ampliform.data.rules import GROUP_KINDS, OWNER_KINDS, PROVIDERS, RULE_KINDS
from ampliform.definition.data import OPERATION_WORDS, RESOURCE_ACTIONS, DataRule
from ampliform.errors import Problem, where

KIND_HINTS = {
    "public": "Amplify's `public` is `guest` here (signed-out users), or `public_api_key` for API-key callers.",
    "private": "Amplify's `private` is `authenticated` here (every signed-in user).",
    "owners": "Use `owners_defined_in` with `field:` (the field holding the owners).",
    "ownerDefinedIn": "Use `owner_defined_in` (snake case) with `field:`.",
    "ownersDefinedIn": "Use `owners_defined_in` (snake case) with `field:`.",
    "publicApiKey": "Use `public_api_key` (snake case).",
    "groupDefinedIn": "Use `group_defined_in` (snake case) with `field:`.",
    "groupsDefinedIn": "Use `groups_defined_in` (snake case) with `field:`.",
}
OPERATION_HINTS = {
    "write": "Data operations are create, update and delete (storage's `write` is not one).",
    "sync": "DataStore sync is not supported.",
    "search": "Search (OpenSearch) is not supported.",
}
KEYS_OF_KIND: dict[str, tuple[str, ...]] = {
    "owner": ("owner_field", "identity_claim"),
    "owner_defined_in": ("field", "identity_claim"),
    "owners_defined_in": ("field", "identity_claim"),
    "authenticated": ("provider",),
    "guest": (),
    "public_api_key": (),
    "groups": ("groups", "group_claim"),
    "group": ("group", "group_claim"),
    "groups_defined_in": ("field", "group_claim"),
    "group_defined_in": ("field", "group_claim"),
    "custom": (),
    "resource": ("resource",),
}
OPTIONAL_KEYS = ("groups", "group", "field", "owner_field", "identity_claim", "group_claim", "provider", "resource")
OPERATION_KINDS = ("authenticated", "guest", "public_api_key", "group", "groups", "custom")
"""What a custom operation's rules may be (Amplify's ``allowForCustomOperations``)."""


@dataclass(frozen=True)
class RuleContext:
    """What rules are checked against: the declared groups and functions, the configured auth modes."""

    groups: tuple[str, ...] = ()
    functions: tuple[str, ...] | None = None
    has_api_key: bool = False
    has_lambda: bool = False


def rule_problems(rule: DataRule, at: tuple[str | int, ...], scope: str, context: RuleContext) -> list[Problem]:
    """Every problem of one rule (see the module docstring)."""
    kind = rule.allow
    if kind not in RULE_KINDS:
        hint = KIND_HINTS.get(kind, "")
        return [Problem(f"unknown rule kind {kind!r} in `allow`", where(*at, "allow"),
                        (hint + " " if hint else "") + f"Use one of: {', '.join(RULE_KINDS)}.")]
    problems = _scope_problems(rule, at, scope)
    if problems:
        return problems
    problems += _key_problems(rule, at)
    problems += _operation_problems(rule, at, scope)
    problems += _kind_problems(rule, at, context)
    return problems


def _scope_problems(rule: DataRule, at: tuple[str | int, ...], scope: str) -> list[Problem]:
    if rule.allow == "resource" and scope != "schema":
        return [Problem("`allow: resource` rules belong to the schema's `authorization`", where(*at, "allow"),
                        "Move it to `data.authorization` (it lets a function call the whole API).")]
    if scope == "operation" and rule.allow not in OPERATION_KINDS:
        return [Problem(f"{rule.allow} rules do not apply to custom operations", where(*at, "allow"),
                        f"Use one of: {', '.join(OPERATION_KINDS)}.")]
    return []


def _key_problems(rule: DataRule, at: tuple[str | int, ...]) -> list[Problem]:
    problems = []
    accepted = KEYS_OF_KIND[rule.allow]
    for key in OPTIONAL_KEYS:
        if getattr(rule, key) is None or key in accepted:
            continue
        if key == "provider" and rule.allow in (*OWNER_KINDS, *GROUP_KINDS):
            shown = PROVIDERS.get(rule.provider or "", rule.provider)
            problems.append(Problem(f"Invalid provider ({shown}) given!", where(*at, "provider"),
                                    f"Remove `provider`: {rule.allow} rules use the user pool."))
        elif key == "identity_claim":
            problems.append(Problem("@auth identityClaim can only be used for 'allow: owner'",
                                    where(*at, key), "Remove `identity_claim`."))
        elif key == "group_claim":
            problems.append(Problem("@auth groupClaim can only be used 'allow: groups'", where(*at, key),
                                    "Remove `group_claim`."))
        else:
            problems.append(Problem(f"`{key}` does not apply to {rule.allow} rules", where(*at, key),
                                    f"Remove `{key}`."))
    for key in ("field", "resource", "group"):
        if key in accepted and getattr(rule, key) is None:
            problems.append(Problem(f"a {rule.allow} rule needs `{key}`", where(*at),
                                    f"Add `{key}: <{'function' if key == 'resource' else key} name>`."))
    return problems


def _operation_problems(rule: DataRule, at: tuple[str | int, ...], scope: str) -> list[Problem]:
    if rule.allow == "resource":
        return [Problem(f"unknown action {word!r} for a resource rule", where(*at, "to", j),
                        f"Use one of: {', '.join(RESOURCE_ACTIONS)}.")
                for j, word in enumerate(rule.to or ()) if word not in RESOURCE_ACTIONS]
    if scope == "operation":
        if rule.to is not None:
            return [Problem("custom operation rules take no `to`", where(*at, "to"),
                            "Remove `to`: a rule on a custom operation allows calling it.")]
        return []
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
    parts = [w for w in rule.to if w in ("get", "list", "listen")]
    if scope == "field" and parts:
        problems.append(Problem(f"'{','.join(parts)}' operation is not allowed at the field level.",
                                where(*at, "to"), "Use read (or create, update, delete) on fields."))
    elif "read" in rule.to and parts:
        offending = ",".join(parts)
        problems.append(Problem(
            f"'{offending}' operations are specified in addition to 'read'. Either remove 'read' to limit "
            f"access only to '{offending}' or only keep 'read' to grant all get,list,search,listen,sync access.",
            where(*at, "to"), "Keep either `read` or its parts."))
    return problems


def _kind_problems(rule: DataRule, at: tuple[str | int, ...], context: RuleContext) -> list[Problem]:
    kind = rule.allow
    problems: list[Problem] = []
    if kind == "authenticated" and rule.provider is not None and rule.provider not in PROVIDERS:
        problems.append(Problem(f"Invalid provider ({rule.provider}) given!", where(*at, "provider"),
                                "Use user_pool (default) or identity_pool."))
    if kind == "public_api_key" and not context.has_api_key:
        problems.append(Problem("@auth directive with 'apiKey' provider found, but the project has no API Key "
                                "authentication provider configured.", where(*at),
                                "Add `authorization_modes: {api_key: {expires_in_days: 30}}` (and a `default`)."))
    if kind == "custom" and not context.has_lambda:
        problems.append(Problem("@auth directive with 'function' provider found, but the project has no Lambda "
                                "authentication provider configured.", where(*at),
                                "Add `authorization_modes: {lambda: {function: <authorizer>}}` (and a `default`)."))
    if kind in ("groups", "group"):
        problems += _group_problems(rule, at, context.groups)
    if kind == "resource" and rule.resource is not None:
        problems += function_problems(rule.resource, where(*at, "resource"), context.functions)
    return problems


def _group_problems(rule: DataRule, at: tuple[str | int, ...], declared: Sequence[str]) -> list[Problem]:
    if rule.allow == "groups" and not rule.groups:
        if rule.groups is not None:
            return [Problem("@auth rules using groups cannot have an empty list", where(*at, "groups"),
                            "List the groups, e.g. `groups: [admin]`.")]
        return [Problem("a groups rule needs at least one group", where(*at, "groups"),
                        "Add `groups: [<group>, ...]` naming groups declared under auth.groups.")]
    named = list(rule.groups or ()) if rule.allow == "groups" else [rule.group or ""]
    key: tuple[str | int, ...] = ("groups",) if rule.allow == "groups" else ("group",)
    return [Problem(f'No auth IAM role found for "{group}".',
                    where(*at, *key, j) if rule.allow == "groups" else where(*at, *key),
                    f"Declare the group under auth.groups (declared: {sorted(declared) or 'none'}), "
                    "or fix its spelling.")
            for j, group in enumerate(named) if group not in declared]


def function_problems(name: str, at: str, functions: tuple[str, ...] | None) -> list[Problem]:
    """A function a data definition names must be declared under ``functions:``."""
    if functions is None:
        return [Problem(f"function {name!r} is not declared: this definition has no `functions:`", at,
                        f"Declare `functions: {{{name}: {{handler: <module file>}}}}`.")]
    if name not in functions:
        return [Problem(f"function {name!r} is not declared under `functions:`", at,
                        f"Declare it (declared: {list(functions) or 'none'}), or fix its spelling.")]
    return []
