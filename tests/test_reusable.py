"""The components as a library: pip-install this repo into a fresh virtualenv and use them from another
Pulumi program — one with a `components/` package of its own, as Pulumi projects often have — with that
program's own access map and settings, under mocks. The distribution installs `ampliform` only, so the
program's `components` and ampliform's classes live side by side.

Fast: the venv is created without pip, the outer venv's pip installs a copy of the package (``--no-deps``;
only the build backend comes from pip's configured index, as for the Makefile's ``pip install -e .``), and
the already-installed dependencies (pulumi, pulumi-aws, pydantic, ...) are reused through a ``.pth`` line
pointing at the outer venv's site-packages.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROGRAM = textwrap.dedent('''
    """Another team's Pulumi program: its own buckets, groups, function and settings."""
    import pulumi
    import pulumi_aws as aws

    from ampliform import Auth, AuthArgs, Storage, StorageArgs, guest_access_needed, plan_backend
    from components.naming import app_name   # the program's own components package

    BACKEND = {
        "auth": {"groups": ["staff"]},
        "storage": [
            {"name": "uploads", "is_default": True, "access": {
                "incoming/{entity_id}/*": [{"allow": "entity", "entity": "identity", "to": ["read", "write"]}],
                "catalog/*": [{"allow": "guest", "to": ["get"]},
                              {"allow": "groups", "groups": ["staff"], "to": ["read", "write", "delete"]}],
            }},
            {"name": "exports", "access": {
                "daily/*": [{"allow": "resource", "resource": "exporter", "to": ["write"]}],
            }},
        ],
    }

    plan = plan_backend(BACKEND)
    config = pulumi.Config("shop")
    auth = Auth(app_name("auth"), AuthArgs(groups=BACKEND["auth"]["groups"],
                                      guest_access=guest_access_needed(BACKEND), policy_limits=plan.limits))
    exporter = aws.iam.Role("exporter", assume_role_policy=pulumi.Output.json_dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))
    storage = Storage("shop-files", StorageArgs(
        plan=plan, auth=auth, functions={"exporter": exporter},
        cors_origins=config.require_object("origins"), versioning=config.require_bool("versioning"),
        protect=config.require_bool("versioning")))
    pulumi.export("paths", storage.paths)
    pulumi.export("default_bucket", storage.default_bucket)
''')

RUNNER = textwrap.dedent('''
    """Run program.py under Pulumi mocks; print the registered resources and the exports as JSON."""
    import json
    import runpy
    import sys

    import pulumi
    from pulumi.runtime import mocks as pulumi_mocks

    import ampliform
    import components

    class Mocks(pulumi.runtime.Mocks):
        def __init__(self):
            self.resources = []

        def new_resource(self, args):
            self.resources.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
            out = dict(args.inputs)
            out.setdefault("arn", f"arn:aws:mock:::{args.name}")
            if args.typ == "aws:s3/bucket:Bucket":
                out["bucket"], out["arn"] = f"{args.name}-x", f"arn:aws:s3:::{args.name}-x"
            if args.typ == "aws:cognito/userPool:UserPool":
                out["endpoint"] = f"cognito-idp.us-east-2.amazonaws.com/{args.name}-id"
            if args.typ == "aws:iam/role:Role":
                return args.name, out
            return f"{args.name}-id", out

        def call(self, args):
            return {"region": "us-east-2"} if args.token == "aws:index/getRegion:getRegion" else {}

    class Monitor(pulumi_mocks.MockMonitor):
        def __init__(self, mocks):
            super().__init__(mocks)
            self.options = {}

        def RegisterResource(self, request):
            self.options[request.name] = {"protect": bool(request.protect),
                                          "retainOnDelete": bool(request.retainOnDelete)}
            return super().RegisterResource(request)

    mocks = Mocks()
    monitor = Monitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="shop", stack="live", preview=False, monitor=monitor)
    pulumi.runtime.set_all_config({"shop:origins": '["https://shop.example"]', "shop:versioning": "true"})
    exports = {}

    def program():
        runpy.run_path("program.py", run_name="__main__")
        stack = pulumi.runtime.settings.get_root_resource()
        return pulumi.Output.from_input(dict(stack.outputs)).apply(exports.update)

    pulumi.runtime.test(program)()
    json.dump({"ampliform_file": ampliform.__file__, "components_file": components.__file__,
               "resources": mocks.resources,
               "options": monitor.options, "exports": exports}, sys.stdout)
