"""The functions part of a definition: shape, meaning checks (handler files, names, environment, schedules,
unknown and unused functions), S3's overlap rule for trigger filters, upload loops, and the DSL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from iam_lint import lint

from ampliform.definition.dsl import allow, define_backend, define_function, define_storage, trigger
from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError
from ampliform.functions.names import bucket_env_name, lambda_name
from ampliform.functions.schedule import schedule_expression
from ampliform.functions.triggers import AMBIGUOUS
from ampliform.iam.document import bind_arns
from ampliform.plan.backend import plan_backend
from ampliform.plan.check import definition_problems

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "photo-sharing"
REFERENCE = ROOT / "tests" / "reference" / "amplify" / "functions"


def project(tmp_path: Path, *handlers: str) -> Path:
    for handler in handlers:
        path = tmp_path / handler
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("def handler(event, context):\n    return event\n")
    return tmp_path


def backend(functions=None, access=None, triggers=None) -> dict:
    bucket = {"name": "myBucket", "access": access or {
        "post-pictures/{entity_id}/*": [{"allow": "authenticated", "to": ["read"]},
                                        {"allow": "resource", "resource": "thumbnailer", "to": ["read"]}],
        "thumbnails/*": [{"allow": "resource", "resource": "thumbnailer", "to": ["write"]}]}}
    if triggers is not None:
        bucket["triggers"] = triggers
    return {"storage": bucket,
            "functions": functions if functions is not None else {"thumbnailer": {"handler": "fn/t/handler.py"}}}


def problems(doc: dict, root: Path | None) -> list:
    return definition_problems(parse_definition(doc), project_dir=root)


def messages(doc: dict, root: Path | None) -> list[str]:
    return [p.message for p in problems(doc, root)]


def test_the_example_is_valid_and_its_functions_are_planned():
    plan = plan_backend(json.loads(json.dumps(__import__("yaml").safe_load((EXAMPLE / "backend.yaml").read_text()))),
                        project_dir=EXAMPLE, require_declared_functions=True)
    assert set(plan.definition.functions) == {"thumbnailer", "sweeper"}
    (trigger_,) = plan.triggers["myBucket"]
    assert (trigger_.s3_event, trigger_.prefix, trigger_.suffix) == ("s3:ObjectCreated:*", "post-pictures/", ".jpg")
    own = {c.contributor: c for c in plan.contributions if c.contributor.startswith("function ")}
    assert set(own) == {"function thumbnailer", "function sweeper"}
    assert own["function thumbnailer"].statements[0]["Resource"].endswith(":log-group:/aws/lambda/thumbnailer:*")
    # a function role gets its own needs first, then the storage grants
    roles = [c.contributor for c in plan.contributions if c.role == "function:thumbnailer"]
    assert roles == ["function thumbnailer", "storage myBucket"]


def test_every_document_of_a_function_role_passes_parliament():
    doc = backend({"thumbnailer": {"handler": "fn/t/handler.py", "secrets": ["TOKEN", "OTHER"]}})
    plan = plan_backend(doc, project_dir=None)
    placed = plan.budgets["function:thumbnailer"].placements
    assert [p.contributor for p in placed] == ["function thumbnailer", "storage myBucket"]
    secrets = placed[0].document["Statement"][1]
    assert secrets["Action"] == ["ssm:GetParameter", "ssm:GetParameters"]
    assert secrets["Resource"] == ["arn:aws:ssm:REGION:ACCOUNT:parameter/ampliform/thumbnailer/OTHER",
                                   "arn:aws:ssm:REGION:ACCOUNT:parameter/ampliform/thumbnailer/TOKEN"]
    assert not any("kms:" in json.dumps(p.document) for p in placed)
    arns = {a: a.replace("REGION", "eu-west-1").replace("ACCOUNT", "123456789012")
            for c in plan.contributions for a in c.arns}
    for placement in placed:  # as deployed: placeholders bound to real ARNs
        assert lint(bind_arns(placement.document, arns)) == []


def test_handler_must_be_a_file_inside_the_project(tmp_path):
    root = project(tmp_path, "fn/t/handler.py", "top.py")
    (tmp_path.parent / "outside.py").write_text("x = 1\n")
    cases = {
        "fn/t/missing.py": "handler file not found: fn/t/missing.py",
        "/etc/passwd.py": "handler '/etc/passwd.py' is an absolute path",
        "../outside.py": "handler '../outside.py' is outside the project",
        "top.py": "handler 'top.py' is at the project's top level",
        "fn/t/handler.rb": "handler 'fn/t/handler.rb' is not a .py, .mjs or .js file",
        "fn/t/handler.py:not-a-name": "invalid entry point 'not-a-name'",
    }
    for handler, message in cases.items():
        found = problems(backend({"thumbnailer": {"handler": handler}}), root)
        assert [p.message for p in found] == [message], handler
        assert found[0].location == "functions.thumbnailer.handler"
    link = tmp_path / "fn" / "link"
    link.symlink_to(tmp_path.parent)
    assert messages(backend({"thumbnailer": {"handler": "fn/link/outside.py"}}), root) == [
        "handler 'fn/link/outside.py' is outside the project"]
    assert messages(backend(), root) == []
    assert messages(backend({"thumbnailer": {"handler": "fn/t/missing.py"}}), None) == []  # files not looked at


def test_unknown_and_unused_functions():
    doc = backend({"thumbnailer": {"handler": "fn/t/handler.py"}, "idle": {"handler": "fn/i/handler.py"}},
                  triggers={"on_upload": "resizer"})
    found = problems(doc, None)
    assert [(p.message, p.location) for p in found] == [
        ("trigger names unknown function 'resizer'", "storage.triggers.on_upload[0].function"),
        ("function 'idle' is not used: no rule, trigger or schedule names it", "functions.idle")]
    doc = backend(access={"a/*": [{"allow": "resource", "resource": "nobody", "to": ["read"]}]})
    assert "rule names unknown function 'nobody'" in messages(doc, None)
    # without `functions:`, a resource rule names a role made elsewhere (reusable Storage), unless required
    external = {"storage": {"name": "b", "access": {"a/*": [{"allow": "resource", "resource": "x", "to": ["read"]}]}}}
    assert problems(external, None) == []
    with pytest.raises(DefinitionError, match="rule names unknown function 'x'"):
        plan_backend(external, project_dir=None, require_declared_functions=True)


@pytest.mark.parametrize(("spec", "message", "location"), [
    ({"environment": {"AWS_REGION": "x"}}, "environment variable 'AWS_REGION' is reserved by Lambda",
     "functions.thumbnailer.environment.AWS_REGION"),
    ({"environment": {"MY_BUCKET_BUCKET_NAME": "x"}}, "environment variable 'MY_BUCKET_BUCKET_NAME' is set by "
     "ampliform (a bucket name or a secret's parameter)", "functions.thumbnailer.environment.MY_BUCKET_BUCKET_NAME"),
    ({"environment": {"1BAD": "x"}}, "invalid environment variable name '1BAD'",
     'functions.thumbnailer.environment["1BAD"]'),
    ({"secrets": ["TOKEN", "TOKEN"]}, "secret 'TOKEN' is listed twice", "functions.thumbnailer.secrets[1]"),
    ({"schedule": "every 0m"}, "invalid schedule 'every 0m': the rate must be at least 1",
     "functions.thumbnailer.schedule"),
    ({"schedule": "rate(1 minutes)"}, "invalid schedule 'rate(1 minutes)': write 'rate(1 minute)'",
     "functions.thumbnailer.schedule"),
    ({"schedule": "cron(0 3 * * * *)"}, "invalid schedule 'cron(0 3 * * * *)': exactly one of day-of-month and "
     "day-of-week must be ?", "functions.thumbnailer.schedule"),
    ({"schedule": {"expression": "rate(5 minutes)", "timezone": "Mars/Olympus"}}, "unknown time zone 'Mars/Olympus'",
     "functions.thumbnailer.schedule.timezone"),
    ({"runtime": "nodejs24.x"}, "runtime nodejs24.x cannot run 'fn/t/handler.py'", "functions.thumbnailer.runtime"),
])
def test_function_settings_are_checked_with_locations(spec, message, location):
    found = problems(backend({"thumbnailer": {"handler": "fn/t/handler.py", **spec}}), None)
    assert [(p.message, p.location) for p in found] == [(message, location)]


def test_shape_errors_are_located():
    with pytest.raises(DefinitionError) as error:
        parse_definition(backend({"thumbnailer": {"handler": "fn/t/handler.py", "timeout": 901, "memroy": 1,
                                                  "architecture": "sparc"}}))
    found = {(p.location, p.message.split(":")[0]) for p in error.value.problems}
    assert ("functions.thumbnailer.timeout", "invalid value 901") in found
    assert ("functions.thumbnailer.memroy", "unknown key `memroy`") in found
    assert ("functions.thumbnailer.architecture", "invalid value 'sparc'") in found


@pytest.mark.parametrize(("first", "second", "overlap"), [
    ({}, {}, True),                                                        # both fire for every key
    ({"prefix": "post-pictures/"}, {"prefix": "post-pictures/2024/"}, True),  # nested prefixes, no suffix
    ({"prefix": "a/", "suffix": ".jpg"}, {"prefix": "a/", "suffix": "photo.jpg"}, True),  # suffix ends the other
    ({"prefix": "a/", "suffix": ".jpg"}, {"prefix": "a/", "suffix": ".png"}, False),  # same prefix, other suffix
    ({"prefix": "a/"}, {"prefix": "b/"}, False),                          # disjoint prefixes
    ({"suffix": ".jpg"}, {"prefix": "a/", "suffix": ".png"}, False),
])
def test_overlapping_filters_for_one_event_are_refused_as_s3_does(first, second, overlap):
    functions = {"thumbnailer": {"handler": "fn/t/handler.py"}, "indexer": {"handler": "fn/i/handler.py"}}
    doc = backend(functions, triggers={"on_upload": [{"function": "thumbnailer", **first},
                                                      {"function": "indexer", **second}]})
    found = [p for p in problems(doc, None) if p.message == AMBIGUOUS]
    assert bool(found) is overlap
    if overlap:
        assert found[0].location == "storage.triggers.on_upload[1]"
        assert "thumbnailer" in found[0].details and "indexer" in found[0].details
    # the same filters on different events never conflict
    doc = backend(functions, triggers={"on_upload": {"function": "thumbnailer", **first},
                                       "on_delete": {"function": "indexer", **second}})
    assert not [p for p in problems(doc, None) if p.message == AMBIGUOUS]


def test_filters_s3_cannot_take_are_refused():
    doc = backend(triggers={"on_upload": {"function": "thumbnailer", "prefix": "post-pictures/*", "suffix": "a b"}})
    found = [(p.location, p.message) for p in problems(doc, None)]
    assert ("storage.triggers.on_upload[0].prefix", "S3 filters have no wildcards: prefix 'post-pictures/*'") in found
    assert ("storage.triggers.on_upload[0].suffix",
            "suffix 'a b' has characters S3 filters take only URL-encoded") in found


def test_an_upload_loop_is_an_error_unless_declared_intentional():
    looping = {"images/*": [{"allow": "resource", "resource": "thumbnailer", "to": ["read", "write"]}]}
    doc = backend(access=looping, triggers={"on_upload": {"function": "thumbnailer", "prefix": "images/"}})
    (found,) = problems(doc, None)
    assert found.message.startswith("upload loop: function 'thumbnailer' may write keys its own on_upload trigger "
                                    "fires for (prefix images/), e.g. 'images/ampliform-loop-probe'")
    assert found.location == "storage.triggers.on_upload[0]" and "allow_loop: true" in found.fix
    allowed = backend(access=looping, triggers={"on_upload": {"function": "thumbnailer", "prefix": "images/",
                                                              "allow_loop": True}})
    assert problems(allowed, None) == []
    # the trigger's suffix cannot match what it writes? still a loop if it can write such keys
    doc = backend(access=looping, triggers={"on_upload": {"function": "thumbnailer", "suffix": ".jpg"}})
    assert messages(doc, None)[0].startswith("upload loop")
    # a deeper path where the function may not write decides: no loop
    nested = {**looping, "images/originals/*": [{"allow": "resource", "resource": "thumbnailer", "to": ["read"]}]}
    doc = backend(access=nested, triggers={"on_upload": {"function": "thumbnailer", "prefix": "images/originals/"}})
    assert problems(doc, None) == []
    # the example: reads post-pictures/, writes thumbnails/, triggered on post-pictures/: no loop
    assert problems(backend(triggers={"on_upload": {"function": "thumbnailer", "prefix": "post-pictures/"}}),
                    None) == []


def test_bucket_environment_names_are_amplifys():
    cases = json.loads((REFERENCE / "bucket-env-names.json").read_text())
    assert len(cases) == 7
    for case in cases:
        assert [bucket_env_name(case["input"]["name"])] == case["amplify"]["environment_names"]
    storage_triggers = json.loads((REFERENCE / "storage-triggers.json").read_text())
    env = storage_triggers["amplify"]["triggers"]["functions"]["onUploadHandler"]["environment"]
    assert bucket_env_name(storage_triggers["input"]["name"]) in env


def test_schedules_and_names():
    assert schedule_expression("every 5m") == ("rate(5 minutes)", None)
    assert schedule_expression("every 1h") == ("rate(1 hour)", None)
    assert schedule_expression("every day") == ("cron(0 0 * * ? *)", None)
    assert schedule_expression("cron(0 3 * * ? *)") == ("cron(0 3 * * ? *)", None)
    assert lambda_name("photo-sharing.dev-thumbnailer") == "photo-sharing-dev-thumbnailer"
    long = lambda_name("p" * 70)
    assert len(long) == 64 and long != lambda_name("p" * 71)


def test_the_dsl_builds_the_same_definition_as_the_data_form():
    thumbnailer = define_function(name="thumbnailer", entry="fn/t/handler.py", timeout_seconds=30, memory_mb=512,
                                  environment={"SIZE": "256"}, schedule="every day", timezone="Europe/Paris")
    storage = define_storage("myBucket", access=lambda allow: {
        "post-pictures/{entity_id}/*": [allow.authenticated.to(["read"]), allow.resource(thumbnailer).to(["read"])],
        "thumbnails/*": [allow.resource(thumbnailer).to(["write"])],
    }, triggers={"onUpload": trigger(thumbnailer, prefix="post-pictures/", suffix=".jpg")})
    dsl = define_backend(storage=storage, functions=[thumbnailer])
    data = parse_definition(backend(
        {"thumbnailer": {"handler": "fn/t/handler.py", "timeout": 30, "memory": 512, "environment": {"SIZE": "256"},
                         "schedule": {"expression": "every day", "timezone": "Europe/Paris"}}},
        triggers={"on_upload": {"function": "thumbnailer", "prefix": "post-pictures/", "suffix": ".jpg"}}))
    assert dsl == data
    assert allow.resource("x").to(["read"]).resource == "x"
    with pytest.raises(DefinitionError, match="functions.bad.timeout"):
        define_function(name="bad", entry="a/b.py", timeout_seconds=0)
