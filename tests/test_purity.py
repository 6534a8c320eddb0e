"""The pure layers run without pulumi: every module of them imports, and `compile` runs, with pulumi blocked.

import-linter (``make lint``) checks the import graph; this checks the running code, including imports made
at run time (a lazy import inside a function that lint reads but a user would hit only on some path).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PURE = ("definition", "access", "data", "auth", "functions", "iam", "plan", "review")

BLOCKER = """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pulumi" or name.startswith(("pulumi.", "pulumi_aws")):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
"""


def pure_modules() -> list[str]:
    found = []
    for package in PURE:
        for path in sorted((ROOT / "components" / package).glob("*.py")):
            found.append(f"ampliform.{package}" + ("" if path.stem == "__init__" else f".{path.stem}"))
    return found


def test_every_pure_module_imports_and_the_cli_compiles_with_pulumi_blocked():
    modules = pure_modules()
    assert len(modules) >= 30
    code = BLOCKER + "".join(f"import {m}\n" for m in modules) + (
        "from click.testing import CliRunner\nfrom ampliform.cli import main\n"
        "for args in (['compile', 'backend.yaml'], ['validate', 'backend.yaml'],\n"
        "             ['explain', 'backend.yaml', '--as', 'authenticated', 'get', 'post-pictures/x']):\n"
        "    r = CliRunner().invoke(main, args)\n"
        "    assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.startswith('pulumi')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
