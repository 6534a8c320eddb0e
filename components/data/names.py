"""GraphQL names Amplify gives a model's types and operations (``Category`` → ``listCategories``, ...).

Contract: `ModelNames(model)` is the one place these names are spelled; the schema, the resolvers, the IAM
grants, the introspection and the validation of name collisions all read them from here. Plurals are
English plurals as Amplify makes them (the ``pluralize`` rules, through `pluralizer`, its Python port:
``Person`` → ``People``, ``Box`` → ``Boxes``); the client builds operation names from ``pluralName`` in the
model introspection, which uses the same rule, so the two always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pluralizer import Pluralizer

OPERATION_TYPES = ("Query", "Mutation", "Subscription")
MUTATIONS = ("create", "update", "delete")
SUBSCRIPTIONS = {"onCreate": "create", "onUpdate": "update", "onDelete": "delete"}
"""Subscription prefix → the mutation it follows."""

_PLURALIZER = Pluralizer()


@lru_cache(maxsize=4096)
def pluralize(word: str) -> str:
    """The English plural of `word` as Amplify's ``pluralize`` writes it (case kept)."""
    return _PLURALIZER.pluralize(word, 2, False)


def capitalize(word: str) -> str:
    """``post`` → ``Post`` (first character only, as Amplify's ``toUpper``)."""
    return word[:1].upper() + word[1:]


def lower_first(word: str) -> str:
    """``Posts`` → ``posts`` (first character only, as Amplify's ``toLower``)."""
    return word[:1].lower() + word[1:]


@dataclass(frozen=True)
class ModelNames:
    """Every name generated for one model."""

    model: str

    @property
    def plural(self) -> str:
        return pluralize(self.model)

    @property
    def lower_plural(self) -> str:
        return lower_first(self.plural)

    @property
    def get(self) -> str:
        return f"get{capitalize(self.model)}"

    @property
    def list(self) -> str:
        return f"list{capitalize(self.plural)}"

    @property
    def create(self) -> str:
        return f"create{capitalize(self.model)}"

    @property
    def update(self) -> str:
        return f"update{capitalize(self.model)}"

    @property
    def delete(self) -> str:
        return f"delete{capitalize(self.model)}"

    def subscription(self, prefix: str) -> str:
        """``onCreate`` → ``onCreatePost``."""
        return f"{prefix}{capitalize(self.model)}"

    @property
    def subscriptions(self) -> dict[str, str]:
        """Subscription field → the mutation it follows."""
        return {self.subscription(p): getattr(self, m) for p, m in SUBSCRIPTIONS.items()}

    @property
    def connection(self) -> str:
        return f"Model{self.model}Connection"

    @property
    def filter_input(self) -> str:
        return f"Model{self.model}FilterInput"

    @property
    def condition_input(self) -> str:
        return f"Model{self.model}ConditionInput"

    @property
    def subscription_filter_input(self) -> str:
        return f"ModelSubscription{self.model}FilterInput"

    @property
    def create_input(self) -> str:
        return f"Create{self.model}Input"

    @property
    def update_input(self) -> str:
        return f"Update{self.model}Input"

    @property
    def delete_input(self) -> str:
        return f"Delete{self.model}Input"

    @property
    def table_data_source(self) -> str:
        return f"{self.model}Table"

    def fields_of(self, operation: str) -> tuple[tuple[str, str], ...]:
        """The (type, field) pairs one operation (create, update, delete, get, list, listen) covers."""
        if operation == "get":
            return (("Query", self.get),)
        if operation == "list":
            return (("Query", self.list),)
        if operation in MUTATIONS:
            return (("Mutation", getattr(self, operation)),)
        if operation == "listen":
            return tuple(("Subscription", field) for field in self.subscriptions)
        raise ValueError(f"unknown operation {operation!r}")

    def type_names(self) -> tuple[str, ...]:
        """The types the model adds to the schema (its own type first)."""
        return (self.model, self.connection, self.filter_input, self.condition_input, self.create_input,
                self.update_input, self.delete_input, self.subscription_filter_input)

    def operation_fields(self) -> tuple[tuple[str, str], ...]:
        """Every Query/Mutation/Subscription field of the model (before ``disable_operations``)."""
        out: list[tuple[str, str]] = []
        for operation in ("get", "list", "create", "update", "delete", "listen"):
            out.extend(self.fields_of(operation))
        return tuple(out)
