"""User errors: one type for everything a user can get wrong, separate from internal faults.

Contract:
- `Problem` is one finding: the message (Amplify's exact text where Amplify has one), where it is (a path
  into the definition or settings, e.g. ``storage.access["foo/*"][1].to``) and how to fix it.
- `DefinitionError` carries every problem of one run; the CLI prints each as ``error: <message>`` with its
  location and fix, and exits 2. Nothing is built or printed from an input that raised it.
- Anything else raised is a bug, not a user error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a user's input."""

    message: str
    location: str = ""
    fix: str = ""
    details: str = ""

    def render(self) -> str:
        """The problem as the CLI prints it: an ``error:`` line, then where it is and how to fix it.

        Each part stays on its line: control characters a user's input may hold (a key with a newline)
        are shown escaped."""
        lines = [f"error: {_one_line(self.message)}" + (f" {_one_line(self.details)}" if self.details else "")]
        if self.location:
            lines.append(f"  at: {_one_line(self.location)}")
        if self.fix:
            lines.append(f"  fix: {_one_line(self.fix)}")
        return "\n".join(lines)


MAX_PART = 1000
"""Characters of one message, location or fix shown at most (a user's value can be huge)."""


def _one_line(text: str) -> str:
    """`text` with control characters (newlines, tabs, ...) escaped as in a Python string literal, and cut
    to `MAX_PART` characters."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= MAX_PART else text[: MAX_PART - 1] + "…"


class DefinitionError(Exception):
    """A user error: a bad definition, bad stack settings, or a budget that does not fit."""

    def __init__(self, problems: Sequence[Problem] | Problem):
        self.problems: tuple[Problem, ...] = (
            (problems,) if isinstance(problems, Problem) else tuple(problems)
        )
        super().__init__("\n".join(p.render() for p in self.problems))

    @classmethod
    def raise_if(cls, problems: Iterable[Problem]) -> None:
        """Raise one error holding all `problems`, if there are any."""
        found = list(problems)
        if found:
            raise cls(found)


def where(*parts: str | int) -> str:
    """Format a location: names as ``a.b``, indexes as ``[0]``, access paths and other keys as ``["k/*"]``."""
    out = ""
    previous: str | int | None = None
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier() and previous != "access":
            out += f".{part}" if out else part
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
        previous = part
    return out
