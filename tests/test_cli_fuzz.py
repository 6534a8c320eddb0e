"""Fuzzing the CLI with malformed input: every command always exits 0 or 2, never a traceback.

Inputs (hypothesis, derandomized): random JSON-able structures (at the top level and under each known
key), near-valid definitions from `strategies` with one mutation (wrong type, unknown key, missing key,
bad path, unknown action, duplicate principal, undeclared group, huge string, arbitrary unicode including
control characters and lone surrogates, nesting, bucket-list shape), random YAML text built from YAML's
trickier pieces (anchors, aliases, merge keys, tags such as ``!!python/object``, complex keys, directives,
several documents), random unicode text and random bytes. Each input is written as ``.json`` and/or
``.yaml`` and run through ``validate`` and ``compile`` (default and ``--compat amplify``) with click's
`CliRunner`.

Beyond definitions (run through ``validate`` and ``compile``, and through ``explain`` and ``diff`` too in
`test_every_command_on_near_valid_definitions`): stack files (`test_stack_files`: a valid stack file with one
mutation, YAML's dates, sets, binary, aliases, anchors and control characters included, or raw YAML text),
``Pulumi.yaml`` (`test_pulumi_yaml`) and stack-outputs files (`test_stack_outputs_files`), each run through
``preview --json`` or ``outputs -o -`` in a copy of the repository's project.

The contract checked on every run (`check_result`): exit status 0 or 2; no exception other than
`SystemExit` escaped; no "Traceback" in the output; on 2 nothing on stdout and stderr made only of
problem blocks, each starting with ``error: `` (continuation lines are indented); on 0 stdout is JSON.
Explicit cases pin down deep nesting, non-scalar YAML keys, YAML's Python tags (rejected, never executed)
and an alias bomb (the error output must stay small).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis_profile import tuned
from strategies import GROUPS, definitions

from ampliform.cli import main

COMMANDS = (["validate", "--json"], ["validate", "--compat", "amplify", "--json"], ["compile"],
            ["compile", "--compat", "amplify"])
ERROR_OUTPUT_PER_INPUT_CHAR = 4
ERROR_OUTPUT_SLACK = 20_000
"""Error output may echo the input, a few times over, but must not grow faster than the input does."""


# ------------------------------------------------------------------------------------------- harness

@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def run(args: list[str]) -> Result:
    return CliRunner().invoke(main, args, catch_exceptions=True)


def check_result(result: Result, what: str, input_size: int = 0) -> None:
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        raise AssertionError(f"{what}: exception escaped the CLI:\n{tb[-3000:]}")
    assert result.exit_code in (0, 2), f"{what}: exit {result.exit_code}\n{result.output[-2000:]}"
    assert "Traceback" not in result.output, f"{what}: traceback printed\n{result.output[-2000:]}"
    if result.exit_code == 2:
        assert result.stdout == "", f"{what}: stdout on a user error: {result.stdout[:500]!r}"
        lines = result.stderr.rstrip("\n").split("\n")
        assert lines and lines[0].startswith("error: "), f"{what}: {result.stderr[:500]!r}"
        stray = [line for line in lines if not line.startswith(("error: ", "  "))]
        assert not stray, f"{what}: stderr lines outside an `error:` block: {stray[:3]!r}"
        limit = ERROR_OUTPUT_PER_INPUT_CHAR * input_size + ERROR_OUTPUT_SLACK
        assert len(result.stderr) <= limit, f"{what}: {len(result.stderr)} characters of errors from {input_size}"
    else:
        json.loads(result.stdout)


def run_all(path: Path, commands: tuple[list[str], ...] = COMMANDS) -> None:
    size = path.stat().st_size
    for command in commands:
        check_result(run([*command, str(path)]), f"{' '.join(command)} {path.name}", size)


def write_text(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def as_yaml(data: Any) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, UnicodeError, RecursionError):
        return json.dumps(data)


def run_data(workdir: Path, data: Any, ensure_ascii: bool = True) -> None:
    """Write `data` as JSON and as YAML and run every command on both."""
    run_all(write_text(workdir / "fuzz.json", json.dumps(data, ensure_ascii=ensure_ascii)))
    run_all(write_text(workdir / "fuzz.yaml", as_yaml(data)))


# ---------------------------------------------------------------------------------- random structures

def nasty_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=20),
        st.sampled_from(["", " ", "read", "Read", "a/*", "a/{entity_id}/*", "{entity_id}/*", "/a/*", "a//b/*",
                         "*", "a/*/b/*", "a/{entity_id}/{entity_id}/*", "a/x{entity_id}/*", "\n", "a\nb/*",
                         "error: fake", "${cognito-identity.amazonaws.com:sub}", "\x00", "\ud800", "é/*",
                         "admin", "guest", "groups", "entity", "resource", "identity"]),
    )


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), nasty_text())
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text(), inner, max_size=4),
    max_leaves=25)


@st.composite
def placed_values(draw: st.DrawFn) -> Any:
    """A random value at the top level or under one of the known keys."""
    value = draw(JSON_VALUES)
    wrappers = [
        lambda v: v,
        lambda v: {"storage": v},
        lambda v: {"auth": v},
        lambda v: {"auth": {"groups": v}},
        lambda v: {"data": v},
        lambda v: {"storage": {"name": "b", "access": v}},
        lambda v: {"storage": [v, {"name": "c", "is_default": True}]},
        lambda v: {"storage": {"name": "b", "access": {"a/*": v}}},
        lambda v: {"storage": {"name": "b", "access": {"a/*": [v]}}},
        lambda v: {"storage": {"name": "b", "access": {"a/*": [{"allow": "guest", "to": v}]}}},
        lambda v: {"auth": {"groups": ["admin"]},
                   "storage": {"name": "b", "access": {"a/*": [{"allow": "groups", "groups": v, "to": ["read"]}]}}},
        lambda v: {"storage": {"name": v, "access": {"a/*": [{"allow": "guest", "to": ["read"]}]}}},
    ]
    return draw(st.sampled_from(wrappers))(value)


@tuned(150)
@given(data=placed_values(), ensure_ascii=st.booleans())
def test_random_structures(workdir, data, ensure_ascii):
    run_data(workdir, data, ensure_ascii)


# ---------------------------------------------------------------------------------- near-valid inputs

Location = tuple[Any, ...]


def locations(value: Any, here: Location = ()) -> Iterator[Location]:
    yield here
    if isinstance(value, dict):
        for key, item in value.items():
            yield from locations(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from locations(item, (*here, i))


def get(value: Any, location: Location) -> Any:
    for part in location:
        value = value[part]
    return value


def put(root: Any, location: Location, new: Any) -> Any:
    if not location:
        return new
    get(root, location[:-1])[location[-1]] = new
    return root


def nest(value: Any, depth: int, kind: str) -> Any:
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


@st.composite
def mutated_definitions(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(draw(definitions()))
    where = list(locations(data))
    dicts = [loc for loc in where if isinstance(get(data, loc), dict)]
    strings = [loc for loc in where if isinstance(get(data, loc), str)]
    access_maps = [loc for loc in where if loc and loc[-1] == "access" and get(data, loc)]
    rule_lists = [(*loc, path) for loc in access_maps for path in get(data, loc) if get(data, (*loc, path))]
    to_lists = [loc for loc in where if loc and loc[-1] == "to"]
    kind = draw(st.sampled_from(["wrong_type", "unknown_key", "drop_key", "bad_path", "bad_action",
                                 "duplicate_principal", "unknown_group", "huge_string", "unicode", "nest",
                                 "buckets", "drop_rule_field"]))
    if kind == "wrong_type":
        return put(data, draw(st.sampled_from(where)), draw(JSON_VALUES))
    if kind == "unknown_key":
        get(data, draw(st.sampled_from(dicts)))[draw(nasty_text())] = draw(JSON_VALUES)
        return data
    if kind == "drop_key":
        loc = draw(st.sampled_from(dicts))
        if get(data, loc):
            del get(data, loc)[draw(st.sampled_from(sorted(get(data, loc))))]
        return data
    if kind == "bad_path" and access_maps:
        access = get(data, draw(st.sampled_from(access_maps)))
        old = draw(st.sampled_from(sorted(access)))
        access[draw(nasty_text())] = access.pop(old)
        return data
    if kind == "bad_action" and to_lists:
        get(data, draw(st.sampled_from(to_lists))).append(draw(nasty_text()))
        return data
    if kind == "duplicate_principal" and rule_lists:
        rules = get(data, draw(st.sampled_from(rule_lists)))
        rules.append(copy.deepcopy(draw(st.sampled_from(rules))))
        return data
    if kind == "unknown_group" and rule_lists:
        get(data, draw(st.sampled_from(rule_lists))).append(
            {"allow": "groups", "groups": [draw(st.sampled_from([*GROUPS, "nobody", ""]))], "to": ["read"]})
        return data
    if kind == "huge_string" and strings:
        huge = draw(st.sampled_from(["x" * 200_000, "a/" * 50_000 + "*", "é" * 100_000]))
        return put(data, draw(st.sampled_from(strings)), huge)
    if kind == "unicode" and strings:
        return put(data, draw(st.sampled_from(strings)), draw(st.text(min_size=1, max_size=30)))
    if kind == "nest":
        loc = draw(st.sampled_from(where))
        return put(data, loc, nest(get(data, loc), draw(st.integers(1, 300)), draw(st.sampled_from(["list", "dict"]))))
    if kind == "buckets" and isinstance(data.get("storage"), dict):
        bucket = data["storage"]
        others = [dict(copy.deepcopy(bucket), is_default=draw(st.booleans())) for _ in range(draw(st.integers(0, 2)))]
        data["storage"] = [bucket, *others]
        return data
    if kind == "drop_rule_field" and rule_lists:
        rule = draw(st.sampled_from(get(data, draw(st.sampled_from(rule_lists)))))
        rule.pop(draw(st.sampled_from(sorted(rule))))
        return data
    return put(data, draw(st.sampled_from(where)), draw(JSON_VALUES))


@tuned(200)
@given(data=mutated_definitions(), ensure_ascii=st.booleans())
def test_near_valid_definitions_with_one_mutation(workdir, data, ensure_ascii):
    run_data(workdir, data, ensure_ascii)


# ----------------------------------------------------------------------------------------- raw text

YAML_PIECES = [
    "storage:", "  name: b", "  access:", "    a/*:", "      - {allow: guest, to: [read]}", "auth:",
    "  groups: [admin]", "- x", "a: &anchor [1, 2]", "b: *anchor", "c: *missing", "<<: *anchor", "<<: {x: 1}",
    "d: !!python/object:os.system {}", "e: !!python/object/apply:os.system ['true']", "f: !!python/name:os.system",
    "g: !!python/object/new:builtins.dict {}", "h: !!binary aGVsbG8=", "i: !!set {a, b}", "j: !!omap [a: 1]",
    "k: !!timestamp 2001-12-14", "l: !custom x", "m: !!float nan", "n: !!int 0x1F", "? [a, b]", ": value",
    "? {a: 1}", "%YAML 1.1", "%TAG ! tag:example.com,2000:", "---", "...", "o: 'unterminated", 'p: "\\x00"',
    "\tq: tab", "r: |", "  block", "s: >-", "  folded", "t: {", "u: [", "v: ]", "\ufeffw: bom", "x: \x00",
    "y: 1e999", "z: -.inf", "~: ~", "null: null", "true: yes", "1: 2", "[a]: b", "{a: b}: c", "'': empty",
    "storage: &s {name: b}", "storage: *s", "  - *anchor", "- - - -", ": : :", "@reserved", "`backtick",
]


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(YAML_PIECES), min_size=1, max_size=12))
    indents = draw(st.lists(st.sampled_from(["", "  ", "    "]), min_size=len(pieces), max_size=len(pieces)))
    return "\n".join(i + p for i, p in zip(indents, pieces, strict=True)) + draw(st.sampled_from(["", "\n"]))


@tuned(300)
@given(text=st.one_of(yaml_texts(), st.text(max_size=200)), suffix=st.sampled_from([".yaml", ".yml", ".json"]))
def test_raw_text(workdir, text, suffix):
    run_all(write_text(workdir / f"raw{suffix}", text), COMMANDS[:3])


@tuned(100)
@given(blob=st.binary(max_size=200), suffix=st.sampled_from([".yaml", ".json"]))
def test_raw_bytes(workdir, blob, suffix):
    path = workdir / f"bytes{suffix}"
    path.write_bytes(blob)
    run_all(path, COMMANDS[:1])


# ---------------------------------------------------------------------------------------- explicit

@pytest.mark.parametrize("depth", [50, 500, 5_000, 50_000])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize("shape", ["list", "dict"])
def test_deep_nesting(workdir, depth, suffix, shape):
    """Deeply nested input is a user error (or valid), never a RecursionError traceback."""
    inner = "[" * depth + "]" * depth if shape == "list" else '{"k": ' * depth + "1" + "}" * depth
    text = '{"storage": {"name": "b", "access": {"a/*": ' + inner + "}}}"
    run_all(write_text(workdir / f"deep{suffix}", text), COMMANDS[:1])


@pytest.mark.parametrize("text", ["? [a, b]\n: 1\n", "? {a: 1}\n: 1\n", "storage:\n  ? [x]\n  : y\n",
                                  "[a]: b\n", "auth:\n  groups: [admin]\n  ? !!set {a}\n  : 1\n"])
def test_non_scalar_yaml_keys(workdir, text):
    """A YAML key that is a list or a mapping is a user error, not a TypeError from the duplicate-key check."""
    run_all(write_text(workdir / "keys.yaml", text), COMMANDS[:1])


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/object/new:os.system",
                                 "!!python/object/apply:subprocess.check_call", "!!python/name:os.system"])
def test_python_tags_are_rejected_not_executed(workdir, tag):
    marker = workdir / "executed"
    text = f"storage: {tag} [\"touch {marker}\"]\n" if "name" not in tag else f"storage: {tag} ''\n"
    for command in COMMANDS:
        result = run([*command, str(write_text(workdir / "tag.yaml", text))])
        check_result(result, f"{command} {tag}")
        assert result.exit_code == 2
        assert "invalid YAML" in result.stderr and "constructor" in result.stderr
        assert not marker.exists(), "a YAML tag ran a command"


def test_alias_bomb_error_output_stays_small(workdir):
    """Aliases expand exponentially (10 copies per level): an error message must not print the expansion.
    Six levels are a million items; nine (a few hundred bytes of YAML) would be a billion."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 7)]
    lines += ["storage:", "  name: b", "  access:", "    a/*:", "      - {allow: guest, to: [*l6]}"]
    path = write_text(workdir / "bomb.yaml", "\n".join(lines) + "\n")
    result = run(["validate", "--json", str(path)])
    check_result(result, "validate bomb.yaml", path.stat().st_size)
    assert result.exit_code == 2


