"""`ampliform compile DEFINITION`: the IAM policy documents per bucket and role, and the client paths (JSON).

``--bucket-arn`` must be one real general-purpose bucket's ARN (`bucket_arn_problem`): a known partition,
``s3``, no region or account, and a name that keeps S3's bucket-name rules, so no ``*``/``?`` (which would
grant every bucket) and no key can slip into the policies.
"""

from __future__ import annotations

import re

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
        else:
            wrong = bucket_arn_problem(arn)
            if wrong is not None:
                problems.append(Problem(f"--bucket-arn {arn!r} is not an S3 bucket ARN: {wrong}", "--bucket-arn",
                                        "Write it as arn:<partition>:s3:::<bucket-name>, e.g. "
                                        "arn:aws:s3:::my-app-files (the bucket's own ARN: no wildcards, no key)."))
        arns[name] = arn
    DefinitionError.raise_if(problems)
    return arns


PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IP_ADDRESS = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_arn_problem(arn: str) -> str | None:
    """Why `arn` is not the ARN of a general-purpose S3 bucket (S3's naming rules), or None when it is."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return "an ARN has six parts, arn:<partition>:s3:::<bucket-name>"
    _, partition, service, region, account, name = parts
    if partition not in PARTITIONS:
        return f"unknown partition {partition!r} (known: {', '.join(PARTITIONS)})"
    if service != "s3" or region or account:
        return "a bucket ARN is arn:<partition>:s3:::<bucket-name>, with no region or account"
    if not _BUCKET_NAME.fullmatch(name) or ".." in name:
        return (f"{name!r} is not a bucket name (3-63 lowercase letters, digits, dots and hyphens, starting and "
                "ending with a letter or digit; no wildcards, no key)")
    if _IP_ADDRESS.fullmatch(name):
        return f"{name!r} is formatted as an IP address, which S3 does not allow for bucket names"
    if name.startswith(RESERVED_PREFIXES) or name.endswith(RESERVED_SUFFIXES):
        return f"{name!r} uses a prefix or suffix S3 reserves"
    return None
