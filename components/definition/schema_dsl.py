"""The Python form of `data:`, mirroring Amplify's ``a.schema`` builder; it produces the same `DataSpec`.

Contract: builders are immutable (every call returns a new one) and only collect what the user wrote;
`Schema.to_data()` gives the data form (plain dicts, exactly what a YAML file holds) and `Schema.spec` parses
it with the same pydantic model, so both forms are checked by the same rules and messages. Amplify's names
work as they are, and in Python spelling where Amplify's would clash or read oddly (both are listed)::

    from ampliform.definition.schema_dsl import a

    schema = a.schema({
        "PostStatus": a.enum(["DRAFT", "PUBLISHED"]),
        "Post": a.model({
            "title": a.string().required(),
            "status": a.ref("PostStatus").required(),
            "tags": a.string().array(),
            "views": a.integer().default(0),
            "comments": a.hasMany("Comment", "postId"),
        }).secondaryIndexes(lambda index: [index("status").sortKeys(["title"]).queryField("listByStatus")])
          .authorization(lambda allow: [allow.owner(), allow.authenticated().to(["read"])]),
        "Comment": a.model({"postId": a.id(), "post": a.belongsTo("Post", "postId")})
          .authorization(lambda allow: [allow.owner()]),
        "echo": a.query().arguments({"content": a.string()}).returns(a.string())
          .handler(a.handler.function("echoHandler")).authorization(lambda allow: [allow.authenticated()]),
    }).authorization_modes(default="user_pool", api_key={"expires_in_days": 30})

Fields: ``a.string()``, ``a.integer()``, ``a.float()``, ``a.boolean()``, ``a.id()``, ``a.datetime()``,
``a.date()``, ``a.time()``, ``a.timestamp()``, ``a.email()``, ``a.json()``, ``a.url()``, ``a.phone()``,
``a.ipAddress()`` / ``a.ip_address()``, ``a.ref(name)``, inline ``a.enum([...])`` and
``a.customType({...})`` / ``a.custom_type``, ``a.hasMany`` / ``a.hasOne`` / ``a.belongsTo`` (``has_many``,
``has_one``, ``belongs_to``) with the references; modifiers ``.required()`` (before ``.array()``: the
values; after it: the list), ``.array()``, ``.default(v)``, ``.authorization(lambda allow: [...])``. Models:
``.identifier([...])``, ``.secondaryIndexes(lambda index: [...])`` (``secondary_indexes``; an index:
``.sortKeys`` / ``sort_keys``, ``.name``, ``.queryField`` / ``query_field``, ``.projection(type, [fields])``),
``.disableOperations([...])`` (``disable_operations``). Custom operations: ``a.query()``, ``a.mutation()``,
``a.subscription()`` with ``.arguments``, ``.returns``, ``.handler(a.handler.function(name)[.async_()] |
a.handler.custom({"entry": ..., "dataSource": ...}))``, ``.for_(a.ref(...)[.mutations([...])])`` (``for`` is
Python's). Rules (`Allow`): ``owner()``, ``ownerDefinedIn(f)`` / ``owner_defined_in``, ``ownersDefinedIn(f)`` /
``owners_defined_in`` (``.identityClaim(c)`` / ``identity_claim``), ``authenticated(provider)``, ``guest()``,
``publicApiKey()`` / ``public_api_key``, ``groups([...])``, ``group(g)`` (``.withClaimIn(c)`` /
``with_claim_in``), ``groupDefinedIn(f)`` / ``groupsDefinedIn(f)`` (snake case too), ``custom()``,
``resource(function)`` (schema level), each with ``.to([...])``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ampliform.definition.data import DataSpec

Data = dict[str, Any]
PROVIDERS = {"userPools": "user_pool", "identityPool": "identity_pool"}


@dataclass(frozen=True)
class Rule:
    """One rule; ``.to([...])`` limits it, ``.identityClaim`` / ``.withClaimIn`` pick claims."""

    data: Mapping[str, Any]

    def _with(self, **values: Any) -> Rule:
        return Rule({**self.data, **values})

    def to(self, operations: Sequence[str]) -> Rule:
        return self._with(to=list(operations))

    def identityClaim(self, claim: str) -> Rule:  # noqa: N802 - Amplify's name
        return self._with(identity_claim=claim)

    identity_claim = identityClaim

    def withClaimIn(self, claim: str) -> Rule:  # noqa: N802 - Amplify's name
        return self._with(group_claim=claim)

    with_claim_in = withClaimIn

    def to_data(self) -> Data:
        return dict(self.data)


class Allow:
    """The ``allow`` handed to ``.authorization(lambda allow: [...])``."""

    def owner(self) -> Rule:
        return Rule({"allow": "owner"})

    def ownerDefinedIn(self, field: str) -> Rule:  # noqa: N802 - Amplify's name
        return Rule({"allow": "owner_defined_in", "field": field})

    def ownersDefinedIn(self, field: str) -> Rule:  # noqa: N802 - Amplify's name
        return Rule({"allow": "owners_defined_in", "field": field})

    def authenticated(self, provider: str | None = None) -> Rule:
        return Rule({"allow": "authenticated", **({"provider": PROVIDERS.get(provider, provider)} if provider else {})})

    def guest(self) -> Rule:
        return Rule({"allow": "guest"})

    def publicApiKey(self) -> Rule:  # noqa: N802 - Amplify's name
        return Rule({"allow": "public_api_key"})

    def groups(self, groups: Sequence[str]) -> Rule:
        return Rule({"allow": "groups", "groups": list(groups)})

    def group(self, group: str) -> Rule:
        return Rule({"allow": "group", "group": group})

    def groupDefinedIn(self, field: str) -> Rule:  # noqa: N802 - Amplify's name
        return Rule({"allow": "group_defined_in", "field": field})

    def groupsDefinedIn(self, field: str) -> Rule:  # noqa: N802 - Amplify's name
        return Rule({"allow": "groups_defined_in", "field": field})

    def custom(self) -> Rule:
        return Rule({"allow": "custom"})

    def resource(self, function: str) -> Rule:
        return Rule({"allow": "resource", "resource": function})

    owner_defined_in = ownerDefinedIn
    owners_defined_in = ownersDefinedIn
    public_api_key = publicApiKey
    group_defined_in = groupDefinedIn
    groups_defined_in = groupsDefinedIn


def _rules(rules: Callable[[Allow], Sequence[Rule]]) -> tuple[Data, ...]:
    return tuple(r.to_data() for r in rules(Allow()))


@dataclass(frozen=True)
class Field:
    """A field: ``a.string()``, ``a.ref("X")``, ``a.enum([...])``, ``a.hasMany(...)`` ... and its modifiers."""

    data: Mapping[str, Any]
    base: str = ""
    values_required: bool = False
    is_list: bool = False
    list_required: bool = False

    def required(self) -> Field:
        if self.is_list:
            return replace(self, list_required=True)
        return replace(self, values_required=True)

    def array(self) -> Field:
        return replace(self, is_list=True)

    def default(self, value: str | int | float | bool) -> Field:
        return replace(self, data={**self.data, "default": value})

    def authorization(self, rules: Callable[[Allow], Sequence[Rule]]) -> Field:
        return replace(self, data={**self.data, "authorization": list(_rules(rules))})

    def mutations(self, operations: Sequence[str]) -> Field:
        """Subscription sources: the model's mutations to follow (``a.ref("Post").mutations([...])``)."""
        return replace(self, data={**self.data, "mutations": list(operations)})

    def to_data(self) -> Any:
        out = dict(self.data)
        if self.base:
            grammar = self.base + ("!" if self.values_required else "")
            if self.is_list:
                grammar += "[]" + ("!" if self.list_required else "")
            out["ref" if out.pop("_ref", False) else "type"] = grammar
        elif self.values_required or self.list_required:
            out["required"] = True
        return out


