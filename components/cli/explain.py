"""`ampliform explain DEFINITION --as ROLE ACTION KEY`: may this role do this? The decision first, then why."""

from __future__ import annotations

import json
from typing import Any

import click

from ampliform.cli.options import compat_option, json_option
from ampliform.cli.output import emit_json, say, table, verdict
from ampliform.definition.load import load_definition
from ampliform.definition.model import Definition
from ampliform.definition.storage import BucketSpec, ResourceRule
from ampliform.errors import DefinitionError, Problem
from ampliform.plan.backend import compile_definition, plan_backend, role_documents
from ampliform.plan.contributions import DATA_API
from ampliform.review.data_access import callers, explain_data
from ampliform.review.explain import explain as explain_request
from ampliform.roles import ROLE_AUTHENTICATED, ROLE_GUEST, function_role, group_role

DATA_OPERATIONS = ("create", "read", "get", "list", "update", "delete", "listen")
STORAGE_ACTIONS = ("read", "get", "list", "write", "delete")


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
    spec = pick_bucket(defn, bucket)
    check_role(defn, role)
    compiled = compile_definition(defn, compat=compat == "amplify")[spec.name]
    result = explain_request(compiled, spec.access or {}, role, action, key, identity)
    if as_json:
        emit_json(result)
    else:
        say(render(result, action, key))


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
    known = [ROLE_AUTHENTICATED, ROLE_GUEST, *(group_role(g) for g in defn.auth.groups), *sorted(functions)]
    if role not in known:
        raise DefinitionError(Problem(f"unknown role {role!r}", "--as", f"Use one of: {', '.join(known)}."))


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
