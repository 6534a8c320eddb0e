"""The preview a person reads: the registered resources, the access matrix and each role's budget, as text.

Contract: `attached_documents(result)` reads a mock run's result (`ampliform.program.runner`) and returns,
per role key, the policy documents the program attached to it (inline ``RolePolicy`` documents and managed
``iam.Policy`` documents attached with ``RolePolicyAttachment``), roles known by their ``ampliform:role``
tag. `attached_size(policy, worst_cases)` measures one attached policy as IAM counts it, each ARN placeholder
counted at its resource's longest ARN (`worst_case_arns(result)`: buckets at `iam.budget.WORST_CASE_BUCKET_ARN`,
log groups and SSM parameters as the plan counts them; a placeholder not given counts as a bucket's), so it
can be compared with the budget.
`render(result, settings, definition, backend)` is the text: a header, the resource tree, the Auth section
(`ampliform.program.auth_summary`: each user pool's sign-in, MFA, attributes, providers, hosted UI), the access matrix
(`ampliform.review.matrix`, over the policies actually attached), the functions with their triggers and
schedules (`ampliform.functions.summary`), and the policy budget per role — the budget owner's numbers
(`ampliform.plan.backend`), not a second count — then the stack outputs.
"""

from __future__ import annotations

import json
from typing import Any

from ampliform.definition.model import Definition
from ampliform.definition.settings import Settings
from ampliform.functions.summary import function_lines
from ampliform.iam.budget import WORST_CASE_ARN_LENGTH, WORST_CASE_BUCKET_ARN
from ampliform.iam.document import size_of
from ampliform.plan.backend import BackendPlan
from ampliform.plan.contributions import log_group_placeholder, parameter_placeholder
from ampliform.program.auth_summary import auth_lines
from ampliform.program.placeholders import PLACEHOLDER, placeholder
from ampliform.review.data_access import OPERATIONS, DataCell, callers, data_matrix
from ampliform.review.matrix import access_matrix
from ampliform.review.safety import Destruction
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST

ROLE_TAG = "ampliform:role"
BUCKET_TAG = "ampliform:bucket"


