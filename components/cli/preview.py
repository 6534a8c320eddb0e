"""`ampliform preview`: the Pulumi program run offline (mocks) for one stack, shown as the plan.

With ``--state FILE`` (the deployed stack's ``pulumi stack export``) the preview first says what the update
would delete or replace, data-bearing resources first (`ampliform.review.safety`); for a stack whose
settings protect its data (prod), a data-bearing deletion or replacement is a user error (exit 2) unless
``--allow-data-loss`` is given.
"""

from __future__ import annotations

from pathlib import Path

import click

from ampliform.cli.options import json_option
from ampliform.cli.output import emit_json, say
from ampliform.definition.load import load_definition
from ampliform.errors import DefinitionError, Problem
from ampliform.plan.backend import limits_of, plan_backend
from ampliform.program.preview import render, render_destructions
from ampliform.program.runner import lean_collection, run_program
from ampliform.program.state import read_state
from ampliform.review.safety import Destruction, against_state

LOSS_FIX = ("A rename? Declare the old name in `renamed_from` (the resource and its data are kept). A change of "
            "a key or sign-in attribute? Keep it as deployed, or migrate the data first. If the data may really "
            "go, run again with --allow-data-loss.")


@click.command("preview")
@click.option("--stack", default="dev", show_default=True, help="Stack whose stacks/Pulumi.<stack>.yaml to use.")
@json_option
@click.option("--project-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The Pulumi project (Pulumi.yaml, __main__.py, stacks/).")
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The deployed stack's `pulumi stack export` JSON: say what the update would delete or replace.")
@click.option("--allow-data-loss", is_flag=True,
              help="Let a protected stack's preview pass although a bucket, table or user pool would go.")
def preview_command(stack: str, as_json: bool, project_dir: Path, state_file: Path | None,
                    allow_data_loss: bool) -> None:
    """Run the Pulumi program offline (mocks) for STACK: resources, access matrix, policy budgets."""
    with lean_collection():
        _preview(stack, as_json, project_dir.resolve(), state_file, allow_data_loss)


def _preview(stack: str, as_json: bool, project_dir: Path, state_file: Path | None, allow_data_loss: bool) -> None:
    state = read_state(state_file) if state_file is not None else None
    result, settings = run_program(stack, project_dir)
    destructions = against_state(state, result["resources"]) if state is not None else None
    if destructions and settings.protect and not allow_data_loss:
        refuse([d for d in destructions if d.data_bearing], stack)
    if as_json:
        emit_json({**result, **({"changes": [d.to_json() for d in destructions]} if destructions is not None
                                else {})})
        return
    definition = load_definition(project_dir / settings.definition)
    plan = plan_backend(definition, limits=limits_of(settings), project_dir=project_dir)
    text = render(result, settings, definition, plan)
    say(text if destructions is None else render_destructions(destructions) + "\n\n" + text)


def refuse(losses: list[Destruction], stack: str) -> None:
    """A protected stack would lose data: every such resource as an error, nothing on stdout."""
    DefinitionError.raise_if(
        Problem(f"{d.describe()}; stack {stack!r} protects its data", d.urn, LOSS_FIX) for d in losses)
