"""The one orchestrator of meaning checks: every problem of a whole definition, in one run.

Contract: `definition_problems(definition, compat)` returns every problem after the shape was parsed, in a
stable order: auth (`ampliform.auth.check`), storage (`ampliform.access.check`: bucket names, the default
bucket, path rules, once-per-path principals, undeclared groups), then data (`ampliform.data.validate`).
`check_definition` raises one `DefinitionError` holding them all. Callers that plan the backend
(`ampliform.plan.backend`) run it once; nothing else re-validates.
"""

from __future__ import annotations

from ampliform.access.check import storage_problems
from ampliform.auth.check import auth_problems
from ampliform.data.validate import data_problems
from ampliform.definition.model import Definition
from ampliform.errors import DefinitionError, Problem


def check_definition(definition: Definition, compat: bool = False) -> None:
    """Raise a `DefinitionError` listing every problem of `definition`."""
    DefinitionError.raise_if(definition_problems(definition, compat))


def definition_problems(definition: Definition, compat: bool = False) -> list[Problem]:
    """Every problem of `definition`, in a stable order."""
    groups = definition.auth.groups
    problems = auth_problems(definition.auth)
    problems += storage_problems(definition.buckets, groups, definition.bucket_location, compat)
    if definition.data is not None:
        problems += data_problems(definition.data, tuple(groups))
    return problems
