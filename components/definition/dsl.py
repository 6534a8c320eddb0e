"""The Python DSL, mirroring Amplify's `defineStorage` builder; it produces the same models as the data form.

    from ampliform.definition.dsl import allow, define_storage, define_backend

    storage = define_storage(name="myBucket", access=lambda allow: {
        "post-pictures/{entity_id}/*": [
            allow.authenticated.to(["read"]),
            allow.entity("identity").to(["write", "delete"]),
        ],
    })
    backend = define_backend(groups=["admin"], storage=storage)

Contract: every builder returns the pydantic models of `ampliform.definition.storage` / `ampliform.definition.model`;
a bad argument raises `DefinitionError` with the same messages as the data form. `define_backend` runs no
meaning checks: `compile_definition` (or `ampliform.plan.check.check_definition`) does, as for files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ampliform.definition.load import parse_definition, problems_from
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

    def resource(self, function: str) -> Principal:
        return Principal("resource", resource=function)


allow = Allow()

AccessArg = Mapping[str, Sequence[Rule]] | Callable[[Allow], Mapping[str, Sequence[Rule]]]


def define_storage(name: str, access: AccessArg | None = None, is_default: bool = False) -> BucketSpec:
    """One bucket; `access` is a mapping or, as in Amplify, a function of `allow` returning one."""
    rules = access(allow) if callable(access) else access
    data: dict[str, Any] = {"name": name, "is_default": is_default}
    if rules is not None:
        data["access"] = {path: [r.model_dump() for r in items] for path, items in rules.items()}
    return parse_definition({"storage": data}).buckets[0]


def define_backend(
    storage: BucketSpec | Sequence[BucketSpec] | None = None, groups: Sequence[str] = (), data: Any = None
) -> Definition:
    """A whole definition: auth groups (precedence = order), one bucket or several, and data models."""
    doc: dict[str, Any] = {"auth": {"groups": list(groups)}}
    if isinstance(storage, BucketSpec):
        doc["storage"] = storage.model_dump(exclude_none=True)
    elif storage is not None:
        doc["storage"] = [b.model_dump(exclude_none=True) for b in storage]
    if data is not None:
        doc["data"] = data.model_dump(exclude_none=True) if hasattr(data, "model_dump") else data
    return parse_definition(doc)