def _role_documents(result: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Role label → [(kind, policy JSON)], kind ``inline`` or ``managed``, from the registered resources."""
    by_name = {r["name"]: r for r in result["resources"]}

    def label(ref: Any) -> str:
        match = PLACEHOLDER.fullmatch(str(ref))
        role = by_name.get(match.group(1)) if match else None
        if role is None:
            return str(ref)
        return (role["inputs"].get("tags") or {}).get(ROLE_TAG, role["name"])

    out: dict[str, list[tuple[str, str]]] = {}
    for r in result["resources"]:
        if r["type"] == "aws:iam/role:Role":
            out.setdefault(label(placeholder(r["name"], "id")), [])
        elif r["type"] == "aws:iam/rolePolicy:RolePolicy":
            out.setdefault(label(r["inputs"]["role"]), []).append(("inline", r["inputs"]["policy"]))
        elif r["type"] == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            match = PLACEHOLDER.fullmatch(str(r["inputs"].get("policyArn")))
            policy = by_name.get(match.group(1)) if match else None
            if policy is not None and policy["type"] == "aws:iam/policy:Policy":
                out.setdefault(label(r["inputs"]["role"]), []).append(("managed", policy["inputs"]["policy"]))
    return dict(sorted(out.items()))


def attached_documents(result: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Per role key (the identity-pool and function roles), the (kind, policy JSON) the program attached."""
    return {role: docs for role, docs in _role_documents(result).items()
            if role in (ROLE_AUTHENTICATED, ROLE_GUEST) or role.startswith(("group:", "function:"))}


def attached_size(policy: str, worst_cases: dict[str, int] | None = None) -> int:
    """A policy's size as IAM counts it, ARN placeholders counted at their longest (see the module docstring)."""

    def longest(match: Any) -> str:
        if match.group(2) != "arn":
            return str(match.group(0))
        return "a" * (worst_cases or {}).get(match.group(1), len(WORST_CASE_BUCKET_ARN))

    return size_of(json.loads(PLACEHOLDER.sub(longest, policy)))


def worst_case_arns(result: dict[str, Any]) -> dict[str, int]:
    """The longest ARN of each resource a policy may name (buckets, log groups, SSM parameters), by name."""
    out: dict[str, int] = {}
    for r in result["resources"]:
        if r["type"] == "aws:s3/bucket:Bucket":
            out[r["name"]] = len(WORST_CASE_BUCKET_ARN)
        elif r["type"] == "aws:cloudwatch/logGroup:LogGroup":
            out[r["name"]] = log_group_placeholder("").worst_case
        elif r["type"] == "aws:ssm/parameter:Parameter":
            out[r["name"]] = parameter_placeholder("", str(r["inputs"].get("name", "")).rsplit("/", 1)[-1]).worst_case
    return out


def bucket_arns(result: dict[str, Any]) -> dict[str, str]:
    """Each bucket's ARN (a placeholder) by its friendly name (the ``ampliform:bucket`` tag)."""
    return {str((r["inputs"].get("tags") or {}).get(BUCKET_TAG)): placeholder(r["name"], "arn")
            for r in result["resources"] if r["type"] == "aws:s3/bucket:Bucket"}


def matrix_of(result: dict[str, Any], definition: Definition) -> list[dict[str, Any]]:
    """The access matrix over the policies the program attached, with the definition's paths as rows."""
    documents = {role: [json.loads(text) for _, text in docs] for role, docs in attached_documents(result).items()}
    paths = {b.name: list(b.access or {}) for b in definition.buckets}
    return access_matrix(documents, bucket_arns(result), paths)


def data_matrix_of(result: dict[str, Any], definition: Definition) -> list[DataCell]:
    """The Data access matrix over the IAM policies the program attached (the API's ARN a placeholder)."""
    api = next((placeholder(r["name"], "arn") for r in result["resources"]
                if r["type"] == "aws:appsync/graphQLApi:GraphQLApi"), "")
    documents = {role: [json.loads(text) for _, text in docs] for role, docs in attached_documents(result).items()}
    return data_matrix(definition, documents, api)


def render_data_matrix(cells: list[DataCell], columns: list[str]) -> list[str]:
    """Per model, one row per operation, one column per caller (``own``: only records the caller owns)."""
    lines = ["Data access (model x operation x caller; own = only the records the caller owns)"]
    decided = {(c.model, c.operation, c.caller): c.decision for c in cells}
    for model in dict.fromkeys(c.model for c in cells):
        rows = [["model " + model, *columns]]
        rows += [[op, *(("-" if decided[(model, op, who)] == "deny" else decided[(model, op, who)])
                        for who in columns)] for op in OPERATIONS]
        lines += table_rows(rows)
    return lines


def table_rows(rows: list[list[str]]) -> list[str]:
    """Rows as aligned columns, indented."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def render(result: dict[str, Any], settings: Settings, definition: Definition, backend: BackendPlan) -> str:
    """The human preview: resource tree, access matrix, policy budgets, outputs."""
    lines = [f"ampliform preview: stack {settings.stack} ({settings.env}, {settings.region}), "
             f"{len(result['resources'])} resources, offline (mocks)", "", "Resources (type  name  [options])"]
    depth: dict[str | None, int] = {None: 0}
    for r in result["resources"]:
        depth[r["name"]] = depth.get(r["parent"], 0) + 1
        flags = [k for k in ("protect", "retainOnDelete") if r["options"][k]]
        suffix = f"  [{', '.join(flags)}]" if flags else ""
        lines.append(f"{'  ' * depth[r['name']]}{r['type']}  {r['name']}{suffix}")
    lines += ["", "Auth (what each user pool was built with)", *auth_lines(result, definition, settings)]
    lines += ["", "Access matrix (role x path x actions; <own id> is the caller's identity id)"]
    matrix = matrix_of(result, definition)
    width_role = max([len(m["role"]) for m in matrix] + [4])
    width_path = max([len(m["path"]) for m in matrix] + [4])
    for bucket in definition.buckets:
        lines.append(f"  bucket {bucket.name}")
        lines.append(f"    {'role'.ljust(width_role)}  {'path'.ljust(width_path)}  actions")
        for m in (m for m in matrix if m["bucket"] == bucket.name):
            actions = ", ".join(m["actions"]) or "-"
            lines.append(f"    {m['role'].ljust(width_role)}  {m['path'].ljust(width_path)}  {actions}")
    if definition.data is not None:
        lines += ["", *render_data_matrix(data_matrix_of(result, definition), callers(definition))]
    lines += function_lines(result["resources"])
    lines += ["", "Policy budget per role (IAM characters without whitespace; bucket ARNs counted at their "
              f"longest, {WORST_CASE_ARN_LENGTH} characters)"]
    for role, budget in backend.budgets.items():
        limits = budget.limits
        room = limits.inline
        managed = budget.managed_sizes
        sizes = f" ({', '.join(f'{n:,}' for n in managed)})" if managed else ""
        lines.append(f"  {role}: inline {budget.inline_size:,} / {room:,} ({100 * budget.inline_size / room:.1f}%), "
                     f"managed {len(managed)} / {limits.managed_quota}{sizes}")
    lines += ["", "Outputs"]
    lines += [f"  {k} = {json.dumps(v, sort_keys=True)}" for k, v in sorted(result["outputs"].items())]
    return "\n".join(lines)


def render_destructions(destructions: list[Destruction]) -> str:
    """What the update would delete or replace (data-bearing first), or that it destroys nothing."""
    if not destructions:
        return "Change safety: against the deployed state, the update deletes and replaces nothing."
    losses = [d for d in destructions if d.data_bearing]
    lines = [f"Change safety: against the deployed state, the update would delete or replace "
             f"{len(destructions)} resource{'s' if len(destructions) != 1 else ''}"
             + (f", {len(losses)} of them holding data:" if losses else " (none holding data):")]
    for d in destructions:
        marker = "DATA LOSS" if d.data_bearing else d.action
        lines.append(f"  {marker}  {d.describe()}")
        lines.append(f"      {d.urn}")
    return "\n".join(lines)
