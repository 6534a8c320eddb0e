"""The review tools cover function roles: `explain --as function:<name>`, `diff` (a function gaining or losing
access), and `validate`'s summary of functions, triggers and schedules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from ampliform.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "photo-sharing"


def test_explain_as_a_function(tmp_path):
    definition = str(EXAMPLE / "backend.yaml")
    done = CliRunner().invoke(main, ["explain", definition, "--as", "function:thumbnailer", "write",
                                     "thumbnails/eu-west-1:a/cat.jpg", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["decision"] == "allow"
    done = CliRunner().invoke(main, ["explain", definition, "--as", "function:thumbnailer", "write",
                                     "post-pictures/eu-west-1:a/cat.jpg"])
    assert done.exit_code == 0 and done.stdout.startswith("DENY  function:thumbnailer write")
    done = CliRunner().invoke(main, ["explain", definition, "--as", "function:nobody", "get", "x"])
    assert done.exit_code == 2 and "function:sweeper, function:thumbnailer" in done.stderr


def test_diff_shows_what_a_function_role_gains_and_loses(tmp_path):
    old = tmp_path / "old" / "backend.yaml"
    shutil.copytree(EXAMPLE, old.parent, ignore=shutil.ignore_patterns(".ampliform-cache"))
    new = tmp_path / "new" / "backend.yaml"
    shutil.copytree(EXAMPLE, new.parent, ignore=shutil.ignore_patterns(".ampliform-cache"))
    new.write_text(new.read_text().replace("resource: thumbnailer, to: [write]", "resource: thumbnailer, to: [write, "
                                           "delete]").replace("resource: sweeper, to: [list, delete]",
                                                              "resource: sweeper, to: [list]"))
    done = CliRunner().invoke(main, ["diff", str(old), str(new), "--json"])
    assert done.exit_code == 0, done.output
    changes = {(c["role"], c["path"]): (c["gained"], c["lost"]) for c in json.loads(done.stdout)["changes"]}
    assert changes[("function:thumbnailer", "thumbnails/*")] == (["delete"], [])
    assert changes[("function:sweeper", "thumbnails/*")] == ([], ["delete"])


def test_validate_summarises_functions_and_checks_handlers_in_the_definitions_project(tmp_path):
    done = CliRunner().invoke(main, ["validate", str(EXAMPLE / "backend.yaml"), "--json"])
    assert done.exit_code == 0, done.output
    functions = json.loads(done.stdout)["functions"]
    assert functions["sweeper"]["schedule"] == "cron(0 3 * * ? *) (Europe/Paris)"
    assert functions["thumbnailer"]["triggers"] == [
        "myBucket on_upload → thumbnailer (prefix post-pictures/, suffix .jpg)"]
    shutil.copytree(EXAMPLE, tmp_path / "app", ignore=shutil.ignore_patterns(".ampliform-cache"))
    (tmp_path / "app" / "functions" / "sweeper" / "handler.py").unlink()
    done = CliRunner().invoke(main, ["validate", str(tmp_path / "app" / "backend.yaml")])
    assert done.exit_code == 2
    assert "error: handler file not found: functions/sweeper/handler.py\n  at: functions.sweeper.handler" in done.stderr
