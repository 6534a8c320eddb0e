"""Benchmark: process wall time of the README's main job, `ampliform preview --stack dev` (target: under 2 s).

Run: `venv/bin/python benchmarks/preview_bench.py [--runs N] [--stack S]`. Starts the command as a fresh
process N times (after one warm-up run that fills the bytecode caches) and prints min and median wall time.
Uses `venv/bin/ampliform` when installed, else `python -c "from ampliform.cli import main; main()"`.
Numbers go in the closing notes, never into timed tests.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0


def command(stack: str) -> list[str]:
    """The preview command line, as a user runs it."""
    entry = ROOT / "venv" / "bin" / "ampliform"
    if entry.exists():
        return [str(entry), "preview", "--stack", stack]
    return [sys.executable, "-c", "from ampliform.cli import main; main()", "preview", "--stack", stack]


def wall_times(cmd: list[str], runs: int) -> list[float]:
    """Wall time of `runs` runs of `cmd` in the project directory; fails loudly when the command fails."""
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
        times.append(elapsed)
    return times[1:]  # the first run warms the bytecode caches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stack", default="dev")
    args = parser.parse_args()
    cmd = command(args.stack)
    times = wall_times(cmd, args.runs)
    best, median = min(times), statistics.median(times)
    verdict = "ok" if median < TARGET_SECONDS else "OVER TARGET"
    print(f"preview --stack {args.stack} process wall time over {args.runs} runs: "
          f"min {best:.2f} s, median {median:.2f} s (target < {TARGET_SECONDS:.0f} s: {verdict})")
    print(f"  command: {' '.join(cmd)}")


if __name__ == "__main__":
    main()
