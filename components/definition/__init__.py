"""The definition layer: what a user writes, parsed and shape-checked; nothing here plans anything.

Modules: `base` (the strict pydantic base), `storage` (buckets, paths, rules), `data` (models, fields, rules),
`functions`, `auth` and `auth_providers` (the `auth:` section: Amplify's `defineAuth` in snake_case), `model`
(the whole `Definition`: auth, storage, data, functions), `read` (the bounded reader of every file a user
hands ampliform: regular files only, size, UTF-8, JSON duplicate keys, YAML aliases), `load` (YAML/JSON files →
`Definition`, hostile input turned into located problems), `dsl` (the Python form of storage, auth and the
backend), `schema_dsl` (the Python form of data, ``a.schema``), `settings` (a stack's ``ampliform:*``
settings; `auth_settings` its sign-in keys). Meaning checks live in the planners and are run together by
`ampliform.plan.check`. Imports only `ampliform.errors` and `ampliform.roles`.
"""
