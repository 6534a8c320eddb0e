"""The data part of a definition (`data.models`): models, their fields and authorization rules.

Contract: these pydantic models (strict, frozen, unknown keys rejected) hold exactly what the user wrote, in
the user's order. They check shape only; what the names, types, operations and groups mean is checked by
`ampliform.data.validate` (so every problem of a definition is reported in one run, with Amplify-aware
hints), and `ampliform.data.access` turns a checked model into who-may-do-what.

The data form (YAML or JSON), close to Amplify's ``a.schema`` (the DSL in `ampliform.definition.schema_dsl` builds the
same thing)::

    data:
      models:
        Post:
          fields:
            title: string!                       # shorthand: type, `!` = required
            content: {type: string}              # long form: {type, required}
            picture: string
          authorization:
            - {allow: owner}                     # the record's owner: every operation
            - {allow: authenticated, to: [read]} # every signed-in user: read

Field types (`SCALARS`): string, int, float, boolean, id, datetime, date, time, timestamp, email, json, url,
phone, ipaddress. Every model also gets ``id``, ``createdAt``, ``updatedAt`` and, with an owner rule, its
owner field (``owner`` unless `owner_field` says otherwise).

Rules (``allow``), each optionally limited with ``to`` (operations: create, read, update, delete, and the
parts of read: get, list, listen = subscriptions; read = get + list + listen):

- ``owner`` (Amplify ``allow.owner()``): the signed-in user who created the record; ``owner_field`` names
  the field that holds it (Amplify ``allow.ownerDefinedIn(field)``). Default: every operation.
- ``authenticated`` (``allow.authenticated()``): every signed-in user, through the user pool
  (``provider: userPools``, the default) or through the identity pool's IAM roles
  (``provider: identityPool``). Default: every operation.
- ``guest`` (``allow.guest()``): signed-out users, through the identity pool's guest role. ``to`` is
  required: guests never get writes by omission (Amplify defaults to every operation).
- ``groups`` (``allow.groups([...])``): members of these user-pool groups (declared under ``auth.groups``).
  Default: every operation.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, StrictBool, model_validator

from ampliform.definition.base import StrictModel

SCALARS: dict[str, str] = {
    "string": "String",
    "int": "Int",
    "float": "Float",
    "boolean": "Boolean",
    "id": "ID",
    "datetime": "AWSDateTime",
    "date": "AWSDate",
    "time": "AWSTime",
    "timestamp": "AWSTimestamp",
    "email": "AWSEmail",
    "json": "AWSJSON",
    "url": "AWSURL",
    "phone": "AWSPhone",
    "ipaddress": "AWSIPAddress",
}
"""Field type as written → GraphQL scalar."""

RULE_KINDS = ("owner", "authenticated", "guest", "groups")
"""What a data rule's `allow` may name."""

OPERATIONS = ("create", "update", "delete", "get", "list", "listen")
"""The operations a rule can grant, each a set of GraphQL fields (`listen` = the three subscriptions)."""

OPERATION_WORDS: dict[str, tuple[str, ...]] = {
    "create": ("create",),
    "read": ("get", "list", "listen"),
    "update": ("update",),
    "delete": ("delete",),
    "get": ("get",),
    "list": ("list",),
    "listen": ("listen",),
}
"""What a user may write in `to`, and the operations each word means."""

DEFAULT_OPERATIONS = ("create", "update", "delete", "read")
"""A rule without `to` (Amplify's default order, as Amplify's model introspection lists it)."""

PROVIDERS = ("userPools", "identityPool")
"""How an `authenticated` rule's callers sign their requests: user-pool tokens, or identity-pool IAM roles."""


class FieldSpec(StrictModel):
    """One field: its type and whether it is required. ``"string!"`` is short for
    ``{type: string, required: true}``."""

    type: str = Field(description="One of SCALARS' keys, e.g. string, int, datetime.")
    required: StrictBool = Field(default=False, description="The field must be given on create.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            return {"type": text[:-1].strip(), "required": True} if text.endswith("!") else {"type": text}
        return value


class DataRule(StrictModel):
    """One authorization rule of a model; which keys a kind accepts is checked by `validate`."""

    allow: str = Field(description="owner, authenticated, guest or groups.")
    to: tuple[str, ...] | None = Field(
        default=None, description="Operations: create, read (= get + list + listen), update, delete, get, list, "
        "listen. Default: all (required for guest rules).")
    groups: tuple[str, ...] | None = Field(default=None, description="groups rules: the user-pool groups.")
    owner_field: str | None = Field(default=None, description="owner rules: the field holding the owner.")
    provider: str | None = Field(
        default=None, description="authenticated rules: userPools (default) or identityPool (IAM).")


class ModelSpec(StrictModel):
    """One model: its fields (besides the automatic ones) and who may do what."""

    fields: dict[str, FieldSpec] = Field(default_factory=dict, description="Field name → type.")
    authorization: tuple[DataRule, ...] = Field(default=(), description="The rules; nobody gets anything else.")
    renamed_from: tuple[str, ...] = Field(
        default=(), description="Names this model had before; kept as aliases, so a rename keeps its table.")


class DataSpec(StrictModel):
    """`data:` in a definition."""

    models: dict[str, ModelSpec] = Field(default_factory=dict, description="Model name → model definition.")
