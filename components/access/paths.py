"""Path grammar: Amplify's path rules, in Amplify's order, with Amplify's exact messages (reference §3).

Contract: `path_problems(paths, at)` checks every path of one access map and returns one `Problem` per
failing path: the first rule it breaks, in this order —
 1. must not start with ``/``            (``/foo/*`` is rejected)
 2. must end with ``/*``                 (``foo``, ``foo/``, ``*`` are rejected)
 3. must not contain ``//``              (``a//b/*``)
 4. ``*`` only as the last character     (``foo/*/bar/*``, ``foo*/*``)
 5. at most one other path is a prefix   (``a/*`` + ``a/b/*`` + ``a/b/c/*`` rejects the last)   [compat only]
 6. an owner path has no prefix path     (``a/*`` + ``a/{entity_id}/*``)                     [compat only]
 7. ``{entity_id}`` at most once
 8. ``{entity_id}`` right before the final ``/*``   (``a/{entity_id}/b/*``)
 9. ``{entity_id}`` not first            (``{entity_id}/*``)
10. ``{entity_id}`` is a whole path part (``a/x{entity_id}/*``)
11. no ``${``                           (``x/${cognito-identity.amazonaws.com:sub}/*``)      [ampliform]
Rule 11 is ampliform's, in both modes: ``${`` opens an IAM policy variable, and the client `paths` map of
amplify_outputs.json spells the owner's folder ``X/${cognito-identity.amazonaws.com:sub}/*`` (Amplify's client
substitutes the caller's id there), so a path written that way would mean "every user's own folder" to IAM
and to the client alike, not the literal folder it names. It is refused with a fix naming ``{entity_id}``;
no ``${`` a user writes ever reaches a policy. Literal ``$`` and ``?`` are allowed and escaped
(`ampliform.access.render.iam_text`).
Accepted: ``foo/*`` + ``foo/bar/*`` + ``foo/baz/*``; ``a/*`` + ``ab/*``; ``foo/{entity_id}/*`` + ``foo/bar/*``.
"Prefix" is plain string matching on the path without its ``*`` characters, as in Amplify.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ampliform.access.constants import ENTITY_SUB, ENTITY_TOKEN
from ampliform.errors import Problem

VARIABLE_START = "${"
FORMAT_FIX = "Update all paths to match the format requirements."
PREFIX_FIX = (
    "Update the storage access paths such that any given path has at most one other path that is a prefix."
)


def prefixes_of(paths: Sequence[str]) -> Callable[[str], list[str]]:
    """Return a function giving, for a path, the other paths that are prefixes of it (in map order)."""
    by_stripped: dict[str, list[str]] = {}
    for q in paths:
        by_stripped.setdefault(q.replace("*", ""), []).append(q)
    order = {q: i for i, q in enumerate(paths)}

    def find(p: str) -> list[str]:
        found = [q for i in range(len(p) + 1) for q in by_stripped.get(p[:i], ()) if q != p]
        return sorted(found, key=order.__getitem__)

    return find


def path_problems(paths: Sequence[str], at: Callable[[str], str], compat: bool = True) -> list[Problem]:
    """One problem per invalid path; `at(path)` gives its location.

    Outside compat mode rules 5 and 6 do not apply: paths nest to any depth and owner paths may sit under a
    prefix path, because the longest matching path decides (`plan.py` reports what IAM cannot express).
    """
    find_prefixes = prefixes_of(paths) if compat else (lambda _path: [])
    problems = []
    for path in paths:
        found = _first_problem(path, find_prefixes)
        if found is not None:
            message, fix, details = found
            problems.append(Problem(message, at(path), fix, details))
    return problems


def _first_problem(path: str, find_prefixes: Callable[[str], list[str]]) -> tuple[str, str, str] | None:
    if path.startswith("/"):
        return f'Storage access paths must not start with "/". Found [{path}].', FORMAT_FIX, ""
    if not path.endswith("/*"):
        return f'Storage access paths must end with "/*". Found [{path}].', FORMAT_FIX, ""
    if "//" in path:
        return f'Path cannot contain "//". Found [{path}].', FORMAT_FIX, ""
    if path.index("*") < len(path) - 1:
        return (f"Wildcards are only allowed as the final part of a path. Found [{path}].",
                "Remove all wildcards that are not the final part of the path.", "")
    prefixes = find_prefixes(path)
    if len(prefixes) > 1:
        return (f"For any given path, only one other path can be a prefix of it. Found [{path}] which has "
                f"prefixes [{', '.join(prefixes)}].", PREFIX_FIX, "")
    found = _owner_problem(path, prefixes) if ENTITY_TOKEN in path else None
    if found is None and VARIABLE_START in path:
        owner = path.replace(ENTITY_SUB, ENTITY_TOKEN) if ENTITY_SUB in path else None
        hint = (f" If you meant each user's own folder, write {owner} with an `allow: entity` rule "
                f"(amplify_outputs.json spells that folder {ENTITY_SUB})." if owner and owner != path else "")
        return (f"Storage access paths must not contain \"{VARIABLE_START}\" (IAM's policy-variable syntax). "
                f"Found [{path}].",
                f"Rename the folder so its name has no \"{VARIABLE_START}\".{hint}", "")
    return found


def _owner_problem(path: str, prefixes: list[str]) -> tuple[str, str, str] | None:
    if prefixes:
        return ("A path cannot be a prefix of another path that contains the {entity_id} token.", PREFIX_FIX,
                f"Found [{path}] which has prefixes [{', '.join(prefixes)}].")
    if path.count(ENTITY_TOKEN) > 1:
        return (f"The {{entity_id}} token can only appear once in a path. Found [{path}]",
                "Remove all but one occurrence of the {entity_id} token", "")
    before, after = path.split(ENTITY_TOKEN)
    if after != "/*":
        return (f"The {{entity_id}} token must be the path part right before the ending wildcard. Found [{path}].",
                "Update the path such that the owner token is the last path part before the ending wildcard. "
                'For example: "foo/bar/{entity_id}/*.', "")
    if not before:
        return (f"The {{entity_id}} token must not be the first path part. Found [{path}].",
                'Add an additional prefix to the path. For example: "foo/{entity_id}/*.', "")
    if not before.endswith("/"):
        return (f"A path part that includes the {{entity_id}} token cannot include any other characters. "
                f"Found [{path}].",
                'Remove all other characters from the path part with the {entity_id} token. '
                'For example: "foo/{entity_id}/*"', "")
    return None
