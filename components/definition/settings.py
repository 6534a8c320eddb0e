"""Stack settings: the ``ampliform:*`` keys of ``stacks/Pulumi.<stack>.yaml``, checked and given defaults.

Contract:
- `parse_settings(config, stack, source)` takes a stack's config as Pulumi hands it to a program (every
  value a string; lists and numbers JSON-encoded) and returns `Settings`, or raises one `DefinitionError`
  listing every problem, each located as ``<source>: <key>`` (e.g. ``stacks/Pulumi.prod.yaml:
  ampliform:corsOrigins``): an unknown ``ampliform:*`` key, a wrong type, a missing ``aws:region``, a CORS
  origin that is not an origin, ``*`` among the prod CORS origins, no CORS origins in prod, a definition
  path that leaves the project (absolute, or with a ``..`` part). Region and origins must match as a whole
  (``"eu-west-1\n"`` is not a region, ``"*\n"`` not an origin).
- Prod is secure unless the stack says otherwise in so many words: ``ampliform:protect: false`` or an
  ``http://`` CORS origin in prod is an error unless ``ampliform:allowInsecureProd: true`` is set (an
  explicit, reviewable override in the stack file rather than a warning nobody reads in CI logs).
- Defaults come from here, not from Pulumi.yaml (the CLI applies those, mocks don't): ``env`` is ``prod``
  for the stack named ``prod`` and ``dev`` otherwise; prod turns versioning and protection
  (protect + retain on delete) on; dev allows the usual localhost origins.
- ``ampliform:secrets`` (the functions' secrets) is a mapping of secret name → value, each value a Pulumi secret
  (``pulumi config set --secret --path 'ampliform:secrets.SERVICE_TOKEN' <value>`` writes
  ``SERVICE_TOKEN: {secure: v1:...}`` under it). `Settings` keeps the names only, never a value. In a stack
  file every value must be ``secure:``; in a running program (`secret_keys` given: the config keys Pulumi
  marks secret) the whole key must be secret. A plaintext secret is an error naming the key.
- The sign-in keys (callback and logout URLs, the hosted-UI domain prefix, provider credentials, threat
  protection, the prod MFA statement) are `ampliform.definition.auth_settings`'s: routed there, their
  problems reported with the others, the result in `Settings.auth`.
- `read_stack_file(project_dir, stack)` loads a stack file into that string form (as the CLI would); a value
  YAML reads as something JSON cannot hold (a date, a set, binary) is an error naming its key, and the
  file is read by `ampliform.definition.read.read_document` (bounded: alias bombs, FIFOs, huge files).
  Pure: the running program reads its config with `ampliform.program.stack.settings_from_pulumi`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from ampliform.definition.auth_settings import AUTH_KEYS, AUTH_TEXT_KEYS, AuthSettings, parse_auth_settings
from ampliform.definition.functions import LogRetention
from ampliform.definition.load import parse_model
from ampliform.definition.read import read_document
from ampliform.errors import DefinitionError, Problem

NAMESPACE = "ampliform"
DEV_CORS_ORIGINS = ("http://localhost:3000", "http://localhost:5173")
"""CORS origins of a dev stack that sets none: the usual local dev servers (React/Next, Vite)."""

SECRET_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
"""A secret's name: a letter, then letters, digits or underscores (64 at most); also an environment prefix."""
DEV_LOG_RETENTION_DAYS = 14
PROD_LOG_RETENTION_DAYS = 365

_ORIGIN = re.compile(r"\*|https?://[^/\s?#]+")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
"""Both are used with `fullmatch`: a trailing newline is not part of a region or an origin."""
_STACK_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")
"""A Pulumi stack name (so that ``stacks/Pulumi.<stack>.yaml`` stays inside ``stacks/``)."""


