"""The auth planner (pure): meaning checks of the `auth:` section and what Cognito is configured with."""
