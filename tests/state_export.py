"""A `pulumi stack export` document built from an offline preview: the state a deployment of that preview
would leave (version 3: the root stack, a default provider, then every registered resource with its engine
URN, type, inputs, parent, protect flag and custom flag). Tests use it as the "deployed" state that a changed
definition is checked against."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def state_of(result: dict[str, Any], stack: str, project: str = "ampliform") -> dict[str, Any]:
    root = f"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}"
    provider = f"urn:pulumi:{stack}::{project}::pulumi:providers:aws::default_7_51_1"
    by_name = {r["name"]: r for r in result["resources"]}
    resources: list[dict[str, Any]] = [
        {"urn": root, "custom": False, "type": "pulumi:pulumi:Stack", "outputs": result["outputs"]},
        {"urn": provider, "custom": True, "id": "4d1f0000-0000-0000-0000-000000000000", "type": "pulumi:providers:aws",
         "inputs": {"region": "eu-west-1"}, "outputs": {"region": "eu-west-1"}},
    ]
    for r in result["resources"]:
        parent = by_name[r["parent"]]["urn"] if r["parent"] else root
        entry: dict[str, Any] = {"urn": r["urn"], "custom": r["options"]["custom"], "type": r["type"],
                                 "inputs": r["inputs"], "outputs": r["inputs"], "parent": parent}
        if r["options"]["custom"]:
            entry["id"] = f"{r['name']}-id"
            entry["provider"] = f"{provider}::4d1f0000-0000-0000-0000-000000000000"
        if r["options"]["protect"]:
            entry["protect"] = True
        resources.append(entry)
    return {"version": 3, "deployment": {"manifest": {"time": "2026-12-01T00:00:00Z", "magic": "", "version": "v3"},
                                         "secrets_providers": {"type": "passphrase"}, "resources": resources}}


def write_state(result: dict[str, Any], stack: str, path: Path) -> Path:
    path.write_text(json.dumps(state_of(result, stack), indent=2))
    return path