@dataclass(frozen=True)
class Index:
    """``index("status")`` inside ``.secondaryIndexes(lambda index: [...])``."""

    data: Mapping[str, Any]

    def sortKeys(self, fields: Sequence[str]) -> Index:  # noqa: N802 - Amplify's name
        return Index({**self.data, "sort": list(fields)})

    def name(self, name: str) -> Index:
        return Index({**self.data, "name": name})

    def queryField(self, name: str | None) -> Index:  # noqa: N802 - Amplify's name
        return Index({**self.data, "query_field": name})

    def projection(self, kind: str, non_key_attributes: Sequence[str] = ()) -> Index:
        out = {**self.data, "projection": kind.lower()}
        if non_key_attributes:
            out["non_key_attributes"] = list(non_key_attributes)
        return Index(out)

    sort_keys = sortKeys
    query_field = queryField


@dataclass(frozen=True)
class Model:
    """``a.model({...})`` and its modifiers."""

    fields: Mapping[str, Field]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def _with(self, **values: Any) -> Model:
        return Model(self.fields, {**self.extra, **values})

    def authorization(self, rules: Callable[[Allow], Sequence[Rule]]) -> Model:
        return self._with(authorization=list(_rules(rules)))

    def identifier(self, fields: Sequence[str]) -> Model:
        return self._with(identifier=list(fields))

    def secondaryIndexes(self, indexes: Callable[[Callable[[str], Index]], Sequence[Index]]) -> Model:  # noqa: N802
        return self._with(secondary_indexes=[dict(i.data) for i in indexes(lambda f: Index({"partition": f}))])

    def disableOperations(self, operations: Sequence[str]) -> Model:  # noqa: N802 - Amplify's name
        return self._with(disable_operations=list(operations))

    secondary_indexes = secondaryIndexes
    disable_operations = disableOperations

    def to_data(self) -> Data:
        return {"fields": {n: f.to_data() for n, f in self.fields.items()}, **self.extra}


