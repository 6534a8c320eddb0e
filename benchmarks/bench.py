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

from ampliform.definition.load import parse_definition  # noqa: E402
from ampliform.iam.budget import Limits  # noqa: E402
from ampliform.plan.backend import compile_definition, plan_backend  # noqa: E402

UNLIMITED = Limits(inline=10**9, managed=10**9)

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
    return {"auth": {"groups": GROUPS}, "storage": {"name": "BUCKET", "access": access}}


def best_of(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def compile_cost() -> None:
    print("compile cost (parse + validate + plan + render + budget), best of runs")
    for n in (10, 100, 1000):
        data = generate_map(n)
        for compat in (False, True):
            seconds = best_of(lambda data=data, compat=compat: compile_definition(parse_definition(data),
                                                                                  compat=compat, limits=UNLIMITED),
                              runs=7 if n < 1000 else 3)
            mode = "amplify" if compat else "default"
            print(f"  {n:>5} paths  {mode:<8} {seconds:8.4f} s  {seconds / n * 1e6:8.1f} us/path")


def signed_in_map(n: int) -> dict:
    """The budget benchmark's map: `n` paths, each read/write/delete for signed-in users."""
    access = {f"path{i:04d}/*": [{"allow": "authenticated", "to": ["read", "write", "delete"]}] for i in range(n)}
    return {"storage": {"name": "BUCKET", "access": access}}


def budget_numbers() -> None:
    from ampliform.errors import DefinitionError

    arn = {"BUCKET": "arn:aws:s3:::BUCKET"}
    print("policy characters per path, the authenticated role (ARN arn:aws:s3:::BUCKET, as in Amplify's count)")
    for name, make in (("signed-in rwd", signed_in_map), ("mixed map", generate_map)):
        for n in (10, 100, 500):
            definition = parse_definition(make(n))
            ours = plan_backend(definition, arn, limits=Limits(managed_quota=20))
            amplify = plan_backend(definition, arn, limits=Limits(inline=10**9, compat=True))
            a = _role_chars(ours, "authenticated")
            b = _role_chars(amplify, "authenticated")
            print(f"  {name:<14} {n:>4} paths  ampliform {a:>7} ({a / n:6.1f}/path)  amplify {b:>7} "
                  f"({b / n:6.1f}/path)  ratio {a / b:.2f}")

    def fits(n: int, quota: int) -> bool:
        try:
            plan_backend(parse_definition(signed_in_map(n)), limits=Limits(managed_quota=quota))
            return True
        except DefinitionError:
            return False

    for quota in (10, 20):
        low, high = 1, 4000
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if fits(mid, quota) else (low, mid - 1)
        print(f"largest signed-in read/write/delete map fitting one role (worst-case ARN, managed quota {quota}): "
              f"{low} paths")


def _role_chars(backend, role: str) -> int:
    from ampliform.iam.document import size_of

    return sum(size_of(d) for bucket in backend.buckets.values() for d in bucket.roles.get(role, []))


if __name__ == "__main__":
    compile_cost()
    budget_numbers()
