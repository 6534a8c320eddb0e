"""The photo-sharing example, end to end offline: its preview (functions, roles, log groups, the notification with
its filters, the invoke permission, the schedule; budgets equal to what is attached), its thumbnail handler run
against moto's in-process S3 with an event shaped as S3 sends it, every S3 call it made decided by the IAM
evaluator against the function role's policies, and secrets that never show in the preview.

The example's requirements (Pillow) are installed for the Lambda platform while the archive is built; here a
stand-in wheel with Pillow's name and platform tag is served with --find-links and --no-index, so nothing is
fetched."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shutil
import urllib.parse
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws
from PIL import Image
from wheels import binary_wheel

from ampliform.cli import main
from ampliform.definition.load import load_definition
from ampliform.iam.evaluate import evaluate, list_request, object_request
from ampliform.plan.backend import plan_backend
from ampliform.program.preview import attached_documents, attached_size, worst_case_arns
from ampliform.program.runner import run_preview

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "photo-sharing"
OWNER = "eu-west-1:11111111-1111-4111-8111-111111111111"
BUCKET = "photo-sharing-dev-mybucket"


@pytest.fixture
def offline_pip(tmp_path, monkeypatch):
    """pip finds only a stand-in Pillow wheel for CPython 3.14 on manylinux aarch64; the cache is fresh."""
    wheels = tmp_path / "wheels"
    binary_wheel(wheels, name="pillow", version="13.0.0", module="PIL")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.setenv("AMPLIFORM_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def by_name(result: dict) -> dict:
    return {r["name"]: r for r in result["resources"]}


def test_the_example_preview_shows_functions_triggers_and_schedules(offline_pip):
    done = CliRunner().invoke(main, ["preview", "--project-dir", str(EXAMPLE)])
    assert done.exit_code == 0, done.output
    out = done.stdout
    assert "  ampliform:index:Function  photo-sharing-dev-fn-thumbnailer" in out
    for line in ("aws:lambda/function:Function  photo-sharing-dev-fn-thumbnailer-function",
                 "aws:iam/role:Role  photo-sharing-dev-fn-thumbnailer-role",
                 "aws:cloudwatch/logGroup:LogGroup  photo-sharing-dev-fn-thumbnailer-logs",
                 "aws:s3/bucketNotification:BucketNotification  photo-sharing-dev-storage-mybucket-notifications",
                 "aws:lambda/permission:Permission  photo-sharing-dev-storage-mybucket-invoke-thumbnailer",
                 "aws:scheduler/schedule:Schedule  photo-sharing-dev-fn-sweeper-schedule"):
        assert line in out, line
    assert re.search(r"thumbnailer: photo-sharing-dev-thumbnailer  python3\.14 arm64  handler handler\.handler  "
                     r"512 MB  30 s", out)
    assert "trigger   bucket myBucket: s3:ObjectCreated:* (prefix post-pictures/, suffix .jpg)" in out
    assert "invoke    s3.amazonaws.com from <photo-sharing-dev-storage-mybucket.arn> in account <aws.accountId>" in out
    assert "schedule  cron(0 3 * * ? *) (Europe/Paris)" in out
    assert "logs      /aws/lambda/photo-sharing-dev-thumbnailer (14 days)" in out
    assert re.search(r"function:thumbnailer\s+thumbnails/\*\s+write\n", out)
    assert re.search(r"function:thumbnailer\s+post-pictures/<own id>/\*\s+get, list\n", out)
    assert re.search(r"function:thumbnailer: inline [\d,]+ / 10,240", out)


def test_the_example_plan_is_what_the_program_attaches(offline_pip):
    result = run_preview("prod", EXAMPLE)
    resources = by_name(result)
    notification = resources["photo-sharing-prod-storage-mybucket-notifications"]
    assert notification["inputs"]["lambdaFunctions"] == [{
        "events": ["s3:ObjectCreated:*"], "filterPrefix": "post-pictures/", "filterSuffix": ".jpg",
        "id": "on_upload-thumbnailer-0", "lambdaFunctionArn": "<photo-sharing-prod-fn-thumbnailer-function.arn>"}]
    assert "photo-sharing-prod-storage-mybucket-invoke-thumbnailer" in notification["options"]["dependencies"]
    code = resources["photo-sharing-prod-fn-thumbnailer-function"]["inputs"]["code"]
    assert set(code) == {"archive"}
    logs = resources["photo-sharing-prod-fn-thumbnailer-logs"]
    assert logs["inputs"]["retentionInDays"] == 365 and logs["options"]["protect"] is True
    definition = load_definition(EXAMPLE / "backend.yaml")
    budgets = plan_backend(definition, project_dir=EXAMPLE).budgets
    attached, worst = attached_documents(result), worst_case_arns(result)
    assert {"function:thumbnailer", "function:sweeper", "authenticated"} <= set(attached)
    for role, budget in budgets.items():
        inline = [attached_size(text, worst) for kind, text in attached[role] if kind == "inline"]
        assert sum(inline) == budget.inline_size > 0, role
    # the preview never shows IAM's variable syntax except the owner variable
    text = json.dumps({**result, "resources": [r for r in result["resources"] if "code" not in r["inputs"]
                                               or r["type"] == "aws:lambda/function:Function"]})
    assert "${" not in text.replace("${cognito-identity.amazonaws.com:sub}", "")


def load_handler():
    spec = importlib.util.spec_from_file_location("thumbnailer_handler",
                                                  EXAMPLE / "functions" / "thumbnailer" / "handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def s3_event(bucket: str, key: str, size: int) -> dict:
    """An ObjectCreated:Put notification as S3 sends it (the key URL-encoded, a space as +)."""
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "eu-west-1",
        "eventTime": "2026-01-01T12:00:00.000Z", "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:AROAEXAMPLE:CognitoIdentityCredentials"},
        "requestParameters": {"sourceIPAddress": "203.0.113.7"},
        "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG"},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "on_upload-thumbnailer-0",
               "bucket": {"name": bucket, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                          "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": size,
                          "eTag": "d41d8cd98f00b204e9800998ecf8427e", "sequencer": "0055AED6DCD90281E5"}}}]}


def requests_of(calls: list[tuple[str, dict]], arn: str) -> list:
    out = []
    for operation, params in calls:
        if operation in ("GetObject", "HeadObject"):
            out.append(object_request("get", arn, params["Key"]))
        elif operation == "PutObject":
            out.append(object_request("write", arn, params["Key"]))
        elif operation == "DeleteObject":
            out.append(object_request("delete", arn, params["Key"]))
        elif operation in ("ListObjectsV2", "ListObjects"):
            out.append(list_request(arn, params.get("Prefix")))
        else:
            raise AssertionError(f"unexpected S3 call {operation}")
    return out


def test_the_thumbnailer_runs_on_s3_and_every_call_it_makes_is_allowed_by_its_role(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "eu-west-1", "MY_BUCKET_BUCKET_NAME": BUCKET,
                       "THUMBNAIL_SIZE": "64"}.items():
        monkeypatch.setenv(key, value)
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(picture, "JPEG")
    key = f"post-pictures/{OWNER}/my cat.jpg"
    calls: list[tuple[str, dict]] = []
    with mock_aws():
        boto3.setup_default_session(region_name="eu-west-1")
        setup = boto3.client("s3")
        setup.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        setup.put_object(Bucket=BUCKET, Key=key, Body=picture.getvalue())
        boto3.DEFAULT_SESSION.events.register(
            "provide-client-params.s3", lambda params, event_name, **_: calls.append(
                (event_name.rsplit(".", 1)[-1], dict(params))))
        handler = load_handler()
        result = handler.handler(s3_event(BUCKET, key, len(picture.getvalue())), None)
        thumbnail = setup.get_object(Bucket=BUCKET, Key=f"thumbnails/{OWNER}/my cat.jpg")["Body"].read()
    boto3.DEFAULT_SESSION = None
    assert result == {"written": [f"thumbnails/{OWNER}/my cat.jpg"]}
    image = Image.open(io.BytesIO(thumbnail))
    assert image.format == "JPEG" and max(image.size) == 64
    assert [op for op, _ in calls] == ["GetObject", "PutObject"]
    assert calls[0][1]["Key"] == key  # the event's URL-encoded key was decoded

    arn = f"arn:aws:s3:::{BUCKET}"
    plan = plan_backend(load_definition(EXAMPLE / "backend.yaml"), bucket_arns={"myBucket": arn}, project_dir=EXAMPLE)
    documents = [p.document for p in plan.budgets["function:thumbnailer"].placements]
    decisions = [evaluate(documents, request) for request in requests_of(calls, arn)]
    assert [d.allowed for d in decisions] == [True, True]
    assert decisions[1].statement["Resource"] == f"{arn}/thumbnails/*"
    # outside its grants: writing into post-pictures/ (its own trigger's folder), deleting, reading elsewhere
    for request in (object_request("write", arn, key), object_request("delete", arn, f"thumbnails/{OWNER}/x.jpg"),
                    object_request("get", arn, "private/x.jpg"), object_request("write", "arn:aws:s3:::other", key)):
        assert not evaluate(documents, request).allowed, request


SECRETS = """\
config:
  aws:region: eu-west-1
  ampliform:definition: backend.yaml
  ampliform:secrets:
    SERVICE_TOKEN:
      secure: v1:Zm9vYmFyYmF6cXV4:dGhpcyBpcyBub3QgYSByZWFsIGNpcGhlcnRleHQ=
