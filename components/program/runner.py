"""The mock runner: the Pulumi program run offline, under mocks, for one stack; the registered plan as data.

Contract: `run_program(stack, project_dir)` reads ``stacks/Pulumi.<stack>.yaml``, checks its settings (a
`DefinitionError` naming the key otherwise) and the project (a Pulumi.yaml, when there is one, must be a
YAML mapping with a string `name`; ``__main__.py`` must be a file: `project_name`, `program_file`; every file
read through `ampliform.definition.read.read_document`, so a directory, FIFO, non-UTF-8 or invalid file is a
located error), runs ``__main__.py`` under `PreviewMocks` with that config and
returns ``({"resources": [...], "outputs": {...}}, settings)``: each resource as ``type``, ``name``,
``parent`` (the parent's name; None at the top), ``inputs`` (provider names, as the provider would receive
them), ``urn`` (as the engine writes it in a stack's state) and ``options`` (``protect``, ``retainOnDelete``,
``dependencies``: names of the resources it waits for, ``custom``, ``aliases``: the URNs it was known by
before), in tree order (children after their parent, siblings by type then name); ``outputs`` are the stack
exports. Values known only after deployment are placeholders (`ampliform.program.placeholders`). Secrets
never show: a stack file's ``secure:`` values (which only the Pulumi CLI can decrypt) reach the program as
``[secret]``, their keys marked secret, and every secret input is shown as ``[secret]``; an archive shows as
``{"archive": <path, relative to the project when inside it>}``.
`run_preview` returns the result alone. pulumi is imported only when a program runs.
"""

from __future__ import annotations

import contextlib
import gc
import json
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ampliform.definition.read import read_document
from ampliform.definition.settings import Settings, parse_settings, read_stack_file
from ampliform.errors import DefinitionError, Problem
from ampliform.program.placeholders import placeholder

COMPUTED: dict[str, tuple[str, ...]] = {
    "aws:s3/bucket:Bucket": ("bucket", "bucketDomainName", "bucketRegionalDomainName"),
    "aws:cognito/userPool:UserPool": ("endpoint",),
    "aws:appsync/function:Function": ("functionId",),
    "aws:appsync/apiKey:ApiKey": ("key",),
}
"""Attributes, beyond ``id``, ``arn`` and ``name``, that the provider computes for these types."""

SECRET = "[secret]"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
"""How pulumi marks a secret value on the wire (``pulumi.runtime.rpc``'s special signature key and secret
signature): a mapping ``{SIG_KEY: SECRET_SIG, "value": ...}``."""

COMPUTED_MAPS: dict[str, dict[str, tuple[str, ...]]] = {
    "aws:appsync/graphQLApi:GraphQLApi": {"uris": ("GRAPHQL", "REALTIME")},
}
"""Computed map attributes: each key's value is a placeholder ``<resource.attribute.key>``."""


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
                    "dependencies": list(request.dependencies), "custom": bool(request.custom),
                    "aliases": [_alias(a) for a in request.aliases]}
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


@contextlib.contextmanager
def lean_collection() -> Iterator[None]:
    """Collect cyclic garbage rarely: a mock run (and what reads its result) allocates many short-lived objects
    and few cycles, and the collector's passes over everything imported before (frozen here) took a third of
    a large preview. Memory stays the same; the thresholds and the frozen objects are restored after. Nests."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextlib.contextmanager
def _without_source_positions() -> Iterator[None]:
    """Skip the SDK's stack walk for every registration: it tells the engine which line created a resource,
    which an offline preview never shows, and it costs a fifth of a large preview's time. Restored after."""
    from pulumi.runtime import resource as runtime_resource
    from pulumi.runtime.proto import source_pb2

    original = runtime_resource._get_stack_trace
    runtime_resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        runtime_resource._get_stack_trace = original


def _alias(alias: Any) -> dict[str, Any]:
    """An alias as sent to the engine: a URN, or a spec (name, type, parent) relative to the resource."""
    if alias.WhichOneof("alias") == "urn":
        return {"urn": alias.urn}
    spec = alias.spec
    return {"name": spec.name, "type": spec.type, "stack": spec.stack, "project": spec.project,
            "parentUrn": spec.parentUrn, "noParent": spec.noParent}


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


def project_name(project_dir: Path) -> str:
    """The project's name from its Pulumi.yaml (``ampliform`` when there is none); a Pulumi.yaml that is not
    a readable YAML mapping with a string `name` is a `DefinitionError`."""
    path = project_dir / "Pulumi.yaml"
    if not path.exists() and not path.is_symlink():
        return "ampliform"
    document = read_document(path, label="Pulumi.yaml")
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise DefinitionError(Problem("Pulumi.yaml is not a mapping", "Pulumi.yaml",
                                      "Write Pulumi.yaml as `name: <project>` plus `runtime: python`."))
    name = document.get("name", "ampliform")
    if not isinstance(name, str) or not name.strip():
        raise DefinitionError(Problem("`name` in Pulumi.yaml is not a project name", "Pulumi.yaml: name",
                                      "Write `name: <project>` (a string)."))
    return name


def program_file(project_dir: Path) -> Path:
    """The project's ``__main__.py``, which must be a regular file."""
    path = project_dir / "__main__.py"
    if not path.is_file():
        what = "is not a file" if path.exists() else "does not exist"
        raise DefinitionError(Problem(f"the project's program __main__.py {what} in {project_dir}", "__main__.py",
                                      "Run from the Pulumi project (Pulumi.yaml, __main__.py, stacks/), or pass "
                                      "--project-dir."))
    return path