''')


def make_venv(target: Path) -> Path:
    """A fresh venv that installs this repo (copied, so the working tree stays clean) and reuses the outer
    venv's site-packages for the dependencies."""
    venv.EnvBuilder(with_pip=False, clear=True).create(target)
    python = target / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "outer-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    source = target.parent / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "components", source / "components",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # the build backend (setuptools>=69, pyproject's build-system) comes from pip's configured index, as for
    # the Makefile's `pip install -e .`; the runtime dependencies are not installed (--no-deps)
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                           "--disable-pip-version-check", str(source)],
                          capture_output=True, text=True, cwd=target.parent)
    assert proc.returncode == 0, proc.stderr
    return python


def test_components_installed_elsewhere_build_another_programs_backend(tmp_path):
    python = make_venv(tmp_path / "venv")
    app = tmp_path / "shop"
    (app / "components").mkdir(parents=True)
    (app / "components" / "__init__.py").write_text('"""The shop\'s own components."""\n')
    (app / "components" / "naming.py").write_text('def app_name(part):\n    return f"shop-{part}"\n')
    (app / "program.py").write_text(PROGRAM)
    (app / "run.py").write_text(RUNNER)
    proc = subprocess.run([python, "-E", "-s", "run.py"], cwd=app, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)

    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert data["ampliform_file"].startswith(site), "ampliform was not imported from the installed copy"
    assert data["components_file"] == str(app / "components" / "__init__.py"), "the program's own package"
    installed = sorted(p.name for p in Path(site).iterdir() if not p.name.endswith((".dist-info", ".pth")))
    assert "components" not in installed and "ampliform" in installed

    resources = data["resources"]
    assert resources, "no resources registered"
    types = [r["type"] for r in resources]
    assert types.count("ampliform:index:Auth") == 1 and types.count("ampliform:index:Storage") == 1
    buckets = {r["name"]: r for r in resources if r["type"] == "aws:s3/bucket:Bucket"}
    assert set(buckets) == {"shop-files-uploads", "shop-files-exports"}
    roles = {r["name"] for r in resources if r["type"] == "aws:iam/role:Role"}
    assert roles == {"exporter", "shop-auth-authenticated-role", "shop-auth-guest-role", "shop-auth-group-staff-role"}

    policies = {}
    for r in resources:
        if r["type"] == "aws:iam/rolePolicy:RolePolicy":
            policies.setdefault(r["inputs"]["role"], []).append(json.loads(r["inputs"]["policy"]))
    assert set(policies) == {"exporter", "shop-auth-authenticated-role", "shop-auth-guest-role",
                             "shop-auth-group-staff-role"}
    (exporter_doc,) = policies["exporter"]
    assert {"Effect": "Allow", "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::shop-files-exports-x/daily/*"} in exporter_doc["Statement"]

    cors = [r for r in resources if r["type"] == "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"]
    assert len(cors) == 2
    assert all(c["inputs"]["corsRules"][0]["allowedOrigins"] == ["https://shop.example"] for c in cors)
    assert sum(r["type"] == "aws:s3/bucketVersioning:BucketVersioning" for r in resources) == 2
    assert data["options"]["shop-files-uploads"] == {"protect": True, "retainOnDelete": True}
    pool = next(r for r in resources if r["type"] == "aws:cognito/identityPool:IdentityPool")
    assert pool["inputs"]["allowUnauthenticatedIdentities"] is True

    assert data["exports"]["default_bucket"] == "uploads"
    assert set(data["exports"]["paths"]) == {"uploads", "exports"}
    assert data["exports"]["paths"]["exports"] == {"daily/*": {}}
