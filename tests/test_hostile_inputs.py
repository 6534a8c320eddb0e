"""Every entry point under hostile input: definitions, stack files, Pulumi.yaml, stack outputs, output paths,
`--bucket-arn` and `explain`'s request.

The contract on every case (`assert_user_error`): exit status 2, nothing on stdout, stderr made only of
``error:`` blocks each with an ``at:`` and a ``fix:`` line, no traceback, nothing written. Cases that used
to hang or exhaust memory (FIFOs, an alias bomb) run in a subprocess with a time limit and an address-space
limit, or in-process under an alarm, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ampliform.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_OUTPUTS = ROOT / "tests" / "fixtures" / "stack-outputs.json"
ME = "eu-west-1:11111111-1111-4111-8111-111111111111"
TUTORIAL = str(ROOT / "backend.yaml")
LIMIT_SECONDS = 60
LIMIT_BYTES = 2 * 1024**3


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


def run_in_time(*args: str, seconds: int = 20) -> Result:
    """The CLI in-process, interrupted (a `TimeoutError` escaping it) if it blocks longer than `seconds`."""

    def expire(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"the command still ran after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        return run(*args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_bounded(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh interpreter with a time limit and a 2 GiB address-space limit."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))

    return subprocess.run([sys.executable, "-c", "from ampliform.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=LIMIT_SECONDS, cwd=cwd or ROOT,
                          preexec_fn=limit)


def assert_user_error(result: Result | subprocess.CompletedProcess[str], *messages: str) -> str:
    """Exit 2, no stdout, only error blocks with at: and fix:, no traceback; returns stderr."""
    if isinstance(result, Result):
        exc = result.exception
        assert exc is None or isinstance(exc, SystemExit), f"exception escaped: {exc!r}"
        code, stdout, stderr = result.exit_code, result.stdout, result.stderr
    else:
        code, stdout, stderr = result.returncode, result.stdout, result.stderr
    assert "Traceback" not in stderr, stderr[-3000:]
    assert code == 2, f"exit {code}\n{stderr[-2000:]}"
    assert stdout == "", stdout[:500]
    blocks = [b for b in ("\n" + stderr).split("\nerror: ") if b.strip()]
    assert blocks and stderr.startswith("error: "), stderr[:500]
    for block in blocks:
        lines = block.rstrip("\n").split("\n")
        assert any(line.startswith("  at: ") for line in lines[1:]), f"no at: in {block!r}"
        assert any(line.startswith("  fix: ") for line in lines[1:]), f"no fix: in {block!r}"
        assert all(line.startswith("  ") for line in lines[1:]), f"stray line in {block!r}"
    for message in messages:
        assert message in stderr, f"{message!r} not in:\n{stderr}"
    return stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's Pulumi project (Pulumi.yaml, __main__.py, backend.yaml, stacks/)."""
    for name in ("Pulumi.yaml", "__main__.py", "backend.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks")
    return tmp_path


def preview(project: Path, stack: str = "dev") -> Result:
    return run("preview", "--stack", stack, "--project-dir", str(project))


def stack_file(project: Path, stack: str, text: str) -> None:
    (project / "stacks" / f"Pulumi.{stack}.yaml").write_text(text)


DEV = "config:\n  aws:region: eu-west-1\n  ampliform:definition: backend.yaml\n"
PROD = ("config:\n  aws:region: eu-west-1\n  ampliform:env: prod\n  ampliform:definition: backend.yaml\n"
        "  ampliform:corsOrigins:\n    - https://app.example.com\n")


# ------------------------------------------------------------------------------------ definition files

COMMANDS = [["validate"], ["compile"], ["explain", "--as", "authenticated", "get", "a/x"]]


@pytest.mark.parametrize("command", COMMANDS + [["diff", TUTORIAL]], ids=lambda c: c[0])
def test_a_fifo_is_refused_not_read(tmp_path, command):
    fifo = tmp_path / "backend.yaml"
    os.mkfifo(fifo)
    args = [command[0], str(fifo), *command[1:]] if command[0] != "diff" else ["diff", TUTORIAL, str(fifo)]
    assert_user_error(run_in_time(*args), "is a FIFO (named pipe), not a file")


