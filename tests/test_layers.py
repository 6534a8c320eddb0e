"""The layering contracts (pyproject's `[tool.importlinter]`, run by `make lint`) hold, and they bite: an
upward import in a copy of the package (a planner importing the CLI) breaks the layers contract."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"


def lint(cwd: Path, python_path: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if python_path is not None:
        env["PYTHONPATH"] = str(python_path)
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def test_the_package_keeps_every_contract():
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_an_upward_import_breaks_the_layers_contract(tmp_path):
    copy = tmp_path / "src" / "ampliform"
    shutil.copytree(ROOT / "components", copy, ignore=shutil.ignore_patterns("__pycache__"))
    paths = copy / "access" / "paths.py"
    paths.write_text(paths.read_text() + "\nfrom ampliform.cli import main  # an upward import\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    done = lint(tmp_path, tmp_path / "src")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Layers import downward only BROKEN" in done.stdout
    assert "ampliform.access.paths -> ampliform.cli" in done.stdout
