"""Packaging: the distribution installs one top-level package, `ampliform`, holding every folder of
`components/` (pyproject lists the subpackages; a folder left out would be missing from the wheel)."""

from __future__ import annotations

from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_and_only_ampliform_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"] == {"ampliform": "components"}
    folders = {"ampliform" + ("." + ".".join(p.parent.relative_to(ROOT / "components").parts)
                              if p.parent != ROOT / "components" else "")
               for p in (ROOT / "components").rglob("__init__.py")}
    assert set(config["packages"]) == folders
    assert {p.split(".")[0] for p in config["packages"]} == {"ampliform"}
