"""The `ampliform` command line (click): one thin command per file, over the library.

Contract (DESIGN.md, "CLI contract"): `validate`, `explain`, `diff` and `preview` print text for people
(the decision first, aligned) and JSON with ``--json``; `compile` and `outputs` write JSON documents.
Messages go to stderr. Exit status: 0; 1 for changes under ``diff --exit-code``; 2 for a user error (every
problem listed, from the one boundary in `output.UserErrorBoundary`). The pulumi-based commands (`preview`,
`outputs` without ``--stack-outputs``) import pulumi only when they run.
"""

from __future__ import annotations

import os
import sys

import click

from ampliform.cli.compile import compile_command
from ampliform.cli.diff import diff_command
from ampliform.cli.explain import explain
from ampliform.cli.output import UserErrorBoundary
from ampliform.cli.outputs import outputs_command
from ampliform.cli.preview import preview_command
from ampliform.cli.validate import validate


@click.group(cls=UserErrorBoundary, name="ampliform")
@click.version_option(package_name="ampliform")
def main() -> None:
    """ampliform: Amplify-Gen-2-style backends (Auth, Data, Storage) as Pulumi components."""


def run() -> None:
    """The `ampliform` console script: `main`, then an exit that skips the interpreter's teardown of pulumi's
    gRPC runtime and of every imported module (a fifth of a preview's wall time, and nothing is left to
    write: standard output and error are flushed first). In-process callers (tests, other programs) call
    `main` itself."""
    code: int | str | None = 0
    try:
        main(standalone_mode=True)
    except SystemExit as done:
        code = done.code
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


for command in (validate, compile_command, explain, diff_command, outputs_command, preview_command):
    main.add_command(command)