def offline_config(config: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The stack file's config with every ``secure:`` value replaced by ``[secret]``, and the keys holding one."""
    out, secret_keys = {}, []

    def strip(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"secure"}:
            return SECRET
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    for key, text in config.items():
        try:
            value = json.loads(text)
        except ValueError:
            out[key] = text
            continue
        stripped = strip(value)
        if stripped != value:
            secret_keys.append(key)
            out[key] = stripped if isinstance(stripped, str) else json.dumps(stripped)
        else:
            out[key] = text
    return out, secret_keys


def run_program(stack: str, project_dir: Path) -> tuple[dict[str, Any], Settings]:
    config, source = read_stack_file(project_dir, stack)
    settings = parse_settings(config, stack, source)
    name, main = project_name(project_dir), program_file(project_dir)
    config, secret_keys = offline_config(config)
    import runpy

    import pulumi

    mocks, monitor = _mocks(settings.region)
    pulumi.runtime.settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=name, stack=stack, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(config, secret_keys=secret_keys)
    exports: dict[str, Any] = {}

    def program() -> Any:
        runpy.run_path(str(main), run_name="__main__")
        root = pulumi.runtime.settings.get_root_resource()
        return pulumi.Output.from_input(dict(root.outputs)).apply(exports.update)  # type: ignore[union-attr]

    sys.path.insert(0, str(project_dir))
    try:
        with warnings.catch_warnings(), _without_source_positions(), lean_collection():
            warnings.simplefilter("ignore", DeprecationWarning)
            pulumi.runtime.test(program)()
    finally:
        sys.path.remove(str(project_dir))
        pulumi.runtime.set_all_config({})
    project = name
    return {"resources": _tree(monitor.registrations, mocks.inputs, stack, project, project_dir),
            "outputs": _clean(exports, project_dir)}, settings


def run_preview(stack: str, project_dir: Path) -> dict[str, Any]:
    """The offline plan of `stack`: ``{"resources": [...], "outputs": {...}}`` (see the module docstring)."""
    return run_program(stack, Path(project_dir).resolve())[0]


def _tree(registrations: dict[str, dict[str, Any]], inputs: dict[tuple[str, str], dict], stack: str,
          project: str, project_dir: Path | None = None) -> list[dict]:
    name_of = {urn: r["name"] for urn, r in registrations.items()}
    urns = _EngineUrns(registrations, stack, project)
    children: dict[str | None, list[str]] = {}
    for urn, r in registrations.items():
        children.setdefault(name_of.get(r["parent"]), []).append(urn)
    ordered: list[dict] = []

    def visit(parent: str | None) -> None:
        for urn in sorted(children.get(parent, []), key=lambda u: (registrations[u]["type"], name_of[u])):
            r = registrations[urn]
            deps = sorted({name_of[d] for d in r["dependencies"] if d in name_of})
            ordered.append({
                "type": r["type"], "name": r["name"], "parent": name_of.get(r["parent"]), "urn": urns.of(urn),
                "inputs": _clean(inputs.get((r["type"], r["name"]), {}), project_dir),
                "options": {"protect": r["protect"], "retainOnDelete": r["retainOnDelete"], "dependencies": deps,
                            "custom": r["custom"], "aliases": sorted(urns.alias(urn, a) for a in r["aliases"])},
            })
            visit(r["name"])

    visit(None)
    return ordered


class _EngineUrns:
    """URNs as the Pulumi engine writes them (``urn:pulumi:<stack>::<project>::<parent types$>type::<name>``,
    the root stack's type left out), for resources and their aliases. The mock monitor's URNs put the stack's
    type in the chain of top-level resources; a deployed stack's state does not."""

    def __init__(self, registrations: dict[str, dict[str, Any]], stack: str, project: str):
        self.registrations, self.stack, self.project = registrations, stack, project
        self.chains: dict[str, list[str]] = {}

    def chain(self, urn: str) -> list[str]:
        if urn not in self.chains:
            r = self.registrations.get(urn)
            self.chains[urn] = [] if r is None else [*self.chain(r["parent"]), r["type"]]
        return self.chains[urn]

    def of(self, urn: str) -> str:
        name = self.registrations[urn]["name"]
        return f"urn:pulumi:{self.stack}::{self.project}::{'$'.join(self.chain(urn))}::{name}"

    def alias(self, urn: str, alias: dict[str, Any]) -> str:
        if "urn" in alias:
            return str(alias["urn"]).replace("pulumi:pulumi:Stack$", "")
        r = self.registrations[urn]
        parent = [] if alias["noParent"] else self.chain(alias["parentUrn"] or r["parent"])
        chain = "$".join([*parent, alias["type"] or r["type"]])
        return (f"urn:pulumi:{alias['stack'] or self.stack}::{alias['project'] or self.project}::{chain}::"
                f"{alias['name'] or r['name']}")


def _clean(value: Any, project_dir: Path | None = None) -> Any:
    """Plain JSON data: integral floats (the wire format's numbers) back to ints, secrets as ``[secret]``,
    archives and assets as their path, keys sorted on output."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return SECRET
        return {str(k): _clean(v, project_dir) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, project_dir) for v in value]
    path = getattr(value, "path", None)
    if path is not None and type(value).__name__ in ("FileArchive", "FileAsset"):
        shown = Path(path)
        if project_dir is not None and shown.is_relative_to(project_dir):
            shown = shown.relative_to(project_dir)
        return {"archive" if type(value).__name__ == "FileArchive" else "asset": shown.as_posix()}
    return value
