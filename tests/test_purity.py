"""The access compiler is pure: no pulumi import anywhere in it, nor in the CLI's compile path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

BLOCKER = """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pulumi" or name.startswith(("pulumi.", "pulumi_aws")):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
"""


@pytest.mark.parametrize("module", [
    "components.access", "components.access.evaluate", "components.access.probes", "components.access.dsl",
    "components.access.explain", "components.loader", "components.validate", "components.definition",
])
def test_module_imports_with_pulumi_blocked(module):
    code = BLOCKER + f"import {module}\nprint(sorted(m for m in sys.modules if m.startswith('pulumi')))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_access_module_is_covered():
    modules = {p.stem for p in (ROOT / "components" / "access").glob("*.py")} - {"__init__"}
    code = BLOCKER + "".join(f"import components.access.{m}\n" for m in sorted(modules))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(modules) >= 10


def test_pure_data_modules_import_with_pulumi_blocked():
    modules = (ROOT / "components" / "data").glob("*.py")
    pure = sorted(p.stem for p in modules if p.stem not in ("__init__", "component"))
    assert {"model", "validate", "schema", "resolvers", "introspection", "dsl", "access", "names"} <= set(pure)
    code = BLOCKER + "".join(f"import components.data.{m}\n" for m in pure)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_cli_compile_runs_with_pulumi_blocked():
    code = BLOCKER + (
        "from click.testing import CliRunner\nfrom components.cli import main\n"
        "r = CliRunner().invoke(main, ['compile', 'backend.yaml'])\n"
        "assert r.exit_code == 0, r.output\nprint('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
