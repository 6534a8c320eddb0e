"""Storage triggers, planned: each bucket's S3 notifications, and the rules S3 applies only at deployment.

Contract:
- `bucket_triggers(definition)` lists, per bucket (declaration order), every trigger as a `PlannedTrigger`
  (bucket, ``on_upload``/``on_delete``, S3's event — ``s3:ObjectCreated:*`` / ``s3:ObjectRemoved:*`` —,
  function, prefix, suffix, ``allow_loop``, where it is written), in the order written.
- `filter_problems(trigger)`: S3 filters are literal: no ``*`` wildcard; characters outside the safe
  set of object keys must be URL-encoded (``%XX``; a space as ``+``); at most 1,024 characters.
- `overlap_problems(triggers)`: S3 refuses a notification configuration holding two configurations for the
  same event type whose prefixes overlap (one starts with the other; no prefix overlaps every prefix)
  *and* whose suffixes overlap (one ends with the other) — "Configuration is ambiguously defined", whichever
  functions they invoke. Overlapping prefixes with distinct suffixes, or distinct events, are accepted.
- `loop_problems(definition, triggers, folder_of)`: an ``on_upload`` trigger whose own function may write a key
  it fires for (by the bucket's access rules, longest path deciding; `folder_of(path, rule)` is the folder a
  rule covers for a caller without identity, as `ampliform.access.normalize.rule_folder` computes it) is an
  upload loop, an error unless the trigger says ``allow_loop: true``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ampliform.definition.model import Definition
from ampliform.definition.storage import AccessMap, ResourceRule, Rule
from ampliform.errors import Problem, where

S3_EVENTS = {"on_upload": "s3:ObjectCreated:*", "on_delete": "s3:ObjectRemoved:*"}
AMBIGUOUS = ("Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes "
             "are overlapping for the same event type.")
"""S3's own message for overlapping filters (returned by PutBucketNotificationConfiguration)."""
FILTER_MAX = 1024
_SAFE = re.compile(r"^(?:[A-Za-z0-9!\-_.'()/+]|%[0-9A-Fa-f]{2})*$")
PROBE = "ampliform-loop-probe"

FolderOf = Callable[[str, Rule], "str | None"]


@dataclass(frozen=True)
class PlannedTrigger:
    """One trigger of one bucket."""

    bucket: str
    event: str
    function: str
    prefix: str
    suffix: str
    allow_loop: bool
    location: str

    @property
    def s3_event(self) -> str:
        return S3_EVENTS[self.event]

    def filters(self) -> str:
        """``(prefix post-pictures/, suffix .jpg)``, or ``(every key)``."""
        filters = [f"{k} {v}" for k, v in (("prefix", self.prefix), ("suffix", self.suffix)) if v]
        return f"({', '.join(filters)})" if filters else "(every key)"

    def describe(self) -> str:
        """``on_upload → thumbnailer (prefix post-pictures/, suffix .jpg)``."""
        return f"{self.event} → {self.function} {self.filters()}"


def bucket_triggers(definition: Definition) -> dict[str, list[PlannedTrigger]]:
    """Every bucket's triggers (buckets without any are absent)."""
    out: dict[str, list[PlannedTrigger]] = {}
    for i, bucket in enumerate(definition.buckets):
        if bucket.triggers is None:
            continue
        for event in S3_EVENTS:
            for j, trigger in enumerate(bucket.triggers.of(event)):
                at = where(*definition.bucket_location(i), "triggers", event, j)
                out.setdefault(bucket.name, []).append(PlannedTrigger(
                    bucket.name, event, trigger.function, trigger.prefix, trigger.suffix, trigger.allow_loop, at))
    return out


