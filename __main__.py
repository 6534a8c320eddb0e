"""The ampliform Pulumi program: the app in the box (backend.yaml, or the stack's ``ampliform:definition``).

`ampliform.program.stack` holds the program and documents its settings and stack outputs. A bad setting or
definition stops the program with every problem listed (no traceback in the Pulumi CLI).
"""

from __future__ import annotations

from pathlib import Path

from ampliform.program.stack import run

run(Path(globals().get("__file__") or "__main__.py").resolve().parent)
