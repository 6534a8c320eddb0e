"""The `ampliform` command line (click): one thin command per file, over the library.

Contract (DESIGN.md, "CLI contract"): `validate`, `explain`, `diff` and `preview` print text for people
(the decision first, aligned) and JSON with ``--json``; `compile` and `outputs` write JSON documents.
Messages go to stderr. Exit status: 0; 1 for changes under ``diff --exit-code``; 2 for a user error (every
problem listed, from the one boundary in `output.UserErrorBoundary`). The pulumi-based commands (`preview`,
`outputs` without ``--stack-outputs``) import pulumi only when they run.
"""

from __future__ import annotations

import click

from ampliform.cli.compile import compile_command
from ampliform.cli.diff import diff_command
from ampliform.cli.explain import explain
from ampliform.cli.output import UserErrorBoundary
from ampliform.cli.outputs import outputs_command
from ampliform.cli.preview import preview_command
from ampliform.cli.validate import validate


@click.group(cls=UserErrorBoundary)
@click.version_option(package_name="ampliform")
def main() -> None:
    """ampliform: Amplify-Gen-2-style backends (Auth, Data, Storage) as Pulumi components."""


for command in (validate, compile_command, explain, diff_command, outputs_command, preview_command):
    main.add_command(command)
