"""The schema's auth directives (``@aws_iam``, ``@aws_cognito_user_pools``, ``@aws_api_key``, ``@aws_lambda``)
exactly as Amplify's transformers place them.

Contract: `apply_directives(document, schema, matrices)` adds every auth directive to a `Document` the model
and input types are already in, in Amplify's order:

1. custom types and the root types holding custom operations get ``@aws_iam`` (Amplify always wires the
   identity pool in, so IAM is an additional mode), custom operation fields too;
2. per model in declaration order: the model type gets the directives of all its roles' providers; each of
   its operations the directives of the roles allowed that operation (delete: on every field), which also
   extend the operation's return type; the non-model types its fields return (custom types, connection types)
   get the model's directives (`Amplify propagateAuthDirectivesToNestedTypes`);
3. custom operations with a function handler get the directives of their rules' providers.

A directive is ``@aws_<mode>``; the default mode's directive is written only beside another mode's (a field
with only default-mode access needs none). `service_directives(providers, add_default, default)` is Amplify's
``getServiceDirectives``; `native_directives(rules)` Amplify's ``mapToNativeAppSyncAuthDirectives`` (custom
operations with APPSYNC_JS handlers, and the custom types custom operations return). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ampliform.data.matrix import Matrix, Role
from ampliform.data.model import Model, Operation, Schema
from ampliform.data.rules import Rule
from ampliform.data.sdl import Document

DIRECTIVES = (("apiKey", "@aws_api_key"), ("iam", "@aws_iam"), ("identityPool", "@aws_iam"), ("oidc", "@aws_oidc"),
              ("userPools", "@aws_cognito_user_pools"), ("function", "@aws_lambda"))
"""Provider → directive, in Amplify's order (``AUTH_PROVIDER_DIRECTIVE_MAP``)."""
DIRECTIVE_OF = dict(DIRECTIVES)
NATIVE = {("public", "apiKey"): "@aws_api_key", ("public", "identityPool"): "@aws_iam",
          ("private", "userPools"): "@aws_cognito_user_pools", ("private", "identityPool"): "@aws_iam",
          ("groups", "userPools"): "@aws_cognito_user_pools", ("custom", "function"): "@aws_lambda"}


def same(provider: str, other: str) -> bool:
    """Amplify's ``isAuthProviderEqual``: ``iam`` and ``identityPool`` are one provider."""
    return provider == other or {provider, other} <= {"iam", "identityPool"}


def providers_of(providers: Iterable[str]) -> list[str]:
    """The providers of some roles (each once), plus the identity pool that is always wired in."""
    out: list[str] = []
    for provider in [*providers, "identityPool"]:
        if not any(same(provider, p) for p in out):
            out.append(provider)
    return out


def service_directives(providers: Sequence[str], add_default: bool, default: str) -> list[str]:
    """Amplify's ``getServiceDirectives`` (see the module docstring)."""
    if not providers:
        return []
    out: list[str] = []
    applied: set[str] = set()
    for provider, directive in DIRECTIVES:
        if directive in applied:
            continue
        applied.add(directive)
        others = any(not same(p, provider) for p in providers)
        if same(default, provider):
            if others and add_default:
                out.append(directive)
        elif any(same(p, provider) for p in providers):
            out.append(directive)
    default_directive = DIRECTIVE_OF[default]
    if any(same(p, default) for p in providers) and any(not same(p, default) for p in providers) \
            and default_directive not in out:
        out.append(default_directive)
    return out


def native_directives(rules: Sequence[Rule]) -> list[str]:
    """Amplify's ``mapToNativeAppSyncAuthDirectives``: one directive per mode, groups as ``cognito_groups``."""
    general: list[str] = []
    groups: dict[str, list[str]] = {}
    for rule in rules:
        directive = NATIVE[(rule.strategy, rule.provider)]
        if rule.groups:
            listed = groups.setdefault(directive, [])
            listed.extend(g for g in rule.groups if g not in listed)
        elif directive not in general:
            general.append(directive)
    for directive, names in groups.items():
        if directive not in general:
            general.append(directive + "(cognito_groups: [" + ", ".join(f'"{g}"' for g in names) + "])")
    return general


class _Placer:
    def __init__(self, document: Document, schema: Schema):
        self.document, self.schema = document, schema
        self.default = schema.modes.default
        self.add_default_when_empty = schema.modes.default != "identityPool"
        self.seen: dict[str, set[str]] = {}

    def operation(self, matrix: Matrix, operation: str, type_name: str, field_name: str, returns: str) -> None:
        roles = matrix.roles_for(operation, full=operation == "delete")
        include_default = any(same(r.provider, self.default) for r in roles) or (
            not roles and self.add_default_when_empty)
        directives = service_directives(providers_of(r.provider for r in roles), include_default, self.default)
        if directives:
            self.document.extend_field(type_name, field_name, directives)
            self.document.extend(returns, directives)

    def propagate(self, type_name: str, providers: list[str]) -> None:
        typedef = self.document.get(type_name)
        for field in typedef.fields if typedef else ():
            base = field.type.strip("[]!").rstrip("!").strip("[]!")
            target = self.document.get(base)
            if target is None or target.kind != "type" or base in self.schema.models:
                continue
            seen = base in self.seen
            directives = service_directives(providers, seen, self.default)
            if seen:
                directives = [d for d in directives if d not in self.seen[base]]
            self.seen.setdefault(base, set()).update(directives)
            if directives or not seen:
                self.document.extend(base, directives)
                self.propagate(base, providers)


def _model(placer: _Placer, model: Model, matrix: Matrix) -> None:
    providers = providers_of(r.provider for r in matrix.roles)
    placer.document.extend(model.name, service_directives(providers, False, placer.default))
    n = model.names
    if model.has("get"):
        placer.operation(matrix, "get", "Query", n.get, model.name)
    if model.has("list"):
        placer.operation(matrix, "list", "Query", n.list, n.connection)
    for op in ("create", "update", "delete"):
        if model.has(op):
            placer.operation(matrix, op, "Mutation", getattr(n, op), model.name)
    for index in model.indexes:
        if index.query_field:
            placer.operation(matrix, "list", "Query", index.query_field, n.connection)
            placer.operation(matrix, "get", "Query", index.query_field, n.connection)
    for prefix in ("onCreate", "onUpdate", "onDelete"):
        if model.has(prefix):
            placer.operation(matrix, "listen", "Subscription", n.subscription(prefix), model.name)
    placer.propagate(model.name, providers)


def _custom_operation(placer: _Placer, operation: Operation) -> None:
    if operation.handler.kind != "function":
        return
    providers = providers_of(_rule_provider(r) for r in operation.rules)
    placer.document.extend_field(operation.type_name, operation.name,
                                 service_directives(providers, False, placer.default))


def _rule_provider(rule: Rule) -> str:
    return rule.provider


def apply_directives(document: Document, schema: Schema, matrices: dict[str, Matrix]) -> None:
    """Add every auth directive (see the module docstring)."""
    for name in schema.custom_types:
        document.extend(name, ["@aws_iam"])
    for operation in schema.operations:
        document.extend(operation.type_name, ["@aws_iam"])
        document.extend_field(operation.type_name, operation.name, ["@aws_iam"])
    placer = _Placer(document, schema)
    for name, model in schema.models.items():
        _model(placer, model, matrices[name])
    for operation in schema.operations:
        _custom_operation(placer, operation)


__all__ = ["Role", "apply_directives", "native_directives", "providers_of", "service_directives"]