# ------------------------------------------------------------------------------------- every command

EVERY_COMMAND = (["explain", "{path}", "--as", "authenticated", "--json", "read", "a/x"],
                 ["explain", "{path}", "--as", "authenticated", "--identity",
                  "eu-west-1:11111111-1111-4111-8111-111111111111", "--json", "write", "a/b/x"],
                 ["diff", "{path}", "{tutorial}", "--json"], ["diff", "{tutorial}", "{path}", "--json"])
TUTORIAL = str(Path(__file__).resolve().parents[1] / "backend.yaml")


@tuned(40)
@given(data=mutated_definitions())
def test_every_command_on_near_valid_definitions(workdir, data):
    path = write_text(workdir / "every.json", json.dumps(data))
    for template in EVERY_COMMAND:
        args = [part.format(path=path, tutorial=TUTORIAL) for part in template]
        check_result(run(args), " ".join(template), path.stat().st_size)


# ----------------------------------------------------------------- stack files, Pulumi.yaml, stack outputs

ROOT = Path(__file__).resolve().parents[1]
STACK = {"aws:region": "eu-west-1", "ampliform:env": "dev", "ampliform:definition": "backend.yaml",
         "ampliform:corsOrigins": ["http://localhost:3000"], "ampliform:versioning": False,
         "ampliform:protect": False, "ampliform:maxManagedPolicies": 10}
