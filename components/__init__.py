"""ampliform: Amplify-Gen-2-style app backends as Pulumi ComponentResources.

Import the components with ``from components import Auth, Storage, Data``. They are loaded lazily, so that
the pure parts (``components.access``, the definition model, the CLI's compile/validate/explain) never import
pulumi.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Auth": "components.auth",
    "AuthArgs": "components.auth",
    "Storage": "components.storage",
    "StorageArgs": "components.storage",
    "Data": "components.data.component",
    "DataArgs": "components.data.component",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'components' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
