"""The types Amplify generates for one model: the object type, its connection, filter, condition, mutation and
subscription-filter inputs, and its Query, Mutation and Subscription fields (without auth directives).

Contract: `add_model(document, model, schema, matrix)` adds them to a `Document`, field for field as Amplify's
model, primary-key, index and relational transformers write them (compared with real Amplify's schema in the
tests): declared fields in order (the partition key required; a has-many field as a paginated connection
field; belongs-to and has-one as the related type), then ``id`` (default key), ``createdAt`` /
``updatedAt`` unless declared, then the owner fields the rules add. Only what the enabled operations need is
generated (no list query: no filter input; no mutation: no condition input; no subscription: no subscription
filter). Filters hold scalar and enum fields (custom types and relationships are not filterable); the
condition input leaves out the key fields; owners (and dynamic groups) are never subscription filter fields,
only ``ModelStringInput`` owner filters. Pure.
"""

from __future__ import annotations

from ampliform.data.matrix import Matrix
from ampliform.data.model import DEFAULT_KEY, TIMESTAMPS, Field, Model, Schema, TypeRef
from ampliform.data.sdl import Document, FieldDef, TypeDef

FILTER_SCALAR = {"String": "String", "Int": "Int", "Float": "Float", "Boolean": "Boolean", "ID": "ID",
                 "AWSTimestamp": "Int"}
"""A scalar → the scalar its filter input works on (every other AWS scalar filters as String)."""
KEY_CONDITIONS = {"String": ("eq", "le", "lt", "ge", "gt", "between", "beginsWith"),
                  "ID": ("eq", "le", "lt", "ge", "gt", "between", "beginsWith"),
                  "Int": ("eq", "le", "lt", "ge", "gt", "between"),
                  "Float": ("eq", "le", "lt", "ge", "gt", "between")}


def filter_scalar(type_ref: TypeRef) -> str:
    """The scalar a field's filters and key conditions use (enums as String)."""
    return "String" if type_ref.kind == "enum" else FILTER_SCALAR.get(type_ref.name, "String")


def key_condition_input(type_ref: TypeRef) -> str:
    return f"Model{filter_scalar(type_ref)}KeyConditionInput"


def add_key_condition_input(document: Document, type_ref: TypeRef) -> str:
    """The sort key condition input of a key field's type, added once."""
    scalar = filter_scalar(type_ref)
    name = key_condition_input(type_ref)
    document.add(TypeDef("input", name, [FieldDef(op, f"[{scalar}]" if op == "between" else scalar)
                                         for op in KEY_CONDITIONS[scalar]]))
    return name


def _filterable(field: Field) -> bool:
    return field.relation is None and field.type.is_scalar_or_enum


def _filter_type(document: Document, field: Field) -> str:
    if field.type.kind == "enum":
        enum = field.type.name
        if field.type.is_list:
            document.add(TypeDef("input", f"Model{enum}ListInput", [
                FieldDef("eq", f"[{enum}]"), FieldDef("ne", f"[{enum}]"), FieldDef("contains", enum),
                FieldDef("notContains", enum)]))
            return f"Model{enum}ListInput"
        document.add(TypeDef("input", f"Model{enum}Input", [FieldDef("eq", enum), FieldDef("ne", enum)]))
        return f"Model{enum}Input"
    return f"Model{filter_scalar(field.type)}Input"


