"""`ampliform outputs`: write amplify_outputs.json (schema 1.5) for Amplify's client libraries.

The output path is checked before anything runs (`check_output`: not empty, not a directory, not a device or
FIFO, an existing parent folder) and the file is written whole or not at all (`write_atomically`: a
temporary file beside it, then renamed), so a user error or a full disk never leaves a partial file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import click

from ampliform.cli.options import project_option
from ampliform.errors import DefinitionError, Problem
from ampliform.program.outputs import build_outputs, read_stack_outputs, render_outputs
from ampliform.program.placeholders import placeholders

OUTPUT_FIX = "Pass -o with a file path in an existing folder (or - for stdout)."


def check_output(output: str) -> Path | None:
    """Where `-o` asks to write (None for stdout), or a `DefinitionError` saying why it cannot be written."""
    if output == "-":
        return None
    path = Path(output)
    if not output or "\x00" in output:
        raise DefinitionError(Problem(f"-o {output!r} is not a file path", "-o", OUTPUT_FIX))
    if path.is_dir():
        raise DefinitionError(Problem(f"-o {output} is a directory", "-o", OUTPUT_FIX))
    if path.exists() and not path.is_file():
        raise DefinitionError(Problem(f"-o {output} is not a regular file (a device or a pipe)", "-o", OUTPUT_FIX))
    if not path.parent.is_dir():
        raise DefinitionError(Problem(f"-o {output}: the folder {path.parent} does not exist", "-o", OUTPUT_FIX))
    return path


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all."""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise DefinitionError(Problem(f"cannot write {path}: {_reason(exc)}", "-o", OUTPUT_FIX)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except (OSError, UnicodeError) as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise DefinitionError(Problem(f"cannot write {path}: {_reason(exc)}", "-o", OUTPUT_FIX)) from None


def _reason(exc: Exception) -> str:
    return str(exc.strerror) if isinstance(exc, OSError) and exc.strerror else str(exc)


def _mode_for(path: Path) -> int:
    """The file's mode: an existing file's, else what the umask gives a new file (mkstemp's is 0600)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@click.command("outputs")
@click.option("--stack", default="dev", show_default=True, help="Stack to run offline when no --stack-outputs.")
@click.option("--stack-outputs", "stack_outputs", default=None,
              help="`pulumi stack output --json --show-secrets` of the deployed stack (real ids).")
@click.option("-o", "--output", default="amplify_outputs.json", show_default=True, help="Where to write; - = stdout.")
@project_option
def outputs_command(stack: str, stack_outputs: str | None, output: str, project_dir: str) -> None:
    """Write amplify_outputs.json (schema 1.5) for Amplify's client libraries."""
    target = check_output(output)
    if stack_outputs is not None:
        exports = read_stack_outputs(stack_outputs)
    else:
        from ampliform.program.runner import run_preview

        exports = run_preview(stack, Path(project_dir))["outputs"]
    outputs = build_outputs(exports, complete=True)
    text = render_outputs(outputs)
    if target is None:
        click.echo(text, nl=False)
    else:
        write_atomically(target, text)
        click.echo(f"wrote {output}", err=True)
    missing = placeholders(outputs)
    if missing:
        click.echo(f"note: {len(missing)} values are placeholders until deployment, e.g. {missing[0]}; "
                   "pass --stack-outputs for the deployed ids", err=True)
