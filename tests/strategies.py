"""Hypothesis strategies: random *valid* backend definitions, in the data form (plain dicts, as in YAML).

Shape of what `definitions(mode)` draws:
- ``auth.groups``: 0-3 groups from a fixed set;
- ``storage``: one bucket, or (sometimes) two with exactly one ``is_default``;
- each bucket's ``access``: 1-7 paths built from a tiny segment alphabet (``a``, ``b``, ``ab``, ``c``), half
  of them extending an earlier path (or an owner path's folder), so that paths nest several levels deep
  and are often prefixes of each other (``a/`` vs ``ab/`` checks that prefixes are per segment), some
  ending in ``{entity_id}/*`` (owner paths); each path gets guest / authenticated / entity / groups /
  resource (function) rules with random action lists (``read`` mixed with ``get``/``list``, duplicates
  included), never the same principal twice on one path (that is invalid input, not a random map).
- paths are drawn, then kept greedily while the map stays valid (`path_rules_ok`): mostly-valid structures,
  nothing thrown away. Compat mode keeps Amplify's path rules (at most one other path is a prefix of a
  path; an owner path has none). The default mode nests to any depth and lets an owner path sit under a
  prefix path, as DESIGN.md promises (`DEFAULT_MODE`): the strategy states what is valid from the design,
  never by asking the compiler, so a compiler that wrongly starts refusing deep maps fails the properties
  instead of silently narrowing what they generate.

`has_first_parent_quirk(access)` recognises the maps where Amplify decides a sub-path against the *first*
covering path in insertion order rather than the longest (reference §4.4), and `has_hidden_allow_quirk(access)`
those where one of Amplify's explicit denies hides what the same role is granted below it; the compat
equivalence property leaves both out (see test_properties.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from access_model import COMPAT, DEFAULT, OWNER_TOKEN
from hypothesis import strategies as st

SEGMENTS = ("a", "b", "ab", "c")
SPECIAL_SEGMENTS = ("a", "b", "?", "a?", "$", "a$?", "{x}", "$}{", "${aws:username}",
                    "${cognito-identity.amazonaws.com:sub}")
"""Segments with characters IAM gives a meaning to in ARNs and condition values (``?`` wildcard, ``$``,
``${...}`` policy variables, among them the owner variable as amplify_outputs.json spells it): an S3 key may
contain them, so a path may too. ``$`` and ``?`` are literal (escaped); a path with ``${`` is refused
(`access_model.refused_paths`)."""
GROUPS = ("admin", "editor", "Viewers")
FUNCTIONS = ("thumbnailer", "resize")
ACTION_WORDS = ("read", "get", "list", "write", "delete")
BUCKET_NAMES = ("myBucket", "media")


@dataclass(frozen=True)
class Capabilities:
    """Which nesting a mode's path rules accept."""

    deep: bool
    """``a/*`` + ``a/b/*`` + ``a/b/c/*``: a path with two other paths as prefixes."""
    owner_below: bool
    """``a/*`` + ``a/b/{entity_id}/*``: an owner path below another path."""


DEFAULT_MODE = Capabilities(deep=True, owner_below=True)
"""The default mode (DESIGN.md, "Beyond Amplify" 3): deeper nesting, owner paths under prefix paths."""


def _stripped(path: str) -> str:
    return path.replace("*", "")


def path_rules_ok(paths: Sequence[str], *, limit_prefixes: bool = True, owner_has_no_prefix: bool = True) -> bool:
    """Amplify's cross-path rules (reference §3, rules 5 and 6), written independently of the compiler:
    at most one other path is a prefix of a path; a path with ``{entity_id}`` has no prefix path."""
    for p in paths:
        prefixes = [q for q in paths if q != p and _stripped(p).startswith(_stripped(q))]
        if limit_prefixes and len(prefixes) > 1:
            return False
        if owner_has_no_prefix and OWNER_TOKEN in p and prefixes:
            return False
    return True


def path_filter(mode: str) -> Callable[[Sequence[str]], bool]:
    """The cross-path rules a map must keep in `mode`."""
    if mode == COMPAT:
        return path_rules_ok
    caps = DEFAULT_MODE
    return functools.partial(path_rules_ok, limit_prefixes=not caps.deep, owner_has_no_prefix=not caps.owner_below)


def max_depth(mode: str) -> int:
    return 5 if mode == DEFAULT and DEFAULT_MODE.deep else 3


def action_lists() -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(ACTION_WORDS), min_size=1, max_size=4)


@st.composite
def raw_paths(draw: st.DrawFn, bases: Sequence[str], segments: Sequence[str] = SEGMENTS, depth: int = 3) -> str:
    """``seg/seg/*`` or ``seg/{entity_id}/*``, always well-formed (rules 1-4 and 7-10 hold); often an
    extension of one of `bases` (earlier paths), so that paths nest, or a sibling of an owner folder."""
    heads = sorted({b[:-2].split("/" + OWNER_TOKEN)[0] for b in bases})
    parts = draw(st.sampled_from(heads)).split("/") if heads and draw(st.booleans()) else []
    parts = (parts + draw(st.lists(st.sampled_from(segments), min_size=1, max_size=2)))[:depth]
    if draw(st.integers(0, 3)) == 0:
        parts.append(OWNER_TOKEN)
    return "/".join(parts) + "/*"