@pytest.mark.parametrize("target", ["dir", "/dev/null"])
def test_a_directory_or_device_is_refused(tmp_path, target):
    path = str(tmp_path) if target == "dir" else target
    assert_user_error(run_in_time("validate", path), "not a file")


def test_an_endless_device_is_refused_in_bounded_memory():
    assert_user_error(run_bounded("validate", "/dev/zero"), "is a device, not a file")


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as stream:
        stream.truncate(64 * 1024 * 1024)
    assert_user_error(run("validate", str(big)), "is larger than 10,485,760 bytes")


def test_non_utf8_is_a_located_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"storage:\n  name: \xff\xfe\n")
    assert_user_error(run("validate", str(bad)), "is not UTF-8 text", "at: " + str(bad) + ":2")


BIG_NUMBER = "1" * 4301


@pytest.mark.parametrize("command", COMMANDS + [["diff", TUTORIAL]], ids=lambda c: c[0])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_an_integer_over_4300_digits_is_a_located_error(tmp_path, command, suffix):
    path = tmp_path / f"big{suffix}"
    path.write_text('{"storage": {"name": "b", "access": {}}, "auth": {"groups": [' + BIG_NUMBER + "]}}")
    args = [command[0], str(path), *command[1:]] if command[0] != "diff" else ["diff", TUTORIAL, str(path)]
    assert_user_error(run(*args), "a number with more than 4,300 digits", f"at: {path}:1:")


@pytest.mark.parametrize("text", ['{"storage": {"name": "a"}, "storage": {"name": "b"}}',
                                  '{"storage": {"name": "b", "access": {"a/*": [], "a/*": []}}}',
                                  '{"auth": {"groups": ["x"], "groups": []}}'])
def test_duplicate_json_keys_are_refused_like_yamls(tmp_path, text):
    path = tmp_path / "dup.json"
    path.write_text(text)
    assert_user_error(run("validate", str(path)), "invalid JSON: duplicate key")


