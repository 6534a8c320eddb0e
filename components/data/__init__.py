"""The data planner (pure): models → GraphQL schema, APPSYNC_JS resolvers, and who may do what.

Modules: `validate` (meaning checks of `data:`), `access` (the rules per operation), `names` (GraphQL names),
`schema` (the SDL), `resolvers` (APPSYNC_JS code, from ``js/``), `introspection` (amplify_outputs' ``data``).
The models themselves are `ampliform.definition.data`; the ComponentResource is `ampliform.resources.data`.
"""
