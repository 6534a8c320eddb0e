"""The resolved schema: a checked `DataSpec` as the one structure every other data planner reads.

Contract: `resolve(spec)` (for a spec `ampliform.data.validate` accepts) returns a `Schema`: enums and custom
types by name (inline ones named ``<Type><Field>`` as Amplify names them), models (declared fields with
their `TypeRef`, relationships, key, secondary indexes with Amplify's default names, operations left after
``disable_operations``, rules normalised to Amplify's strategies and providers — `ampliform.data.rules`),
custom operations (arguments, return type, handler, rules, the mutations a subscription follows), the auth
modes, and the schema-level ``allow: resource`` grants. Pure and deterministic (declaration order); cached
per spec, since every planner resolves the same one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ampliform.data.names import ModelNames, capitalize
from ampliform.data.rules import Rule, normalise_rules
from ampliform.definition.data import DataSpec, FieldSpec, IndexSpec, ModelSpec, OperationSpec
from ampliform.definition.data_fields import SCALARS

DEFAULT_KEY = ("id",)
TIMESTAMPS = ("createdAt", "updatedAt")
PROVIDER_OF_MODE = {"user_pool": "userPools", "identity_pool": "identityPool", "api_key": "apiKey",
                    "lambda": "function"}
"""The default auth mode as written → Amplify's provider name."""


@dataclass(frozen=True)
class TypeRef:
    """A GraphQL type: base name, what it is (scalar, enum, custom, model), list-ness and nullability."""

    name: str
    kind: str
    is_list: bool = False
    required: bool = False
    values_required: bool = False

    def sdl(self, input_suffix: bool = False) -> str:
        """The type as SDL (``[String!]!``); custom types as their input type when `input_suffix`."""
        base = f"{self.name}Input" if input_suffix and self.kind == "custom" else self.name
        if self.is_list:
            base = f"[{base}{'!' if self.values_required else ''}]"
        return f"{base}{'!' if self.required else ''}"

    @property
    def is_scalar_or_enum(self) -> bool:
        return self.kind in ("scalar", "enum")


@dataclass(frozen=True)
class Relation:
    """A relationship field: has_many, has_one or belongs_to the related model, through `references`."""

    kind: str
    model: str
    references: tuple[str, ...]


@dataclass(frozen=True)
class Field:
    """One declared field of a model or custom type."""

    name: str
    type: TypeRef
    relation: Relation | None = None
    default: object = None
    has_default: bool = False
    rules: tuple[Rule, ...] | None = None


@dataclass(frozen=True)
class Index:
    """A secondary index (a GSI): name, partition field, sort fields, Query field (None: no query), projection."""

    name: str
    partition: str
    sort: tuple[str, ...]
    query_field: str | None
    projection: str = "ALL"
    non_key_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Model:
    """A model: fields as declared, primary key, indexes, rules, and which operations exist."""

    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    indexes: tuple[Index, ...]
    rules: tuple[Rule, ...]
    disabled: frozenset[str] = frozenset()
    names: ModelNames = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", ModelNames(self.name))

    @property
    def custom_key(self) -> bool:
        return self.key != DEFAULT_KEY

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def has(self, operation: str) -> bool:
        """Whether the model has `operation` (get, list, create, update, delete, onCreate, onUpdate, onDelete)."""
        return operation not in self.disabled

    @property
    def subscriptions_on(self) -> bool:
        return any(self.has(s) for s in ("onCreate", "onUpdate", "onDelete"))

    def key_type(self, name: str) -> TypeRef:
        """The type of a key or reference field (``id``: ``ID``)."""
        declared = self.field(name)
        return declared.type if declared is not None else TypeRef("ID", "scalar", required=True)


@dataclass(frozen=True)
class CustomType:
    """A custom type (non-model object type)."""

    name: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Handler:
    """A custom operation's handler: a function (``async`` or not) or an APPSYNC_JS file and its data source."""

    kind: str
    function: str | None = None
    is_async: bool = False
    entry: str | None = None
    data_source: str | None = None


@dataclass(frozen=True)
class Operation:
    """A custom query, mutation or subscription."""

    type_name: str
    name: str
    arguments: tuple[tuple[str, TypeRef], ...]
    returns: TypeRef
    handler: Handler
    rules: tuple[Rule, ...]
    follows: tuple[str, ...] = ()
    """Subscriptions: the Mutation fields they follow."""


