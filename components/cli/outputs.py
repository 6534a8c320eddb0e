"""`ampliform outputs`: write amplify_outputs.json (schema 1.5) for Amplify's client libraries."""

from __future__ import annotations

from pathlib import Path

import click

from ampliform.cli.options import project_option
from ampliform.program.outputs import build_outputs, read_stack_outputs, render_outputs
from ampliform.program.placeholders import placeholders


@click.command("outputs")
@click.option("--stack", default="dev", show_default=True, help="Stack to run offline when no --stack-outputs.")
@click.option("--stack-outputs", "stack_outputs", type=click.Path(dir_okay=False), default=None,
              help="`pulumi stack output --json --show-secrets` of the deployed stack (real ids).")
@click.option("-o", "--output", default="amplify_outputs.json", show_default=True, help="Where to write; - = stdout.")
@project_option
def outputs_command(stack: str, stack_outputs: str | None, output: str, project_dir: str) -> None:
    """Write amplify_outputs.json (schema 1.5) for Amplify's client libraries."""
    if stack_outputs:
        exports = read_stack_outputs(stack_outputs)
    else:
        from ampliform.program.runner import run_preview

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
