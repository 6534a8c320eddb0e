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

Contract: every builder returns the pydantic models of `ampliform.definition.storage` / `ampliform.definition.model`;
a bad argument raises `DefinitionError` with the same messages as the data form. `define_backend` runs no
meaning checks: `compile_definition` (or `ampliform.plan.check.check_definition`) does, as for files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ampliform.definition.functions import FunctionSpec
from ampliform.definition.load import parse_definition, parse_model, problems_from
from ampliform.definition.model import Definition
from ampliform.definition.storage import BucketSpec, Rule
from ampliform.errors import DefinitionError

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


def define_backend(
    storage: BucketSpec | Sequence[BucketSpec] | None = None, groups: Sequence[str] = (), data: Any = None,
    functions: Sequence[FunctionDefinition] = (),
) -> Definition:
    """A whole definition: auth groups (precedence = order), one bucket or several, data models, functions."""
    doc: dict[str, Any] = {"auth": {"groups": list(groups)}}
    if functions:
        doc["functions"] = {f.name: f.spec.model_dump(exclude_none=True) for f in functions}
    if isinstance(storage, BucketSpec):
        doc["storage"] = storage.model_dump(exclude_none=True)
    elif storage is not None:
        doc["storage"] = [b.model_dump(exclude_none=True) for b in storage]
    if data is not None:
        doc["data"] = data.model_dump(exclude_none=True) if hasattr(data, "model_dump") else data
    return parse_definition(doc)
