"""parliament on IAM documents, with every suppressed finding justified in one table.

Use: ``lint(document)`` (a dict or a JSON string) returns the findings that are *not* suppressed, so a test
asserts ``lint(doc) == []``. ``lint_report(document)`` also returns the suppressed ones with their reason.
parliament runs with its community auditors (privilege escalation, credentials exposure, permissions
management, sensitive access, NotPrincipal/NotResource with Allow, single-value conditions over sets).

Suppressions (`SUPPRESSIONS`): each is one parliament issue, a written reason, and a predicate on the
finding and the document that is as narrow as the reason:

- ``RESOURCE_MISMATCH``, only when the document contains ``${cognito-identity.amazonaws.com:sub}``, the
  actions concerned are S3 object actions whose required format is ``arn:*:s3:::*/*``, and the same
  finding disappears when the variable is replaced by a colon-free stand-in. Why: parliament strips only
  ``${aws:...}`` variables before checking an ARN, and the colon inside this Cognito variable makes it
  reject ``arn:aws:s3:::b/x/${cognito-identity.amazonaws.com:sub}/*`` as an object ARN
  (pulumi-offline-testing.md §8). IAM substitutes the variable; the ARN is a valid object ARN.
- ``RESOURCE_STAR`` for ``sns:Publish`` alone, only when the document also denies ``sns:Publish`` on every
  topic (``arn:*:sns:*:*:*``). Why: the user pool's SMS role texts phone numbers, which have no ARN; the deny
  keeps it from publishing anywhere else.
- ``MALFORMED`` "Statement contains neither Resource nor NotResource", only when every statement of the
  document is a role trust statement (a Principal, only ``sts:AssumeRole*`` actions, no Resource). Why:
  trust policies have no Resource element; parliament only knows identity and resource policies (and
  stops there, so it checks little else of a trust policy).

Any other finding fails the tests: fix what generated the document, or add an entry to `SUPPRESSIONS`
with its reason and a predicate as narrow as that reason.
"""

from __future__ import annotations

import functools
import json
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import parliament
from parliament import analyze_policy_string, enhance_finding, override_config

IDENTITY_VARIABLE = "${cognito-identity.amazonaws.com:sub}"
STAND_IN = "IDENTITY-ID-STAND-IN"
OBJECT_ARN_FORMAT = "arn:*:s3:::*/*"
S3_OBJECT_ACTIONS = {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}

override_config(os.path.join(os.path.dirname(parliament.__file__), "community_auditors", "config_override.yaml"))


@dataclass(frozen=True)
class Finding:
    """One parliament finding, in plain data."""

    issue: str
    severity: str
    title: str
    detail: str

    def __str__(self) -> str:
        return f"{self.issue} ({self.severity}): {self.title}: {self.detail}"


@dataclass(frozen=True)
class Suppression:
    """One parliament issue, why it is a false positive, and how many copies of a finding in a document
    that reason explains (`explains(finding, document)`; 0: none, so the finding is reported)."""

    issue: str
    reason: str
    explains: Callable[[Finding, Mapping[str, Any]], int]


@functools.lru_cache(maxsize=4096)
def _analyze(text: str) -> tuple[Finding, ...]:
    policy = analyze_policy_string(text, include_community_auditors=True)
    out = []
    for raw in policy.findings:
        found = enhance_finding(raw)
        detail = found.detail if isinstance(found.detail, str) else json.dumps(found.detail, sort_keys=True)
        out.append(Finding(found.issue, str(found.severity), str(found.title), detail))
    return tuple(out)


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = document.get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def _identity_variable_false_positive(finding: Finding, document: Mapping[str, Any]) -> int:
    """How many copies of `finding` go away when the variable is replaced by a colon-free stand-in (the
    same finding for another cause, e.g. an object action on the bucket ARN, stays and is reported)."""
    text = json.dumps(document)
    if IDENTITY_VARIABLE not in text:
        return 0
    try:
        concerned = json.loads(finding.detail)
    except ValueError:
        return 0
    if not concerned or not all(isinstance(c, dict) and c.get("action") in S3_OBJECT_ACTIONS
                                and c.get("required_format") == OBJECT_ARN_FORMAT for c in concerned):
        return 0
    without = Counter(_analyze(text.replace(IDENTITY_VARIABLE, STAND_IN)))
    return max(0, Counter(_analyze(text))[finding] - without[finding])


def _trust_policy_has_no_resource(finding: Finding, document: Mapping[str, Any]) -> int:
    statements = _statements(document)

    def is_trust(s: Mapping[str, Any]) -> bool:
        actions = s.get("Action", [])
        actions = [actions] if isinstance(actions, str) else list(actions)
        return ("Principal" in s and "Resource" not in s and "NotResource" not in s and bool(actions)
                and all(str(a).startswith("sts:AssumeRole") for a in actions))

    if finding.detail == "Statement contains neither Resource nor NotResource" and statements and all(
            is_trust(s) for s in statements):
        return len(statements)
    return 0


def _sms_to_phone_numbers(finding: Finding, document: Mapping[str, Any]) -> int:
    """RESOURCE_STAR on statements allowing ``sns:Publish`` alone, in a document that denies it on every topic."""
    statements = _statements(document)

    def only_publish(s: Mapping[str, Any]) -> bool:
        return s.get("Action") in ("sns:Publish", ["sns:Publish"])

    denies_topics = any(s.get("Effect") == "Deny" and only_publish(s) and s.get("Resource") == "arn:*:sns:*:*:*"
                        for s in statements)
    if finding.detail != '["sns:Publish"]' or not denies_topics:
        return 0
    return sum(1 for s in statements if s.get("Effect") == "Allow" and only_publish(s) and s.get("Resource") == "*")


SUPPRESSIONS: tuple[Suppression, ...] = (
    Suppression(
        "RESOURCE_MISMATCH",
        "parliament rejects object ARNs holding ${cognito-identity.amazonaws.com:sub} (it strips only ${aws:...} "
        "variables, and this one contains a colon); IAM substitutes it, the ARN is a valid object ARN.",
        _identity_variable_false_positive),
    Suppression(
        "MALFORMED",
        "role trust policies have no Resource element; parliament only knows identity and resource policies.",
        _trust_policy_has_no_resource),
    Suppression(
        "RESOURCE_STAR",
        "Cognito's SMS role texts phone numbers with sns:Publish, which has no resource ARN for a phone number; "
        "the same document denies sns:Publish on every topic, so Resource * reaches phone numbers only.",
        _sms_to_phone_numbers),
)


def lint_report(document: Mapping[str, Any] | str) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    """(unsuppressed findings, [(suppressed finding, reason)]) for one policy document."""
    text = document if isinstance(document, str) else json.dumps(document)
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = {}
    kept, suppressed = [], []
    used: Counter[tuple[str, Finding]] = Counter()
    for finding in _analyze(text):
        for rule in SUPPRESSIONS:
            if rule.issue != finding.issue or not isinstance(parsed, dict):
                continue
            if used[rule.issue, finding] < rule.explains(finding, parsed):
                used[rule.issue, finding] += 1
                suppressed.append((finding, rule.reason))
                break
        else:
            kept.append(finding)
    return kept, suppressed


def lint(document: Mapping[str, Any] | str) -> list[Finding]:
    """The findings parliament reports on `document` that no suppression explains (empty: clean)."""
    return lint_report(document)[0]
