"""IAM policy documents: the one spelling of the policy language version, documents from statements, and a
document's size as IAM counts it.

Contract: `policy_document(statements)` is ``{"Version": POLICY_VERSION, "Statement": [...]}``;
`size_of(document)` is the number of characters IAM counts against its limits: the JSON without whitespace;
`bind_arns(document, {placeholder: real})` swaps placeholder ARNs (`ampliform.iam.arns`) for the real ones in
every string value that is the placeholder or starts with it followed by ``/`` or ``:``.
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


def bind_arns(document: Mapping[str, Any], arns: Mapping[str, str]) -> Document:
    """A copy of `document` with each placeholder ARN in `arns` replaced by its real ARN."""
    ordered = sorted(arns.items(), key=lambda item: -len(item[0]))  # the longest placeholder first

    def swap(value: str) -> str:
        for placeholder, real in ordered:
            if value == placeholder:
                return real
            if value.startswith(placeholder) and value[len(placeholder)] in "/:":
                return real + value[len(placeholder):]
        return value

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return swap(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, Mapping):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(dict(document))