def test_a_duplicate_json_key_is_located_at_its_object(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{\n  "storage": {"name": "b",\n    "access": {"a/*": [], "a/*": []}}}')
    assert_user_error(run("validate", str(path)), "duplicate key 'a/*' in the object at line 3, column 15",
                      f"at: {path}:3:15")


# ------------------------------------------------------------------------------------------ stack files

def test_an_alias_bomb_in_a_stack_file_is_bounded(project):
    """392 bytes of YAML standing for a billion values, under an unrelated key."""
    levels = [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    bomb = "\n".join(["other:", "  l0: &l0 [x, x, x, x, x, x, x, x, x, x]", *levels]) + "\n"
    assert len(bomb) < 700
    stack_file(project, "dev", bomb + DEV + "  app:unrelated: *l8\n")
    assert_user_error(run_bounded("preview", "--stack", "dev", "--project-dir", str(project)),
                      "aliases expand to more than 100,000 values")


@pytest.mark.parametrize(("value", "kind"), [("2001-12-14", "a date"), ("!!set {a, b}", "a set (!!set)"),
                                             ("!!binary aGVsbG8=", "binary data"),
                                             ("[1, 2001-12-14T10:00:00Z]", "a date and time")])
def test_yaml_values_a_setting_cannot_hold_are_named(project, value, kind):
    stack_file(project, "dev", DEV + f"  app:when: {value}\n")
    assert_user_error(preview(project), f"`app:when` holds {kind}", "at: stacks/Pulumi.dev.yaml: app:when")


def test_a_region_with_a_trailing_newline_is_refused(project):
    stack_file(project, "dev", DEV.replace("aws:region: eu-west-1", 'aws:region: "eu-west-1\\n"'))
    assert_user_error(preview(project), "invalid AWS region 'eu-west-1\\n'", "at: stacks/Pulumi.dev.yaml: aws:region")


def test_a_prod_origin_star_with_a_newline_is_refused(project):
    stack_file(project, "prod", PROD.replace("- https://app.example.com", '- "*\\n"'))
    assert_user_error(preview(project, "prod"), "invalid CORS origin '*\\n'",
                      "at: stacks/Pulumi.prod.yaml: ampliform:corsOrigins[0]")


@pytest.mark.parametrize("where", ["/etc/passwd", "../outside.yaml", "defs/../../x.yaml", "~/x.yaml"])
def test_the_definition_setting_must_stay_inside_the_project(project, where):
    stack_file(project, "dev", DEV.replace("definition: backend.yaml", f"definition: '{where}'"))
    assert_user_error(preview(project), "is outside the project", "at: stacks/Pulumi.dev.yaml: ampliform:definition")


def test_a_fifo_as_the_definition_setting_is_refused(project):
    os.mkfifo(project / "fifo.yaml")
    stack_file(project, "dev", DEV.replace("definition: backend.yaml", "definition: fifo.yaml"))
    assert_user_error(run_in_time("preview", "--stack", "dev", "--project-dir", str(project)), "is a FIFO")


@pytest.mark.parametrize(("setting", "message"), [
    ("  ampliform:protect: false\n", "`ampliform:protect: false` in prod"),
    ("  ampliform:corsOrigins:\n    - http://app.example.com\n", "CORS origin 'http://app.example.com' is not HTTPS"),
])
def test_insecure_prod_needs_the_explicit_override(project, setting, message):
    base = PROD if "corsOrigins" not in setting else PROD.split("  ampliform:corsOrigins:")[0]
    stack_file(project, "prod", base + setting)
    assert_user_error(preview(project, "prod"), message, "ampliform:allowInsecureProd: true")
    stack_file(project, "prod", base + setting + "  ampliform:allowInsecureProd: true\n")
    result = preview(project, "prod")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("stack", ["../../etc/x", "a/b", "", ".hidden"])
def test_a_stack_name_stays_inside_stacks(project, stack):
    assert_user_error(preview(project, stack), "invalid stack name", "at: --stack")


@pytest.mark.parametrize(("text", "message"), [("- a\n- b\n", "stacks/Pulumi.dev.yaml is not a mapping"),
                                             ("config: [1]\n", "`config:` must be a mapping"),
                                             ("config: {aws:region: [unclosed\n", "invalid YAML")])
def test_a_stack_file_of_the_wrong_shape(project, text, message):
    stack_file(project, "dev", text)
    assert_user_error(preview(project), message, "at: stacks/Pulumi.dev.yaml")


# ------------------------------------------------------------------------------------ the Pulumi project

@pytest.mark.parametrize(("make", "message"), [
    (lambda p: (p / "Pulumi.yaml").write_text("name: [unclosed\n"), "invalid YAML"),
    (lambda p: (p / "Pulumi.yaml").write_text("- a\n- b\n"), "Pulumi.yaml is not a mapping"),
    (lambda p: (p / "Pulumi.yaml").write_bytes(b"name: \xff\n"), "Pulumi.yaml is not UTF-8 text"),
    (lambda p: ((p / "Pulumi.yaml").unlink(), (p / "Pulumi.yaml").mkdir()), "Pulumi.yaml is a directory"),
    (lambda p: (p / "Pulumi.yaml").write_text("name: [a, b]\n"), "`name` in Pulumi.yaml is not a project name"),
    (lambda p: (p / "__main__.py").unlink(), "__main__.py does not exist"),
    (lambda p: ((p / "__main__.py").unlink(), (p / "__main__.py").mkdir()), "__main__.py is not a file"),
])
@pytest.mark.parametrize("command", ["preview", "outputs"])
def test_a_broken_project_is_a_user_error(project, make, message, command):
    make(project)
    target = project / "amplify_outputs.json"
    args = ["--project-dir", str(project)] + (["-o", str(target)] if command == "outputs" else [])
    assert_user_error(run(command, "--stack", "dev", *args), message)
    assert not target.exists()


# ------------------------------------------------------------------------------------------- outputs

@pytest.mark.parametrize("output", ["dir", "", "missing/parent/out.json", "/dev/full"])
def test_an_output_path_that_cannot_be_written(tmp_path, output):
    target = str(tmp_path) if output == "dir" else (str(tmp_path / output) if output.startswith("missing") else output)
    stderr = assert_user_error(run("outputs", "--stack-outputs", str(SAMPLE_OUTPUTS), "-o", target))
    assert "at: -o" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "nothing written"


def test_a_failed_write_leaves_no_partial_file(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root ignores the mode
            pytest.skip("running as root: a read-only folder is writable")
        assert_user_error(run("outputs", "--stack-outputs", str(SAMPLE_OUTPUTS), "-o", str(folder / "o.json")),
                          "cannot write")
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


def test_an_existing_output_is_untouched_by_a_user_error(tmp_path):
    target = tmp_path / "amplify_outputs.json"
    target.write_text("previous\n")
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    assert_user_error(run("outputs", "--stack-outputs", str(empty), "-o", str(target)))
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["amplify_outputs.json", "empty.json"]


def test_the_written_file_is_whole_and_keeps_the_umask_mode(tmp_path):
    target = tmp_path / "amplify_outputs.json"
    result = run("outputs", "--stack-outputs", str(SAMPLE_OUTPUTS), "-o", str(target))
    assert result.exit_code == 0, result.output
    json.loads(target.read_text())
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["amplify_outputs.json"]


def test_empty_stack_outputs_name_every_missing_export(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    target = tmp_path / "out.json"
    stderr = assert_user_error(run("outputs", "--stack-outputs", str(empty), "-o", str(target)))
    for name in ("region", "user_pool_id", "user_pool_client_id", "identity_pool_id",
                 "unauthenticated_identities_enabled", "groups", "auth"):
        assert f"error: the stack outputs lack `{name}`" in stderr
    assert "lack both `buckets` and `data`" in stderr
    assert not target.exists()


def test_a_secret_anywhere_in_the_stack_outputs_is_named(tmp_path):
    sample = json.loads(SAMPLE_OUTPUTS.read_text())
    sample["data"]["model_introspection"] = "[secret]"
    sample["buckets"][0]["paths"] = {"a/*": {"guest": ["[secret]"]}}
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(sample))
    target = tmp_path / "out.json"
    assert_user_error(run("outputs", "--stack-outputs", str(path), "-o", str(target)),
                      "`data.model_introspection` is a secret shown as [secret]",
                      "`storage.buckets[0].paths.a/*.guest[0]` is a secret")
    assert not target.exists()


def test_a_fifo_as_stack_outputs_is_refused(tmp_path):
    fifo = tmp_path / "outputs.json"
    os.mkfifo(fifo)
    assert_user_error(run_in_time("outputs", "--stack-outputs", str(fifo), "-o", str(tmp_path / "o.json")),
                      "is a FIFO")


@pytest.mark.parametrize(("name", "text"), [("outputs.json", '{"region": "\\ud800"}'),
                                           ("outputs.json", '{"auth": {"\\udfff": 1}}'),
                                           ("backend.yaml", 'storage: {name: "\\ud800"}')])
def test_an_unpaired_surrogate_is_refused_where_it_is_read(tmp_path, name, text):
    """Found by the exploring profile: ``"\\ud800"`` is valid JSON, but no UTF-8 file can hold it, so
    writing amplify_outputs.json raised UnicodeEncodeError."""
    path = tmp_path / name
    path.write_text(text)
    args = (["outputs", "--stack-outputs", str(path), "-o", "-"] if name.endswith(".json")
            else ["validate", str(path)])
    assert_user_error(run(*args), "a string holds an unpaired surrogate")


def test_stack_outputs_with_a_huge_integer(tmp_path):
    path = tmp_path / "outputs.json"
    path.write_text('{"region": ' + BIG_NUMBER + "}")
    assert_user_error(run("outputs", "--stack-outputs", str(path), "-o", str(tmp_path / "o.json")),
                      "a number with more than 4,300 digits")


# ------------------------------------------------------------------------------------------ --bucket-arn

@pytest.mark.parametrize(("arn", "why"), [
    ("arn:aws:s3:::*", "not a bucket name"), ("arn:aws:s3:::", "not a bucket name"),
    ("arn:aws:s3:::b/*", "not a bucket name"), ("arn:aws:s3:::my-bucket/key", "not a bucket name"),
    ("arn:aws:s3:::my-bucke?", "not a bucket name"), ("arn:aws-us-gow:s3:::my-bucket", "unknown partition"),
    ("arn:aws:s3:eu-west-1::my-bucket", "no region or account"), ("arn:aws:s3::123456789012:my-bucket", "no region"),
    ("arn:aws:s4:::my-bucket", "no region or account"), ("arn:aws:s3", "six parts"),
    ("arn:aws:s3:::My-Bucket", "not a bucket name"), ("arn:aws:s3:::ab", "not a bucket name"),
    ("arn:aws:s3:::" + "a" * 64, "not a bucket name"), ("arn:aws:s3:::a..b", "not a bucket name"),
    ("arn:aws:s3:::-ab", "not a bucket name"), ("arn:aws:s3:::192.168.5.4", "IP address"),
    ("arn:aws:s3:::xn--abc", "reserves"), ("arn:aws:s3:::data-s3alias", "reserves"),
    ("arn:aws:s3:::sthree-x", "reserves"), ("arn:aws:s3:::x--ol-s3", "reserves"),
])
def test_bucket_arn_is_a_real_bucket_arn(arn, why):
    assert_user_error(run("compile", TUTORIAL, "--bucket-arn", arn), "is not an S3 bucket ARN", why)


@pytest.mark.parametrize("arn", ["arn:aws:s3:::my-real-bucket", "arn:aws-cn:s3:::a.b-c", "arn:aws-us-gov:s3:::abc",
                                 "arn:aws:s3:::" + "a" * 63, "arn:aws-iso-b:s3:::x1y"])
def test_a_valid_bucket_arn_is_used(arn):
    result = run("compile", TUTORIAL, "--bucket-arn", arn)
    assert result.exit_code == 0, result.output
    assert arn + "/post-pictures/" in result.stdout


# ------------------------------------------------------------------------------------------------ explain

@pytest.mark.parametrize("identity", ["eu-west-1:A", "x", "", "eu-west-1:" + "a" * 60, "../x:1", "eu west:1",
                                      f"{ME}\n"])
def test_explain_refuses_an_identity_cognito_would_never_give(identity):
    assert_user_error(run("explain", TUTORIAL, "--as", "authenticated", "--identity", identity, "get", "a/x"),
                      "is not an identity-pool id", "at: --identity")


def test_explain_refuses_a_key_s3_would_refuse():
    key = "post-pictures/" + "é" * 510
    assert_user_error(run("explain", TUTORIAL, "--as", "authenticated", "get", key), "KEY is 1,034 bytes", "at: KEY")
    ok = run("explain", TUTORIAL, "--as", "authenticated", "get", "p/" + "x" * 1022)
    assert ok.exit_code == 0, ok.output


def test_explain_says_when_an_owner_path_needs_identity():
    result = run("explain", TUTORIAL, "--as", "authenticated", "write", f"post-pictures/{ME}/x.jpg")
    assert result.exit_code == 0 and result.stdout.startswith("DENY")
    assert "note: post-pictures/{entity_id}/* is an owner path" in result.stderr and "--identity" in result.stderr
    mine = run("explain", TUTORIAL, "--as", "authenticated", "--identity", ME, "write", f"post-pictures/{ME}/x.jpg")
    assert mine.stdout.startswith("ALLOW") and "note:" not in mine.stderr
    elsewhere = run("explain", TUTORIAL, "--as", "authenticated", "get", "other/x.jpg")
    assert "note:" not in elsewhere.stderr


def test_explain_offers_guest_only_when_there_is_a_guest_role(tmp_path):
    stderr = assert_user_error(run("explain", TUTORIAL, "--as", "guest", "get", "post-pictures/x"),
                               "no guest rule, so there is no guest role")
    assert "fix: Use one of: authenticated." in stderr
    with_guest = tmp_path / "guest.yaml"
    with_guest.write_text("storage:\n  name: b\n  access:\n    a/*:\n      - {allow: guest, to: [read]}\n")
    result = run("explain", str(with_guest), "--as", "guest", "get", "a/x")
    assert result.exit_code == 0 and result.stdout.startswith("ALLOW")
    assert "guest" in assert_user_error(run("explain", str(with_guest), "--as", "nobody", "get", "a/x"))


@pytest.mark.parametrize(("definition", "at"), [
    ({"storage": {"name": "myBucket\n"}}, "storage.name"),
    ({"auth": {"groups": ["admin\n"]}, "storage": {"name": "files"}}, "auth.groups[0]"),
    ({"data": {"models": {"Post\n": {"authorization": [{"allow": "owner"}]}}}}, 'data.models["Post\\n"]'),
])
def test_a_trailing_newline_never_passes_a_name_check(definition, at):
    """Every name pattern is matched in full: `$` alone would let a trailing newline through."""
    from ampliform.definition.load import parse_definition
    from ampliform.plan.check import definition_problems

    problems = definition_problems(parse_definition(definition))
    assert any(p.location == at for p in problems), [p.render() for p in problems]
