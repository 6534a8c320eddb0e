"""Benchmark: `ampliform preview` of a 40-model Data schema with relationships against 40 plain models.

Run: `venv/bin/python benchmarks/data_bench.py [--models N] [--runs N] [--stack S]`. Writes two temporary
projects (this repository's program and stack files, a generated backend.yaml) and times the preview of each
as a fresh process (see preview_bench.py: one warm-up run, then min and median wall time and CPU time):

- plain: N models of four scalar fields, each with owner, signed-in (read) and group rules;
- related: the same models, each (but the first) belonging to the one before it (``parentId`` and
  ``parent: belongs_to``, the parent's ``children: has_many``), every fifth with a secondary index
  (``listModelNNByCount``) and every fourth with a field-level rule.

Target: related within 1.5x of plain. Numbers go in the closing notes, never into timed tests.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from preview_bench import ROOT, command, wall_times  # noqa: E402

TARGET = 1.5


def rules() -> list[dict]:
    return [{"allow": "owner"}, {"allow": "authenticated", "to": ["read"]}, {"allow": "groups", "groups": ["admin"]}]


def plain_models(n: int) -> dict:
    """`n` models of scalar fields only."""
    return {f"Model{i:02d}": {"fields": {"title": "string!", "body": "string", "count": "int", "at": "datetime"},
                              "authorization": rules()} for i in range(n)}


def related_models(n: int) -> dict:
    """The plain models, chained by has-many / belongs-to, with some indexes and field-level rules."""
    models = plain_models(n)
    for i in range(n):
        model = models[f"Model{i:02d}"]
        fields = model["fields"]
        if i > 0:
            fields["parentId"] = "id"
            fields["parent"] = {"belongs_to": f"Model{i - 1:02d}", "references": "parentId"}
        if i < n - 1:
            fields["children"] = {"has_many": f"Model{i + 1:02d}", "references": "parentId"}
        if i % 5 == 0:
            model["secondary_indexes"] = [{"partition": "count", "sort": ["at"]}]
        if i % 4 == 0:
            fields["body"] = {"type": "string", "authorization": [{"allow": "owner"}, {"allow": "groups",
                                                                                       "groups": ["admin"]}]}
    return models


def project(work: Path, name: str, models: dict) -> Path:
    """A project directory in `work`: the repository's program and stacks, a backend.yaml with `models`."""
    target = work / name
    target.mkdir()
    for file in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / file, target / file)
    shutil.copytree(ROOT / "stacks", target / "stacks")
    definition = {"auth": {"groups": ["admin"]}, "data": {"models": models}}
    (target / "backend.yaml").write_text(yaml.safe_dump(definition, sort_keys=False))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stack", default="dev")
    args = parser.parse_args()
    medians = {}
    with tempfile.TemporaryDirectory() as work:
        for name, models in (("plain", plain_models(args.models)), ("related", related_models(args.models))):
            walls, cpus, out = wall_times(command(args.stack, project(Path(work), name, models)), args.runs)
            count = re.search(r"(\d+) resources", out)
            medians[name] = statistics.median(walls)
            print(f"preview {args.models} {name} models --stack {args.stack}, {count.group(1) if count else '?'} "
                  f"resources: wall min {min(walls):.2f} s, median {medians[name]:.2f} s; "
                  f"CPU median {statistics.median(cpus):.2f} s")
    ratio = medians["related"] / medians["plain"]
    print(f"related / plain: {ratio:.2f}x (target {TARGET:.1f}x: {'ok' if ratio <= TARGET else 'OVER TARGET'})")


if __name__ == "__main__":
    main()
