"""Change safety: what an update would delete or replace, with the data-bearing resources first.

Contract:
- `against_state(state, planned)`: `state` is the resources of a deployed stack (``pulumi stack export``'s
  ``deployment.resources``), `planned` the resources the program registers now (a mock run's result, with
  each resource's engine ``urn`` and the ``aliases`` it was known by). A custom resource of the state that the
  program no longer registers — under its URN or any alias — would be **deleted**; one it still registers
  with a replace-forcing input changed (`review.replacements`) would be **replaced**. Providers and the stack
  itself are left out.
- `between_definitions(old, new)`: the same for two definitions, by what they declare: a bucket or a model
  that is gone (and not taken over through `renamed_from`), a user group that is gone, and the user pool
  when its sign-in or schema attributes change (`ampliform.auth.attributes.replacement_inputs`: Cognito
  fixes them at creation), and a model's table when its key changes (`ampliform.data.tables`).
  `updated_in_place(old, new)` lists the table changes DynamoDB makes in place (secondary indexes added or
  removed): said, but no data is lost.
Each finding is a `Destruction` (``delete`` / ``replace``, the resource, what is lost when it bears data, why);
results are sorted: data-bearing first, then by URN. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ampliform.auth.attributes import replacement_inputs
from ampliform.data.model import resolve
from ampliform.data.tables import TableLayout, table_layout
from ampliform.definition.model import Definition
from ampliform.review.replacements import DATA_BEARING, replacing

IGNORED_TYPES = ("pulumi:pulumi:Stack",)
IGNORED_PREFIXES = ("pulumi:providers:",)


@dataclass(frozen=True, order=True)
class Destruction:
    """One resource an update would delete or replace."""

    action: str
    """``delete`` or ``replace``."""
    type: str
    name: str
    urn: str = ""
    loses: str = ""
    """What is lost with it, for a data-bearing resource (`review.replacements.DATA_BEARING`); else empty."""
    why: tuple[str, ...] = ()

    @property
    def data_bearing(self) -> bool:
        return bool(self.loses)

    def describe(self) -> str:
        verb = "deleted" if self.action == "delete" else "replaced"
        text = f"{self.type.rsplit(':', 1)[-1]} {self.name} would be {verb}"
        if self.loses:
            text += f", losing {self.loses}"
        return text + (f" ({'; '.join(self.why)})" if self.why else "")

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "type": self.type, "name": self.name, "urn": self.urn,
                "data_bearing": self.data_bearing, "loses": self.loses, "why": list(self.why)}


def _ordered(found: Iterable[Destruction]) -> list[Destruction]:
    return sorted(found, key=lambda d: (not d.data_bearing, d.urn, d.type, d.name, d.action))


def _name_of(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def against_state(state: Iterable[Mapping[str, Any]], planned: Iterable[Mapping[str, Any]]) -> list[Destruction]:
    """What the update from `state` to `planned` deletes and replaces (see the module docstring)."""
    by_urn: dict[str, Mapping[str, Any]] = {}
    for resource in planned:
        by_urn[str(resource["urn"])] = resource
    aliased = {alias: resource for resource in by_urn.values()
               for alias in (resource.get("options") or {}).get("aliases", [])}
    found = []
    for old in state:
        urn, type_token = str(old.get("urn", "")), str(old.get("type", ""))
        if not old.get("custom") or type_token in IGNORED_TYPES or type_token.startswith(IGNORED_PREFIXES):
            continue
        new = by_urn.get(urn) or aliased.get(urn)
        loses = DATA_BEARING.get(type_token, "")
        if new is None:
            found.append(Destruction("delete", type_token, _name_of(urn), urn, loses,
                                     ("the program no longer declares it",)))
            continue
        reasons = replacing(type_token, old.get("inputs") or {}, new.get("inputs") or {})
        if reasons:
            found.append(Destruction("replace", type_token, _name_of(urn), urn, loses,
                                     tuple(f"{r.input}: {r.why}" for r in reasons)))
    return _ordered(found)


def _tables(definition: Definition) -> dict[str, TableLayout]:
    if definition.data is None:
        return {}
    schema = resolve(definition.data)
    return {name: table_layout(model, schema) for name, model in schema.models.items()}


def _pairs(old: Definition, new: Definition) -> list[tuple[str, str]]:
    """(old model, new model) for every model of `old` that `new` keeps, under its name or through
    `renamed_from`."""
    new_models = new.data.models if new.data is not None else {}
    renamed = {o: name for name, m in new_models.items() for o in m.renamed_from}
    olds = old.data.models if old.data is not None else {}
    return [(m, m if m in new_models else renamed[m]) for m in olds if m in new_models or m in renamed]


def _table_replacements(old: Definition, new: Definition) -> list[Destruction]:
    before, after = _tables(old), _tables(new)
    found = []
    for was, now in _pairs(old, new):
        a, b = before[was], after[now]
        keys = [(k, x, y) for k, x, y in (("partition key", a.hash_key, b.hash_key), ("sort key", a.range_key,
                                          b.range_key)) if x != y]
        if keys:
            found.append(Destruction("replace", "aws:dynamodb/table:Table", now,
                                     loses=DATA_BEARING["aws:dynamodb/table:Table"],
                                     why=tuple(f"the table's {k} changes from {x or 'none'} to {y or 'none'}, which "
                                               "DynamoDB cannot change in place" for k, x, y in keys)))
    return found


def updated_in_place(old: Definition, new: Definition) -> list[str]:
    """The table changes DynamoDB makes in place, keeping every item: secondary indexes added or removed."""
    before, after = _tables(old), _tables(new)
    out = []
    for was, now in _pairs(old, new):
        a = {i.name: i for i in before[was].global_indexes}
        b = {i.name: i for i in after[now].global_indexes}
        out += [f"table of {now}: index {n} added (built in place; no item is lost)" for n in b if n not in a]
        out += [f"table of {now}: index {n} removed (in place; no item is lost)" for n in a if n not in b]
        out += [f"table of {now}: index {n} changed (removed and added again in place; no item is lost)"
                for n in a if n in b and a[n] != b[n]]
    return out


def between_definitions(old: Definition, new: Definition) -> list[Destruction]:
    """The data-bearing resources `new` no longer declares that `old` did (see the module docstring)."""
    found = []
    kept = {b.name for b in new.buckets} | {o for b in new.buckets for o in b.renamed_from}
    for bucket in old.buckets:
        if bucket.name not in kept:
            found.append(Destruction("delete", "aws:s3/bucket:Bucket", bucket.name,
                                     loses=DATA_BEARING["aws:s3/bucket:Bucket"],
                                     why=(f"bucket {bucket.name!r} is gone (a rename keeps its objects with "
                                          "renamed_from)",)))
    new_models = new.data.models if new.data is not None else {}
    kept = set(new_models) | {o for m in new_models.values() for o in m.renamed_from}
    for model in (old.data.models if old.data is not None else {}):
        if model not in kept:
            found.append(Destruction("delete", "aws:dynamodb/table:Table", model,
                                     loses=DATA_BEARING["aws:dynamodb/table:Table"],
                                     why=(f"model {model!r} is gone (a rename keeps its table with renamed_from)",)))
    pool = "aws:cognito/userPool:UserPool"
    reasons = replacing(pool, replacement_inputs(old.auth), replacement_inputs(new.auth))
    if reasons:
        found.append(Destruction("replace", pool, "user pool", loses=DATA_BEARING[pool],
                                 why=tuple(f"{r.input}: {r.why}" for r in reasons)))
    found += _table_replacements(old, new)
    for group in old.auth.groups:
        if group not in new.auth.groups:
            found.append(Destruction("delete", "aws:cognito/userGroup:UserGroup", group,
                                     loses=DATA_BEARING["aws:cognito/userGroup:UserGroup"],
                                     why=(f"group {group!r} is gone",)))
    return _ordered(found)
