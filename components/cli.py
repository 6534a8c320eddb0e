"""The `ampliform` command line (click): thin commands over the library.

Contract (DESIGN.md, "CLI contract"): machine-readable output is JSON on stdout (sorted keys, 2-space
indent); messages go to stderr. A user error (bad definition, bad settings, over budget) prints every problem
as ``error: <message>`` with where it is and how to fix it, and exits 2; nothing goes to stdout then.
Anything else is a bug and keeps its traceback. The pulumi-based commands import pulumi only when run.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from components.access.budget import DEFAULT_MANAGED_QUOTA, Limits
from components.access.compile import compile_backend, compile_definition
from components.access.constants import ROLE_AUTHENTICATED, ROLE_GUEST, function_role, group_role
from components.access.model import ResourceRule
from components.definition import Definition
from components.errors import DefinitionError, Problem
from components.loader import load_definition
from components.preview import preview_command

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DEFINITION = "backend.yaml"


def handle_user_errors(fn: F) -> F:
    """Turn `DefinitionError` into ``error:`` lines on stderr and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DefinitionError as exc:
            for problem in exc.problems:
                click.echo(problem.render(), err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def emit(data: Any) -> None:
    """Print JSON deterministically."""
    click.echo(json.dumps(data, indent=2, sort_keys=True))


compat_option = click.option(
    "--compat", type=click.Choice(["amplify"]), default=None,
    help="Reproduce Amplify exactly (its path rules and exclusive group roles).",
)
quota_option = click.option(
    "--max-managed-policies", "quota", type=click.IntRange(0, 20), default=DEFAULT_MANAGED_QUOTA, show_default=True,
    help="Managed policies each role may have attached (the stack setting ampliform:maxManagedPolicies).",
)


@click.group()
@click.version_option(package_name="ampliform")
def main() -> None:
    """ampliform: Amplify-Gen-2-style backends (Auth, Data, Storage) as Pulumi components."""


main.add_command(preview_command)


@main.command()
@click.argument("definition", default=DEFAULT_DEFINITION)
@compat_option
@quota_option
@handle_user_errors
def validate(definition: str, compat: str | None, quota: int) -> None:
    """Check DEFINITION (default: backend.yaml); print a summary with each role's budget, or every problem."""
    defn = load_definition(definition)
    backend = compile_backend(defn, compat=compat == "amplify", limits=Limits(managed_quota=quota))
    emit({"valid": True, "definition": definition,
          "buckets": {b.name: {"paths": len(b.access or {}), "roles": sorted(backend.buckets[b.name].roles)}
                      for b in defn.buckets},
          "budgets": {role: budget.to_json() for role, budget in backend.budgets.items()}})


@main.command("compile")
@click.argument("definition")
@click.option("--bucket-arn", "bucket_arns", multiple=True, metavar="[NAME=]ARN",
              help="The bucket's ARN (default arn:aws:s3:::<name>); NAME=ARN when there are several buckets.")
@compat_option
@quota_option
@handle_user_errors
def compile_command(definition: str, bucket_arns: tuple[str, ...], compat: str | None, quota: int) -> None:
    """Print the IAM policy documents per bucket and role, and each bucket's client paths map."""
    defn = load_definition(definition)
    arns = _parse_arns(defn, bucket_arns)
    compiled = compile_definition(defn, arns, compat=compat == "amplify", limits=Limits(managed_quota=quota))
    emit({"buckets": {name: bucket.to_json() for name, bucket in compiled.items()}})


def _parse_arns(defn: Definition, values: tuple[str, ...]) -> dict[str, str]:
    names = [b.name for b in defn.buckets]
    arns: dict[str, str] = {}
    problems = []
    for value in values:
        name, sep, arn = value.partition("=")
        if not sep:
            if len(names) != 1:
                problems.append(Problem(f"--bucket-arn {value!r} does not say which bucket it is for",
                                        "--bucket-arn", f"Write NAME=ARN with NAME one of: {', '.join(names)}."))
                continue
            name, arn = names[0], value
        if name not in names:
            problems.append(Problem(f"--bucket-arn names unknown bucket {name!r}", "--bucket-arn",
                                    f"Use one of: {', '.join(names)}."))
        elif not arn.startswith("arn:") or ":s3:::" not in arn:
            problems.append(Problem(f"--bucket-arn {arn!r} is not an S3 bucket ARN", "--bucket-arn",
                                    "Write it as arn:aws:s3:::<bucket-name>."))
        arns[name] = arn
    DefinitionError.raise_if(problems)
    return arns


@main.command()
@click.argument("definition")
@click.option("--as", "role", required=True,
              help="authenticated, guest, group:<name> or function:<name>.")
@click.option("--identity", default=None, help="The caller's identity-pool id (fills {entity_id}).")
@click.option("--bucket", default=None, help="Bucket name (default: the default bucket).")
@compat_option
@click.argument("action", type=click.Choice(["read", "get", "list", "write", "delete"]))
@click.argument("key")
@handle_user_errors
def explain(definition: str, role: str, identity: str | None, bucket: str | None, compat: str | None,
            action: str, key: str) -> None:
    """May ROLE do ACTION on KEY (a list prefix for `list`)? Prints the decision and what decided it."""
    from components.access.explain import explain as explain_request

    defn = load_definition(definition)
    spec = _pick_bucket(defn, bucket)
    _check_role(defn, role)
    compiled = compile_definition(defn, compat=compat == "amplify")[spec.name]
    emit(explain_request(compiled, spec.access or {}, role, action, key, identity))


def _pick_bucket(defn: Definition, name: str | None) -> Any:
    if name is None:
        chosen = defn.default_bucket
        if chosen is None:
            raise DefinitionError(Problem("the definition has no storage bucket", "storage",
                                          "Add a `storage:` section."))
        return chosen
    for b in defn.buckets:
        if b.name == name:
            return b
    raise DefinitionError(Problem(f"no bucket named {name!r}", "--bucket",
                                  f"Use one of: {', '.join(b.name for b in defn.buckets)}."))


def _check_role(defn: Definition, role: str) -> None:
    functions = {function_role(r.resource) for b in defn.buckets for rules in (b.access or {}).values()
                 for r in rules if isinstance(r, ResourceRule)}
    known = [ROLE_AUTHENTICATED, ROLE_GUEST, *(group_role(g) for g in defn.auth.groups), *sorted(functions)]
    if role not in known:
        raise DefinitionError(Problem(f"unknown role {role!r}", "--as", f"Use one of: {', '.join(known)}."))


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help='Print {"changes": [...]} instead of a table.')
@click.option("--exit-code", is_flag=True, help="Exit 1 when access changed (like git diff --exit-code).")
@compat_option
@handle_user_errors
def diff_command(old: str, new: str, as_json: bool, exit_code: bool, compat: str | None) -> None:
    """Per role and path, the actions gained and lost from definition OLD to NEW (compared by effect)."""
    from components.access_diff import diff_definitions, load_pair, render_table

    old_defn, new_defn = load_pair(old, new, compat=compat == "amplify")
    changes = diff_definitions(old_defn, new_defn, compat=compat == "amplify")
    if as_json:
        emit({"changes": [c.to_json() for c in changes]})
    else:
        click.echo(render_table(changes))
    if exit_code and changes:
        sys.exit(1)


