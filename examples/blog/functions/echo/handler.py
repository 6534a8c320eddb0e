"""The blog's `echo` query: the content it was given back, and how long answering took.

AppSync invokes it with Amplify's event (``typeName``, ``fieldName``, ``arguments``, ``identity``, ...); the
result is the query's ``EchoResponse`` ({content, executionDuration}).
"""

from __future__ import annotations

import time
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    started = time.perf_counter()
    content = (event.get("arguments") or {}).get("content")
    return {"content": content, "executionDuration": round((time.perf_counter() - started) * 1000, 3)}
