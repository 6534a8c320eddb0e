"""The one orchestrator of meaning checks: every problem of a whole definition, in one run.

Contract: `definition_problems(definition, compat, project_dir, require_declared_functions)` returns every
problem after the shape was parsed, in a stable order: the definition as a whole (it must declare storage or
data), auth (`ampliform.auth.check`), storage (`ampliform.access.check`: bucket names, the default bucket,
path rules, once-per-path principals, undeclared groups), data (`ampliform.data.validate`), the names
resources are known by (`renamed_from` of buckets and models; bucket names that would share a resource
name), then functions and triggers (`ampliform.functions.checks`: handler files relative to `project_dir` —
None skips the files —, names, environment, secrets, schedules, unknown and unused functions, trigger
filters, S3's overlap rule, upload loops decided by the storage planner's effective folders;
`require_declared_functions`: every `resource` rule names a declared function). `check_definition` raises one
`DefinitionError` holding them all. Callers that plan the backend (`ampliform.plan.backend`) run it once;
nothing else re-validates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ampliform.access.check import storage_problems
from ampliform.access.normalize import rule_folder
from ampliform.auth.check import auth_problems
from ampliform.data.validate import data_problems
from ampliform.definition.model import Definition
from ampliform.definition.storage import Rule
from ampliform.errors import DefinitionError, Problem, where
from ampliform.functions.checks import function_problems
from ampliform.naming import slug

ProjectDir = str | Path | None

SMALLEST = ("storage: {name: files, access: {'uploads/{entity_id}/*': "
            "[{allow: entity, entity: identity, to: [read, write, delete]}]}}")


def check_definition(definition: Definition, compat: bool = False, project_dir: ProjectDir = ".",
                     require_declared_functions: bool = False) -> None:
    """Raise a `DefinitionError` listing every problem of `definition`."""
    DefinitionError.raise_if(definition_problems(definition, compat, project_dir, require_declared_functions))


def definition_problems(definition: Definition, compat: bool = False, project_dir: ProjectDir = ".",
                        require_declared_functions: bool = False) -> list[Problem]:
    """Every problem of `definition`, in a stable order."""
    groups = definition.auth.groups
    problems = _empty_problems(definition)
    problems += auth_problems(definition.auth)
    problems += storage_problems(definition.buckets, groups, definition.bucket_location, compat)
    if definition.data is not None:
        problems += data_problems(definition.data, tuple(groups), tuple(definition.functions), project_dir)
    problems += _bucket_name_problems(definition)
    if definition.data is not None:
        problems += _renamed_problems(list(definition.data.models), lambda name: ("data", "models", name),
                                      {name: m.renamed_from for name, m in definition.data.models.items()},
                                      "model", lambda name: name)
    problems += function_problems(definition, project_dir, _folder_without_identity, require_declared_functions)
    return problems


def _folder_without_identity(path: str, rule: Rule) -> str | None:
    """The folder a rule covers for a caller without identity (a function): the storage planner's own rule."""
    return rule_folder(path, rule, None)


def _empty_problems(definition: Definition) -> list[Problem]:
    if definition.buckets or definition.data is not None:
        return []
    return [Problem("the definition declares neither storage nor data, so it deploys nothing — and against a "
                    "deployed stack it would delete every bucket and table", "(top level)",
                    f"Declare at least a bucket or a model; the smallest definition is: {SMALLEST}")]


def _bucket_name_problems(definition: Definition) -> list[Problem]:
    names = [b.name for b in definition.buckets]
    problems = []
    seen: dict[str, str] = {}
    for i, name in enumerate(names):
        other = seen.get(slug(name))
        if other is not None and other != name:
            problems.append(Problem(f"buckets {other!r} and {name!r} would share the resource name "
                                    f"{slug(name)!r}", where(*definition.bucket_location(i), "name"),
                                    "Give the buckets names that differ in more than case and punctuation."))
        seen.setdefault(slug(name), name)
    problems += _renamed_problems(names, lambda name: definition.bucket_location(names.index(name)),
                                  {b.name: b.renamed_from for b in definition.buckets}, "bucket", slug)
    return problems


def _renamed_problems(names: Sequence[str], location: Callable[[str], tuple[str | int, ...]],
                      renamed: dict[str, tuple[str, ...]], kind: str, key: Callable[[str], str]) -> list[Problem]:
    """`renamed_from` names no current name of the same kind, and no old name twice."""
    current = {key(n): n for n in names}
    claimed: dict[str, str] = {}
    problems = []
    for name in names:
        for j, old in enumerate(renamed.get(name, ())):
            at = where(*location(name), "renamed_from", j)
            if key(old) in current:
                problems.append(Problem(f"{kind} {name!r} says it was renamed from {old!r}, but {old!r} is a "
                                        f"{kind} of this definition", at,
                                        f"Remove {old!r} from renamed_from, or rename the other {kind}."))
            elif key(old) in claimed:
                problems.append(Problem(f"{kind}s {claimed[key(old)]!r} and {name!r} both say they were renamed "
                                        f"from {old!r}", at, f"Only the {kind} that had that name keeps its data: "
                                        "list the old name once."))
            claimed.setdefault(key(old), name)
    return problems
