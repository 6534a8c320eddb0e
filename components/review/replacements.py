"""What an update would destroy: the data-bearing resource types, and the inputs that force a replacement.

Contract: `DATA_BEARING` maps each resource type whose deletion or replacement loses data to what is lost;
`REPLACES` maps resource types to the `Replacement`s that force the provider to delete and re-create the
resource (or that the provider cannot apply in place at all, which costs the same), each with where the
fact comes from. Inputs are the provider's camelCase names, as in a preview and in a ``pulumi stack export``;
a dotted path (``usernameConfiguration.caseSensitive``) names a nested input. `replacing(type, old, new)`
lists the replacements between two input sets of one resource. This is the one place these facts live:
the change-safety check of a preview against deployed state and `diff` of two definitions read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TF = "terraform-provider-aws (the provider pulumi-aws bridges), internal/service/"


@dataclass(frozen=True)
class Replacement:
    """One input whose change replaces the resource."""

    input: str
    why: str
    source: str


DATA_BEARING: dict[str, str] = {
    "aws:s3/bucket:Bucket": "every object in the bucket",
    "aws:dynamodb/table:Table": "every item in the table",
    "aws:cognito/userPool:UserPool": "every user account (and every identity-pool identity tied to it)",
    "aws:cognito/identityPool:IdentityPool": "every identity id, so every owner folder (post-pictures/<id>/) is "
                                             "orphaned",
    "aws:cognito/userGroup:UserGroup": "the group's memberships",
}
"""Resource types whose deletion or replacement loses data, and what is lost."""

REPLACES: dict[str, tuple[Replacement, ...]] = {
    "aws:s3/bucket:Bucket": (
        Replacement("bucket", "a bucket's name cannot change", TF + "s3/bucket.go (bucket: ForceNew)"),
        Replacement("bucketPrefix", "a bucket's name cannot change", TF + "s3/bucket.go (bucket_prefix: ForceNew)"),
        Replacement("objectLockEnabled", "object lock is set at creation",
                    TF + "s3/bucket.go (object_lock_enabled: ForceNew)"),
    ),
    "aws:dynamodb/table:Table": (
        Replacement("name", "a table's name cannot change", TF + "dynamodb/table.go (name: ForceNew)"),
        Replacement("hashKey", "a table's partition key cannot change", TF + "dynamodb/table.go (hash_key: ForceNew)"),
        Replacement("rangeKey", "a table's sort key cannot change", TF + "dynamodb/table.go (range_key: ForceNew)"),
        Replacement("localSecondaryIndexes", "local secondary indexes are fixed at creation",
                    TF + "dynamodb/table.go (local_secondary_index: ForceNew)"),
    ),
    "aws:cognito/userPool:UserPool": (
        Replacement("name", "a user pool's name cannot change", TF + "cognitoidp/user_pool.go (name: ForceNew)"),
        Replacement("usernameAttributes", "sign-in attributes are fixed at creation",
                    TF + "cognitoidp/user_pool.go (username_attributes: ForceNew)"),
        Replacement("aliasAttributes", "sign-in aliases are fixed at creation",
                    TF + "cognitoidp/user_pool.go (alias_attributes: ForceNew)"),
        Replacement("usernameConfiguration.caseSensitive", "username case sensitivity is fixed at creation",
                    TF + "cognitoidp/user_pool.go (username_configuration.case_sensitive: ForceNew)"),
        Replacement("schemas", "schema attributes can be added but never changed or removed (Cognito)",
                    TF + "cognitoidp/user_pool.go (schema: \"Attributes can be added, but not modified or "
                    "removed\")"),
    ),
    "aws:cognito/identityPool:IdentityPool": (
        Replacement("identityPoolName", "an identity pool's name is fixed at creation",
                    TF + "cognitoidentity/pool.go (identity_pool_name: ForceNew)"),
    ),
    "aws:cognito/userGroup:UserGroup": (
        Replacement("name", "a group's name cannot change", TF + "cognitoidp/user_group.go (name: ForceNew)"),
        Replacement("userPoolId", "a group belongs to one user pool", TF + "cognitoidp/user_group.go "
                    "(user_pool_id: ForceNew)"),
    ),
}


def _get(inputs: Mapping[str, Any], path: str) -> Any:
    value: Any = inputs
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _schemas_changed(old: Any, new: Any) -> bool:
    """Schema attributes may only be added: a change or removal of an existing one replaces the pool."""
    def by_name(items: Any) -> dict[str, Any]:
        return {str(a.get("name")): a for a in items or [] if isinstance(a, Mapping)}
    before, after = by_name(old), by_name(new)
    return any(name not in after or after[name] != attr for name, attr in before.items())


def replacing(type_token: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Replacement]:
    """The replacements forced by changing one resource's inputs from `old` to `new`."""
    found = []
    for replacement in REPLACES.get(type_token, ()):
        before, after = _get(old, replacement.input), _get(new, replacement.input)
        if replacement.input == "schemas":
            changed = _schemas_changed(before, after)
        elif isinstance(before, list) and isinstance(after, list) and replacement.input != "localSecondaryIndexes":
            changed = sorted(map(str, before)) != sorted(map(str, after))
        else:
            changed = before != after
        if changed:
            found.append(replacement)
    return found
