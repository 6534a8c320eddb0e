"""Where the shared reference data lives: ``shared/`` beside the repository (as in CI and on a fresh clone)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "amplify"
CASES = CONFORMANCE / "cases"
DATA_REFERENCE = CONFORMANCE / "data"
OUTPUTS_SCHEMA = CONFORMANCE / "schema" / "amplify_outputs_schema_v1.5.json"