@dataclass(frozen=True)
class Modes:
    """The API's auth modes: the default provider, the API key and the Lambda authorizer when asked for."""

    default: str = "userPools"
    api_key_days: int | None = None
    api_key_description: str | None = None
    lambda_function: str | None = None
    lambda_ttl: int = 300

    @property
    def providers(self) -> tuple[str, ...]:
        """Every configured provider (user pool and identity pool are always there)."""
        out = ["userPools", "identityPool"]
        if self.api_key_days is not None:
            out.append("apiKey")
        if self.lambda_function is not None:
            out.append("function")
        return tuple(out)


@dataclass(frozen=True)
class Schema:
    """Everything the planners read (see the module docstring)."""

    enums: dict[str, tuple[str, ...]]
    custom_types: dict[str, CustomType]
    models: dict[str, Model]
    operations: tuple[Operation, ...]
    modes: Modes
    resource_grants: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Schema-level ``allow: resource``: (function, actions ⊆ query, mutate, listen)."""

    def type_kind(self, name: str) -> str:
        """scalar, enum, custom or model for a base type name."""
        if name in self.models:
            return "model"
        if name in self.enums:
            return "enum"
        if name in self.custom_types:
            return "custom"
        return "scalar"


_CACHE: dict[int, tuple[DataSpec, Schema]] = {}
_CACHE_SIZE = 64


def resolve(spec: DataSpec) -> Schema:
    """The resolved schema of a checked spec (see the module docstring)."""
    cached = _CACHE.get(id(spec))
    if cached is not None and cached[0] is spec:
        return cached[1]
    schema = _Builder(spec).build()
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(spec)] = (spec, schema)
    return schema


class _Builder:
    def __init__(self, spec: DataSpec):
        self.spec = spec
        self.enums: dict[str, tuple[str, ...]] = dict(spec.enums)
        self.custom_types: dict[str, CustomType] = {}
        self.known = set(spec.enums) | set(spec.custom_types) | set(spec.models)

    def build(self) -> Schema:
        for name, custom in self.spec.custom_types.items():
            self.custom_types[name] = CustomType(name, self._fields(name, custom.fields, None))
        schema_rules = [r for r in self.spec.authorization if r.allow != "resource"]
        models = {name: self._model(name, m, schema_rules) for name, m in self.spec.models.items()}
        operations = tuple(self._operation(kind, name, op)
                           for kind, ops in (("Query", self.spec.queries), ("Mutation", self.spec.mutations),
                                             ("Subscription", self.spec.subscriptions))
                           for name, op in ops.items())
        grants = tuple((r.resource or "", tuple(r.to or ("query", "mutate", "listen")))
                       for r in self.spec.authorization if r.allow == "resource")
        return Schema(self.enums, self.custom_types, models, operations, _modes(self.spec), grants)

    def type_of(self, owner: str, name: str, spec: FieldSpec) -> TypeRef:
        shape = spec.shape()
        if spec.kind == "enum":
            enum_name = capitalize(owner) + capitalize(name)
            self.enums[enum_name] = tuple(spec.enum or ())
            return TypeRef(enum_name, "enum", required=bool(spec.required))
        if spec.kind == "custom_type":
            type_name = capitalize(owner) + capitalize(name)
            fields = spec.custom_type.fields if spec.custom_type else {}
            self.custom_types[type_name] = CustomType(type_name, self._fields(type_name, fields, None))
            return TypeRef(type_name, "custom", required=bool(spec.required))
        if spec.kind in ("has_many", "has_one", "belongs_to"):
            model = spec.related or ""
            return TypeRef(model, "model", spec.kind == "has_many", bool(spec.required))
        if spec.kind == "ref":
            kind = ("model" if shape.base in self.spec.models else "enum" if shape.base in self.spec.enums
                    else "custom")
            return TypeRef(shape.base, kind, shape.is_list, shape.required, shape.values_required)
        return TypeRef(SCALARS.get(shape.base, shape.base), "scalar", shape.is_list, shape.required,
                       shape.values_required)

    def _fields(self, owner: str, fields: dict[str, FieldSpec], model: str | None) -> tuple[Field, ...]:
        out = []
        for name, spec in fields.items():
            relation = Relation(spec.kind, spec.related or "", tuple(spec.references or ())) \
                if spec.related else None
            rules = normalise_rules(spec.authorization) if spec.authorization is not None and model else None
            out.append(Field(name, self.type_of(owner, name, spec), relation, spec.default, spec.has_default,
                             rules))
        return tuple(out)

    def _model(self, name: str, spec: ModelSpec, schema_rules: list) -> Model:
        fields = self._fields(name, spec.fields, name)
        key = tuple(spec.identifier) if spec.identifier else DEFAULT_KEY
        indexes = tuple(_index(name, i) for i in spec.secondary_indexes)
        rules = normalise_rules(spec.authorization or tuple(schema_rules))
        return Model(name, fields, key, indexes, rules, _disabled(spec.disable_operations))

    def _operation(self, type_name: str, name: str, spec: OperationSpec) -> Operation:
        arguments = tuple((arg, self.type_of(name, arg, a)) for arg, a in spec.arguments.items())
        handler = _handler(spec)
        follows: tuple[str, ...] = ()
        if type_name == "Subscription":
            follows = tuple(self._follows(spec))
        if handler.kind == "function" and handler.is_async:
            returns = TypeRef("EventInvocationResponse", "custom")
            self.custom_types.setdefault("EventInvocationResponse", CustomType(
                "EventInvocationResponse", (Field("success", TypeRef("Boolean", "scalar", required=True)),)))
        elif spec.returns is not None:
            returns = self.type_of(name, "ReturnType", spec.returns)
        else:
            returns = self._source_return(spec)
        return Operation(type_name, name, arguments, returns, handler, normalise_rules(spec.authorization),
                         follows)

    def _follows(self, spec: OperationSpec) -> list[str]:
        out: list[str] = []
        for source in spec.for_ or ():
            if source.ref in self.spec.models:
                names = ModelNames(source.ref)
                out += [getattr(names, m) for m in (source.mutations or ("create", "update", "delete"))]
            else:
                out.append(source.ref)
        return out

    def _source_return(self, spec: OperationSpec) -> TypeRef:
        """A subscription without `returns` returns what its first source returns."""
        for source in spec.for_ or ():
            if source.ref in self.spec.models:
                return TypeRef(source.ref, "model")
            mutation = self.spec.mutations.get(source.ref)
            if mutation is not None and mutation.returns is not None:
                return self.type_of(source.ref, "ReturnType", mutation.returns)
        return TypeRef("String", "scalar")


def _index(model: str, spec: IndexSpec) -> Index:
    keys = [spec.partition, *spec.sort]
    name = spec.name or ModelNames(model).lower_plural + "By" + "And".join(capitalize(k) for k in keys)
    if not spec.has_query_field:
        query_field = None
    else:
        query_field = spec.query_field or f"list{capitalize(model)}By" + "And".join(capitalize(k) for k in keys)
    projection = (spec.projection or "ALL").upper()
    return Index(name, spec.partition, tuple(spec.sort), query_field, projection, tuple(spec.non_key_attributes))


_GROUPS = {"queries": ("get", "list"), "mutations": ("create", "update", "delete"),
           "subscriptions": ("onCreate", "onUpdate", "onDelete")}


def _disabled(words: tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for word in words:
        out.update(_GROUPS.get(word, (word,)))
    # a subscription follows its mutation: no mutation, no subscription
    for mutation, subscription in (("create", "onCreate"), ("update", "onUpdate"), ("delete", "onDelete")):
        if mutation in out:
            out.add(subscription)
    return frozenset(out)


def _handler(spec: OperationSpec) -> Handler:
    handler = spec.handler
    if handler is None:
        return Handler("none")
    if handler.function is not None:
        return Handler("function", function=handler.function, is_async=handler.async_)
    custom = handler.custom
    source = custom.data_source if custom else None
    if isinstance(source, dict):
        source = source.get("ref")
    if source == "NONE_DS":
        source = None
    return Handler("custom", entry=custom.entry if custom else None, data_source=source)


def _modes(spec: DataSpec) -> Modes:
    modes = spec.authorization_modes
    default = PROVIDER_OF_MODE.get(modes.default or "user_pool", "userPools")
    return Modes(default,
                 modes.api_key.expires_in_days if modes.api_key else None,
                 modes.api_key.description if modes.api_key else None,
                 modes.lambda_.function if modes.lambda_ else None,
                 modes.lambda_.time_to_live_in_seconds if modes.lambda_ else 300)
