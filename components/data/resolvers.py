"""The APPSYNC_JS resolvers of a data section: which field gets which code, on which data source.

Contract: `data_resolvers(spec, roles, handlers)` returns every `ResolverSpec`, deterministic (per model, then
per custom operation):

- per model (`ampliform.data.resolver_config` gives each its ``CONFIG``: Amplify's roles per operation):
  ``Query.get<M>`` (GetItem), ``Query.list<Ms>`` (Scan, or a Query by a custom key's partition), one
  ``Query.<field>`` per secondary index with a query field (a Query of the index: never a Scan),
  ``Mutation.create<M>`` (unit), ``update<M>`` / ``delete<M>`` (pipeline: ``<Op><M>Authorize`` loads and
  decides, ``<Op><M>Write`` writes on condition), ``Subscription.on{Create,Update,Delete}<M>`` (NONE), each on
  the model's table unless said; ``<M>.<relationship>`` on the related model's table (with its rules);
  ``<M>.<field>`` (NONE) for fields some readers may not read (field-level rules) and owner fields shown as
  user names;
- per custom operation: a pipeline of ``<Type><op>Auth`` (NONE: the operation's rules) and the handler: the
  APPSYNC_JS file's code on its data source (a model's table or NONE), or an invoke of the function's Lambda
  data source (``lambda:<function>``).

Data sources are named by model (its table), None (the NONE data source) or ``lambda:<function>``. Each code
is a self-contained ES module: the ``@aws-appsync/utils`` import, ``CONFIG``, ``js/common.js`` and the step's
``js/<step>.js``. `IamRoles` (the identity-pool roles and the functions' roles by role name) are known only once
the roles exist; `NO_IAM_ROLES` gives fully static code for models whose rules never let IAM callers in,
and `ResolverSpec.embeds_roles` says which code holds the roles (a model an identity-pool rule or a
function granted the API lets IAM callers reach, every custom operation).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from ampliform.data.matrix import Matrix
from ampliform.data.model import Model, Operation, Schema, resolve
from ampliform.data.resolver_config import IamRoles, model_config, operation_config
from ampliform.data.schema import matrices_of
from ampliform.definition.data import DataSpec

JS_DIR = Path(__file__).with_name("js")
RUNTIME = {"name": "APPSYNC_JS", "runtime_version": "1.0.0"}
IMPORT = "import { util, extensions, runtime } from '@aws-appsync/utils';\n"
NO_IAM_ROLES = IamRoles()
ROOT_ACTIONS = {"Query": "query", "Mutation": "mutate", "Subscription": "listen"}


@dataclass(frozen=True)
class FunctionSpec:
    """One step of a pipeline resolver (an ``aws.appsync.Function``)."""

    name: str
    data_source: str | None
    """A model (its table), None (NONE) or ``lambda:<function>``."""
    code: str


@dataclass(frozen=True)
class ResolverSpec:
    """One field's resolver: unit (`data_source`, `code`) or pipeline (`functions`; `code` passes through)."""

    type_name: str
    field_name: str
    data_source: str | None
    code: str
    functions: tuple[FunctionSpec, ...] = field(default=())
    returns: str | None = None
    """The GraphQL object type the field returns (model, connection or custom type), None for a scalar."""
    embeds_roles: bool = False
    """Its code holds the IAM roles' names (`data_resolvers` says): known only once the roles exist."""

    @property
    def kind(self) -> str:
        return "PIPELINE" if self.functions else "UNIT"


@cache
def _source(step: str) -> str:
    return (JS_DIR / f"{step}.js").read_text(encoding="utf-8")


def _js_object(value: dict, indent: str = "") -> str:
    """`value` as a JS object literal (JSON), one key per line; roles one per line."""
    inner = indent + "  "
    lines = []
    for key, item in value.items():
        if key == "roles" and isinstance(item, list) and item:
            text = "[\n" + ",\n".join(f"{inner}  {json.dumps(r)}" for r in item) + f"\n{inner}]"
        else:
            text = json.dumps(item)
        lines.append(f"{inner}{json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(lines) + f"\n{indent}}}"


def code(step: str, config: dict) -> str:
    """The ES module of one resolver step with its ``CONFIG``."""
    return f"{IMPORT}\nconst CONFIG = {_js_object(config)};\n\n{_source('common')}\n{_source(step)}"


def pipeline_code() -> str:
    """The before/after code of a pipeline resolver."""
    return _source("pipeline")


def _uses_iam(model: str, schema: Schema, matrices: Mapping[str, Matrix]) -> bool:
    """Whether an IAM caller may reach the model: an identity-pool rule, or functions granted the API."""
    return any(r.provider == "identityPool" for r in matrices[model].roles) or bool(schema.resource_grants)


def _roles_for(model: str, schema: Schema, matrices: Mapping[str, Matrix], roles: IamRoles) -> IamRoles:
    """The IAM roles a model's resolvers need to know: `roles` when an IAM caller may reach the model, else
    none (the code then does not depend on the roles' names, which are known only once deployed)."""
    return roles if _uses_iam(model, schema, matrices) else NO_IAM_ROLES


