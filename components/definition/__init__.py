"""The definition layer: what a user writes, parsed and shape-checked; nothing here plans anything.

Modules: `base` (the strict pydantic base), `storage` (buckets, paths, rules), `data` (models, fields, rules),
`model` (the whole `Definition`: auth, storage, data), `load` (YAML/JSON files → `Definition`, hostile input
turned into located problems), `dsl` (the Python form of storage and the backend), `schema_dsl` (the Python
form of data, ``a.schema``), `settings` (a stack's ``ampliform:*`` settings). Meaning checks live in the
planners and are run together by `ampliform.plan.check`. Imports only `ampliform.errors` and `ampliform.roles`.
"""
