"""What the CLI prints, and its one error boundary.

Contract (DESIGN.md, "CLI contract"): people get short, aligned text on stdout with the decision first;
`--json` (and the `compile` / `outputs` documents) give JSON on stdout, sorted and indented. Messages go to
stderr. `UserErrorBoundary` is the click group class of `ampliform`: a `DefinitionError` anywhere in a command
prints every problem as ``error: <message>`` with its ``at:`` and ``fix:`` lines to stderr and exits 2, with
nothing on stdout; so does a command's usage error (a bad option value, a missing argument). Anything else is
a bug and keeps its traceback. Colour only on a terminal, and never when ``NO_COLOR`` is set
(https://no-color.org)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from ampliform.errors import DefinitionError, Problem


class UserErrorBoundary(click.Group):
    """The click group whose commands' user errors become ``error:`` lines and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DefinitionError as error:
            for problem in error.problems:
                click.echo(problem.render(), err=True, color=False)
            ctx.exit(2)
        except click.UsageError as error:  # a command's arguments: the same form as every other user error
            command = error.ctx.command_path if error.ctx is not None else ctx.command_path
            param = getattr(error, "param", None)
            at = param.get_error_hint(error.ctx) if param is not None and error.ctx is not None else command
            click.echo(Problem(error.format_message(), at, f"See `{command} --help`.").render(), err=True,
                       color=False)
            ctx.exit(2)


def emit_json(data: Any) -> None:
    """Print JSON deterministically (sorted keys, 2-space indent)."""
    click.echo(json.dumps(data, indent=2, sort_keys=True))


def use_colour(err: bool = False) -> bool:
    """Colour on a terminal unless ``NO_COLOR`` is set (to anything) or the terminal is dumb."""
    stream = sys.stderr if err else sys.stdout
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def say(text: str) -> None:
    """Print text for people; styles are kept only where `use_colour` says so."""
    click.echo(text, color=use_colour())


VERDICT_COLOURS = {"allow": "green", "deny": "red", "valid": "green", "changed": "yellow", "unchanged": "green",
                   "gained": "green", "lost": "red"}


def verdict(word: str) -> str:
    """A decision word, upper-cased and coloured (the colour is stripped off a non-terminal by `say`)."""
    return click.style(word.upper(), fg=VERDICT_COLOURS.get(word), bold=True)


def table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Rows as aligned columns (the last column is not padded)."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [indent + "  ".join([*(cell.ljust(w) for cell, w in zip(r, widths, strict=False)), r[-1]]).rstrip()
            for r in rows]
