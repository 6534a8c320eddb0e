"""Meaning checks of the `auth:` section: every problem, each located, in one run.

Contract: `auth_problems(auth)` returns the problems of the user-pool groups: each a valid Cognito group name
(1 to 128 characters, no whitespace or control characters), each declared once (its position is its
precedence), and no two of them sharing a resource name (`ampliform.naming.slug`).
"""

from __future__ import annotations

import re

from ampliform.definition.model import AuthSpec
from ampliform.errors import Problem, where
from ampliform.naming import slug

GROUP_PATTERN = re.compile(r"^[^\s\x00-\x1f]{1,128}$")


def auth_problems(auth: AuthSpec) -> list[Problem]:
    """Every problem of `auth`, in declaration order."""
    problems, seen = [], set()
    slugs: dict[str, str] = {}
    for i, group in enumerate(auth.groups):
        at = where("auth", "groups", i)
        if not GROUP_PATTERN.match(group):
            problems.append(Problem(f"Group name {group!r} is not a valid Cognito group name.", at,
                                    "Use 1 to 128 characters without spaces or control characters."))
        if group in seen:
            problems.append(Problem(f"Group {group!r} is declared more than once.", at,
                                    "Declare each group once; its position sets its precedence."))
        other = slugs.get(slug(group))
        if other is not None and other != group:
            problems.append(Problem(f"groups {other!r} and {group!r} would share the resource name {slug(group)!r}",
                                    at, "Give the groups names that differ in more than case and punctuation."))
        slugs.setdefault(slug(group), group)
        seen.add(group)
    return problems
