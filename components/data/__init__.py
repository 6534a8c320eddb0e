"""Data: models (AppSync GraphQL API + DynamoDB tables) with owner, signed-in, guest and group rules.

Pure modules (no pulumi): `model` (the definition's `data:` section), `dsl` (the Python form, ``a.schema``),
`validate` (meaning checks), `access` (who may do what, per operation), `names` (GraphQL names),
`schema` (the SDL), `resolvers` (APPSYNC_JS code, from ``js/``), `introspection` (amplify_outputs' ``data``).
`component` holds the ``ampliform:index:Data`` ComponentResource (``from components import Data, DataArgs``).
"""