YAML_VALUES = ["2001-12-14", "2001-12-14T10:00:00Z", "!!set {a, b}", "!!binary aGVsbG8=", "*missing", "&a [1]",
               '"eu-west-1\\n"', '"*\\n"', "/etc/passwd", "../outside.yaml", "~", "!!python/name:os.system",
               "[https://a.example, '*']", "{secure: AAABA}", "0x1F", "1e999", "'" + "x" * 5000 + "'",
               "prod", "amplify", "true", "-1", "21", "[]", "{}", "'\\x00'", "fifo.yaml"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's Pulumi project, with a FIFO beside its definition."""
    root = tmp_path_factory.mktemp("project")
    for name in ("Pulumi.yaml", "__main__.py", "backend.yaml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "stacks", root / "stacks")
    os.mkfifo(root / "fifo.yaml")
    return root


def check_any(result: Result, what: str, input_size: int) -> None:
    """`check_result` for commands whose exit-0 output is JSON (``preview --json``, ``outputs -o -``)."""
    check_result(result, what, input_size)
    event(f"{what.split()[0]}: exit {result.exit_code}")


@st.composite
def stack_texts(draw: st.DrawFn) -> str:
    """A valid stack file with one or two mutations, written as YAML text (so YAML's own types can appear)."""
    config = {k: json.dumps(v) for k, v in STACK.items()}
    for _ in range(draw(st.integers(1, 2))):
        key = draw(st.sampled_from([*STACK, "ampliform:allowInsecureProd", "ampliform:nope", "aws:profile",
                                    "app:other", "ampliform:definition"]))
        kind = draw(st.sampled_from(["yaml", "json", "drop"]))
        if kind == "drop":
            config.pop(key, None)
        elif kind == "yaml":
            config[key] = draw(st.sampled_from(YAML_VALUES))
        else:
            config[key] = json.dumps(draw(JSON_VALUES))
    lines = ["config:"] + [f"  {json.dumps(k)}: {v}" for k, v in config.items()]
    if draw(st.booleans()):
        lines.insert(0, draw(st.sampled_from(["other: &x [1, 2]", "%YAML 1.1\n---", "l0: &l0 [x, x, x]"])))
    return "\n".join(lines) + "\n"


@tuned(40)
@given(text=st.one_of(stack_texts(), yaml_texts()))
def test_stack_files(project, text):
    path = write_text(project / "stacks" / "Pulumi.fuzz.yaml", text)
    size = path.stat().st_size
    check_any(run(["preview", "--stack", "fuzz", "--json", "--project-dir", str(project)]), "preview", size)


@tuned(25)
@given(text=st.one_of(yaml_texts(), st.text(max_size=80), st.sampled_from(
    ["name: x\n", "- a\n", "name: [a]\n", "name: ''\n", "runtime: python\n", "", "name: !!binary aGk=\n"])),
    as_bytes=st.booleans())
def test_pulumi_yaml(project, text, as_bytes):
    path = project / "Pulumi.yaml"
    try:
        if as_bytes:
            path.write_bytes(text.encode("utf-8", "surrogatepass") + b"\xff")
        else:
            write_text(path, text)
        result = run(["preview", "--stack", "dev", "--json", "--project-dir", str(project)])
        check_any(result, "preview with a fuzzed Pulumi.yaml", path.stat().st_size)
    finally:
        shutil.copy(ROOT / "Pulumi.yaml", path)


SAMPLE_OUTPUTS = json.loads((ROOT / "tests" / "fixtures" / "stack-outputs.json").read_text())


@st.composite
def stack_outputs(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(SAMPLE_OUTPUTS)
    where = [loc for loc in locations(data) if loc]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["value", "secret", "drop", "top"]))
        loc = draw(st.sampled_from(where))
        try:
            if kind == "value":
                put(data, loc, draw(JSON_VALUES))
            elif kind == "secret":
                put(data, loc, "[secret]")
            elif kind == "drop":
                del get(data, loc[:-1])[loc[-1]]
            else:
                data = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            pass
        where = [loc for loc in locations(data) if loc]
        if not where:
            break
    return data


@tuned(50)
@given(data=stack_outputs())
def test_stack_outputs_files(workdir, data):
    path = write_text(workdir / "outputs.json", json.dumps(data))
    check_any(run(["outputs", "--stack-outputs", str(path), "-o", "-"]), "outputs", path.stat().st_size)
