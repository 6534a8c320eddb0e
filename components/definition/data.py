"""The data part of a definition (`data:`): models, enums, custom types, custom operations, auth modes.

Contract: these pydantic models (strict, frozen, unknown keys rejected) hold exactly what the user wrote, in
the user's order. They check shape only; what names, types, references, rules and operations mean is
checked by `ampliform.data.validate` (every problem of a definition in one run, located, with Amplify's
own message where Amplify has one), `ampliform.data.model` resolves a checked spec into the schema every
other planner reads. Fields are `ampliform.definition.data_fields`. The data form, close to Amplify's
``a.schema`` (`ampliform.definition.schema_dsl` builds the same thing)::

    data:
      authorization_modes: {default: user_pool, api_key: {expires_in_days: 30}}
      enums: {PostStatus: [DRAFT, PUBLISHED, ARCHIVED]}
      custom_types:
        Location: {fields: {lat: float!, long: float!, name: string}}
      models:
        Post:
          fields:
            title: string!
            status: {ref: PostStatus, required: true}
            tags: string[]
            comments: {has_many: Comment, references: postId}
          identifier: [id]                           # default; custom and composite keys: [sku, region]
          secondary_indexes: [{partition: status, sort: [createdAt], query_field: listByStatus}]
          disable_operations: [subscriptions]
          authorization: [{allow: owner}, {allow: authenticated, to: [read]}]
      queries:
        echo: {arguments: {content: string}, returns: {ref: EchoResponse}, handler: {function: echoHandler},
               authorization: [{allow: authenticated}]}

Rules (``allow``; Amplify's ``allow.*`` in snake case), each optionally limited with ``to`` (create, read,
update, delete, and read's parts get, list, listen; custom operations take no ``to``):

- ``owner`` (``allow.owner()``), ``owner_defined_in`` / ``owners_defined_in`` with ``field`` (one owner /
  a list of owners held in that field; ``identity_claim`` picks the token claim, default
  ``sub::username``); ``{allow: owner, owner_field: f}`` is ``owner_defined_in`` too;
- ``authenticated`` (every signed-in user; ``provider: identity_pool`` for the identity pool's IAM roles),
  ``guest`` (signed-out users through the identity pool; ``to`` required), ``public_api_key`` (API-key
  callers; needs ``authorization_modes.api_key``);
- ``groups`` with ``groups: [...]`` / ``group`` with ``group: g`` (static groups, ``group_claim``
  optional), ``groups_defined_in`` / ``group_defined_in`` with ``field`` (the groups held in a record);
- ``custom`` (a Lambda authorizer: ``authorization_modes.lambda``);
- ``resource`` with ``resource: <function>`` and ``to`` ⊆ query, mutate, listen: schema level only (the
  function may call the API).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, StrictBool, StrictInt, field_validator

from ampliform.definition.base import StrictModel
from ampliform.definition.data_fields import SCALARS, DataRule, FieldSpec

__all__ = ["SCALARS", "DataRule", "DataSpec", "FieldSpec", "ModelSpec"]

OPERATIONS = ("create", "update", "delete", "get", "list", "listen")
"""The operations a model rule can grant (`listen` = the model's subscriptions)."""

OPERATION_WORDS: dict[str, tuple[str, ...]] = {
    "create": ("create",),
    "read": ("get", "list", "listen"),
    "update": ("update",),
    "delete": ("delete",),
    "get": ("get",),
    "list": ("list",),
    "listen": ("listen",),
}
"""What a user may write in a model rule's `to`, and the operations each word means."""

DEFAULT_OPERATIONS = ("create", "update", "delete", "read")
"""A rule without `to` (Amplify's default order, as Amplify's model introspection lists it)."""

RESOURCE_ACTIONS = ("query", "mutate", "listen")
"""What a schema-level ``allow: resource`` rule's `to` may list."""


class IndexSpec(StrictModel):
    """A secondary index (always a GSI): its partition field, sort fields, name, query field, projection."""

    partition: str = Field(description="The partition key field.")
    sort: tuple[str, ...] = Field(default=(), description="Sort key fields (at most one).")
    name: str | None = Field(default=None, description="The index name; default Amplify's <models>By<Keys>.")
    query_field: str | None = Field(
        default=None, description="The Query field listing by this index; null for none; default "
        "list<Model>By<Keys>.")
    projection: str | None = Field(default=None, description="all (default), keys_only or include.")
    non_key_attributes: tuple[str, ...] = Field(default=(), description="include: the attributes projected.")

    @property
    def has_query_field(self) -> bool:
        """False when the user wrote ``query_field: null`` (a GSI without a Query field)."""
        return not ("query_field" in self.model_fields_set and self.query_field is None)


class ModelSpec(StrictModel):
    """One model: its fields (besides the automatic ones), key, indexes and who may do what."""

    fields: dict[str, FieldSpec] = Field(default_factory=dict, description="Field name → field.")
    identifier: tuple[str, ...] | None = Field(
        default=None, description="Primary key fields: partition key, then sort key; default [id].")
    secondary_indexes: tuple[IndexSpec, ...] = Field(default=(), description="Secondary indexes (GSIs).")
    disable_operations: tuple[str, ...] = Field(
        default=(), description="queries, mutations, subscriptions, get, list, create, update, delete, onCreate, "
        "onUpdate, onDelete.")
    authorization: tuple[DataRule, ...] = Field(default=(), description="The rules; nobody gets anything else.")
    renamed_from: tuple[str, ...] = Field(
        default=(), description="Names this model had before; kept as aliases, so a rename keeps its table.")


class CustomTypeSpec(StrictModel):
    """A custom type (``a.customType``): a non-model object type."""

    fields: dict[str, FieldSpec] = Field(description="Field name → field.")


class CustomHandler(StrictModel):
    """An APPSYNC_JS resolver file of the project (``a.handler.custom``)."""

    entry: str = Field(description="The file, relative to the project directory.")
    data_source: str | dict[str, str] | None = Field(
        default=None, description="A model (`Todo` or {ref: Todo}) whose table the code uses; default none.")


class HandlerSpec(StrictModel):
    """How a custom operation is resolved: a function (``a.handler.function``) or an APPSYNC_JS file."""

    function: str | None = Field(default=None, description="A function declared under `functions:`.")
    async_: StrictBool = Field(default=False, alias="async",
                               description="function handlers: invoke without waiting (returns {success}).")
    custom: CustomHandler | None = Field(default=None, description="An APPSYNC_JS resolver file.")


class SubscriptionSource(StrictModel):
    """What a custom subscription follows: a custom mutation, or a model's mutations."""

    ref: str = Field(description="A custom mutation, or a model.")
    mutations: tuple[str, ...] | None = Field(default=None, description="For a model: create, update, delete.")


class OperationSpec(StrictModel):
    """A custom query, mutation or subscription."""

    arguments: dict[str, FieldSpec] = Field(default_factory=dict, description="Argument name → type.")
    returns: FieldSpec | None = Field(default=None, description="The return type (required for queries, "
                                      "mutations).")
    handler: HandlerSpec | None = Field(default=None, description="The handler (required).")
    for_: tuple[SubscriptionSource, ...] | None = Field(default=None, alias="for",
                                                        description="Subscriptions: what they follow.")
    authorization: tuple[DataRule, ...] = Field(default=(), description="Who may call it.")

    @field_validator("for_", mode="before")
    @classmethod
    def _one_source(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value


class ApiKeyMode(StrictModel):
    """The API key mode: an ``aws.appsync.ApiKey`` (its key a Pulumi secret)."""

    expires_in_days: StrictInt = Field(default=7, description="Days until the key expires (1 to 365).")
    description: str | None = Field(default=None, description="The key's description.")


class LambdaMode(StrictModel):
    """The Lambda authorizer mode (``custom`` rules)."""

    function: str = Field(description="The authorizer, a function declared under `functions:`.")
    time_to_live_in_seconds: StrictInt = Field(default=300, description="How long AppSync caches a decision.")


class AuthorizationModes(StrictModel):
    """The API's auth modes; the user pool and the identity pool (IAM) are always there."""

    default: str | None = Field(default=None, description="user_pool (default), identity_pool, api_key, lambda.")
    api_key: ApiKeyMode | None = Field(default=None, description="Add the API key mode.")
    lambda_: LambdaMode | None = Field(default=None, alias="lambda", description="Add a Lambda authorizer.")


class DataSpec(StrictModel):
    """`data:` in a definition."""

    authorization_modes: AuthorizationModes = Field(default_factory=AuthorizationModes,
                                                    description="The API's auth modes.")
    enums: dict[str, tuple[str, ...]] = Field(default_factory=dict, description="Enum name → values.")
    custom_types: dict[str, CustomTypeSpec] = Field(default_factory=dict, description="Custom types.")
    models: dict[str, ModelSpec] = Field(default_factory=dict, description="Model name → model definition.")
    queries: dict[str, OperationSpec] = Field(default_factory=dict, description="Custom queries.")
    mutations: dict[str, OperationSpec] = Field(default_factory=dict, description="Custom mutations.")
    subscriptions: dict[str, OperationSpec] = Field(default_factory=dict, description="Custom subscriptions.")
    authorization: tuple[DataRule, ...] = Field(
        default=(), description="Schema-level rules: for models without rules, and `allow: resource`.")

    @property
    def function_names(self) -> tuple[str, ...]:
        """The functions the data section names (handlers, the Lambda authorizer, ``allow: resource``), sorted."""
        named = {op.handler.function for kind in (self.queries, self.mutations, self.subscriptions)
                 for op in kind.values() if op.handler is not None and op.handler.function}
        named |= {r.resource for r in self.authorization if r.allow == "resource" and r.resource}
        if self.authorization_modes.lambda_ is not None:
            named.add(self.authorization_modes.lambda_.function)
        return tuple(sorted(named))
