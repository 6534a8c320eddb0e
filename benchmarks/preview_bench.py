"""Benchmark: process wall time of `ampliform preview` (the README's main job) for the tutorial app and for a
large app (40 models, 8 buckets), or for any project directory.

Run: `venv/bin/python benchmarks/preview_bench.py [--app tutorial|large] [--project-dir DIR] [--runs N]
[--stack S]`. Starts the command as a fresh process N times (after one warm-up run that fills the bytecode
caches) and prints min and median wall time and the number of resources. `--app large` writes the large app
into a temporary project (this repository's program and stack files, a generated backend.yaml: 40 models with
owner, signed-in, group and identity-pool rules, 8 buckets of 12 paths with owner folders and group rules).
Targets: tutorial 1.2 s, large 5 s. Uses `venv/bin/ampliform` when installed. Numbers go in the closing notes,
never into timed tests.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"tutorial": 1.2, "large": 5.0}


def large_definition(models: int = 40, buckets: int = 8, paths: int = 12) -> dict:
    """The large app: `models` models and `buckets` buckets of `paths` paths each."""
    data = {}
    for i in range(models):
        rules: list[dict] = [{"allow": "owner"}, {"allow": "authenticated", "to": ["read"]},
                             {"allow": "groups", "groups": ["admin"]}]
        if i % 4 == 0:
            rules.append({"allow": "authenticated", "provider": "identityPool", "to": ["read"]})
        data[f"Model{i:02d}"] = {"fields": {"title": "string!", "body": "string", "count": "int", "at": "datetime"},
                                 "authorization": rules}
    storage = []
    for b in range(buckets):
        access: dict[str, list] = {}
        for p in range(paths):
            if p % 3 == 0:
                access[f"area{p}/{{entity_id}}/*"] = [{"allow": "authenticated", "to": ["read"]},
                                                      {"allow": "entity", "entity": "identity",
                                                       "to": ["read", "write", "delete"]}]
            else:
                access[f"area{p}/*"] = [{"allow": "authenticated", "to": ["read"]},
                                        {"allow": "groups", "groups": ["admin"], "to": ["read", "write", "delete"]}]
        storage.append({"name": f"bucket{b}", "is_default": b == 0, "access": access})
    return {"auth": {"groups": ["admin", "editor"]}, "storage": storage, "data": {"models": data}}


def project_for(app: str, work: Path) -> Path:
    """A project directory for `app`: this repository for the tutorial, a generated copy for the large app."""
    if app == "tutorial":
        return ROOT
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, work / name)
    shutil.copytree(ROOT / "stacks", work / "stacks")
    (work / "backend.yaml").write_text(yaml.safe_dump(large_definition(), sort_keys=False))
    return work


def command(stack: str, project_dir: Path) -> list[str]:
    """The preview command line, as a user runs it."""
    entry = ROOT / "venv" / "bin" / "ampliform"
    head = [str(entry)] if entry.exists() else [sys.executable, "-m", "ampliform.cli"]
    return [*head, "preview", "--stack", stack, "--project-dir", str(project_dir)]


def wall_times(cmd: list[str], runs: int) -> tuple[list[float], list[float], str]:
    """Wall and CPU (user + system) time of `runs` runs of `cmd`; fails loudly when the command fails. Also the
    last run's stdout. CPU time varies less than wall time when the machine is busy with other work."""
    walls, cpus, out = [], [], ""
    for _ in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
        walls.append(elapsed)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        out = proc.stdout
    return walls[1:], cpus[1:], out  # the first run warms the bytecode caches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--app", choices=sorted(TARGETS), default="tutorial")
    parser.add_argument("--project-dir", type=Path, default=None, help="Benchmark this project instead.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        project = args.project_dir.resolve() if args.project_dir else project_for(args.app, Path(work))
        cmd = command(args.stack, project)
        times, cpus, out = wall_times(cmd, args.runs)
    count = re.search(r"(\d+) resources", out)
    best, median = min(times), statistics.median(times)
    label = str(args.project_dir) if args.project_dir else args.app
    target = TARGETS.get(args.app) if not args.project_dir else None
    verdict = "" if target is None else f" (target {target:.1f} s: {'ok' if median <= target else 'OVER TARGET'})"
    print(f"preview {label} --stack {args.stack}, {count.group(1) if count else '?'} resources, wall time over "
          f"{args.runs} runs: min {best:.2f} s, median {median:.2f} s{verdict}; "
          f"CPU median {statistics.median(cpus):.2f} s")
    print(f"  command: {' '.join(cmd)}")


if __name__ == "__main__":
    main()
