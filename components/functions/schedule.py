"""Schedules: the expressions EventBridge Scheduler accepts, and Amplify's natural-language forms.

Contract: `schedule_expression(text)` returns ``(expression, problem)``: the Scheduler expression for what
the user wrote — ``rate(5 minutes)`` and ``cron(0 3 * * ? *)`` as they are (rate: a positive whole number
and ``minute``/``hour``/``day``, singular for 1 and plural otherwise; cron: six fields, one of day-of-month
and day-of-week ``?``), or Amplify's forms ``every 5m`` / ``every 2h`` / ``every day`` / ``every week`` /
``every month`` / ``every year`` translated — and, when it is not valid, a message and fix (the expression
is then None). `timezone_problem(name)` says whether a time zone is an IANA name (it cannot tell when the
machine has no time-zone data, and then accepts it). Scheduler (not EventBridge rules) is the service:
it runs cron expressions in a time zone (``schedule_expression_timezone``).
"""

from __future__ import annotations

import re
import zoneinfo

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_EVERY = re.compile(r"^every (\d+)(m|h)$")
_EVERY_NAMED = {
    "every day": "cron(0 0 * * ? *)",
    "every week": "cron(0 0 ? * 1 *)",
    "every month": "cron(0 0 1 * ? *)",
    "every year": "cron(0 0 1 1 ? *)",
}
_FIELD = re.compile(r"^[0-9A-Za-z*?,/\-#L W]+$")
EXAMPLES = "rate(5 minutes), cron(0 3 * * ? *), every 5m or every day"


def schedule_expression(text: str) -> tuple[str | None, tuple[str, str] | None]:
    """The Scheduler expression for `text`, or None and (message, fix)."""
    text = text.strip()
    if text in _EVERY_NAMED:
        return _EVERY_NAMED[text], None
    every = _EVERY.fullmatch(text)
    if every:
        count, unit = int(every.group(1)), {"m": "minute", "h": "hour"}[every.group(2)]
        return _rate(count, unit, text)
    rate = _RATE.fullmatch(text)
    if rate:
        count, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        expected = _rate(count, unit, text)
        if expected[0] is not None and expected[0] != text:
            return None, (f"invalid schedule {text!r}: write {expected[0]!r}",
                          "Scheduler wants the singular unit for 1 and the plural otherwise.")
        return expected
    cron = _CRON.fullmatch(text)
    if cron:
        return _cron(cron.group(1), text)
    return None, (f"invalid schedule {text!r}", f"Write a schedule such as {EXAMPLES}.")


def _rate(count: int, unit: str, text: str) -> tuple[str | None, tuple[str, str] | None]:
    if count < 1:
        return None, (f"invalid schedule {text!r}: the rate must be at least 1", "Use a positive number.")
    return f"rate({count} {unit}{'' if count == 1 else 's'})", None


def _cron(fields_text: str, text: str) -> tuple[str | None, tuple[str, str] | None]:
    fields = fields_text.split()
    if len(fields) != 6 or not all(_FIELD.fullmatch(f) for f in fields):
        return None, (f"invalid schedule {text!r}: a cron expression has six fields",
                      "Write cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 3 * * ? *).")
    if "?" not in (fields[2], fields[4]) or fields[2] == fields[4] == "?":
        return None, (f"invalid schedule {text!r}: exactly one of day-of-month and day-of-week must be ?",
                      "Put ? in day-of-month or in day-of-week, e.g. cron(0 3 * * ? *).")
    return text, None


def timezone_problem(name: str) -> tuple[str, str] | None:
    """(message, fix) when `name` is not an IANA time zone (None when it is, or when this cannot be told)."""
    known = zoneinfo.available_timezones()
    if not known or name in known or name == "UTC":
        return None
    return f"unknown time zone {name!r}", "Use an IANA time zone name, e.g. Europe/Paris or America/New_York."