"""


def test_secrets_are_parameters_whose_values_never_show(offline_pip, tmp_path):
    project = tmp_path / "app"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".ampliform-cache"))
    size = '    environment: {THUMBNAIL_SIZE: "256"}\n'
    definition = (project / "backend.yaml").read_text().replace(size, size + "    secrets: [SERVICE_TOKEN]\n")
    (project / "backend.yaml").write_text(definition)
    (project / "stacks" / "Pulumi.dev.yaml").write_text(SECRETS)
    done = CliRunner().invoke(main, ["preview", "--project-dir", str(project), "--json"])
    assert done.exit_code == 0, done.output
    assert "dGhpcyBpcyBub3QgYSByZWFsIGNpcGhlcnRleHQ" not in done.stdout
    resources = by_name(json.loads(done.stdout))
    parameter = resources["photo-sharing-dev-fn-thumbnailer-secret-service-token"]["inputs"]
    assert parameter["value"] == "[secret]" and parameter["type"] == "SecureString"
    variables = resources["photo-sharing-dev-fn-thumbnailer-function"]["inputs"]["environment"]["variables"]
    assert variables["SERVICE_TOKEN_PARAMETER"] == "/ampliform/photo-sharing-dev-thumbnailer/SERVICE_TOKEN"
    # a plaintext secret, or a missing one, stops the preview naming the key
    (project / "stacks" / "Pulumi.dev.yaml").write_text(SECRETS.replace(
        "\n      secure: v1:Zm9vYmFyYmF6cXV4:dGhpcyBpcyBub3QgYSByZWFsIGNpcGhlcnRleHQ=", " hunter2"))
    done = CliRunner().invoke(main, ["preview", "--project-dir", str(project)])
    assert done.exit_code == 2 and "error: secret 'SERVICE_TOKEN' is written in plaintext" in done.stderr
    assert "hunter2" not in done.stderr + done.stdout
    (project / "stacks" / "Pulumi.dev.yaml").write_text(SECRETS.split("  ampliform:secrets")[0])
    done = CliRunner().invoke(main, ["preview", "--project-dir", str(project)])
    assert done.exit_code == 2
    assert "error: function 'thumbnailer' needs secret 'SERVICE_TOKEN', which the stack does not hold" in done.stderr


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_document_of_the_example_program_passes_parliament(offline_pip, stack):
    from conftest import run_program, stack_mocks
    from iam_lint import lint

    from ampliform.definition.settings import read_stack_file

    mocks = stack_mocks(stack)
    config, _ = read_stack_file(EXAMPLE, stack)
    exports = run_program(EXAMPLE / "__main__.py", config)
    assert set(exports["functions"]) == {"thumbnailer", "sweeper"}
    documents = [(r.name, json.loads(r.inputs.get("policy") or r.inputs["assumeRolePolicy"]))
                 for r in mocks.resources if r.typ in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/role:Role",
                                                       "aws:iam/policy:Policy", "aws:s3/bucketPolicy:BucketPolicy")]
    assert any(name.endswith("fn-thumbnailer-role") for name, _ in documents)
    for name, document in documents:
        assert lint(document) == [], name
