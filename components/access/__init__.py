"""The storage access planner (pure): a bucket's access map → per role, the IAM statements it grants.

Stages, one module each: `paths` (Amplify's path grammar), `check` (the storage section's meaning checks),
`normalize` (what one rule means: actions, unique ids, roles, effective prefix), `prefixes` (prefix
relations), `plan_compat` (Amplify's exact allow/deny algorithm, ``--compat amplify``), `plan_default`
(ampliform's "longest matching path decides"), `render` (plans → sorted statements, escaping), `compile`
(the stages together, per bucket). `constants` holds the vocabulary. It takes the storage part of a
definition and the groups; it imports nothing of Data, the loader, the CLI or pulumi (import-linter).
"""
