"""The auth planner (pure): meaning checks of the `auth:` section and everything Cognito is configured with.

Modules: `check` (every problem of the definition's `auth:`, and of it with a stack's settings), `attributes`
(sign-in and schema attributes; the replace-forcing inputs the change-safety check compares),
`user_pool` (the user pool's arguments), `federation` (identity providers, the web client's OAuth, the
identity pool's login providers, the hosted-UI domain), `access` (functions' user-pool actions), `plan`
(`plan_auth`: all of it as one `AuthPlan`, with the client settings amplify_outputs takes).
"""
