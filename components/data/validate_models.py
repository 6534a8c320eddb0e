"""Meaning checks of one model: relationships, key, secondary indexes, disabled operations, owner fields.

Contract: `model_problems(name, spec, data, context)` returns every problem of one model of `data`, located
under ``data.models.<name>``. Checked, with Amplify's messages where Amplify has them: relationship pairs
(a counterpart on the related model with the same references, the reference fields on the child, their
count and types against the parent's identifier), the identifier (declared, required, scalar, at most one
sort field), each secondary index (its fields declared — Amplify silently drops an index whose partition
field is missing; ampliform refuses it —, scalar or enum, a valid unique name, its projection), the
``disable_operations`` words, the fields owner and group rules read (Amplify's "Implicit field … conflicts
…"), and that the model has rules. `matrix_problems(model, at)` are the checks that need the resolved model.
"""

from __future__ import annotations

import re

from ampliform.data.matrix import RoleConflict, model_matrix
from ampliform.data.model import Index, Model
from ampliform.data.validate_fields import TypeNames, field_problems
from ampliform.data.validate_rules import RuleContext, rule_problems
from ampliform.definition.data import DataSpec, FieldSpec, ModelSpec
from ampliform.definition.data_fields import SCALARS
from ampliform.errors import Problem, where

AMPLIFY_RELATIONSHIP = {"has_many": "hasMany", "has_one": "hasOne", "belongs_to": "belongsTo"}
COUNTERPARTS = {"has_many": ("belongs_to",), "has_one": ("belongs_to",), "belongs_to": ("has_one", "has_many")}
DISABLE_WORDS = ("queries", "mutations", "subscriptions", "get", "list", "create", "update", "delete", "onCreate",
                 "onUpdate", "onDelete")
PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")
INDEX_NAME = re.compile(r"^[A-Za-z0-9_\-.]{3,255}$")
MAX_GSIS = 20
"""DynamoDB's default quota of global secondary indexes per table."""
STRING_LIKE = ("String", "ID", "AWSDate", "AWSTime", "AWSDateTime", "AWSEmail", "AWSPhone", "AWSURL", "AWSIPAddress")


def model_problems(name: str, spec: ModelSpec, data: DataSpec, context: RuleContext) -> list[Problem]:
    """Every problem of one model (see the module docstring)."""
    base = ("data", "models", name)
    types = TypeNames(frozenset(data.enums), frozenset(data.custom_types), frozenset(data.models))
    problems: list[Problem] = []
    for field, fspec in spec.fields.items():
        problems += field_problems(name, field, fspec, (*base, "fields", field), "model", types)
        for i, rule in enumerate(fspec.authorization or ()):
            problems += rule_problems(rule, (*base, "fields", field, "authorization", i), "field", context)
    if not problems:  # the key, the indexes and relationships read valid fields
        for field, fspec in spec.fields.items():
            if fspec.related:
                problems += _relationship_problems(name, field, fspec, data, (*base, "fields", field))
        problems += _identifier_problems(name, spec, base)
        problems += _index_problems(name, spec, data, base)
    problems += [Problem(f"unknown operation {word!r} in `disable_operations`", where(*base, "disable_operations", i),
                         f"Use one of: {', '.join(DISABLE_WORDS)}.")
                 for i, word in enumerate(spec.disable_operations) if word not in DISABLE_WORDS]
    rules = spec.authorization or tuple(r for r in data.authorization if r.allow != "resource")
    if not rules:
        problems.append(Problem(f"Model `{name}` is missing authorization rules. Add global rules to the schema or "
                                "ensure every model has its own rules.", where(*base, "authorization"),
                                "Add rules, e.g. `- {allow: owner}` and `- {allow: authenticated, to: [read]}`."))
    for i, rule in enumerate(spec.authorization):
        problems += rule_problems(rule, (*base, "authorization", i), "model", context)
    problems += _owner_field_problems(spec, rules, base)
    return problems


def describe(model: str, field: str, spec: FieldSpec) -> str:
    """Amplify's description of one side of a relationship (``Post.comments: [Comment] @hasMany(...)``)."""
    related = spec.related or ""
    shown = f"[{related}]" if spec.kind == "has_many" else related
    references = ", ".join(f"'{r}'" for r in spec.references or ())
    return f"{model}.{field}: {shown} @{AMPLIFY_RELATIONSHIP[spec.kind]}(references: [{references}])"


