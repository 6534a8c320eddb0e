"""`ampliform explain DEFINITION --as ROLE ACTION KEY`: may this role do this? The decision first, then why.

The request is checked as S3 and Cognito would (`check_request`): `--identity` must look like an identity-pool
id (``<region>:<id>``, at most 55 characters, Cognito's pattern) and KEY may have at most 1,024 bytes (S3's
limit). `--as` takes only roles the definition has (no `guest` without a guest rule). Without `--identity`
a key under an owner path (``X/{entity_id}/*``) cannot be decided as its owner: the text says so
(`owner_note`).
"""

from __future__ import annotations

import json
import re
from typing import Any

import click

from ampliform.access.constants import ENTITY_TOKEN
from ampliform.cli.options import compat_option, json_option
from ampliform.cli.output import emit_json, say, table, verdict
from ampliform.definition.load import load_definition
from ampliform.definition.model import Definition
from ampliform.definition.storage import BucketSpec, EntityRule, ResourceRule
from ampliform.errors import DefinitionError, Problem
from ampliform.plan.backend import compile_definition, guest_access_needed, plan_backend, role_documents
from ampliform.plan.contributions import DATA_API
from ampliform.review.data_access import callers, explain_data
from ampliform.review.explain import explain as explain_request
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST, function_role, group_role

DATA_OPERATIONS = ("create", "read", "get", "list", "update", "delete", "listen")
STORAGE_ACTIONS = ("read", "get", "list", "write", "delete")

IDENTITY_ID = re.compile(r"[\w-]+:[0-9a-f-]+")
"""Cognito's pattern for an identity-pool id (``eu-west-1:1a2b...``), 55 characters at most."""
MAX_KEY_BYTES = 1024


def check_request(identity: str | None, key: str) -> None:
    """`--identity` and KEY as Cognito and S3 accept them, or a `DefinitionError` naming each problem."""
    problems = []
    if identity is not None and (len(identity) > 55 or not IDENTITY_ID.fullmatch(identity)):
        problems.append(Problem(f"--identity {identity!r} is not an identity-pool id", "--identity",
                                "Pass the caller's identity id as Cognito gives it, <region>:<id> "
                                "(e.g. eu-west-1:11111111-1111-4111-8111-111111111111)."))
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > MAX_KEY_BYTES:
        problems.append(Problem(f"KEY is {size:,} bytes long; S3 keys have at most {MAX_KEY_BYTES:,}", "KEY",
                                "Pass a key (or list prefix) of at most 1,024 bytes (UTF-8)."))
    DefinitionError.raise_if(problems)


def owner_note(spec: BucketSpec, role: str, key: str, identity: str | None) -> str | None:
    """Without `--identity`, the owner paths whose folders KEY may be in (decided as another user's)."""
    if identity is not None or role == ROLE_GUEST or role.startswith("function:"):
        return None
    owners = [path for path, rules in (spec.access or {}).items() if ENTITY_TOKEN in path
              and any(isinstance(r, EntityRule) for r in rules) and key.startswith(path.split(ENTITY_TOKEN)[0])]
    if not owners:
        return None
    return (f"note: {', '.join(owners)} {'is an owner path' if len(owners) == 1 else 'are owner paths'}: "
            "without --identity the caller owns no folder there; pass --identity <the caller's identity id> "
            "to decide as the folder's owner")


@click.command()
@click.argument("definition")
@click.option("--as", "role", required=True,
              help="authenticated, guest, group:<name> or function:<name> (Data: also authenticated/iam).")
@click.option("--identity", default=None, help="The caller's identity-pool id (fills {entity_id}).")
@click.option("--bucket", default=None, help="Bucket name (default: the default bucket).")
@compat_option
@json_option
@click.argument("action", type=click.Choice(sorted({*STORAGE_ACTIONS, *DATA_OPERATIONS})))
@click.argument("key")
def explain(definition: str, role: str, identity: str | None, bucket: str | None, compat: str | None,
            as_json: bool, action: str, key: str) -> None:
    """May ROLE do ACTION on KEY? KEY is an object key (a list prefix for `list`) of a bucket, or a Data model
    (e.g. `create Post`). Prints the decision and what decided it."""
    defn = load_definition(definition)
    if defn.data is not None and key in defn.data.models:
        explain_model(defn, role, action, key, as_json)
        return
    if action not in STORAGE_ACTIONS:
        models = ", ".join(defn.data.models) if defn.data is not None else "none"
        raise DefinitionError(Problem(f"{action!r} is a Data operation, and {key!r} is no model of the definition",
                                      "KEY", f"Name a model (models: {models}), or use a storage action: "
                                      f"{', '.join(STORAGE_ACTIONS)}."))
    check_request(identity, key)
    spec = pick_bucket(defn, bucket)
    check_role(defn, role)
    compiled = compile_definition(defn, compat=compat == "amplify")[spec.name]
    result = explain_request(compiled, spec.access or {}, role, action, key, identity)
    if as_json:
        emit_json(result)
    else:
        say(render(result, action, key))
    note = owner_note(spec, role, key, identity)
    if note:
        click.echo(note, err=True)


