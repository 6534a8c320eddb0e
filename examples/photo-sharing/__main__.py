"""The photo-sharing app: the Amplify storage tutorial plus a thumbnail of every uploaded picture.

Its definition is backend.yaml (or the stack's ``ampliform:definition``); `ampliform.program.stack` builds it.
A bad setting or definition stops the program with every problem listed (no traceback in the Pulumi CLI).
"""

from __future__ import annotations

from pathlib import Path

from ampliform.program.stack import run

run(Path(globals().get("__file__") or "__main__.py").resolve().parent)
