"""The functions planner (pure): what a definition's Lambda functions need, decided before any resource exists.

Modules: `runtime` (a handler file → language, runtime, Lambda handler string), `names` (environment
variable names as Amplify spells them, physical names and their worst-case lengths), `schedule` (rate/cron
expressions and time zones for EventBridge Scheduler), `triggers` (each bucket's S3 notifications: events,
filters, S3's overlap rule, upload loops), `checks` (every meaning check of `functions:` and of the
triggers, run from `ampliform.plan.check`), `statements` (each function's own IAM needs as budget
contributions: its log group, its secret parameters), `packaging` (the deterministic archive of a
handler's folder with its requirements installed for the Lambda platform, cached by content) and `summary`
(the preview's lines about functions). No pulumi import (import-linter and tests/test_purity.py check it).
"""
