"""sweeper: runs nightly (EventBridge Scheduler); deletes every thumbnail whose picture is gone.

It lists ``post-pictures/`` and ``thumbnails/`` of ``MY_BUCKET_BUCKET_NAME`` and deletes
``thumbnails/<path>`` when ``post-pictures/<path>`` no longer exists. It may list both folders and delete
thumbnails, nothing else.
"""

from __future__ import annotations

import os
from typing import Any

import boto3

BUCKET_ENV = "MY_BUCKET_BUCKET_NAME"


def _keys(client: Any, bucket: str, prefix: str) -> set[str]:
    keys = set()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.update(item["Key"][len(prefix):] for item in page.get("Contents", []))
    return keys


def handler(event: dict[str, Any], context: Any) -> dict[str, list[str]]:
    """Delete orphaned thumbnails; returns the keys deleted."""
    client = boto3.client("s3")
    bucket = os.environ[BUCKET_ENV]
    orphans = sorted(_keys(client, bucket, "thumbnails/") - _keys(client, bucket, "post-pictures/"))
    for path in orphans:
        client.delete_object(Bucket=bucket, Key="thumbnails/" + path)
    return {"deleted": ["thumbnails/" + p for p in orphans]}
