"""Prefix relations between access paths, computed in time linear in the path length.

Contract: prefixes here are effective prefixes that end in ``*`` (``media/*``, ``a/{entity_id}/*``); a prefix `q`
covers `p` when `p` starts with `q` without its ``*``. Amplify picks a path's parent as the *first* covering
path in insertion order (`first_parent`); ampliform's default mode uses the *longest* (`longest_parent`).
Both avoid Amplify's quadratic scan by looking up each ``/``-ending head of the path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def _heads(path: str) -> list[str]:
    """Every head of `path` (without its ``*``) that ends in ``/``, shortest first."""
    body = path.replace("*", "")
    return [body[: i + 1] for i, ch in enumerate(body) if ch == "/"]


class PrefixIndex:
    """Index of prefixes (each ending in ``*``) in insertion order."""

    def __init__(self, prefixes: Iterable[str]):
        self.order: dict[str, int] = {}
        self.by_head: dict[str, list[str]] = {}
        for p in prefixes:
            if p in self.order:
                continue
            self.order[p] = len(self.order)
            self.by_head.setdefault(p.replace("*", ""), []).append(p)

    def covering(self, path: str) -> list[str]:
        """Indexed prefixes other than `path` that cover it."""
        found = [q for head in _heads(path) for q in self.by_head.get(head, ()) if q != path]
        return found

    def first_parent(self, path: str) -> str | None:
        """Amplify's parent: the first covering prefix in insertion order."""
        found = self.covering(path)
        return min(found, key=self.order.__getitem__) if found else None

    def longest_parent(self, path: str) -> str | None:
        """The closest covering prefix: the longest one."""
        found = self.covering(path)
        return max(found, key=lambda q: (len(q), -self.order[q])) if found else None


def top_most(prefixes: Sequence[str]) -> list[str]:
    """Drop every prefix another one in the same list covers (Amplify's allow pruning), order kept."""
    index = PrefixIndex(prefixes)
    return [p for p in index.order if not index.covering(p)]
