"""The access matrix: what each role may do at each of the user's paths, decided by evaluating policies.

Contract: `access_matrix(documents, arns, paths_by_bucket)` takes the policy documents attached to each role
(role key → documents), each bucket's ARN and each bucket's access paths, and returns rows
``{bucket, role, path, actions}``: per bucket, per row of `probes.folders` (an owner path shows its head,
the caller's own folder and another user's), per role, the actions (`get`, `list`, `write`, `delete`) the
evaluator allows for a key in that folder (a list of that folder for `list`). The caller is the probes' own
identity. Rows keep the paths' order, roles their given order. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ampliform.access.constants import INTERNAL_ACTIONS
from ampliform.iam.evaluate import evaluate, list_request, object_request
from ampliform.review.probes import OWN_IDENTITY, folders

Row = dict[str, Any]


def access_matrix(documents: Mapping[str, Sequence[Mapping[str, Any]]], arns: Mapping[str, str],
                  paths_by_bucket: Mapping[str, Sequence[str]]) -> list[Row]:
    """One row per (bucket, path label, role) with the actions allowed (see the module docstring)."""
    rows: list[Row] = []
    for bucket, paths in paths_by_bucket.items():
        arn = arns.get(bucket)
        if arn is None:
            continue
        labelled: dict[str, str] = {}
        for path in paths:
            for label, folder in folders(path).items():
                labelled.setdefault(label, folder)
        for label, folder in labelled.items():
            for role, docs in documents.items():
                actions = [a for a in INTERNAL_ACTIONS if evaluate(docs, (
                    list_request(arn, folder, OWN_IDENTITY) if a == "list"
                    else object_request(a, arn, folder + "file.txt", OWN_IDENTITY))).allowed]
                rows.append({"bucket": bucket, "role": role, "path": label, "actions": actions})
    return rows
