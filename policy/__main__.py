"""The ampliform-security policy pack: `pulumi preview --policy-pack policy` runs this file.

Contract: constructs the one `PolicyPack`, named ``ampliform-security``, with every policy of
`policies.POLICIES` at enforcement level MANDATORY (any violation fails the preview or update).
Constructing it starts the analyzer's gRPC server and blocks until the CLI stops it, so nothing else may
import this file; the rules live in `policies.py`, where tests reach them.
"""

from policies import POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    "ampliform-security",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=POLICIES,
    description="ampliform security baseline: Cognito trust conditions, S3 bucket hardening, least-privilege"
    " role policies.",
)
