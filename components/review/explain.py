"""`explain`: may this role do this action on this key? And which statement and which path decided.

Contract: `explain(compiled, access_map, role, action, target, identity)` evaluates the role's compiled
policies (the same documents Storage attaches) for `get`/`list`/`write`/`delete` (`read` = `get` and `list`)
and returns, per request, the decision, the reason, the deciding statement, and the definition path whose
rules decide under "the longest matching path decides" (None when no path covers the target).
"""

from __future__ import annotations

from typing import Any

from ampliform.access.normalize import rule_folder
from ampliform.definition.storage import AccessMap
from ampliform.iam.evaluate import evaluate, list_request, object_request
from ampliform.plan.backend import CompiledBucket


def deciding_path(access_map: AccessMap, target: str, identity: str | None) -> str | None:
    """The access path whose rules decide `target` (longest effective prefix; owner folder with its twin)."""
    best: tuple[int, str] | None = None
    for raw_path, rules in access_map.items():
        for rule in rules:
            prefix = rule_folder(raw_path, rule, identity)
            if prefix is not None and target.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), raw_path)
    return best[1] if best else None


def explain(compiled: CompiledBucket, access_map: AccessMap, role: str, action: str, target: str,
            identity: str | None) -> dict[str, Any]:
    """The decision for each request `action` stands for, and the overall one."""
    actions = ["get", "list"] if action == "read" else [action]
    documents = compiled.roles.get(role, [])
    results = []
    for a in actions:
        request = (list_request(compiled.arn, target, identity) if a == "list"
                   else object_request(a, compiled.arn, target, identity))
        decision = evaluate(documents, request)
        results.append({"action": a, "target": target, **decision.to_json(),
                        "path": deciding_path(access_map, target, identity)})
    allowed = all(r["decision"] == "allow" for r in results)
    return {"bucket": compiled.name, "role": role, "identity": identity,
            "decision": "allow" if allowed else "deny", "requests": results}
