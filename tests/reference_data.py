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
