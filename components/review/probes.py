"""Probe requests built from access paths: the requests on which two policy sets are compared by effect.

Contract: `probes(paths, own, other)` returns a sorted, de-duplicated list of `Probe(action, target)`: for
every path (``{entity_id}`` replaced by the caller's own identity id, by another user's, and removed), object
keys inside, below, beside and above it, and list prefixes likewise (plus the bucket root and "no prefix").
The caller is always the `own` identity. `Probe.request(arn, identity)` turns one into an evaluator request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ampliform.access.constants import ENTITY_TOKEN, OBJECT_ACTIONS
from ampliform.iam.evaluate import Request, list_request, object_request

OWN_IDENTITY = "eu-west-1:11111111-1111-4111-8111-111111111111"
OTHER_IDENTITY = "eu-west-1:22222222-2222-4222-8222-222222222222"


@dataclass(frozen=True, order=True)
class Probe:
    """An action on a key (get/write/delete) or a list prefix (list; None = no prefix)."""

    action: str
    target: str | None

    def request(self, bucket_arn: str, identity: str | None) -> Request:
        if self.action == "list":
            return list_request(bucket_arn, self.target, identity)
        assert self.target is not None
        return object_request(self.action, bucket_arn, self.target, identity)

    def describe(self) -> str:
        return f"{self.action} {self.target!r}" if self.target is not None else f"{self.action} (no prefix)"


OWN_LABEL = "<own id>"
OTHER_LABEL = "<other id>"


def folders(path: str, own: str = OWN_IDENTITY, other: str = OTHER_IDENTITY) -> dict[str, str]:
    """The folders (ending in ``/``) an access path stands for, by label: for an owner path ``X/{entity_id}/*``
    its head ``X/*`` (→ ``X/``), the caller's own folder ``X/<own id>/*`` and another user's
    ``X/<other id>/*``; for any other path the path itself."""
    base = path[:-1] if path.endswith("*") else path
    if ENTITY_TOKEN not in base:
        return {path: base}
    head = base.split(ENTITY_TOKEN, 1)[0]
    return {head + "*": head,
            base.replace(ENTITY_TOKEN, OWN_LABEL) + "*": base.replace(ENTITY_TOKEN, own),
            base.replace(ENTITY_TOKEN, OTHER_LABEL) + "*": base.replace(ENTITY_TOKEN, other)}


def _around(folder: str) -> tuple[list[str], list[str | None]]:
    """Keys and list prefixes inside, below, beside and above one folder."""
    trimmed = folder.rstrip("/")
    parent = trimmed.rsplit("/", 1)[0] + "/" if "/" in trimmed else ""
    beside = trimmed + "-x/"
    keys = [folder + "file.txt", folder + "sub/file.txt", folder + "sub/deep/file.txt", folder,
            beside + "file.txt", parent + "file.txt", trimmed]
    prefixes: list[str | None] = [folder, folder + "sub/", folder + "sub/deep/", trimmed, beside, parent]
    return [k for k in keys if k], prefixes


def probes(paths: Iterable[str], own: str = OWN_IDENTITY, other: str = OTHER_IDENTITY) -> list[Probe]:
    """Every probe for a set of access paths (the caller's identity is `own`)."""
    found: set[Probe] = {Probe("list", ""), Probe("list", None)}
    for path in paths:
        for folder in folders(path, own, other).values():
            keys, prefixes = _around(folder)
            found.update(Probe(a, k) for k in keys for a in OBJECT_ACTIONS)
            found.update(Probe("list", p) for p in prefixes)
    return sorted(found, key=lambda p: (p.action, p.target or ""))
