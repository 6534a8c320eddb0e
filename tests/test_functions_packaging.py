"""Packaging: the deterministic archive of a handler's folder, its requirements installed for the Lambda platform
(a binary wheel built here, served with --find-links and --no-index: offline), and the content cache."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from wheels import binary_wheel

from ampliform.definition.functions import FunctionSpec
from ampliform.errors import DefinitionError
from ampliform.functions import packaging
from ampliform.functions.packaging import build_package


def function(tmp_path: Path, requirements: str | None = None, handler: str = "handler.py") -> tuple[Path, FunctionSpec]:
    folder = tmp_path / "project" / "functions" / "resize"
    folder.mkdir(parents=True)
    (folder / handler).write_text("def handler(event, context):\n    return 1\n")
    (folder / "lib.py").write_text("SIZE = 256\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "lib.cpython-311.pyc").write_bytes(b"stale")
    (folder / ".env").write_text("SECRET=not-packaged\n")
    if requirements is not None:
        (folder / "requirements.txt").write_text(requirements)
    return tmp_path / "project", FunctionSpec(handler=f"functions/resize/{handler}")


def offline(tmp_path: Path) -> list[str]:
    wheels = tmp_path / "wheels"
    binary_wheel(wheels)
    return ["--no-index", "--find-links", str(wheels)]


def test_two_builds_give_one_hash_and_the_archive_is_normalised(tmp_path):
    root, spec = function(tmp_path)
    first = build_package("resize", spec, root, cache_dir=tmp_path / "cache-a")
    (root / "functions" / "resize" / "lib.py").touch()  # a new mtime changes nothing
    os.utime(root / "functions" / "resize" / "handler.py", (0, 0))
    second = build_package("resize", spec, root, cache_dir=tmp_path / "cache-b")
    assert first.path != second.path and first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256 == second.sha256 == hashlib.sha256(first.path.read_bytes()).hexdigest()
    assert first.source_code_hash == base64.b64encode(hashlib.sha256(first.path.read_bytes()).digest()).decode()
    with zipfile.ZipFile(first.path) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == ["handler.py", "lib.py"]  # sorted; no __pycache__, no hidden file
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    # a changed file is a new archive
    (root / "functions" / "resize" / "lib.py").write_text("SIZE = 512\n")
    assert build_package("resize", spec, root, cache_dir=tmp_path / "cache-a").sha256 != first.sha256


def test_a_binary_wheel_dependency_is_bundled_for_the_lambda_platform(tmp_path):
    root, spec = function(tmp_path, "tinybin==1.0\n")
    package = build_package("resize", spec, root, cache_dir=tmp_path / "cache", pip_args=offline(tmp_path))
    with zipfile.ZipFile(package.path) as zf:
        names = zf.namelist()
        assert zf.read("tinybin/__init__.py") == b"VALUE = 42\n"
    assert "tinybin/_native.so" in names and "tinybin-1.0.dist-info/WHEEL" in names
    assert "handler.py" in names and "requirements.txt" in names
    assert not [n for n in names if n.startswith("bin/") or n.endswith(".pyc")]
    assert package.dependencies == ("tinybin-1.0",)


def test_a_second_build_installs_and_zips_nothing(tmp_path, monkeypatch):
    root, spec = function(tmp_path, "tinybin==1.0\n")
    args = offline(tmp_path)
    first = build_package("resize", spec, root, cache_dir=tmp_path / "cache", pip_args=args)

    def no_pip(*_, **__):
        raise AssertionError("pip ran again")

    def no_zip(*_, **__):
        raise AssertionError("zipped again")

    monkeypatch.setattr(subprocess, "run", no_pip)
    monkeypatch.setattr(packaging, "_write_zip", no_zip)
    again = build_package("resize", spec, root, cache_dir=tmp_path / "cache", pip_args=args)
    assert again == first


def test_no_wheel_for_the_platform_is_a_user_error(tmp_path):
    wheels = tmp_path / "wheels"
    binary_wheel(wheels, tag="cp314-cp314-manylinux_2_28_x86_64")  # only for x86_64
    root, spec = function(tmp_path, "tinybin==1.0\n")
    with pytest.raises(DefinitionError) as error:
        build_package("resize", spec, root, cache_dir=tmp_path / "cache",
                      pip_args=["--no-index", "--find-links", str(wheels)])
    (problem,) = error.value.problems
    assert problem.message == "cannot install the requirements of function 'resize' for Lambda (python3.14, arm64)"
    assert problem.location == "functions.resize.handler: requirements.txt"
    assert "manylinux aarch64" in problem.fix and "pip:" in problem.details
    assert not list((tmp_path / "cache" / "deps").glob("*/.complete"))  # nothing half-installed is cached
    x86 = FunctionSpec(handler=spec.handler, architecture="x86_64")
    assert build_package("resize", x86, root, cache_dir=tmp_path / "cache",
                         pip_args=["--no-index", "--find-links", str(wheels)]).dependencies == ("tinybin-1.0",)


def test_a_nodejs_handler_is_its_folder(tmp_path):
    root, spec = function(tmp_path, handler="index.mjs")
    package = build_package("resize", spec, root, cache_dir=tmp_path / "cache")
    assert zipfile.ZipFile(package.path).namelist() == ["index.mjs", "lib.py"]


def test_a_file_linking_out_of_the_project_is_refused(tmp_path):
    root, spec = function(tmp_path)
    (tmp_path / "secret.txt").write_text("outside")
    (root / "functions" / "resize" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(DefinitionError, match="links outside the project"):
        build_package("resize", spec, root, cache_dir=tmp_path / "cache")
