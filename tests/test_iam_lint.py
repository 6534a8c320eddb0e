"""parliament on every IAM document the access tests generate: zero findings beyond `iam_lint.SUPPRESSIONS`.

Documents linted: every accepted conformance case compiled in both modes; the tutorial definitions
(``backend.yaml`` at the repo root and ``tests/fixtures/tutorial.yaml``) in both modes; random
definitions from `strategies` (both modes, also under a tight budget that splits statements, and their
split/merged forms from `policy_tools`). The lint helper itself is checked: it reports real problems, and
each suppression is narrow (it does not hide the same issue for another cause).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from access_model import COMPAT, DEFAULT
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profile import tuned
from iam_lint import SUPPRESSIONS, lint, lint_report
from policy_tools import merge_statements, split_statements
from reference_data import CASES, DEFAULT_MODE_REJECTS
from strategies import definitions

from ampliform.definition.load import load_definition, parse_definition
from ampliform.errors import DefinitionError
from ampliform.iam.budget import Limits
from ampliform.plan.backend import compile_definition

REPO = Path(__file__).resolve().parents[1]
TUTORIALS = [REPO / "backend.yaml", REPO / "tests" / "fixtures" / "tutorial.yaml"]
ARN = "arn:aws:s3:::ampliform-dev-mybucket-0a1b2c"


def documents(compiled: dict) -> list[tuple[str, dict]]:
    return [(f"{name} {role}", doc) for name, bucket in compiled.items()
            for role, docs in bucket.roles.items() for doc in docs]


def assert_clean(labelled: list[tuple[str, dict]]) -> int:
    """Lint every document; returns how many findings were suppressed (with a reason)."""
    suppressed = 0
    for label, doc in labelled:
        kept, hidden = lint_report(doc)
        assert not kept, f"{label}: parliament findings {[str(f) for f in kept]} in {json.dumps(doc)}"
        suppressed += len(hidden)
    return suppressed


def _accepted_cases() -> list[Path]:
    return [c for c in sorted(CASES.glob("*.json")) if "error" not in json.loads(c.read_text())["amplify"]]


def test_conformance_cases_lint_clean_in_both_modes():
    cases = _accepted_cases()
    assert len(cases) >= 50, f"conformance cases not found under {CASES}"
    linted, suppressed = 0, 0
    for case_file in cases:
        definition = parse_definition(json.loads(case_file.read_text())["input"])
        for compat in (False, True):
            if not compat and case_file.stem in DEFAULT_MODE_REJECTS:
                continue  # rejected as inexpressible (test_conformance checks the error)
            labelled = [(f"{case_file.stem} {'compat' if compat else 'default'} {label}", doc)
                        for label, doc in documents(compile_definition(definition, compat=compat))]
            suppressed += assert_clean(labelled)
            linted += len(labelled)
    assert linted > 300
    assert suppressed > 0, "the corpus has owner paths: the variable suppression should have been exercised"


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.name)
@pytest.mark.parametrize("compat", [False, True], ids=["default", "compat"])
def test_tutorial_lints_clean(path: Path, compat: bool):
    compiled = compile_definition(load_definition(path), {"myBucket": ARN}, compat=compat)
    labelled = documents(compiled)
    assert labelled, "the tutorial grants the authenticated role something"
    assert_clean(labelled)


TIGHT = Limits(inline=600, managed=420, managed_quota=1_000)


@tuned(80)
@given(data=definitions(DEFAULT), mode=st.sampled_from([DEFAULT, COMPAT]))
def test_random_definitions_lint_clean(data, mode):
    try:
        compiled = compile_definition(parse_definition(data), compat=mode == COMPAT)
    except DefinitionError:
        return
    labelled = documents(compiled)
    labelled += [(f"{label} split", split_statements(doc)) for label, doc in labelled]
    labelled += [(f"{label} merged", merge_statements(doc)) for label, doc in labelled]
    if mode == DEFAULT:
        try:
            tight = compile_definition(parse_definition(data), limits=TIGHT)
        except DefinitionError:
            tight = {}
        labelled += [(f"{label} (tight budget)", doc) for label, doc in documents(tight)]
    assert_clean(labelled)


@tuned(80)
@given(data=definitions(COMPAT))
def test_random_compat_definitions_lint_clean(data):
    assert_clean(documents(compile_definition(parse_definition(data), compat=True)))


# ----------------------------------------------------------------------------- the lint helper itself

def _doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_lint_reports_real_problems():
    assert {f.issue for f in lint(_doc({"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": ARN + "/a/*"}))} \
        == {"UNKNOWN_ACTION"}
    assert "RESOURCE_MISMATCH" in {f.issue for f in lint(_doc({"Effect": "Allow", "Action": "s3:GetObject",
                                                                "Resource": ARN}))}
    assert {f.issue for f in lint(_doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))} \
        == {"RESOURCE_STAR"}
    assert {f.issue for f in lint(_doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))} \
        == {"RESOURCE_STAR", "PERMISSIONS_MANAGEMENT_ACTIONS"}, "the community auditors run"
    assert {f.issue for f in lint(_doc({"Effect": "Allow", "Action": "s3:GetObject",
                                         "NotResource": ARN + "/a/*"}))} == {"NOTRESOURCE_WITH_ALLOW"}
    assert lint(json.dumps({"Statement": []})), "a document without Version is reported"
    assert lint("{not json"), "malformed JSON is reported"


def test_variable_suppression_is_narrow():
    owner = {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
             "Resource": ARN + "/p/${cognito-identity.amazonaws.com:sub}/*"}
    kept, hidden = lint_report(_doc(owner))
    assert kept == [] and [f.issue for f, _ in hidden] == ["RESOURCE_MISMATCH"]
    # the same issue for another cause (an object action on the bucket ARN) in the same document stays
    wrong = {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": ARN}
    assert [f.issue for f in lint(_doc(owner, wrong))] == ["RESOURCE_MISMATCH"]
    # ... also when it names the same action as the suppressed finding (identical parliament findings)
    wrong_get = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ARN}
    only_get = dict(owner, Action="s3:GetObject")
    kept, hidden = lint_report(_doc(only_get, wrong_get))
    assert [f.issue for f in kept] == ["RESOURCE_MISMATCH"] and len(hidden) == 1
    # another variable with a colon is not covered by the reason
    other = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ARN + "/p/${www.amazon.com:user_id}/*"}
    assert [f.issue for f in lint(_doc(other))] == ["RESOURCE_MISMATCH"]


def test_trust_policy_suppression_is_narrow():
    trust = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
             "Principal": {"Federated": "cognito-identity.amazonaws.com"},
             "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:pool"},
                           "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}
    assert lint(_doc(trust)) == []
    assert [f.issue for f in lint(_doc({"Effect": "Allow", "Action": "s3:GetObject"}))] == ["MALFORMED"]


def test_every_suppression_has_a_reason():
    assert SUPPRESSIONS
    for rule in SUPPRESSIONS:
        assert rule.issue.isupper() and len(rule.reason) > 40
