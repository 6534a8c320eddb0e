"""`ampliform diff OLD NEW`: what changes between two definitions — access gained and lost (storage paths,
Data models, function roles), guest identities, group precedence, and what would be destroyed."""

from __future__ import annotations

import sys

import click

from ampliform.cli.options import compat_option, json_option
from ampliform.cli.output import emit_json, say, table, verdict
from ampliform.iam.budget import Limits
from ampliform.review.diff import BackendDiff, backend_diff, load_pair


@click.command("diff")
@click.argument("old")
@click.argument("new")
@json_option
@click.option("--exit-code", is_flag=True, help="Exit 1 when anything changed (like git diff --exit-code).")
@compat_option
def diff_command(old: str, new: str, as_json: bool, exit_code: bool, compat: str | None) -> None:
    """Access gained and lost from definition OLD to NEW (compared by effect), and what would be destroyed."""
    old_plan, new_plan = load_pair(old, new, Limits(compat=compat == "amplify"))
    result = backend_diff(old_plan, new_plan)
    if as_json:
        emit_json(result.to_json())
    else:
        say(render(result, old, new))
    if exit_code and result.changed:
        sys.exit(1)


def render(result: BackendDiff, old: str, new: str) -> str:
    """The verdict first, then what would be destroyed, then each kind of change as aligned rows."""
    if not result.changed:
        return f"{verdict('unchanged')}  no access changes from {old} to {new}"
    counts = [(len(result.destroyed), "data-bearing resource{} destroyed"),
              (len(result.storage), "storage access change{}"), (len(result.data), "data access change{}"),
              (len(result.groups), "group change{}"), (1 if result.guest_identities else 0, "guest identity change{}"),
              (len(result.in_place), "table change{} made in place")]
    summary = ", ".join(f"{n} {what.format('s' if n != 1 else '')}" for n, what in counts if n)
    lines = [f"{verdict('changed')}  {summary} from {old} to {new}"]
    if result.destroyed:
        lines += ["", "DATA LOSS: the change would delete or replace (every item, object or user in it is lost):"]
        lines += [f"  {d.describe()}" for d in result.destroyed]
    if result.in_place:
        lines += ["", "in place (every item is kept):", *(f"  {change}" for change in result.in_place)]
    if result.guest_identities:
        before, after = result.guest_identities
        lines += ["", f"guest identities: {'on' if before else 'off'} -> {'on' if after else 'off'} "
                      f"(signed-out users {'can now' if after else 'can no longer'} get credentials)"]
    if result.groups:
        lines += ["", *(f"  {g.describe()}" for g in result.groups)]
    if result.storage:
        rows = [["bucket", "role", "path", "gained", "lost"]]
        rows += [[c.bucket, c.role, c.path, ", ".join(c.gained) or "-", ", ".join(c.lost) or "-"]
                 for c in result.storage]
        lines += ["", *table(rows)]
    if result.data:
        rows = [["model", "caller", "gained", "lost"]]
        rows += [[c.model, c.caller, ", ".join(c.gained) or "-", ", ".join(c.lost) or "-"] for c in result.data]
        lines += ["", *table(rows)]
    return "\n".join(lines)
