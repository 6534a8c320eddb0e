"""A deployed stack's state, as ``pulumi stack export`` writes it, read defensively.

Contract: `read_state(path)` reads the JSON document (``{"version": 3, "deployment": {"resources": [...]}}``;
each resource with at least ``urn`` and ``type``, and ``custom``, ``inputs``, ``protect`` as the engine writes
them) and returns the resources, or raises `DefinitionError` naming the file and what is wrong with it (not
JSON, not a stack export, a resource without a URN). Secret values stay as the export wrote them (encrypted
unless ``--show-secrets``): change safety needs only the non-secret inputs that force replacement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ampliform.definition.load import read_document
from ampliform.errors import DefinitionError, Problem

FIX = "Write it with `pulumi stack export --stack <stack> --file <file>`."
MAX_STATE_BYTES = 512 * 1024 * 1024
"""The largest state file read: an export holds every resource's inputs and outputs (a large app's is tens of
megabytes), far more than the definitions and settings files the default limit is for."""


def read_state(path: str | Path) -> list[dict[str, Any]]:
    """The resources of a ``pulumi stack export`` file (see the module docstring)."""
    document = read_document(Path(path), as_json=True, limit=MAX_STATE_BYTES)
    deployment = document.get("deployment") if isinstance(document, dict) else None
    if not isinstance(deployment, dict) or not isinstance(document.get("version"), int):
        raise DefinitionError(Problem(f"{path} is not a `pulumi stack export` document", str(path), FIX))
    resources = deployment.get("resources") or []
    if not isinstance(resources, list):
        raise DefinitionError(Problem(f"{path}: `deployment.resources` is not a list", str(path), FIX))
    problems = [Problem(f"{path}: resource {i} has no `urn` and `type`", f"{path}: deployment.resources[{i}]", FIX)
                for i, r in enumerate(resources)
                if not (isinstance(r, dict) and isinstance(r.get("urn"), str) and isinstance(r.get("type"), str))]
    DefinitionError.raise_if(problems)
    return resources
