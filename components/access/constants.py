"""The storage access vocabulary, in one place: tokens, policy variables, action maps (role keys: `ampliform.roles`).

Nothing else in the project spells these strings.
"""

from __future__ import annotations

ENTITY_TOKEN = "{entity_id}"
"""The owner token users write in paths: ``post-pictures/{entity_id}/*``."""

ENTITY_SUB = "${cognito-identity.amazonaws.com:sub}"
"""IAM policy variable for the caller's identity-pool id. A plain constant: never put it in an f-string."""

ENTITY_CONTEXT_KEY = "cognito-identity.amazonaws.com:sub"
"""The request-context key `ENTITY_SUB` reads."""

INTERNAL_ACTIONS = ("get", "list", "write", "delete")
"""Actions after expansion: `read` never survives normalisation."""

OBJECT_ACTIONS = {"get": "s3:GetObject", "write": "s3:PutObject", "delete": "s3:DeleteObject"}
"""Internal action → IAM action on object ARNs ``<bucket arn>/<prefix>``."""

LIST_ACTION = "s3:ListBucket"
"""`list` → ListBucket on the bucket ARN with an ``s3:prefix`` condition."""

IAM_ACTIONS = {**OBJECT_ACTIONS, "list": LIST_ACTION}

PREFIX_KEY = "s3:prefix"
