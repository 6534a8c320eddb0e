"""`ampliform diff OLD NEW`: who gained or lost which action where, between two definitions (by effect)."""

from __future__ import annotations

import sys

import click

from ampliform.cli.options import compat_option, json_option
from ampliform.cli.output import emit_json, say, table, verdict
from ampliform.review.diff import Change, diff_definitions, load_pair


@click.command("diff")
@click.argument("old")
@click.argument("new")
@json_option
@click.option("--exit-code", is_flag=True, help="Exit 1 when access changed (like git diff --exit-code).")
@compat_option
def diff_command(old: str, new: str, as_json: bool, exit_code: bool, compat: str | None) -> None:
    """Per role and path, the actions gained and lost from definition OLD to NEW (compared by effect)."""
    old_defn, new_defn = load_pair(old, new, compat=compat == "amplify")
    changes = diff_definitions(old_defn, new_defn, compat=compat == "amplify")
    if as_json:
        emit_json({"changes": [c.to_json() for c in changes]})
    else:
        say(render(changes, old, new))
    if exit_code and changes:
        sys.exit(1)


def render(changes: list[Change], old: str, new: str) -> str:
    """The verdict first (how many changes), then one aligned row per (bucket, role, path)."""
    if not changes:
        return f"{verdict('unchanged')}  no access changes from {old} to {new}"
    lines = [f"{verdict('changed')}  {len(changes)} access change{'s' if len(changes) != 1 else ''} "
             f"from {old} to {new}"]
    rows = [["bucket", "role", "path", "gained", "lost"]]
    rows += [[c.bucket, c.role, c.path, ", ".join(c.gained) or "-", ", ".join(c.lost) or "-"] for c in changes]
    return "\n".join(lines + table(rows))
