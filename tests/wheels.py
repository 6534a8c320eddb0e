"""Wheels built in the tests (no index, no network): a minimal binary wheel with a manylinux platform tag.

`binary_wheel(folder, name, version, tag)` writes ``<name>-<version>-<tag>.whl`` holding a package
``<name>`` (``__init__.py`` with ``VALUE = 42`` and a stand-in native library ``_native.so``) and its
``.dist-info`` (METADATA, WHEEL with ``Root-Is-Purelib: false``, RECORD with the files' hashes), which pip
installs with ``--find-links <folder> --no-index``.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

CP314_AARCH64 = "cp314-cp314-manylinux_2_28_aarch64"


def _record(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def binary_wheel(folder: Path, name: str = "tinybin", version: str = "1.0", tag: str = CP314_AARCH64,
                 module: str | None = None) -> Path:
    """Write the wheel into `folder` and return its path (see the module docstring)."""
    package = module or name.lower().replace("-", "_")
    dist = f"{name.replace('-', '_')}-{version}.dist-info"
    files = {
        f"{package}/__init__.py": b"VALUE = 42\n",
        f"{package}/_native.so": b"\x7fELF stand-in for a compiled extension\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist}/WHEEL": (f"Wheel-Version: 1.0\nGenerator: ampliform-tests\nRoot-Is-Purelib: false\n"
                          f"Tag: {tag}\n").encode(),
    }
    record = "".join(f"{path},{_record(data)},{len(data)}\n" for path, data in files.items()) + f"{dist}/RECORD,,\n"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{name.replace('-', '_')}-{version}-{tag}.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
        zf.writestr(f"{dist}/RECORD", record)
    return wheel