def explain_model(defn: Definition, caller: str, operation: str, model: str, as_json: bool) -> None:
    """The Data side of explain: the decision for CALLER's OPERATION on MODEL, and the rules that decide."""
    if operation not in DATA_OPERATIONS:
        raise DefinitionError(Problem(f"{operation!r} is not a Data operation", "ACTION",
                                      f"Use one of: {', '.join(DATA_OPERATIONS)}."))
    known = callers(defn)
    if caller not in known:
        raise DefinitionError(Problem(f"unknown caller {caller!r} for Data", "--as",
                                      f"Use one of: {', '.join(known)}."))
    plan = plan_backend(defn, project_dir=None)
    result = explain_data(defn, role_documents(plan), DATA_API.text, caller, operation, model)
    if as_json:
        emit_json(result)
        return
    lines = [f"{verdict('allow' if result['decision'] != 'deny' else 'deny')}  {caller} {operation} {model}"
             + (" (only records the caller owns)" if result["decision"] == "own" else "")]
    rows = []
    for r in result["requests"]:
        rows.append([r["operation"], r["decision"], "" if r["rules"] else "no rule of the model grants it"])
        for rule in r["rules"]:
            rows.append(["", "rule", f"{rule['at']}  {json.dumps(rule['rule'], sort_keys=True)}"])
        if r["iam"] is not None:
            allows = "allow" if r["iam"]["allows"] else "do not allow"
            rows.append(["", "iam", f"the {r['iam']['role']} role's policies {allows} appsync:GraphQL on its fields"])
    say("\n".join(lines + table(rows)))


def pick_bucket(defn: Definition, name: str | None) -> BucketSpec:
    """The bucket `--bucket` names, or the default one."""
    if name is None:
        chosen = defn.default_bucket
        if chosen is None:
            raise DefinitionError(Problem("the definition has no storage bucket", "storage",
                                          "Add a `storage:` section."))
        return chosen
    for b in defn.buckets:
        if b.name == name:
            return b
    raise DefinitionError(Problem(f"no bucket named {name!r}", "--bucket",
                                  f"Use one of: {', '.join(b.name for b in defn.buckets)}."))


def check_role(defn: Definition, role: str) -> None:
    """`role` must be one of the roles the definition has."""
    functions = {function_role(r.resource) for b in defn.buckets for rules in (b.access or {}).values()
                 for r in rules if isinstance(r, ResourceRule)} | {function_role(f) for f in defn.functions}
    guest = [ROLE_GUEST] if guest_access_needed(defn) else []
    known = [ROLE_AUTHENTICATED, *guest, *(group_role(g) for g in defn.auth.groups), *sorted(functions)]
    if role not in known:
        hint = " (the definition has no guest rule, so there is no guest role)" if role == ROLE_GUEST else ""
        raise DefinitionError(Problem(f"unknown role {role!r}{hint}", "--as", f"Use one of: {', '.join(known)}."))


def _statement(statement: dict[str, Any] | None) -> str:
    if statement is None:
        return "-"
    actions = statement.get("Action")
    resources = statement.get("Resource")
    text = (f"{statement.get('Effect')} {', '.join(actions) if isinstance(actions, list) else actions} on "
            f"{', '.join(resources) if isinstance(resources, list) else resources}")
    if "Condition" in statement:
        text += f" when {json.dumps(statement['Condition'], sort_keys=True)}"
    return text


def render(result: dict[str, Any], action: str, key: str) -> str:
    """The decision for ACTION on KEY, then per request (read = get + list) why."""
    identity = f" (identity {result['identity']})" if result["identity"] else ""
    lines = [f"{verdict(result['decision'])}  {result['role']}{identity} {action} {key!r} on bucket "
             f"{result['bucket']}"]
    rows = []
    for r in result["requests"]:
        rows.append([r["action"], r["decision"], r["reason"]])
        rows.append(["", "path", r["path"] or "(no path of the definition covers it)"])
        rows.append(["", "statement", _statement(r["statement"])])
    return "\n".join(lines + table(rows))
