"""The data part of a definition (`data.models`).

Placeholder shape until the Data component lands: a mapping of model names to model definitions.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from components.access.model import StrictModel


class DataSpec(StrictModel):
    """`data:` in a definition."""

    models: dict[str, Any] = Field(default_factory=dict, description="Model name → model definition.")
