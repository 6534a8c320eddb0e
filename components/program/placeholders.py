"""Placeholders: how a preview shows values known only after deployment (``<resource-name.attribute>``).

Contract: `placeholder(resource, attribute)` spells one; `PLACEHOLDER` matches one exactly (group 1 the
resource name, group 2 the attribute); `placeholders(value)` lists every placeholder in a JSON value, sorted.
Never ``${...}``: that is IAM's variable syntax. The one place this syntax is defined.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = re.compile(r"<([^<>\s]+)\.([A-Za-z]+)>")


def placeholder(resource: str, attribute: str) -> str:
    """How a value known only after deployment is shown."""
    return f"<{resource}.{attribute}>"


def placeholders(value: Any) -> list[str]:
    """Every ``<resource.attribute>`` placeholder in `value` (values known only after deployment), sorted."""
    if isinstance(value, str):
        return [value] if PLACEHOLDER.fullmatch(value) else []
    if isinstance(value, Mapping):
        return sorted({p for v in value.values() for p in placeholders(v)})
    if isinstance(value, list):
        return sorted({p for v in value for p in placeholders(v)})
    return []
