"""`ampliform compile DEFINITION`: the IAM policy documents per bucket and role, and the client paths (JSON)."""

from __future__ import annotations

import click

from ampliform.cli.options import compat_option, quota_option
from ampliform.cli.output import emit_json
from ampliform.definition.load import load_definition
from ampliform.definition.model import Definition
from ampliform.errors import DefinitionError, Problem
from ampliform.iam.budget import Limits
from ampliform.plan.backend import compile_definition


@click.command("compile")
@click.argument("definition")
@click.option("--bucket-arn", "bucket_arns", multiple=True, metavar="[NAME=]ARN",
              help="The bucket's ARN (default arn:aws:s3:::<name>); NAME=ARN when there are several buckets.")
@compat_option
@quota_option
def compile_command(definition: str, bucket_arns: tuple[str, ...], compat: str | None, quota: int) -> None:
    """Print the IAM policy documents per bucket and role, and each bucket's client paths map."""
    defn = load_definition(definition)
    arns = parse_arns(defn, bucket_arns)
    compiled = compile_definition(defn, arns, limits=Limits(managed_quota=quota, compat=compat == "amplify"))
    emit_json({"buckets": {name: bucket.to_json() for name, bucket in compiled.items()}})


def parse_arns(defn: Definition, values: tuple[str, ...]) -> dict[str, str]:
    """``--bucket-arn`` values as bucket name → ARN (``NAME=ARN``, or a bare ARN when there is one bucket)."""
    names = [b.name for b in defn.buckets]
    arns: dict[str, str] = {}
    problems = []
    for value in values:
        name, sep, arn = value.partition("=")
        if not sep:
            if len(names) != 1:
                problems.append(Problem(f"--bucket-arn {value!r} does not say which bucket it is for",
                                        "--bucket-arn", f"Write NAME=ARN with NAME one of: {', '.join(names)}."))
                continue
            name, arn = names[0], value
        if name not in names:
            problems.append(Problem(f"--bucket-arn names unknown bucket {name!r}", "--bucket-arn",
                                    f"Use one of: {', '.join(names)}."))
        elif not arn.startswith("arn:") or ":s3:::" not in arn:
            problems.append(Problem(f"--bucket-arn {arn!r} is not an S3 bucket ARN", "--bucket-arn",
                                    "Write it as arn:aws:s3:::<bucket-name>."))
        arns[name] = arn
    DefinitionError.raise_if(problems)
    return arns
