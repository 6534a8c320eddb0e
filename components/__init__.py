"""ampliform: Amplify-Gen-2-style app backends as Pulumi ComponentResources.

Import the components with ``from components import Auth, Storage, Data``. They are loaded lazily, so that
the pure parts (``components.access``, the definition model, the CLI's compile/validate/explain) never import
pulumi.
"""

from __future__ import annotations

from components._lazy import lazy_getattr

_LAZY = {
    "Auth": "components.auth",
    "AuthArgs": "components.auth",
    "Storage": "components.storage",
    "StorageArgs": "components.storage",
    "Data": "components.data.component",
    "DataArgs": "components.data.component",
}

__all__ = sorted(_LAZY)
__getattr__ = lazy_getattr(__name__, _LAZY)
