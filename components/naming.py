"""Resource names: user-written names (groups, buckets, models, role keys) as Pulumi resource-name fragments.

Part of the kernel (beside `errors` and `roles`): the components name resources with it, and the checks
refuse two names of one kind that would share a fragment (their resources would collide).

Contract: `slug(text)` is a lowercase fragment of letters, digits and dashes (``"x"`` when nothing is left);
`unique_slugs(names)` gives each name a distinct slug, in order (a colliding or empty slug gets its position
appended), for names whose collisions the checks cannot refuse (role keys).
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def slug(text: str) -> str:
    """`text` as a lowercase resource-name fragment (letters, digits, dashes)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def unique_slugs(names: Sequence[str]) -> dict[str, str]:
    """A distinct `slug` per name (a colliding or empty slug gets its position appended)."""
    out: dict[str, str] = {}
    for i, text in enumerate(names):
        candidate = slug(text)
        if candidate == "x" or candidate in out.values():
            candidate = f"{candidate}-{i}"
        out[text] = candidate
    return out
