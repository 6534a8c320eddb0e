"""The Function component and its wiring under mocks: the role trusts Lambda only (this account), logs go to its
own log group only, secrets are SecureString parameters it alone may read, schedules run through EventBridge
Scheduler with a role that may invoke exactly this function, and Storage connects functions with one
notification per bucket after scoped invoke permissions. Every document passes parliament."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest
from conftest import ACCOUNT, REGION, run
from iam_lint import lint

from ampliform.errors import DefinitionError
from ampliform.functions.names import bucket_environment
from ampliform.functions.packaging import build_package
from ampliform.plan.backend import plan_backend
from ampliform.resources.auth import Auth, AuthArgs
from ampliform.resources.function import Function, FunctionArgs
from ampliform.resources.storage import Storage, StorageArgs

DEFINITION = {
    "storage": {"name": "photos", "access": {
        "post-pictures/{entity_id}/*": [{"allow": "authenticated", "to": ["read"]},
                                        {"allow": "entity", "entity": "identity", "to": ["write"]},
                                        {"allow": "resource", "resource": "thumbnailer", "to": ["read"]}],
        "thumbnails/*": [{"allow": "resource", "resource": "thumbnailer", "to": ["write"]}]},
        "triggers": {"on_upload": {"function": "thumbnailer", "prefix": "post-pictures/", "suffix": ".jpg"},
                     "on_delete": "cleaner"}},
    "functions": {"thumbnailer": {"handler": "functions/thumbnailer/handler.py", "timeout": 30,
                                  "secrets": ["SERVICE_TOKEN"], "environment": {"SIZE": "256"}},
                  "cleaner": {"handler": "functions/cleaner/handler.mjs",
                              "schedule": {"expression": "cron(0 3 * * ? *)", "timezone": "Europe/Paris"}}},
}


@pytest.fixture
def root(tmp_path, monkeypatch):
    for handler in ("functions/thumbnailer/handler.py", "functions/cleaner/handler.mjs"):
        (tmp_path / handler).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / handler).write_text("// a handler\n")
    monkeypatch.setenv("AMPLIFORM_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def build(root: Path, secret: str = "s3cr3t-value") -> dict:
    plan = plan_backend(DEFINITION, project_dir=root, require_declared_functions=True)
    out: dict = {}

    def program() -> None:
        auth = Auth("app-auth", AuthArgs())
        storage = Storage("app-storage", StorageArgs(plan=plan, auth=auth))
        out["pending"] = list(storage.pending)
        functions = {name: Function(f"app-fn-{name}", FunctionArgs(
            spec=spec, name=name, project_dir=root, plan=plan, function_name=f"app-{name}",
            environment={"PHOTOS_BUCKET_NAME": storage.bucket_names["photos"]},
            secrets={"SERVICE_TOKEN": pulumi.Output.secret(secret)} if spec.secrets else {}))
            for name, spec in plan.definition.functions.items()}
        storage.connect_functions(functions)
        out["storage"], out["functions"] = storage, functions

    run(program)
    return out


def policy(resource) -> dict:
    return json.loads(resource.inputs.get("policy") or resource.inputs["assumeRolePolicy"])


def test_the_function_role_trusts_lambda_for_this_account_and_logs_only_to_its_group(mocks, root):
    built = build(root)
    assert built["pending"] == ["cleaner", "thumbnailer"]
    res = mocks.by_name()
    trust = policy(res["app-fn-thumbnailer-role"])["Statement"]
    assert trust == [{"Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                      "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}]
    assert res["app-fn-thumbnailer-role"].inputs["tags"] == {"ampliform:role": "function:thumbnailer"}
    assert "inlinePolicies" not in res["app-fn-thumbnailer-role"].inputs
    group = res["app-fn-thumbnailer-logs"].inputs
    assert group == {**group, "name": "/aws/lambda/app-thumbnailer", "retentionInDays": 14}
    own = policy(res["app-fn-thumbnailer-function-thumbnailer-0"])["Statement"]
    assert own[0] == {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                      "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/app-thumbnailer:*"}
    assert own[1] == {"Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParameters"],
                      "Resource": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/ampliform/app-thumbnailer/SERVICE_TOKEN"}
    fn = res["app-fn-thumbnailer-function"].inputs
    assert (fn["runtime"], fn["handler"], fn["architectures"], fn["timeout"], fn["memorySize"]) == (
        "python3.14", "handler.handler", ["arm64"], 30, 512)
    assert fn["loggingConfig"] == {"logFormat": "Text", "logGroup": "/aws/lambda/app-thumbnailer"}
    assert fn["environment"]["variables"] == {"PHOTOS_BUCKET_NAME": "app-storage-photos-abc123", "SIZE": "256",
                                              "SERVICE_TOKEN_PARAMETER": "/ampliform/app-thumbnailer/SERVICE_TOKEN"}
    package = build_package("thumbnailer", built["functions"]["thumbnailer"].spec, root)
    assert fn["sourceCodeHash"] == package.source_code_hash
    assert isinstance(fn["code"], pulumi.FileArchive) and fn["code"].path == str(package.path)
    deps = mocks.monitor.options[("aws:lambda/function:Function", "app-fn-thumbnailer-function")]["dependencies"]
    assert any(d.endswith("app-fn-thumbnailer-logs") for d in deps)
    assert any(d.endswith("app-fn-thumbnailer-function-thumbnailer-0") for d in deps)
    assert res["app-fn-cleaner-function"].inputs["runtime"] == "nodejs24.x"


def test_a_secret_is_a_securestring_parameter_whose_value_stays_secret(mocks, root):
    build(root)
    parameter = mocks.by_name()["app-fn-thumbnailer-secret-service-token"].inputs
    assert parameter["type"] == "SecureString" and parameter["name"] == "/ampliform/app-thumbnailer/SERVICE_TOKEN"
    value = parameter["value"]
    assert isinstance(value, dict) and value["4dabf18193072939515e22adb298388d"] == "1b47061264138c4ac30d75fd1eb44270"
    assert "s3cr3t-value" not in json.dumps(mocks.by_name()["app-fn-thumbnailer-function"].inputs, default=str)


def test_a_schedule_uses_scheduler_with_a_role_that_invokes_only_this_function(mocks, root):
    build(root)
    res = mocks.by_name()
    schedule = res["app-fn-cleaner-schedule"].inputs
    assert schedule["scheduleExpression"] == "cron(0 3 * * ? *)"
    assert schedule["scheduleExpressionTimezone"] == "Europe/Paris"
    assert schedule["flexibleTimeWindow"] == {"mode": "OFF"}
    function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:app-cleaner"
    assert schedule["target"]["arn"] == function_arn
    trust = policy(res["app-fn-cleaner-schedule-role"])["Statement"][0]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert policy(res["app-fn-cleaner-schedule-invoke"])["Statement"] == [
        {"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": function_arn}]
    assert "app-fn-thumbnailer-schedule" not in res


def test_storage_connects_functions_one_notification_after_scoped_permissions(mocks, root):
    build(root)
    res = mocks.by_name()
    (notification,) = mocks.by_type("aws:s3/bucketNotification:BucketNotification")
    assert notification.name == "app-storage-photos-notifications"
    assert notification.inputs["bucket"] == "app-storage-photos-abc123"
    configs = notification.inputs["lambdaFunctions"]
    assert configs == [
        {"id": "on_upload-thumbnailer-0", "events": ["s3:ObjectCreated:*"], "filterPrefix": "post-pictures/",
         "filterSuffix": ".jpg", "lambdaFunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:app-thumbnailer"},
        {"id": "on_delete-cleaner-1", "events": ["s3:ObjectRemoved:*"],
         "lambdaFunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:app-cleaner"}]
    permissions = mocks.by_type("aws:lambda/permission:Permission")
    assert len(permissions) == 2
    for permission in permissions:
        assert permission.inputs["principal"] == "s3.amazonaws.com"
        assert permission.inputs["sourceArn"] == "arn:aws:s3:::app-storage-photos-abc123"
        assert permission.inputs["sourceAccount"] == ACCOUNT
        assert permission.inputs["action"] == "lambda:InvokeFunction"
    deps = mocks.monitor.options[("aws:s3/bucketNotification:BucketNotification", notification.name)]["dependencies"]
    assert {p.name for p in permissions} <= {d.rsplit("::", 1)[1] for d in deps}
    grant = policy(res["app-storage-photos-function-thumbnailer-0"])
    assert {s["Action"] for s in grant["Statement"]} == {"s3:GetObject", "s3:ListBucket", "s3:PutObject"}
    assert res["app-storage-photos-function-thumbnailer-0"].inputs["role"] == "app-fn-thumbnailer-role"


def test_every_document_passes_parliament(mocks, root):
    build(root)
    found = [(r.name, json.loads(r.inputs.get("policy") or r.inputs.get("assumeRolePolicy")))
             for r in mocks.resources if r.typ in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/role:Role")
             and (r.inputs.get("policy") or r.inputs.get("assumeRolePolicy"))]
    assert len(found) >= 8
    for name, document in found:
        assert lint(document) == [], name


def test_standalone_function_needs_its_secrets_and_checks_its_handler(mocks, root):
    with pytest.raises(DefinitionError, match="lists secret 'SERVICE_TOKEN', but no value was given"):
        Function("solo", FunctionArgs(spec=DEFINITION["functions"]["thumbnailer"], project_dir=root))
    with pytest.raises(DefinitionError, match="handler file not found"):
        Function("solo", FunctionArgs(spec={"handler": "functions/nope/handler.py"}, project_dir=root))
    assert mocks.resources == []  # nothing was created from invalid input
    run(lambda: Function("solo", FunctionArgs(spec={"handler": "functions/thumbnailer/handler.py"},
                                              project_dir=root)))
    assert mocks.by_name()["solo-function"].inputs["name"] == "solo"


def test_connect_functions_wants_every_pending_function(mocks, root):
    plan = plan_backend(DEFINITION, project_dir=root)

    def program() -> None:
        storage = Storage("s", StorageArgs(plan=plan, auth=Auth("a", AuthArgs())))
        with pytest.raises(DefinitionError, match="Storage still needs function 'cleaner'"):
            storage.connect_functions({})

    run(program)


def test_triggers_match_what_amplify_generates_for_the_same_input(mocks, tmp_path, monkeypatch):
    """Amplify's storage-triggers reference: created events → onUpload, removed → onDelete, no filter, S3 invoking
    each function for the bucket's ARN and the account; the upload function's bucket variable name. (Amplify's
    case is an upload loop — its upload function writes where every upload fires it — which ampliform refuses
    unless declared: `allow_loop`.)"""
    reference = json.loads((Path(__file__).parent / "reference" / "amplify" / "functions" /
                            "storage-triggers.json").read_text())
    amplify, given = reference["amplify"]["triggers"], reference["input"]
    functions = {name: {"handler": f"functions/{name}/handler.mjs"} for name in given["triggers"].values()}
    for name in functions:
        (tmp_path / "functions" / name).mkdir(parents=True)
        (tmp_path / "functions" / name / "handler.mjs").write_text("export const handler = async () => {};\n")
    monkeypatch.setenv("AMPLIFORM_CACHE_DIR", str(tmp_path / "cache"))
    access = {path: [{"allow": r["who"], "to": r["actions"], **({"entity": "identity"} if r["who"] == "entity" else {}),
                      **({"resource": r["function"]} if r["who"] == "resource" else {})} for r in rules]
              for path, rules in given["access"].items()}
    definition = {"storage": {"name": given["name"], "access": access,
                              "triggers": {"on_upload": given["triggers"]["onUpload"],
                                           "on_delete": given["triggers"]["onDelete"]}},
                  "functions": functions}
    with pytest.raises(DefinitionError, match="upload loop: function 'onUploadHandler'"):
        plan_backend(definition, project_dir=tmp_path)
    definition["storage"]["triggers"]["on_upload"] = {"function": given["triggers"]["onUpload"], "allow_loop": True}
    plan = plan_backend(definition, project_dir=tmp_path)

    def program() -> None:
        storage = Storage("s", StorageArgs(plan=plan, auth=Auth("a", AuthArgs())))
        storage.connect_functions({n: Function(f"f-{n}", FunctionArgs(spec=plan.definition.functions[n], name=n,
                                                                      project_dir=tmp_path, plan=plan,
                                                                      function_name=n))
                                   for n in storage.pending})

    run(program)
    (notification,) = mocks.by_type("aws:s3/bucketNotification:BucketNotification")
    ours = {c["lambdaFunctionArn"].rsplit(":", 1)[1]: (c["events"], c.get("filterPrefix"), c.get("filterSuffix"))
            for c in notification.inputs["lambdaFunctions"]}
    theirs = {e["function"]: (c["events"], None, None) for e in amplify["events"] for c in e["configurations"]}
    assert ours == theirs
    permissions = {p.inputs["function"]: p.inputs for p in mocks.by_type("aws:lambda/permission:Permission")}
    for expected in amplify["lambda_permissions"]:
        mine = permissions[expected["FunctionName"].rsplit(":", 1)[1]]
        assert (mine["action"], mine["principal"]) == (expected["Action"], expected["Principal"])
        assert mine["sourceAccount"] == ACCOUNT and mine["sourceArn"].startswith("arn:aws:s3:::")
    # the variables the stack program passes (the buckets a function has rules on), named as Amplify names them
    for name in functions:
        amplify_env = set(amplify["functions"][name]["environment"]) - {"AMPLIFY_SSM_ENV_CONFIG"}
        assert set(bucket_environment(plan.definition, name)) == amplify_env
    assert amplify_env == set() and bucket_environment(plan.definition, "onUploadHandler") == {
        "MY_PROJECT_FILES_BUCKET_NAME": "myProjectFiles"}