@st.composite
def rules_for(draw: st.DrawFn, groups: Sequence[str]) -> list[dict[str, Any]]:
    """Rules of one path: each principal at most once (groups: each group in at most one rule)."""
    rules: list[dict[str, Any]] = []
    for kind in ("guest", "authenticated", "entity"):
        if draw(st.integers(0, 2)) == 0:
            rule: dict[str, Any] = {"allow": kind, "to": draw(action_lists())}
            if kind == "entity":
                rule["entity"] = "identity"
            rules.append(rule)
    chosen = draw(st.lists(st.sampled_from(groups), unique=True)) if groups else []
    while chosen:
        size = draw(st.integers(1, len(chosen)))
        rules.append({"allow": "groups", "groups": chosen[:size], "to": draw(action_lists())})
        chosen = chosen[size:]
    for function in draw(st.lists(st.sampled_from(FUNCTIONS), max_size=2)):
        rules.append({"allow": "resource", "resource": function, "to": draw(action_lists())})
    return draw(st.permutations(rules)) if rules else rules


@st.composite
def access_maps(draw: st.DrawFn, groups: Sequence[str], mode: str,
                segments: Sequence[str] = SEGMENTS) -> dict[str, list[dict[str, Any]]]:
    ok = path_filter(mode)
    kept: list[str] = []
    for _ in range(draw(st.integers(1, 7))):
        path = draw(raw_paths(kept, segments, max_depth(mode)))
        if path not in kept and ok([*kept, path]):
            kept.append(path)
    return {path: draw(rules_for(groups)) for path in kept}


@st.composite
def definitions(draw: st.DrawFn, mode: str = DEFAULT, segments: Sequence[str] = SEGMENTS) -> dict[str, Any]:
    """A valid definition (data form) for `mode` (``default`` or ``compat``)."""
    groups = draw(st.lists(st.sampled_from(GROUPS), unique=True, max_size=3))
    count = draw(st.sampled_from((1, 1, 1, 2)))
    buckets = [{"name": name, "access": draw(access_maps(groups, mode, segments))}
               for name in BUCKET_NAMES[:count]]
    if count == 1:
        return {"auth": {"groups": groups}, "storage": buckets[0]}
    buckets[draw(st.integers(0, count - 1))]["is_default"] = True
    return {"auth": {"groups": groups}, "storage": buckets}


def buckets_of(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    storage = definition.get("storage")
    if storage is None:
        return []
    return list(storage) if isinstance(storage, list) else [storage]


def amplify_prefixes(access: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[str]:
    """Amplify's substituted prefixes in insertion order (reference §4.1): ``{entity_id}`` becomes the
    policy variable for entity rules and ``*`` for the others, a ``/*/*`` tail becomes ``/*``."""
    out: list[str] = []
    for raw, rules in access.items():
        for rule in rules:
            p = raw.replace(OWNER_TOKEN, "${sub}" if rule["allow"] == "entity" else "*")
            p = p[:-2] if p.endswith("/*/*") else p
            if p not in out:
                out.append(p)
    return out


def has_first_parent_quirk(access: Mapping[str, Sequence[Mapping[str, Any]]]) -> bool:
    """True when some prefix's *first* covering prefix (Amplify's parent) is not its longest one."""
    prefixes = amplify_prefixes(access)
    for p in prefixes:
        covering = [q for q in prefixes if q != p and _stripped(p).startswith(_stripped(q))]
        if covering and covering[0] != max(covering, key=len):
            return True
    return False


def _amplify_roles(rule: Mapping[str, Any]) -> list[str]:
    """The role keys Amplify gives a rule (group roles exclusive: a group role holds its group's rules only)."""
    kind = rule["allow"]
    if kind == "guest":
        return ["guest"]
    if kind in ("authenticated", "entity"):
        return ["authenticated"]
    if kind == "groups":
        return [f"group:{g}" for g in rule["groups"]]
    return [f"function:{rule['resource']}"]


def has_hidden_allow_quirk(access: Mapping[str, Sequence[Mapping[str, Any]]]) -> bool:
    """True when an explicit Deny Amplify writes for a role covers a prefix the same role is granted.

    Amplify denies a prefix to every role that holds the prefix's first covering prefix but not the prefix
    itself (reference §4.2, step 2), and an explicit Deny wins over every Allow below it. Its path rule 5
    (at most one other path is a prefix) is checked on the raw paths, so owner paths escape it and three
    levels of effective prefixes occur: the Deny on the middle level then hides what the role is granted on
    the inner one, where the model (the longest path decides) allows. Two shapes seen in real Amplify
    (``example-nested-owner``) and by the property tests:
    - ``b/{entity_id}/*`` (authenticated read, entity read) + ``b/a/{entity_id}/*`` (guest read, entity
      read): the Deny on the twin ``b/a/*`` hides the owner's own ``b/a/<id>/``;
    - ``b/{entity_id}/*`` + ``b/a/{entity_id}/*`` + ``b/a/a/{entity_id}/*`` with a function granted on the
      first and the last: the Deny on ``b/a/*`` hides ``b/a/a/*`` from the function."""
    prefixes = amplify_prefixes(access)
    held: dict[tuple[str, str], set[str]] = {}
    for raw, rules in access.items():
        for rule in rules:
            p = raw.replace(OWNER_TOKEN, "${sub}" if rule["allow"] == "entity" else "*")
            p = p[:-2] if p.endswith("/*/*") else p
            for role in _amplify_roles(rule):
                for word in rule["to"]:
                    for action in ("get", "list") if word == "read" else (word,):
                        held.setdefault((role, action), set()).add(p)
    for q in prefixes:
        covering = [c for c in prefixes if c != q and _stripped(q).startswith(_stripped(c))]
        if not covering or ("${sub}/" in q and covering[0] == q.replace("${sub}/", "")):
            continue
        for granted in held.values():
            if covering[0] in granted and q not in granted and any(
                    p != q and _stripped(p).startswith(_stripped(q)) for p in granted):
                return True
    return False
