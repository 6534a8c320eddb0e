"""The evaluator against an independent one: `@cloud-copilot/iam-simulate` (npm), run under node.

Every policy the compiler emits is compared, with Amplify's own as a bonus: every case of the conformance
corpus compiled in both modes (and Amplify's policies for it), plus random definitions from
`strategies.definitions` in both modes. Requests are fuzzed (hypothesis, `hypothesis_profile.tuned`):
object keys and list prefixes built from the map's own path segments, the caller's and another user's
identity ids and a few other segments, with the caller's identity or (now and then) none. All requests go
to one node process (`tests/node/simulate.mjs`), so the test stays fast.

`make test` installs the pinned package (`tests/node/package-lock.json`) into the git-ignored
`tests/node/node_modules`; without node or the package the test is skipped, saying why. Requests leave out
what the two evaluators model differently on purpose: ``*`` in a key (iam-simulate reads a request ARN's
``*`` as a wildcard) and newlines (its wildcards do not span them).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profile import tuned
from reference_data import CASES, DEFAULT_MODE_REJECTS
from strategies import SPECIAL_SEGMENTS, buckets_of, definitions

from ampliform.definition.load import parse_definition
from ampliform.errors import DefinitionError
from ampliform.iam.evaluate import Request, evaluate, list_request, object_request
from ampliform.plan.backend import compile_definition
from ampliform.review.probes import OTHER_IDENTITY, OWN_IDENTITY

NODE_DIR = Path(__file__).resolve().parent / "node"
HARNESS = NODE_DIR / "simulate.mjs"
PACKAGE = NODE_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate"
ARN = "arn:aws:s3:::conformance-bucket"
ARNS = {"myBucket": "arn:aws:s3:::ampliform-dev-mybucket-0a1b2c", "media": "arn:aws:s3:::media-files"}
EXTRA_SEGMENTS = ("x", "file.txt", "", "sub")


def _skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed: the differential test against @cloud-copilot/iam-simulate needs it"
    if not PACKAGE.is_dir():
        return ("@cloud-copilot/iam-simulate is not installed in tests/node/node_modules: run `make test` "
                "(it runs `npm ci --prefix tests/node`)")
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")

Policy = list[dict[str, Any]]


class Batch:
    """Policies and requests to decide, each request remembered with what it is for."""

    def __init__(self) -> None:
        self.policies: list[Policy] = []
        self.requests: list[tuple[int, Request]] = []
        self.labels: list[str] = []

    def add(self, label: str, docs: Policy, requests: Sequence[Request]) -> None:
        self.policies.append(docs)
        index = len(self.policies) - 1
        for r in requests:
            self.requests.append((index, r))
            self.labels.append(label)

    def theirs(self) -> list[str]:
        payload = {"policies": self.policies,
                   "requests": [[i, r.action, r.resource, dict(r.context)] for i, r in self.requests]}
        done = subprocess.run(["node", str(HARNESS)], input=json.dumps(payload), capture_output=True, text=True,
                              cwd=NODE_DIR, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        out = json.loads(done.stdout)
        assert len(out) == len(self.requests)
        return out

    def mismatches(self) -> list[str]:
        theirs = self.theirs()
        found = []
        for (index, request), label, other in zip(self.requests, self.labels, theirs, strict=True):
            ours = evaluate(self.policies[index], request)
            mine = "allow" if ours.allowed else "deny"
            if mine != other:
                found.append(f"{label}: {request.action} {request.resource} {dict(request.context)}: ours {mine} "
                             f"({ours.reason}; {json.dumps(ours.statement)}), iam-simulate {other}")
        return found


def requests_for(rng: random.Random, access: Mapping[str, Any], arn: str, count: int = 12) -> list[Request]:
    """Fuzzed requests around one access map (`rng` is seeded by hypothesis: reproducible, and random when
    exploring)."""
    segments = sorted({part for path in access for part in path[:-2].split("/") if part and "{" not in part}
                      | set(EXTRA_SEGMENTS) | {OWN_IDENTITY, OTHER_IDENTITY})
    out = []
    for _ in range(count):
        key = "/".join(rng.choice(segments) for _ in range(rng.randint(1, 5))).replace("*", "")
        identity = rng.choice([OWN_IDENTITY] * 5 + [None])
        action = rng.choice(["get", "write", "delete", "list", "list"])
        if action == "list":
            out.append(list_request(arn, rng.choice([key, key + "/", None, ""]), identity))
        else:
            out.append(object_request(action, arn, key, identity))
    return out


def add_definition(batch: Batch, label: str, data: Mapping[str, Any], compat: bool, requests: Any,
                   arns: Mapping[str, str]) -> None:
    try:
        compiled = compile_definition(parse_definition(data), arns, compat=compat)
    except DefinitionError:
        return
    for spec in buckets_of(data):
        bucket = compiled[spec["name"]]
        reqs = requests(spec["access"], bucket.arn)
        for role, docs in bucket.roles.items():
            batch.add(f"{label} {'compat' if compat else 'default'} {spec['name']} {role}", docs, reqs)


def test_the_evaluator_agrees_with_iam_simulate_on_every_compiled_policy():
    batch = Batch()

    @tuned(1)
    @given(seed=st.integers(0, 2**32))
    def conformance(seed: int) -> None:
        rng = random.Random(seed)
        for case_file in sorted(CASES.glob("*.json")):
            case = json.loads(case_file.read_text())
            if "error" in case["amplify"]:
                continue
            access = case["input"]["storage"]["access"]
            reqs = requests_for(rng, access, ARN, 16)
            name = case["input"]["storage"]["name"]
            for compat in (False, True):
                if not compat and case_file.stem in DEFAULT_MODE_REJECTS:
                    continue
                add_definition(batch, case_file.stem, case["input"], compat, lambda _a, _arn, r=reqs: r, {name: ARN})
            amplified = [Request(r.action, r.resource.replace(ARN, "arn:aws:s3:::BUCKET"), r.context) for r in reqs]
            for role, statements in case["amplify"]["roles"].items():
                if statements:
                    batch.add(f"{case_file.stem} amplify {role}",
                              [{"Version": "2012-10-17", "Statement": statements}], amplified)

    @tuned(40)
    @given(data=st.one_of(definitions("default"), definitions("default", SPECIAL_SEGMENTS)),
           compat=st.booleans(), seed=st.integers(0, 2**32))
    def random_definitions(data: dict, compat: bool, seed: int) -> None:
        rng = random.Random(seed)
        add_definition(batch, "random", data, compat, lambda access, arn: requests_for(rng, access, arn), ARNS)

    conformance()
    random_definitions()
    assert len(batch.requests) > 10_000, f"only {len(batch.requests)} requests"
    assert len({r.context.get("s3:prefix") for _, r in batch.requests if r.action == "s3:ListBucket"}) > 100
    found = batch.mismatches()
    assert not found, f"{len(found)} of {len(batch.requests)} decisions differ, e.g.:\n" + "\n".join(found[:10])


def test_the_harness_is_not_vacuous():
    """iam-simulate really decides: an allow, a deny by a missing variable, an explicit deny."""
    batch = Batch()
    docs = [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ARN + "/u/${cognito-identity.amazonaws.com:sub}/*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": ARN + f"/u/{OWN_IDENTITY}/secret/*"}]}]
    requests = [object_request("get", ARN, f"u/{OWN_IDENTITY}/a", OWN_IDENTITY),
                object_request("get", ARN, f"u/{OWN_IDENTITY}/a"),
                object_request("get", ARN, f"u/{OWN_IDENTITY}/secret/a", OWN_IDENTITY)]
    batch.add("fixed", docs, requests)
    assert batch.theirs() == ["allow", "deny", "deny"]
    assert batch.mismatches() == []


def test_every_claim_of_the_table_agrees_with_iam_simulate():
    """The evaluator's table (`test_evaluate.ROWS`) decided by iam-simulate too: the claims are AWS's
    semantics, not only this evaluator's. Left out: rows the evaluator refuses, and the preview's placeholder
    ARNs (not ARNs at all)."""
    from test_evaluate import ROWS, UNSUPPORTED

    batch = Batch()
    expected = []
    for claim, statements, request, decision in ROWS:
        if decision == UNSUPPORTED or not request.resource.startswith("arn:"):
            continue
        batch.add(claim, [{"Version": "2012-10-17", "Statement": statements}], [request])
        expected.append(decision)
    assert len(expected) > 80
    theirs = batch.theirs()
    differ = [f"{label}: table {e}, iam-simulate {t}" for label, e, t in zip(batch.labels, expected, theirs,
                                                                              strict=True) if e != t]
    assert not differ, "\n".join(differ)