def model_resolvers(model: Model, schema: Schema, matrices: Mapping[str, Matrix],
                    roles: IamRoles = NO_IAM_ROLES) -> list[ResolverSpec]:
    """Every resolver of one model (see the module docstring)."""
    matrix = matrices[model.name]
    config = model_config(model, matrix, roles)
    n = model.names
    out: list[ResolverSpec] = []
    if model.has("get"):
        out.append(ResolverSpec("Query", n.get, model.name, code("get", config), returns=model.name))
    if model.has("list"):
        out.append(ResolverSpec("Query", n.list, model.name, code("list", config), returns=n.connection))
    for index in model.indexes:
        if index.query_field:
            step = {**config, "step": {"index": {"name": index.name, "partition": index.partition,
                                                 "sort": index.sort[0] if index.sort else None}}}
            out.append(ResolverSpec("Query", index.query_field, model.name, code("query", step), returns=n.connection))
    if model.has("create"):
        out.append(ResolverSpec("Mutation", n.create, model.name, code("create", config), returns=model.name))
    for op in ("update", "delete"):
        if not model.has(op):
            continue
        title = op.capitalize()
        steps = (FunctionSpec(f"{title}{model.name}Authorize", model.name,
                              code("authorize", {**config, "step": {"op": op}})),
                 FunctionSpec(f"{title}{model.name}Write", model.name, code(op, config)))
        out.append(ResolverSpec("Mutation", getattr(n, op), None, pipeline_code(), steps, returns=model.name))
    for prefix in ("onCreate", "onUpdate", "onDelete"):
        if model.has(prefix):
            out.append(ResolverSpec("Subscription", n.subscription(prefix), None, code("subscribe", config),
                                    returns=model.name))
    out += _field_resolvers(model, schema, matrices, config, roles)
    return out


def _field_resolvers(model: Model, schema: Schema, matrices: Mapping[str, Matrix], config: dict,
                     roles: IamRoles) -> list[ResolverSpec]:
    matrix = matrices[model.name]
    out = []
    owner_names = {r.entity for r in matrix.roles
                   if r.strategy == "owner" and r.entity and r.claim and "::" in r.claim}
    names = [*model.field_names, *sorted(owner_names - set(model.field_names))]
    for name in names:
        declared = model.field(name)
        if declared is not None and declared.relation is not None:
            related = schema.models[declared.relation.model]
            out.append(_relation_resolver(model, name, related, schema, matrices, roles))
            continue
        protected = declared is not None and matrix.needs_field_resolver(name)
        if not protected and name not in owner_names:
            continue
        readers = [matrix.roles.index(r) for r in matrix.field_readers(name)] if protected else None
        step = {**config, "step": {"field": name, "readers": readers, "ownerName": name in owner_names}}
        out.append(ResolverSpec(model.name, name, None, code("field", step)))
    return out


def _relation_resolver(model: Model, name: str, related: Model, schema: Schema, matrices: Mapping[str, Matrix],
                       roles: IamRoles) -> ResolverSpec:
    declared = model.field(name)
    assert declared is not None and declared.relation is not None
    relation = declared.relation
    related_roles = _roles_for(related.name, schema, matrices, roles)
    config = model_config(related, matrices[related.name], related_roles)
    step = {"relation": {"kind": relation.kind, "references": list(relation.references),
                         "parentKeys": list(model.key),
                         "index": f"gsi-{model.name}.{name}" if relation.kind != "belongs_to" else None}}
    returns = related.names.connection if relation.kind == "has_many" else related.name
    return ResolverSpec(model.name, name, related.name, code("relation", {**config, "step": step}), returns=returns)


def operation_resolver(operation: Operation, roles: IamRoles, handler_code: str | None) -> ResolverSpec:
    """A custom operation's pipeline: its rules, then its handler (`handler_code`: an APPSYNC_JS file's text)."""
    title = f"{operation.type_name}{operation.name[:1].upper()}{operation.name[1:]}"
    auth = FunctionSpec(f"{title}Auth", None, code("op_auth", operation_config(operation, roles)))
    handler = operation.handler
    if handler.kind == "function":
        step = {"typeName": operation.type_name, "fieldName": operation.name, "async": handler.is_async}
        config = {"iam": roles.to_json(), "step": step}
        second = FunctionSpec(f"{title}Invoke", f"lambda:{handler.function}", code("invoke", config))
    else:
        second = FunctionSpec(f"{title}Handler", handler.data_source, handler_code or "")
    returns = operation.returns.name if operation.returns.kind in ("model", "custom") else None
    return ResolverSpec(operation.type_name, operation.name, None, pipeline_code(), (auth, second), returns=returns)


def data_resolvers(spec: DataSpec, roles: IamRoles = NO_IAM_ROLES,
                   handlers: Mapping[str, str] | None = None) -> list[ResolverSpec]:
    """Every resolver of a validated spec; `handlers` maps an APPSYNC_JS entry (as written) to its code."""
    schema = resolve(spec)
    matrices = matrices_of(schema)
    out: list[ResolverSpec] = []
    for model in schema.models.values():
        iam = _uses_iam(model.name, schema, matrices)
        resolvers = model_resolvers(model, schema, matrices, roles if iam else NO_IAM_ROLES)
        out += [replace(r, embeds_roles=True) for r in resolvers] if iam else resolvers
    for operation in schema.operations:
        entry = operation.handler.entry
        resolver = operation_resolver(operation, roles, (handlers or {}).get(entry or ""))
        out.append(replace(resolver, embeds_roles=True))
    return out


__all__ = ["NO_IAM_ROLES", "ROOT_ACTIONS", "RUNTIME", "FunctionSpec", "IamRoles", "ResolverSpec", "code",
           "data_resolvers", "model_resolvers", "operation_resolver", "pipeline_code"]
