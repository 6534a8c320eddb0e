"""`ampliform preview`: run the Pulumi program offline, under mocks, for one stack, and show the plan.

Contract:
- `run_preview(stack, project_dir)` reads ``stacks/Pulumi.<stack>.yaml``, checks its settings (a
  `DefinitionError` naming the key otherwise), runs ``__main__.py`` under `PreviewMocks` with that config and
  returns ``{"resources": [...], "outputs": {...}}``: each resource as ``type``, ``name``, ``parent`` (the
  parent's name; None at the top), ``inputs`` (provider names, as the provider would receive them) and
  ``options`` (``protect``, ``retainOnDelete``, ``dependencies``: names of the resources it waits for), in
  tree order (children after their parent, siblings by type then name); ``outputs`` are the stack exports.
  Values known only after deployment are placeholders ``<resource-name.attribute>`` (never ``${...}``,
  IAM's variable syntax).
- `access_matrix` and `role_budgets` read that result: role × path × actions (by evaluating the attached
  policies, the user's paths as rows) and each role's policy size as IAM counts it.
- `preview_command` is the click command (``--stack``, ``--json``). User errors print each problem to stderr
  and exit 2; no traceback. pulumi is imported only when a preview runs, so the rest of the CLI stays fast.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import yaml

from components.access.budget import INLINE_LIMIT, MANAGED_LIMIT, WORST_CASE_ARN_LENGTH, size_of
from components.errors import DefinitionError
from components.settings import Settings, parse_settings, read_stack_file

PLACEHOLDER = re.compile(r"<([^<>\s]+)\.([A-Za-z]+)>")
ARN_WORST_CASE = "arn:aws-us-gov:s3:::" + "b" * (WORST_CASE_ARN_LENGTH - len("arn:aws-us-gov:s3:::"))
"""An ARN placeholder is measured at the longest ARN a bucket can have (as the budget does)."""
"""Bucket ARNs are placeholders in a preview; sizes count them at their maximum (63-character names)."""

COMPUTED: dict[str, tuple[str, ...]] = {
    "aws:s3/bucket:Bucket": ("bucket", "bucketDomainName", "bucketRegionalDomainName"),
    "aws:cognito/userPool:UserPool": ("endpoint",),
    "aws:appsync/function:Function": ("functionId",),
}
"""Attributes, beyond ``id``, ``arn`` and ``name``, that the provider computes for these types."""

COMPUTED_MAPS: dict[str, dict[str, tuple[str, ...]]] = {
    "aws:appsync/graphQLApi:GraphQLApi": {"uris": ("GRAPHQL", "REALTIME")},
}
"""Computed map attributes: each key's value is a placeholder ``<resource.attribute.key>``."""


def placeholder(resource: str, attribute: str) -> str:
    """How a value known only after deployment is shown."""
    return f"<{resource}.{attribute}>"


