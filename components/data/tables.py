"""The DynamoDB table layout of each model: keys, attribute definitions, global secondary indexes.

Contract: `table_layout(model, schema)` is the one place a model's table shape is decided (the Data component
passes it to ``aws.dynamodb.Table`` as it is): the hash key and range key are the model's ``identifier``
(default ``id``); every secondary index is a GSI (Amplify's name, the partition and sort field, its
projection); every has-many / has-one field of another model pointing at this one adds the GSI Amplify adds
to the child, ``gsi-<Parent>.<field>``, keyed by the references; the attribute definitions are exactly the
key attributes of the table and its indexes (``S`` for strings, ids and enums, ``N`` for numbers). No local
secondary indexes: adding or removing an index only changes ``globalSecondaryIndexes`` and ``attributes``,
which DynamoDB updates in place; only a key change (``hashKey``/``rangeKey``) replaces the table. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ampliform.data.model import Model, Schema, TypeRef

NUMBERS = ("Int", "Float", "AWSTimestamp")


@dataclass(frozen=True)
class GlobalIndex:
    """One GSI: name, hash and optional range attribute, projection."""

    name: str
    hash_key: str
    range_key: str | None
    projection: str = "ALL"
    non_key_attributes: tuple[str, ...] = ()

    def inputs(self) -> dict[str, Any]:
        """The ``global_secondary_indexes`` item (pulumi-aws v7, key schema form)."""
        keys = [{"attribute_name": self.hash_key, "key_type": "HASH"}]
        if self.range_key is not None:
            keys.append({"attribute_name": self.range_key, "key_type": "RANGE"})
        out: dict[str, Any] = {"name": self.name, "key_schemas": keys, "projection_type": self.projection}
        if self.non_key_attributes:
            out["non_key_attributes"] = list(self.non_key_attributes)
        return out


@dataclass(frozen=True)
class TableLayout:
    """A model's table: keys, attribute definitions (name, S/N), GSIs."""

    hash_key: str
    range_key: str | None
    attributes: tuple[tuple[str, str], ...]
    global_indexes: tuple[GlobalIndex, ...]

    def inputs(self) -> dict[str, Any]:
        """The key-related ``aws.dynamodb.Table`` arguments."""
        out: dict[str, Any] = {"hash_key": self.hash_key,
                               "attributes": [{"name": n, "type": t} for n, t in self.attributes]}
        if self.range_key is not None:
            out["range_key"] = self.range_key
        if self.global_indexes:
            out["global_secondary_indexes"] = [i.inputs() for i in self.global_indexes]
        return out


def attribute_type(type_ref: TypeRef) -> str:
    """A key field's DynamoDB attribute type."""
    return "N" if type_ref.kind == "scalar" and type_ref.name in NUMBERS else "S"


def relationship_indexes(model: Model, schema: Schema) -> list[GlobalIndex]:
    """The GSIs other models' has-many / has-one fields put on this (child) model's table."""
    out = []
    for parent in schema.models.values():
        for field in parent.fields:
            relation = field.relation
            if relation is None or relation.model != model.name or relation.kind not in ("has_many", "has_one"):
                continue
            refs = relation.references
            out.append(GlobalIndex(f"gsi-{parent.name}.{field.name}", refs[0], refs[1] if len(refs) > 1 else None))
    return out


def table_layout(model: Model, schema: Schema) -> TableLayout:
    """The table of one resolved model (see the module docstring)."""
    indexes = [GlobalIndex(i.name, i.partition, i.sort[0] if i.sort else None, i.projection, i.non_key_attributes)
               for i in model.indexes]
    indexes += relationship_indexes(model, schema)
    keys: list[str] = list(model.key)
    for index in indexes:
        keys += [index.hash_key] + ([index.range_key] if index.range_key else [])
    attributes = tuple((k, attribute_type(model.key_type(k))) for k in dict.fromkeys(keys))
    return TableLayout(model.key[0], model.key[1] if len(model.key) > 1 else None, attributes, tuple(indexes))


def index_of(model: Model, schema: Schema, name: str) -> GlobalIndex:
    """One GSI of the model's table by name."""
    return next(i for i in table_layout(model, schema).global_indexes if i.name == name)