@dataclass(frozen=True)
class Handler:
    """``a.handler.function(name)`` (``.async_()`` to invoke without waiting) or ``a.handler.custom({...})``."""

    data: Mapping[str, Any]

    def async_(self) -> Handler:
        return Handler({**self.data, "async": True})


class _Handlers:
    def function(self, name: str) -> Handler:
        return Handler({"function": name})

    def custom(self, options: Mapping[str, Any]) -> Handler:
        source = options.get("dataSource", options.get("data_source"))
        if isinstance(source, Field):
            source = source.base
        out: dict[str, Any] = {"entry": options["entry"]}
        if source is not None:
            out["data_source"] = source
        return Handler({"custom": out})


@dataclass(frozen=True)
class Operation:
    """``a.query()``, ``a.mutation()``, ``a.subscription()`` and their modifiers."""

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def _with(self, **values: Any) -> Operation:
        return Operation(self.kind, {**self.data, **values})

    def arguments(self, arguments: Mapping[str, Field]) -> Operation:
        return self._with(arguments={n: f.to_data() for n, f in arguments.items()})

    def returns(self, returns: Field) -> Operation:
        return self._with(returns=returns.to_data())

    def handler(self, handler: Handler) -> Operation:
        return self._with(handler=dict(handler.data))

    def for_(self, *sources: Field) -> Operation:
        return self._with(**{"for": [{"ref": s.base, **({"mutations": s.data["mutations"]}
                                                         if "mutations" in s.data else {})} for s in sources]})

    def authorization(self, rules: Callable[[Allow], Sequence[Rule]]) -> Operation:
        return self._with(authorization=list(_rules(rules)))

    def to_data(self) -> Data:
        return dict(self.data)