class _ModelTypes:
    def __init__(self, document: Document, model: Model, schema: Schema, matrix: Matrix):
        self.document, self.model, self.schema, self.matrix = document, model, schema, matrix
        self.n = model.names
        declared = set(model.field_names)
        self.implicit = [f for f in (*(() if model.custom_key else DEFAULT_KEY), *TIMESTAMPS) if f not in declared]
        owners = [r.entity for r in matrix.roles if r.strategy == "owner" and r.entity]
        self.owner_fields = list(dict.fromkeys(owners))
        self.owner_lists = {r.entity for r in matrix.roles if r.strategy == "owner" and r.entity_is_list}
        self.dynamic = {r.entity for r in matrix.roles if not r.static and r.provider == "userPools" and r.entity}

    def object_type(self) -> None:
        fields = []
        for field in self.model.fields:
            type_ref = field.type
            if field.name == self.model.key[0] and not type_ref.required:
                type_ref = TypeRef(type_ref.name, type_ref.kind, type_ref.is_list, True, type_ref.values_required)
            if field.relation is not None and field.relation.kind == "has_many":
                child = self.schema.models[field.relation.model].names
                fields.append(FieldDef(field.name, child.connection + ("!" if field.type.required else ""), [
                    ("filter", child.filter_input), ("sortDirection", "ModelSortDirection"), ("limit", "Int"),
                    ("nextToken", "String")]))
            elif field.relation is not None:
                fields.append(FieldDef(field.name, field.relation.model + ("!" if field.type.required else "")))
            else:
                fields.append(FieldDef(field.name, type_ref.sdl()))
        for name in self.implicit:
            fields.append(FieldDef(name, "ID!" if name == "id" else "AWSDateTime!"))
        declared = set(self.model.field_names)
        for owner in self.owner_fields:
            if owner not in declared:
                fields.append(FieldDef(owner, "[String]" if owner in self.owner_lists else "String"))
        self.document.add(TypeDef("type", self.model.name, fields))

    def connection(self) -> None:
        self.document.add(TypeDef("type", self.n.connection, [FieldDef("items", f"[{self.model.name}]!"),
                                                              FieldDef("nextToken", "String")]))

    def filter_input(self) -> None:
        name = self.n.filter_input
        fields = [FieldDef(f.name, _filter_type(self.document, f)) for f in self.model.fields if _filterable(f)]
        fields += [FieldDef(f, "ModelIDInput" if f == "id" else "ModelStringInput")
                   for f in ("id", *TIMESTAMPS) if f not in self.model.field_names]
        fields += [FieldDef("and", f"[{name}]"), FieldDef("or", f"[{name}]"), FieldDef("not", name)]
        self._with_owners(TypeDef("input", name, fields))

    def condition_input(self) -> None:
        name = self.n.condition_input
        keys = set(self.model.key) | {"id"}
        fields = [FieldDef(f.name, _filter_type(self.document, f)) for f in self.model.fields
                  if _filterable(f) and f.name not in keys]
        fields += [FieldDef("and", f"[{name}]"), FieldDef("or", f"[{name}]"), FieldDef("not", name)]
        fields += [FieldDef(t, "ModelStringInput") for t in TIMESTAMPS if t not in self.model.field_names]
        self._with_owners(TypeDef("input", name, fields))

    def subscription_filter(self) -> None:
        name = self.n.subscription_filter_input
        fields = [FieldDef(f.name, f"ModelSubscription{filter_scalar(f.type)}Input") for f in self.model.fields
                  if _filterable(f) and f.name not in self.dynamic]
        fields += [FieldDef(f, "ModelSubscriptionIDInput" if f == "id" else "ModelSubscriptionStringInput")
                   for f in ("id", *TIMESTAMPS) if f not in self.model.field_names]
        fields += [FieldDef("and", f"[{name}]"), FieldDef("or", f"[{name}]")]
        self._with_owners(TypeDef("input", name, fields))

    def _with_owners(self, typedef: TypeDef) -> None:
        for owner in self.owner_fields:
            typedef.add(FieldDef(owner, "ModelStringInput"))
        self.document.add(typedef)

    def _input_fields(self, update: bool) -> list[FieldDef]:
        """Create (`update` False) or update input fields: declared fields without relationships, custom types
        as their input types; create keeps the declared nullability (the partition key required, timestamps and
        a declared id optional), update makes everything optional but the key."""
        out = []
        key = self.model.key
        for field in self.model.fields:
            if field.relation is not None:
                continue
            if update:
                required = field.name in key
            else:
                required = field.type.required or field.name == key[0]
                if field.name in TIMESTAMPS or (field.name == "id" and not self.model.custom_key):
                    required = False
            type_ref = field.type
            out.append(FieldDef(field.name, TypeRef(type_ref.name, type_ref.kind, type_ref.is_list, required,
                                                    type_ref.values_required).sdl(input_suffix=True)))
        return out

    def mutation_inputs(self) -> None:
        model, n = self.model, self.n
        if model.has("create"):
            fields = self._input_fields(update=False)
            if not model.custom_key and "id" not in model.field_names:
                fields.append(FieldDef("id", "ID"))
            self.document.add(TypeDef("input", n.create_input, fields))
        if model.has("update"):
            fields = self._input_fields(update=True)
            if not model.custom_key and "id" not in model.field_names:
                fields.append(FieldDef("id", "ID!"))
            self.document.add(TypeDef("input", n.update_input, fields))
        if model.has("delete"):
            self.document.add(TypeDef("input", n.delete_input, [
                FieldDef(k, TypeRef(model.key_type(k).name, model.key_type(k).kind, required=True).sdl())
                for k in model.key]))

    def key_args(self) -> list[tuple[str, str]]:
        return [(k, TypeRef(self.model.key_type(k).name, self.model.key_type(k).kind, required=True).sdl())
                for k in self.model.key]

    def list_args(self) -> list[tuple[str, str]]:
        n = self.n
        if not self.model.custom_key:
            return [("filter", n.filter_input), ("limit", "Int"), ("nextToken", "String")]
        partition, *sort = self.model.key
        args = [(partition, self.model.key_type(partition).name)]
        if sort:
            args.append((sort[0], add_key_condition_input(self.document, self.model.key_type(sort[0]))))
        return [*args, ("filter", n.filter_input), ("limit", "Int"), ("nextToken", "String"),
                ("sortDirection", "ModelSortDirection")]

    def operations(self) -> None:
        model, n = self.model, self.n
        query, mutation = self.document.root("Query"), self.document.root("Mutation")
        if model.has("get"):
            query.add(FieldDef(n.get, model.name, self.key_args()))
        if model.has("list"):
            query.add(FieldDef(n.list, n.connection, self.list_args()))
        for index in model.indexes:
            if index.query_field is None:
                continue
            args = [(index.partition, TypeRef(model.key_type(index.partition).name,
                                               model.key_type(index.partition).kind, required=True).sdl())]
            if index.sort:
                args.append((index.sort[0], add_key_condition_input(self.document, model.key_type(index.sort[0]))))
            args += [("sortDirection", "ModelSortDirection"), ("filter", n.filter_input), ("limit", "Int"),
                     ("nextToken", "String")]
            query.add(FieldDef(index.query_field, n.connection, args))
        for op, input_name in (("create", n.create_input), ("update", n.update_input), ("delete", n.delete_input)):
            if model.has(op):
                mutation.add(FieldDef(getattr(n, op), model.name, [("input", f"{input_name}!"),
                                                                   ("condition", n.condition_input)]))
        listeners = [r.entity for r in self.matrix.roles_for("listen")
                     if r.strategy == "owner" and r.entity and r.entity not in self.owner_lists]
        for prefix, mutation_name in (("onCreate", n.create), ("onUpdate", n.update), ("onDelete", n.delete)):
            if model.has(prefix):
                self.document.root("Subscription").add(FieldDef(
                    n.subscription(prefix), model.name,
                    [("filter", n.subscription_filter_input), *((o, "String") for o in dict.fromkeys(listeners))],
                    [f'@aws_subscribe(mutations: ["{mutation_name}"])']))


def add_model(document: Document, model: Model, schema: Schema, matrix: Matrix, listed: bool) -> None:
    """Add one model's types and operations (see the module docstring); `listed`: something returns its
    connection (its list query, an index query, or a has-many field of another model)."""
    types = _ModelTypes(document, model, schema, matrix)
    types.object_type()
    if listed:
        types.connection()
        types.filter_input()
    if any(model.has(op) for op in ("create", "update", "delete")):
        types.condition_input()
    types.mutation_inputs()
    if model.subscriptions_on:
        types.subscription_filter()
    types.operations()
    # the key condition inputs of every sort key (primary and secondary), queried or not, as Amplify adds them
    if model.custom_key and len(model.key) > 1:
        add_key_condition_input(document, model.key_type(model.key[1]))
    for index in model.indexes:
        for sort in index.sort:
            add_key_condition_input(document, model.key_type(sort))
