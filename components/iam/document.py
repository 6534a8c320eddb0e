"""IAM policy documents: the one spelling of the policy language version, documents from statements, and a
document's size as IAM counts it.

Contract: `policy_document(statements)` is ``{"Version": POLICY_VERSION, "Statement": [...]}``;
`size_of(document)` is the number of characters IAM counts against its limits: the JSON without whitespace.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

POLICY_VERSION = "2012-10-17"
"""The IAM policy language version every document ampliform writes uses."""

Statement = dict[str, Any]
Document = dict[str, Any]


def policy_document(statements: Iterable[Mapping[str, Any]]) -> Document:
    """A policy document holding `statements` (in the given order)."""
    return {"Version": POLICY_VERSION, "Statement": [dict(s) for s in statements]}


def size_of(document: Mapping[str, Any]) -> int:
    """Characters IAM counts: the JSON without whitespace."""
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False))
