"""Fields and rules of the data form: a model's, a custom type's, a custom operation's arguments and return.

Contract: `FieldSpec` holds one field as written; `shape()` reads its type grammar. A field is exactly one
of (checked by `ampliform.data.validate`, which reports the keys that do not belong):

- a scalar: ``"string"``, ``"string!"`` (required), ``"string[]"`` (a list), ``"string![]"`` (a list of
  required values), ``"string[]!"``, ``"string![]!"``; long form ``{type: "string", required: true, array:
  true, default: "x", authorization: [...]}`` (``array`` wraps the type in a list, ``required`` applies to
  the outermost type);
- ``{ref: Status}``: an enum or a custom type by name (a model too, in a custom operation's ``returns``);
  the same grammar (``Status![]``), ``required``, ``array``, ``authorization``;
- ``{enum: [LOW, HIGH]}``, ``{custom_type: {fields: {...}}}``: inline types, named ``<Type><Field>``
  (Amplify's naming: ``Ticket.priority`` → ``TicketPriority``);
- ``{has_many: Comment, references: postId}``, ``{has_one: Profile, references: userId}``,
  ``{belongs_to: Post, references: postId}``: relationships; ``references`` names the child's fields that
  hold the parent's key (one, or a list for a composite key); ``authorization`` optional.

Field types (`SCALARS`): string, int, float, boolean, id, datetime, date, time, timestamp, email, json,
url, phone, ipaddress.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import Field, StrictBool, field_validator, model_validator

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

RELATIONSHIPS = ("has_many", "has_one", "belongs_to")
KINDS = ("type", "ref", "enum", "custom_type", *RELATIONSHIPS)
"""The keys that say what a field is; a field has exactly one."""

_GRAMMAR = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!?)\s*(\[\s*\]\s*(!?))?\s*$")


class DataRule(StrictModel):
    """One authorization rule (model, field, custom operation or schema level); `ampliform.data.validate`
    checks which keys each kind accepts (see `ampliform.definition.data`)."""

    allow: str = Field(description="owner, owner_defined_in, owners_defined_in, authenticated, guest, "
                       "public_api_key, groups, group, groups_defined_in, group_defined_in, custom, resource.")
    to: tuple[str, ...] | None = Field(
        default=None, description="Operations: create, read (= get + list + listen), update, delete, get, list, "
        "listen; for resource rules query, mutate, listen. Default: all (required for guest rules).")
    groups: tuple[str, ...] | None = Field(default=None, description="groups rules: the user-pool groups.")
    group: str | None = Field(default=None, description="group rules: the user-pool group.")
    field: str | None = Field(default=None, description="*_defined_in rules: the field holding owners or groups.")
    owner_field: str | None = Field(default=None, description="owner rules: the field holding the owner.")
    identity_claim: str | None = Field(default=None, description="owner rules: the token claim that is the owner.")
    group_claim: str | None = Field(default=None, description="group rules: the token claim holding groups.")
    provider: str | None = Field(
        default=None, description="authenticated rules: user_pool (default) or identity_pool (IAM).")
    resource: str | None = Field(default=None, description="resource rules: the function.")


@dataclass(frozen=True)
class Shape:
    """A field's type as written: its base name (a scalar as written, or a ref's name), list-ness and
    nullability. `valid` is False when the grammar did not parse (reported by validate)."""

    base: str
    is_list: bool = False
    required: bool = False
    values_required: bool = False
    valid: bool = True


class InlineCustomType(StrictModel):
    """``{custom_type: {fields: {...}}}``."""

    fields: dict[str, FieldSpec] = Field(description="Field name → field.")


class FieldSpec(StrictModel):
    """One field (see the module docstring); ``"string!"`` is short for ``{type: "string!"}``."""

    type: str | None = Field(default=None, description="A scalar type: string, int, ... (with ! and []).")
    ref: str | None = Field(default=None, description="An enum or custom type by name (with ! and []).")
    enum: tuple[str, ...] | None = Field(default=None, description="An inline enum's values.")
    custom_type: InlineCustomType | None = Field(default=None, description="An inline custom type.")
    has_many: str | None = Field(default=None, description="The related model (a paginated list of them).")
    has_one: str | None = Field(default=None, description="The related model (one of them).")
    belongs_to: str | None = Field(default=None, description="The parent model.")
    references: tuple[str, ...] | None = Field(
        default=None, description="The child's fields holding the parent's key (one name, or a list).")
    required: StrictBool | None = Field(default=None, description="The (outermost) type is required.")
    array: StrictBool = Field(default=False, description="A list of the type.")
    default: str | int | float | bool | None = Field(default=None, description="Value set on create when absent.")
    authorization: tuple[DataRule, ...] | None = Field(default=None, description="Field-level rules.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"type": value} if isinstance(value, str) else value

    @field_validator("references", mode="before")
    @classmethod
    def _one_reference(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kind keys this field sets (exactly one when valid)."""
        return tuple(k for k in KINDS if getattr(self, k) is not None)

    @property
    def kind(self) -> str:
        """What the field is: type, ref, enum, custom_type, has_many, has_one or belongs_to."""
        kinds = self.kinds
        return kinds[0] if kinds else "type"

    @property
    def related(self) -> str | None:
        """The related model of a relationship field."""
        return self.has_many or self.has_one or self.belongs_to

    @property
    def has_default(self) -> bool:
        return "default" in self.model_fields_set

    def shape(self) -> Shape:
        """The field's type as written, `array` and `required` applied (inline types: base is the kind)."""
        text = self.type if self.kind == "type" else self.ref if self.kind == "ref" else None
        if text is None:
            return Shape(self.kind, required=bool(self.required))
        match = _GRAMMAR.fullmatch(text)
        if match is None:
            return Shape(text, valid=False)
        base, first, brackets, last = match.group(1), bool(match.group(2)), match.group(3), bool(match.group(4))
        shape = Shape(base, True, last, first) if brackets else Shape(base, False, first)
        if self.array:
            shape = Shape(base, True, False, shape.required, valid=not shape.is_list)
        if self.required is not None:
            shape = Shape(shape.base, shape.is_list, self.required, shape.values_required, shape.valid)
        return shape


InlineCustomType.model_rebuild()
