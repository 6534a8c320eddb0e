"""The photo-sharing app: the Amplify storage tutorial plus a thumbnail of every uploaded picture.

Its definition is backend.yaml (or the stack's ``ampliform:definition``); `ampliform.program.stack` builds it.
A bad setting or definition stops the program with every problem listed (no traceback in the Pulumi CLI).
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
