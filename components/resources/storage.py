"""Storage: every bucket of a definition, secured, with its access granted to the roles through their owners.

Contract (pulumi-aws v7, type token ``ampliform:index:Storage``):
- builds from a plan (`StorageArgs.plan`, as the stack program passes it) or plans the definition itself
  (`ampliform.plan.backend.plan_backend`; one `DefinitionError` with every problem), and fails with a
  `DefinitionError` when a planned role has no role to attach to (guest access without Auth's guest role, a
  group Auth lacks, a function not passed in `StorageArgs.functions`);
- before creating anything, spends each role's budget with the role's owner (`Auth.policies` for the
  identity-pool roles, a function's owner for its role; `ampliform.resources.policies`): the budget is the
  role's, shared with every other component granting it something, so a role that would not fit stops the
  program here with the role, each contributor's share and the fix;
- per bucket ``<name>-<bucket>``: the bucket (tag ``ampliform:bucket`` = friendly name), a public access
  block with all four flags, ownership ``BucketOwnerEnforced``, SSE-S3 with bucket key, versioning (when
  on), a lifecycle aborting incomplete multipart uploads (and expiring noncurrent versions when
  versioned), CORS from the settings (when any origin), one bucket policy denying non-TLS requests;
- the bucket's documents as the budget placed them: inline ones as ``RolePolicy``, the spill as managed
  ``iam.Policy`` + ``RolePolicyAttachment``, bound to the real bucket ARN — never the role's
  ``inline_policies``;
- ``protect=True`` (prod): buckets protected and retained on delete; otherwise ``force_destroy``;
- functions (`ampliform.resources.function.Function`): their roles' grants go through `Function.policies`, and
  each bucket's triggers become exactly one ``aws.s3.BucketNotification`` (``<name>-<bucket>-notifications``:
  created events → ``on_upload``, removed → ``on_delete``, with the triggers' prefix/suffix filters), after one
  ``aws.lambda_.Permission`` per (bucket, function) letting ``s3.amazonaws.com`` invoke the function for that
  bucket's ARN and this account only (``source_account``) — the notification depends on the permissions, so
  S3 can check the destination. A function declared in the definition may be given later, with
  `connect_functions` (the stack program builds Storage, then the functions with the buckets' names in their
  environment, then connects them); one not declared must come in `StorageArgs.functions`.
Children are named ``<name>-...`` and parented to the component; `register_outputs` comes last.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from ampliform.definition.load import as_definition
from ampliform.definition.model import Definition
from ampliform.errors import DefinitionError, Problem, where
from ampliform.iam.budget import Contribution, Limits, Placement
from ampliform.iam.document import POLICY_VERSION
from ampliform.naming import slug
from ampliform.plan.backend import BackendPlan, CompiledBucket, plan_backend
from ampliform.plan.contributions import storage_contributor
from ampliform.resources.auth import Auth
from ampliform.resources.function import Function
from ampliform.resources.policies import PolicyOwner, RoleRef
from ampliform.resources.triggers import create_triggers
from ampliform.roles import function_role, role_kind

CORS_METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
CORS_EXPOSE_HEADERS = ("x-amz-server-side-encryption", "x-amz-request-id", "x-amz-id-2", "ETag")
"""Response headers the Amplify storage client reads (multipart uploads need ETag)."""


@dataclass
class StorageArgs:
    """Inputs of `Storage`."""

    definition: Definition | Mapping[str, Any] | None = None
    """The backend definition (or its data form, e.g. ``{"storage": {"name": "files", "access": {...}}}``);
    only its ``storage`` and ``auth.groups`` matter here. Give either this or `plan`."""

    plan: BackendPlan | None = None
    """The backend already planned (`ampliform.plan.backend.plan_backend`): the stack program plans once and
    hands the plan to every component, so nothing is checked or compiled twice."""

    auth: Auth | None = None
    """The `Auth` whose roles receive the signed-in, guest and group policies. Required when any rule names
    guest, authenticated, entity or groups."""

    functions: Mapping[str, Function | RoleRef | PolicyOwner] = field(default_factory=dict)
    """The functions `resource` rules and triggers name: function name → the `Function` (its role's budget
    owner and its ARN, for triggers), the owner of its role's budget (a Function's `policies`), or a role made
    elsewhere (Role, role name or ARN; its budget is then this Storage's alone). Functions the definition
    declares may instead come later, through `Storage.connect_functions`."""

    cors_origins: Sequence[str] = ()
    """Origins of the buckets' CORS rule (no CORS configuration when empty)."""

    versioning: bool = False
    """Turn on versioning (and expire noncurrent versions after `noncurrent_version_days`)."""

    protect: bool = False
    """Protect and retain the buckets on delete (prod). When False, buckets are force-destroyed."""

    compat: bool = False
    """Compile with Amplify's exact behaviour (``--compat amplify``)."""

    abort_incomplete_upload_days: int = 7
    """Days after which incomplete multipart uploads are aborted."""

    noncurrent_version_days: int = 30
    """Days after which noncurrent versions expire (only with versioning)."""

    max_managed_policies: int = 10
    """Managed policies a role may have attached (the budget's quota), when Storage plans by itself."""


@dataclass
class BucketResources:
    """The resources of one bucket."""

    bucket: aws.s3.Bucket
    public_access_block: aws.s3.BucketPublicAccessBlock
    ownership: aws.s3.BucketOwnershipControls
    encryption: aws.s3.BucketServerSideEncryptionConfiguration
    versioning: aws.s3.BucketVersioning | None
    lifecycle: aws.s3.BucketLifecycleConfiguration
    cors: aws.s3.BucketCorsConfiguration | None
    policy: aws.s3.BucketPolicy


def _plan(args: StorageArgs) -> BackendPlan:
    """The plan Storage builds from: the one given, or the definition's, checked and planned here."""
    if args.plan is not None:
        plan = args.plan
    elif args.definition is not None:
        definition = as_definition(args.definition, source="StorageArgs.definition")
        plan = plan_backend(definition, limits=Limits(managed_quota=args.max_managed_policies, compat=args.compat))
    else:
        raise DefinitionError(Problem("Storage needs a definition or a plan", "StorageArgs",
                                      "Pass StorageArgs(definition=...) or StorageArgs(plan=plan_backend(...))."))
    if not plan.definition.buckets:
        raise DefinitionError(Problem("the definition has no `storage` section", "storage",
                                      "Add a bucket under `storage:`, or don't create Storage."))
    return plan


class Storage(pulumi.ComponentResource):
    """All buckets of a definition; see the module docstring."""

    definition: Definition
    compiled: dict[str, CompiledBucket]
    resources: dict[str, BucketResources]
    default_bucket: str

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ampliform:index:Storage", name, None, opts)
        self.args = args
        self.plan = _plan(args)
        self.definition = definition = self.plan.definition
        self.compiled = self.plan.buckets
        owners = self._owners(definition)
        # every bucket's grants spend the roles' budgets before any resource exists
        placed = {bucket: self._place(bucket, owners) for bucket in self.compiled}
        self._functions = {n: f for n, f in args.functions.items() if isinstance(f, Function)}
        self.pending = sorted(self._pending(definition, owners))
        default = definition.default_bucket
        assert default is not None  # plan_backend checked: exactly one default
        self.default_bucket = default.name
        self.region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        self.resources = {}
        for spec in definition.buckets:
            renamed = [f"{name}-{slug(old)}" for old in spec.renamed_from]
            self.resources[spec.name] = self._create_bucket(f"{name}-{slug(spec.name)}", spec.name, args, renamed)
        for spec in definition.buckets:
            arns = {self.compiled[spec.name].arn: self.resources[spec.name].bucket.arn}
            renamed = [f"{name}-{slug(old)}" for old in spec.renamed_from]
            for owner, (contributions, placements) in placed[spec.name]:
                owner.create(f"{name}-{slug(spec.name)}", contributions, placements, arns, self, renamed)
        self._name = name
        self.notifications: dict[str, aws.s3.BucketNotification] = {}
        self.permissions: dict[tuple[str, str], aws.lambda_.Permission] = {}
        if not self.pending:
            self._create_triggers()
        self.register_outputs({
            "default_bucket": self.default_bucket,
            "bucket_names": self.bucket_names,
            "bucket_arns": {n: r.bucket.arn for n, r in self.resources.items()},
        })

    @property
    def buckets(self) -> dict[str, aws.s3.Bucket]:
        """The buckets by friendly name, in declaration order."""
        return {n: r.bucket for n, r in self.resources.items()}

    @property
    def bucket_names(self) -> dict[str, pulumi.Output[str]]:
        """Physical bucket names by friendly name."""
        return {n: r.bucket.bucket for n, r in self.resources.items()}

    @property
    def paths(self) -> dict[str, dict[str, dict[str, list[str]]]]:
        """The client `paths` map of each bucket (amplify_outputs.json), by friendly name."""
        return {n: c.paths for n, c in self.compiled.items()}

    def client_outputs(self) -> list[dict[str, Any]]:
        """Per bucket what a client needs: name, physical bucket name, region and `paths`."""
        return [{"name": n, "bucket_name": r.bucket.bucket, "aws_region": self.region,
                 "paths": self.compiled[n].paths} for n, r in self.resources.items()]

    def connect_functions(self, functions: Mapping[str, Function]) -> None:
        """Connect the declared functions given later: their roles' grants (through `Function.policies`, in the
        plan's order), then each bucket's notification and permissions. Every pending function at once."""
        missing = [n for n in self.pending if n not in functions]
        unknown = [n for n in functions if n not in self.pending]
        DefinitionError.raise_if(
            [Problem(f"Storage still needs function {n!r}", "Storage.connect_functions",
                     "Pass every function the definition's rules and triggers name.") for n in missing]
            + [Problem(f"Storage does not wait for function {n!r}", "Storage.connect_functions",
                       f"Pass only: {', '.join(self.pending) or 'nothing (all connected)'}.") for n in unknown])
        owners = {function_role(n): f.policies for n, f in functions.items()}
        placed = {b: self._place(b, owners, roles=set(owners)) for b in self.compiled}
        for spec in self.definition.buckets:
            arns = {self.compiled[spec.name].arn: self.resources[spec.name].bucket.arn}
            renamed = [f"{self._name}-{slug(old)}" for old in spec.renamed_from]
            for owner, (contributions, placements) in placed[spec.name]:
                owner.create(f"{self._name}-{slug(spec.name)}", contributions, placements, arns, self, renamed)
        self._functions.update(functions)
        self.pending = []
        self._create_triggers()

    def _pending(self, definition: Definition, owners: Mapping[str, PolicyOwner]) -> set[str]:
        """Declared functions a rule or trigger needs that were not given yet."""
        needed = {role_kind(key)[1] for bucket in self.compiled.values() for key in bucket.roles
                  if role_kind(key)[0] == "function" and key not in owners}
        needed |= {t.function for triggers in self.plan.triggers.values() for t in triggers
                   if t.function not in self._functions}
        return needed

    def _create_triggers(self) -> None:
        """Each bucket's triggers: its permissions and its one notification (`ampliform.resources.triggers`)."""
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        for bucket, triggers in self.plan.triggers.items():
            notification, permissions = create_triggers(f"{self._name}-{slug(bucket)}", self.resources[bucket].bucket,
                                                        triggers, self._functions, account, self)
            self.notifications[bucket] = notification
            self.permissions.update({(bucket, f): p for f, p in permissions.items()})

    def _owners(self, definition: Definition) -> dict[str, PolicyOwner]:
        """The owner of each role the plan grants: Auth for identity-pool roles, the function's for its role."""
        owners: dict[str, PolicyOwner] = {}
        if self.args.auth is not None:
            owners.update({key: self.args.auth.policies for key in self.args.auth.roles})
        limits = self.plan.limits
        for function, ref in self.args.functions.items():
            key = function_role(function)
            if isinstance(ref, Function):
                owners[key] = ref.policies
            else:
                owners[key] = ref if isinstance(ref, PolicyOwner) else PolicyOwner({key: ref}, limits)
        declared = set(definition.functions)
        problems = [_missing_role(definition, bucket.name, key, self.args.auth is not None)
                    for bucket in self.compiled.values() for key in bucket.roles
                    if key not in owners and not (role_kind(key)[0] == "function" and role_kind(key)[1] in declared)]
        DefinitionError.raise_if(dict.fromkeys(problems))
        return owners

    def _place(self, bucket: str, owners: Mapping[str, PolicyOwner], roles: set[str] | None = None
               ) -> list[tuple[PolicyOwner, tuple[list[Contribution], list[list[Placement]]]]]:
        """One bucket's contributions, placed with the owner of each role (the plan's, in the plan's order);
        roles without an owner yet (functions connected later) wait; `roles` limits it to those roles."""
        mine = [c for c in self.plan.contributions if c.contributor == storage_contributor(bucket)
                and c.role in owners and (roles is None or c.role in roles)]
        by_owner: dict[int, tuple[PolicyOwner, list[Contribution]]] = {}
        for contribution in mine:
            owner = owners[contribution.role]
            by_owner.setdefault(id(owner), (owner, []))[1].append(contribution)
        return [(owner, (contributions, owner.place(contributions))) for owner, contributions in by_owner.values()]

    def _create_bucket(self, prefix: str, friendly: str, args: StorageArgs,
                       renamed: Sequence[str] = ()) -> BucketResources:
        """One bucket and its side resources; `renamed` are the name prefixes it had before (aliases: the
        bucket and its one-per-bucket configurations stay, rather than being deleted and re-created)."""

        def opts(suffix: str = "", **extra: Any) -> pulumi.ResourceOptions:
            aliases = [pulumi.Alias(name=f"{old}{suffix}") for old in renamed]
            return pulumi.ResourceOptions(parent=self, aliases=aliases or None, **extra)

        bucket = aws.s3.Bucket(
            prefix,
            force_destroy=not args.protect,
            tags={"ampliform:bucket": friendly},
            opts=opts(protect=args.protect, retain_on_delete=args.protect),
        )
        pab = aws.s3.BucketPublicAccessBlock(
            f"{prefix}-public-access-block", bucket=bucket.id, block_public_acls=True,
            block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
            opts=opts("-public-access-block"))
        ownership = aws.s3.BucketOwnershipControls(
            f"{prefix}-ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"},
            opts=opts("-ownership"))
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{prefix}-encryption", bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"},
                    "bucket_key_enabled": True}], opts=opts("-encryption"))
        versioning = aws.s3.BucketVersioning(
            f"{prefix}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"},
            opts=opts("-versioning")) if args.versioning else None
        lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{prefix}-lifecycle", bucket=bucket.id, rules=lifecycle_rules(args),
            opts=opts("-lifecycle", depends_on=[versioning] if versioning else []))
        cors = aws.s3.BucketCorsConfiguration(
            f"{prefix}-cors", bucket=bucket.id,
            cors_rules=[cors_rule(args.cors_origins)], opts=opts("-cors")) if args.cors_origins else None
        policy = aws.s3.BucketPolicy(
            f"{prefix}-policy", bucket=bucket.id, policy=tls_only_policy(bucket.arn),
            opts=opts("-policy", depends_on=[pab]))
        return BucketResources(bucket, pab, ownership, encryption, versioning, lifecycle, cors, policy)


