"""Meaning checks of the storage part of a definition: every problem of every bucket, in one run.

Contract: `storage_problems(buckets, groups, location, compat)` takes the buckets as written (in declaration
order), the user-pool groups auth declares, and `location(i)` — where bucket `i` is in the user's file
(``storage`` or ``storage[i]``) — and returns, in this order: bucket names (Amplify's resource-name rule) and
their uniqueness, the default bucket (Amplify's messages), then per bucket the path rules
(`ampliform.access.paths`), the once-per-path principal rule and groups auth does not declare (Amplify's
messages). What IAM cannot express is found by the planner (`plan_default`), not here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ampliform.access.normalize import duplicate_message, unique_ids
from ampliform.access.paths import path_problems
from ampliform.definition.storage import BucketSpec, GroupsRule
from ampliform.errors import Problem, where

NAME_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9-_ ]*$")

Location = Callable[[int], tuple[str | int, ...]]


def storage_problems(buckets: Sequence[BucketSpec], groups: Sequence[str], location: Location,
                     compat: bool = False) -> list[Problem]:
    """Every problem of the storage section (see the module docstring)."""
    problems = _bucket_problems(buckets, location)
    for i, bucket in enumerate(buckets):
        problems += access_problems(bucket, groups, location(i), compat)
    return problems


def _bucket_problems(buckets: Sequence[BucketSpec], location: Location) -> list[Problem]:
    problems, seen = [], set()
    for i, bucket in enumerate(buckets):
        at = where(*location(i), "name")
        if not NAME_PATTERN.fullmatch(bucket.name):
            problems.append(Problem(
                f"Resource name contains invalid characters, found {bucket.name}", at,
                "Update name to use only alphanumeric characters, dashes, underscores and spaces. "
                "The name should also start with an alphabetic character"))
        if bucket.name in seen:
            problems.append(Problem(f"Bucket name {bucket.name!r} is used more than once.", at,
                                    "Give every bucket its own name."))
        seen.add(bucket.name)
    if len(buckets) > 1:
        defaults = [b for b in buckets if b.is_default]
        if not defaults:
            problems.append(Problem("No default storage set in the Amplify project.", "storage",
                                    "Add `is_default: true` to one of the buckets."))
        elif len(defaults) > 1:
            problems.append(Problem("More than one default storage set in the Amplify project.", "storage",
                                    "Remove `is_default: true` from all buckets except for one."))
    return problems


def access_problems(bucket: BucketSpec, groups: Sequence[str], location: tuple[str | int, ...],
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
