"""The APPSYNC_JS resolvers of every model: which field gets which code, on which data source.

Contract: `model_resolvers(name, model, roles)` returns the model's `ResolverSpec`s, deterministic:

- ``Query.get<M>`` and ``Query.list<Ms>`` (unit, the model's table): read what the rules allow; a list by a
  caller who may only read their own records is filtered to them (and to the caller's ``filter``);
- ``Mutation.create<M>`` (unit, table): sets ``id``, timestamps and the owner field from the caller;
- ``Mutation.update<M>`` / ``delete<M>`` (pipeline: ``<Op><M>Authorize`` loads and checks the record,
  ``<Op><M>Write`` writes it on condition that it exists, still has the owner the check saw, and meets the
  caller's ``condition``; an update may not set a required field to null);
- ``Subscription.on{Create,Update,Delete}<M>`` (unit, NONE): who may listen; owners get a subscription filter
  on their own records;
- ``<M>.<owner field>`` (unit, NONE) with an owner rule: shows the owner as its user name, as Amplify does.

Each code is a self-contained ES module: the ``@aws-appsync/utils`` import, a ``CONFIG`` constant (the
model's rules per operation, from `ampliform.data.access`, and the identity-pool roles the resolvers
recognise for IAM callers), the helpers of ``js/common.js`` and the handler of ``js/<step>.js``. Filters
and conditions go through AppSync's ``util.transform`` helpers. `IamRoles` are known only once the roles
exist, so models without guest or identity-pool rules get `NO_IAM_ROLES` and fully static code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ampliform.data.access import ModelAccess, model_access
from ampliform.data.names import ModelNames
from ampliform.definition.data import OPERATIONS, DataSpec, ModelSpec

JS_DIR = Path(__file__).with_name("js")
RUNTIME = {"name": "APPSYNC_JS", "runtime_version": "1.0.0"}
IMPORT = "import { util, extensions } from '@aws-appsync/utils';\n"


@dataclass(frozen=True)
class IamRoles:
    """The identity-pool roles IAM callers may come with: the guest role, and the signed-in roles
    (authenticated role and group roles), by role name, in the API's account."""

    account: str | None = None
    guest: str | None = None
    signed_in: tuple[str, ...] = ()


NO_IAM_ROLES = IamRoles()


@dataclass(frozen=True)
class FunctionSpec:
    """One step of a pipeline resolver (an ``aws.appsync.Function``)."""

    name: str
    data_source: str | None
    """The model whose table the step uses, or None for the NONE data source."""
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
    """The GraphQL object type the field returns (model or connection), None for a scalar."""

    @property
    def kind(self) -> str:
        return "PIPELINE" if self.functions else "UNIT"


@cache
def _source(step: str) -> str:
    return (JS_DIR / f"{step}.js").read_text(encoding="utf-8")


def config(access: ModelAccess, roles: IamRoles, op: str | None = None, required: tuple[str, ...] = ()) -> dict:
    """The ``CONFIG`` a model's resolver code runs with."""
    out: dict = {"model": access.name, "ownerField": access.owner_field, "required": list(required)}
    if op is not None:
        out["op"] = op
    out["rules"] = {
        name: {"userPools": g.user_pools, "groups": list(g.groups), "owner": g.owner, "guest": g.guest,
               "identityPool": g.identity_pool}
        for name, g in ((name, access.grants[name]) for name in OPERATIONS)
    }
    out["roles"] = {"account": roles.account, "guest": roles.guest, "signedIn": list(roles.signed_in)}
    return out


def code(step: str, access: ModelAccess, roles: IamRoles, op: str | None = None,
         required: tuple[str, ...] = ()) -> str:
    """The ES module of one resolver step (``get``, ``list``, ``create``, ``authorize``, ``update``,
    ``delete``, ``subscribe``, ``owner_field``); `required` names the fields an update may not remove."""
    constant = _js_object(config(access, roles, op, required))
    return f"{IMPORT}\nconst CONFIG = {constant};\n\n{_source('common')}\n{_source(step)}"


def _js_object(value: dict, indent: str = "") -> str:
    """`value` as a JS object literal (JSON), one key per line and every rule on one line."""
    inner = indent + "  "
    lines = []
    for key, item in value.items():
        text = _js_object(item, inner) if key == "rules" else json.dumps(item)
        lines.append(f"{inner}{json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(lines) + f"\n{indent}}}"


def pipeline_code() -> str:
    """The before/after code of a pipeline resolver."""
    return _source("pipeline")


def model_resolvers(name: str, model: ModelSpec, roles: IamRoles = NO_IAM_ROLES) -> list[ResolverSpec]:
    """Every resolver of one (validated) model."""
    access = model_access(name, model)
    if not access.uses_iam:
        roles = NO_IAM_ROLES
    n = ModelNames(name)
    required = tuple(field for field, spec in model.fields.items() if spec.required)
    out = [
        ResolverSpec("Query", n.get, name, code("get", access, roles), returns=name),
        ResolverSpec("Query", n.list, name, code("list", access, roles), returns=n.connection),
        ResolverSpec("Mutation", n.create, name, code("create", access, roles), returns=name),
    ]
    for op in ("update", "delete"):
        title = op.capitalize()
        steps = (FunctionSpec(f"{title}{name}Authorize", name, code("authorize", access, roles, op)),
                 FunctionSpec(f"{title}{name}Write", name, code(op, access, roles, required=required)))
        out.append(ResolverSpec("Mutation", getattr(n, op), None, pipeline_code(), steps, returns=name))
    for field_name in n.subscriptions:
        out.append(ResolverSpec("Subscription", field_name, None, code("subscribe", access, roles), returns=name))
    if access.owner_field is not None:
        out.append(ResolverSpec(name, access.owner_field, None, code("owner_field", access, roles)))
    return out


def data_resolvers(spec: DataSpec, roles: IamRoles = NO_IAM_ROLES) -> list[ResolverSpec]:
    """Every resolver of every model, in declaration order."""
    return [r for name, model in spec.models.items() for r in model_resolvers(name, model, roles)]