def lifecycle_rules(args: StorageArgs) -> list[Any]:
    """Abort incomplete multipart uploads; with versioning, also expire noncurrent versions."""
    everything = {"prefix": ""}
    rules: list[dict[str, Any]] = [{
        "id": "abort-incomplete-multipart-uploads", "status": "Enabled", "filter": everything,
        "abort_incomplete_multipart_upload": {"days_after_initiation": args.abort_incomplete_upload_days}}]
    if args.versioning:
        rules.append({"id": "expire-noncurrent-versions", "status": "Enabled", "filter": everything,
                      "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_version_days}})
    return rules


def cors_rule(origins: Sequence[str]) -> Any:
    """The one CORS rule (Amplify's, with the stack's origins instead of ``*``)."""
    return {"allowed_headers": ["*"], "allowed_methods": list(CORS_METHODS), "allowed_origins": list(origins),
            "expose_headers": list(CORS_EXPOSE_HEADERS), "max_age_seconds": 3000}


def tls_only_policy(bucket_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """The bucket policy: deny every request that does not use TLS."""
    return pulumi.Output.json_dumps({
        "Version": POLICY_VERSION,
        "Statement": [{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    }, sort_keys=True)


def _missing_role(definition: Definition, bucket: str, key: str, has_auth: bool) -> Problem:
    kind, target = role_kind(key)
    at = _first_rule(definition, bucket, key)
    if kind == "function":
        return Problem(f"function {target!r} has no role: `allow.resource` needs its execution role", at,
                       f"Pass it to Storage: StorageArgs(functions={{{target!r}: <its Role or role name>}}).")
    if not has_auth:
        return Problem(f"{key} access needs Auth, but Storage was given none", at,
                       "Create Auth first and pass it: StorageArgs(auth=auth, ...).")
    if kind == "guest":
        return Problem("guest access needs Auth's guest role, but Auth was built without guest access", at,
                       "Build Auth with AuthArgs(guest_access=guest_access_needed(definition)).")
    return Problem(f"Auth has no role for {key!r}", at,
                   f"Build Auth with the groups: AuthArgs(groups={list(definition.auth.groups)}).")


def _first_rule(definition: Definition, bucket: str, key: str) -> str:
    """The location of the first rule granting role `key` on `bucket` (the bucket's access map otherwise)."""
    kind, target = role_kind(key)
    for i, spec in enumerate(definition.buckets):
        if spec.name != bucket:
            continue
        for path, rules in (spec.access or {}).items():
            for j, rule in enumerate(rules):
                hit = {"guest": rule.allow == "guest",
                       "authenticated": rule.allow in ("authenticated", "entity"),
                       "group": rule.allow == "groups" and target in getattr(rule, "groups", ()),
                       "function": rule.allow == "resource" and getattr(rule, "resource", None) == target}
                if hit.get(kind):
                    return where(*definition.bucket_location(i), "access", path, j)
        return where(*definition.bucket_location(i), "access")
    return "storage"

