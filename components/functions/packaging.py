"""Packaging: a function's deployment archive — its handler's folder, with its requirements installed for the
Lambda platform — built deterministically and cached by content.

Contract: `build_package(name, spec, project_dir, cache_dir=None, pip_args=())` returns a `Package` (the zip's
path, its SHA-256, what Lambda's ``source_code_hash`` wants — the base64 of that digest —, and the
distributions bundled), or raises `DefinitionError` (a dependency that cannot be installed for the platform,
an archive over Lambda's limits, a file linking out of the project):
- the archive holds every file of the handler's folder (the archive's root; ``__pycache__``, ``*.pyc`` and
  hidden files left out) and, for a Python handler whose folder has a ``requirements.txt``, the
  distributions pip installs for the function's platform: ``pip install --target ... --only-binary=:all:
  --implementation cp --python-version <runtime's> --platform manylinux_2_<N>_<arch> ...`` (every glibc
  level up to the runtime's own, 2.34 on Amazon Linux 2023, 2.26 for python3.11 on Amazon Linux 2; pip
  does not widen a ``manylinux_2_N`` tag by itself) with ``--no-compile``; scripts (``bin/``) left out;
- deterministic: entries sorted by path, every timestamp 1980-01-01 00:00, permissions 0644 (0755 for
  files with an execute bit), Unix attributes: building twice gives the same bytes, so an unchanged
  function never shows as an update;
- cached by content in `cache_dir` (default ``<project>/.ampliform-cache``, or ``$AMPLIFORM_CACHE_DIR``;
  git-ignored): the installed dependencies by a hash of the requirements, runtime, architecture and
  package source (pip's ``PIP_INDEX_URL``/``PIP_EXTRA_INDEX_URL``/``PIP_FIND_LINKS``/``PIP_NO_INDEX`` and
  `pip_args`), the archive by a hash of the handler's files and that key (with its SHA-256 and sizes beside
  it, ``<archive>.json``) — a second build installs, zips and reads nothing but the handler's own files.
  Pure of pulumi: the Function component hands the archive to Lambda.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ampliform.definition.functions import FunctionSpec
from ampliform.errors import DefinitionError, Problem, where
from ampliform.functions.runtime import entry_of

CACHE_DIR = ".ampliform-cache"
CACHE_ENV = "AMPLIFORM_CACHE_DIR"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
ZIPPED_LIMIT = 50 * 1024 * 1024
UNZIPPED_LIMIT = 250 * 1024 * 1024
"""Lambda's limits for a .zip uploaded directly: 50 MB zipped, 250 MB unzipped."""
PIP_SOURCE_ENV = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX")
PLATFORM_ARCH = {"arm64": "aarch64", "x86_64": "x86_64"}


@dataclass(frozen=True)
class Package:
    """A built deployment archive."""

    path: Path
    sha256: str
    dependencies: tuple[str, ...] = ()

    @property
    def source_code_hash(self) -> str:
        """Base64 of the archive's SHA-256 (Lambda's ``CodeSha256``; pulumi-aws's ``source_code_hash``)."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()


def cache_root(project_dir: str | Path, cache_dir: str | Path | None = None) -> Path:
    """Where packages are cached: `cache_dir`, ``$AMPLIFORM_CACHE_DIR``, or ``<project>/.ampliform-cache``."""
    return Path(cache_dir or os.environ.get(CACHE_ENV) or Path(project_dir) / CACHE_DIR)


def build_package(name: str, spec: FunctionSpec, project_dir: str | Path, cache_dir: str | Path | None = None,
                  pip_args: Sequence[str] = ()) -> Package:
    """The function's archive, built or taken from the cache (see the module docstring)."""
    root = Path(project_dir).resolve()
    entry = entry_of(spec)
    folder = (root / entry.folder).resolve()
    cache = cache_root(root, cache_dir)
    sources = _source_files(name, folder, root)
    deps_key, deps_dir = None, None
    requirements = folder / "requirements.txt"
    if entry.language == "python" and requirements.is_file() and _has_requirements(requirements):
        deps_key = _deps_key(requirements, spec, entry.runtime or "", pip_args)
        deps_dir = _install(name, requirements, cache / "deps" / deps_key, spec, entry.runtime or "", pip_args)
    # installed dependencies never change under their key: only the handler's own files are hashed
    digest = hashlib.sha256(json.dumps([deps_key, [(a, _file_digest(p), _mode(p)) for a, p in sorted(sources.items())]])
                            .encode()).hexdigest()
    archive = cache / "packages" / f"{name}-{digest[:32]}.zip"
    facts = archive.with_suffix(".json")
    if not (archive.is_file() and facts.is_file()):
        files = dict(_deps_files(deps_dir)) if deps_dir else {}
        files.update(sources)  # the handler's own files win over a dependency's
        _write_zip(archive, files, name)
        installed = sorted(d.name.removesuffix(".dist-info") for d in deps_dir.glob("*.dist-info")) if deps_dir else []
        data = archive.read_bytes()
        facts.write_text(json.dumps({"sha256": hashlib.sha256(data).hexdigest(), "zipped": len(data),
                                     "unzipped": sum(p.stat().st_size for p in files.values()),
                                     "dependencies": installed}))
    known = json.loads(facts.read_text())
    _check_size(name, known["zipped"], known["unzipped"])
    return Package(archive, known["sha256"], tuple(known["dependencies"]))


