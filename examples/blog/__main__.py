"""The blog app: posts with comments, a status enum, posts by status newest first, and a custom query.

Its definition is backend.yaml (or the stack's ``ampliform:definition``); `ampliform.program.stack` builds it.

`ampliform.program.stack` holds the program and documents its settings and stack outputs. A bad setting or
definition stops the program with every problem listed (no traceback in the Pulumi CLI).
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from ampliform.errors import DefinitionError
from ampliform.program.stack import main

PROJECT_DIR = Path(globals().get("__file__") or "__main__.py").resolve().parent


class ProgramError(DefinitionError, pulumi.RunError):
    """A user error that the Pulumi CLI reports as a clean failure, listing every problem."""


try:
    main(PROJECT_DIR)
except DefinitionError as error:
    raise ProgramError(error.problems) from None
