"""A whole backend definition: auth, storage (one bucket or several), data and functions, in the data form or the DSL.

Contract: `Definition` is the one model both forms produce. It checks shape and types; `validate` (in
`ampliform.plan.check`) checks meaning. `storage` may be written as one bucket or a list of buckets; the
model keeps which, so that error locations read like the file the user wrote.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag

from ampliform.definition.auth import AuthSpec
from ampliform.definition.base import StrictModel
from ampliform.definition.data import DataSpec
from ampliform.definition.functions import FunctionSpec
from ampliform.definition.storage import BucketSpec

__all__ = ["AuthSpec", "Definition", "Storage"]


def _storage_shape(value: Any) -> str:
    return "several" if isinstance(value, (list, tuple)) else "one"


Storage = Annotated[
    Annotated[BucketSpec, Tag("one")] | Annotated[tuple[BucketSpec, ...], Tag("several")],
    Discriminator(_storage_shape),
]


class Definition(StrictModel):
    """`auth`, `storage`, `data` and `functions` of one backend."""

    auth: AuthSpec = Field(default_factory=AuthSpec, description="Auth (ampliform.definition.auth).")
    storage: Storage | None = Field(default=None, description="One bucket, or a list with one default.")
    data: DataSpec | None = Field(default=None, description="Data models.")
    functions: dict[str, FunctionSpec] = Field(default_factory=dict, description="Lambda functions by name.")

    @property
    def buckets(self) -> tuple[BucketSpec, ...]:
        """The buckets in declaration order, whichever way `storage` was written."""
        if self.storage is None:
            return ()
        return self.storage if isinstance(self.storage, tuple) else (self.storage,)

    def bucket_location(self, index: int) -> tuple[str | int, ...]:
        """Where bucket `index` is in the user's file: ``storage`` or ``storage[i]``."""
        return ("storage", index) if isinstance(self.storage, tuple) else ("storage",)

    @property
    def default_bucket(self) -> BucketSpec | None:
        """The default bucket: the only one, or the one marked `is_default` (None when that is ambiguous)."""
        buckets = self.buckets
        if len(buckets) == 1:
            return buckets[0]
        marked = [b for b in buckets if b.is_default]
        return marked[0] if len(marked) == 1 else None