@main.command("outputs")
@click.option("--stack", default="dev", show_default=True, help="Stack to run offline when no --stack-outputs.")
@click.option("--stack-outputs", "stack_outputs", type=click.Path(dir_okay=False), default=None,
              help="`pulumi stack output --json --show-secrets` of the deployed stack (real ids).")
@click.option("-o", "--output", default="amplify_outputs.json", show_default=True, help="Where to write; - = stdout.")
@click.option("--project-dir", type=click.Path(file_okay=False), default=".", show_default=True,
              help="The Pulumi project (Pulumi.yaml, __main__.py, stacks/).")
@handle_user_errors
def outputs_command(stack: str, stack_outputs: str | None, output: str, project_dir: str) -> None:
    """Write amplify_outputs.json (schema 1.5) for Amplify's client libraries."""
    from pathlib import Path

    from components.outputs import build_outputs, placeholders, read_stack_outputs, render_outputs

    if stack_outputs:
        exports = read_stack_outputs(stack_outputs)
    else:
        from components.preview import run_preview

        exports = run_preview(stack, Path(project_dir))["outputs"]
    outputs = build_outputs(exports)
    text = render_outputs(outputs)
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    missing = placeholders(outputs)
    if missing:
        click.echo(f"note: {len(missing)} values are placeholders until deployment, e.g. {missing[0]}; "
                   "pass --stack-outputs for the deployed ids", err=True)


if __name__ == "__main__":
    main()