def _source_files(name: str, folder: Path, root: Path) -> dict[str, Path]:
    """Archive path → file, for the handler's folder (links must stay inside the project)."""
    out: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts) or path.suffix == ".pyc":
            continue
        if not path.resolve().is_relative_to(root):
            raise DefinitionError(Problem(f"{path.relative_to(root)} links outside the project", where(
                "functions", name, "handler"), "Copy the file into the function's folder instead of linking it."))
        if path.is_file():
            out[relative.as_posix()] = path
    return out


def _has_requirements(requirements: Path) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in requirements.read_text().splitlines())


def _platforms(runtime: str, architecture: str) -> list[str]:
    """Every manylinux tag the runtime's glibc runs, newest first (pip takes the tags literally)."""
    arch = PLATFORM_ARCH[architecture]
    newest = 26 if runtime == "python3.11" else 34
    oldest = 17 if arch == "aarch64" else 5
    tags = [f"manylinux_2_{n}_{arch}" for n in range(newest, oldest - 1, -1)]
    legacy = {"aarch64": ["manylinux2014"], "x86_64": ["manylinux2014", "manylinux2010", "manylinux1"]}[arch]
    return tags + [f"{tag}_{arch}" for tag in legacy]


def _deps_key(requirements: Path, spec: FunctionSpec, runtime: str, pip_args: Sequence[str]) -> str:
    source = {k: os.environ.get(k, "") for k in PIP_SOURCE_ENV}
    material = [requirements.read_text(), runtime, spec.architecture, source, list(pip_args)]
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:32]


def _install(name: str, requirements: Path, target: Path, spec: FunctionSpec, runtime: str,
             pip_args: Sequence[str]) -> Path:
    """Install the requirements into `target` once (a complete install is marked; a failed one is dropped)."""
    marker = target / ".complete"
    if marker.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    platforms = [flag for tag in _platforms(runtime, spec.architecture) for flag in ("--platform", tag)]
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input",
               "--no-compile", "--only-binary=:all:", "--implementation", "cp", "--python-version",
               runtime.removeprefix("python"), *platforms, "--target", str(staging), *pip_args,
               "-r", str(requirements)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        reason = " ".join((done.stderr.strip() or done.stdout.strip()).splitlines()[-3:])
        raise DefinitionError(Problem(
            f"cannot install the requirements of function {name!r} for Lambda ({runtime}, {spec.architecture})",
            f"{where('functions', name, 'handler')}: {requirements.name}",
            f"Pin versions that publish binary wheels for manylinux {PLATFORM_ARCH[spec.architecture]} and "
            f"CPython {runtime.removeprefix('python')} (Lambda builds nothing), or check the package index.",
            details=f"(pip: {reason})"))
    (staging / ".complete").write_text("")
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target


def _deps_files(deps: Path) -> list[tuple[str, Path]]:
    out = []
    for path in sorted(deps.rglob("*")):
        relative = path.relative_to(deps)
        if relative.parts[0] in ("bin", ".complete") or "__pycache__" in relative.parts or path.suffix == ".pyc":
            continue
        if path.is_file():
            out.append((relative.as_posix(), path))
    return out


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mode(path: Path) -> int:
    return 0o755 if path.stat().st_mode & 0o111 else 0o644


def _write_zip(archive: Path, files: dict[str, Path], name: str) -> None:
    """Write the archive atomically: sorted entries, fixed time, fixed permissions, Unix attributes."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=f".{name}-", suffix=".zip", dir=archive.parent)
    os.close(fd)
    with zipfile.ZipFile(staging, "w") as zf:
        for arcname in sorted(files):
            info = zipfile.ZipInfo(arcname, date_time=FIXED_TIME)
            info.create_system = 3
            info.external_attr = (0o100000 | _mode(files[arcname])) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[arcname].read_bytes(), compresslevel=9)
    os.replace(staging, archive)


def _check_size(name: str, zipped: int, unzipped: int) -> None:
    if zipped > ZIPPED_LIMIT or unzipped > UNZIPPED_LIMIT:
        raise DefinitionError(Problem(
            f"function {name!r} is too large for Lambda: {zipped / 2**20:.1f} MB zipped, {unzipped / 2**20:.1f} MB "
            "unzipped (limits 50 MB and 250 MB)", where("functions", name, "handler"),
            "Keep only what the handler needs in its folder and requirements.txt."))
