"""The functions part of a definition: Lambda functions, Python first (pydantic v2, strict and frozen).

    functions:
      thumbnailer:
        handler: functions/thumbnailer/handler.py   # entry `handler(event, context)`; `handler.py:main` names another
        timeout: 30          # seconds (1-900; default 3, as Amplify)
        memory: 512          # MB (128-10240; default 512, as Amplify)
        environment: {SIZE: "256"}
        secrets: [SERVICE_TOKEN]                    # names in the stack setting ampliform:secrets
        schedule: {expression: "cron(0 3 * * ? *)", timezone: Europe/Paris}

Contract: these models hold exactly what the user wrote and check shape and ranges only (types, bounds, the
allowed values of `runtime`, `architecture` and `log_retention`). Meaning — the handler file exists inside
the project, names, environment keys, schedules, who uses the function — is checked by
`ampliform.functions.checks`, run from `ampliform.plan.check`, so that every problem is reported in one run.
`runtime` left out means the newest runtime for the handler's language (`ampliform.functions.runtime`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt

from ampliform.definition.base import StrictModel

Runtime = Literal["python3.14", "python3.13", "python3.12", "python3.11", "nodejs24.x", "nodejs22.x", "nodejs20.x"]
"""Runtimes a function may ask for: those Lambda supports (not deprecated) and pulumi-aws 7.51 knows."""

Architecture = Literal["arm64", "x86_64"]

LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653)
"""The retention periods CloudWatch Logs accepts (days)."""

LogRetention = Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                       2922, 3288, 3653]


class ScheduleSpec(StrictModel):
    """When the function runs by itself (EventBridge Scheduler, which understands time zones)."""

    expression: str = Field(min_length=1, description="rate(5 minutes), cron(0 3 * * ? *), or Amplify's "
                                                      "`every 5m` / `every day` / `every week` ...")
    timezone: str = Field(default="UTC", min_length=1, description="IANA time zone of a cron expression, "
                                                                  "e.g. Europe/Paris (default UTC).")


class FunctionSpec(StrictModel):
    """One Lambda function."""

    handler: str = Field(min_length=1, description="Module file inside the project, relative to it "
                                                   "(`functions/x/handler.py`); `file:name` names the entry point.")
    timeout: Annotated[StrictInt, Field(ge=1, le=900)] = Field(default=3, description="Seconds (1-900).")
    memory: Annotated[StrictInt, Field(ge=128, le=10240)] = Field(default=512, description="MB (128-10240).")
    environment: dict[str, str] = Field(default_factory=dict, description="Environment variables (name → value).")
    secrets: tuple[Annotated[str, Field(min_length=1)], ...] = Field(
        default=(), description="Secret names (values in the stack setting ampliform:secrets).")
    runtime: Runtime | None = Field(default=None, description="Lambda runtime; default: the newest for the "
                                                              "handler's language.")
    architecture: Architecture = Field(default="arm64", description="arm64 (default) or x86_64.")
    ephemeral_storage: Annotated[StrictInt, Field(ge=512, le=10240)] = Field(
        default=512, description="Size of /tmp in MB (512-10240).")
    reserved_concurrency: Annotated[StrictInt, Field(ge=0)] | None = Field(
        default=None, description="Concurrent executions reserved for this function (0 stops it).")
    log_retention: LogRetention | None = Field(
        default=None, description="Days the logs are kept; default: the stack setting ampliform:logRetentionDays.")
    schedule: ScheduleSpec | str | None = Field(
        default=None, description="Run on a schedule: an expression (UTC), or {expression, timezone}.")

    @property
    def schedule_spec(self) -> ScheduleSpec | None:
        """The schedule as a `ScheduleSpec` (a bare expression runs in UTC)."""
        if isinstance(self.schedule, str):
            return ScheduleSpec(expression=self.schedule)
        return self.schedule
