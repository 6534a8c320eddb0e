"""Options several commands share."""

from __future__ import annotations

from pathlib import Path

import click

from ampliform.iam.budget import DEFAULT_MANAGED_QUOTA

DEFAULT_DEFINITION = "backend.yaml"

compat_option = click.option(
    "--compat", type=click.Choice(["amplify"]), default=None,
    help="Reproduce Amplify exactly (its path rules and exclusive group roles).",
)
quota_option = click.option(
    "--max-managed-policies", "quota", type=click.IntRange(0, 20), default=DEFAULT_MANAGED_QUOTA, show_default=True,
    help="Managed policies each role may have attached (the stack setting ampliform:maxManagedPolicies).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print the machine-readable JSON form.")
project_option = click.option(
    "--project-dir", type=click.Path(file_okay=False), default=".", show_default=True,
    help="The Pulumi project (Pulumi.yaml, __main__.py, stacks/).")
definition_project_option = click.option(
    "--project-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The project handler paths are relative to (default: the folder holding the definition's Pulumi.yaml, "
         "else the definition's folder).")


def project_of(definition: str | Path, explicit: Path | None = None) -> Path:
    """The project of a definition file: `explicit`, else the nearest folder up with a Pulumi.yaml, else its
    own folder."""
    if explicit is not None:
        return explicit
    folder = Path(definition).resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "Pulumi.yaml").is_file():
            return candidate
    return folder