def _relationship_problems(model: str, field: str, spec: FieldSpec, data: DataSpec,
                           at: tuple[str | int, ...]) -> list[Problem]:
    related = spec.related or ""
    other = data.models[related]
    candidates = [(n, f) for n, f in other.fields.items() if f.related == model and f.kind in COUNTERPARTS[spec.kind]
                  and tuple(f.references or ()) == tuple(spec.references or ())]
    if len(candidates) != 1:
        found = (f"Unable to find associated relationship definition in {related}" if not candidates else
                 "Found multiple relationship associations with " + ", ".join(f"{related}.{n}" for n, _ in candidates))
        return [Problem(f"{found} for {describe(model, field, spec)}", where(*at),
                        f"Give {related} exactly one matching {' or '.join(COUNTERPARTS[spec.kind])} field with the "
                        "same `references`.")]
    (other_field, other_spec) = candidates[0]
    if spec.kind == "belongs_to":  # the parent's side checks the pair
        return []
    if spec.kind == "belongs_to":
        parent, parent_field, parent_spec, child, child_field, child_spec = \
            related, other_field, other_spec, model, field, spec
    else:
        parent, parent_field, parent_spec, child, child_field, child_spec = \
            model, field, spec, related, other_field, other_spec
    child_fields = data.models[child].fields
    pair = f"{describe(parent, parent_field, parent_spec)} <-> {describe(child, child_field, child_spec)}"
    for reference in spec.references or ():
        if reference not in child_fields or child_fields[reference].related:
            return [Problem(f"reference field '{reference}' must be defined on {child}. {pair}",
                            where(*at, "references"),
                            f"Declare `{reference}` on {child} with the type of {parent}'s identifier.")]
    keys = data.models[parent].identifier or ("id",)
    key_types = [_scalar_of(data.models[parent].fields.get(k)) if k in data.models[parent].fields else
                 ("ID" if k == "id" else None) for k in keys]
    key_types = [t for t in key_types if t is not None]
    reference_types = [_scalar_of(child_fields[r]) for r in spec.references or ()]
    if len(key_types) != len(reference_types):
        return [Problem(f"The identifiers defined on {parent} must match the reference fields defined on {child}.\n"
                        f"{len(key_types)} identifiers defined on {parent}.\n"
                        f"{len(reference_types)} reference fields found on {child}", where(*at, "references"),
                        f"Reference every identifier field of {parent}, in order.")]
    for key_type, reference_type in zip(key_types, reference_types, strict=True):
        if not (key_type == reference_type or {key_type, reference_type} <= {"ID", "String"}):
            return [Problem("Validate Error: types do not match", where(*at, "references"),
                            f"Give the reference fields on {child} the types of {parent}'s identifier fields.")]
    if any(child_fields[r].shape().is_list for r in spec.references or ()):
        return [Problem("a reference field cannot be a list", where(*at, "references"),
                        "Declare each reference field as a single value of the parent's key type.")]
    return []


def _scalar_of(spec: FieldSpec | None) -> str | None:
    if spec is None or spec.kind != "type":
        return None
    return SCALARS.get(spec.shape().base)


def _identifier_problems(name: str, spec: ModelSpec, base: tuple[str, ...]) -> list[Problem]:
    if spec.identifier is None:
        return []
    at = (*base, "identifier")
    if not spec.identifier:
        return [Problem("`identifier` lists no field", where(*at), "List the key fields, or leave `identifier` out.")]
    problems = []
    for i, key in enumerate(spec.identifier):
        declared = spec.fields.get(key)
        if declared is None:
            if key != "id":
                problems.append(Problem(f"identifier names {key!r}, which {name} does not declare", where(*at, i),
                                        f"Declare `{key}` (required), or fix the identifier."))
            continue
        shape = declared.shape()
        if declared.kind != "type" or shape.is_list:
            problems.append(Problem(f"The primary key on type '{name}.{key}' cannot be a non-scalar.", where(*at, i),
                                    "Use scalar fields (string, id, int, ...) in the identifier."))
        elif SCALARS.get(shape.base) == "Boolean":
            problems.append(Problem("Boolean values cannot be used as sort keys.", where(*at, i),
                                    "Use a string or number field in the identifier."))
        elif not shape.required and shape.base != "id":
            problems.append(Problem(f"Invalid identifier definition. Field {key} cannot be used in the identifier. "
                                    "Identifiers must reference required or DB-generated fields)", where(*at, i),
                                    f"Declare `{key}` as required (`!`)."))
    if len(spec.identifier) > 2:
        problems.append(Problem("an identifier with more than one sort field is not supported", where(*at),
                                "Use a partition field and at most one sort field."))
    if len(set(spec.identifier)) != len(spec.identifier):
        problems.append(Problem("the identifier names a field twice", where(*at), "Name each key field once."))
    return problems


