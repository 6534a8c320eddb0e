"""The preview's view of functions: from a mock run's registered resources, what each function is and what
invokes it.

Contract: `function_lines(resources)` takes the preview's resource list (``type``, ``name``, ``inputs`` as
the provider receives them, `ampliform.program.runner`) and returns the text lines of the ``Functions``
section, one block per Lambda function (by the ``ampliform:function`` tag, sorted): physical name,
runtime, architecture, handler, memory and timeout; the archive and its ``sourceCodeHash``; the log group
and its retention; the environment (secret parameters by name only: values never reach the function's
configuration); each bucket trigger (bucket, S3 event, filters) with the invoke permission's source ARN and
account; each schedule (expression, time zone). Empty without functions. Pure: plain data in, text out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LAMBDA = "aws:lambda/function:Function"
NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
PERMISSION = "aws:lambda/permission:Permission"
SCHEDULE = "aws:scheduler/schedule:Schedule"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BUCKET = "aws:s3/bucket:Bucket"


def _ref(resource: Mapping[str, Any], attribute: str) -> str:
    return f"<{resource['name']}.{attribute}>"


def function_lines(resources: Sequence[Mapping[str, Any]]) -> list[str]:
    """The ``Functions`` section (see the module docstring)."""
    by_type: dict[str, list[Mapping[str, Any]]] = {}
    for r in resources:
        by_type.setdefault(r["type"], []).append(r)
    tagged = [r for r in by_type.get(LAMBDA, []) if "ampliform:function" in (r["inputs"].get("tags") or {})]
    functions = sorted(tagged, key=lambda r: r["inputs"]["tags"]["ampliform:function"])
    if not functions:
        return []
    buckets = {_ref(b, "id"): (b["inputs"].get("tags") or {}).get("ampliform:bucket", b["name"])
               for b in by_type.get(BUCKET, [])}
    groups = {g["inputs"].get("name"): g["inputs"].get("retentionInDays") for g in by_type.get(LOG_GROUP, [])}
    lines = ["", "Functions (runtime, triggers, schedules)"]
    for fn in functions:
        i = fn["inputs"]
        arn, name = _ref(fn, "arn"), i["tags"]["ampliform:function"]
        lines.append(f"  {name}: {i.get('name')}  {i.get('runtime')} {','.join(i.get('architectures', []))}  "
                     f"handler {i.get('handler')}  {i.get('memorySize')} MB  {i.get('timeout')} s")
        code = i.get("code") or {}
        lines.append(f"    archive   {code.get('archive', code)}  sha256 {i.get('sourceCodeHash')}")
        group = (i.get("loggingConfig") or {}).get("logGroup")
        days = groups.get(group)
        lines.append(f"    logs      {group}" + (f" ({days} days)" if days else ""))
        variables = (i.get("environment") or {}).get("variables") or {}
        env = ", ".join(f"{k}={v}" for k, v in sorted(variables.items())) or "-"
        lines.append(f"    env       {env}")
        lines += _triggers(by_type, arn, fn, buckets)
        lines += [f"    schedule  {s['inputs'].get('scheduleExpression')} "
                  f"({s['inputs'].get('scheduleExpressionTimezone', 'UTC')}), "
                  f"by {s['inputs']['target'].get('roleArn')}"
                  for s in by_type.get(SCHEDULE, []) if (s["inputs"].get("target") or {}).get("arn") == arn]
    return lines


def _triggers(by_type: Mapping[str, list[Mapping[str, Any]]], arn: str, fn: Mapping[str, Any],
              buckets: Mapping[str, str]) -> list[str]:
    lines = []
    names = (fn["inputs"].get("name"), _ref(fn, "name"))
    permissions = [p["inputs"] for p in by_type.get(PERMISSION, []) if p["inputs"].get("function") in names]
    for notification in by_type.get(NOTIFICATION, []):
        bucket = buckets.get(notification["inputs"].get("bucket"), notification["inputs"].get("bucket"))
        for config in notification["inputs"].get("lambdaFunctions", []):
            if config.get("lambdaFunctionArn") != arn:
                continue
            filters = [f"{k} {config[key]}" for k, key in (("prefix", "filterPrefix"), ("suffix", "filterSuffix"))
                       if config.get(key)]
            lines.append(f"    trigger   bucket {bucket}: {', '.join(config.get('events', []))} "
                         f"({', '.join(filters) or 'every key'})")
    for p in permissions:
        lines.append(f"    invoke    {p.get('principal')} from {p.get('sourceArn')} in account "
                     f"{p.get('sourceAccount')}")
    return lines
