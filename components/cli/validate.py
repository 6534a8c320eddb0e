"""`ampliform validate [DEFINITION]`: check a definition; the verdict, what it holds, each role's budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ampliform.cli.options import (
    DEFAULT_DEFINITION,
    compat_option,
    definition_project_option,
    json_option,
    project_of,
    quota_option,
)
from ampliform.cli.output import emit_json, say, table, verdict
from ampliform.definition.load import load_definition
from ampliform.iam.budget import Limits
from ampliform.plan.backend import BackendPlan, plan_backend


@click.command()
@click.argument("definition", default=DEFAULT_DEFINITION)
@compat_option
@quota_option
@json_option
@definition_project_option
def validate(definition: str, compat: str | None, quota: int, as_json: bool, project_dir: Path | None) -> None:
    """Check DEFINITION (default: backend.yaml): every problem, or a summary with each role's budget."""
    plan = plan_backend(load_definition(definition), limits=Limits(managed_quota=quota, compat=compat == "amplify"),
                        project_dir=project_of(definition, project_dir))
    summary = summarise(definition, plan)
    if as_json:
        emit_json(summary)
    else:
        say(render(summary))


def summarise(source: str, plan: BackendPlan) -> dict[str, Any]:
    """The machine form: buckets (paths, roles), models, and each role's budget."""
    defn = plan.definition
    return {"valid": True, "definition": source,
            "buckets": {b.name: {"paths": len(b.access or {}), "roles": sorted(plan.buckets[b.name].roles)}
                        for b in defn.buckets},
            "models": list(defn.data.models) if defn.data is not None else [],
            "functions": {name: {"triggers": [f"{t.bucket} {t.describe()}" for ts in plan.triggers.values()
                                              for t in ts if t.function == name],
                                 "schedule": (f"{spec.schedule_spec.expression} ({spec.schedule_spec.timezone})"
                                              if spec.schedule_spec else None)}
                          for name, spec in defn.functions.items()},
            "budgets": {role: budget.to_json() for role, budget in plan.budgets.items()}}


def render(summary: dict[str, Any]) -> str:
    """The text form: the verdict first, then what the definition holds, then the budgets."""
    lines = [f"{verdict('valid')}  {summary['definition']}"]
    rows = [["bucket", name, f"{b['paths']} path{'s' if b['paths'] != 1 else ''}",
             ", ".join(b["roles"]) or "no role"] for name, b in summary["buckets"].items()]
    if summary["models"]:
        rows.append(["data", f"{len(summary['models'])} model{'s' if len(summary['models']) != 1 else ''}",
                     "", ", ".join(summary["models"])])
    for name, f in summary.get("functions", {}).items():
        rows.append(["function", name, f["schedule"] or "", "; ".join(f["triggers"]) or "no trigger"])
    lines += table(rows)
    if summary["budgets"]:
        lines += ["", "policy budget per role (inline characters used of the room; managed policies of the quota)"]
        budget_rows = []
        for role, b in summary["budgets"].items():
            budget_rows.append([role, f"inline {b['inline']['used']:,} / {b['inline']['limit']:,}",
                                f"managed {b['managed']['policies']} / {b['managed']['quota']}"])
        lines += table(budget_rows)
    return "\n".join(lines)
