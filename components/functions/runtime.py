"""What a handler file runs as: its language, Lambda runtime, archive folder and Lambda handler string.

Contract: `entry_of(spec)` reads `FunctionSpec.handler` — ``functions/x/handler.py`` (entry point
``handler``) or ``functions/x/handler.py:main`` — and returns an `Entry`: the file (relative, POSIX), the
folder packaged as the archive's root (the file's folder), the Lambda handler string (``handler.main``),
the language (``python`` for ``.py``, ``nodejs`` for ``.mjs`` / ``.js``), and the runtime: the spec's, or
the newest both Lambda and pulumi-aws 7.51 offer (`DEFAULT_RUNTIMES`: python3.14, nodejs24.x). It raises
nothing: `ampliform.functions.checks` reports what is wrong with a handler (`handler_problems`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from ampliform.definition.functions import FunctionSpec

DEFAULT_RUNTIMES = {"python": "python3.14", "nodejs": "nodejs24.x"}
"""The newest runtime of each language that Lambda supports and pulumi_aws.lambda_.Runtime (7.51.1) lists."""

LANGUAGES = {".py": "python", ".mjs": "nodejs", ".js": "nodejs"}
DEFAULT_ENTRY = "handler"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Entry:
    """A handler, resolved."""

    file: str
    folder: str
    module: str
    function: str
    language: str | None
    runtime: str | None

    @property
    def lambda_handler(self) -> str:
        """Lambda's ``Handler`` setting: ``<module>.<function>``."""
        return f"{self.module}.{self.function}"

    @property
    def python_version(self) -> str | None:
        """``3.14`` for ``python3.14`` (None for Node.js)."""
        return self.runtime[len("python"):] if self.runtime and self.runtime.startswith("python") else None


def split_handler(handler: str) -> tuple[str, str]:
    """``file.py:main`` → (``file.py``, ``main``); without ``:`` the entry point is ``handler``."""
    file, sep, function = handler.rpartition(":")
    return (file, function) if sep and not re.fullmatch(r"[A-Za-z]", file) else (handler, DEFAULT_ENTRY)


def entry_of(spec: FunctionSpec) -> Entry:
    """The handler of `spec`, resolved (see the module docstring)."""
    file, function = split_handler(spec.handler)
    path = PurePosixPath(file.replace("\\", "/"))
    language = LANGUAGES.get(path.suffix)
    runtime = spec.runtime or (DEFAULT_RUNTIMES[language] if language else None)
    return Entry(str(path), str(path.parent), path.stem, function, language, runtime)


def runtime_language(runtime: str) -> str:
    """``python`` or ``nodejs``, the language of a runtime identifier."""
    return "python" if runtime.startswith("python") else "nodejs"