def _index_problems(name: str, spec: ModelSpec, data: DataSpec, base: tuple[str, ...]) -> list[Problem]:
    from ampliform.data.model import _index  # the default names, as the schema gets them

    problems: list[Problem] = []
    names: list[str] = []
    for i, index_spec in enumerate(spec.secondary_indexes):
        at: tuple[str | int, ...] = (*base, "secondary_indexes", i)
        index = _index(name, index_spec)
        if index_spec.name is not None and not INDEX_NAME.fullmatch(index_spec.name):
            problems.append(Problem("The indexName is invalid. It should be between 3 and 255 characters. Only A–Z, "
                                    "a–z, 0–9, underscore characters, hyphens, and periods allowed.",
                                    where(*at, "name"),
                                    "Rename the index."))
        if index.name in names:
            problems.append(Problem(f"You may only supply one @index with the name '{index.name}' on type '{name}'.",
                                    where(*at), "Give each index its own name (or other fields)."))
        names.append(index.name)
        problems += _index_field_problems(name, index, spec, data, at)
        projection = (index_spec.projection or "ALL").upper()
        if projection not in PROJECTIONS:
            problems.append(Problem(f"unknown projection {index_spec.projection!r}", where(*at, "projection"),
                                    "Use all, keys_only or include."))
        elif projection == "INCLUDE" and not index_spec.non_key_attributes:
            problems.append(Problem("an include projection needs `non_key_attributes`", where(*at),
                                    "List the fields the index holds besides its keys."))
        elif projection != "INCLUDE" and index_spec.non_key_attributes:
            problems.append(Problem("`non_key_attributes` needs `projection: include`",
                                    where(*at, "non_key_attributes"),
                                    "Add `projection: include`, or remove the list."))
        problems += [Problem(f"non-key attribute {a!r} is not a field of {name}", where(*at, "non_key_attributes", j),
                             "Name declared fields.")
                     for j, a in enumerate(index_spec.non_key_attributes) if a not in spec.fields]
    children = sum(1 for m in data.models.values() for f in m.fields.values()
                   if f.related == name and f.kind in ("has_many", "has_one"))
    if len(spec.secondary_indexes) + children > MAX_GSIS:
        problems.append(Problem(f"{name} needs {len(spec.secondary_indexes) + children} global secondary indexes "
                                f"(its indexes and relationships); DynamoDB allows {MAX_GSIS} per table",
                                where(*base, "secondary_indexes"), "Remove indexes."))
    return problems


def _index_field_problems(name: str, index: Index, spec: ModelSpec, data: DataSpec,
                          at: tuple[str | int, ...]) -> list[Problem]:
    partition = spec.fields.get(index.partition)
    if partition is None:
        return [Problem(f"secondary index {index.name!r}: {name} has no field {index.partition!r} (Amplify drops such "
                        "an index silently)", where(*at, "partition"),
                        f"Declare `{index.partition}`, or fix the name.")]
    problems = _key_field_problems(name, index, index.partition, partition, data, at, "partition")
    if len(index.sort) > 1:
        problems.append(Problem("an index with more than one sort field is not supported", where(*at, "sort"),
                                "Use at most one sort field."))
    for j, sort in enumerate(index.sort):
        if sort == index.partition:
            problems.append(Problem(f"@index field '{sort}' cannot reference itself.", where(*at, "sort", j),
                                    "Sort by another field."))
        elif sort not in spec.fields:
            problems.append(Problem(f"Can't find field '{sort}' in {name}, but it was specified in index "
                                    f"'{index.name}'.", where(*at, "sort", j),
                                    f"Declare `{sort}` on {name} (e.g. `{sort}: datetime`; the automatic timestamps "
                                    "cannot be index keys)."))
        else:
            problems += _key_field_problems(name, index, sort, spec.fields[sort], data, (*at, "sort", j), "sort")
    identifier = spec.identifier or ()
    if identifier and len(identifier) == 1 and index.partition == identifier[0] and not index.sort:
        problems.append(Problem(f"Invalid @index '{index.name}'. You may not create an index where the partition key "
                                "is the same as that of the primary key unless the primary key has a sort field. You "
                                "cannot have a local secondary index without a sort key in the primary key.",
                                where(*at), "Give the index a sort field, or another partition field."))
    return problems