def filter_problems(trigger: PlannedTrigger) -> list[Problem]:
    """Filters S3 would refuse or read differently from the user."""
    problems = []
    for kind, value in (("prefix", trigger.prefix), ("suffix", trigger.suffix)):
        at = f"{trigger.location}.{kind}"
        if "*" in value:
            problems.append(Problem(f"S3 filters have no wildcards: {kind} {value!r}", at,
                                    f"Write the literal {kind} keys start or end with, e.g. prefix: uploads/, "
                                    "suffix: .jpg."))
        elif not _SAFE.fullmatch(value):
            problems.append(Problem(f"{kind} {value!r} has characters S3 filters take only URL-encoded", at,
                                    "Use letters, digits and ! - _ . ' ( ) /, or URL-encode the others (a space "
                                    "as +)."))
        if len(value) > FILTER_MAX:
            problems.append(Problem(f"{kind} is longer than {FILTER_MAX:,} characters", at, "Shorten it."))
    return problems


def _overlap(a: PlannedTrigger, b: PlannedTrigger) -> bool:
    prefixes = a.prefix.startswith(b.prefix) or b.prefix.startswith(a.prefix)
    suffixes = a.suffix.endswith(b.suffix) or b.suffix.endswith(a.suffix)
    return a.s3_event == b.s3_event and prefixes and suffixes


def overlap_problems(triggers: Sequence[PlannedTrigger]) -> list[Problem]:
    """S3's ambiguity rule over one bucket's triggers (each overlapping pair once, in order)."""
    problems = []
    for i, a in enumerate(triggers):
        for b in triggers[i + 1:]:
            if _overlap(a, b):
                problems.append(Problem(
                    AMBIGUOUS, b.location,
                    f"Make the filters of {a.location} and {b.location} disjoint: distinct prefixes (neither "
                    "starting with the other) or distinct suffixes (neither ending with the other).",
                    details=f"({a.describe()} and {b.describe()} on bucket {a.bucket})"))
    return problems


def may_write(access: AccessMap, function: str, key: str, folder_of: FolderOf) -> bool:
    """Whether `function` may write `key`: the rules at the longest folder `key` is in decide."""
    best: tuple[int, list[Rule]] = (-1, [])
    for path, rules in access.items():
        for rule in rules:
            folder = folder_of(path, rule)
            if folder is None or not key.startswith(folder):
                continue
            if len(folder) > best[0]:
                best = (len(folder), [rule])
            elif len(folder) == best[0]:
                best[1].append(rule)
    return any(isinstance(r, ResourceRule) and r.resource == function and "write" in r.to for r in best[1])


def _written_keys(access: AccessMap, trigger: PlannedTrigger, folder_of: FolderOf) -> list[str]:
    """Keys the trigger fires for, one inside each folder where its function has a write rule."""
    keys = []
    for path, rules in access.items():
        for rule in rules:
            if not (isinstance(rule, ResourceRule) and rule.resource == trigger.function and "write" in rule.to):
                continue
            folder = folder_of(path, rule)
            if folder is None or not (folder.startswith(trigger.prefix) or trigger.prefix.startswith(folder)):
                continue
            keys.append(max(folder, trigger.prefix, key=len) + PROBE + trigger.suffix)
    return keys


def loop_problems(definition: Definition, triggers: Sequence[PlannedTrigger], folder_of: FolderOf
                  ) -> list[Problem]:
    """Upload loops: an on_upload trigger whose function may write what fires it (unless allowed)."""
    access = {b.name: b.access or {} for b in definition.buckets}
    problems = []
    for trigger in triggers:
        if trigger.event != "on_upload" or trigger.allow_loop:
            continue
        bucket_access = access.get(trigger.bucket, {})
        looping = [k for k in _written_keys(bucket_access, trigger, folder_of)
                   if may_write(bucket_access, trigger.function, k, folder_of)]
        if looping:
            problems.append(Problem(
                f"upload loop: function {trigger.function!r} may write keys its own on_upload trigger fires for "
                f"{trigger.filters()}, e.g. {looping[0]!r}, so each upload it makes would invoke it again",
                trigger.location,
                "Narrow the trigger (prefix/suffix) or the function's write paths so they do not meet, or set "
                "`allow_loop: true` on the trigger if the function never re-processes what it writes."))
    return problems
