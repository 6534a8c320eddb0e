"""Options several commands share."""

from __future__ import annotations

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