def _mocks(region: str) -> Any:
    import pulumi
    from pulumi.runtime import mocks as pulumi_mocks

    class PreviewMocks(pulumi.runtime.Mocks):
        """Computed attributes become placeholders; invokes answer for the stack's region."""

        def __init__(self) -> None:
            self.inputs: dict[tuple[str, str], dict[str, Any]] = {}

        def new_resource(self, args: Any) -> Any:
            self.inputs[(args.typ, args.name)] = dict(args.inputs)
            if not args.custom:
                return "", dict(args.inputs)
            out = dict(args.inputs)
            for attribute in ("arn", "name", *COMPUTED.get(args.typ, ())):
                out.setdefault(attribute, placeholder(args.name, attribute))
            for attribute, keys in COMPUTED_MAPS.get(args.typ, {}).items():
                out.setdefault(attribute, {k: placeholder(args.name, f"{attribute}.{k}") for k in keys})
            return placeholder(args.name, "id"), out

        def call(self, args: Any) -> Any:
            if args.token == "aws:index/getRegion:getRegion":
                return {"region": region, "name": region, "id": region}
            if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
                return {"accountId": "<aws.accountId>", "arn": "<aws.callerArn>", "userId": "<aws.userId>",
                        "id": "<aws.accountId>"}
            if args.token == "aws:index/getPartition:getPartition":
                return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
            return {}

    class PreviewMonitor(pulumi_mocks.MockMonitor):
        """Records each registration's parent and options, which `Mocks` does not see."""

        def __init__(self, mocks: PreviewMocks):
            super().__init__(mocks)
            self.registrations: dict[str, dict[str, Any]] = {}

        def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
            try:
                response = super().RegisterResource(request)
            finally:
                _close_worker_loop()
            if request.type != "pulumi:pulumi:Stack":
                self.registrations[response.urn] = {
                    "type": request.type, "name": request.name, "parent": request.parent,
                    "protect": bool(request.protect), "retainOnDelete": bool(request.retainOnDelete),
                    "dependencies": list(request.dependencies)}
            return response

        def Invoke(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
            try:
                return super().Invoke(request)
            finally:
                _close_worker_loop()

        def ReadResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
            try:
                return super().ReadResource(request)
            finally:
                _close_worker_loop()

    mocks = PreviewMocks()
    return mocks, PreviewMonitor(mocks)


def _close_worker_loop() -> None:
    """Close the event loop pulumi's mock monitor opens on a worker thread for each call. Left open, such
    loops are torn down at interpreter exit and print a traceback (``Invalid file descriptor: -1``)."""
    import asyncio
    import threading

    if threading.current_thread() is threading.main_thread():
        return
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # none on this thread
        return
    if not loop.is_running():
        loop.close()
        asyncio.set_event_loop(None)


def _project_name(project_dir: Path) -> str:
    try:
        document = yaml.safe_load((project_dir / "Pulumi.yaml").read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return "ampliform"
    return str(document.get("name") or "ampliform")


def _run(stack: str, project_dir: Path) -> tuple[dict[str, Any], Settings]:
    config, source = read_stack_file(project_dir, stack)
    settings = parse_settings(config, stack, source)
    import runpy

    import pulumi

    mocks, monitor = _mocks(settings.region)
    pulumi.runtime.settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=_project_name(project_dir), stack=stack, preview=False,
                             monitor=monitor)
    pulumi.runtime.set_all_config(config)
    exports: dict[str, Any] = {}

    def program() -> Any:
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")
        root = pulumi.runtime.settings.get_root_resource()
        return pulumi.Output.from_input(dict(root.outputs)).apply(exports.update)  # type: ignore[union-attr]

    sys.path.insert(0, str(project_dir))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            pulumi.runtime.test(program)()
    finally:
        sys.path.remove(str(project_dir))
        pulumi.runtime.set_all_config({})
    return {"resources": _tree(monitor.registrations, mocks.inputs), "outputs": _clean(exports)}, settings


def run_preview(stack: str, project_dir: Path) -> dict[str, Any]:
    """The offline plan of `stack`: ``{"resources": [...], "outputs": {...}}`` (see the module docstring)."""
    return _run(stack, Path(project_dir).resolve())[0]


def _tree(registrations: dict[str, dict[str, Any]], inputs: dict[tuple[str, str], dict]) -> list[dict]:
    name_of = {urn: r["name"] for urn, r in registrations.items()}
    children: dict[str | None, list[str]] = {}
    for urn, r in registrations.items():
        children.setdefault(name_of.get(r["parent"]), []).append(urn)
    ordered: list[dict] = []

    def visit(parent: str | None) -> None:
        for urn in sorted(children.get(parent, []), key=lambda u: (registrations[u]["type"], name_of[u])):
            r = registrations[urn]
            deps = sorted({name_of[d] for d in r["dependencies"] if d in name_of})
            ordered.append({
                "type": r["type"], "name": r["name"], "parent": name_of.get(r["parent"]),
                "inputs": _clean(inputs.get((r["type"], r["name"]), {})),
                "options": {"protect": r["protect"], "retainOnDelete": r["retainOnDelete"], "dependencies": deps},
            })
            visit(r["name"])

    visit(None)
    return ordered


def _clean(value: Any) -> Any:
    """Plain JSON data: integral floats (the wire format's numbers) back to ints, keys sorted on output."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


# --- reading a preview: who may do what, and how big the policies are -------------------------------------

def _documents_by_role(result: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Role label → [(kind, policy JSON)], kind ``inline`` or ``managed``, from the registered resources."""
    by_name = {r["name"]: r for r in result["resources"]}

    def label(ref: Any) -> str:
        match = PLACEHOLDER.fullmatch(str(ref))
        role = by_name.get(match.group(1)) if match else None
        if role is None:
            return str(ref)
        return (role["inputs"].get("tags") or {}).get("ampliform:role", role["name"])

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


def iam_size(policy: str) -> int:
    """A policy's size as IAM counts it (`budget.size_of`: JSON without whitespace), ARN placeholders counted
    at the longest bucket ARN."""
    text = PLACEHOLDER.sub(lambda m: ARN_WORST_CASE if m.group(2) == "arn" else m.group(0), policy)
    return size_of(json.loads(text))


def role_budgets(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per role: inline size (against the 10,240 limit), managed policies and their sizes."""
    budgets = {}
    for role, docs in _documents_by_role(result).items():
        budgets[role] = {
            "inline": sum(iam_size(text) for kind, text in docs if kind == "inline"),
            "inline_limit": INLINE_LIMIT,
            "managed": [iam_size(text) for kind, text in docs if kind == "managed"],
            "managed_limit": MANAGED_LIMIT,
        }
    return budgets


def _rows(paths: Iterable[str], own: str, other: str) -> dict[str, str]:
    """Row label → folder probed, for the user's access paths (``{entity_id}``: own, other, the head)."""
    from components.access.constants import ENTITY_TOKEN

    rows: dict[str, str] = {}
    for path in paths:
        base = path[:-1] if path.endswith("*") else path
        if ENTITY_TOKEN in base:
            head = base.split(ENTITY_TOKEN, 1)[0]
            rows.setdefault(head + "*", head)
            rows.setdefault(base.replace(ENTITY_TOKEN, "<own id>") + "*", base.replace(ENTITY_TOKEN, own))
            rows.setdefault(base.replace(ENTITY_TOKEN, "<other id>") + "*", base.replace(ENTITY_TOKEN, other))
        else:
            rows.setdefault(path, base)
    return rows


def access_matrix(result: dict[str, Any], paths_by_bucket: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Rows ``{bucket, role, path, actions}``: what each role may do at each of the user's paths, decided by
    evaluating the policies the program attached (the caller is ``<own id>``)."""
    from components.access.evaluate import evaluate, list_request, object_request
    from components.access.probes import OTHER_IDENTITY, OWN_IDENTITY

    arn_of = {(r["inputs"].get("tags") or {}).get("ampliform:bucket"): placeholder(r["name"], "arn")
              for r in result["resources"] if r["type"] == "aws:s3/bucket:Bucket"}
    documents = {role: [json.loads(text) for _, text in docs] for role, docs in _documents_by_role(result).items()
                 if role in ("authenticated", "guest") or role.startswith(("group:", "function:"))}
    matrix = []
    for bucket, paths in paths_by_bucket.items():
        arn = arn_of.get(bucket)
        if arn is None:
            continue
        for label, folder in _rows(paths, OWN_IDENTITY, OTHER_IDENTITY).items():
            for role, docs in documents.items():
                actions = [a for a in ("get", "list", "write", "delete") if evaluate(docs, (
                    list_request(arn, folder, OWN_IDENTITY) if a == "list"
                    else object_request(a, arn, folder + "file.txt", OWN_IDENTITY))).allowed]
                matrix.append({"bucket": bucket, "role": role, "path": label, "actions": actions})
    return matrix


def render(result: dict[str, Any], settings: Settings, paths_by_bucket: dict[str, list[str]]) -> str:
    """The human preview: resource tree, access matrix, policy budgets, outputs."""
    lines = [f"ampliform preview: stack {settings.stack} ({settings.env}, {settings.region}), "
             f"{len(result['resources'])} resources, offline (mocks)", "", "Resources (type  name  [options])"]
    depth: dict[str | None, int] = {None: 0}
    for r in result["resources"]:
        depth[r["name"]] = depth.get(r["parent"], 0) + 1
        flags = [k for k in ("protect", "retainOnDelete") if r["options"][k]]
        suffix = f"  [{', '.join(flags)}]" if flags else ""
        lines.append(f"{'  ' * depth[r['name']]}{r['type']}  {r['name']}{suffix}")
    lines += ["", "Access matrix (role x path x actions; <own id> is the caller's identity id)"]
    matrix = access_matrix(result, paths_by_bucket)
    width_role = max([len(m["role"]) for m in matrix] + [4])
    width_path = max([len(m["path"]) for m in matrix] + [4])
    for bucket in paths_by_bucket:
        lines.append(f"  bucket {bucket}")
        lines.append(f"    {'role'.ljust(width_role)}  {'path'.ljust(width_path)}  actions")
        for m in (m for m in matrix if m["bucket"] == bucket):
            actions = ", ".join(m["actions"]) or "-"
            lines.append(f"    {m['role'].ljust(width_role)}  {m['path'].ljust(width_path)}  {actions}")
    lines += ["", f"Policy size per role (IAM characters without whitespace; inline limit {INLINE_LIMIT:,}, "
              f"managed {MANAGED_LIMIT:,} each; bucket ARNs counted at their longest, "
              f"{WORST_CASE_ARN_LENGTH} characters)"]
    for role, b in role_budgets(result).items():
        managed = f", managed {len(b['managed'])} ({', '.join(map(str, b['managed']))})" if b["managed"] else ""
        lines.append(f"  {role}: inline {b['inline']:,} / {INLINE_LIMIT:,} ({100 * b['inline'] / INLINE_LIMIT:.1f}%)"
                     f"{managed}")
    lines += ["", "Outputs"]
    lines += [f"  {k} = {json.dumps(v, sort_keys=True)}" for k, v in sorted(result["outputs"].items())]
    return "\n".join(lines)


def _paths_by_bucket(settings: Settings, project_dir: Path) -> dict[str, list[str]]:
    from components.loader import load_definition

    definition = load_definition(project_dir / settings.definition)
    return {b.name: list(b.access or {}) for b in definition.buckets}


@click.command("preview")
@click.option("--stack", default="dev", show_default=True, help="Stack whose stacks/Pulumi.<stack>.yaml to use.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON (resources and outputs).")
@click.option("--project-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The Pulumi project (Pulumi.yaml, __main__.py, stacks/).")
def preview_command(stack: str, as_json: bool, project_dir: Path) -> None:
    """Run the Pulumi program offline (mocks) for STACK: resources, access matrix, policy sizes."""
    project_dir = project_dir.resolve()
    try:
        result, settings = _run(stack, project_dir)
        paths = {} if as_json else _paths_by_bucket(settings, project_dir)
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(problem.render(), err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(result, indent=2, sort_keys=True))
    else:
        click.echo(render(result, settings, paths))
