"""The Python form of `data:`, mirroring Amplify's ``a.schema`` builder; it produces the same `DataSpec`.

Contract: builders are immutable (every call returns a new one) and only collect what the user wrote;
`Schema.to_data()` gives the data form (plain dicts, exactly what a YAML file would hold) and
`Schema.spec` parses it with the same pydantic model, so both forms are checked by the same rules and
reported with the same messages. Example, the tutorial's ``Post``::

    from ampliform.definition.schema_dsl import a

    schema = a.schema({
        "Post": a.model({
            "title": a.string().required(),
            "content": a.string(),
            "picture": a.string(),
        }).authorization(lambda allow: [allow.owner(), allow.authenticated().to(["read"])]),
    })
    Definition(auth=..., data=schema.spec)

Field builders: ``a.string()``, ``a.integer()``, ``a.float()``, ``a.boolean()``, ``a.id()``,
``a.datetime()``, ``a.date()``, ``a.time()``, ``a.timestamp()``, ``a.email()``, ``a.json()``, ``a.url()``,
``a.phone()``, ``a.ip_address()``, each with ``.required()``. Rules: ``allow.owner()``,
``allow.owner_defined_in(field)``, ``allow.authenticated(provider="userPools" | "identityPool")``,
``allow.guest()``, ``allow.groups([...])``, each with ``.to([...])``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ampliform.definition.data import DataSpec


@dataclass(frozen=True)
class FieldBuilder:
    """``a.string()`` and friends."""

    type: str
    is_required: bool = False

    def required(self) -> FieldBuilder:
        return replace(self, is_required=True)

    def to_data(self) -> Any:
        return {"type": self.type, "required": True} if self.is_required else self.type


@dataclass(frozen=True)
class RuleBuilder:
    """``allow.owner()`` and friends; ``.to([...])`` limits the operations."""

    data: Mapping[str, Any]

    def to(self, operations: Sequence[str]) -> RuleBuilder:
        return RuleBuilder({**self.data, "to": list(operations)})

    def to_data(self) -> dict[str, Any]:
        return dict(self.data)


class Allow:
    """The ``allow`` handed to ``.authorization(lambda allow: [...])``."""

    def owner(self) -> RuleBuilder:
        return RuleBuilder({"allow": "owner"})

    def owner_defined_in(self, owner_field: str) -> RuleBuilder:
        return RuleBuilder({"allow": "owner", "owner_field": owner_field})

    def authenticated(self, provider: str | None = None) -> RuleBuilder:
        return RuleBuilder({"allow": "authenticated", **({"provider": provider} if provider else {})})

    def guest(self) -> RuleBuilder:
        return RuleBuilder({"allow": "guest"})

    def groups(self, groups: Sequence[str]) -> RuleBuilder:
        return RuleBuilder({"allow": "groups", "groups": list(groups)})


@dataclass(frozen=True)
class ModelBuilder:
    """``a.model({...})``; ``.authorization(lambda allow: [...])`` sets its rules."""

    fields: Mapping[str, FieldBuilder]
    rules: tuple[RuleBuilder, ...] = field(default=())

    def authorization(self, rules: Callable[[Allow], Sequence[RuleBuilder]]) -> ModelBuilder:
        return replace(self, rules=tuple(rules(Allow())))

    def to_data(self) -> dict[str, Any]:
        return {"fields": {name: f.to_data() for name, f in self.fields.items()},
                "authorization": [r.to_data() for r in self.rules]}


@dataclass(frozen=True)
class Schema:
    """``a.schema({...})``: the models by name."""

    models: Mapping[str, ModelBuilder]

    def to_data(self) -> dict[str, Any]:
        """The data form (what ``data:`` holds in a YAML definition)."""
        return {"models": {name: m.to_data() for name, m in self.models.items()}}

    @property
    def spec(self) -> DataSpec:
        """The parsed `DataSpec` (raises pydantic's ValidationError on a wrong shape; use
        `ampliform.definition.load.parse_definition` with ``{"data": schema.to_data()}`` for user-facing errors)."""
        return DataSpec.model_validate(self.to_data())


class _A:
    """``a``: the schema builder."""

    def schema(self, models: Mapping[str, ModelBuilder]) -> Schema:
        return Schema(dict(models))

    def model(self, fields: Mapping[str, FieldBuilder]) -> ModelBuilder:
        return ModelBuilder(dict(fields))

    def string(self) -> FieldBuilder:
        return FieldBuilder("string")

    def integer(self) -> FieldBuilder:
        return FieldBuilder("int")

    def float(self) -> FieldBuilder:
        return FieldBuilder("float")

    def boolean(self) -> FieldBuilder:
        return FieldBuilder("boolean")

    def id(self) -> FieldBuilder:
        return FieldBuilder("id")

    def datetime(self) -> FieldBuilder:
        return FieldBuilder("datetime")

    def date(self) -> FieldBuilder:
        return FieldBuilder("date")

    def time(self) -> FieldBuilder:
        return FieldBuilder("time")

    def timestamp(self) -> FieldBuilder:
        return FieldBuilder("timestamp")

    def email(self) -> FieldBuilder:
        return FieldBuilder("email")

    def json(self) -> FieldBuilder:
        return FieldBuilder("json")

    def url(self) -> FieldBuilder:
        return FieldBuilder("url")

    def phone(self) -> FieldBuilder:
        return FieldBuilder("phone")

    def ip_address(self) -> FieldBuilder:
        return FieldBuilder("ipaddress")


a = _A()
"""The builder, as in Amplify: ``a.schema({"Post": a.model({...}).authorization(...)})``."""