@dataclass(frozen=True)
class Schema:
    """``a.schema({...})``: models, enums, custom types and custom operations by name."""

    types: Mapping[str, Any]
    rules: tuple[Data, ...] = ()
    modes: Mapping[str, Any] = field(default_factory=dict)

    def authorization(self, rules: Callable[[Allow], Sequence[Rule]]) -> Schema:
        return replace(self, rules=_rules(rules))

    def authorization_modes(self, default: str | None = None, api_key: Mapping[str, Any] | None = None,
                            lambda_: Mapping[str, Any] | None = None) -> Schema:
        """Amplify's ``defineData({authorizationModes})``: ``default`` and the API key / Lambda modes."""
        modes = {k: v for k, v in (("default", default), ("api_key", api_key), ("lambda", lambda_)) if v is not None}
        return replace(self, modes=modes)

    def to_data(self) -> Data:
        """The data form (what ``data:`` holds in a YAML definition)."""
        out: Data = {}
        if self.modes:
            out["authorization_modes"] = {k: dict(v) if isinstance(v, Mapping) else v for k, v in self.modes.items()}
        kinds = {"enum": "enums", "custom_type": "custom_types", "model": "models", "Query": "queries",
                 "Mutation": "mutations", "Subscription": "subscriptions"}
        for name, item in self.types.items():
            if isinstance(item, Model):
                out.setdefault("models", {})[name] = item.to_data()
            elif isinstance(item, Operation):
                out.setdefault(kinds[item.kind], {})[name] = item.to_data()
            elif isinstance(item, Field) and "enum" in item.data:
                out.setdefault("enums", {})[name] = list(item.data["enum"])
            elif isinstance(item, Field) and "custom_type" in item.data:
                out.setdefault("custom_types", {})[name] = dict(item.data["custom_type"])
            else:
                raise TypeError(f"a.schema: {name!r} is not a model, enum, custom type or operation")
        out.setdefault("models", {})
        if self.rules:
            out["authorization"] = list(self.rules)
        return out

    @property
    def spec(self) -> DataSpec:
        """The parsed `DataSpec` (raises pydantic's ValidationError on a wrong shape; use
        `ampliform.definition.load.parse_definition` with ``{"data": schema.to_data()}`` for user-facing errors)."""
        return DataSpec.model_validate(self.to_data())


def _scalar(name: str) -> Callable[..., Field]:
    def make(*_: Any) -> Field:
        return Field({}, name)

    return make


class _A:
    """``a``: the schema builder."""

    handler = _Handlers()

    def schema(self, types: Mapping[str, Any]) -> Schema:
        return Schema(dict(types))

    def model(self, fields: Mapping[str, Field]) -> Model:
        return Model(dict(fields))

    def ref(self, name: str) -> Field:
        return Field({"_ref": True}, name)

    def enum(self, values: Sequence[str]) -> Field:
        return Field({"enum": list(values)})

    def customType(self, fields: Mapping[str, Field]) -> Field:  # noqa: N802 - Amplify's name
        return Field({"custom_type": {"fields": {n: f.to_data() for n, f in fields.items()}}})

    def hasMany(self, model: str, references: str | Sequence[str]) -> Field:  # noqa: N802 - Amplify's name
        return Field({"has_many": model, "references": references if isinstance(references, str) else list(references)})

    def hasOne(self, model: str, references: str | Sequence[str]) -> Field:  # noqa: N802 - Amplify's name
        return Field({"has_one": model, "references": references if isinstance(references, str) else list(references)})

    def belongsTo(self, model: str, references: str | Sequence[str]) -> Field:  # noqa: N802 - Amplify's name
        return Field({"belongs_to": model,
                      "references": references if isinstance(references, str) else list(references)})

    def query(self) -> Operation:
        return Operation("Query")

    def mutation(self) -> Operation:
        return Operation("Mutation")

    def subscription(self) -> Operation:
        return Operation("Subscription")

    custom_type = customType
    has_many = hasMany
    has_one = hasOne
    belongs_to = belongsTo
    string, integer, float = _scalar("string"), _scalar("int"), _scalar("float")
    boolean, id, datetime = _scalar("boolean"), _scalar("id"), _scalar("datetime")
    date, time, timestamp = _scalar("date"), _scalar("time"), _scalar("timestamp")
    email, json, url, phone = _scalar("email"), _scalar("json"), _scalar("url"), _scalar("phone")
    ipAddress = ip_address = _scalar("ipaddress")  # noqa: N815 - Amplify's name


a = _A()
"""The builder, as in Amplify: ``a.schema({"Post": a.model({...}).authorization(...)})``."""
