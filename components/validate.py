"""Meaning checks of a whole definition, after its shape was parsed: every problem in one run.

Contract: `definition_problems(definition, compat)` returns every problem, in this order: bucket names
(Amplify's resource-name rule) and uniqueness, the default bucket (Amplify's messages), auth groups, then per
bucket the path rules (`access.paths`), the once-per-path principal rule and groups auth does not declare
(Amplify's messages), then data models. `check_definition` raises one `DefinitionError` holding them all.
"""

from __future__ import annotations

import re

from components.access.model import BucketSpec, GroupsRule
from components.access.normalize import duplicate_message, unique_ids
from components.access.paths import path_problems
from components.data.validate import validate_data
from components.definition import Definition
from components.errors import DefinitionError, Problem, where

NAME_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9-_ ]*$")
GROUP_PATTERN = re.compile(r"^[^\s\x00-\x1f]{1,128}$")


def check_definition(definition: Definition, compat: bool = False) -> None:
    """Raise a `DefinitionError` listing every problem of `definition`."""
    DefinitionError.raise_if(definition_problems(definition, compat))


def definition_problems(definition: Definition, compat: bool = False) -> list[Problem]:
    """Every problem of `definition`, in a stable order."""
    problems = _bucket_problems(definition) + _group_problems(definition)
    for i, bucket in enumerate(definition.buckets):
        problems += access_problems(bucket, definition.auth.groups, definition.bucket_location(i), compat)
    problems += _data_problems(definition)
    return problems


def _bucket_problems(definition: Definition) -> list[Problem]:
    problems, seen = [], set()
    for i, bucket in enumerate(definition.buckets):
        at = where(*definition.bucket_location(i), "name")
        if not NAME_PATTERN.match(bucket.name):
            problems.append(Problem(
                f"Resource name contains invalid characters, found {bucket.name}", at,
                "Update name to use only alphanumeric characters, dashes, underscores and spaces. "
                "The name should also start with an alphabetic character"))
        if bucket.name in seen:
            problems.append(Problem(f"Bucket name {bucket.name!r} is used more than once.", at,
                                    "Give every bucket its own name."))
        seen.add(bucket.name)
    if len(definition.buckets) > 1:
        defaults = [b for b in definition.buckets if b.is_default]
        if not defaults:
            problems.append(Problem("No default storage set in the Amplify project.", "storage",
                                    "Add `is_default: true` to one of the buckets."))
        elif len(defaults) > 1:
            problems.append(Problem("More than one default storage set in the Amplify project.", "storage",
                                    "Remove `is_default: true` from all buckets except for one."))
    return problems


def _group_problems(definition: Definition) -> list[Problem]:
    problems, seen = [], set()
    for i, group in enumerate(definition.auth.groups):
        at = where("auth", "groups", i)
        if not GROUP_PATTERN.match(group):
            problems.append(Problem(f"Group name {group!r} is not a valid Cognito group name.", at,
                                    "Use 1 to 128 characters without spaces or control characters."))
        if group in seen:
            problems.append(Problem(f"Group {group!r} is declared more than once.", at,
                                    "Declare each group once; its position sets its precedence."))
        seen.add(group)
    return problems


def access_problems(bucket: BucketSpec, groups: tuple[str, ...], location: tuple[str | int, ...],
                    compat: bool = False) -> list[Problem]:
    """Path rules, once-per-path principals and undeclared groups of one bucket's access map."""
    access = bucket.access or {}
    problems = path_problems(list(access), lambda p: where(*location, "access", p), compat)
    declared = set(groups)
    for path, rules in access.items():
        seen: set[str] = set()
        for i, rule in enumerate(rules):
            at = where(*location, "access", path, i)
            for uid in unique_ids(rule):
                if uid in seen:
                    message, fix = duplicate_message(rule, uid)
                    problems.append(Problem(message, at, fix))
                seen.add(uid)
            if isinstance(rule, GroupsRule):
                for group in rule.groups:
                    if group not in declared:
                        declared_list = ", ".join(sorted(declared)) or "none declared"
                        problems.append(Problem(
                            f'No auth IAM role found for "{group}".', where(*location, "access", path, i, "groups"),
                            "If you are trying to configure UserPool group access, ensure that the group name is "
                            f"specified correctly (auth.groups declares: {declared_list})."))
    return problems


def _data_problems(definition: Definition) -> list[Problem]:
    return list(validate_data(definition)) if definition.data is not None else []