def _key_field_problems(model: str, index: Index, field: str, spec: FieldSpec, data: DataSpec,
                        at: tuple[str | int, ...], role: str) -> list[Problem]:
    shape = spec.shape()
    if spec.kind == "ref" and shape.base not in data.enums:
        return [Problem(f"The ref field `{field}` used in the secondary index of `{model}` should refer to an enum "
                        "type. "
                        f"`{shape.base}` is not a enum type.", where(*at), "Index scalar or enum fields.")]
    if spec.kind not in ("type", "ref", "enum") or shape.is_list:
        where_ = f"'{index.name}' on type '{model}.{field}'"
        message = (f"Index {where_} cannot be a non-scalar." if role == "partition" else
                   f"The sort key of index {where_} cannot be a non-scalar.")
        return [Problem(message, where(*at), "Index scalar or enum fields.")]
    if spec.kind == "type" and SCALARS.get(shape.base) == "Boolean":
        return [Problem("Boolean values cannot be used as sort keys.", where(*at), "Index a string or number field.")]
    return []


def _owner_field_problems(spec: ModelSpec, rules: tuple, base: tuple[str, ...]) -> list[Problem]:
    from ampliform.data.rules import OWNER_KINDS

    problems: list[Problem] = []
    wanted: dict[str, bool] = {}
    all_rules = list(rules) + [r for f in spec.fields.values() for r in f.authorization or ()]
    for rule in all_rules:
        if rule.allow in OWNER_KINDS:
            field = (rule.owner_field or rule.field or "owner") if rule.allow == "owner" else rule.field
            multiple = rule.allow == "owners_defined_in"
        elif rule.allow in ("groups_defined_in", "group_defined_in"):
            field, multiple = rule.field, rule.allow == "groups_defined_in"
        else:
            continue
        if field is None:
            continue
        if field in wanted and wanted[field] != multiple:
            problems.append(Problem(f"Field {field} defined twice with conflicting definitions.", where(*base),
                                    "Use one field for single owners and another for lists of owners."))
        wanted[field] = multiple
        declared = spec.fields.get(field)
        if declared is None:
            continue
        shape = declared.shape()
        if declared.kind != "type" or shape.is_list != multiple or SCALARS.get(shape.base) not in STRING_LIKE:
            problems.append(Problem(f"Implicit field {field} conflicts with the explicit field definition.",
                                    where(*base, "fields", field),
                                    f"Declare `{field}: {'string[]' if multiple else 'string'}`, or leave it out."))
    return problems


def matrix_problems(model: Model, at: tuple[str, ...]) -> list[Problem]:
    """Checks of a resolved model: each role once (Amplify's message), and field-level rules that leave a required
    field unreadable to some role (Amplify's message, when the model has subscriptions)."""
    try:
        matrix = model_matrix(model)
    except RoleConflict as conflict:
        return [Problem(str(conflict), where(*at, "authorization"), "Merge the rules that name the same role.")]
    required = [f.name for f in model.fields if f.type.required and matrix.needs_field_resolver(f.name)]
    if required and model.subscriptions_on:
        listed = "[" + ",".join(f'"{f}"' for f in required) + "]"
        return [Problem("When using field-level authorization rules you need to add rules to all of the model's "
                        "required "
                        f"fields with at least read permissions. Found model \"{model.name}\" with required fields "
                        f"{listed} missing field-level authorization rules.\n\nFor more information visit "
                        "https://docs.amplify.aws/cli/graphql/authorization-rules/#field-level-authorization-rules",
                        where(*at, "fields", required[0]), "Give the required fields rules that every reader has "
                        "(e.g. the model's rules), or make them optional.")]
    return []
