"""Where the vendored reference data lives: `tests/reference/` (what real Amplify generates; see its README)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference" / "amplify"
CASES = REFERENCE / "cases"
DATA_REFERENCE = REFERENCE / "data"
AUTH_REFERENCE = REFERENCE / "auth"
FUNCTIONS_REFERENCE = REFERENCE / "functions"
OUTPUTS_SCHEMA = REFERENCE / "schema" / "amplify_outputs_schema_v1.5.json"

DEFAULT_MODE_REJECTS = {"example-nested-owner": 'storage.access["b/a/{entity_id}/*"]'}
"""Cases Amplify accepts whose default-mode meaning IAM cannot express, with where the error must point.
``example-nested-owner``: the owner keeps their own ``b/a/<id>/`` (read) while other users' folders there are
guest-only, below the signed-in ``b/``; Amplify's explicit deny on ``b/a/*`` hides the owner's folder too
(compat reproduces that, `test_conformance.test_compat_mode_matches_amplify`)."""
