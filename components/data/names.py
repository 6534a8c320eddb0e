"""GraphQL names Amplify gives a model's types and operations (``Post`` → ``listPosts``, ``ModelPostFilterInput``…).

Contract: `ModelNames(model)` is the one place these names are spelled; the schema, the resolvers, the IAM
grants and the validation of name collisions all read them from here. The plural is the model name plus
``s`` (Amplify Gen 2's default, ``improvePluralization: false``); the client builds operation names from
``pluralName`` in the model introspection, which uses the same rule, so the two always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

OPERATION_TYPES = ("Query", "Mutation", "Subscription")


@dataclass(frozen=True)
class ModelNames:
    """Every name generated for one model."""

    model: str

    @property
    def plural(self) -> str:
        return f"{self.model}s"

    @property
    def get(self) -> str:
        return f"get{self.model}"

    @property
    def list(self) -> str:
        return f"list{self.plural}"

    @property
    def create(self) -> str:
        return f"create{self.model}"

    @property
    def update(self) -> str:
        return f"update{self.model}"

    @property
    def delete(self) -> str:
        return f"delete{self.model}"

    @property
    def subscriptions(self) -> dict[str, str]:
        """Subscription field → the mutation it follows."""
        return {f"onCreate{self.model}": self.create, f"onUpdate{self.model}": self.update,
                f"onDelete{self.model}": self.delete}

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

    def fields_of(self, operation: str) -> tuple[tuple[str, str], ...]:
        """The (type, field) pairs one operation (create, update, delete, get, list, listen) covers."""
        if operation == "get":
            return (("Query", self.get),)
        if operation == "list":
            return (("Query", self.list),)
        if operation in ("create", "update", "delete"):
            return (("Mutation", getattr(self, operation)),)
        if operation == "listen":
            return tuple(("Subscription", field) for field in self.subscriptions)
        raise ValueError(f"unknown operation {operation!r}")

    def type_names(self) -> tuple[str, ...]:
        """The types the model adds to the schema (its own type first)."""
        return (self.model, self.connection, self.filter_input, self.condition_input, self.create_input,
                self.update_input, self.delete_input, self.subscription_filter_input)

    def operation_fields(self) -> tuple[tuple[str, str], ...]:
        """Every Query/Mutation/Subscription field of the model."""
        out: list[tuple[str, str]] = []
        for operation in ("get", "list", "create", "update", "delete", "listen"):
            out.extend(self.fields_of(operation))
        return tuple(out)
