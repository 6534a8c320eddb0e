"""The Python DSL, mirroring Amplify's `defineStorage` builder; it produces the same models as the data form.

    from ampliform.definition.dsl import allow, define_storage, define_backend

    storage = define_storage(name="myBucket", access=lambda allow: {
        "post-pictures/{entity_id}/*": [
            allow.authenticated.to(["read"]),
            allow.entity("identity").to(["write", "delete"]),
        ],
    })
    backend = define_backend(groups=["admin"], storage=storage)

Functions mirror Amplify's ``defineFunction`` (its names in snake_case; ``entry`` is relative to the project):

    thumbnailer = define_function(name="thumbnailer", entry="functions/thumbnailer/handler.py",
                                  timeout_seconds=30, memory_mb=512, secrets=["SERVICE_TOKEN"])
    storage = define_storage(name="myBucket", access=lambda allow: {
        "thumbnails/*": [allow.resource(thumbnailer).to(["write"])],
        "post-pictures/*": [allow.resource(thumbnailer).to(["read"])],
    }, triggers={"on_upload": trigger(thumbnailer, prefix="post-pictures/", suffix=".jpg")})
    backend = define_backend(storage=storage, functions=[thumbnailer])

(``triggers`` also takes Amplify's ``onUpload`` / ``onDelete`` keys, and a function alone as a trigger.)

    auth = define_auth(login_with={"email": True, "externalProviders": {"google": {"scopes": ["email"]}}},
                       multifactor={"mode": "OPTIONAL", "totp": True},
                       access=lambda allow: [allow.resource("addToGroup").to(["addUserToGroup"])])
    backend = define_backend(auth=auth, storage=storage)

`define_auth` takes Amplify's `defineAuth` props as Python keywords, their nested keys in Amplify's camelCase
or in the data form's snake_case (``externalProviders`` = ``external_providers``; ``custom:`` attribute names
are kept as written); credentials, callback and logout URLs are stack settings, never arguments.

Contract: every builder returns the pydantic models of `ampliform.definition.storage` / `ampliform.definition.model`;
a bad argument raises `DefinitionError` with the same messages as the data form. `define_backend` runs no
meaning checks: `compile_definition` (or `ampliform.plan.check.check_definition`) does, as for files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ampliform.definition.auth import AuthSpec
from ampliform.definition.functions import FunctionSpec
from ampliform.definition.load import parse_definition, parse_model, problems_from
from ampliform.definition.model import Definition
from ampliform.definition.storage import BucketSpec, Rule
from ampliform.errors import DefinitionError, Problem

_RULE = TypeAdapter(Rule)


class Principal:
    """`allow.<who>`: call `.to(actions)` to get a rule."""

    def __init__(self, kind: str, **extra: Any):
        self._data = {"allow": kind, **extra}

    def to(self, actions: Iterable[str]) -> Rule:
        """The rule granting `actions` (read, get, list, write, delete) to this principal."""
        data = {**self._data, "to": list(actions) if not isinstance(actions, str) else actions}
        try:
            return _RULE.validate_python(data)
        except ValidationError as exc:
            raise DefinitionError(problems_from(exc, Rule, (f"allow.{self._data['allow']}",))) from None


class Allow:
    """The `allow` builder: `guest`, `authenticated`, `groups([...])`, `entity("identity")`, `resource(fn)`."""

    @property
    def guest(self) -> Principal:
        return Principal("guest")

    @property
    def authenticated(self) -> Principal:
        return Principal("authenticated")

    def groups(self, names: Sequence[str]) -> Principal:
        return Principal("groups", groups=list(names))

    def entity(self, entity: str) -> Principal:
        return Principal("entity", entity=entity)

    def resource(self, function: str | FunctionDefinition) -> Principal:
        return Principal("resource", resource=function.name if isinstance(function, FunctionDefinition) else function)


allow = Allow()

AccessArg = Mapping[str, Sequence[Rule]] | Callable[[Allow], Mapping[str, Sequence[Rule]]]


@dataclass(frozen=True)
class FunctionDefinition:
    """What `define_function` returns: a function's name and its `FunctionSpec`."""

    name: str
    spec: FunctionSpec


def define_function(name: str, entry: str, timeout_seconds: int | None = None, memory_mb: int | None = None,
                    environment: Mapping[str, str] | None = None, secrets: Sequence[str] = (),
                    runtime: str | None = None, architecture: str | None = None,
                    ephemeral_storage_size_mb: int | None = None, reserved_concurrency: int | None = None,
                    log_retention: int | None = None, schedule: str | None = None,
                    timezone: str | None = None) -> FunctionDefinition:
    """Amplify's ``defineFunction``: `entry` is the handler module (``path.py`` or ``path.py:main``) relative
    to the project; `schedule` a rate/cron expression (or Amplify's ``every 5m``), run in `timezone`."""
    data: dict[str, Any] = {"handler": entry, "secrets": list(secrets)}
    optional = {"timeout": timeout_seconds, "memory": memory_mb, "environment": dict(environment or {}) or None,
                "runtime": runtime, "architecture": architecture, "ephemeral_storage": ephemeral_storage_size_mb,
                "reserved_concurrency": reserved_concurrency, "log_retention": log_retention}
    data.update({k: v for k, v in optional.items() if v is not None})
    if schedule is not None:
        data["schedule"] = {"expression": schedule, **({"timezone": timezone} if timezone else {})}
    return FunctionDefinition(name, parse_model(FunctionSpec, data, root=("functions", name)))


