"""Benchmark: access-compiler cost per path (10, 100, 1,000 paths) in both modes.

Run: `make bench` (or `venv/bin/python benchmarks/bench.py`). Prints one line per (size, mode): total
seconds (best of several runs) and microseconds per path. Target: 1,000 paths in under 1 s on 2 cores.
Numbers go in the closing notes, never into timed tests.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from components.access import compile_definition  # noqa: E402
from components.loader import parse_definition  # noqa: E402

GROUPS = ["admin", "editor", "viewer"]


def generate_map(n: int) -> dict:
    """A realistic map of `n` paths: top-level folders, one nested folder each, owner folders."""
    access: dict[str, list] = {}
    i = 0
    while len(access) < n:
        top = f"area{i}"
        kind = i % 4
        if kind == 0:
            access[f"{top}/{{entity_id}}/*"] = [
                {"allow": "authenticated", "to": ["read"]},
                {"allow": "entity", "entity": "identity", "to": ["read", "write", "delete"]},
                {"allow": "groups", "groups": ["admin"], "to": ["read", "delete"]},
            ]
        elif kind == 1:
            access[f"{top}/*"] = [{"allow": "guest", "to": ["read"]},
                                  {"allow": "authenticated", "to": ["read", "write"]}]
            if len(access) < n:
                access[f"{top}/private/*"] = [{"allow": "groups", "groups": ["admin", "editor"], "to": ["read"]}]
        elif kind == 2:
            access[f"{top}/*"] = [{"allow": "groups", "groups": GROUPS, "to": ["read", "write", "delete"]},
                                  {"allow": "resource", "resource": "resizer", "to": ["read", "write"]}]
        else:
            access[f"{top}/*"] = [{"allow": "authenticated", "to": ["get", "list", "write", "delete"]}]
        i += 1
    return {"auth": {"groups": GROUPS}, "storage": {"name": "bench", "access": access}}


def best_of(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def compile_cost() -> None:
    print("compile cost (parse + validate + compile + render), best of runs")
    for n in (10, 100, 1000):
        data = generate_map(n)
        for compat in (False, True):
            seconds = best_of(lambda data=data, compat=compat: compile_definition(parse_definition(data),
                                                                                  compat=compat),
                              runs=7 if n < 1000 else 3)
            mode = "amplify" if compat else "default"
            print(f"  {n:>5} paths  {mode:<8} {seconds:8.4f} s  {seconds / n * 1e6:8.1f} us/path")


if __name__ == "__main__":
    compile_cost()
