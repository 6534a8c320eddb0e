"""A small GraphQL SDL document model: ordered types, fields, arguments and directives, rendered as text.

Contract: `Document` keeps types in insertion order; `extend(name, directives)` adds directives to a type the
way Amplify's transformers extend one (a directive whose name the type already has is not added again);
`render()` prints the SDL AppSync receives (types separated by blank lines, deterministic). Directives are
kept as their text (``@aws_iam``, ``@aws_cognito_user_pools(cognito_groups: ["admin"])``). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


def directive_name(directive: str) -> str:
    """``@aws_cognito_user_pools(cognito_groups: [...])`` → ``aws_cognito_user_pools``."""
    return directive.lstrip("@").split("(", 1)[0].strip()


def merge_directives(existing: list[str], added: Iterable[str]) -> list[str]:
    """`existing` plus each of `added` whose name it lacks (Amplify's ``extensionWithDirectives``)."""
    out = list(existing)
    names = {directive_name(d) for d in out}
    for directive in added:
        if directive_name(directive) not in names:
            out.append(directive)
            names.add(directive_name(directive))
    return out


@dataclass
class FieldDef:
    """A field of an object type, an input field, or an enum value (`type` empty)."""

    name: str
    type: str = ""
    args: list[tuple[str, str]] = field(default_factory=list)
    directives: list[str] = field(default_factory=list)

    def render(self) -> str:
        args = f"({', '.join(f'{n}: {t}' for n, t in self.args)})" if self.args else ""
        text = f"{self.name}{args}: {self.type}" if self.type else self.name
        return " ".join([text, *self.directives])


@dataclass
class TypeDef:
    """An object type (``type``), input type (``input``) or enum (``enum``)."""

    kind: str
    name: str
    fields: list[FieldDef] = field(default_factory=list)
    directives: list[str] = field(default_factory=list)

    def field(self, name: str) -> FieldDef | None:
        return next((f for f in self.fields if f.name == name), None)

    def add(self, item: FieldDef) -> None:
        """Add a field unless one of that name is there."""
        if self.field(item.name) is None:
            self.fields.append(item)

    def remove(self, name: str) -> None:
        self.fields = [f for f in self.fields if f.name != name]

    def render(self) -> str:
        head = " ".join([f"{self.kind} {self.name}", *self.directives])
        return "\n".join([head + " {", *(f"  {f.render()}" for f in self.fields), "}"])


class Document:
    """An ordered set of type definitions (see the module docstring)."""

    def __init__(self) -> None:
        self.types: dict[str, TypeDef] = {}

    def add(self, typedef: TypeDef) -> TypeDef:
        """Add a type (the first definition of a name wins) and return the one in the document."""
        return self.types.setdefault(typedef.name, typedef)

    def get(self, name: str) -> TypeDef | None:
        return self.types.get(name)

    def root(self, name: str) -> TypeDef:
        """The Query, Mutation or Subscription type, created when first needed."""
        return self.add(TypeDef("type", name))

    def extend(self, name: str, directives: Iterable[str]) -> None:
        """Add directives to a type (see `merge_directives`); no such type, no change."""
        typedef = self.types.get(name)
        if typedef is not None:
            typedef.directives = merge_directives(typedef.directives, directives)

    def extend_field(self, type_name: str, field_name: str, directives: Iterable[str]) -> None:
        typedef = self.types.get(type_name)
        target = typedef.field(field_name) if typedef else None
        if target is not None:
            target.directives = merge_directives(target.directives, directives)

    def render(self, order: Iterable[str] | None = None) -> str:
        names = list(order) if order is not None else list(self.types)
        return "\n\n".join(self.types[n].render() for n in names if n in self.types) + "\n"