def trigger(function: str | FunctionDefinition, prefix: str = "", suffix: str = "",
            allow_loop: bool = False) -> dict[str, Any]:
    """One storage trigger: `function`, for keys starting with `prefix` and ending with `suffix`."""
    name = function.name if isinstance(function, FunctionDefinition) else function
    return {"function": name, "prefix": prefix, "suffix": suffix, "allow_loop": allow_loop}


_TRIGGER_KEYS = {"onUpload": "on_upload", "onDelete": "on_delete"}


def _trigger_data(value: Any) -> Any:
    items = value if isinstance(value, (list, tuple)) else [value]
    return [item.name if isinstance(item, FunctionDefinition) else item for item in items]


def define_storage(name: str, access: AccessArg | None = None, is_default: bool = False,
                   triggers: Mapping[str, Any] | None = None) -> BucketSpec:
    """One bucket; `access` is a mapping or, as in Amplify, a function of `allow` returning one; `triggers`
    maps ``on_upload`` / ``on_delete`` (or ``onUpload`` / ``onDelete``) to functions or `trigger(...)`s."""
    rules = access(allow) if callable(access) else access
    data: dict[str, Any] = {"name": name, "is_default": is_default}
    if rules is not None:
        data["access"] = {path: [r.model_dump() for r in items] for path, items in rules.items()}
    if triggers is not None:
        data["triggers"] = {_TRIGGER_KEYS.get(k, k): _trigger_data(v) for k, v in triggers.items()}
    return parse_definition({"storage": data}).buckets[0]


def _snake(value: Any) -> Any:
    """Amplify's camelCase keys as the data form's snake_case (``custom:`` names kept as written)."""
    if isinstance(value, Mapping):
        return {(k if not isinstance(k, str) or k.startswith("custom:") else
                 re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), k)): _snake(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_snake(v) for v in value]
    return value


class AuthGrant:
    """`allow.resource(<function>)` of `define_auth(access=...)`: call `.to(actions)`."""

    def __init__(self, function: Any):
        self.function = getattr(function, "name", function)

    def to(self, actions: Iterable[str]) -> dict[str, Any]:
        """The rule granting Amplify's auth `actions` (addUserToGroup or add_user_to_group, ...)."""
        return {"function": self.function, "to": [_snake({a: 0}).popitem()[0] for a in actions]}


class AuthAllow:
    """The `allow` of `define_auth(access=lambda allow: [...])`."""

    def resource(self, function: Any) -> AuthGrant:
        return AuthGrant(function)


def define_auth(login_with: Mapping[str, Any] | None = None, multifactor: Mapping[str, Any] | None = None,
                user_attributes: Mapping[str, Any] | None = None, account_recovery: str | None = None,
                senders: Mapping[str, Any] | None = None, groups: Sequence[str] = (),
                triggers: Mapping[str, Any] | None = None,
                access: Sequence[Mapping[str, Any]] | Callable[[AuthAllow], Sequence[Any]] | None = None,
                self_sign_up: bool = True) -> AuthSpec:
    """Amplify's `defineAuth` (see the module docstring); a bad argument raises `DefinitionError`."""
    rules = access(AuthAllow()) if callable(access) else access
    data: dict[str, Any] = {"groups": list(groups), "self_sign_up": self_sign_up}
    for key, value in (("login_with", login_with), ("multifactor", multifactor),
                       ("user_attributes", user_attributes), ("account_recovery", account_recovery),
                       ("senders", senders), ("access", rules)):
        if value is not None:
            data[key] = _snake(value)
    if triggers is not None:
        data["triggers"] = {_snake({k: 0}).popitem()[0]: getattr(fn, "name", fn) for k, fn in triggers.items()}
    return parse_model(AuthSpec, data, root=("auth",))


def define_backend(
    storage: BucketSpec | Sequence[BucketSpec] | None = None, groups: Sequence[str] = (), data: Any = None,
    functions: Sequence[FunctionDefinition] = (), auth: AuthSpec | None = None,
) -> Definition:
    """A whole definition: auth (`define_auth`, or just its groups: precedence = order), one bucket or
    several, data models, functions."""
    if auth is not None and groups and tuple(groups) != auth.groups:
        raise DefinitionError(Problem("groups are given twice, differently", "auth.groups",
                                      "Give the groups to define_auth only."))
    doc: dict[str, Any] = {"auth": auth.model_dump(exclude_none=True) if auth is not None else {"groups": list(groups)}}
    if functions:
        doc["functions"] = {f.name: f.spec.model_dump(exclude_none=True) for f in functions}
    if isinstance(storage, BucketSpec):
        doc["storage"] = storage.model_dump(exclude_none=True)
    elif storage is not None:
        doc["storage"] = [b.model_dump(exclude_none=True) for b in storage]
    if data is not None:
        doc["data"] = data.model_dump(exclude_none=True) if hasattr(data, "model_dump") else data
    return parse_definition(doc)