class StackConfig(BaseModel):
    """The ``ampliform:*`` keys a stack file may set (names as written, without the namespace)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    env: Literal["dev", "prod"] | None = Field(
        default=None, description="dev or prod; default: prod for the stack named prod, else dev.")
    corsOrigins: tuple[Annotated[str, Field(min_length=1)], ...] | None = Field(  # noqa: N815 - config key
        default=None, description="Origins the buckets' CORS rule allows; required in prod, no `*` there.")
    versioning: StrictBool | None = Field(default=None, description="Bucket versioning; default: on in prod.")
    protect: StrictBool | None = Field(
        default=None, description="Protect and retain buckets and user pool on delete; default: on in prod.")
    compat: Literal["amplify"] | None = Field(
        default=None, description="`amplify` reproduces Amplify's access behaviour exactly.")
    definition: Annotated[str, Field(min_length=1)] | None = Field(
        default=None, description="The definition file, relative to the project; default backend.yaml.")
    maxManagedPolicies: Annotated[StrictInt, Field(ge=0, le=20)] | None = Field(  # noqa: N815 - config key
        default=None, description="Managed policies a role may use for storage access; default 10.")
    logRetentionDays: LogRetention | None = Field(  # noqa: N815 - config key
        default=None, description="Days functions' logs are kept; default 14, in prod 365.")
    secrets: dict[str, Any] | None = Field(
        default=None, description="The functions' secrets: name → a Pulumi secret (`secure:`).")
    dataLogging: Literal["NONE", "ERROR", "INFO", "DEBUG", "ALL"] | None = Field(  # noqa: N815 - config key
        default=None, description="The Data API's CloudWatch logging level; default: no logging.")
    dataLogRetentionDays: Annotated[StrictInt, Field(ge=1, le=3653)] | None = Field(  # noqa: N815 - config key
        default=None, description="Days the Data API's logs are kept; default 30.")
    dataTags: dict[Annotated[str, Field(min_length=1, max_length=128)],  # noqa: N815 - config key
                   Annotated[str, Field(max_length=256)]] | None = Field(
        default=None, description="Tags for the Data API, its tables and roles.")
    allowInsecureProd: StrictBool | None = Field(  # noqa: N815 - config key
        default=None, description="Accept `protect: false` or `http://` CORS origins in prod; default off.")


_TEXT_KEYS = {"env", "compat", "definition", "dataLogging"}
"""Keys whose value is kept as the raw string; all others are JSON-decoded first (as Pulumi's get_object)."""


@dataclass(frozen=True)
class Settings:
    """A stack's settings with every default applied."""

    stack: str
    region: str
    env: str
    cors_origins: tuple[str, ...]
    versioning: bool
    protect: bool
    compat: str | None
    definition: str
    max_managed_policies: int
    log_retention_days: int = DEV_LOG_RETENTION_DAYS
    secrets: tuple[str, ...] = ()
    """The names of the secrets the stack holds (never their values)."""
    auth: AuthSettings = field(default_factory=AuthSettings)
    """The auth keys (`ampliform.definition.auth_settings`): OAuth URLs, domain, credentials, threat protection."""
    data_logging: str | None = None
    """The Data API's log level (ERROR, ALL, ...), None for no logging (``ampliform:dataLogging``)."""
    data_log_retention_days: int = 30
    data_tags: tuple[tuple[str, str], ...] = ()
    """Tags for Data's resources (``ampliform:dataTags``), sorted by key."""

    @property
    def amplify_compat(self) -> bool:
        """True when the stack asks for Amplify's exact behaviour (``ampliform:compat: amplify``)."""
        return self.compat == "amplify"


def parse_settings(config: Mapping[str, str], stack: str, source: str = "",
                   secret_keys: Collection[str] | None = None) -> Settings:
    """Check a stack's config (``namespace:key`` → string) and apply the defaults (see the module doc).
    `secret_keys`: the keys Pulumi marks secret, when the config comes from a running program."""
    source = source or f"stacks/Pulumi.{stack}.yaml"
    at = f"{source}: " if source else ""
    problems: list[Problem] = []
    raw: dict[str, Any] = {}
    auth_raw: dict[str, Any] = {}
    allowed = [*StackConfig.model_fields, *AUTH_KEYS]
    for full_key, value in sorted(config.items()):
        namespace, _, key = full_key.partition(":")
        if namespace != NAMESPACE:
            continue
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"Did you mean `{NAMESPACE}:{close[0]}`? " if close else ""
            known = ", ".join(f"{NAMESPACE}:{k}" for k in allowed)
            problems.append(Problem(f"unknown setting `{full_key}`", f"{at}{full_key}",
                                    f"{hint}Allowed: {known}."))
            continue
        if key in AUTH_KEYS:
            auth_raw[key] = value if key in AUTH_TEXT_KEYS else _decode(value)
            continue
        raw[key] = value if key in _TEXT_KEYS else _decode(value)
    region = config.get("aws:region")
    if not region:
        problems.append(Problem("missing required setting `aws:region`", f"{at}aws:region",
                                "Add `aws:region: <your region, e.g. eu-west-1>` under `config:`."))
    elif not _REGION.fullmatch(region):
        problems.append(Problem(f"invalid AWS region {region!r}", f"{at}aws:region",
                                "Use a region code such as eu-west-1 or us-east-1."))
    env = raw.get("env") if raw.get("env") in ("dev", "prod") else ("prod" if stack == "prod" else "dev")
    auth, auth_problems = parse_auth_settings(auth_raw, secret_keys or (), at, str(env))
    parsed = _parse(raw, at, problems)
    if parsed is None:
        raise DefinitionError([*problems, *auth_problems])
    settings = replace(_resolve(parsed, stack, region or ""), auth=auth)
    problems.extend(auth_problems)
    problems.extend(_check_origins(settings, at, explicit=parsed.corsOrigins is not None))
    problems.extend(_check_definition(settings.definition, at))
    if settings.env == "prod" and not parsed.allowInsecureProd:
        problems.extend(_check_prod(settings, at))
    problems.extend(_check_secrets(parsed.secrets, at, secret_keys))
    DefinitionError.raise_if(problems)
    return settings


def _decode(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _parse(raw: dict[str, Any], at: str, problems: list[Problem]) -> StackConfig | None:
    try:
        return parse_model(StackConfig, raw)
    except DefinitionError as exc:
        for p in exc.problems:
            key = f"{NAMESPACE}:{p.location}"
            message = p.message.replace("`" + p.location.split("[")[0] + "`", f"`{NAMESPACE}:{p.location}`")
            fix = "Use a number from 0 to 20." if "than or equal" in message else p.fix
            problems.append(Problem(message, f"{at}{key}", fix, p.details))
        return None


def _resolve(cfg: StackConfig, stack: str, region: str) -> Settings:
    env = cfg.env or ("prod" if stack == "prod" else "dev")
    prod = env == "prod"
    origins = cfg.corsOrigins if cfg.corsOrigins is not None else (() if prod else DEV_CORS_ORIGINS)
    return Settings(
        stack=stack,
        region=region,
        env=env,
        cors_origins=tuple(origins),
        versioning=prod if cfg.versioning is None else cfg.versioning,
        protect=prod if cfg.protect is None else cfg.protect,
        compat=cfg.compat,
        definition=cfg.definition or "backend.yaml",
        max_managed_policies=10 if cfg.maxManagedPolicies is None else cfg.maxManagedPolicies,
        log_retention_days=cfg.logRetentionDays or (PROD_LOG_RETENTION_DAYS if prod else DEV_LOG_RETENTION_DAYS),
        secrets=tuple(sorted(cfg.secrets or {})),
        data_logging=None if cfg.dataLogging in (None, "NONE") else cfg.dataLogging,
        data_log_retention_days=cfg.dataLogRetentionDays or 30,
        data_tags=tuple(sorted((cfg.dataTags or {}).items())),
    )


def _check_secrets(secrets: Mapping[str, Any] | None, at: str, secret_keys: Collection[str] | None
                   ) -> list[Problem]:
    """A plaintext secret: a value not `secure:` in a stack file, or a key Pulumi does not hold as a secret."""
    key = f"{NAMESPACE}:secrets"
    if not secrets:
        return []
    fix = (f"Store it encrypted: `pulumi config set --secret --path '{key}.<NAME>' <value>` (the stack file then "
           "holds `<NAME>: {secure: ...}`).")
    problems = [Problem(f"invalid secret name {name!r}", f"{at}{key}.{name}",
                        "Use a letter, then letters, digits or underscores (64 at most), e.g. SERVICE_TOKEN.")
                for name in secrets if not re.fullmatch(SECRET_NAME, name)]
    if secret_keys is not None:
        if key not in secret_keys:
            problems.append(Problem(f"`{key}` holds plaintext values", f"{at}{key}", fix))
        return problems
    return problems + [Problem(f"secret {name!r} is written in plaintext", f"{at}{key}.{name}", fix)
                       for name, value in secrets.items() if not _is_secure(value)]


def _is_secure(value: Any) -> bool:
    """A stack file's encrypted value: ``{secure: <ciphertext>}``."""
    return isinstance(value, dict) and set(value) == {"secure"} and isinstance(value["secure"], str)


def _check_origins(settings: Settings, at: str, explicit: bool) -> list[Problem]:
    key = f"{NAMESPACE}:corsOrigins"
    problems = []
    if settings.env == "prod" and not explicit:
        problems.append(Problem(f"missing required setting `{key}` in prod", f"{at}{key}",
                                f"List your app's origins, e.g. `{key}: [\"https://app.example.com\"]`."))
    for i, origin in enumerate(settings.cors_origins):
        if not _ORIGIN.fullmatch(origin):
            problems.append(Problem(f"invalid CORS origin {origin!r}", f"{at}{key}[{i}]",
                                    "Write scheme and host only, e.g. https://app.example.com (no path, "
                                    "no trailing slash)."))
        elif origin == "*" and settings.env == "prod":
            problems.append(Problem("CORS origin `*` is not allowed in prod", f"{at}{key}[{i}]",
                                    "List the exact origins of your app, e.g. https://app.example.com."))
    return problems


def _check_definition(definition: str, at: str) -> list[Problem]:
    """The definition file must be inside the project: relative, without ``..`` parts."""
    path = Path(definition)
    if path.is_absolute() or ".." in path.parts or "\x00" in definition or definition.startswith("~"):
        key = f"{NAMESPACE}:definition"
        return [Problem(f"`{key}` {definition!r} is outside the project", f"{at}{key}",
                        "Name a file inside the project, relative to it (e.g. backend.yaml).")]
    return []


OVERRIDE = f"{NAMESPACE}:allowInsecureProd"


def _check_prod(settings: Settings, at: str) -> list[Problem]:
    """Prod's secure defaults, unless the stack overrides them explicitly (`OVERRIDE`)."""
    problems = []
    if not settings.protect:
        key = f"{NAMESPACE}:protect"
        problems.append(Problem(
            f"`{key}: false` in prod: buckets, tables and the user pool could be deleted with their data",
            f"{at}{key}", f"Remove `{key}: false` (prod protects by default), or set `{OVERRIDE}: true` to "
                          "accept it."))
    for i, origin in enumerate(settings.cors_origins):
        if origin.startswith("http://"):
            key = f"{NAMESPACE}:corsOrigins"
            problems.append(Problem(f"CORS origin {origin!r} is not HTTPS in prod", f"{at}{key}[{i}]",
                                    f"Use https://{origin[len('http://'):]}, or set `{OVERRIDE}: true` to "
                                    "accept it."))
    return problems


def _plain_value_problem(key: str, value: Any, source: str) -> Problem | None:
    """A value JSON cannot hold (YAML's dates, sets, binary), named with its key."""
    bad = _non_json(value)
    if bad is None:
        return None
    return Problem(f"`{key}` holds {bad}, which a stack setting cannot be", f"{source}: {key}",
                   "Quote the value to make it a string (e.g. \"2024-01-01\"), or use a list or number.")


def _non_json(value: Any) -> str | None:
    if value is None or isinstance(value, (str, bool, int, float)):
        return None
    if isinstance(value, list):
        return next((bad for item in value if (bad := _non_json(item)) is not None), None)
    if isinstance(value, dict):
        return next((bad for k, v in value.items() if (bad := _non_json(k) or _non_json(v)) is not None), None)
    names = {"date": "a date", "datetime": "a date and time", "set": "a set (!!set)", "bytes": "binary data"}
    return names.get(type(value).__name__, f"a {type(value).__name__}")


def read_stack_file(project_dir: str | Path, stack: str) -> tuple[dict[str, str], str]:
    """The config of ``stacks/Pulumi.<stack>.yaml`` as Pulumi passes it to a program (strings; other values
    JSON-encoded), and the file's path relative to `project_dir` (for error locations)."""
    if not _STACK_NAME.fullmatch(stack):
        raise DefinitionError(Problem(f"invalid stack name {stack!r}", "--stack",
                                      "Use letters, digits, `-`, `_` and `.` only (e.g. dev, prod)."))
    relative = f"stacks/Pulumi.{stack}.yaml"
    path = Path(project_dir) / relative
    if not path.exists():
        raise DefinitionError(Problem(f"no stack file for stack {stack!r}", relative,
                                      f"Create {relative} with a `config:` section, or use another stack."))
    document = read_document(path, label=relative)
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise DefinitionError(Problem(f"{relative} is not a mapping", relative,
                                      "Write the stack file as `config:` followed by `namespace:key: value` lines."))
    config = document.get("config")
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise DefinitionError(Problem("`config:` must be a mapping", f"{relative}: config",
                                      "Write one `namespace:key: value` per line under `config:`."))
    DefinitionError.raise_if(p for k, v in config.items() if (p := _plain_value_problem(str(k), v, relative)))
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}, relative
