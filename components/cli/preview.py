"""`ampliform preview`: the Pulumi program run offline (mocks) for one stack, shown as the plan."""

from __future__ import annotations

from pathlib import Path

import click

from ampliform.cli.options import json_option
from ampliform.cli.output import emit_json, say
from ampliform.definition.load import load_definition
from ampliform.plan.backend import limits_of, plan_backend
from ampliform.program.preview import render
from ampliform.program.runner import run_program


@click.command("preview")
@click.option("--stack", default="dev", show_default=True, help="Stack whose stacks/Pulumi.<stack>.yaml to use.")
@json_option
@click.option("--project-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The Pulumi project (Pulumi.yaml, __main__.py, stacks/).")
def preview_command(stack: str, as_json: bool, project_dir: Path) -> None:
    """Run the Pulumi program offline (mocks) for STACK: resources, access matrix, policy budgets."""
    project_dir = project_dir.resolve()
    result, settings = run_program(stack, project_dir)
    if as_json:
        emit_json(result)
        return
    definition = load_definition(project_dir / settings.definition)
    plan = plan_backend(definition, limits=limits_of(settings))
    say(render(result, settings, definition, plan))
